"""A site's index as backend-neutral rows, for moving it between backends
(`roost migrate`).

Invariants:
- One record class per index table, its fields named and ordered as the
  table's columns (the same in `store/sqlite/schema.py` and
  `store/postgres/schema.py`), so a backend's reader and loader are
  written once over `fields()`, not per table.
- `TABLES` is the load order: counters first, mailboxes before what
  refers to them. Not rows of the index, and so not here: the change feed
  (a live channel to running sessions; a moved site starts with none),
  the search index (rebuilt by `roost squatter`), bodies (stay in the
  blob store, found by the same content key from either backend).
- `Record.of` normalises a driver's values (SQLite hands back whatever
  affinity gave it) to the field's type, so the digests of the same rows
  read from either backend are equal.
- A `Digest` is order independent (a sum of row hashes), so neither
  backend's collation matters; messages are digested per mailbox too, so
  a difference names its mailbox. The `meta` counters are compared as
  floors: a loader raises them past the ids it loaded, never lowers them.
"""

from __future__ import annotations

import operator
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Protocol, Self, TypeVar

R = TypeVar("R", bound="Record")


def _optional(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _bytes(value: Any) -> bytes:
    return value.encode() if isinstance(value, str) else bytes(value)


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "int": int, "float": float, "str": str, "bytes": _bytes,
    "int | None": _optional(int), "float | None": _optional(float),
    "str | None": _optional(str),
}
"""Field annotation (as written; this module uses postponed annotations) to its converter."""


@dataclass(frozen=True, slots=True)
class Record:
    """One row of `TABLE`."""

    TABLE: ClassVar[str] = ""

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        return _shape(cls).columns

    @classmethod
    def of(cls, row: Sequence[Any]) -> Self:
        """The record of a driver's row, each value as its field's type."""
        return cls(*[convert(value) for convert, value in zip(_shape(cls).converters, row,
                                                              strict=True)])

    def values(self) -> tuple[Any, ...]:
        values: tuple[Any, ...] = _shape(type(self)).getter(self)
        return values

    def digest(self) -> int:
        """The row's hash: Python's, salted per process, which is enough to
        compare two reads made by one run (and some ten times cheaper than
        SHA-256 of its text, most of the time of a verify)."""
        return hash(self.values())


@dataclass(frozen=True, slots=True)
class _Shape:
    columns: tuple[str, ...]
    converters: tuple[Callable[[Any], Any], ...]
    getter: Callable[[Any], Any]


_SHAPES: dict[str, _Shape] = {}
"""Per record class (by table): its columns, their converters and a getter
of all its values at once, made once."""


def _shape(cls: type[Record]) -> _Shape:
    shape = _SHAPES.get(cls.TABLE)
    if shape is None:
        columns = tuple(f.name for f in fields(cls))
        shape = _SHAPES[cls.TABLE] = _Shape(
            columns, tuple(CONVERTERS[str(f.type)] for f in fields(cls)),
            operator.attrgetter(*columns))
    return shape


@dataclass(frozen=True, slots=True)
class Meta(Record):
    """A counter: `mailboxid` (last mailbox id), `uidvalidity` (last UIDVALIDITY)."""
    TABLE: ClassVar[str] = "meta"
    key: str
    value: int


@dataclass(frozen=True, slots=True)
class Mailbox(Record):
    TABLE: ClassVar[str] = "mailboxes"
    id: int
    name: str
    uidvalidity: int
    uidnext: int
    highestmodseq: int
    partition: str
    owner: str | None
    recentuid: int
    special_use: str
    created: int
    deletedmodseq: int


@dataclass(frozen=True, slots=True)
class Message(Record):
    """A live record (expunged 0) or a tombstone (1; 2 still holds its body)."""
    TABLE: ClassVar[str] = "messages"
    mailbox_id: int
    uid: int
    modseq: int
    sysflags: int
    keywords: str
    internaldate: float
    size: int
    blob: str
    partition: str
    expunged: int
    expunged_at: float | None
    savedate: float | None


@dataclass(frozen=True, slots=True)
class Seen(Record):
    TABLE: ClassVar[str] = "seen"
    user: str
    mailbox_id: int
    uid: int


@dataclass(frozen=True, slots=True)
class Subscription(Record):
    TABLE: ClassVar[str] = "subscriptions"
    user: str
    name: str


@dataclass(frozen=True, slots=True)
class Body(Record):
    """A body the index references, and how many records do."""
    TABLE: ClassVar[str] = "blobs"
    sha256: str
    partition: str
    size: int
    refcount: int


@dataclass(frozen=True, slots=True)
class Parse(Record):
    """The parse-once cache: moved, not rebuilt (both backends store
    `store/sqlite/parsedcache.serialize` text)."""
    TABLE: ClassVar[str] = "message_cache"
    sha256: str
    parsed: str


