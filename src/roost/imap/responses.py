"""Reply values -> bytes: tagged completions and the pieces of untagged replies.

Strings go through `roost.message.imapstr` so every string on the wire
follows one quoting rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from roost.imap.mutf7 import encode as mutf7_encode
from roost.message.imapstr import nstring, plist, string

__all__ = ["Done", "mailbox_name", "nstring", "plist", "string", "tagged"]


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


def mailbox_name(external: str) -> bytes:
    """A mailbox name on the wire, in modified UTF-7 (RFC 9051 §5.1.3; UTF8=ACCEPT
    is not offered)."""
    return string(mutf7_encode(external))
