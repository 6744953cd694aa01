"""FETCH BODY[] of a large message streams from its file: the bytes are exact
(NULs as 0x80, the size announced), and the server never holds the whole
body while sending it (measured with tracemalloc: the server runs in this
process; the client below reads into a small buffer and keeps only a hash)."""

from __future__ import annotations

import asyncio
import hashlib
import re
import tracemalloc

from tests.harness.imap import RunningImap
from tests.harness.site import PASSWORD

from roost.store.names import user_inbox

SIZE = 8 << 20


def big_message(fill: bytes) -> bytes:
    head = b"From: big@example.com\r\nSubject: big\r\n\r\n"
    line = fill * 76 + b"\r\n"
    return head + line * ((SIZE - len(head)) // len(line))


async def fetch_digest(server: RunningImap, command: bytes) -> tuple[bytes, int, bytes]:
    """(the line before the literal, literal size, SHA-256 of the literal), read 64 KiB at a time."""
    reader, writer = await asyncio.open_connection(server.host, server.port)
    await reader.readline()
    writer.write(b"a LOGIN bob " + PASSWORD.encode() + b"\r\nb SELECT INBOX\r\n" + command)
    for _ in range(50):  # the LOGIN and SELECT replies
        if (await reader.readline()).startswith(b"b OK"):
            break
    head = await reader.readline()
    size = int(re.search(rb"\{(\d+)\}\r\n$", head).group(1))  # type: ignore[union-attr]
    digest = hashlib.sha256()
    left = size
    while left:
        chunk = await reader.read(min(left, 65536))
        assert chunk
        digest.update(chunk)
        left -= len(chunk)
    tail = await reader.readline()  # `)`, or ` FLAGS (...))` where RFC822 set \Seen
    assert tail.endswith(b")\r\n")
    assert (await reader.readline()).startswith(b"c OK")
    writer.close()
    return head, size, digest.digest()


async def test_a_large_body_arrives_exactly(imap_server: RunningImap) -> None:
    raw = big_message(b"x")
    inbox = await imap_server.ctx.store.get_mailbox(user_inbox("bob"))
    await imap_server.ctx.store.append(inbox.id, raw)
    head, size, digest = await fetch_digest(imap_server, b"c FETCH 3 (UID BODY.PEEK[])\r\n")
    assert head.startswith(b"* 3 FETCH (UID 3 BODY[] {")
    assert (size, digest) == (len(raw), hashlib.sha256(raw).digest())


async def test_nuls_of_a_streamed_body_go_out_as_0x80(imap_server: RunningImap) -> None:
    raw = big_message(b"\x00")
    inbox = await imap_server.ctx.store.get_mailbox(user_inbox("bob"))
    await imap_server.ctx.store.append(inbox.id, raw)
    _, size, digest = await fetch_digest(imap_server, b"c FETCH 3 RFC822\r\n")
    assert (size, digest) == (len(raw), hashlib.sha256(raw.replace(b"\x00", b"\x80")).digest())


async def test_the_server_never_holds_the_whole_body(imap_server: RunningImap) -> None:
    inbox = await imap_server.ctx.store.get_mailbox(user_inbox("bob"))
    await imap_server.ctx.store.append(inbox.id, big_message(b"y"))
    tracemalloc.start()
    try:
        _, size, _ = await fetch_digest(imap_server, b"c FETCH 3 BODY.PEEK[]\r\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > SIZE - 100
    assert peak < SIZE // 4, peak
