"""Comparators and match types (RFC 4790, RFC 5228 §2.7), and run-time robustness."""

from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from roost.sieve import DefaultHost, Envelope, Keep, compile_script, evaluate
from roost.sieve.compare import glob_regex, match_any, numeric, order

TEXT = st.text(max_size=30)


@given(TEXT)
def test_is_matches_itself_under_every_comparator(value: str) -> None:
    for comparator in ("i;octet", "i;ascii-casemap", "i;unicode-casemap", "i;ascii-numeric"):
        assert match_any([value], [value], ":is", comparator)[0]


@given(TEXT, TEXT)
def test_contains_agrees_with_python_for_octet(value: str, key: str) -> None:
    assert match_any([value], [key], ":contains", "i;octet")[0] == (key in value)


@given(TEXT)
def test_star_matches_everything_and_captures_it(value: str) -> None:
    ok, groups = match_any([value], ["*"], ":matches", "i;octet")
    assert ok and groups == [value, value]


@given(st.text(alphabet="ab*?\\", max_size=10), st.text(alphabet="ab*?", max_size=10))
def test_glob_never_raises(pattern: str, value: str) -> None:
    glob_regex(pattern).match(value)


@given(TEXT, TEXT)
def test_ascii_casemap_ignores_ascii_case_only(a: str, b: str) -> None:
    assert match_any([a.upper()], [a.lower()], ":is", "i;ascii-casemap")[0] == (
        a.upper().translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))
        == a.lower().translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")))


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_ascii_numeric_orders_numbers(a: int, b: int) -> None:
    assert order(str(a), str(b), "i;ascii-numeric") == (a > b) - (a < b)


def test_ascii_numeric_edge_cases() -> None:
    assert numeric("007abc") == 7
    assert numeric("abc") == float("inf")
    assert match_any(["abc"], ["xyz"], ":is", "i;ascii-numeric")[0]  # both infinity: equal


def test_unicode_casemap_folds_non_ascii() -> None:
    assert match_any(["ÉTÉ"], ["été"], ":is", "i;unicode-casemap")[0]
    assert not match_any(["ÉTÉ"], ["été"], ":is", "i;ascii-casemap")[0]


def test_count_counts_values() -> None:
    assert match_any(["a", "b", "c"], ["3"], ":count", "i;ascii-numeric", "eq")[0]
    assert match_any([], ["0"], ":count", "i;ascii-numeric", "eq")[0]


ROBUST = compile_script("""
require ["body", "date", "index", "relational", "variables", "mime", "foreverypart",
         "extracttext", "editheader", "fileinto", "subaddress", "regex", "duplicate"];
if address :detail :matches ["From", "To", "Cc"] "*" { set "d" "${1}"; }
if header :regex "Subject" "(.*)" { set "s" "${1}"; }
if body :text :contains "x" { fileinto "x"; }
if body :raw :contains "y" { fileinto "y"; }
if date :index 1 "date" "year" "2024" { fileinto "y2024"; }
if duplicate { discard; }
foreverypart { extracttext :first 10 "t"; if header :mime :anychild :param "name" "Content-Type" "a" { keep; } }
deleteheader "Subject";
addheader "X-Seen" "${s}";
if header :count "gt" ["Received"] "3" { fileinto "many"; }
""")


@given(st.binary(max_size=600))
@settings(max_examples=200, deadline=None)
def test_any_message_bytes_give_an_outcome(raw: bytes) -> None:
    outcome = asyncio.run(evaluate(ROBUST, raw, Envelope("a+b@c", "d@e"), DefaultHost()))
    assert outcome.actions


@given(st.lists(st.sampled_from([
    b"From: =?utf-8?B?w6k=?= <a+b@example.com>\r\n", b"Content-Type: multipart/mixed; boundary=B\r\n",
    b"--B\r\n", b"Content-Type: text/plain; charset=bogus\r\n", b"\r\n", b"x y\r\n", b"--B--\r\n",
    b"Date: Tue, 1 Apr 1997 09:06:31 -9999\r\n", b"Subject: \xff\xfe\r\n",
    b"Content-Transfer-Encoding: base64\r\n", b"!!!\r\n", b"Received: x; garbage\r\n",
]), max_size=25).map(b"".join))
@settings(max_examples=200, deadline=None)
def test_mime_looking_messages_give_an_outcome(raw: bytes) -> None:
    outcome = asyncio.run(evaluate(ROBUST, raw, Envelope(), DefaultHost()))
    assert outcome.actions


async def test_runtime_error_falls_back_to_keep() -> None:
    program = compile_script('require ["variables"]; set "to" "nobody"; redirect "${to}"; discard;')
    outcome = await evaluate(program, b"Subject: x\r\n\r\n", Envelope(), DefaultHost())
    assert outcome.actions == [Keep(implicit=True)] and "not a valid email address" in outcome.errors[0]
