"""Fixtures shared by every test: a temp site, a running IMAP server, clients."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.harness import backend
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.postgres import Postgres, running_postgres
from tests.harness.s3 import Bucket, new_bucket, running_s3
from tests.harness.site import Site, make_site


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(backend.OPTION, choices=backend.BACKENDS, default="sqlite",
                     help="the store backend of every test site (tests/harness/backend.py)")


def pytest_configure(config: pytest.Config) -> None:
    backend.choose(config.getoption(backend.OPTION))
    config.addinivalue_line("markers", "sqlite_only(why): about SQLite itself; skipped on"
                            " --store-backend=postgres")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, skip what is about SQLite itself, with its reason."""
    if config.getoption(backend.OPTION) != "postgres":
        return
    for item in items:
        if (mark := item.get_closest_marker("sqlite_only")) is not None:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {mark.args[0]}"))


@pytest.fixture(autouse=True)
def store_backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """Put this test's sites on the backend of the run (--store-backend)."""
    chosen: str = request.config.getoption(backend.OPTION)
    if chosen == "postgres":
        backend.use_postgres(request.getfixturevalue("postgres"))
    try:
        yield chosen
    finally:
        backend.forget_schemas()
        backend.use_postgres(None)


@pytest.fixture(scope="session")
def cert_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tls")


@pytest.fixture
def site(tmp_path: Path, cert_dir: Path) -> Site:
    return make_site(tmp_path / "site", cert_dir)


@pytest.fixture
async def imap_server(site: Site) -> AsyncIterator[RunningImap]:
    async with running_imap(site) as server:
        yield server


@pytest.fixture
async def imap(imap_server: RunningImap) -> AsyncIterator[ImapTranscript]:
    """Logged in as bob, whose INBOX holds 2 messages."""
    client = await connect(imap_server)
    yield client
    await client.close()


@pytest.fixture
async def imap2(imap_server: RunningImap) -> AsyncIterator[ImapTranscript]:
    """A second session of bob's, to see the first one's changes."""
    client = await connect(imap_server)
    yield client
    await client.close()


@pytest.fixture
async def imap_anon(imap_server: RunningImap) -> AsyncIterator[ImapTranscript]:
    """Connected, greeting read, not logged in."""
    client = await connect(imap_server, user=None)
    yield client
    await client.close()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible server on loopback (moto), for the whole run."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with running_s3() as endpoint:
        yield endpoint


@pytest.fixture
def bucket(s3_endpoint: str) -> Bucket:
    """A fresh, empty bucket on that server."""
    return new_bucket(s3_endpoint)


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    """A throwaway PostgreSQL cluster on a unix socket, started the first time
    a test asks for it and stopped at the end of the run; the tests FAIL,
    never skip, when it cannot start (tests/harness/postgres.py)."""
    with running_postgres(tmp_path_factory.mktemp("pg")) as cluster:
        yield cluster
