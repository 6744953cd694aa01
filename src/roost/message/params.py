"""Structured MIME header values: `value; name=param; ...` (RFC 2045 §5.1).

Two views of the same parameters:
- `raw_params` keeps names and values as sent (quotes removed, quoted-pairs
  unescaped); BODYSTRUCTURE reports these, as IMAP wants the header's
  parameters, not a re-interpretation of them, but with RFC 2231
  continuations joined (`join_continuations`), as Cyrus reports them.
- `parse_params` applies RFC 2231: continuations `name*0`, `name*1*`, and
  `charset'language'percent-encoded` values, decoded to str; SEARCH,
  filenames and boundary lookup use it.
Malformed input yields the parameters that could be read; nothing raises.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from roost.message import charsets
from roost.message.encoded_words import unfold

RawParams = tuple[tuple[bytes, bytes], ...]

_TSPECIAL_STOP = b";="
_SECTION = re.compile(r"^(.*?)\*(\d+)(\*?)$|^(.*?)(\*)$")
_NUMBERED = re.compile(rb"(.+?)\*(\d+)(\*?)")
# RFC 2231 §7 attribute-char: what an extended value may carry unescaped.
_ATTRIBUTE_CHARS = frozenset(b"!#$&+-.^_`{|}~0123456789"
                             b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _skip_ws(data: bytes, pos: int) -> int:
    n = len(data)
    while pos < n:
        c = data[pos]
        if c in b" \t\r\n":
            pos += 1
        elif c == 0x28:  # "(" comment, RFC 5322 §3.2.2 CFWS
            depth = 0
            while pos < n:
                c = data[pos]
                if c == 0x5C:
                    pos += 1
                elif c == 0x28:
                    depth += 1
                elif c == 0x29:
                    depth -= 1
                    if depth == 0:
                        pos += 1
                        break
                pos += 1
        else:
            break
    return pos


def _quoted(data: bytes, pos: int) -> tuple[bytes, int]:
    """Read a quoted string starting after its opening quote."""
    out = bytearray()
    n = len(data)
    while pos < n:
        c = data[pos]
        if c == 0x22:
            return bytes(out), pos + 1
        if c == 0x5C and pos + 1 < n:
            pos += 1
            c = data[pos]
        out.append(c)
        pos += 1
    return bytes(out), pos


def without_comments(value: bytes) -> bytes:
    """`value` with its RFC 5322 §3.2.2 comments removed (quoted strings
    kept whole), white space trimmed: `(x) Text/HTML (y)` is `Text/HTML`,
    and `BASE64 (note)` is `BASE64`, as Cyrus and Dovecot read them."""
    if b"(" not in value:
        return value.strip()
    out = bytearray()
    pos, n = 0, len(value)
    while pos < n:
        c = value[pos]
        if c == 0x28:
            end = _skip_ws(value, pos)
            out += b" "
            pos = max(end, pos + 1)
        elif c == 0x22:
            end = _quoted(value, pos + 1)[1]
            out += value[pos:end]
            pos = end
        else:
            out.append(c)
            pos += 1
    return bytes(out).strip()


def split_value(value: bytes) -> tuple[bytes, int]:
    """Return the leading value (before the first `;`), comments removed,
    and where the parameters start."""
    value = unfold(value)
    semi = value.find(b";")
    if semi < 0:
        return without_comments(value), len(value)
    return without_comments(value[:semi]), semi


def raw_params(value: bytes) -> RawParams:
    """Parameters of a structured header value, as sent."""
    value = unfold(value)
    pos = value.find(b";")
    if pos < 0:
        return ()
    out: list[tuple[bytes, bytes]] = []
    n = len(value)
    while pos < n:
        pos = _skip_ws(value, pos + 1 if value[pos] == 0x3B else pos)
        start = pos
        while pos < n and value[pos] not in _TSPECIAL_STOP:
            pos += 1
        name = without_comments(value[start:pos])
        if pos >= n or value[pos] == 0x3B:
            continue  # a bare word without "=": not a parameter
        pos = _skip_ws(value, pos + 1)
        if pos < n and value[pos] == 0x22:
            param, pos = _quoted(value, pos + 1)
            while pos < n and value[pos] != 0x3B:
                pos += 1
        else:
            start = pos
            while pos < n and value[pos] != 0x3B:
                pos += 1
            param = without_comments(value[start:pos])
        if name:
            out.append((name, param))
    return tuple(out)


def _percent(value: bytes) -> bytes:
    """An unextended section's value in RFC 2231 §4 `%xx` form."""
    return b"".join(bytes((c,)) if c in _ATTRIBUTE_CHARS else b"%%%02X" % c for c in value)


