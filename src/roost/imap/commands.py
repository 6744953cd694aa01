"""One frozen dataclass per IMAP command, as the parser hands it on.

Mailbox names are the raw IMAP strings (modified UTF-7 unless the client
enabled UTF8=ACCEPT); only ``INBOX`` is normalised, because RFC 9051 §5.1
makes it case-insensitive. Keywords of fixed vocabularies (status items,
capabilities, options) are upper-cased. Sequence sets keep ``*`` and ``$``
symbolic. The ``uid`` field says the command came as ``UID <command>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from roost.imap.partial import PartialRange
from roost.imap.sequence import SequenceSet
from roost.search.query import Key
from roost.search.sort import Criterion


@dataclass(frozen=True, slots=True)
class Capability:
    """CAPABILITY. RFC 9051 §6.1.1."""

    tag: str


@dataclass(frozen=True, slots=True)
class Noop:
    """NOOP. RFC 9051 §6.1.2."""

    tag: str


@dataclass(frozen=True, slots=True)
class Logout:
    """LOGOUT. RFC 9051 §6.1.3."""

    tag: str


@dataclass(frozen=True, slots=True)
class Unauthenticate:
    """UNAUTHENTICATE. RFC 8437 §3."""

    tag: str


@dataclass(frozen=True, slots=True)
class StartTls:
    """STARTTLS. RFC 9051 §6.2.1."""

    tag: str


@dataclass(frozen=True, slots=True)
class Authenticate:
    """AUTHENTICATE mech [initial]. RFC 9051 §6.2.2, RFC 4959 §3.

    ``initial`` is the decoded SASL-IR initial response: None when absent,
    ``b""`` when sent as ``=``.
    """

    tag: str
    mechanism: str
    initial: bytes | None


@dataclass(frozen=True, slots=True)
class Login:
    """LOGIN user password. RFC 9051 §6.2.3."""

    tag: str
    username: str
    password: str


@dataclass(frozen=True, slots=True)
class Enable:
    """ENABLE cap... RFC 5161 §3.1; names upper-cased."""

    tag: str
    capabilities: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Id:
    """ID (field value ...) or ID NIL. RFC 2971 §3.1."""

    tag: str
    params: tuple[tuple[str, str | None], ...] | None


@dataclass(frozen=True, slots=True)
class Compress:
    """COMPRESS mechanism (upper-cased). RFC 4978 §3."""

    tag: str
    mechanism: str


@dataclass(frozen=True, slots=True)
class QResync:
    """SELECT parameter QRESYNC. RFC 7162 §3.2.5."""

    uidvalidity: int
    modseq: int
    known_uids: SequenceSet | None
    seq_match: tuple[SequenceSet, SequenceSet] | None  # (msns, uids)


@dataclass(frozen=True, slots=True)
class Select:
    """SELECT / EXAMINE (``readonly``). RFC 9051 §6.3.2-3, RFC 7162 §3.1.8."""

    tag: str
    mailbox: str
    readonly: bool
    condstore: bool = False
    qresync: QResync | None = None


@dataclass(frozen=True, slots=True)
class Create:
    """CREATE name [(USE (attrs) PARTITION p)]. RFC 9051 §6.3.4, RFC 6154
    §3, RFC 4466 §2.2; `partition` None: the default one."""

    tag: str
    mailbox: str
    special_use: tuple[str, ...] = ()
    partition: str | None = None


@dataclass(frozen=True, slots=True)
class Delete:
    """DELETE name. RFC 9051 §6.3.5."""

    tag: str
    mailbox: str


@dataclass(frozen=True, slots=True)
class Rename:
    """RENAME old new. RFC 9051 §6.3.6."""

    tag: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Subscribe:
    """SUBSCRIBE name. RFC 9051 §6.3.7."""

    tag: str
    mailbox: str


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """UNSUBSCRIBE name. RFC 9051 §6.3.8."""

    tag: str
    mailbox: str


@dataclass(frozen=True, slots=True)
class List:
    """LIST, basic or extended. RFC 9051 §6.3.9, RFC 5258 §3, RFC 6154 §5.

    ``select_*`` are selection options, ``return_*`` return options;
    ``return_status`` holds the STATUS items (RFC 9051 §6.3.9.2);
    ``return_myrights`` asks for MYRIGHTS replies (RFC 8440). ``extended``
    says the client used any RFC 5258 syntax, which changes the replies.
    """

    tag: str
    reference: str
    patterns: tuple[str, ...]
    extended: bool = False
    select_subscribed: bool = False
    select_remote: bool = False
    select_recursive: bool = False
    select_special_use: bool = False
    return_subscribed: bool = False
    return_children: bool = False
    return_special_use: bool = False
    return_status: tuple[str, ...] | None = None
    return_myrights: bool = False


@dataclass(frozen=True, slots=True)
class Lsub:
    """LSUB reference pattern. RFC 3501 §6.3.9."""

    tag: str
    reference: str
    pattern: str


@dataclass(frozen=True, slots=True)
class Namespace:
    """NAMESPACE. RFC 2342 §5, RFC 9051 §6.3.10."""

    tag: str


@dataclass(frozen=True, slots=True)
class Status:
    """STATUS name (items). RFC 9051 §6.3.11; items upper-cased."""

    tag: str
    mailbox: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CatText:
    """A CATENATE ``TEXT`` literal (RFC 4469 §5), or ``UTF8 (~{n})`` (RFC 6855 §4)."""

    data: bytes
    utf8: bool = False


@dataclass(frozen=True, slots=True)
class CatUrl:
    """A CATENATE ``URL``: an IMAP URL to a message or part (RFC 4469 §3)."""

    url: str


@dataclass(frozen=True, slots=True)
class AppendMessage:
    """One message of APPEND; ``binary`` when sent as ``~{n}`` (RFC 3516),
    ``utf8`` when sent as ``UTF8 (~{n})`` (RFC 6855 §4); with ``catenate``
    (RFC 4469) the message is those parts joined and ``data`` is empty."""

    flags: tuple[str, ...]
    internal_date: datetime | None
    data: bytes
    binary: bool = False
    catenate: tuple[CatText | CatUrl, ...] = ()
    utf8: bool = False


@dataclass(frozen=True, slots=True)
class Append:
    """APPEND name messages. RFC 9051 §6.3.12; several per RFC 3502 §6.3.11."""

    tag: str
    mailbox: str
    messages: tuple[AppendMessage, ...]


@dataclass(frozen=True, slots=True)
class Replace:
    """[UID] REPLACE number mailbox [flags] [date-time] literal. RFC 8508 §3.2-3.3.

    ``number`` is a message number, or a UID when ``uid``.
    """

    tag: str
    uid: bool
    number: int
    mailbox: str
    message: AppendMessage


@dataclass(frozen=True, slots=True)
class Idle:
    """IDLE; the server then reads ``DONE`` as a raw line. RFC 2177 §3."""

    tag: str


@dataclass(frozen=True, slots=True)
class Check:
    """CHECK. RFC 3501 §6.4.1."""

    tag: str


@dataclass(frozen=True, slots=True)
class Close:
    """CLOSE. RFC 9051 §6.4.1."""

    tag: str


@dataclass(frozen=True, slots=True)
class CancelUpdate:
    """CANCELUPDATE "tag" ... RFC 5267 §4.3.5."""

    tag: str
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Unselect:
    """UNSELECT. RFC 3691 §2, RFC 9051 §6.4.2."""

    tag: str


@dataclass(frozen=True, slots=True)
class Expunge:
    """EXPUNGE, or UID EXPUNGE ``uids`` (RFC 4315 §2.1). RFC 9051 §6.4.3."""

    tag: str
    uids: SequenceSet | None = None


@dataclass(frozen=True, slots=True)
class MultiSearch:
    """ESEARCH [IN (sources)] [RETURN (opts)] keys. RFC 7377 §2.

    ``sources`` are (filter, mailbox names) pairs, RFC 5465 §6 filters
    ``selected``, ``inboxes``, ``personal``, ``subscribed``, ``subtree``,
    ``subtree-one``, ``mailboxes``; absent means ``selected``.
    """

    tag: str
    sources: tuple[tuple[str, tuple[str, ...]], ...]
    query: Key
    charset: str | None = None
    returns: frozenset[str] = frozenset({"ALL"})


@dataclass(frozen=True, slots=True)
class Search:
    """[UID] SEARCH. RFC 9051 §6.4.4, RFC 4731 §3.1.

    ``returns`` is None for a plain SEARCH (untagged SEARCH reply); otherwise
    the ESEARCH options among MIN MAX ALL COUNT SAVE PARTIAL, ``RETURN ()``
    meaning ``ALL``; ``partial`` is PARTIAL's range (RFC 9394 §3.1). Strings
    in ``query`` were decoded with ``charset``.
    """

    tag: str
    uid: bool
    query: Key
    charset: str | None = None
    returns: frozenset[str] | None = None
    partial: PartialRange | None = None


@dataclass(frozen=True, slots=True)
class Sort:
    """[UID] SORT [RETURN (opts)] (criteria) charset keys. RFC 5256 §3,
    RFC 5267 §3 (ESORT: ``returns`` among MIN MAX ALL COUNT PARTIAL, else
    None; ``partial`` its range, RFC 9394 §3.1)."""

    tag: str
    uid: bool
    criteria: tuple[Criterion, ...]
    charset: str
    query: Key
    returns: frozenset[str] | None = None
    partial: PartialRange | None = None


@dataclass(frozen=True, slots=True)
class Thread:
    """[UID] THREAD algorithm charset keys. RFC 5256 §3."""

    tag: str
    uid: bool
    algorithm: str  # ORDEREDSUBJECT | REFERENCES
    charset: str
    query: Key


@dataclass(frozen=True, slots=True)
class Section:
    """A BODY[] section spec. RFC 9051 §6.4.5.

    ``part`` is the part number path (empty: the whole message); ``text``
    is None, HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT or MIME;
    ``fields`` the header names of the HEADER.FIELDS forms, upper-cased.
    """

    part: tuple[int, ...] = ()
    text: str | None = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Partial:
    """``<start.length>``; the reply names only ``<start>``. RFC 9051 §6.4.5."""

    start: int
    length: int


@dataclass(frozen=True, slots=True)
class FetchAttr:
    """A fetch item without arguments: FLAGS, UID, ENVELOPE, RFC822.SIZE...

    Macros (ALL, FAST, FULL) arrive expanded into these.
    """

    name: str


@dataclass(frozen=True, slots=True)
class FetchBody:
    """BODY[section]<partial> or BODY.PEEK[...] (``peek``). RFC 9051 §6.4.5."""

    section: Section
    peek: bool = False
    partial: Partial | None = None


@dataclass(frozen=True, slots=True)
class FetchBinary:
    """BINARY[part]<partial>, BINARY.PEEK, or BINARY.SIZE (``size``). RFC 3516 §4.2."""

    part: tuple[int, ...]
    peek: bool = False
    partial: Partial | None = None
    size: bool = False


FetchItem = FetchAttr | FetchBody | FetchBinary


@dataclass(frozen=True, slots=True)
class Fetch:
    """[UID] FETCH set items [(CHANGEDSINCE n [VANISHED] / PARTIAL range)].
    RFC 9051 §6.4.5, RFC 7162, RFC 9394 §3.3."""

    tag: str
    uid: bool
    sequence: SequenceSet
    items: tuple[FetchItem, ...]
    changedsince: int | None = None
    vanished: bool = False
    partial: PartialRange | None = None


@dataclass(frozen=True, slots=True)
class NotifyGroup:
    """One event-group of NOTIFY SET (RFC 5465 §8): a mailbox filter
    (SELECTED, SELECTED-DELAYED, INBOXES, PERSONAL, SUBSCRIBED, SUBTREE,
    MAILBOXES; the last two with `mailboxes`, as sent), its events in
    upper case (empty for NONE) and MessageNew's fetch-atts."""

    filter: str
    mailboxes: tuple[str, ...]
    events: tuple[str, ...]
    fetch: tuple[FetchItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Notify:
    """NOTIFY SET [STATUS] groups / NOTIFY NONE (`groups` None). RFC 5465 §3.1."""

    tag: str
    groups: tuple[NotifyGroup, ...] | None
    status: bool = False


#: STORE ``+FLAGS`` adds, ``-FLAGS`` removes, ``FLAGS`` replaces.
StoreMode = Literal["+", "-", ""]


@dataclass(frozen=True, slots=True)
class Store:
    """[UID] STORE set [+-]FLAGS[.SILENT] flags. RFC 9051 §6.4.6, RFC 7162 §3.1.3.

    ``mode`` is ``+`` (add), ``-`` (remove) or ``""`` (replace).
    """

    tag: str
    uid: bool
    sequence: SequenceSet
    mode: StoreMode
    silent: bool
    flags: tuple[str, ...]
    unchangedsince: int | None = None


@dataclass(frozen=True, slots=True)
class Copy:
    """[UID] COPY set mailbox. RFC 9051 §6.4.7."""

    tag: str
    uid: bool
    sequence: SequenceSet
    mailbox: str


@dataclass(frozen=True, slots=True)
class Move:
    """[UID] MOVE set mailbox. RFC 6851 §3.1, RFC 9051 §6.4.8."""

    tag: str
    uid: bool
    sequence: SequenceSet
    mailbox: str


@dataclass(frozen=True, slots=True)
class GetQuota:
    """GETQUOTA root. RFC 9208 §4.2."""

    tag: str
    root: str


@dataclass(frozen=True, slots=True)
class GetQuotaRoot:
    """GETQUOTAROOT mailbox. RFC 9208 §4.3."""

    tag: str
    mailbox: str


@dataclass(frozen=True, slots=True)
class SetQuota:
    """SETQUOTA root ((resource limit)...); resources upper-cased. RFC 9208 §4.1."""

    tag: str
    root: str
    limits: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class GetAcl:
    """GETACL mailbox. RFC 4314 §3.3."""

    tag: str
    mailbox: str


@dataclass(frozen=True, slots=True)
class SetAcl:
    """SETACL mailbox identifier rights (may start with + or -). RFC 4314 §3.1."""

    tag: str
    mailbox: str
    identifier: str
    rights: str


@dataclass(frozen=True, slots=True)
class DeleteAcl:
    """DELETEACL mailbox identifier. RFC 4314 §3.2."""

    tag: str
    mailbox: str
    identifier: str


@dataclass(frozen=True, slots=True)
class ListRights:
    """LISTRIGHTS mailbox identifier. RFC 4314 §3.4."""

    tag: str
    mailbox: str
    identifier: str


@dataclass(frozen=True, slots=True)
class MyRights:
    """MYRIGHTS mailbox. RFC 4314 §3.5."""

    tag: str
    mailbox: str


@dataclass(frozen=True, slots=True)
class GetMetadata:
    """GETMETADATA [(MAXSIZE n DEPTH d)] mailbox entries. RFC 5464 §4.2.

    ``mailbox`` "" means server metadata; ``depth`` is "0", "1" or "infinity".
    """

    tag: str
    mailbox: str
    entries: tuple[str, ...]
    maxsize: int | None = None
    depth: str = "0"


@dataclass(frozen=True, slots=True)
class SetMetadata:
    """SETMETADATA mailbox ((entry value)...); None removes. RFC 5464 §4.3."""

    tag: str
    mailbox: str
    values: tuple[tuple[str, bytes | None], ...]


@dataclass(frozen=True, slots=True)
class GenUrlAuth:
    """GENURLAUTH 1*(url-rump mechanism). RFC 4467 §4."""

    tag: str
    rumps: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ResetKey:
    """RESETKEY [mailbox *mechanism]; no mailbox: every key. RFC 4467 §4."""

    tag: str
    mailbox: str | None
    mechanisms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UrlFetch:
    """URLFETCH 1*url. RFC 4467 §4."""

    tag: str
    urls: tuple[str, ...]


Command = (
    Capability | Noop | Logout | Unauthenticate | StartTls | Authenticate | Login | Enable | Id
    | Compress
    | Select | Create | Delete | Rename | Subscribe | Unsubscribe | List | Lsub
    | Namespace | Status | Append | Replace | Idle | Check | Close | Unselect | Expunge
    | Search | MultiSearch | Sort | Thread | CancelUpdate | Fetch | Store | Copy | Move | GetQuota
    | GetQuotaRoot | SetQuota
    | GetAcl | SetAcl | DeleteAcl | ListRights | MyRights | GetMetadata | SetMetadata
    | GenUrlAuth | ResetKey | UrlFetch
    | Notify
)
