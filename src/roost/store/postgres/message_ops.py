"""Write operations on messages: append, delivery, flags, expunge, copy,
move and replace, each inside the transaction `Database.write` opened.

The SQLite backend's rules (`store/sqlite/message_ops.py`): one new MODSEQ
per mailbox touched, stamped on every record changed (tombstones too);
UIDs consecutive from UIDNEXT. Every operation first locks the rows of
the mailboxes it changes, so the UIDs and MODSEQs it reads stay its own
until the commit, whatever other processes write at the same time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from roost.message.parsed import ParsedMessage
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
from roost.store.postgres import quota
from roost.store.postgres.mailbox_ops import create_mailbox
from roost.store.postgres.refs import add_blob, bump_modseq, release_blob
from roost.store.postgres.rows import GONE, HELD, live_records, load_mailbox_id, lock_mailboxes
from roost.store.postgres.tx import WriteTx
from roost.store.records import seen_is_per_user

NewBody = newmessage.NewBody[ParsedMessage]
"""A body staged in its partition, with its parse."""
NewMessage = newmessage.NewMessage[ParsedMessage]


async def _insert(tx: WriteTx, info: MailboxInfo, uid: int, modseq: int, flags: frozenset[str],
                  user: str | None, internaldate: float, size: int, key: str,
                  partition: str) -> None:
    """Add one record; \\Seen goes to the seen table when it is `user`'s own.
    RFC 8514 §3: the save date is now (a copy is saved anew)."""
    bits, keywords = flagbits.encode(flags)
    if seen_is_per_user(info, user):
        if bits & flagbits.SEEN:
            await tx.db.run('INSERT INTO seen ("user", mailbox_id, uid) VALUES (%s, %s, %s)'
                            " ON CONFLICT DO NOTHING", (user, info.id, uid))
        bits &= ~flagbits.SEEN
    await tx.db.run(
        "INSERT INTO messages (mailbox_id, uid, modseq, sysflags, keywords, internaldate,"
        " size, blob, partition, savedate) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (info.id, uid, modseq, bits, keywords, internaldate, size, key, partition, time.time()))


async def _add(tx: WriteTx, info: MailboxInfo, uid: int, modseq: int, body: NewBody,
               flags: frozenset[str], user: str | None, internaldate: float) -> AppendResult:
    await add_blob(tx, body.key, body.partition, len(body.raw), body.raw, body.parsed)
    await _insert(tx, info, uid, modseq, flags, user, internaldate, len(body.raw), body.key,
                  body.partition)
    return AppendResult(info.name, info.uidvalidity, uid, modseq, info.id)


async def append(tx: WriteTx, mailbox_id: int, batch: Sequence[NewMessage],
                 user: str | None) -> list[AppendResult]:
    """APPEND / MULTIAPPEND (RFC 3502 §6): one new MODSEQ, consecutive UIDs."""
    info = await load_mailbox_id(tx.db, mailbox_id, lock=True)
    modseq = await bump_modseq(tx, info.id)
    results = [await _add(tx, info, info.uidnext + n, modseq, msg.body, msg.flags, user,
                          msg.internaldate) for n, msg in enumerate(batch)]
    await tx.db.run("UPDATE mailboxes SET uidnext = %s WHERE id = %s",
                    (info.uidnext + len(batch), info.id))
    await quota.charge(tx, [(info.name, sum(len(m.body.raw) for m in batch), len(batch))])
    return results


async def deliver(tx: WriteTx, body: NewBody, targets: Sequence[tuple[int, frozenset[str]]],
                  internaldate: float) -> list[AppendResult]:
    """Index one body into each target (mailbox id, flags)."""
    await lock_mailboxes(tx.db, [mailbox_id for mailbox_id, _ in targets])
    results = []
    for mailbox_id, flags in targets:
        info = await load_mailbox_id(tx.db, mailbox_id)
        modseq = await bump_modseq(tx, info.id)
        await tx.db.run("UPDATE mailboxes SET uidnext = %s WHERE id = %s",
                        (info.uidnext + 1, info.id))
        results.append(await _add(tx, info, info.uidnext, modseq, body, flags, None,
                                  internaldate))
    await quota.charge(tx, [(result.mailbox, len(body.raw), 1) for result in results])
    return results


async def store_flags(tx: WriteTx, mailbox_id: int, uids: Sequence[int], op: FlagOp,
                      flags: frozenset[str], user: str | None, unchanged_since: int | None,
                      known_flags: Mapping[int, frozenset[str]] | None
                      ) -> tuple[list[MessageRecord], list[int]]:
    """STORE (RFC 9051 §6.4.6, RFC 7162 §3.1.3): only records whose flags
    change get the new MODSEQ; UNCHANGEDSINCE refusals are listed."""
    info = await load_mailbox_id(tx.db, mailbox_id, lock=True)
    per_user = seen_is_per_user(info, user)
    changes, refused = flag_changes.plan(await live_records(tx.db, info.id, uids, user), op, flags,
                                          unchanged_since, known_flags)
    if not changes:
        return [], refused
    modseq = await bump_modseq(tx, info.id)
    changed = []
    for rec, new in changes:
        bits, keywords = flagbits.encode(new)
        if per_user:
            if bits & flagbits.SEEN:
                await tx.db.run('INSERT INTO seen ("user", mailbox_id, uid) VALUES (%s, %s, %s)'
                                " ON CONFLICT DO NOTHING", (user, info.id, rec.uid))
            else:
                await tx.db.run('DELETE FROM seen WHERE "user" = %s AND mailbox_id = %s'
                                " AND uid = %s", (user, info.id, rec.uid))
            await tx.db.run("UPDATE messages SET sysflags = (sysflags & %s) | %s, keywords = %s,"
                            " modseq = %s WHERE mailbox_id = %s AND uid = %s",
                            (flagbits.SEEN, bits & ~flagbits.SEEN, keywords, modseq, info.id,
                             rec.uid))
        else:
            await tx.db.run("UPDATE messages SET sysflags = %s, keywords = %s, modseq = %s"
                            " WHERE mailbox_id = %s AND uid = %s",
                            (bits, keywords, modseq, info.id, rec.uid))
        changed.append(MessageRecord(rec.uid, modseq, new, rec.internaldate, rec.size, rec.blob))
    return changed, refused


async def _tombstone(tx: WriteTx, info: MailboxInfo, records: Sequence[MessageRecord], *,
                     charged: bool = True, hold: bool = False) -> list[int]:
    """Expunge `records`: tombstones at a new MODSEQ, bodies released (or with
    `hold` kept for unexpunge, expunge_mode: delayed), their quota freed
    unless the caller frees it (`charged=False`)."""
    if not records:
        return []
    modseq = await bump_modseq(tx, info.id)
    uids = [rec.uid for rec in records]
    released = await tx.db.all(
        "UPDATE messages SET expunged = %s, expunged_at = %s, modseq = %s"
        " WHERE mailbox_id = %s AND uid = ANY(%s) RETURNING blob, partition",
        (HELD if hold else GONE, time.time(), modseq, info.id, uids))
    await tx.db.run("DELETE FROM seen WHERE mailbox_id = %s AND uid = ANY(%s)", (info.id, uids))
    for key, partition in [] if hold else sorted(released):
        await release_blob(tx, key, partition)
    if charged:
        await quota.charge(tx, [(info.name, -sum(rec.size for rec in records), -len(records))])
    return uids


async def expunge(tx: WriteTx, mailbox_id: int, uids: Sequence[int] | None,
                  hold: bool) -> list[int]:
    """EXPUNGE / UID EXPUNGE (RFC 4315 §2.1): remove \\Deleted messages
    (`hold`: keep their bodies for unexpunge)."""
    info = await load_mailbox_id(tx.db, mailbox_id, lock=True)
    if uids is None:
        uids = [row[0] for row in await tx.db.all(
            "SELECT uid FROM messages WHERE mailbox_id = %s AND expunged = 0"
            " AND sysflags & %s != 0", (info.id, flagbits.DELETED))]
    doomed = [rec for rec in await live_records(tx.db, info.id, uids, None)
              if "\\Deleted" in rec.flags]
    return await _tombstone(tx, info, doomed, hold=hold)


async def purge(tx: WriteTx, mailbox_id: int, uids: Sequence[int], hold: bool) -> list[int]:
    """Expunge the records `uids` name, whatever their flags (ipurge)."""
    info = await load_mailbox_id(tx.db, mailbox_id, lock=True)
    return await _tombstone(tx, info, await live_records(tx.db, info.id, uids, None), hold=hold)


async def replace(tx: WriteTx, mailbox_id: int, uid: int, target_id: int, new: NewMessage,
                  user: str | None, hold: bool) -> AppendResult:
    """REPLACE (RFC 8508 §3.4): expunge first, so the append's quota charge
    sees the space it frees; any failure undoes both."""
    await lock_mailboxes(tx.db, [mailbox_id, target_id])
    info = await load_mailbox_id(tx.db, mailbox_id)
    if not await _tombstone(tx, info, await live_records(tx.db, info.id, [uid], None),
                            hold=hold):
        raise MessageNotFound(f"{info.name} UID {uid}")
    return (await append(tx, target_id, [new], user))[0]


async def copy(tx: WriteTx, source_id: int, uids: Sequence[int], dest_id: int, user: str | None,
               move: bool, keep_flag: Callable[[str], bool] | None = None) -> CopyResult:
    """COPY (RFC 9051 §6.4.7) or MOVE (RFC 6851): new records of the same
    bodies, flags as `user` sees them less those `keep_flag` refuses;
    UIDs not in the source are skipped (RFC 9051 §6.4.8)."""
    await lock_mailboxes(tx.db, [source_id, dest_id])
    src = await load_mailbox_id(tx.db, source_id)
    records = await live_records(tx.db, src.id, uids, user)
    dst = await load_mailbox_id(tx.db, dest_id)
    if not records:
        return CopyResult(dst.uidvalidity, (), ())
    modseq = await bump_modseq(tx, dst.id)
    partitions: dict[int, str] = dict(await tx.db.all(
        "SELECT uid, partition FROM messages WHERE mailbox_id = %s AND uid = ANY(%s)",
        (src.id, [rec.uid for rec in records])))
    first = dst.uidnext
    for offset, rec in enumerate(records):
        await add_blob(tx, rec.blob, partitions[rec.uid], rec.size)
        flags = rec.flags if keep_flag is None else frozenset(filter(keep_flag, rec.flags))
        await _insert(tx, dst, first + offset, modseq, flags, user, rec.internaldate.timestamp(),
                      rec.size, rec.blob, partitions[rec.uid])
    await tx.db.run("UPDATE mailboxes SET uidnext = %s WHERE id = %s",
                    (first + len(records), dst.id))
    size = sum(rec.size for rec in records)
    if move:
        await _tombstone(tx, src, records, charged=False)
    # One charge for both ends: a MOVE within a root changes nothing.
    await quota.charge(tx, [(dst.name, size, len(records)),
                            *([(src.name, -size, -len(records))] if move else [])])
    return CopyResult(dst.uidvalidity, tuple(rec.uid for rec in records),
                      tuple(range(first, first + len(records))))


async def move_all(tx: WriteTx, source_id: int, new: str, partition: str,
                   user: str | None) -> MailboxInfo:
    """RENAME INBOX (RFC 9051 §6.3.6): create `new`, move every message there."""
    await load_mailbox_id(tx.db, source_id, lock=True)
    dest = await create_mailbox(tx, new, partition, ())
    uids = [row[0] for row in await tx.db.all(
        "SELECT uid FROM messages WHERE mailbox_id = %s AND expunged = 0", (source_id,))]
    await copy(tx, source_id, uids, dest.id, user, move=True)
    return await load_mailbox_id(tx.db, dest.id)
