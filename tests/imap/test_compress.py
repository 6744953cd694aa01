"""COMPRESS=DEFLATE (RFC 4978): raw deflate both ways from right after the
tagged OK, above TLS when TLS is on; NO [COMPRESSIONACTIVE] a second time;
input bounded however well it compresses; one sync flush per batch."""

from __future__ import annotations

import asyncio
import imaplib
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.e2e.test_mbsync import make_maildir, mbsync_config, normalised, read_maildir
from tests.harness.imap import ImapTranscript, RunningImap
from tests.harness.master import running_master
from tests.harness.site import PASSWORD, Site
from tests.pop3.test_pop3_poplib import tls_context

from roost.net.deflate import Deflate, DeflateError

SYNC_MARKER = b"\x00\x00\xff\xff"  # the empty stored block a Z_SYNC_FLUSH ends with


class DeflatingClient(ImapTranscript):
    """A transcript client that compresses once `deflate()` is called,
    counting the bytes the server sent on the wire."""

    deflater: zlib._Compress | None = None

    def deflate(self) -> None:
        self.deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
        self.inflater = zlib.decompressobj(-15)
        self.plain = bytearray()
        self.wire_bytes = bytearray()

    def compressed(self, data: bytes) -> bytes:
        assert self.deflater is not None
        return self.deflater.compress(data) + self.deflater.flush(zlib.Z_SYNC_FLUSH)

    async def send(self, data: bytes) -> None:
        await super().send(self.compressed(data) if self.deflater else data)

    async def readline(self, timeout: float = 10.0) -> str:
        if self.deflater is None:
            return await super().readline(timeout)
        while b"\n" not in self.plain:
            chunk = await asyncio.wait_for(self.reader.read(65536), timeout)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.wire_bytes += chunk
            self.plain += self.inflater.decompress(chunk)
        line, _, rest = bytes(self.plain).partition(b"\n")
        self.plain = bytearray(rest)
        return line.decode("utf-8", "replace").rstrip("\r")


async def deflating(server: RunningImap, login: bool = True) -> DeflatingClient:
    reader, writer = await asyncio.open_connection(server.host, server.port)
    client = DeflatingClient(reader, writer)
    assert (await client.readline()).startswith("* OK [CAPABILITY ")
    if login:
        await client.login()
    return client


async def test_rfc4978_example_login_sequence_over_tls(imap_server: RunningImap) -> None:
    """RFC 4978 §3, first example: STARTTLS, LOGIN, COMPRESS; then the
    session goes on compressed inside TLS, and a second COMPRESS is refused
    as the second example shows."""
    client = await deflating(imap_server, login=False)
    await client.play("""
        C: a starttls
        S: a OK {…}
    """)
    await client.starttls(tls_context())
    await client.play(f"""
        C: b login bob {PASSWORD}
        S: b OK {{…}}
        C: c compress deflate
        S: c OK DEFLATE active
    """)
    client.deflate()
    assert (await client.command("SELECT INBOX"))[0] == "* 2 EXISTS"
    await client.play("""
        C: e FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])
        S: * 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {…}
        S: Subject: Hello 1
        S:
        S: )
        S: e OK {…}
        C: f compress deflate
        S: f NO [COMPRESSIONACTIVE] DEFLATE active via COMPRESS
        C: g NOOP
        S: g OK {…}
    """)
    await client.close()


async def test_fetch_of_many_bodies_is_smaller_on_the_wire(imap_server: RunningImap) -> None:
    """Without TLS too; what comes off the wire inflates to the plain replies."""
    bodies = [b"Subject: note %d\r\n\r\n" % n + b"The same line of text again.\r\n" * 40
              for n in range(20)]
    inbox = await imap_server.mailbox_id("user.bob")
    for body in bodies:
        await imap_server.ctx.store.append(inbox, body)
    client = await deflating(imap_server)
    await client.command("SELECT INBOX")
    await client.play("""
        C: c1 COMPRESS DEFLATE
        S: c1 OK {…}
    """)
    client.deflate()
    lines = await client.command("FETCH 3:22 BODY.PEEK[]")
    assert sum(1 for line in lines if "FETCH (BODY[] {" in line) == 20
    plain = sum(len(line) + 2 for line in lines)
    assert len(client.wire_bytes) * 5 < plain, (len(client.wire_bytes), plain)
    await client.close()


