"""The full-text engines (roost.store.sqlite.fts: FTS5; roost.store.postgres.fts:
pg_trgm), each test on both: a match is exactly the substring, the rebuild
swap, versions, FUZZY; and the extracted text they rely on."""

from __future__ import annotations

import asyncio
import sqlite3
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.search.engines import Engine
from tests.search.mail import message

from roost.message import parse_message
from roost.search.index.api import Document, FullTextIndex, Needle
from roost.search.index.extract import MAX_TEXT, TEXT_VERSION, document
from roost.store.postgres.fts import PgFtsIndex
from roost.store.sqlite.fts import FtsIndex

ALPHABET = st.sampled_from(list("abcAB é\"'*():-^\n\t.ßЖ請求") + ["\x00", "\U0001f600"])
texts = st.text(ALPHABET, max_size=30)


def doc(blob: str, body: str, header: str = "", fields: str = "") -> Document:
    return Document(blob, header, body, fields)


def add(index: FullTextIndex, owner: str, upto: int, docs: list[Document], mailbox_id: int = 1,
        rebuild: bool = False) -> None:
    """Index `docs` as UIDs 1, 2, ... of the mailbox."""
    places = [(n + 1, d.blob) for n, d in enumerate(docs)]
    index.add(owner, mailbox_id, upto, docs, places, rebuild=rebuild)


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bodies=st.lists(texts, min_size=1, max_size=5), needle=texts)
def test_a_match_is_exactly_the_substring(engine: Engine, bodies: list[str],
                                          needle: str) -> None:
    """For needles of three characters or more the match set is exactly
    the bodies holding the needle, less those kept without text (PostgreSQL
    text holds no NUL: such a body is searched directly); shorter needles
    (and NULs) are not answered."""
    index = engine.new()
    add(index, "bob", len(bodies), [doc(str(n), b) for n, b in enumerate(bodies)])
    answer = asyncio.run(index.lookup("bob", 1, [Needle("body", needle)]))
    index.close()
    assert answer is not None
    assert answer.unindexed <= {n + 1 for n, b in enumerate(bodies) if "\x00" in b}
    if engine.name == "sqlite":
        assert not answer.unindexed
    if len(needle) < 3 or "\x00" in needle:
        assert Needle("body", needle) not in answer.matches
    else:
        expected = {n + 1 for n, b in enumerate(bodies) if needle in b}
        assert answer.matches[Needle("body", needle)] == expected - answer.unindexed


def test_text_needle_is_header_or_body_never_across(engine: Engine) -> None:
    index = engine.new()
    add(index, "bob", 2, [doc("a", "tail", header="subject: head"), doc("b", "x", "y")])
    answer = asyncio.run(index.lookup("bob", 1, [Needle("text", "head"), Needle("text", "headtail"),
                                                 Needle("body", "head")]))
    assert answer is not None
    assert answer.matches == {Needle("text", "head"): {1}, Needle("text", "headtail"): set(),
                              Needle("body", "head"): set()}


def test_rebuild_is_invisible_until_swapped(engine: Engine) -> None:
    index = engine.new()
    add(index, "bob", 1, [doc("old", "hello")], mailbox_id=7)
    index.start_rebuild("bob")
    add(index, "bob", 5, [doc("x", "bye"), doc("new", "hello")], mailbox_id=7, rebuild=True)
    during = asyncio.run(index.lookup("bob", 7, [Needle("body", "hello")]))
    assert during is not None and (during.upto, list(during.matches.values())) == (1, [{1}])
    index.finish_rebuild("bob")
    after = asyncio.run(index.lookup("bob", 7, [Needle("body", "hello")]))
    assert after is not None and (after.upto, list(after.matches.values())) == (5, [{2}])


def test_missing_or_other_version_is_no_index(engine: Engine) -> None:
    index = engine.new()
    assert asyncio.run(index.lookup("bob", 1, [Needle("body", "abc")])) is None
    add(index, "bob", 1, [doc("a", "abc")])
    newer = engine.again(index, TEXT_VERSION + 1)
    assert asyncio.run(newer.lookup("bob", 1, [Needle("body", "abc")])) is None
    assert asyncio.run(newer.fuzzy("bob", 1, Needle("body", "abc"))) is None


def test_an_indexer_starts_another_versions_index_afresh(engine: Engine) -> None:
    """After an upgrade the rolling indexer refills an old file itself: its
    first write drops the old text and every mark, so a reader sees an
    empty (half-built) index of the current version, never the old text."""
    older = engine.new(TEXT_VERSION - 1)
    add(older, "bob", 1, [doc("a", "abc")])
    older.close()
    index = engine.again(older, TEXT_VERSION)
    assert asyncio.run(index.lookup("bob", 1, [Needle("body", "abc")])) is None
    assert index.known("bob", ["a"]) == set()  # the first write: afresh
    answer = asyncio.run(index.lookup("bob", 1, [Needle("body", "abc")]))
    assert answer is not None and answer.upto == 0 and not answer.matches[Needle("body", "abc")]
    add(index, "bob", 1, [doc("a", "abc")])
    answer = asyncio.run(index.lookup("bob", 1, [Needle("body", "abc")]))
    assert answer is not None and answer.matches[Needle("body", "abc")] == {1}


