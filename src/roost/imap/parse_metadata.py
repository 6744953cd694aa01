"""GETMETADATA and SETMETADATA (RFC 5464 §4.2-4.3, grammar in §5).

Entry names are case-insensitive (§3.2): they leave here lowercased.
Two leniencies, both Cyrus's and both needed by its clients: GETMETADATA
options may also follow the mailbox name (as RFC 5464's own §4.2.1
example has them), and its entries may be `*`/`%` globs (`cyradm info`
sends `"/shared/*"`). SETMETADATA entries stay strict.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from roost.imap import commands as c
from roost.imap.parse_lexer import Cursor

_ENTRY = re.compile(r"/(shared|private)(/[\x21-\x7e]+)?")


def _entry(cur: Cursor, wildcards: bool) -> str:
    """RFC 5464 §3.2: ASCII without controls, no `*` or `%`; a scope first."""
    raw = cur.list_mailbox() if wildcards else cur.astring()
    entry = raw.lower()
    if not wildcards and ("*" in entry or "%" in entry):
        raise cur.bad(f"Invalid entry name {raw!r}")
    if not _ENTRY.fullmatch(entry) or entry.endswith("/") or "//" in entry:
        raise cur.bad("entry must begin with /shared or /private")  # Cyrus's words
    return entry


def _options(cur: Cursor, command: dict[str, object]) -> None:
    """`(MAXSIZE n DEPTH d)` in any order (RFC 5464 §4.2.1-4.2.2)."""

    def option() -> bool:
        if cur.skip_word(b"MAXSIZE"):
            cur.sp()
            command["maxsize"] = cur.number()
        elif cur.skip_word(b"DEPTH"):
            cur.sp()
            depth = cur.atom().lower()
            if depth not in ("0", "1", "infinity"):
                raise cur.bad("DEPTH must be 0, 1 or infinity")
            command["depth"] = depth
        else:
            raise cur.bad("unknown GETMETADATA option")
        return True

    if not cur.paren_list(option):
        raise cur.bad("empty GETMETADATA options")  # RFC 5464 §5: one at least
    cur.sp()


def parse_getmetadata(cur: Cursor) -> c.GetMetadata:
    """GETMETADATA [options] mailbox [options] entries. RFC 5464 §4.2, §5."""
    cur.sp()
    command: dict[str, object] = {}
    if cur.peek(b"("):
        _options(cur, command)
    mailbox = cur.mailbox()
    cur.sp()
    if not command and (cur.peek(b"(MAXSIZE") or cur.peek(b"(DEPTH")):
        _options(cur, command)  # an entry list starts "(/"
    if cur.peek(b"("):
        entries = tuple(cur.paren_list(lambda: _entry(cur, True)))
    else:
        entries = (_entry(cur, True),)
    maxsize = command.get("maxsize")
    return c.GetMetadata(cur.tag, mailbox, entries,
                         maxsize if isinstance(maxsize, int) else None,
                         str(command.get("depth", "0")))


def parse_setmetadata(cur: Cursor) -> c.SetMetadata:
    """SETMETADATA mailbox ((entry (nstring / literal8))...). RFC 5464 §4.3, §5."""
    cur.sp()
    mailbox = cur.mailbox()
    cur.sp()

    def entry_value() -> tuple[str, bytes | None]:
        entry = _entry(cur, False)
        if entry.count("/") < 2:
            raise cur.bad("entry must begin with /shared or /private")  # a scope alone
        cur.sp()
        if cur.skip_word(b"NIL"):
            return entry, None
        if cur.peek(b'"'):
            return entry, cur.string_bytes()
        return entry, cur.literal()[0]

    values = cur.paren_list(entry_value)
    if not values:
        raise cur.bad("SETMETADATA needs an entry")
    return c.SetMetadata(cur.tag, mailbox, tuple(values))


PARSERS: dict[str, Callable[[Cursor], c.Command]] = {
    "GETMETADATA": parse_getmetadata,
    "SETMETADATA": parse_setmetadata,
}
