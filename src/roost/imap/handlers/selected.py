"""Selected-state housekeeping: CHECK, CLOSE, UNSELECT, EXPUNGE, and IDLE."""

from __future__ import annotations

import asyncio

from roost.imap import commands as c
from roost.imap.errors import BadCommand, No
from roost.imap.handlers.names import require_selected, selected_rights
from roost.imap.notify_push import notify_idle
from roost.imap.responses import Done
from roost.imap.session import Session, State
from roost.imap.updates import announce
from roost.telemetry import events


async def check(s: Session, cmd: c.Check) -> None:
    """RFC 3501 §6.4.1: every change is already durable; nothing to do."""


async def close(s: Session, cmd: c.Close) -> None:
    """RFC 9051 §6.4.1: silently expunge (unless read-only), then unselect."""
    view = s.mailbox
    if not view.readonly and "e" in await selected_rights(s):
        events.expunged(len(await s.store.expunge(view.mailbox_id)), view.name)
    s.unselect()


async def unselect(s: Session, cmd: c.Unselect) -> None:
    """RFC 3691 §2: like CLOSE without the expunge."""
    s.unselect()


async def expunge(s: Session, cmd: c.Expunge) -> Done:
    """RFC 9051 §6.4.3, UID EXPUNGE (RFC 4315 §2.1); dispatch sends the
    EXPUNGEs (VANISHED under QRESYNC, sent here: see `announced`)."""
    view = s.mailbox
    if view.readonly:
        raise No("READ-ONLY", "Mailbox is read-only")
    await require_selected(s, "e")
    uids = None if cmd.uids is None else view.select_uids(cmd.uids, by_uid=True)
    if uids == []:
        return Done("Completed")
    gone = await s.store.expunge(view.mailbox_id, uids)
    view.note_own(expunged=gone)
    events.expunged(len(gone), view.name)
    return await announced(s, bool(gone))


async def announced(s: Session, expunged: bool) -> Done:
    """RFC 7162 §3.2.7, §3.2.9, RFC 6851 §4.4: once messages went, a QRESYNC
    client is told the VANISHED and then the HIGHESTMODSEQ they reach, in
    the tagged OK."""
    if not (expunged and s.qresync):
        return Done("Completed")
    await announce(s, allow_expunge=True, with_uid=True)
    return Done("Completed", f"HIGHESTMODSEQ {s.mailbox.announced_modseq}")


async def idle(s: Session, cmd: c.Idle) -> Done:
    """RFC 2177: report changes as they happen until the client sends DONE.

    If another session deletes the selected mailbox meanwhile, `announce`
    says BYE (see `roost.imap.updates`) and IDLE ends without waiting for
    DONE: the connection closes after the tagged reply.
    """
    await s.send_continuation(b"idling")
    done = asyncio.ensure_future(s.read_raw_line())
    try:
        while not done.done():
            view = s.selected
            if s.notify is not None:
                # RFC 5465 §4: in IDLE, exactly the events NOTIFY asked for.
                await notify_idle(s, done)
            elif view is not None:
                await announce(s, allow_expunge=True, with_uid=False)
                await s.flush()
                if s.state is State.LOGOUT:
                    return Done("IDLE terminated")
                waiter = asyncio.ensure_future(
                    s.store.wait_for_change(view.mailbox_id, view.modseq, s.conf.imapidlepoll))
                await asyncio.wait({done, waiter}, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
            else:
                await asyncio.wait({done}, timeout=s.conf.imapidlepoll)
        line = done.result()
    finally:
        if not done.done():
            done.cancel()
    if line.upper() != b"DONE":
        raise BadCommand(None, "Expected DONE")
    return Done("IDLE terminated")
