"""RETR and TOP (RFC 1939 §5, §7): message text streamed from the store.

The body is read a chunk at a time (`Store.body_stream`) and byte-stuffed
on the way, so a large message is never held whole; the output is flushed
every FLUSH_EVERY octets, which waits while the client lags.

A message another session expunged after this one logged in is still
sent while its body is kept (`expunge_mode: delayed`, Cyrus's default,
where pop3d's `blat` still finds the file); once the body is gone
(`immediate`) the answer is Cyrus's for a file it cannot read, `-ERR
[SYS/PERM] Could not read message file`, and the session goes on (the
number stays valid until QUIT, RFC 1939 §4).
"""

from __future__ import annotations

import logging

from roost.net.output import ConnectionClosed
from roost.pop3 import commands as c
from roost.pop3.responses import Stuffer, TopCutter
from roost.pop3.session import PopError, Session
from roost.store.api import MessageNotFound, MessageRecord, StoreCorrupt

log = logging.getLogger(__name__)

#: Octets queued before the output is flushed mid-message.
FLUSH_EVERY = 256 * 1024


async def _send(s: Session, rec: MessageRecord, status: str, lines: int | None) -> None:
    try:
        stream = await s.ctx.store.body_stream(rec.blob)
    except (MessageNotFound, StoreCorrupt):
        raise PopError("SYS/PERM", "Could not read message file") from None
    s.ok(status)
    stuffer = Stuffer()
    cutter = None if lines is None else TopCutter(lines)
    queued = 0
    try:
        async for chunk in stream.chunks:
            data = stuffer.chunk(chunk if cutter is None else cutter.take(chunk))
            s.out.append(data)
            queued += len(data)
            if queued >= FLUSH_EVERY:
                await s.out.flush()
                queued = 0
            if cutter is not None and cutter.done:
                break
    except StoreCorrupt as err:
        # The +OK is out: the reply cannot be finished, so the session ends.
        log.error("pop3 %s: %s", s.session_id, err)
        raise ConnectionClosed("message body unreadable") from None
    finally:
        await stream.chunks.aclose()
    s.out.append(stuffer.end())


async def retr(s: Session, cmd: c.Retr) -> None:
    rec = s.maildrop.message(cmd.msg)
    await _send(s, rec, f"{rec.size} octets", None)
    s.maildrop.retrieved.add(cmd.msg)


async def top(s: Session, cmd: c.Top) -> None:
    rec = s.maildrop.message(cmd.msg)
    await _send(s, rec, "Message follows", cmd.lines)