async def test_bad_mechanism_and_state(imap_anon: ImapTranscript) -> None:
    """RFC 4978 §3: BAD for an unknown argument, and (command-auth) before login;
    nothing is compressed after either."""
    await imap_anon.play(f"""
        C: a1 COMPRESS DEFLATE
        S: a1 BAD {{…}}
        C: a2 LOGIN bob {PASSWORD}
        S: a2 OK {{…}}
        C: a3 COMPRESS LZMA
        S: a3 BAD Unknown compression mechanism LZMA
        C: a4 COMPRESS
        S: a4 BAD {{…}}
        C: a5 CAPABILITY
        S: * CAPABILITY {{…}} COMPRESS=DEFLATE{{…}}
        S: a5 OK {{…}}
    """)


async def test_commands_sent_with_compress_are_inflated(imap_server: RunningImap) -> None:
    """A client that sends its next command compressed in the same write as
    COMPRESS (RFC 4978 §3 says it must wait) still gets it run, not garbled."""
    client = await deflating(imap_server)
    client.deflate()
    early = client.compressed(b"d1 NOOP\r\n")
    client.deflater = None
    await client.send(b"c1 COMPRESS DEFLATE\r\n" + early)
    assert await client.readline() == "c1 OK DEFLATE active"
    client.deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    client.deflater.compress(b"d1 NOOP\r\n")  # the same stream the server inflates
    client.deflater.flush(zlib.Z_SYNC_FLUSH)
    await client.play("""
        S: d1 OK {…}
        C: d2 NOOP
        S: d2 OK {…}
    """)
    await client.close()


async def test_one_sync_flush_per_batch(imap_server: RunningImap) -> None:
    """Pipelined commands read at once get their replies in one flushed batch,
    not one flush marker per line."""
    client = await deflating(imap_server)
    await client.command("COMPRESS DEFLATE")
    client.deflate()
    await client.send(b"".join(b"n%d NOOP\r\n" % n for n in range(30)))
    for n in range(30):
        assert (await client.readline()).startswith(f"n{n} OK")
    markers = client.wire_bytes.count(SYNC_MARKER)
    assert 1 <= markers < 10, markers
    await client.close()


async def test_compressed_huge_line_is_refused_and_session_goes_on(
        imap_server: RunningImap) -> None:
    """20 MB of one line compress to about 20 KB: the server inflates it a
    bounded piece at a time, answers BAD [TOOBIG] and stays usable."""
    client = await deflating(imap_server)
    await client.command("COMPRESS DEFLATE")
    client.deflate()
    await client.send(b"b1 NOOP " + b"a" * 20_000_000 + b"\r\n")
    await client.play("""
        S: b1 BAD [TOOBIG] {…}
        C: b2 NOOP
        S: b2 OK {…}
    """)
    await client.close()


async def test_broken_stream_ends_the_connection(imap_server: RunningImap) -> None:
    client = await deflating(imap_server)
    await client.command("COMPRESS DEFLATE")
    client.writer.write(b"\xff\xff\xff\xff not deflate at all\r\n")
    assert await client.reader.read(100) == b""
    await client.close()


class _InflatingFile:
    """What imaplib reads through (its `file`), inflating the socket's bytes."""

    def __init__(self, sock: object) -> None:
        self.sock = sock
        self.inflater = zlib.decompressobj(-15)
        self.buf = b""

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)  # type: ignore[attr-defined]
        if not chunk:
            raise ConnectionError("closed")
        self.buf += self.inflater.decompress(chunk)

    def readline(self, limit: int = -1) -> bytes:
        while b"\n" not in self.buf:
            self._fill()
        line, _, self.buf = self.buf.partition(b"\n")
        return line + b"\n"

    def read(self, size: int) -> bytes:
        while len(self.buf) < size:
            self._fill()
        out, self.buf = self.buf[:size], self.buf[size:]
        return out

    def close(self) -> None:
        pass


