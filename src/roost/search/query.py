"""The search query model: RFC 9051 §6.4.4 / RFC 3501 §6.4.4 keys as values.

IMAP shortcuts are mapped onto general keys so evaluation has fewer cases:
FROM/TO/CC/BCC/SUBJECT are ``Header``; ANSWERED, UNSEEN, DRAFT, RECENT...
are ``Flag``; NEW is ``And(Flag(\\Recent), Flag(\\Seen, False))`` and OLD is
``Flag(\\Recent, False)`` (RFC 3501 §6.4.4). ``render`` writes a key back in
IMAP syntax; the parser reads it to an equal value.

Invariant: ``And`` holds at least two keys (a lone key is just the key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from roost.imap.sequence import SequenceSet


@dataclass(frozen=True, slots=True)
class All:
    """ALL: every message."""


@dataclass(frozen=True, slots=True)
class And:
    """``(k1 k2 ...)`` or consecutive keys: all must match."""

    keys: tuple[Key, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """OR k1 k2."""

    left: Key
    right: Key


@dataclass(frozen=True, slots=True)
class Not:
    """NOT k."""

    key: Key


@dataclass(frozen=True, slots=True)
class Fuzzy:
    """FUZZY k: k matched fuzzily (RFC 6203 §3). Roost matches a text key
    exactly or, through the full-text index, by its stemmed words; any
    other key exactly (§5 lets the server decide)."""

    key: Key


@dataclass(frozen=True, slots=True)
class Flag:
    """A system flag (``\\Seen``...) set (``present``) or not set."""

    flag: str
    present: bool = True


@dataclass(frozen=True, slots=True)
class Keyword:
    """KEYWORD kw / UNKEYWORD kw (``present`` False)."""

    keyword: str
    present: bool = True


@dataclass(frozen=True, slots=True)
class Before:
    """Internal date earlier than ``day`` (BEFORE)."""

    day: date


@dataclass(frozen=True, slots=True)
class On:
    """Internal date within ``day`` (ON)."""

    day: date


@dataclass(frozen=True, slots=True)
class Since:
    """Internal date within or later than ``day`` (SINCE)."""

    day: date


@dataclass(frozen=True, slots=True)
class SentBefore:
    """Date: header earlier than ``day`` (SENTBEFORE)."""

    day: date


@dataclass(frozen=True, slots=True)
class SentOn:
    """Date: header within ``day`` (SENTON)."""

    day: date


@dataclass(frozen=True, slots=True)
class SentSince:
    """Date: header within or later than ``day`` (SENTSINCE)."""

    day: date


@dataclass(frozen=True, slots=True)
class SavedBefore:
    """Save date earlier than ``day`` (SAVEDBEFORE). RFC 8514 §4.3."""

    day: date


@dataclass(frozen=True, slots=True)
class SavedOn:
    """Save date within ``day`` (SAVEDON). RFC 8514 §4.3."""

    day: date


@dataclass(frozen=True, slots=True)
class SavedSince:
    """Save date within or later than ``day`` (SAVEDSINCE). RFC 8514 §4.3."""

    day: date


@dataclass(frozen=True, slots=True)
class SaveDateSupported:
    """SAVEDATESUPPORTED: every message where the mailbox keeps save dates
    (every Roost mailbox). RFC 8514 §4.3."""


@dataclass(frozen=True, slots=True)
class Header:
    """HEADER field value: substring match; empty ``value`` = field present."""

    field: str
    value: str


@dataclass(frozen=True, slots=True)
class Body:
    """BODY text: substring of the body."""

    text: str


@dataclass(frozen=True, slots=True)
class Text:
    """TEXT text: substring of header or body."""

    text: str


@dataclass(frozen=True, slots=True)
class Larger:
    """RFC822.SIZE greater than ``size``."""

    size: int


@dataclass(frozen=True, slots=True)
class Smaller:
    """RFC822.SIZE less than ``size``."""

    size: int


@dataclass(frozen=True, slots=True)
class Uid:
    """UID set."""

    sequence: SequenceSet


@dataclass(frozen=True, slots=True)
class SeqSet:
    """A bare sequence set: message sequence numbers."""

    sequence: SequenceSet


@dataclass(frozen=True, slots=True)
class ModSeq:
    """MODSEQ [entry type] value: modseq at least ``modseq``. RFC 7162 §3.1.5."""

    modseq: int
    entry: str | None = None
    entry_type: str | None = None  # "priv", "shared" or "all"


@dataclass(frozen=True, slots=True)
class Older:
    """OLDER seconds: internal date more than ``seconds`` ago. RFC 5032 §3."""

    seconds: int


@dataclass(frozen=True, slots=True)
class Younger:
    """YOUNGER seconds: internal date at most ``seconds`` ago. RFC 5032 §3."""

    seconds: int


@dataclass(frozen=True, slots=True)
class EmailId:
    """EMAILID objectid: the message's EMAILID is exactly that. RFC 8474 §6."""

    objectid: str


