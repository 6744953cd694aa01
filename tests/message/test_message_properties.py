"""Property tests: no input bytes make roost.message raise, and the parsed
structure is consistent with the raw bytes."""

from __future__ import annotations

import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roost.message import (
    ParsedMessage,
    UnknownTransferEncoding,
    binary_size,
    body_text,
    decode_header_value,
    fetch_binary,
    fetch_section,
    header_text,
    parse_message,
    parse_params,
)
from roost.message.mime import Entity, parse_entity
from roost.message.sections import _header_fields, header_section

KINDS = ("", "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME")
parts = st.lists(st.integers(min_value=0, max_value=4), max_size=4).map(tuple)

# Messages built from pieces that exercise the parser: header lines, MIME
# headers with odd values, boundaries, encodings, and junk.
_LINES = st.sampled_from([
    b"From: a@b", b"To: g: x@y, \"q\\\"\" <z@w>;", b"Subject: =?utf-8?q?x?=", b"Date: 1 Jan 2000",
    b"Content-Type: multipart/mixed; boundary=b", b"Content-Type: multipart/digest; boundary=b",
    b"Content-Type: message/rfc822", b"Content-Type: text/html; charset=zlib",
    b"Content-Type: text/plain; charset*0*=utf-8''%C3; charset*1=x",
    b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: quoted-printable",
    b"Content-Transfer-Encoding: x-weird", b"Content-Disposition: attachment; filename=a",
    b"--b", b"--b--", b"", b" folded", b"\t", b"<p>html</p>", b"=C3=A9=", b"aGVsbG8=", b"\xff\x00",
    b"(", b"\"", b"<", b":", b";",
])
structured = st.builds(
    lambda lines, eol: eol.join(lines),
    st.lists(_LINES, max_size=40),
    st.sampled_from([b"\r\n", b"\n"]),
)
any_message = st.one_of(st.binary(max_size=2000), structured)


def _entities(entity: Entity) -> list[Entity]:
    found = [entity]
    for child in entity.children:
        found.extend(_entities(child))
    if entity.message is not None:
        found.extend(_entities(entity.message))
    return found


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(any_message)
def test_parse_never_raises_and_sizes_add_up(raw: bytes) -> None:
    parsed = parse_message(raw)
    assert parsed.size == len(raw) == parsed.header_size + parsed.body_size
    assert parsed.envelope.startswith(b"(") and parsed.envelope.endswith(b")")
    assert parsed.bodystructure.count(b"(") >= 1
    assert ParsedMessage.from_json(parsed.to_json()) == parsed
    assert isinstance(body_text(raw), str)
    assert isinstance(header_text(raw), str)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(any_message)
def test_entity_offsets_nest(raw: bytes) -> None:
    top = parse_entity(raw, 0, len(raw))
    for entity in _entities(top):
        assert 0 <= entity.header_start <= entity.body_start <= entity.end <= len(raw)
        for child in entity.children:
            assert entity.body_start <= child.header_start and child.end <= entity.end
        if entity.message is not None:
            assert entity.message.header_start == entity.body_start
            assert entity.message.end == entity.end


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(any_message, parts, st.sampled_from(KINDS))
def test_sections_never_raise(raw: bytes, part: tuple[int, ...], kind: str) -> None:
    section = fetch_section(raw, part, kind, ("subject", "content-type"))
    assert section is None or isinstance(section, bytes)
    if kind in ("", "HEADER", "TEXT", "MIME") and section is not None:
        assert section in raw
    try:
        binary = fetch_binary(raw, part)
        size = binary_size(raw, part)
    except UnknownTransferEncoding:
        return
    assert (binary is None and size is None) or (binary is not None and len(binary) == size)


@settings(max_examples=300)
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300)))
def test_header_decoding_never_raises(value: bytes | str) -> None:
    assert isinstance(decode_header_value(value), str)
    assert isinstance(parse_params(value), tuple)


_LITERAL = re.compile(rb"\{(\d+)\}\r\n")


