"""POP3 fixtures: the server on a fresh store (bob's INBOX holds 2
messages), clients before and after login. Run on asyncio and uvloop."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.harness.loops import pytest_asyncio_loop_factories
from tests.harness.site import Site
from tests.pop3.pop3_client import Pop3Transcript, RunningPop3, connect, running_pop3

__all__ = ["pytest_asyncio_loop_factories"]


@pytest.fixture
async def pop3_server(site: Site) -> AsyncIterator[RunningPop3]:
    async with running_pop3(site) as server:
        yield server


@pytest.fixture
async def pop3(pop3_server: RunningPop3) -> AsyncIterator[Pop3Transcript]:
    """Greeting read, not logged in."""
    client = await connect(pop3_server.port)
    yield client
    await client.close()


@pytest.fixture
async def bob(pop3_server: RunningPop3) -> AsyncIterator[Pop3Transcript]:
    """Logged in as bob: TRANSACTION on his INBOX of 2 messages."""
    client = await connect(pop3_server.port, "bob")
    yield client
    await client.close()
