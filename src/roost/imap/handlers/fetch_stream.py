"""FETCH of a large whole message, sent while it is read from its file.

A client asking `BODY[]` (or `RFC822`) of a message of many megabytes gets
its literal a chunk at a time, each chunk flushed before the next is read
(`Store.body_stream`), so a connection holds one chunk of it, not the
whole body; a client that stops reading is cut off by the output's write
timeout meanwhile. Only the whole message streams: sections, partials and
BINARY need the bytes in hand. NULs go out as 0x80, as `literal` does.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import replace

from roost.imap import commands as c
from roost.imap.handlers.fetch_items import Needs, needs_of
from roost.imap.session import ConnectionClosed, Session
from roost.store.api import BodyStream, StoreCorrupt

log = logging.getLogger(__name__)

#: Messages larger than this are streamed when the FETCH allows it.
STREAM_ABOVE = 1 << 20


def _whole_message(item: c.FetchItem) -> bytes | None:
    """The reply name of an item that is the whole message as stored, or None."""
    if isinstance(item, c.FetchAttr):
        return b"RFC822" if item.name == "RFC822" else None
    if isinstance(item, c.FetchBody) and item.section == c.Section() and item.partial is None:
        return b"BODY[]"
    return None


def streamable(items: tuple[c.FetchItem, ...]) -> tuple[int, bytes] | None:
    """(index, reply name) of the item to stream: the whole message, when no
    other item of the FETCH needs the body bytes."""
    for n, item in enumerate(items):
        name = _whole_message(item)
        if name is not None and not needs_of(items[:n] + items[n + 1:]).body:
            return n, name
    return None


def without_body(needs: Needs) -> Needs:
    """What the other items need while the body itself streams."""
    return replace(needs, body=False)


async def send_streamed(s: Session, seq: int, parts: list[bytes | None], name: bytes,
                        body: BodyStream) -> None:
    """`* seq FETCH (...)` with the `None` part sent as `name {size}` and the body.

    A body file shorter than its size ends the connection: the literal is
    announced and cannot be finished (the store is damaged; reconstruct).
    """
    s.out.append(b"* %d FETCH (" % seq)
    for n, part in enumerate(parts):
        if n:
            s.out.append(b" ")
        if part is not None:
            s.out.append(part)
            continue
        s.out.append(name + b" {%d}\r\n" % body.size)
        async with contextlib.aclosing(body.chunks) as chunks:
            try:
                async for chunk in chunks:
                    s.out.append(chunk.replace(b"\x00", b"\x80"))
                    await s.flush()
            except StoreCorrupt as err:
                log.error("FETCH of a damaged body: %s", err)
                raise ConnectionClosed(str(err)) from err
    s.out.append(b")\r\n")
