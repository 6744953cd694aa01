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
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    from roost.message import ParsedMessage
    from roost.store.duplicates import DuplicateRecord

SYSTEM_FLAGS = ("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft")


# -- errors: each protocol maps them to its replies in one table -------------

class StoreError(Exception):
    """Base of the store's domain errors."""


class MailboxNotFound(StoreError):
    """No mailbox of that name, or one the identity may not look up: the two
    are one error so no reply tells them apart (RFC 4314 §4)."""


class PermissionDenied(StoreError):
    """The identity may see the mailbox but lacks a right the operation needs."""


class MailboxExists(StoreError):
    """CREATE or RENAME onto a name that is taken."""


class InvalidMailboxName(StoreError):
    """A name that cannot be a mailbox (bad characters, empty level, too long)."""


class MailboxHasChildren(StoreError):
    """RFC 9051 §6.3.5: deleting a \\Noselect mailbox that has inferiors."""


class MessageNotFound(StoreError):
    """A UID that is not (or no longer) in the mailbox."""


class InvalidMessage(StoreError):
    """A message the store will not keep (an empty body)."""


class OverQuota(StoreError):
    """The change would exceed a quota root's limit."""


class QuotaRootNotFound(StoreError):
    """GETQUOTA of a name that is no quota root (RFC 9208 §4.2: NO)."""


class StorageFull(StoreError):
    """The disk (or the file system quota) holding the store is full: a
    temporary failure of the server, not the user's quota; nothing of the
    change was kept."""


class StoreUnavailable(StoreError):
    """A service the store depends on (the body bucket) cannot be reached:
    temporary, nothing of the change was kept."""


class StoreCorrupt(StoreError):
    """The on-disk store is inconsistent; `check()` says how."""


# -- values ------------------------------------------------------------------

OWNER_RIGHTS = "lrswipkxtea"
"""What the owner's entry of a new personal mailbox without a parent (a user's
INBOX) holds: every RFC 4314 §2.1 right, as Cyrus gives it."""


@dataclass(frozen=True, slots=True)
class AclEntry:
    """One entry of a mailbox's access control list (RFC 4314 §2).

    `identifier` is a user id, `anyone`, `anonymous` or `group:NAME`, with a
    leading `-` for negative rights; `rights` are RFC 4314 letters in
    canonical order. The store keeps them as given: what they mean is
    decided in `roost.auth.rights`.
    """

    identifier: str
    rights: str


