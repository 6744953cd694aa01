"""Per-user protocol telemetry (Cyrus's `<configdirectory>/log/<userid>/`):
real clients against the real server, then the file read back."""

from __future__ import annotations

import asyncio
import base64
import imaplib
import re
from pathlib import Path

from tests.harness.imap import RunningImap, connect
from tests.harness.master import wait_until
from tests.harness.site import PASSWORD, Site

#: Cyrus's prot layer: `<UNIXTIME<` before client bytes, `>UNIXTIME>` before server bytes.
CLIENT = re.compile(r"<\d{10,}<")
SERVER = re.compile(r">\d{10,}>")


def log_dir(site: Site, user: str) -> Path:
    return Path(site.conf.configdirectory) / "log" / user


def imaplib_session(server: RunningImap, user: str, commands: int) -> None:
    """LOGIN, `commands` NOOPs and a SELECT, LOGOUT: blocking, for a thread."""
    client = imaplib.IMAP4(server.host, server.port)
    client.login(user, PASSWORD)
    for _ in range(commands):
        client.noop()
    client.select("INBOX")
    client.logout()


async def test_a_user_with_a_directory_gets_one_file_per_session(
        site: Site, imap_server: RunningImap) -> None:
    log_dir(site, "bob").mkdir(parents=True)
    await asyncio.to_thread(imaplib_session, imap_server, "bob", 2)
    await asyncio.to_thread(imaplib_session, imap_server, "bob", 1)
    files = await asyncio.to_thread(written, log_dir(site, "bob"), 2, "LOGOUT")
    assert len(files) == 2
    # imap-<sessionid>; the session id is Cyrus's <host>-<pid>-<time>-<n>
    assert all(re.fullmatch(r"imap-.+-\d+-\d+-\d+", f.name) for f in files), files
    text = max(files, key=lambda f: f.stat().st_size).read_text()
    assert text.startswith("---------- bob ")
    client_lines = [line for line in text.splitlines() if CLIENT.match(line)]
    assert any(line.endswith(" NOOP") for line in client_lines), text
    assert any(line.endswith(" SELECT INBOX") for line in client_lines), text
    assert any(line.endswith(" LOGOUT") for line in client_lines), text
    assert SERVER.search(text) and "* BYE" in text
    assert text.count(" NOOP\n") == 2
    assert PASSWORD not in text


async def test_no_directory_no_file(site: Site, imap_server: RunningImap) -> None:
    log_dir(site, "bob").mkdir(parents=True)
    await asyncio.to_thread(imaplib_session, imap_server, "alice", 1)
    assert not log_dir(site, "alice").exists()
    assert list(log_dir(site, "bob").iterdir()) == []


async def test_a_second_login_is_masked(site: Site, imap_server: RunningImap) -> None:
    """After UNAUTHENTICATE (RFC 8437) the LOGIN password, a literal password
    and an AUTHENTICATE exchange are in the stream: none reaches the file."""
    log_dir(site, "bob").mkdir(parents=True)
    plain = base64.b64encode(f"\0bob\0{PASSWORD}".encode()).decode()
    client = await connect(imap_server, user="bob")
    await client.play(rf"""
        C: a1 UNAUTHENTICATE
        S: a1 OK {{…}}
        C: a2 LOGIN bob {PASSWORD}
        S: a2 OK {{…}}
        C: a3 UNAUTHENTICATE
        S: a3 OK {{…}}
        C: a4 LOGIN bob {{{len(PASSWORD)}+}}
        C: {PASSWORD}
        S: a4 OK {{…}}
        C: a5 UNAUTHENTICATE
        S: a5 OK {{…}}
        C: a6 AUTHENTICATE PLAIN
        S: +{{…}}
        C: {plain}
        S: a6 OK {{…}}
        C: a7 UNAUTHENTICATE
        S: a7 OK {{…}}
        C: a8 AUTHENTICATE PLAIN {plain}
        S: a8 OK {{…}}
        C: a9 NOOP
        S: a9 OK {{…}}
    """)
    await client.close()
    (path,) = await asyncio.to_thread(written, log_dir(site, "bob"), 1, "a9 OK")
    text = path.read_text()
    assert PASSWORD not in text and plain not in text, text
    assert "a2 LOGIN ***" in text
    assert "a4 LOGIN ***" in text
    assert "a6 AUTHENTICATE PLAIN" in text and "a8 AUTHENTICATE PLAIN ***" in text
    assert "a9 NOOP" in text


