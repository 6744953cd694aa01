"""The message as Sieve sees it: raw RFC 5322 bytes, headers editable.

Headers are split out once by hand (fast, and editheader needs the
original field order and bytes); MIME structure comes from the standard
library's `email` package, parsed only when a test needs it.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses

FIELD_NAME = re.compile(r"[\x21-\x39\x3b-\x7e]+\Z")  # RFC 5322 §3.6.8 field-name
Field = tuple[str, str]  # (name as written, value with folding, no CRLF at end)


def split_message(raw: bytes) -> tuple[list[Field], bytes | None]:
    """Header fields and the body, None when no empty line ends the header
    (RFC 5173 §4: then there is no body at all); lines without a colon are not
    fields and are dropped."""
    end = raw.find(b"\r\n\r\n")
    sep = 4
    lf_end = raw.find(b"\n\n")
    if lf_end >= 0 and (end < 0 or lf_end < end):
        end, sep = lf_end, 2
    head, body = (raw, None) if end < 0 else (raw[:end], raw[end + sep:])
    fields: list[Field] = []
    for line in head.decode("utf-8", "surrogateescape").replace("\r\n", "\n").split("\n"):
        if line[:1] in (" ", "\t") and fields:
            name, value = fields[-1]
            fields[-1] = (name, value + "\r\n" + line)
        elif ":" in line:
            name, _, value = line.partition(":")
            if name and name == name.strip():
                fields.append((name, value))
    return fields, body


def decode_value(value: str) -> str:
    """Unfolded, RFC 2047-decoded, whitespace-stripped (RFC 5228 §5.7, §14 item 4)."""
    unfolded = value.replace("\r\n", "")
    if "=?" in unfolded:
        try:
            unfolded = str(make_header(decode_header(unfolded)))
        except (ValueError, LookupError, UnicodeError):
            pass
    return unfolded.strip(" \t").encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def addresses(values: list[str]) -> list[str]:
    """addr-specs in header values (RFC 5228 §5.1): an empty field or "<>" is the
    empty address ""; group names are never addresses, their members are."""
    out = []
    for value in values:
        if value.strip(" \t") in ("", "<>"):
            out.append("")
            continue
        found = [addr for _, addr in getaddresses([value]) if addr]
        empty_group = ":" in value and value.rstrip().endswith(";")
        if not found and not empty_group:
            found = [value.strip(" \t")]  # RFC 5228 §2.7.4: unparsable, still seen by :all
        out.extend(found)
    return out


class MessageView:
    """Headers (editable, RFC 5293), body bytes and lazily the MIME tree."""

    def __init__(self, raw: bytes) -> None:
        self.original = raw
        self.fields, self.parsed_body = split_message(raw)
        self.edited = False
        self._tree: Message | None = None
        self._decoded: dict[str, list[str]] = {}

    @property
    def has_body(self) -> bool:
        """RFC 5173 §4: false for a header not followed by an empty line."""
        return self.parsed_body is not None

    @property
    def body(self) -> bytes:
        """The body's bytes, undecoded (RFC 5173 §5.1); empty when there is none."""
        return self.parsed_body or b""

    @property
    def size(self) -> int:
        """RFC 5228 §5.9, with RFC 5293 §7: the message as it now stands, edits included."""
        return len(self.as_bytes()) if self.edited else len(self.original)

    def raw_values(self, name: str) -> list[str]:
        low = name.lower()
        return [v for n, v in self.fields if n.lower() == low]

    def header(self, name: str) -> list[str]:
        """Decoded values of a header field, top to bottom."""
        low = name.lower()
        cached = self._decoded.get(low)
        if cached is None:
            cached = [decode_value(v) for n, v in self.fields if n.lower() == low]
            self._decoded[low] = cached
        return cached

    def add_header(self, name: str, value: str, last: bool) -> None:
        """RFC 5293 §4: at the top unless :last."""
        field = (name, " " + value)
        if last:
            self.fields.append(field)
        else:
            self.fields.insert(0, field)
        self._changed()

    def delete_fields(self, indexes: list[int]) -> None:
        """Delete fields by position in `fields`."""
        drop = set(indexes)
        self.fields = [f for i, f in enumerate(self.fields) if i not in drop]
        self._changed()

    def reset(self, raw: bytes, tree: Message | None = None) -> None:
        """Replace the whole message (RFC 5703 replace/enclose); `tree` is its parsed form."""
        self.fields, self.parsed_body = split_message(raw)
        self._changed()
        self._tree = tree

    def _changed(self) -> None:
        self.edited = True
        self._decoded.clear()
        self._tree = None

    def as_bytes(self) -> bytes:
        head = "".join(f"{n}:{v}\r\n" for n, v in self.fields)
        head_bytes = head.encode("utf-8", "surrogateescape")
        return head_bytes if self.parsed_body is None else head_bytes + b"\r\n" + self.parsed_body

    def tree(self) -> Message:
        """The MIME structure of the message as it stands now."""
        if self._tree is None:
            raw = self.as_bytes() if self.edited else self.original
            self._tree = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(raw)
        return self._tree
