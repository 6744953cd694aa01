"""Header block of an entity: where it ends, and its fields with offsets.

RFC 5322 §2.1: the header ends at the first empty line; the body follows.
LF-only line ends are accepted everywhere (mail arrives that way from some
MTAs). Without an empty line the whole entity is header and the body is
empty. Lines that are neither `name:` nor a continuation are ignored as
fields but stay in the header bytes, which are always served as received.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Field:
    """One header field: `name` as sent, `value` = raw octets after the colon
    up to the final line end (folding kept), `start`/`end` = absolute offsets
    of the whole field including its continuation lines and final EOL."""

    name: bytes
    value: bytes
    start: int
    end: int

    @property
    def lname(self) -> bytes:
        """Field name lower-cased, for case-insensitive matching."""
        return self.name.lower()


def header_end(raw: bytes, start: int, end: int) -> int:
    """Offset where the body starts: just after the first empty line, or
    `end` when the entity has no empty line."""
    if raw.startswith(b"\r\n", start, end):
        return start + 2
    if raw.startswith(b"\n", start, end):
        return start + 1
    crlf = raw.find(b"\n\r\n", start, end)
    lf = raw.find(b"\n\n", start, end if crlf < 0 else crlf + 2)
    if lf >= 0:
        return lf + 2
    if crlf >= 0:
        return crlf + 3
    return end


def parse_fields(raw: bytes, start: int, end: int) -> list[Field]:
    """Fields of the header block `raw[start:end]` (end = body start)."""
    fields: list[Field] = []
    name = b""
    value_start = field_start = -1
    pos = start
    while pos < end:
        nl = raw.find(b"\n", pos, end)
        line_end = end if nl < 0 else nl + 1
        first = raw[pos]
        if first in (0x20, 0x09):
            pos = line_end  # continuation: the current field grows
            continue
        if field_start >= 0:
            fields.append(_field(raw, name, field_start, value_start, pos))
            field_start = -1
        colon = raw.find(b":", pos, line_end)
        if colon > pos:
            candidate = raw[pos:colon].rstrip(b" \t")  # RFC 5322 §4.5.3 obs WSP
            if candidate and b" " not in candidate and b"\t" not in candidate:
                name, field_start, value_start = candidate, pos, colon + 1
        pos = line_end
    if field_start >= 0:
        fields.append(_field(raw, name, field_start, value_start, end))
    return fields


def _field(raw: bytes, name: bytes, start: int, value_start: int, end: int) -> Field:
    value_end = end
    if value_end > value_start and raw[value_end - 1] == 0x0A:
        value_end -= 1
        if value_end > value_start and raw[value_end - 1] == 0x0D:
            value_end -= 1
    return Field(name, raw[value_start:value_end], start, end)


def first_value(fields: list[Field], lname: bytes) -> bytes | None:
    """Raw value of the first field called `lname` (lower-case), or None."""
    for field in fields:
        if field.lname == lname:
            return field.value
    return None