def test_owner_ids_become_safe_file_names(engine: Engine) -> None:
    index = engine.new()
    for owner in ("bob@example.com", "../evil", "%shared", "a/b"):
        add(index, owner, 1, [doc("a", "abc")])
    assert sorted(index.owners()) == sorted(("bob@example.com", "../evil", "%shared", "a/b"))
    assert all(index.size(owner) > 0 for owner in index.owners())
    if isinstance(index, FtsIndex):
        assert all(p.parent == index.root for p in index.root.iterdir())


def test_unindexable_body_is_reported(engine: Engine) -> None:
    index = engine.new()
    raw = message("s", "x" * (MAX_TEXT + 1), 0)
    big = document("big", raw, parse_message(raw))
    assert not big.exact
    add(index, "bob", 1, [big])
    answer = asyncio.run(index.lookup("bob", 1, [Needle("body", "xxx")]))
    assert answer is not None and answer.unindexed == {1}


def test_index_text_is_pinned() -> None:
    """If this changes, bump TEXT_VERSION: old indexes hold the old text."""
    raw = message("Grüße café", "Hello\nline <b>", 4)
    got = document("k", raw, parse_message(raw))
    assert (got.header, got.body, got.fields) == tuple(unicodedata.normalize("NFKD", text) for text in (
        ("from: jürgen <j@example.com>\nto: bob@example.com\nsubject: grüsse café\n"
        "mime-version: 1.0\ncontent-type: multipart/mixed; boundary=\"b\""),
        "hello\r\nline <b>\nhello line ",
        "jürgen <j@example.com>\nbob@example.com\ngrüsse café\n1.0\nmultipart/mixed; boundary=\"b\""))
    assert TEXT_VERSION == 5


def test_fuzzy_ranks_stemmed_words(engine: Engine) -> None:
    index = engine.new()
    add(index, "bob", 3, [doc("a", "running running runs"), doc("b", "he runs"),
                          doc("c", "walking")])
    ranked = asyncio.run(index.fuzzy("bob", 1, Needle("body", "run")))
    assert ranked is not None
    assert set(ranked.scores) == {1, 2} and ranked.scores[1] == 100
    assert 1 <= ranked.scores[2] <= 100
    header = asyncio.run(index.fuzzy("bob", 1, Needle("header", "run")))
    assert header is not None and header.scores == {}  # the body is not the header
    assert sqlite3.sqlite_version_info >= (3, 34)  # trigram tokenizer


def test_a_damaged_index_file_is_no_index(tmp_path: Path) -> None:
    """SEARCH never fails for the index: a file that is not a database
    answers None (search without it), logged for squatter to rebuild."""
    index = FtsIndex(tmp_path, TEXT_VERSION)
    add(index, "bob", 1, [doc("a", "abc")])
    index.close()
    index.path("bob").write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        index.path("bob").with_name(index.path("bob").name + suffix).unlink(missing_ok=True)
    assert asyncio.run(index.lookup("bob", 1, [Needle("body", "abc")])) is None
    assert asyncio.run(index.fuzzy("bob", 1, Needle("body", "abc"))) is None


def test_an_unreachable_database_is_no_index() -> None:
    """The PostgreSQL engine's damaged file: a database it cannot reach
    answers None (SEARCH scans), logged, never an error."""
    index = PgFtsIndex("host=/nonexistent/roost dbname=roost connect_timeout=2", TEXT_VERSION)
    assert asyncio.run(index.lookup("bob", 1, [Needle("body", "abc")])) is None
    assert asyncio.run(index.fuzzy("bob", 1, Needle("body", "abc"))) is None


def test_field_needles_are_exact_only_in_their_own_column(engine: Engine) -> None:
    """FTS5 answers SUBJECT..BCC needles from the field's own column, exactly
    (a match inside one Subject value, never across two, nor in another
    field); a needle with a newline, another field, and every header needle
    on PostgreSQL (one text for all fields) are a superset to confirm."""
    subjects, froms = "hello world\nabc def", "jürgen <j@example.com>"
    index = engine.new()
    add(index, "bob", 2, [
        Document("a", "", "", f"{subjects}\n{froms}", by_field=(subjects, froms, "", "", "")),
        Document("b", "", "", "abc def", by_field=("", "", "abc def", "", ""))])
    asked = [Needle("header", "abc", "subject"), Needle("header", "world\nabc", "subject"),
             Needle("header", "abc", "received"), Needle("header", "j@ex", "from"),
             Needle("header", "ld ab", "subject")]
    answer = asyncio.run(index.lookup("bob", 1, asked))
    index.close()
    assert answer is not None
    exact = {0, 3, 4} if engine.name == "sqlite" else set()
    assert answer.exact == {asked[n] for n in exact}
    assert answer.matches[asked[0]] == ({1} if engine.name == "sqlite" else {1, 2})
    assert answer.matches[asked[1]] == {1}  # the superset: all fields together
    assert answer.matches[asked[2]] == {1, 2}
    assert answer.matches[asked[3]] == {1}
    assert not answer.matches[asked[4]]  # "world" and "abc" are two values apart
