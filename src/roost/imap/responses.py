"""Reply values -> bytes: tagged completions and the pieces of untagged replies.

Strings go through `roost.message.imapstr` so every string on the wire
follows one quoting rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roost.imap.mutf7 import encode as mutf7_encode
from roost.message.imapstr import nstring, plist, string

__all__ = ["Done", "astring", "mailbox_name", "nstring", "plist", "string", "tagged"]

_ASTRING_CHARS = re.compile(r'[\x21-\x7e]+')
_ATOM_SPECIALS = re.compile(r'[(){%*"\\]')
#: What a UTF-8 quoted string may hold (RFC 6855 §3): no CR, LF or NUL;
#: Net-Unicode names have no other controls either.
_QUOTABLE_UTF8 = re.compile(r"[^\x00-\x1f\x7f]{0,1024}")


@dataclass(frozen=True, slots=True)
class Done:
    """What a handler returns: the text (and response code) of its tagged OK."""

    text: str = "Completed"
    code: str | None = None


def tagged(tag: str, status: bytes, text: str, code: str | None = None) -> bytes:
    """`tag OK [CODE] text` (RFC 9051 §7.1)."""
    head = tag.encode("ascii", "replace") + b" " + status + b" "
    if code:
        head += b"[" + code.encode("utf-8") + b"] "
    return head + text.encode("utf-8", "replace").replace(b"\r", b" ").replace(b"\n", b" ") + b"\r\n"


def mailbox_name(external: str, utf8: bool) -> bytes:
    """A mailbox name on the wire: modified UTF-7 (RFC 3501 §5.1.3), or
    with `utf8` (the session's UTF8=ACCEPT or IMAP4rev2) the name itself,
    in a quoted string when it fits one (RFC 6855 §3 uQUOTED-CHAR)."""
    if not utf8:
        return string(mutf7_encode(external))
    if _QUOTABLE_UTF8.fullmatch(external):
        return b'"' + external.replace("\\", "\\\\").replace('"', '\\"').encode() + b'"'
    return string(external)


def astring(value: str) -> bytes:
    """An atom where RFC 9051 §9 `astring` allows one, else a string: as
    Cyrus prints ACL identifiers and rights, which `cyradm` splits on spaces."""
    if _ASTRING_CHARS.fullmatch(value) and not _ATOM_SPECIALS.search(value):
        return value.encode("ascii")
    return string(value)
