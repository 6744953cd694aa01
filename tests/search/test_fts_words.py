"""The FTS5 index's word path (roost.store.sqlite.fts_words) gives the
trigram table's answer, the substring answer (RFC 9051 §6.4.4), for the
needles it takes, and hands the others back to the trigram table."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roost.search.evaluate import fold
from roost.search.index.api import Document, Needle
from roost.search.index.extract import TEXT_VERSION
from roost.store.sqlite import fts_words
from roost.store.sqlite.fts import FtsIndex

pytestmark = pytest.mark.sqlite_only("the word path is the FTS5 engine's")

# Word characters, capitals (folded text keeps those NFKD makes: "℡" is
# "TEL"), separators, non-ASCII punctuation (a token character to FTS5).
ALPHABET = st.sampled_from(list("abeltAELT -.,_\n«»—ж請") + ["e\u0301", "\u2121"])
texts = st.lists(ALPHABET, max_size=25).map("".join)


def lookup(bodies: list[str], needles: list[str]) -> tuple[dict[str, set[int]], FtsIndex]:
    """Index `bodies` folded (as the indexer gives them) as UIDs 1..n and
    look the needles up folded (as SEARCH does)."""
    index = FtsIndex(Path(tempfile.mkdtemp()), TEXT_VERSION)
    docs = [Document(str(n), "", fold(b), "") for n, b in enumerate(bodies)]
    index.add("bob", 1, len(docs), docs, [(n + 1, d.blob) for n, d in enumerate(docs)])
    answer = asyncio.run(index.lookup("bob", 1, [Needle("body", fold(n)) for n in needles]))
    assert answer is not None
    return {n: set(answer.matches[Needle("body", fold(n))]) for n in needles}, index


def word_path(index: FtsIndex, needle: str) -> str | None:
    db = sqlite3.connect(index.path("bob"))
    try:
        return fts_words.match(db, "body", fold(needle))
    finally:
        db.close()


@settings(max_examples=300, deadline=None)
@given(bodies=st.lists(texts, min_size=1, max_size=6), needle=texts)
def test_word_path_answers_exactly_the_substring(bodies: list[str], needle: str) -> None:
    if len(fold(needle)) < 3:
        return
    found, index = lookup(bodies, [needle])
    index.close()
    assert found[needle] == {n + 1 for n, b in enumerate(bodies) if fold(needle) in fold(b)}


def test_a_capital_is_not_folded_into_a_word() -> None:
    """fold("℡x") is "TELx": the word "telx" is not in it, "x℡" holds no
    "xte"; a word beside the capitals is found."""
    found, index = lookup(["\u2121x", "x\u2121", "abc\u2121"], ["telx", "xte", "abc"])
    assert found == {"telx": set(), "xte": set(), "abc": {3}}
    assert word_path(index, "telx") == ""  # decided by the words, not the trigrams
    index.close()


def test_words_glued_to_other_characters_are_found() -> None:
    found, index = lookup(["premeetings", "meeting—today", "meet ing", "MEETING."],
                          ["meeting", "eeti"])
    assert found == {"meeting": {1, 2, 4}, "eeti": {1, 2, 4}}
    assert word_path(index, "meeting") not in (None, "")
    index.close()


def test_a_needle_with_a_separator_goes_to_the_trigrams() -> None:
    found, index = lookup(["meet ing", "meeting"], ["meet ing"])
    assert found == {"meet ing": {1}}
    assert word_path(index, "meet ing") is None
    index.close()


def test_a_needle_in_too_many_words_goes_to_the_trigrams() -> None:
    bodies = [f"abc{n:04d}" for n in range(fts_words.MAX_TERMS + 1)]
    found, index = lookup(bodies, ["abc"])
    assert found == {"abc": set(range(1, len(bodies) + 1))}
    assert word_path(index, "abc") is None
    index.close()


def test_long_tokens_sharing_what_fts5_keeps_stay_apart() -> None:
    """FTS5 cuts tokens at 32,768 bytes: two long tokens alike that far are
    one word to it, so a needle held by a long token goes to the trigrams."""
    head = "ж" * 16_384  # 32,768 bytes
    found, index = lookup([head + "needle", head + "other"], ["needle"])
    assert found == {"needle": {1}}
    assert word_path(index, "needle") is None
    index.close()


@pytest.mark.parametrize("older", [
    "DELETE FROM meta WHERE key = 'layout'",  # before the word path: layout 1
    "UPDATE meta SET value = '2' WHERE key = 'layout'",  # before the field columns
])
def test_an_index_of_an_old_layout_is_no_index(tmp_path: Path, older: str) -> None:
    """A file of an older layout is another version: a reader ignores it,
    the first writer starts it afresh, with the current tables."""
    index = FtsIndex(tmp_path, TEXT_VERSION)
    docs = [Document("a", "", "hello", "", by_field=("hello", "", "", "", ""))]
    index.add("bob", 1, 1, docs, [(1, "a")])
    index.close()
    db = sqlite3.connect(index.path("bob"))
    db.execute(older)
    db.commit()
    db.close()
    subject = Needle("header", "hello", "subject")
    assert asyncio.run(index.lookup("bob", 1, [Needle("body", "hello")])) is None
    assert index.known("bob", ["a"]) == set()  # started afresh
    answer = asyncio.run(index.lookup("bob", 1, [Needle("body", "hello")]))
    assert answer is not None and answer.upto == 0
    index.add("bob", 1, 1, docs, [(1, "a")])
    answer = asyncio.run(index.lookup("bob", 1, [subject]))
    assert answer is not None and answer.matches[subject] == {1} and subject in answer.exact
    index.close()
