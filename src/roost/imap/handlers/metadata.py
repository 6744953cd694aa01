"""GETMETADATA and SETMETADATA (RFC 5464 §4.2-4.3): annotations of mailboxes
and of the server, with Cyrus's entries (`roost.imap.metadata_entries`).

Rights (RFC 5464 §3.3, through the one decision): a mailbox's annotations,
shared or private, are read and set by whoever holds `l` and any one of
`r s w i p` on it; Cyrus's administrative entries also need `a` to set.
Server annotations are readable by every user; shared ones are set by
administrators only (RFC 5464 §3.3 lets the server restrict them: NO),
private ones by each user for themself. Administrators may do anything.
No unsolicited METADATA is sent (it is optional, RFC 5464 §4.4), so
ENABLE METADATA is not needed and not offered.
"""

from __future__ import annotations

from roost.imap import commands as c
from roost.imap import metadata_entries as defs
from roost.imap import specialuse
from roost.imap.errors import No
from roost.imap.handlers.names import external_name, open_mailbox
from roost.imap.responses import Done, mailbox_name, string
from roost.imap.session import Session
from roost.store.api import MailboxInfo, PermissionDenied
from roost.store.metadata import PRIVATE, SHARED, MetadataStore, MetadataTooMany

_READ_OR_WRITE = set("rswip")


def _store(s: Session) -> MetadataStore:
    if not isinstance(s.store, MetadataStore):
        raise No("CANNOT", "This mail store keeps no annotations")
    return s.store


async def _mailbox(s: Session, raw: str) -> tuple[MailboxInfo, str]:
    """The mailbox and the rights held on it, if they allow annotations at all."""
    info = await open_mailbox(s, raw, "l")
    rights = await s.access.rights(s.identity, info)
    if not s.is_admin and not _READ_OR_WRITE & set(rights):
        raise PermissionDenied()  # RFC 5464 §3.3: MUST respond NO
    return info, rights


def _value(data: bytes) -> bytes:
    """RFC 5464 §5 value: nstring, or literal8 when it holds NUL."""
    return b"~{%d}\r\n%s" % (len(data), data) if b"\x00" in data else string(data)


async def _visible(s: Session, info: MailboxInfo | None) -> dict[str, bytes | None]:
    """Every entry name the identity may read -> its value (None: defined, unset)."""
    table = defs.defined(info is None)
    values: dict[str, bytes | None] = {name: entry.default for name, entry in table.items()}
    values.update(await _store(s).metadata(None if info is None else info.id, s.user))
    if info is not None:
        values[PRIVATE + "/specialuse"] = " ".join(info.special_use).encode() or None
        values[SHARED + defs.VENDOR + "partition"] = info.partition.encode()
        status = await s.store.status(info.id, s.store_user())
        values[SHARED + defs.VENDOR + "size"] = b"%d" % status.size
    return values


def _select(values: dict[str, bytes | None], cmd: c.GetMetadata) -> list[tuple[str, bytes | None]]:
    """The requested entries in request order (RFC 5464 §4.2.2 DEPTH; Cyrus's
    `*`/`%` globs, which cyradm sends, matched in Cyrus's order, descending);
    an explicit entry with no value is NIL."""
    chosen: dict[str, bytes | None] = {}
    for requested in cmd.entries:
        if "*" in requested or "%" in requested:
            chosen.update((n, v) for n, v in sorted(values.items(), reverse=True)
                          if defs.glob_match(requested, n))
            continue
        below = [(n, v) for n, v in sorted(values.items())
                 if n != requested and v is not None
                 and defs.within_depth(requested, n, cmd.depth)]
        if requested in values or cmd.depth == "0":
            chosen[requested] = values.get(requested)
        chosen.update(below)
    return list(chosen.items())


async def getmetadata(s: Session, cmd: c.GetMetadata) -> Done:
    """RFC 5464 §4.2: one METADATA reply; MAXSIZE leaves out longer values
    and names the longest in `[METADATA LONGENTRIES n]` (§4.2.1)."""
    info = None if cmd.mailbox == "" else (await _mailbox(s, cmd.mailbox))[0]
    found = _select(await _visible(s, info), cmd)
    longest = 0
    if cmd.maxsize is not None:
        longest = max((len(v) for _, v in found if v is not None and len(v) > cmd.maxsize),
                      default=0)
        found = [(n, v) for n, v in found if v is None or len(v) <= cmd.maxsize]
    if found:
        pairs = b" ".join(string(n) + b" " + (b"NIL" if v is None else _value(v))
                          for n, v in found)
        s.untagged(b"METADATA " + mailbox_name(external_name(s, cmd.mailbox), s.utf8)
                   + b" (" + pairs + b")")
    return Done(code=f"METADATA LONGENTRIES {longest}" if longest else None)


def _may_set(s: Session, info: MailboxInfo | None, name: str, rights: str) -> defs.Entry | None:
    """The definition of `name` if the identity may set it; raise otherwise."""
    entry = defs.defined(info is None).get(name)
    if entry is None and not s.conf.annotation_allow_undefined:
        raise PermissionDenied()  # Cyrus's answer to an undefined entry
    if name == SHARED + "/specialuse":
        raise PermissionDenied()  # Cyrus keeps special use as /private only
    if s.is_admin:
        if entry is not None and entry.computed:
            raise PermissionDenied()
        return entry
    shared = name.startswith(SHARED + "/")
    if info is None and shared:
        raise PermissionDenied()  # RFC 5464 §3.3: server entries are the admins'
    if entry is not None and (entry.computed or (entry.admin and "a" not in rights)):
        raise PermissionDenied()
    if entry is not None and entry.kind == "specialuse" and (
            info is None or info.owner != s.user):
        raise PermissionDenied()  # what every user's LIST shows: the owner's to set
    return entry


async def setmetadata(s: Session, cmd: c.SetMetadata) -> None:
    """RFC 5464 §4.3: all entries or none; NIL (or an empty value, as in
    Cyrus) removes; `[METADATA MAXSIZE n]` for a value too long,
    `[METADATA TOOMANY]` past the entry limit."""
    info, rights = (None, "") if cmd.mailbox == "" else await _mailbox(s, cmd.mailbox)
    changes: dict[str, bytes | None] = {}
    for name, value in cmd.values:
        entry = _may_set(s, info, name, rights)
        if value is not None and len(value) > defs.MAX_VALUE:
            raise No(f"METADATA MAXSIZE {defs.MAX_VALUE}", "Annotation value too long")
        if value and entry is not None:
            try:
                value = defs.checked_value(entry, value)
            except defs.InvalidValue:
                raise No(None, "Invalid annotation value") from None  # Cyrus's words
        changes[name] = value or None
    uses = await _special_use(s, info, changes.pop(PRIVATE + "/specialuse", b""))
    try:
        await _store(s).set_metadata(None if info is None else info.id, s.user, changes,
                                     defs.MAX_ENTRIES)
    except MetadataTooMany:
        raise No("METADATA TOOMANY", "Too many annotations") from None
    if info is not None and uses is not None:
        await _store(s).set_special_use(info.id, uses)


async def _special_use(s: Session, info: MailboxInfo | None,
                       value: bytes | None) -> tuple[str, ...] | None:
    """The special use `/private/specialuse` asks for (None: not asked; NIL:
    none), checked before anything is written (Cyrus's words on refusal)."""
    if info is None or value == b"":
        return None
    try:
        return await specialuse.checked(s, info.name, (value or b"").decode("utf-8", "replace")
                                        .split(), info.id)
    except specialuse.UseRefused as err:
        raise No(None, err.text) from None
