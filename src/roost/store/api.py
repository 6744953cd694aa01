"""The mail store API: the contract between the protocols and the backends.

Everything is async so a backend can do its durable writes off the event
loop (and batch them); a cheap read may complete synchronously, a read
that costs milliseconds (a whole large mailbox) must not hold the caller's
event loop (SqliteStore: its read pool; PostgresStore: its connection pool). A full disk is `StorageFull`,
with nothing of the change kept. Names are internal
(see `roost.store.names`); `user` arguments are canonical user ids
(`bob` or `bob@example.com`) and matter only for per-user state: `\\Seen`
of a mailbox the user does not own, and subscriptions.

Mailboxes are addressed by a stable id: a caller looks a name up once
(`get_mailbox(name).id`) and passes the id to every later call. RENAME
keeps the id; ids are never reused, so an id a session holds names that
mailbox or, once it is deleted, nothing (and `changes_since` says so with
a `MailboxDeleted`). Each write method is one transaction: all of it is
durable, or none of it happened.

The errors live in `store/errors.py` and the values in `store/values.py`;
callers take them from here, with the protocols, so this stays the one
module a protocol package imports of the store.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from roost.store.errors import (
    InvalidMailboxName,
    InvalidMessage,
    MailboxExists,
    MailboxHasChildren,
    MailboxNotFound,
    MessageNotFound,
    OverQuota,
    PermissionDenied,
    QuotaRootNotFound,
    StorageFull,
    StoreCorrupt,
    StoreError,
    StoreUnavailable,
)
from roost.store.values import (
    OWNER_RIGHTS,
    QUOTA_RESOURCES,
    SYSTEM_FLAGS,
    AclEntry,
    AppendMessage,
    AppendResult,
    BodyStream,
    Changes,
    CopyResult,
    Delivery,
    FlagOp,
    MailboxAclChanged,
    MailboxChange,
    MailboxDeleted,
    MailboxInfo,
    MailboxRenamed,
    MailboxStatus,
    MessageRecord,
    MessageSummary,
    QuotaCorrection,
    QuotaResource,
    QuotaRoot,
    QuotaUsage,
    UidRange,
    Vanished,
)

if TYPE_CHECKING:
    from roost.message import ParsedMessage
    from roost.store.duplicates import DuplicateRecord

__all__ = [  # the errors and values callers take from here, the one door to the store
    "OWNER_RIGHTS",
    "QUOTA_RESOURCES",
    "SYSTEM_FLAGS",
    "AclEntry",
    "AclStore",
    "AppendMessage",
    "AppendResult",
    "BodyStream",
    "Changes",
    "CopyResult",
    "Delivery",
    "FlagOp",
    "InvalidMailboxName",
    "InvalidMessage",
    "MailboxAclChanged",
    "MailboxChange",
    "MailboxDeleted",
    "MailboxExists",
    "MailboxHasChildren",
    "MailboxInfo",
    "MailboxNotFound",
    "MailboxRenamed",
    "MailboxStatus",
    "MessageNotFound",
    "MessageRecord",
    "MessageSummary",
    "OverQuota",
    "PermissionDenied",
    "QuotaCorrection",
    "QuotaResource",
    "QuotaRoot",
    "QuotaRootNotFound",
    "QuotaStore",
    "QuotaUsage",
    "StorageFull",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreUnavailable",
    "UidRange",
    "Vanished",
]


class Store(Protocol):
    """The mail store. Implementations: `roost.store.sqlite.SqliteStore` and
    `roost.store.postgres.PostgresStore` (the protocol suites run on both)."""

    # -- mailbox list (names here; everything after takes the id)
    async def create_mailbox(self, name: str, *, partition: str | None = None,
                             special_use: Sequence[str] = (),
                             default_acl: Sequence[AclEntry] = ()) -> MailboxInfo:
        """Create `name` (parents need not exist; they are not created).

        Its ACL, as Cyrus sets it (RFC 4314 §4: a new mailbox SHOULD inherit
        its parent's): the nearest existing ancestor's; without one, a
        personal mailbox's owner holds OWNER_RIGHTS, and any other mailbox
        gets `default_acl` (the `defaultacl` option, which callers pass).
        """
    async def delete_mailbox(self, mailbox_id: int, *,
                             children: bool = False) -> list[MailboxInfo]:
        """Delete the mailbox and its messages (bodies go when no copy is left);
        with `children`, every mailbox below it too, in the same transaction
        (an admin deleting a user). Returns what was deleted."""
    async def rename_mailbox(self, mailbox_id: int, new: str) -> MailboxInfo:
        """Rename the mailbox and every child below it; ids and UIDVALIDITY
        stay, and quota roots in the subtree move with it."""
    async def rename_user(self, old: str, new: str) -> MailboxInfo:
        """Rename user `old` to `new` (canonical ids) in one transaction:
        their mailboxes and quota roots, every ACL entry naming them,
        subscriptions and \\Seen state. Returns the new INBOX;
        MailboxNotFound without an old INBOX, MailboxExists with a new one."""
    async def create_user(self, userid: str, *, folders: Sequence[str] = (),
                          limits: Mapping[str, int] | None = None,
                          subscriptions: Sequence[str] = ()) -> MailboxInfo:
        """Create user `userid` in one transaction: the INBOX, `folders`
        (internal names below it, their ACL inherited), a quota root on
        the INBOX with `limits` when given, and `subscriptions` (internal
        names) for the user. Returns the INBOX; MailboxExists when the
        INBOX exists already (nothing else is done then)."""
    async def move_all(self, mailbox_id: int, new: str, *,
                       user: str | None = None) -> MailboxInfo:
        """Create `new` and move every message of the mailbox into it, in one
        transaction (RFC 9051 §6.3.6: RENAME INBOX); the source stays, empty."""
    async def get_mailbox(self, name: str) -> MailboxInfo:
        """The mailbox called `name`, or MailboxNotFound."""
    async def mailbox_by_id(self, mailbox_id: int) -> MailboxInfo:
        """The mailbox with that id, or MailboxNotFound."""
    async def list_mailboxes(self, prefix: str = "") -> list[MailboxInfo]:
        """Mailboxes whose name starts with `prefix`, sorted by name."""

    # -- subscriptions (per user, by name; names need not exist)
    async def subscribe(self, user: str, name: str) -> None: ...
    async def unsubscribe(self, user: str, name: str) -> None: ...
    async def subscriptions(self, user: str) -> list[str]: ...

    # -- messages in
    async def append_messages(self, mailbox_id: int, messages: Sequence[AppendMessage], *,
                              user: str | None = None) -> list[AppendResult]:
        """Store a batch durably, all or nothing (RFC 3502 §6: MULTIAPPEND);
        UIDs are consecutive, in order. InvalidMessage for an empty body."""
    async def append(self, mailbox_id: int, raw: bytes, *, flags: Sequence[str] = (),
                     internaldate: datetime | None = None,
                     user: str | None = None) -> AppendResult:
        """`append_messages` of one message."""
    async def deliver(self, targets: Sequence[Delivery], raw: bytes,
                      internaldate: datetime | None = None, *,
                      records: Sequence[DuplicateRecord] = ()) -> list[AppendResult]:
        """One body file for all targets; every target durable before returning.
        `records` (a DuplicateStore backend's) are written in the same
        transaction, so suppressing duplicates costs no second commit."""

    # -- reading
    async def messages(self, mailbox_id: int, user: str | None = None) -> list[MessageRecord]:
        """Every live message, in UID order."""
    async def changes_since(self, mailbox_id: int, modseq: int,
                            user: str | None = None) -> Changes:
        """What changed after `modseq` (see Changes), a deletion included."""
    async def mailbox_changes_since(self, mailbox_id: int,
                                    modseq: int) -> tuple[MailboxChange, ...]:
        """Only `Changes.mailbox`: cheap enough to ask before every command."""
    async def vanished_since(self, mailbox_id: int, modseq: int) -> Vanished:
        """Only `Changes.expunged`: the UIDs expunged after `modseq` (QRESYNC,
        RFC 7162 §3.2.5-6), and whether the store still knows all of them."""
    async def savedates(self, mailbox_id: int,
                        uids: Sequence[int]) -> dict[int, datetime | None]:
        """RFC 8514 save dates (when each was saved into this mailbox, by
        APPEND, delivery, COPY or MOVE) of those `uids` the mailbox holds or
        held; None for a record saved before Roost recorded them. Read on
        demand, not with `messages`: few commands ask, and it never changes
        while the message stays (RFC 8514 §3)."""
    async def body(self, blob: str) -> bytes:
        """The raw RFC 5322 bytes of a message body."""
    async def body_stream(self, blob: str) -> BodyStream:
        """A body to send as it is read (a large FETCH BODY[]): its size, then chunks."""
    async def parsed(self, blob: str) -> ParsedMessage:
        """The parse-once cache of a body (envelope, bodystructure, headers)."""
    async def parsed_many(self, blobs: Sequence[str]) -> dict[str, ParsedMessage]:
        """`parsed` for many bodies at once (FETCH 1:* ENVELOPE), by blob;
        bodies no longer in the store are left out."""
    async def summaries_many(self, blobs: Sequence[str]) -> dict[str, MessageSummary]:
        """The summary of each body from the parse-once cache, by blob (a
        list view of thousands of messages: cheaper than `parsed_many`);
        bodies no longer in the store are left out."""
    async def headers_many(self, blobs: Sequence[str]) -> dict[str, bytes]:
        """The header block of each body (its first `ParsedMessage.header_size`
        bytes, blank line included), by blob, read without the rest of the
        file (FETCH 1:* BODY.PEEK[HEADER.FIELDS (...)]); bodies no longer in
        the store are left out."""
    async def messages_with_message_id(self, message_id: str) -> list[tuple[int, MessageRecord]]:
        """(mailbox id, record) of every live message whose Message-ID header
        is `message_id` (without its angle brackets, as
        `ParsedMessage.message_id` holds it), by mailbox id then UID; found
        through an index, never by reading every message. Flags as no
        particular user sees them."""
    async def status(self, mailbox_id: int, user: str | None = None) -> MailboxStatus: ...
    async def uid_ranges(self, mailbox_ids: Sequence[int]) -> dict[int, UidRange]:
        """The UidRange of each of those mailboxes that exists, in a few
        queries for all of them, without reading their records."""

    # -- changing
    async def store_flags(self, mailbox_id: int, uids: Sequence[int], op: FlagOp,
                          flags: Sequence[str], *, user: str | None = None,
                          unchanged_since: int | None = None,
                          known_flags: Mapping[int, frozenset[str]] | None = None
                          ) -> tuple[list[MessageRecord], list[int]]:
        """Change flags; returns (records changed, uids refused by UNCHANGEDSINCE).

        A record whose MODSEQ is past `unchanged_since` is refused, unless
        `known_flags` (the flags the caller last saw, by UID) shows that
        none of `flags` changed since and `op` adds or removes: then the
        change cannot undo anything the caller did not see (RFC 7162 §3.1.12).
        """
    async def expunge(self, mailbox_id: int, uids: Sequence[int] | None = None) -> list[int]:
        """Expunge messages flagged \\Deleted (only among `uids` if given)."""
    async def purge(self, mailbox_id: int, uids: Sequence[int]) -> list[int]:
        """Expunge exactly `uids`, whatever their flags (the admin tools'
        expunge: Cyrus's ipurge); the UIDs that were there."""
    async def copy(self, source_id: int, uids: Sequence[int], dest_id: int,
                   user: str | None = None, *,
                   keep_flag: Callable[[str], bool] | None = None) -> CopyResult:
        """New records of the same bodies; flags travel as `user` sees them,
        those `keep_flag` refuses left behind (RFC 4314 §4: a flag the
        copier may not set in the destination)."""
    async def move(self, source_id: int, uids: Sequence[int], dest_id: int,
                   user: str | None = None, *,
                   keep_flag: Callable[[str], bool] | None = None) -> CopyResult:
        """Copy then expunge the sources, in one transaction (RFC 6851)."""
    async def replace(self, mailbox_id: int, uid: int, target_id: int,
                      message: AppendMessage, *, user: str | None = None
                      ) -> AppendResult:
        """Expunge `uid` from `mailbox_id` and append `message` to `target_id`
        in one transaction (IMAP REPLACE, RFC 8508 §3.4): quota counts the
        net change; MessageNotFound (and nothing done) when `uid` is gone."""

    # -- \Recent (RFC 3501 §2.3.2): the first session to SELECT claims them
    async def claim_recent(self, mailbox_id: int, upto: int | None = None) -> int:
        """Return the old recent-UID mark and move it up to `upto` (UIDNEXT-1
        when None), never down: a session claims what it has seen, and
        `upto=0` only reads the mark (a read-only session's view)."""

    # -- change notification (IDLE, untagged updates of other sessions)
    async def wait_for_change(self, mailbox_id: int, modseq: int, timeout: float) -> bool:
        """Return True as soon as the mailbox's MODSEQ passes `modseq` or it is gone."""

    # -- upkeep
    def check(self) -> list[str]:
        """Consistency problems, one line each; empty when the store is sound."""
    async def close(self) -> None: ...


@runtime_checkable
class AclStore(Protocol):
    """Stored access control lists (RFC 4314), beside the base `Store`.

    The ACL itself is read with the mailbox (`MailboxInfo.acl`); these are
    the writes, and the candidates LIST asks the rights decision about.
    Each write is one transaction and records a `MailboxAclChanged` in the
    change feed, so sessions holding the mailbox re-decide their rights.
    """

    async def set_acl(self, mailbox_id: int, identifier: str, rights: str, *,
                      mode: FlagOp = "replace") -> MailboxInfo:
        """Replace `identifier`'s rights on the mailbox with `rights`, or add
        them to or remove them from what it holds (RFC 4314 §3.1 `+`/`-`),
        read and written in one transaction; an entry left with no rights is
        removed (§3.2). Returns the mailbox as it now is."""
    async def mailboxes_naming(self, identifiers: Sequence[str],
                               owner: str | None) -> list[MailboxInfo]:
        """Mailboxes whose ACL has an entry for one of `identifiers` (not a
        negative one), or that `owner` owns, sorted by name."""


@runtime_checkable
class QuotaStore(Protocol):
    """Quota roots and their usage (RFC 9208), beside the base `Store`.

    Usage is kept by the writes themselves: every APPEND, delivery, COPY,
    MOVE, EXPUNGE and DELETE changes it inside its own transaction, and one
    that would take a root past a limit raises `OverQuota` with nothing of
    it kept. Changes that only free space are never refused, even over a
    limit lowered under the usage.
    """

    async def set_quota(self, root: str, limits: Mapping[str, int]) -> QuotaRoot:
        """Make mailbox `root` a quota root with `limits` (QUOTA_RESOURCES
        names; those left out are unlimited) and count its usage now. Empty
        `limits` (RFC 9208 §4.1: no limits) leave a root without limits, as
        Cyrus does; the root goes with its mailbox. MailboxNotFound when no
        mailbox has that name."""
    async def get_quota(self, root: str) -> QuotaRoot:
        """The quota root called `root`, or QuotaRootNotFound."""
    async def quota_root_of(self, name: str) -> QuotaRoot | None:
        """The root covering mailbox `name` (the nearest ancestor-or-self
        that is one), or None when no quota applies."""
    async def quota_roots(self, prefix: str = "") -> list[QuotaUsage]:
        """Every root whose internal name starts with `prefix`, by name."""
    async def recount_quotas(self, prefix: str = "", *,
                             dry_run: bool = False) -> list[QuotaCorrection]:
        """Count the usage of every root under `prefix` again from its
        records and correct what the writes kept wrong (Cyrus's `quota -f`),
        in one transaction; with `dry_run` only report it."""