def written(directory: Path, count: int, last: str) -> list[Path]:
    """The telemetry files in `directory` that hold `last`, once `count` do
    (the writer thread writes a session's end as it closes; bounded wait)."""
    def holding() -> list[Path]:
        return sorted(f for f in directory.iterdir() if last in f.read_text())
    wait_until(lambda: len(holding()) >= count, 10)
    return holding()


async def test_pop3_session_is_logged_too(site: Site, imap_server: RunningImap) -> None:
    """The hook is in the shared connection layer: POP3 writes `pop3-<sessionid>`."""
    import poplib
    import socket as sockets

    from roost.pop3.server import start_pop3

    log_dir(site, "bob").mkdir(parents=True)
    sock = sockets.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    server = await start_pop3(imap_server.ctx, sock, implicit_tls=False)

    def session() -> None:
        client = poplib.POP3("127.0.0.1", sock.getsockname()[1])
        client.user("bob")
        client.pass_(PASSWORD)
        client.stat()
        client.quit()

    try:
        await asyncio.to_thread(session)
        (path,) = await asyncio.to_thread(written, log_dir(site, "bob"), 1, "QUIT")
    finally:
        server.close()
    assert path.name.startswith("pop3-")
    text = path.read_text()
    assert "STAT" in text and "+OK" in text and PASSWORD not in text


async def test_a_lone_cr_does_not_split_a_login_line(tmp_path: Path) -> None:
    """Only LF ends a client line in the log: `bob\\rsecret` stays one line, masked."""
    from roost.telemetry.protolog import ProtocolLog

    log = ProtocolLog(tmp_path / "imap-1", "bob")
    log.client(b"a1 LOGIN bob\rsecret\r\na2 NO")
    log.client(b"OP\r\n")
    await log.close()
    text = (tmp_path / "imap-1").read_bytes()
    assert re.fullmatch(rb"---------- bob .+\n\n<\d+<a1 LOGIN \*\*\*\r\n<\d+<a2 NOOP\r\n",
                        text), text


async def test_managesieve_reauthentication_is_masked(site: Site,
                                                      imap_server: RunningImap) -> None:
    """ManageSieve (RFC 5804) through the same hook: `sieve-<sessionid>`, and
    an AUTHENTICATE after UNAUTHENTICATE (§2.14.1) shows no credentials."""
    import socket as sockets

    from roost.managesieve.server import start_managesieve
    from tests.harness.transcript import TranscriptClient

    log_dir(site, "bob").mkdir(parents=True)
    sock = sockets.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    server = await start_managesieve(imap_server.ctx, sock, implicit_tls=False)
    token = base64.b64encode(f"\0bob\0{PASSWORD}".encode()).decode()
    try:
        reader, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        client = TranscriptClient(reader, writer)
        while not (await client.readline()).startswith("OK"):
            pass
        await client.play(f"""
            C: AUTHENTICATE "PLAIN" "{token}"
            S: OK
            C: UNAUTHENTICATE
            S: OK
            C: AUTHENTICATE "PLAIN" {{{len(token)}+}}
            C: {token}
            S: OK
            C: LISTSCRIPTS
            S: OK
            C: LOGOUT
            S: OK
        """)
        await client.close()
        (path,) = await asyncio.to_thread(written, log_dir(site, "bob"), 1, "LOGOUT")
    finally:
        server.close()
    text = path.read_text()
    assert path.name.startswith("sieve-")
    assert token not in text and PASSWORD not in text, text
    assert 'AUTHENTICATE "PLAIN" ***' in text and "LISTSCRIPTS" in text
