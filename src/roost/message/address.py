"""RFC 5322 §3.4 address lists -> IMAP address tuples, tolerant of junk.

An address is `(name, adl, mailbox, host)` of raw octets or None, as
RFC 9051 §7.5.2 wants them in ENVELOPE: not RFC 2047-decoded, quotes and
quoted-pairs removed. Group syntax (RFC 5322 §3.4) becomes a start marker
`(None, None, groupname, None)` and an end marker `(None, None, None, None)`
(RFC 9051 §7.5.2). A mailbox without a domain (`user`, `<>`, a bare
phrase, whose words become the mailbox name) gets the host
`unspecified-domain`, as Cyrus reports it, so that it cannot be mistaken
for a group marker. What holds no mailbox at all (a lone comment, an
unterminated quoted string, `:` without a group name) gives no address,
as on Cyrus and Dovecot. With no display name, the last comment serves as the
name: what readers show for `user@host (Full Name)`, and what Cyrus picks
when another comment comes first (`(x) user@host (Full Name)`).
"""

from __future__ import annotations

Address = tuple[bytes | None, bytes | None, bytes | None, bytes | None]
GROUP_END: Address = (None, None, None, None)
MISSING_HOST = b"unspecified-domain"

# Token kinds.
_ATOM, _QUOTED, _COMMENT, _SPECIAL = 0, 1, 2, 3
Token = tuple[int, bytes]
_SPECIALS = frozenset(b"<>@,;:")
_ATOM_STOP = frozenset(b' \t\r\n"()[<>@,;:')


def _read_until(value: bytes, pos: int, close: int,
                nest: int | None) -> tuple[bytes, int, bool]:
    """Read a quoted string / comment / domain literal body after its opener;
    returns the content (quoted-pairs unescaped), the position after it and
    whether its closer was found."""
    out = bytearray()
    depth = 1
    n = len(value)
    while pos < n:
        c = value[pos]
        pos += 1
        if c == 0x5C and close != 0x5D and pos < n:
            out.append(value[pos])
            pos += 1
            continue
        if c == close:
            depth -= 1
            if depth == 0:
                return bytes(out), pos, True
        elif nest is not None and c == nest:
            depth += 1
        if c not in (0x0D, 0x0A):
            out.append(c)
    return bytes(out), pos, False


def tokenize(value: bytes) -> list[Token]:
    """Split an address header value into atoms, quoted strings, comments,
    and the specials `<>@,;:`. Domain literals are atoms with brackets."""
    tokens: list[Token] = []
    pos, n = 0, len(value)
    while pos < n:
        c = value[pos]
        if c in b" \t\r\n":
            pos += 1
        elif c == 0x22:
            text, pos, closed = _read_until(value, pos + 1, 0x22, None)
            if closed:
                tokens.append((_QUOTED, text))
        elif c == 0x28:
            text, pos, _ = _read_until(value, pos + 1, 0x29, 0x28)
            tokens.append((_COMMENT, text))
        elif c == 0x5B:
            text, pos, _ = _read_until(value, pos + 1, 0x5D, None)
            tokens.append((_ATOM, b"[" + text + b"]"))
        elif c in _SPECIALS:
            tokens.append((_SPECIAL, bytes((c,))))
            pos += 1
        else:
            start = pos
            while pos < n and value[pos] not in _ATOM_STOP:
                pos += 1
            if pos == start:  # a stray ")" or "]"
                pos += 1
                continue
            tokens.append((_ATOM, value[start:pos]))
    return tokens


def _phrase(tokens: list[Token]) -> bytes | None:
    words = [text for kind, text in tokens if kind in (_ATOM, _QUOTED)]
    return b" ".join(words) if words else None


def _comment(tokens: list[Token]) -> bytes | None:
    for kind, text in reversed(tokens):
        if kind == _COMMENT and text.strip():
            return b" ".join(text.split())
    return None


def _local_part(words: list[bytes]) -> bytes:
    """Words of a local part run together where dots join them (RFC 5322
    §4.4 obs-local-part allows `john . doe`), else apart: a bare phrase
    (RFC 5322 §3.2.5) standing where the address should be keeps its
    spaces, as Cyrus shows it."""
    out = b""
    for word in words:
        joined = not out or out.endswith(b".") or word.startswith(b".")
        out += word if joined else b" " + word
    return out


def _addr_spec(tokens: list[Token], name: bytes | None, adl: bytes | None) -> Address | None:
    """`local@domain` from tokens; None when there is nothing to report."""
    words = [(kind, text) for kind, text in tokens if kind != _COMMENT]
    at = next((i for i, (kind, text) in enumerate(words) if kind == _SPECIAL and text == b"@"), -1)
    local_tokens = [text for kind, text in (words if at < 0 else words[:at]) if kind != _SPECIAL]
    local = _local_part(local_tokens)
    host = None if at < 0 else b"".join(text for kind, text in words[at + 1 :] if kind != _SPECIAL)
    if not local and not host:
        return None
    if name is None:
        name = _comment(tokens)
    return (name, adl, local, host or MISSING_HOST)


def _angle(tokens: list[Token], pos: int, name: bytes | None) -> tuple[Address, int]:
    """Parse `<[route:]addr-spec>` starting after `<`; RFC 5322 §4.4 obs-route
    becomes the adl `@a,@b`."""
    n = len(tokens)
    end = pos
    while end < n and tokens[end] != (_SPECIAL, b">"):
        end += 1
    inner = tokens[pos:end]
    adl = None
    colon = next((i for i, tok in enumerate(inner) if tok == (_SPECIAL, b":")), -1)
    if colon >= 0 and inner and inner[0] == (_SPECIAL, b"@"):
        adl = b"".join(text for kind, text in inner[:colon] if kind != _COMMENT)
        inner = inner[colon + 1 :]
    address = _addr_spec(inner, name, adl)
    if address is None:  # "<>": the null address
        address = (name, adl, b"", MISSING_HOST)
    return address, end + 1


def parse_addresses(value: bytes) -> list[Address]:
    """All addresses of an address-list header, with group markers."""
    tokens = tokenize(value)
    result: list[Address] = []
    in_group = False
    pending: list[Token] = []
    pos, n = 0, len(tokens)
    while pos < n:
        kind, text = tokens[pos]
        if kind != _SPECIAL or text in (b"@", b">"):
            pending.append(tokens[pos])
            pos += 1
            continue
        if text == b"<":
            angle, pos = _angle(tokens, pos + 1, _phrase(pending))
            result.append(angle)
            pending = []
            while pos < n and tokens[pos] not in ((_SPECIAL, b","), (_SPECIAL, b";")):
                pos += 1  # junk after "<...>" up to the next separator
            continue
        if text == b":" and not in_group:
            group = _phrase(pending)
            if group is not None:  # RFC 5322 §3.4: a group has a display name
                result.append((None, None, group, None))
            in_group, pending = group is not None, []
        elif text in (b",", b";"):
            spec = _addr_spec(pending, None, None) if pending else None
            if spec is not None:
                result.append(spec)
            pending = []
            if text == b";" and in_group:
                result.append(GROUP_END)
                in_group = False
        pos += 1
    spec = _addr_spec(pending, None, None) if pending else None
    if spec is not None:
        result.append(spec)
    if in_group:
        result.append(GROUP_END)
    return result
