"""Write operations on messages: append, flags, expunge, copy and move.

Each runs on the writer thread inside the batch transaction. Every change
takes one new MODSEQ per mailbox touched (RFC 7162 §3.1: messages changed
by one operation may share it) and stamps it on each record it changes,
tombstones included, so `changes_since` sees everything.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from roost.store import flag_changes, newmessage
from roost.store import flags as flagbits
from roost.store.api import (
    AppendResult,
    CopyResult,
    FlagOp,
    MailboxInfo,
    MessageNotFound,
    MessageRecord,
)
from roost.store.records import seen_is_per_user
from roost.store.sqlite import quota
from roost.store.sqlite.mailbox_ops import create_mailbox
from roost.store.sqlite.refs import add_blob, bump_modseq, release_blob
from roost.store.sqlite.rows import GONE, HELD, live_records, load_mailbox_id
from roost.store.sqlite.writer import WriteTx

NewBody = newmessage.NewBody[str | None]
"""A body written to its partition, with its serialized parse (or None)."""
NewMessage = newmessage.NewMessage[str | None]


@dataclass(frozen=True, slots=True)
class Target:
    """One mailbox to add the body to, with its flags as `user` sees them."""

    mailbox_id: int
    flags: frozenset[str]


def _insert(tx: WriteTx, info: MailboxInfo, uid: int, modseq: int, flags: frozenset[str],
            user: str | None, internaldate: float, size: int, key: str, partition: str) -> None:
    """Add one record; \\Seen goes to the seen table when it is `user`'s own."""
    bits, keywords = flagbits.encode(flags)
    if seen_is_per_user(info, user):
        if bits & flagbits.SEEN:
            tx.db.execute("INSERT OR IGNORE INTO seen (user, mailbox_id, uid) VALUES (?, ?, ?)",
                          (user, info.id, uid))
        bits &= ~flagbits.SEEN
    # RFC 8514 §3: the save date is now, whatever the internal date (COPY
    # and MOVE included: a copy is saved anew).
    tx.db.execute(
        "INSERT INTO messages (mailbox_id, uid, modseq, sysflags, keywords, internaldate,"
        " size, blob, partition, savedate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (info.id, uid, modseq, bits, keywords, internaldate, size, key, partition, time.time()))


def _add(tx: WriteTx, info: MailboxInfo, uid: int, modseq: int, body: NewBody,
         flags: frozenset[str], user: str | None, internaldate: float) -> AppendResult:
    """Index one new body at `uid` (the caller moves UIDNEXT past it)."""
    add_blob(tx, body.key, body.partition, len(body.raw), body.raw, body.parsed)
    _insert(tx, info, uid, modseq, flags, user, internaldate, len(body.raw), body.key,
            body.partition)
    return AppendResult(info.name, info.uidvalidity, uid, modseq, info.id)


def append(tx: WriteTx, mailbox_id: int, batch: Sequence[NewMessage],
           user: str | None) -> list[AppendResult]:
    """APPEND / MULTIAPPEND (RFC 3502 §6): the whole batch at one new MODSEQ,
    consecutive UIDs; inside one savepoint, so it lands entirely or not at all."""
    info = load_mailbox_id(tx.db, mailbox_id)
    modseq = bump_modseq(tx, info.id)
    results = [_add(tx, info, info.uidnext + n, modseq, msg.body, msg.flags, user,
                    msg.internaldate) for n, msg in enumerate(batch)]
    tx.db.execute("UPDATE mailboxes SET uidnext = ? WHERE id = ?",
                  (info.uidnext + len(batch), info.id))
    quota.charge(tx, [(info.name, sum(len(msg.body.raw) for msg in batch), len(batch))])
    return results


def deliver(tx: WriteTx, body: NewBody, targets: Sequence[Target],
            internaldate: float) -> list[AppendResult]:
    """Index one body into each target (delivery: one body file, many mailboxes)."""
    results = []
    for target in targets:
        info = load_mailbox_id(tx.db, target.mailbox_id)
        modseq = bump_modseq(tx, info.id)
        tx.db.execute("UPDATE mailboxes SET uidnext = ? WHERE id = ?", (info.uidnext + 1, info.id))
        results.append(_add(tx, info, info.uidnext, modseq, body, target.flags, None,
                            internaldate))
    quota.charge(tx, [(result.mailbox, len(body.raw), 1) for result in results])
    return results


def store_flags(tx: WriteTx, mailbox_id: int, uids: Sequence[int], op: FlagOp,
                flags: frozenset[str], user: str | None, unchanged_since: int | None,
                known_flags: Mapping[int, frozenset[str]] | None = None
                ) -> tuple[list[MessageRecord], list[int]]:
    """STORE (RFC 9051 §6.4.6, RFC 7162 §3.1.3): only records whose flags
    change get a new MODSEQ and are returned; UNCHANGEDSINCE failures are
    listed (see `Store.store_flags` for `known_flags`)."""
    info = load_mailbox_id(tx.db, mailbox_id)
    per_user = seen_is_per_user(info, user)
    changes, refused = flag_changes.plan(live_records(tx.db, info.id, uids, user), op, flags,
                                          unchanged_since, known_flags)
    if not changes:
        return [], refused
    modseq = bump_modseq(tx, info.id)
    changed = []
    for rec, new in changes:
        bits, keywords = flagbits.encode(new)
        if per_user:
            if bits & flagbits.SEEN:
                tx.db.execute("INSERT OR IGNORE INTO seen (user, mailbox_id, uid)"
                              " VALUES (?, ?, ?)", (user, info.id, rec.uid))
            else:
                tx.db.execute("DELETE FROM seen WHERE user = ? AND mailbox_id = ? AND uid = ?",
                              (user, info.id, rec.uid))
            tx.db.execute(
                "UPDATE messages SET sysflags = (sysflags & ?) | ?, keywords = ?, modseq = ?"
                " WHERE mailbox_id = ? AND uid = ?",
                (flagbits.SEEN, bits & ~flagbits.SEEN, keywords, modseq, info.id, rec.uid))
        else:
            tx.db.execute("UPDATE messages SET sysflags = ?, keywords = ?, modseq = ?"
                          " WHERE mailbox_id = ? AND uid = ?",
                          (bits, keywords, modseq, info.id, rec.uid))
        changed.append(MessageRecord(rec.uid, modseq, new, rec.internaldate, rec.size, rec.blob))
    return changed, refused


def _tombstone(tx: WriteTx, info: MailboxInfo, records: Sequence[MessageRecord], *,
               charged: bool = True, hold: bool = False) -> list[int]:
    """Expunge `records`: tombstones at a new MODSEQ, their quota freed
    (unless the caller frees it, `charged=False`), bodies released, or with
    `hold` kept for unexpunge (expunge_mode: delayed)."""
    if not records:
        return []
    modseq = bump_modseq(tx, info.id)
    now = time.time()
    for rec in records:
        tx.db.execute("UPDATE messages SET expunged = ?, expunged_at = ?, modseq = ?"
                      " WHERE mailbox_id = ? AND uid = ?",
                      (HELD if hold else GONE, now, modseq, info.id, rec.uid))
        tx.db.execute("DELETE FROM seen WHERE mailbox_id = ? AND uid = ?", (info.id, rec.uid))
        if not hold:
            partition = tx.db.execute("SELECT partition FROM messages WHERE mailbox_id = ?"
                                      " AND uid = ?", (info.id, rec.uid)).fetchone()[0]
            release_blob(tx, rec.blob, partition)
    if charged:
        quota.charge(tx, [(info.name, -sum(rec.size for rec in records), -len(records))])
    return [rec.uid for rec in records]


def expunge(tx: WriteTx, mailbox_id: int, uids: Sequence[int] | None, hold: bool) -> list[int]:
    """EXPUNGE / UID EXPUNGE (RFC 4315 §2.1): remove \\Deleted messages
    (`hold`: keep their bodies for unexpunge)."""
    info = load_mailbox_id(tx.db, mailbox_id)
    if uids is None:
        uids = [row[0] for row in tx.db.execute(
            "SELECT uid FROM messages WHERE mailbox_id = ? AND expunged = 0 AND sysflags & ?",
            (info.id, flagbits.DELETED))]
    doomed = [rec for rec in live_records(tx.db, info.id, uids, None)
              if "\\Deleted" in rec.flags]
    return _tombstone(tx, info, doomed, hold=hold)


def purge(tx: WriteTx, mailbox_id: int, uids: Sequence[int], hold: bool) -> list[int]:
    """Expunge the records `uids` name, whatever their flags (ipurge)."""
    info = load_mailbox_id(tx.db, mailbox_id)
    return _tombstone(tx, info, live_records(tx.db, info.id, uids, None), hold=hold)


def replace(tx: WriteTx, mailbox_id: int, uid: int, target_id: int, new: NewMessage,
            user: str | None, hold: bool) -> AppendResult:
    """REPLACE (RFC 8508 §3.4): expunge `uid`, then append `new`, in this one
    savepoint: the expunge first, so the append's quota charge sees the
    space it frees (only the net change counts); any failure undoes both."""
    info = load_mailbox_id(tx.db, mailbox_id)
    if not _tombstone(tx, info, live_records(tx.db, info.id, [uid], None), hold=hold):
        raise MessageNotFound(f"{info.name} UID {uid}")
    return append(tx, target_id, [new], user)[0]


def copy(tx: WriteTx, source_id: int, uids: Sequence[int], dest_id: int, user: str | None,
         move: bool, keep_flag: Callable[[str], bool] | None = None) -> CopyResult:
    """COPY (RFC 9051 §6.4.7) or MOVE (RFC 6851): new records, the same bodies.

    Flags travel as `user` sees them, less those `keep_flag` refuses;
    internal dates are kept. UIDs that are not in the source are skipped
    (RFC 9051 §6.4.8: a UID set may name gaps).
    """
    src = load_mailbox_id(tx.db, source_id)
    records = live_records(tx.db, src.id, uids, user)
    dst = load_mailbox_id(tx.db, dest_id)
    if not records:
        return CopyResult(dst.uidvalidity, (), ())
    modseq = bump_modseq(tx, dst.id)
    first = dst.uidnext
    for offset, rec in enumerate(records):
        partition = tx.db.execute("SELECT partition FROM messages WHERE mailbox_id = ? AND uid = ?",
                                  (src.id, rec.uid)).fetchone()[0]
        add_blob(tx, rec.blob, partition, rec.size)
        flags = rec.flags if keep_flag is None else frozenset(filter(keep_flag, rec.flags))
        _insert(tx, dst, first + offset, modseq, flags, user, rec.internaldate.timestamp(),
                rec.size, rec.blob, partition)
    tx.db.execute("UPDATE mailboxes SET uidnext = ? WHERE id = ?", (first + len(records), dst.id))
    size = sum(rec.size for rec in records)
    if move:
        _tombstone(tx, src, records, charged=False)
    # One charge for both ends: a MOVE within a root changes nothing.
    quota.charge(tx, [(dst.name, size, len(records)),
                      *([(src.name, -size, -len(records))] if move else [])])
    dest_uids = tuple(range(first, first + len(records)))
    return CopyResult(dst.uidvalidity, tuple(rec.uid for rec in records), dest_uids)


def move_all(tx: WriteTx, source_id: int, new: str, partition: str,
             user: str | None) -> MailboxInfo:
    """RENAME INBOX (RFC 9051 §6.3.6): create `new`, move every message there.

    One operation: a failure anywhere (the name taken, a missing body)
    leaves neither the new mailbox nor a half-emptied source.
    """
    dest = create_mailbox(tx, new, partition, ())
    uids = [row[0] for row in tx.db.execute(
        "SELECT uid FROM messages WHERE mailbox_id = ? AND expunged = 0", (source_id,))]
    copy(tx, source_id, uids, dest.id, user, move=True)
    return load_mailbox_id(tx.db, dest.id)