@dataclass(frozen=True, slots=True)
class Summary(Record):
    TABLE: ClassVar[str] = "message_summaries"
    sha256: str
    message_id: str | None
    body_lines: int | None
    fields: str | None


@dataclass(frozen=True, slots=True)
class MailboxChangeRow(Record):
    TABLE: ClassVar[str] = "mailbox_changes"
    mailbox_id: int
    modseq: int
    kind: str
    name: str
    at: float | None


@dataclass(frozen=True, slots=True)
class Acl(Record):
    TABLE: ClassVar[str] = "acl"
    mailbox_id: int
    identifier: str
    position: int
    rights: str


@dataclass(frozen=True, slots=True)
class QuotaRootRow(Record):
    TABLE: ClassVar[str] = "quota_roots"
    root: str
    storage_limit: int | None
    message_limit: int | None
    mailbox_limit: int | None
    storage_used: int
    messages_used: int


@dataclass(frozen=True, slots=True)
class Duplicate(Record):
    TABLE: ClassVar[str] = "duplicates"
    id: str
    scope: str
    seen: float
    keep_until: float


@dataclass(frozen=True, slots=True)
class Annotation(Record):
    """METADATA entries; mailbox_id 0 holds the server's."""
    TABLE: ClassVar[str] = "metadata"
    mailbox_id: int
    entry: str
    owner: str
    value: bytes


@dataclass(frozen=True, slots=True)
class UrlauthKey(Record):
    TABLE: ClassVar[str] = "urlauth_keys"
    user: str
    mailbox_id: int
    key: bytes


TABLES: tuple[type[Record], ...] = (
    Meta, Mailbox, Message, Seen, Subscription, Body, Parse, Summary, MailboxChangeRow,
    Acl, QuotaRootRow, Duplicate, Annotation, UrlauthKey)
COUNTERS = ("mailboxid", "uidvalidity")
"""The `meta` counters a loader raises to at least what its rows use."""


class SiteReader(Protocol):
    """A backend's index, read in one snapshot."""

    async def count(self, table: type[Record]) -> int: ...

    def rows(self, table: type[R], batch: int) -> AsyncIterator[list[R]]: ...

    async def close(self) -> None: ...


class SiteLoader(Protocol):
    """A backend's empty index, filled in one transaction."""

    async def occupied(self) -> dict[str, int]:
        """Tables (other than `meta`) that hold rows, with their counts; {} when empty."""
        ...

    async def begin(self) -> None: ...

    async def load(self, rows: Sequence[Record]) -> None:
        """Insert a batch of records of one table."""
        ...

    async def commit(self) -> None:
        """Raise the counters past the loaded ids (`COUNTERS`) and commit."""
        ...

    async def close(self) -> None:
        """Roll back anything not committed, and let go."""
        ...


@dataclass
class Digest:
    """Counts and order-independent row hashes per table, and per mailbox
    for messages (mailbox id to (count, hash)); the `meta` counters by
    value, as a target may hold them higher than its source (never lower)."""

    counts: dict[str, int] = field(default_factory=dict)
    sums: dict[str, int] = field(default_factory=dict)
    mailboxes: dict[int, tuple[int, int]] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)

    def add(self, rows: Sequence[Record]) -> None:
        for row in rows:
            table, digest = row.TABLE, row.digest()
            self.counts[table] = self.counts.get(table, 0) + 1
            if isinstance(row, Meta):  # raised by the loader, so compared as a floor
                self.counters[row.key] = row.value
                continue
            self.sums[table] = (self.sums.get(table, 0) + digest) % (1 << 64)
            if isinstance(row, Message):
                count, total = self.mailboxes.get(row.mailbox_id, (0, 0))
                self.mailboxes[row.mailbox_id] = (count + 1, (total + digest) % (1 << 64))
            elif isinstance(row, Mailbox):
                self.names[row.id] = row.name

    def differences(self, other: Digest) -> list[str]:
        """What differs from `other`, one line each; [] when the same."""
        lines = []
        for key, value in sorted(self.counters.items()):
            theirs = other.counters.get(key)
            if theirs is None or theirs < value:
                lines.append(f"counter {key}: {value} in the source, {theirs or 'none'}"
                             " in the target")
        for table in (t.TABLE for t in TABLES if t is not Meta):
            mine, theirs = self.counts.get(table, 0), other.counts.get(table, 0)
            if mine != theirs:
                lines.append(f"{table}: {mine} rows in the source, {theirs} in the target")
            elif self.sums.get(table, 0) != other.sums.get(table, 0):
                lines.append(f"{table}: the same {mine} rows in number, not in content")
        for mailbox_id in sorted(set(self.mailboxes) | set(other.mailboxes)):
            if self.mailboxes.get(mailbox_id) != other.mailboxes.get(mailbox_id):
                name = self.names.get(mailbox_id) or other.names.get(mailbox_id, "?")
                lines.append(f"mailbox {name} (id {mailbox_id}): its messages (UIDs, MODSEQs,"
                             " flags) differ")
        return lines
