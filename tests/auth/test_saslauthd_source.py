"""saslauthd as the password check (sasl_pwcheck_method: saslauthd), against
a real saslauthd (tests/harness/saslauthd.py): the wire exchange, IMAP
logins through it (PLAIN and LOGIN only, no SCRAM offered), and
`roost testsaslauthd` beside Cyrus's own testsaslauthd."""

from __future__ import annotations

import asyncio
import base64
import shutil
import struct
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.harness.imap import RunningImap, connect, running_imap
from tests.harness.saslauthd import running_saslauthd
from tests.harness.site import make_site

from roost.auth.saslauthd import MAX_FIELD, SaslauthdSource, ask, request
from roost.tools import testsaslauthd

USERS = {"carol": "carols-pw", "dave": "d@ve pw"}


@pytest.fixture
def mux() -> Iterator[Path]:
    with running_saslauthd(USERS) as path:
        yield path


@pytest.fixture
async def imap_saslauthd(tmp_path: Path, cert_dir: Path, mux: Path) -> AsyncIterator[RunningImap]:
    site = make_site(tmp_path / "site", cert_dir,
                     f"sasl_pwcheck_method: saslauthd\nsasl_saslauthd_path: {mux}\n")
    async with running_imap(site) as server:
        for user in USERS:
            await server.ctx.store.create_mailbox(f"user.{user}")
        yield server


async def test_ask_answers_ok_and_no(mux: Path) -> None:
    assert await ask(str(mux), "carol", "carols-pw", "imap", "") == "OK"
    assert (await ask(str(mux), "carol", "wrong", "imap", "")).startswith("NO")
    assert (await ask(str(mux), "nobody", "carols-pw", "imap", "")).startswith("NO")


async def test_source_checks_through_saslauthd(mux: Path) -> None:
    source = SaslauthdSource(str(mux))
    assert await source.check_password("dave", "d@ve pw", "imap")
    assert not await source.check_password("dave", "d@ve", "imap")
    assert not source.has_secrets and await source.scram_secrets("dave", "SHA-256") is None


async def test_imap_login_through_saslauthd(imap_saslauthd: RunningImap) -> None:
    client = await connect(imap_saslauthd, user=None)
    await client.play("""
        C: a1 LOGIN carol wrong
        S: a1 NO [AUTHENTICATIONFAILED] {…}
        C: a2 LOGIN carol carols-pw
        S: a2 OK [CAPABILITY {…}] {…}
        C: a3 LIST "" INBOX
        S: * LIST ({…}) "/" "INBOX"
        S: a3 OK {…}
    """)
    await client.close()


async def test_authenticate_plain_through_saslauthd(imap_saslauthd: RunningImap) -> None:
    client = await connect(imap_saslauthd, user=None)
    token = base64.b64encode(b"\0dave\0d@ve pw").decode()
    await client.play(f"""
        C: a1 AUTHENTICATE PLAIN {token}
        S: a1 OK [CAPABILITY {{…}}] {{…}}
    """)
    await client.close()


async def test_no_scram_without_secrets(imap_saslauthd: RunningImap) -> None:
    """saslauthd checks plaintext only: SCRAM is neither offered nor accepted."""
    client = await connect(imap_saslauthd, user=None)
    lines = await client.command("CAPABILITY")
    assert "AUTH=PLAIN" in lines[0] and "AUTH=LOGIN" in lines[0]
    assert "SCRAM" not in lines[0]
    await client.play("""
        C: a1 AUTHENTICATE SCRAM-SHA-256
        S: a1 NO {…}
        C: a2 LOGIN bob secret
        S: a2 NO [AUTHENTICATIONFAILED] {…}
    """)  # bob is in the sasldb only, which this site does not use
    await client.close()


async def test_silent_saslauthd_times_out_as_failure() -> None:
    with tempfile.TemporaryDirectory(prefix="roost-silent-") as directory:
        await _silent_server(Path(directory) / "mux")


async def _silent_server(path: Path) -> None:
    """A socket that accepts and never answers: the check fails after its timeout."""
    server = await asyncio.start_unix_server(lambda r, w: None, path=str(path))
    async with server:
        source = SaslauthdSource(str(path), timeout=0.2)
        assert not await source.check_password("carol", "carols-pw", "imap")


async def test_missing_socket_is_a_failure(tmp_path: Path) -> None:
    assert not await SaslauthdSource(str(tmp_path / "none")).check_password("a", "b", "imap")


async def test_overlong_field_is_refused_unasked(tmp_path: Path) -> None:
    # No socket at all: the refusal comes before any connection.
    with pytest.raises(ValueError):
        await ask(str(tmp_path / "none"), "carol", "x" * (MAX_FIELD + 1), "imap", "")


@given(st.lists(st.text(max_size=60), min_size=4, max_size=4))
def test_request_is_four_counted_strings(fields: list[str]) -> None:
    raw = request(*fields)
    decoded, pos = [], 0
    for _ in range(4):
        (length,) = struct.unpack("!H", raw[pos:pos + 2])
        decoded.append(raw[pos + 2:pos + 2 + length].decode("utf-8"))
        pos += 2 + length
    assert decoded == fields and pos == len(raw)


def _cyrus_testsaslauthd() -> str | None:
    return shutil.which("testsaslauthd") or (
        "/usr/sbin/testsaslauthd" if Path("/usr/sbin/testsaslauthd").exists() else None)


def test_roost_testsaslauthd(mux: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert testsaslauthd.main(["-u", "carol", "-p", "carols-pw", "-f", str(mux)]) == 0
    assert capsys.readouterr().out == '0: OK "Success."\n'
    assert testsaslauthd.main(["-u", "carol", "-p", "no", "-f", str(mux), "-R", "2",
                               "-s", "pop", "-r", ""]) == 255
    assert capsys.readouterr().out == ('0: NO "authentication failed"\n'
                                       '1: NO "authentication failed"\n')


def test_roost_testsaslauthd_reads_socket_from_config(mux: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "imapd.conf"
    conf.write_text(f"sasl_saslauthd_path: {mux}\n")
    assert testsaslauthd.main(["-C", str(conf), "-u", "dave", "-p", "d@ve pw"]) == 0
    assert capsys.readouterr().out == '0: OK "Success."\n'


def test_roost_testsaslauthd_without_socket(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert testsaslauthd.main(["-u", "a", "-p", "b", "-f", str(tmp_path / "none")]) == 255
    captured = capsys.readouterr()
    assert captured.out == "0: \n" and "none" in captured.err


def test_same_answers_as_cyrus_testsaslauthd(mux: Path, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    cyrus = _cyrus_testsaslauthd()
    if cyrus is None:
        pytest.skip("needs testsaslauthd (sasl2-bin)")
    for password in ("carols-pw", "wrong"):
        theirs = subprocess.run([cyrus, "-u", "carol", "-p", password, "-f", str(mux)],
                                capture_output=True, text=True, check=False)
        ours = testsaslauthd.main(["-u", "carol", "-p", password, "-f", str(mux)])
        assert capsys.readouterr().out == theirs.stdout
        assert ours == theirs.returncode