def _strip_literals(rendered: bytes) -> bytes:
    """Replace each `{n}\\r\\n<n octets>` by `""` so the rest can be checked."""
    out, pos = [], 0
    while (match := _LITERAL.search(rendered, pos)) is not None:
        out.append(rendered[pos : match.start()] + b'""')
        pos = match.end() + int(match.group(1))
    out.append(rendered[pos:])
    return b"".join(out)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(any_message)
def test_rendered_structures_are_balanced_imap(raw: bytes) -> None:
    parsed = parse_message(raw)
    for rendered in (parsed.envelope, parsed.bodystructure, parsed.body):
        plain = _strip_literals(rendered)
        assert b"\r" not in plain and b"\n" not in plain and b"\x00" not in plain
        unquoted = re.sub(rb'"(?:[^"\\]|\\.)*"', b'""', plain)
        depth = 0
        for char in unquoted:
            depth += {0x28: 1, 0x29: -1}.get(char, 0)
            assert depth >= 0
        assert depth == 0


PATHOLOGICAL = [b"[" * 20000, b"[a]" * 20000 + b"x", b"[a] " * 20000, b"Re: " * 20000,
                b" (fwd)" * 20000 + b"x", b"[fwd:" * 20000 + b"x" + b"]" * 20000,
                b"(" * 20000, b'"' * 20000, b"<" * 20000, b"a@" * 20000, b"=?" * 20000]


def test_pathological_headers_parse_in_linear_time() -> None:
    """Regex backtracking once made these take minutes; each must now be
    quick (the suite's timeout catches a regression)."""
    for junk in PATHOLOGICAL:
        raw = (b"Subject: " + junk + b"\r\nFrom: " + junk + b"\r\nContent-Type: text/html; x="
               + junk + b"\r\n\r\n" + junk.replace(b"[", b"<"))
        assert parse_message(raw).size == len(raw)


_HEADER_LINES = st.sampled_from([
    b"From: a@b", b"from : c", b"FROM:", b"Subject: s", b"X Y: not a field", b"To: t",
    b" folded", b"\tmore", b"garbage line", b":", b"Subject:x:y", b"From\t: tab", b"\r",
    b"X-From: no", b"Fromage: no", b"Message-ID: <m@x>",
])
_headers = st.builds(
    lambda lines, eol, blank: eol.join(lines) + (eol + eol if blank else b""),
    st.lists(_HEADER_LINES, max_size=12), st.sampled_from([b"\r\n", b"\n"]), st.booleans())
_names = st.lists(st.sampled_from(["From", "subject", "X Y", "to", "Message-ID", "", "a:b"]),
                  min_size=1, max_size=3).map(tuple)


@settings(max_examples=500)
@given(_headers, _names)
def test_header_fields_from_the_header_block_agree_with_the_parse(
        header: bytes, names: tuple[str, ...]) -> None:
    """The fast HEADER.FIELDS (one regex over the header block) returns what
    the field parse of the whole message returns."""
    raw = header + b"body\r\n"
    top = parse_entity(raw, 0, len(raw))
    expected = _header_fields(raw, top.fields, names, negate=False)
    assert fetch_section(raw, (), "HEADER.FIELDS", names) == expected
    assert header_section(raw[:top.body_start], "HEADER.FIELDS", names) == expected


@settings(max_examples=200)
@given(_headers, _names, st.randoms(use_true_random=False))
def test_header_fields_do_not_depend_on_the_order_or_case_of_the_names(
        header: bytes, names: tuple[str, ...], rnd: random.Random) -> None:
    """The compiled HEADER.FIELDS regex is shared by every ordering and
    casing of one set of names: each still picks the lines in header order."""
    shuffled = list(names)
    rnd.shuffle(shuffled)
    other = tuple(n.swapcase() for n in shuffled)
    assert header_section(header, "HEADER.FIELDS", other) == header_section(
        header, "HEADER.FIELDS", names)
