"""The store's name-checked writes, for every backend: each validates the
names it is given (`names.validate_internal`), then runs the backend's
operation in one write transaction.

A backend mixes `ValidatedWrites` in and names its operation modules
(`MailboxOps`, `UserOps`, `MessageOps`, `QuotaOps`: each backend's
mailbox_ops, user_ops, message_ops and quota modules, whose functions take
the backend's write transaction first) and its `_write`, which runs one
operation in one transaction (SQLite's writer thread, PostgreSQL's pool).
Invariants: no SQL here; a name is refused before any transaction opens.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from roost.store import names
from roost.store.api import (
    AclEntry,
    AppendMessage,
    AppendResult,
    CopyResult,
    FlagOp,
    MailboxInfo,
    QuotaCorrection,
    QuotaRoot,
)

Op = Callable[[Any], Any]
"""One operation on the backend's write transaction (its result, or for an
async backend an awaitable of it)."""


class MailboxOps(Protocol):
    def create_mailbox(self, tx: Any, name: str, partition: str, special_use: Sequence[str],
                       default_acl: Sequence[AclEntry] = ...) -> Any: ...
    def delete_mailbox(self, tx: Any, mailbox_id: int, children: bool,
                       deleted_prefix: str | None) -> Any: ...
    def rename_mailbox(self, tx: Any, mailbox_id: int, new: str) -> Any: ...
    def set_acl(self, tx: Any, mailbox_id: int, identifier: str, rights: str, mode: FlagOp, *,
                record: bool = ...) -> Any: ...
    def subscribe(self, tx: Any, user: str, name: str) -> Any: ...
    def unsubscribe(self, tx: Any, user: str, name: str) -> Any: ...


class UserOps(Protocol):
    def create_user(self, tx: Any, userid: str, partition: str, folders: Sequence[str],
                    limits: Mapping[str, int] | None, subscriptions: Sequence[str]) -> Any: ...
    def rename_user(self, tx: Any, old: str, new: str) -> Any: ...


class MessageOps(Protocol):
    def move_all(self, tx: Any, source_id: int, new: str, partition: str,
                 user: str | None) -> Any: ...
    def purge(self, tx: Any, mailbox_id: int, uids: Sequence[int], hold: bool) -> Any: ...
    def copy(self, tx: Any, source_id: int, uids: Sequence[int], dest_id: int, user: str | None,
             move: bool, keep_flag: Callable[[str], bool] | None = ...) -> Any: ...


class QuotaOps(Protocol):
    def set_quota(self, tx: Any, root: str, limits: Mapping[str, int]) -> Any: ...
    def recount_under(self, db: Any, prefix: str, dry_run: bool) -> Any: ...


class ValidatedWrites:
    """Mailbox-list, subscription, ACL, quota, append and copy writes, over the
    backend's operations (see the module docstring)."""

    defaultpartition: str
    deleted_prefix: str
    _retire_to: str | None
    _hold: bool
    _mailbox_ops: MailboxOps
    _user_ops: UserOps
    _message_ops: MessageOps
    _quota_ops: QuotaOps
    _write: Callable[[Op], Awaitable[Any]]
    append_messages: Callable[..., Awaitable[list[AppendResult]]]

    def _configure(self, defaultpartition: str, expunge_mode: str, delete_mode: str,
                   deleted_prefix: str) -> None:
        """imapd.conf's modes: `expunge_mode: delayed` keeps expunged bodies
        for unexpunge until `expire_expunged`; `delete_mode: delayed` keeps
        deleted mailboxes under `deleted_prefix` until `expire_deleted`."""
        self.defaultpartition = defaultpartition
        self._hold = expunge_mode == "delayed"
        self.deleted_prefix = deleted_prefix
        self._retire_to = deleted_prefix if delete_mode == "delayed" else None

    # -- mailbox list
    async def create_mailbox(self, name: str, *, partition: str | None = None,
                             special_use: Sequence[str] = (),
                             default_acl: Sequence[AclEntry] = ()) -> MailboxInfo:
        names.validate_internal(name)
        where = partition or self.defaultpartition
        made: MailboxInfo = await self._write(lambda tx: self._mailbox_ops.create_mailbox(
            tx, name, where, special_use, default_acl))
        return made

    async def delete_mailbox(self, mailbox_id: int, *,
                             children: bool = False) -> list[MailboxInfo]:
        gone: list[MailboxInfo] = await self._write(lambda tx: self._mailbox_ops.delete_mailbox(
            tx, mailbox_id, children, self._retire_to))
        return gone

    async def rename_mailbox(self, mailbox_id: int, new: str) -> MailboxInfo:
        names.validate_internal(new)
        renamed: MailboxInfo = await self._write(
            lambda tx: self._mailbox_ops.rename_mailbox(tx, mailbox_id, new))
        return renamed

    async def create_user(self, userid: str, *, folders: Sequence[str] = (),
                          limits: Mapping[str, int] | None = None,
                          subscriptions: Sequence[str] = ()) -> MailboxInfo:
        for name in folders:
            names.validate_internal(name)
        inbox: MailboxInfo = await self._write(lambda tx: self._user_ops.create_user(
            tx, userid, self.defaultpartition, folders, limits, subscriptions))
        return inbox

    async def rename_user(self, old: str, new: str) -> MailboxInfo:
        inbox: MailboxInfo = await self._write(
            lambda tx: self._user_ops.rename_user(tx, old, new))
        return inbox

    async def move_all(self, mailbox_id: int, new: str, *,
                       user: str | None = None) -> MailboxInfo:
        names.validate_internal(new)
        made: MailboxInfo = await self._write(lambda tx: self._message_ops.move_all(
            tx, mailbox_id, new, self.defaultpartition, user))
        return made

    # -- access control lists (AclStore)
    async def set_acl(self, mailbox_id: int, identifier: str, rights: str, *,
                      mode: FlagOp = "replace") -> MailboxInfo:
        changed: MailboxInfo = await self._write(lambda tx: self._mailbox_ops.set_acl(
            tx, mailbox_id, identifier, rights, mode))
        return changed

    # -- quota roots (QuotaStore)
    async def set_quota(self, root: str, limits: Mapping[str, int]) -> QuotaRoot:
        made: QuotaRoot = await self._write(
            lambda tx: self._quota_ops.set_quota(tx, root, limits))
        return made

    async def recount_quotas(self, prefix: str = "", *,
                             dry_run: bool = False) -> list[QuotaCorrection]:
        found: list[QuotaCorrection] = await self._write(
            lambda tx: self._quota_ops.recount_under(tx.db, prefix, dry_run))
        return found

    # -- subscriptions
    async def subscribe(self, user: str, name: str) -> None:
        names.validate_internal(name)
        await self._write(lambda tx: self._mailbox_ops.subscribe(tx, user, name))

    async def unsubscribe(self, user: str, name: str) -> None:
        await self._write(lambda tx: self._mailbox_ops.unsubscribe(tx, user, name))

    # -- messages
    async def append(self, mailbox_id: int, raw: bytes, *, flags: Sequence[str] = (),
                     internaldate: datetime | None = None,
                     user: str | None = None) -> AppendResult:
        """One message: a batch of one (`append_messages`)."""
        results = await self.append_messages(
            mailbox_id, [AppendMessage(raw, flags, internaldate)], user=user)
        return results[0]

    async def purge(self, mailbox_id: int, uids: Sequence[int]) -> list[int]:
        purged: list[int] = await self._write(
            lambda tx: self._message_ops.purge(tx, mailbox_id, uids, self._hold))
        return purged

    async def copy(self, source_id: int, uids: Sequence[int], dest_id: int,
                   user: str | None = None, *,
                   keep_flag: Callable[[str], bool] | None = None) -> CopyResult:
        return await self._copy(source_id, uids, dest_id, user, False, keep_flag)

    async def move(self, source_id: int, uids: Sequence[int], dest_id: int,
                   user: str | None = None, *,
                   keep_flag: Callable[[str], bool] | None = None) -> CopyResult:
        return await self._copy(source_id, uids, dest_id, user, True, keep_flag)

    async def _copy(self, source_id: int, uids: Sequence[int], dest_id: int, user: str | None,
                    move: bool, keep_flag: Callable[[str], bool] | None) -> CopyResult:
        done: CopyResult = await self._write(lambda tx: self._message_ops.copy(
            tx, source_id, uids, dest_id, user, move=move, keep_flag=keep_flag))
        return done
