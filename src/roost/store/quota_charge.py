"""Quota arithmetic for every backend: root names, net deltas per root,
the limit check, and a root's resources from its row.

Each backend resolves roots and runs its own UPDATE (store/sqlite/quota.py,
store/postgres/quota.py); the rules live here once. Invariants: pure
functions of their arguments; no SQL; STORAGE counted in KiB (RFC 9208 §5.1).
"""

from __future__ import annotations

from collections.abc import Iterable

from roost.store.api import OverQuota, QuotaResource, QuotaRoot

KIB = 1024
"""RFC 9208 §5.1: STORAGE is counted in units of 1024 octets."""


def ancestors_or_self(name: str) -> list[str]:
    """`user.bob.x` -> [`user.bob.x`, `user.bob`, `user`]; a domain prefix
    (`example.com!`) stays on every level and is never split."""
    domain, bang, local = name.rpartition("!")
    levels = local.split(".")
    return [domain + bang + ".".join(levels[:n]) for n in range(len(levels), 0, -1)]


def in_subtree(name: str, top: str) -> bool:
    """Whether `name` is `top` or below it."""
    return name == top or name.startswith(top + ".")


def moved_name(name: str, old: str, new: str) -> str:
    """Where `name` goes when the subtree `old` becomes `new`."""
    return new + name[len(old):] if in_subtree(name, old) else name


def net(deltas: Iterable[tuple[str | None, int, int]]) -> dict[str, tuple[int, int]]:
    """(root or None, bytes, messages) changes -> net (bytes, messages) per
    root, in first-seen order; a change no root covers counts nowhere.
    Net deltas are checked, so a MOVE within one root, which frees what it
    takes, is never refused."""
    totals: dict[str, tuple[int, int]] = {}
    for root, size, count in deltas:
        if root is not None:
            old_size, old_count = totals.get(root, (0, 0))
            totals[root] = (old_size + size, old_count + count)
    return totals


def check(root: str, size: int, count: int, used: int, messages: int,
          storage_limit: int | None, message_limit: int | None) -> None:
    """OverQuota when a root grown by (`size`, `count`) is now past a limit:
    Cyrus's quota_check, `used + delta > limit * 1024`."""
    if size > 0 and storage_limit is not None and used > storage_limit * KIB:
        raise OverQuota(root)
    if count > 0 and message_limit is not None and messages > message_limit:
        raise OverQuota(root)


def quota_root(root: str, storage_limit: int | None, message_limit: int | None,
               mailbox_limit: int | None, used: int, messages: int,
               mailboxes: int) -> QuotaRoot:
    """The root and its limited resources, STORAGE in KiB rounded down."""
    resources = []
    if storage_limit is not None:
        resources.append(QuotaResource("STORAGE", used // KIB, storage_limit))
    if message_limit is not None:
        resources.append(QuotaResource("MESSAGE", messages, message_limit))
    if mailbox_limit is not None:
        resources.append(QuotaResource("MAILBOX", mailboxes, mailbox_limit))
    return QuotaRoot(root, tuple(resources))
