"""roost.message: RFC 5322 / MIME bytes -> structure, parsed once.

At delivery/APPEND the store calls `parse_message(raw)` and keeps the
resulting `ParsedMessage` (or its `to_json()`) in the index, so FETCH
ENVELOPE / BODY / BODYSTRUCTURE / RFC822.SIZE, SEARCH header keys, SORT and
THREAD never re-read the body file. Sections are cut on demand.

Public API:
- `parse_message(raw: bytes) -> ParsedMessage` (frozen, slots): `size`,
  `header_size`, `body_size`, `envelope`, `bodystructure`, `body` (IMAP
  syntax bytes), `sent_date`, `headers_for_search`, `sort_subject`,
  `subject_is_reply`, `sort_from`, `sort_to`, `sort_cc`, `display_from`,
  `display_to`, `message_id`, `in_reply_to`, `references`, `preview`,
  `has_attachment`, `body_lines`, `summary_fields` (raw Subject, From,
  Date, Message-ID, References); `.to_json()` /
  `ParsedMessage.from_json(text)`.
- `body_text(raw) -> str`, `header_text(raw) -> str`: decoded text for
  SEARCH BODY / TEXT / HEADER.
- `fetch_section(raw, part, kind="", fields=()) -> bytes | None`,
  `fetch_binary(raw, part) -> bytes | None`,
  `binary_size(raw, part) -> int | None`, `UnknownTransferEncoding`.
- `decode_header_value(value) -> str` (RFC 2047),
  `parse_params(value) -> tuple[tuple[str, str], ...]` (RFC 2231).
- `roost.message.imapstr`: `string`, `nstring`, `number`, `plist`, `NIL`:
  the one renderer of IMAP strings (quoted vs literal).

Invariants:
- Nothing here raises on any input bytes (only `fetch_binary`/`binary_size`
  raise `UnknownTransferEncoding`, by design). Malformed mail gets the best
  structure possible; the bytes are always served as received.
- `size == header_size + body_size == len(raw)`.
- The MIME tree is offsets into `raw`; sections are exact slices of it.
- ENVELOPE strings are raw header octets (unfolded), never decoded;
  everything typed `str` is decoded (RFC 2047, RFC 2231, charsets).
- ParsedMessage holds only bytes/str/int/bool/datetime/None/tuples and
  round-trips through `to_json`/`from_json`.
- Pure functions, no I/O, no global state: safe to call from any thread.
"""

from __future__ import annotations

from roost.message.encoded_words import decode_header_value
from roost.message.mime import parse_entity
from roost.message.params import parse_params
from roost.message.parsed import ParsedMessage, parse_message
from roost.message.sections import binary_size, fetch_binary, fetch_section
from roost.message.text import body_text_of, header_text_of
from roost.message.transfer import UnknownTransferEncoding


def body_text(raw: bytes) -> str:
    """All text/* parts decoded and joined, HTML reduced to text (SEARCH
    BODY, RFC 9051 §6.4.4)."""
    return body_text_of(raw, parse_entity(raw, 0, len(raw)))


def header_text(raw: bytes) -> str:
    """The top-level header as `Name: decoded value` lines (SEARCH TEXT
    covers header and body, RFC 9051 §6.4.4)."""
    return header_text_of(parse_entity(raw, 0, len(raw)))


__all__ = [
    "ParsedMessage",
    "UnknownTransferEncoding",
    "binary_size",
    "body_text",
    "decode_header_value",
    "fetch_binary",
    "fetch_section",
    "header_text",
    "parse_message",
    "parse_params",
]