@dataclass(frozen=True, slots=True)
class ThreadId:
    """THREADID objectid. RFC 8474 §6."""

    objectid: str


@dataclass(frozen=True, slots=True)
class Matched:
    """The messages of these UIDs: a part of a query already decided for the
    whole mailbox (``roost.search.plan``); no parser produces it."""

    uids: frozenset[int]


Key = (
    All | And | Or | Not | Fuzzy | Flag | Keyword | Before | On | Since | SentBefore | SentOn
    | SentSince | SavedBefore | SavedOn | SavedSince | SaveDateSupported | Header | Body
    | Text | Larger | Smaller | Uid | SeqSet | ModSeq | Older | Younger | EmailId | ThreadId
    | Matched
)

#: IMAP names of the system-flag keys: name -> (flag, present).
FLAG_KEYS: dict[str, tuple[str, bool]] = {
    "ANSWERED": ("\\Answered", True), "UNANSWERED": ("\\Answered", False),
    "DELETED": ("\\Deleted", True), "UNDELETED": ("\\Deleted", False),
    "DRAFT": ("\\Draft", True), "UNDRAFT": ("\\Draft", False),
    "FLAGGED": ("\\Flagged", True), "UNFLAGGED": ("\\Flagged", False),
    "SEEN": ("\\Seen", True), "UNSEEN": ("\\Seen", False),
    "RECENT": ("\\Recent", True), "OLD": ("\\Recent", False),
}
_FLAG_NAMES = {v: k for k, v in FLAG_KEYS.items()}
_DATE_KEYS: dict[type, str] = {
    Before: "BEFORE", On: "ON", Since: "SINCE",
    SentBefore: "SENTBEFORE", SentOn: "SENTON", SentSince: "SENTSINCE",
    SavedBefore: "SAVEDBEFORE", SavedOn: "SAVEDON", SavedSince: "SAVEDSINCE",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def render(key: Key) -> str:
    """IMAP text for ``key``; ValueError for a string quoting cannot carry."""
    match key:
        case All():
            return "ALL"
        case And(keys):
            return "(" + " ".join(render(k) for k in keys) + ")"
        case Or(left, right):
            return f"OR {render(left)} {render(right)}"
        case Not(inner):
            return f"NOT {render(inner)}"
        case Fuzzy(inner):
            return f"FUZZY {render(inner)}"
        case Flag(flag, present):
            return _FLAG_NAMES[(flag, present)]
        case Keyword(keyword, present):
            return f"{'KEYWORD' if present else 'UNKEYWORD'} {keyword}"
        case (Before(day) | On(day) | Since(day) | SentBefore(day) | SentOn(day) | SentSince(day)
              | SavedBefore(day) | SavedOn(day) | SavedSince(day)):
            return f"{_DATE_KEYS[type(key)]} {day.day}-{_MONTHS[day.month - 1]}-{day.year:04d}"
        case SaveDateSupported():
            return "SAVEDATESUPPORTED"
        case Header(field, value):
            return f"HEADER {_quote(field)} {_quote(value)}"
        case Body(text):
            return f"BODY {_quote(text)}"
        case Text(text):
            return f"TEXT {_quote(text)}"
        case Larger(size):
            return f"LARGER {size}"
        case Smaller(size):
            return f"SMALLER {size}"
        case Uid(sequence):
            return f"UID {sequence.render()}"
        case SeqSet(sequence):
            return sequence.render()
        case ModSeq(modseq, entry, entry_type):
            if entry is None:
                return f"MODSEQ {modseq}"
            return f"MODSEQ {_quote(entry)} {entry_type} {modseq}"
        case EmailId(objectid):
            return f"EMAILID {objectid}"
        case ThreadId(objectid):
            return f"THREADID {objectid}"
        case Older(seconds):
            return f"OLDER {seconds}"
        case Younger(seconds):
            return f"YOUNGER {seconds}"
        case Matched(uids):
            return f"UID {SequenceSet.from_ids(sorted(uids)).render()}" if uids else "NOT ALL"


def _quote(text: str) -> str:
    """RFC 9051 §9 ``quoted``, which allows UTF-8 but not CR, LF or NUL."""
    if any(c in text for c in "\r\n\x00"):
        raise ValueError("string needs a literal")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