@dataclass(frozen=True, slots=True)
class MailboxInfo:
    """One mailbox's identity and counters.

    `uidnext` and `highestmodseq` are as of the read; `owner` is the user id
    whose personal mailbox this is (None for shared mailboxes); `acl` its
    access control list in the order the entries were first set.
    """

    id: int
    name: str
    uidvalidity: int
    uidnext: int
    highestmodseq: int
    partition: str
    owner: str | None
    special_use: tuple[str, ...] = ()
    acl: tuple[AclEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class MessageRecord:
    """One message of a mailbox as the index holds it.

    `flags` are system flags and keywords as the given user sees them
    (`\\Seen` per user where the mailbox is not theirs). `blob` is the
    content key of the body (SHA-256 hex): the same for every copy.
    """

    uid: int
    modseq: int
    flags: frozenset[str]
    internaldate: datetime
    size: int
    blob: str


@dataclass(frozen=True, slots=True)
class MessageSummary:
    """What a list of messages shows of one (`ParsedMessage.body_lines` and
    `summary_fields`: Subject, From, Date, Message-ID, References as sent),
    without the rest of its parse."""

    body_lines: int
    summary_fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class AppendMessage:
    """One message of an APPEND batch: its bytes, flags and internal date."""

    raw: bytes
    flags: Sequence[str] = ()
    internaldate: datetime | None = None


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What UIDPLUS reports for an APPEND or delivery (RFC 4315 §3)."""

    mailbox: str
    uidvalidity: int
    uid: int
    modseq: int
    mailbox_id: int


@dataclass(frozen=True, slots=True)
class CopyResult:
    """COPYUID material: source and destination UIDs, in matching order."""

    uidvalidity: int
    source_uids: tuple[int, ...]
    dest_uids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MailboxDeleted:
    """The mailbox is gone (mox `ChangeRemoveMailbox`); `name` is its last name."""

    mailbox_id: int
    name: str


@dataclass(frozen=True, slots=True)
class MailboxRenamed:
    """The mailbox is now called `name` (mox `ChangeRenameMailbox`); id and UIDs
    stay. `owner` is the one the new name gives it (`user.bob.x` -> `user.alice.x`
    changes hands), which is what rights are decided on."""

    mailbox_id: int
    name: str
    owner: str | None


@dataclass(frozen=True, slots=True)
class MailboxAclChanged:
    """Rights on the mailbox changed: a session re-decides what it may do."""

    mailbox_id: int


MailboxChange = MailboxDeleted | MailboxRenamed | MailboxAclChanged
"""A change to the mailbox itself, as opposed to its messages."""


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed in a mailbox after a MODSEQ, for untagged updates.

    `changed` holds records (new or flag-changed) with modseq > since, in
    UID order; `expunged` the UIDs expunged after since, ascending;
    `mailbox` the mailbox-level changes after since, oldest first. After a
    `MailboxDeleted` there is nothing else: the messages went with it.
    """

    highestmodseq: int
    changed: tuple[MessageRecord, ...]
    expunged: tuple[int, ...]
    mailbox: tuple[MailboxChange, ...] = ()
    live: tuple[int, ...] | None = None
    """None when `expunged` is complete. Otherwise the store purged part of
    its change feed after since (`cyr_expire -X`) and these are the UIDs of
    every live message: any other UID the caller holds is gone too."""


@dataclass(frozen=True, slots=True)
class Vanished:
    """The UIDs expunged after a MODSEQ, ascending (RFC 7162 §3.2.6).

    `complete` is False when the store no longer remembers every expunge
    after that MODSEQ (its tombstones were purged, `cyr_expire -X`); RFC 7162
    §3.2.6 then has the caller treat every UID it asks about and cannot
    see as expunged.
    """

    uids: tuple[int, ...]
    complete: bool = True


QUOTA_RESOURCES = ("STORAGE", "MESSAGE", "MAILBOX")
"""The RFC 9208 §5 resources a quota root may limit: STORAGE in units of
1024 octets (§5.1), MESSAGE a count of messages (§5.2), MAILBOX a count of
mailboxes (§5.3)."""


@dataclass(frozen=True, slots=True)
class QuotaResource:
    """One limited resource of a quota root: what is used and the limit,
    in the resource's units (STORAGE: KiB, rounded down as Cyrus shows it)."""

    name: str
    usage: int
    limit: int


@dataclass(frozen=True, slots=True)
class QuotaRoot:
    """A quota root (Cyrus: a mailbox name; it covers that mailbox and every
    mailbox below it that no deeper root covers) and its limited resources,
    in QUOTA_RESOURCES order."""

    root: str
    resources: tuple[QuotaResource, ...]


@dataclass(frozen=True, slots=True)
class QuotaUsage:
    """A quota root with the usage of every resource, limited or not, as the
    admin tools report it (Cyrus's `quota`): STORAGE in octets here, limits
    in the resource's units, None where unlimited."""

    root: str
    usage: Mapping[str, int]
    limits: Mapping[str, int | None]


@dataclass(frozen=True, slots=True)
class QuotaCorrection:
    """One usage figure that a recount found wrong (and, unless it was a dry
    run, set right): STORAGE in octets, MESSAGE in messages."""

    root: str
    resource: str
    was: int
    now: int


@dataclass(frozen=True, slots=True)
class MailboxStatus:
    """STATUS items (RFC 9051 §6.3.11), computed for one user."""

    messages: int
    recent: int
    uidnext: int
    uidvalidity: int
    unseen: int
    deleted: int
    size: int
    highestmodseq: int


@dataclass(frozen=True, slots=True)
class UidRange:
    """How many live messages a mailbox holds and its lowest and highest
    UID (both 0 when it is empty): what a news server's active file shows."""

    count: int
    lowest: int
    highest: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """One target of a delivery: a mailbox (by id) and the flags to set there."""

    mailbox_id: int
    flags: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class BodyStream:
    """A message body read a chunk at a time, so sending a large one never
    holds it whole. `chunks` yields exactly `size` bytes, or raises
    StoreCorrupt where the file ends early (a literal already announced
    cannot be finished then: the caller ends the connection)."""

    size: int
    chunks: AsyncGenerator[bytes, None]


FlagOp = Literal["add", "remove", "replace"]


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