def join_continuations(params: RawParams) -> RawParams:
    """RFC 2231 §3 continuations `name*0`, `name*1*`, ... as one parameter.

    Cyrus reports them joined in BODYSTRUCTURE, and clients that read
    `filename*=` but not `filename*0*=` (long attachment names) rely on it:
    `name*` holding `charset'lang'%xx...` when section 0 is extended (plain
    sections percent-encoded into it), else `name` with the values run
    together. Only sections 0, 1, 2... in unbroken sequence join; the rest
    stay as sent, in place.
    """
    sections: dict[bytes, dict[int, tuple[bool, bytes]]] = {}
    for name, value in params:
        match = _NUMBERED.fullmatch(name)
        if match is not None:
            parts = sections.setdefault(match[1].lower(), {})
            parts.setdefault(int(match[2][:9]), (match[3] == b"*", value))
    out: list[tuple[bytes, bytes]] = []
    for name, value in params:
        match = _NUMBERED.fullmatch(name)
        parts = sections.get(match[1].lower(), {}) if match is not None else {}
        run = next(i for i in range(len(parts) + 1) if i not in parts)
        if match is None or int(match[2][:9]) >= run:
            out.append((name, value))
        elif int(match[2][:9]) == 0:
            pieces = [parts[i] for i in range(run)]
            if pieces[0][0]:
                out.append((match[1] + b"*",
                            b"".join(v if extended else _percent(v) for extended, v in pieces)))
            else:
                out.append((match[1], b"".join(v for _, v in pieces)))
    return tuple(out)


def decode_rfc2231(params: RawParams) -> tuple[tuple[str, str], ...]:
    """Merge RFC 2231 §3 continuations and decode §4 charset'lang'values.

    Names are lower-cased; order follows each name's first appearance. A
    plain `name=` wins over a broken set of continuations only if it came
    first, matching how mail readers resolve duplicates.
    """
    order: list[str] = []
    plain: dict[str, str] = {}
    sections: dict[str, dict[int, tuple[bool, bytes]]] = {}
    for raw_name, raw_value in params:
        name = raw_name.decode("ascii", "replace").lower()
        match = _SECTION.match(name)
        if match is None:
            if name not in plain and name not in sections:
                order.append(name)
                plain[name] = charsets.header_bytes_to_str(raw_value)
            continue
        if match.group(1) is not None:
            base, number, encoded = match.group(1), int(match.group(2)[:9]), match.group(3) == "*"
        else:
            base, number, encoded = match.group(4), 0, True
        if base not in plain and base not in sections:
            order.append(base)
        sections.setdefault(base, {}).setdefault(number, (encoded, raw_value))
    result: list[tuple[str, str]] = []
    for name in order:
        if name in plain:
            result.append((name, plain[name]))
            continue
        parts = sections[name]
        charset = ""
        octets = bytearray()
        first = min(parts)
        for index in sorted(parts):
            encoded, piece = parts[index]
            if encoded:
                if index == first and piece.count(b"'") >= 2:
                    cs, _lang, piece = piece.split(b"'", 2)
                    charset = cs.decode("ascii", "replace")
                octets += unquote_to_bytes(piece)
            else:
                octets += piece
        result.append((name, charsets.decode(bytes(octets), charset or None)))
    return tuple(result)


def parse_params(value: str | bytes) -> tuple[tuple[str, str], ...]:
    """Decoded parameters of a structured header value (RFC 2045 §5.1,
    RFC 2231). The value before the first `;` is skipped:
    `parse_params('attachment; filename*=utf-8\\'\\'%C3%A9.txt')` gives
    `(("filename", "é.txt"),)`."""
    raw = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
    return decode_rfc2231(raw_params(raw))


def param(params: tuple[tuple[str, str], ...], name: str) -> str | None:
    """The first decoded parameter called `name` (lower-case), or None."""
    for key, val in params:
        if key == name:
            return val
    return None
