"""MIME entity tree over the raw bytes, by offsets (RFC 2045, RFC 2046).

Every entity is a header range `[header_start, body_start)` and a body range
`[body_start, end)` in the one `raw` buffer; nothing is copied. Defaults and
repairs, so that any input yields a tree:
- no or unparsable Content-Type -> text/plain; charset=us-ascii
  (RFC 2045 §5.2), or message/rfc822 inside multipart/digest (RFC 2046
  §5.1.5);
- a multipart without a boundary parameter is treated as that same
  default text/plain leaf (RFC 2045 §5.2: an invalid Content-Type reads as
  the default), so its body stays readable;
- a multipart whose body holds no delimiter line has one empty part (its
  body is all preamble), as Cyrus and Dovecot both show it; an empty
  `boundary=""` is a boundary (the delimiter line is `--`), as on both;
- a missing close delimiter ends the last part at the end of the enclosing
  body (RFC 2046 §5.1.1 says the CRLF before a delimiter belongs to it);
- nesting deeper than MAX_DEPTH is not descended: such a multipart or
  message part becomes the default text/plain leaf.
"""

from __future__ import annotations

from dataclasses import dataclass

from roost.message.headers import Field, first_value, header_end, parse_fields
from roost.message.params import RawParams, decode_rfc2231, param, raw_params, split_value

MAX_DEPTH = 64
_DEFAULT_PARAMS: RawParams = ((b"charset", b"us-ascii"),)
# Only message/rfc822 is shown with its inner envelope and structure: IMAP4rev1
# grammar (RFC 3501 §9) has no MESSAGE/GLOBAL form, and Cyrus shows
# message/global as a plain part too, so rev1 clients can parse it.
_ENCAPSULATING = (b"rfc822",)


@dataclass(slots=True)
class Entity:
    """One MIME entity (the message itself, a body part, or an encapsulated
    message). `maintype`/`subtype` are lower-case; `params` as sent, or the
    RFC 2045 default when `defaulted`; `cte` lower-case, b"7bit" by default.
    `children` holds multipart body parts; `message` the encapsulated
    message of a message/rfc822 part."""

    header_start: int
    body_start: int
    end: int
    fields: list[Field]
    maintype: bytes
    subtype: bytes
    params: RawParams
    defaulted: bool
    cte: bytes
    children: list[Entity]
    message: Entity | None

    def header(self, lname: bytes) -> bytes | None:
        """Raw value of the first header field `lname`, or None."""
        return first_value(self.fields, lname)

    @property
    def is_multipart(self) -> bool:
        """True for a multipart entity that was split into parts."""
        return bool(self.children)

    def body_lines(self, raw: bytes) -> int:
        """Lines in the body, counted as Cyrus and Dovecot count them: its
        line ends. A part's last line ends in the CRLF that belongs to the
        next boundary (RFC 2046 §5.1.1), so it is not counted, nor are a
        message's bytes after its last line end."""
        return raw.count(b"\n", self.body_start, self.end)


def parse_entity(raw: bytes, start: int, end: int, digest: bool = False, depth: int = 0) -> Entity:
    """Parse `raw[start:end]` as one entity, recursively.

    `digest` is True for the parts of a multipart/digest, whose default type
    is message/rfc822 (RFC 2046 §5.1.5).
    """
    body_start = header_end(raw, start, end)
    fields = parse_fields(raw, start, body_start)
    maintype, subtype, params, defaulted = _content_type(fields, digest)
    cte_raw = first_value(fields, b"content-transfer-encoding")
    cte = split_value(cte_raw)[0].lower() if cte_raw is not None else b""
    entity = Entity(start, body_start, end, fields, maintype, subtype, params, defaulted,
                    cte or b"7bit", [], None)
    if maintype == b"multipart":
        spans = _split_multipart(raw, body_start, end, params) if depth < MAX_DEPTH else []
        if not spans:
            _make_default(entity)
            return entity
        child_digest = subtype == b"digest"
        entity.children = [parse_entity(raw, s, e, child_digest, depth + 1) for s, e in spans]
    elif maintype == b"message" and subtype in _ENCAPSULATING:
        if depth >= MAX_DEPTH:
            _make_default(entity)
            return entity
        entity.message = parse_entity(raw, body_start, end, False, depth + 1)
    return entity


def _make_default(entity: Entity) -> None:
    entity.maintype, entity.subtype = b"text", b"plain"
    entity.params, entity.defaulted = _DEFAULT_PARAMS, True


def _content_type(fields: list[Field], digest: bool) -> tuple[bytes, bytes, RawParams, bool]:
    value = first_value(fields, b"content-type")
    if value is not None:
        media, _ = split_value(value)
        maintype, slash, subtype = media.partition(b"/")
        maintype, subtype = maintype.strip().lower(), subtype.strip().lower()
        if slash and maintype and subtype and _is_token(maintype) and _is_token(subtype):
            return maintype, subtype, raw_params(value), False
    if digest:
        return b"message", b"rfc822", (), True
    return b"text", b"plain", _DEFAULT_PARAMS, True


def _is_token(word: bytes) -> bool:
    """RFC 2045 §5.1 token: no CTLs, spaces or tspecials."""
    return not any(c <= 0x20 or c >= 0x7F or c in b'()<>@,;:\\"/[]?=' for c in word)


def _split_multipart(raw: bytes, start: int, end: int, params: RawParams) -> list[tuple[int, int]]:
    """Body part spans of a multipart body (RFC 2046 §5.1.1).

    A delimiter line is `--boundary` at a line start followed only by
    whitespace, or `--boundary--` (close). The EOL before a delimiter
    belongs to it, so it is not part of the preceding body part.
    """
    boundary_str = param(decode_rfc2231(params), "boundary")
    if boundary_str is None:
        return []
    delim = b"--" + boundary_str.encode("utf-8", "surrogateescape")
    spans: list[tuple[int, int]] = []
    part_start = -1
    pos = start
    while True:
        at = raw.find(delim, pos, end)
        if at < 0:
            break
        pos = at + 1
        if at != start and raw[at - 1] != 0x0A:
            continue
        after = at + len(delim)
        nl = raw.find(b"\n", after, end)
        line_end = end if nl < 0 else nl + 1
        is_close = raw.startswith(b"--", after, end)
        if not is_close and raw[after:line_end].strip(b" \t\r\n"):
            continue  # "--boundaryX": a longer boundary, not ours
        if part_start >= 0:
            part_end = at
            if part_end > part_start and raw[part_end - 1] == 0x0A:
                part_end -= 1
                if part_end > part_start and raw[part_end - 1] == 0x0D:
                    part_end -= 1
            spans.append((part_start, part_end))
        if is_close:
            return spans
        part_start = pos = line_end
    if part_start >= 0:
        spans.append((part_start, end))  # no close delimiter
    return spans or [(end, end)]  # no delimiter: one empty part after the preamble


def resolve(top: Entity, part: tuple[int, ...]) -> Entity | None:
    """The entity a FETCH section-part names (RFC 9051 §6.4.5), or None.

    The parts of a message are its multipart children, or, for a
    non-multipart message, part 1 is the message body itself. A
    message/rfc822 part's subparts are those of its encapsulated message;
    other leaves have none.
    """
    node = top
    for index, number in enumerate(part):
        if index > 0:
            if node.message is not None:
                node = node.message
            elif not node.is_multipart:
                return None
        if node.is_multipart:
            if not 1 <= number <= len(node.children):
                return None
            node = node.children[number - 1]
        elif number != 1:
            return None
    return node
