"""The values the store API takes and returns: mailboxes, message records,
changes, quota roots, status. Frozen dataclasses, so a value a caller holds
never changes under it.

Invariants: no I/O; names are internal (`roost.store.names`); times are
aware datetimes. Callers import them through `roost.store.api`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

SYSTEM_FLAGS = ("\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft")


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
