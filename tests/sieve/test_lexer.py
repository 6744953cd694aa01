"""The lexer and parser: positions, and no exception but SieveSyntaxError for any input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roost.sieve.compiler import compile_script
from roost.sieve.errors import SieveCompileError, SieveSyntaxError
from roost.sieve.lexer import Kind, tokenize
from roost.sieve.parse import parse

SIEVE_ALPHABET = st.sampled_from(list('abcdefghijklmnopqrstuvwxyz:"\\[](){},;#/*.\r\n \t0123456789KMG_-'))


@given(st.binary(max_size=300))
@settings(max_examples=400)
def test_any_bytes_tokenize_or_raise_positioned_error(data: bytes) -> None:
    try:
        tokens = tokenize(data)
    except SieveSyntaxError as err:
        assert err.pos.line >= 1 and err.pos.col >= 1
    else:
        assert tokens[-1].kind is Kind.EOF


@given(st.lists(SIEVE_ALPHABET, max_size=200).map("".join))
@settings(max_examples=400)
def test_sieve_looking_text_parses_or_raises_positioned_error(text: str) -> None:
    try:
        parse(text)
    except SieveSyntaxError as err:
        assert err.pos.line >= 1 and err.pos.col >= 1


@given(st.lists(SIEVE_ALPHABET, max_size=200).map("".join))
@settings(max_examples=300)
def test_compiling_never_raises_anything_else(text: str) -> None:
    try:
        compile_script(text)
    except SieveCompileError as err:
        assert all(e.pos.line >= 1 for e in err.errors)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=50))
def test_quoted_string_round_trip(value: str) -> None:
    """Escapes undone; every line end (CR, LF, CRLF) comes back as CRLF (RFC 5228 §2.4.2)."""
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    tokens = tokenize(quoted)
    expected = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    assert tokens[0].kind is Kind.STRING and tokens[0].value == expected


@given(st.integers(min_value=0, max_value=2**32), st.sampled_from(["", "K", "m", "G"]))
def test_numbers_with_quantifiers(value: int, unit: str) -> None:
    scale = {"": 1, "K": 1024, "m": 1024**2, "G": 1024**3}[unit]
    assert tokenize(f"{value}{unit}")[0].value == value * scale


@pytest.mark.parametrize(("source", "line", "col"), [
    ("keep;\n  discard\n", 3, 1),
    ('if header :is "a" "b" {\n keep;\n', 3, 1),
    ("keep; $", 1, 7),
    ('"abc', 1, 1),
    ("text: junk\nx\n.\n", 1, 7),
    ("text:\nabc\n", 1, 1),
    ("99999999999999999999G;", 1, 1),
    ("12abc;", 1, 3),
    ("if true { keep; } }", 1, 19),
    ('keep ["a" "b"];', 1, 11),
    ("keep [];", 1, 7),
    ("keep (true;", 1, 11),
    (b"keep; \xff", 1, 7),
])
def test_syntax_error_positions(source: str | bytes, line: int, col: int) -> None:
    with pytest.raises(SieveSyntaxError) as info:
        parse(source)
    assert (info.value.pos.line, info.value.pos.col) == (line, col), str(info.value)


def test_multiline_string_crlf_and_dot_stuffing() -> None:
    tokens = tokenize("text:\r\n..x\r\n.y\r\n.\r\n")
    assert tokens[0].value == ".x\r\n.y\r\n" and tokens[0].multiline


def test_bracket_comment_spans_lines_and_counts_them() -> None:
    tokens = tokenize("/* a\nb\n*/ keep")
    assert tokens[0].pos.line == 3 and tokens[0].pos.col == 4


def test_latin1_script_accepted_when_not_strict() -> None:
    assert parse(b'keep; # caf\xe9\n', strict=False)[0].name == "keep"


def test_identifiers_and_tags_are_case_insensitive() -> None:
    tree = parse('IF HEADER :IS "a" "b" { KEEP; }')
    assert tree[0].name == "if" and tree[0].tests[0].name == "header"
