"""TRANSACTION-state commands that need no message text (RFC 1939 §5, §7):
STAT, LIST, UIDL, DELE, NOOP, RSET, and QUIT, which enters UPDATE."""

from __future__ import annotations

import asyncio
import logging

from roost.pop3 import commands as c
from roost.pop3.handlers.maildrop_open import next_last_login
from roost.pop3.responses import err
from roost.pop3.session import Maildrop, PopError, Session, State
from roost.store.api import MailboxInfo, MessageRecord
from roost.telemetry import events

log = logging.getLogger(__name__)


async def stat(s: Session, cmd: c.Stat) -> None:
    """RFC 1939 §5: messages not marked deleted, and their octets."""
    live = s.maildrop.live()
    s.ok(f"{len(live)} {sum(rec.size for _, rec in live)}")


async def list_(s: Session, cmd: c.List) -> None:
    """RFC 1939 §5: a scan listing, of one message or of all not deleted."""
    drop = s.maildrop
    if cmd.msg is not None:
        s.ok(f"{cmd.msg} {drop.message(cmd.msg).size}")
        return
    s.ok("scan listing follows")
    s.lines([f"{n} {rec.size}" for n, rec in drop.live()])


def unique_id(format_: str, mailbox: MailboxInfo, rec: MessageRecord) -> str:
    """RFC 1939 §7: the same message always has the same id and no other
    ever gets it: UIDVALIDITY and UID, in Cyrus's `uidl_format` forms."""
    if format_ == "uidonly":
        return str(rec.uid)
    if format_ == "dovecot":
        return f"{rec.uid:08x}{mailbox.uidvalidity:08x}"
    if format_ == "courier":
        return f"{mailbox.uidvalidity}-{rec.uid}"
    return f"{mailbox.uidvalidity}.{rec.uid}"


async def uidl(s: Session, cmd: c.Uidl) -> None:
    drop = s.maildrop
    fmt = s.conf.uidl_format
    if cmd.msg is not None:
        s.ok(f"{cmd.msg} {unique_id(fmt, drop.mailbox, drop.message(cmd.msg))}")
        return
    s.ok("unique-id listing follows")
    s.lines([f"{n} {unique_id(fmt, drop.mailbox, rec)}" for n, rec in drop.live()])


async def dele(s: Session, cmd: c.Dele) -> None:
    """RFC 1939 §5: marks only; with popuseacl the `t` right is needed."""
    drop = s.maildrop
    if s.conf.popuseacl and "t" not in drop.rights:
        raise PopError("SYS/PERM", "Permission denied")
    drop.message(cmd.msg)
    drop.deleted.add(cmd.msg)
    s.ok("message deleted")


async def noop(s: Session, cmd: c.Noop) -> None:
    s.ok()


async def rset(s: Session, cmd: c.Rset) -> None:
    """RFC 1939 §5: unmark; Cyrus forgets what was retrieved too."""
    s.maildrop.deleted.clear()
    s.maildrop.retrieved.clear()
    s.ok()


async def _update(s: Session, drop: Maildrop) -> None:
    """RFC 1939 §6: expunge the marked messages in one store call; with
    popuseimapflags (and `s` when popuseacl) set \\Seen on those retrieved.
    Messages another session expunged meanwhile are skipped by the store,
    as Cyrus's expunge at QUIT skips records already gone."""
    store, mailbox_id = s.ctx.store, drop.mailbox.id
    uids = [drop.messages[n - 1].uid for n in sorted(drop.deleted)]
    if uids:
        events.expunged(len(await store.purge(mailbox_id, uids)), drop.mailbox.name)
    seen = [drop.messages[n - 1].uid for n in sorted(drop.retrieved - drop.deleted)]
    may_see = not s.conf.popuseacl or "s" in drop.rights
    if s.conf.popuseimapflags and may_see and seen:
        await store.store_flags(mailbox_id, seen, "add", ["\\Seen"], user=s.identity.user)


async def quit_(s: Session, cmd: c.Quit) -> None:
    """RFC 1939 §6: UPDATE, then the session ends whatever happened."""
    drop = s.maildrop
    s.state = State.UPDATE
    s.finished = True
    try:
        await _update(s, drop)
    except Exception:
        log.exception("pop3 %s: UPDATE of %s failed", s.session_id, drop.mailbox.name)
        s.out.append(err("SYS/TEMP", "Some deleted messages not removed"))
        return
    finally:
        if s.session_key is not None:
            last = next_last_login(drop.login_time, drop.last_login,
                                   max(0, s.conf.popminpoll) * 60.0, s.conf.poppollpadding)
            await asyncio.to_thread(s.ctx.shared.unlock_maildrop, s.session_key,
                                    drop.mailbox.id, last)
    s.ok(f"{s.conf.servername or 'Roost'} POP3 server signing off")
