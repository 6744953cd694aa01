"""Quota roots and their usage, kept exact by the writes that change it
(the SQLite backend's rules, `store/sqlite/quota.py`, over PostgreSQL).

Usage changes in the transaction of the write that changes the records:
`charge` updates each covering root in name order, which locks it until
the commit, so concurrent writers from any process add up exactly; one
past a limit raises OverQuota and the whole transaction is undone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from roost.store import quota_charge
from roost.store.api import (
    QUOTA_RESOURCES,
    MailboxNotFound,
    OverQuota,
    QuotaCorrection,
    QuotaRoot,
    QuotaRootNotFound,
    QuotaUsage,
)
from roost.store.postgres.tx import Db, Row, WriteTx
from roost.store.quota_charge import ancestors_or_self, moved_name

UNDER = "(name = %(top)s OR starts_with(name, %(top)s || '.'))"
"""Mailbox `name` is `top` or below it."""


async def root_of(db: Db, name: str) -> str | None:
    """The quota root covering mailbox `name`, if any."""
    row = await db.one("SELECT root FROM quota_roots WHERE root = ANY(%s)"
                       " ORDER BY length(root) DESC LIMIT 1", (ancestors_or_self(name),))
    return None if row is None else str(row[0])


async def _covered(db: Db, root: str) -> list[int]:
    """Ids of the mailboxes `root` covers: itself and those below whose nearest root it is."""
    rows = await db.all(f"SELECT id, name FROM mailboxes WHERE {UNDER}",
                        {"top": root})
    return [row[0] for row in rows if await root_of(db, row[1]) == root]


async def _count(db: Db, root: str) -> tuple[int, int]:
    """(bytes, messages) of the live records `root` covers, counted."""
    row = await db.one("SELECT coalesce(sum(size), 0), count(*) FROM messages"
                       " WHERE expunged = 0 AND mailbox_id = ANY(%s)", (await _covered(db, root),))
    return (int(row[0]), int(row[1])) if row else (0, 0)


async def recount(db: Db, root: str | None) -> None:
    """Count `root`'s usage from its records."""
    if root is not None:
        await db.run("UPDATE quota_roots SET storage_used = %s, messages_used = %s"
                     " WHERE root = %s", (*await _count(db, root), root))


async def _under(db: Db, prefix: str) -> list[Row]:
    return await db.all(
        "SELECT root, storage_limit, message_limit, mailbox_limit, storage_used, messages_used"
        " FROM quota_roots WHERE starts_with(root, %s) ORDER BY root", (prefix,))


async def usages(db: Db, prefix: str) -> list[QuotaUsage]:
    """Roots under `prefix` with the usage of every resource (`quota`)."""
    found = []
    for root, storage, message, mailbox, size, count in await _under(db, prefix):
        used = (size, count, len(await _covered(db, root)))
        found.append(QuotaUsage(root, dict(zip(QUOTA_RESOURCES, used, strict=True)),
                                dict(zip(QUOTA_RESOURCES, (storage, message, mailbox),
                                         strict=True))))
    return found


async def recount_under(db: Db, prefix: str, dry_run: bool) -> list[QuotaCorrection]:
    """Count every root under `prefix` again; correct it unless `dry_run`."""
    found = []
    for root, *_, size, count in await _under(db, prefix):
        counted = await _count(db, root)
        found += [QuotaCorrection(root, name, was, now)
                  for name, was, now in zip(QUOTA_RESOURCES, (size, count), counted)
                  if was != now]
        if counted != (size, count) and not dry_run:
            await recount(db, root)
    return found


async def charge(tx: WriteTx, deltas: Iterable[tuple[str, int, int]]) -> None:
    """Add (mailbox name, bytes, messages) changes to the roots covering
    them, net per root; growth past a limit raises OverQuota (Cyrus's
    quota_check: `used + delta > limit * 1024`)."""
    totals = quota_charge.net([(await root_of(tx.db, name), size, count)
                               for name, size, count in deltas])
    for root, (size, count) in sorted(totals.items()):
        row = await tx.db.one(
            "UPDATE quota_roots SET storage_used = storage_used + %s,"
            " messages_used = messages_used + %s WHERE root = %s"
            " RETURNING storage_used, messages_used, storage_limit, message_limit",
            (size, count, root))
        if row is not None:
            quota_charge.check(root, size, count, *row)


async def check_new_mailbox(tx: WriteTx, name: str) -> None:
    """CREATE under a root whose MAILBOX limit is reached is refused; the
    root's row stays locked, so two creates cannot both take the last one."""
    root = await root_of(tx.db, name)
    if root is None:
        return
    row = await tx.db.one("SELECT mailbox_limit FROM quota_roots WHERE root = %s FOR UPDATE",
                          (root,))
    if row is not None and row[0] is not None and len(await _covered(tx.db, root)) >= row[0]:
        raise OverQuota(root)


async def set_quota(tx: WriteTx, root: str, limits: Mapping[str, int]) -> QuotaRoot:
    """Make `root` a root with `limits`, recounting it and the root above."""
    if await tx.db.one("SELECT 1 FROM mailboxes WHERE name = %s FOR UPDATE", (root,)) is None:
        raise MailboxNotFound(root)
    await tx.db.run("DELETE FROM quota_roots WHERE root = %s", (root,))
    outer = await root_of(tx.db, root)
    await tx.db.run("INSERT INTO quota_roots (root, storage_limit, message_limit, mailbox_limit)"
                    " VALUES (%s, %s, %s, %s)",
                    (root, *(limits.get(name) for name in QUOTA_RESOURCES)))
    await recount(tx.db, root)
    await recount(tx.db, outer)
    return await load(tx.db, root)


async def rename_roots(tx: WriteTx, old: str, new: str) -> None:
    """Roots of the subtree `old` follow it to `new`; a stale root at the target gives way."""
    for (root,) in await tx.db.all("SELECT root FROM quota_roots WHERE root = %(top)s"
                                   " OR starts_with(root, %(top)s || '.')", {"top": old}):
        target = moved_name(root, old, new)
        await tx.db.run("DELETE FROM quota_roots WHERE root = %s", (target,))
        await tx.db.run("UPDATE quota_roots SET root = %s WHERE root = %s", (target, root))


async def drop_root(tx: WriteTx, name: str) -> bool:
    """Forget the root called `name` (its mailbox is being deleted); True if there was one."""
    return await tx.db.run("DELETE FROM quota_roots WHERE root = %s", (name,)) > 0


async def load(db: Db, root: str) -> QuotaRoot:
    """The root and its limited resources, STORAGE in KiB rounded down."""
    row = await db.one("SELECT storage_limit, message_limit, mailbox_limit, storage_used,"
                       " messages_used FROM quota_roots WHERE root = %s", (root,))
    if row is None:
        raise QuotaRootNotFound(root)
    storage_limit, message_limit, mailbox_limit, used, messages = row
    mailboxes = 0 if mailbox_limit is None else len(await _covered(db, root))
    return quota_charge.quota_root(root, storage_limit, message_limit, mailbox_limit,
                                   used, messages, mailboxes)


async def load_root_of(db: Db, name: str) -> QuotaRoot | None:
    root = await root_of(db, name)
    return None if root is None else await load(db, root)

