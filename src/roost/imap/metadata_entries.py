"""The annotations Roost defines (RFC 5464 §3.2.1 and Cyrus's), and what each means.

Names and types follow Cyrus 3.6's built-in tables (annotate.c), so
`cyradm info` lists what it lists on Cyrus and `mboxconfig` sets what it
sets there. Three kinds of entry:

- stored: kept as given (after Cyrus's type check: `boolean` takes
  true/false in any case and keeps it lowercased, `uint` digits only);
- computed: read-only, made from the mailbox (`partition`, `size`,
  and `/private/specialuse`, the mailbox's special use, set through
  `roost.imap.specialuse`; Cyrus's `/shared/specialuse` is always NIL);
- a Cyrus mailbox option with a default (`sharedseen`, `duplicatedeliver`,
  `pop3newuidl`): stored, shown with Cyrus's default while unset.

Roost acts on none of the stored vendor entries yet (docs/administration.md
says which are stored only). `admin` entries (Cyrus's ACL_ADMIN) need the
`a` right to set. Entries outside this table are refused unless
`annotation_allow_undefined` is on, as in Cyrus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roost.store.metadata import PRIVATE, SHARED

BOTH = (SHARED, PRIVATE)
VENDOR = "/vendor/cmu/cyrus-imapd/"
MAX_VALUE = 65536
"""Octets of one value (RFC 5464 §4.1: at least 1024). Cyrus has no such
limit short of its annotation quota; Roost's keeps one value in a line's reach."""
MAX_ENTRIES = 256
"""Entries per mailbox (or the server) and scope (RFC 5464 §4.1: at least 10)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One defined entry: `name` without its scope, the scopes it has,
    its value type, whether setting it needs `a`, whether it is computed
    (read-only), and the value shown while unset."""

    name: str
    scopes: tuple[str, ...] = BOTH
    kind: str = "string"  # "string" | "boolean" | "uint" | "specialuse"
    admin: bool = False
    computed: bool = False
    default: bytes | None = None


def _vendor(name: str, kind: str = "string", *, admin: bool = True, computed: bool = False,
            default: bytes | None = None) -> Entry:
    return Entry(VENDOR + name, (SHARED,), kind, admin, computed, default)


MAILBOX_ENTRIES: tuple[Entry, ...] = (
    Entry("/comment"),  # RFC 5464 §3.2.1.2
    Entry("/check", kind="boolean"), Entry("/checkperiod", kind="uint"),  # ANNOTATEMORE drafts
    Entry("/sort"), Entry("/thread"),
    Entry("/specialuse", kind="specialuse"),  # RFC 6154 §4; Cyrus: /shared always NIL
    _vendor("duplicatedeliver", "boolean", default=b"false"),
    _vendor("expire", "uint"),
    _vendor("news2mail"),
    _vendor("partition", admin=False, computed=True),
    _vendor("pop3newuidl", "boolean", default=b"true"),
    _vendor("pop3showafter"),
    _vendor("sharedseen", "boolean", default=b"false"),
    _vendor("sieve"),
    _vendor("size", admin=False, computed=True),
    _vendor("squat", "boolean"),
)

SERVER_ENTRIES: tuple[Entry, ...] = (
    Entry("/admin", (SHARED,), admin=True),  # RFC 5464 §3.2.1.1
    Entry("/comment"),
    Entry("/motd", (SHARED,), admin=True),
    _vendor("expire", "uint"),
    _vendor("shutdown"),
    _vendor("squat", "boolean"),
)

_UINT = re.compile(rb"[0-9]+")


def defined(server: bool) -> dict[str, Entry]:
    """Full name (`/shared/comment`) -> its definition."""
    table = SERVER_ENTRIES if server else MAILBOX_ENTRIES
    return {scope + entry.name: entry for entry in table for scope in entry.scopes}


class InvalidValue(ValueError):
    """A value its entry's type refuses (Cyrus: "Invalid annotation value")."""


def checked_value(entry: Entry, value: bytes) -> bytes:
    """The value to keep for `entry` (Cyrus's annotate.c type checks)."""
    if entry.kind == "boolean":
        if value.lower() not in (b"true", b"false"):
            raise InvalidValue()
        return value.lower()
    if entry.kind == "uint" and not _UINT.fullmatch(value):
        raise InvalidValue()
    return value


def glob_match(pattern: str, name: str) -> bool:
    """Cyrus's hierarchy glob: `*` any text, `%` any text without `/`."""
    regex = "".join(".*" if ch == "*" else "[^/]*" if ch == "%" else re.escape(ch)
                    for ch in pattern)
    return re.fullmatch(regex, name) is not None


def within_depth(requested: str, name: str, depth: str) -> bool:
    """RFC 5464 §4.2.2: `name` is `requested` or below it within `depth`."""
    if name == requested:
        return True
    if depth == "0" or not name.startswith(requested.rstrip("/") + "/"):
        return False
    return depth == "infinity" or "/" not in name[len(requested.rstrip("/")) + 1:]