async def test_imaplib_with_zlib_by_hand(imap_server: RunningImap,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's imaplib (no COMPRESS of its own) with zlib put under it."""
    monkeypatch.setitem(imaplib.Commands, "COMPRESS", ("AUTH",))

    def session() -> None:
        client = imaplib.IMAP4(imap_server.host, imap_server.port)
        assert "COMPRESS=DEFLATE" in client.capabilities
        client.login("bob", PASSWORD)
        assert client._simple_command("COMPRESS", "DEFLATE")[0] == "OK"
        deflater = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        sock = client.sock

        def send(data: bytes) -> None:
            sock.sendall(deflater.compress(data) + deflater.flush(zlib.Z_SYNC_FLUSH))

        client.send = send  # type: ignore[method-assign]
        client.file = _InflatingFile(sock)  # type: ignore[assignment]
        assert client.select("INBOX") == ("OK", [b"2"])
        typ, data = client.fetch("1:2", "(BODY.PEEK[])")
        assert typ == "OK"
        assert b"Body of message 2." in data[2][1]  # type: ignore[index]
        client.logout()

    await asyncio.to_thread(session)


@pytest.mark.parametrize("pattern", [b"a" * 1_000_000, bytes(range(256)) * 4096])
def test_inflate_is_bounded(pattern: bytes) -> None:
    """However much one input inflates to, one call gives at most max_out."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = deflater.compress(pattern) + deflater.flush(zlib.Z_SYNC_FLUSH)
    layer = Deflate(max_out=4096)
    got = [layer.inflate(packed)]
    for _ in range(len(pattern) // 4096 + 2):
        if not layer.pending():
            break
        got.append(layer.more())
    assert max(map(len, got)) <= 4096
    assert b"".join(got) == pattern


@settings(max_examples=50, deadline=None)
@given(st.lists(st.binary(max_size=3000), max_size=8))
def test_deflate_round_trip(batches: list[bytes]) -> None:
    """Each batch decodes in full at its sync point, whatever comes after."""
    layer = Deflate(max_out=1 << 20)
    inflater = zlib.decompressobj(-15)
    for batch in batches:
        out = layer.deflate(batch) + layer.sync()
        assert inflater.decompress(out) == batch


def test_final_block_or_garbage_is_an_error() -> None:
    layer = Deflate(max_out=1024)
    with pytest.raises(DeflateError):
        layer.inflate(b"\xff\xff\xff\xff")
    ended = zlib.compressobj(6, zlib.DEFLATED, -15)
    with pytest.raises(DeflateError):
        Deflate(max_out=1024).inflate(ended.compress(b"x") + ended.flush())


def test_mbsync_syncs_through_compress(site: Site, tmp_path: Path) -> None:
    """A real client that uses COMPRESS when offered (Debian isync's mbsync):
    it sends COMPRESS DEFLATE, and 30 messages go up and come back down."""
    if shutil.which("mbsync") is None:
        pytest.skip("mbsync (Debian isync) is not installed")
    with running_master(site, {"imap": "imapd"}) as master:
        admin = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        admin.login("admin", PASSWORD)
        assert admin.create("user/bob")[0] == "OK"
        admin.logout()
        expected = make_maildir(tmp_path / "up", 30)
        traces = []
        for name, local in (("up", tmp_path / "up"), ("down", tmp_path / "down")):
            local.mkdir(exist_ok=True)
            state = tmp_path / f"state-{name}"
            state.mkdir()
            config = tmp_path / f"mbsyncrc-{name}"
            config.write_text(mbsync_config(master, local, state))
            result = subprocess.run(["mbsync", "-Dn", "-c", str(config), "-a"],
                                    capture_output=True, text=True, timeout=120, check=False)
            assert result.returncode == 0, result.stdout + result.stderr
            traces.append(result.stdout + result.stderr)
    assert all("COMPRESS DEFLATE" in trace for trace in traces)
    assert read_maildir(tmp_path / "down") == {
        normalised(body): flags for body, flags in expected.items()}
