"""SEARCH: key table, RETURN/CHARSET, malformed input, render round trip."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.imap import commands as c
from roost.imap.parse import Bad, parse_command
from roost.imap.parse_search import MAX_DEPTH, UnknownCharset
from roost.imap.sequence import STAR, SequenceSet
from roost.imap.wire import Line
from roost.search import query as q

S = SequenceSet.parse


def parse(text: bytes, literals: tuple[bytes, ...] = ()) -> c.Command:
    chunks = tuple(text.split(b"\n"))
    return parse_command(Line(chunks, literals))


def key(text: bytes) -> q.Key:
    cmd = parse(b"a SEARCH " + text)
    assert isinstance(cmd, c.Search)
    return cmd.query


KEYS = [
    (b"ALL", q.All()),
    (b"answered", q.Flag("\\Answered")),
    (b"UNANSWERED", q.Flag("\\Answered", False)),
    (b"DELETED", q.Flag("\\Deleted")),
    (b"UNDELETED", q.Flag("\\Deleted", False)),
    (b"DRAFT", q.Flag("\\Draft")),
    (b"UNDRAFT", q.Flag("\\Draft", False)),
    (b"FLAGGED", q.Flag("\\Flagged")),
    (b"UNFLAGGED", q.Flag("\\Flagged", False)),
    (b"SEEN", q.Flag("\\Seen")),
    (b"UNSEEN", q.Flag("\\Seen", False)),
    (b"RECENT", q.Flag("\\Recent")),
    (b"OLD", q.Flag("\\Recent", False)),
    (b"NEW", q.And((q.Flag("\\Recent"), q.Flag("\\Seen", False)))),
    (b"KEYWORD $Junk", q.Keyword("$Junk")),
    (b"UNKEYWORD foo", q.Keyword("foo", False)),
    (b"BEFORE 1-Feb-1994", q.Before(date(1994, 2, 1))),
    (b'ON "01-feb-1994"', q.On(date(1994, 2, 1))),
    (b"SINCE 29-Feb-2024", q.Since(date(2024, 2, 29))),
    (b"SENTBEFORE 1-Jan-2000", q.SentBefore(date(2000, 1, 1))),
    (b"SENTON 1-Jan-2000", q.SentOn(date(2000, 1, 1))),
    (b"SENTSINCE 1-Jan-2000", q.SentSince(date(2000, 1, 1))),
    (b"FROM bob", q.Header("From", "bob")),
    (b'TO "a b"', q.Header("To", "a b")),
    (b"CC x", q.Header("Cc", "x")),
    (b"BCC x", q.Header("Bcc", "x")),
    (b"SUBJECT x", q.Header("Subject", "x")),
    (b'HEADER Message-ID ""', q.Header("Message-ID", "")),
    (b"BODY x", q.Body("x")),
    (b"TEXT x", q.Text("x")),
    (b"LARGER 100", q.Larger(100)),
    (b"SMALLER 9223372036854775807", q.Smaller(2**63 - 1)),
    (b"UID 1:*", q.Uid(SequenceSet(((1, STAR),)))),
    (b"1,3:5", q.SeqSet(S("1,3:5"))),
    (b"$", q.SeqSet(S("$"))),
    (b"MODSEQ 5", q.ModSeq(5)),
    (b'MODSEQ "/flags/\\\\Seen" all 7', q.ModSeq(7, "/flags/\\Seen", "all")),
    (b"OLDER 60", q.Older(60)),
    (b"YOUNGER 60", q.Younger(60)),
    (b"NOT SEEN", q.Not(q.Flag("\\Seen"))),
    (b"OR SEEN (FLAGGED)", q.Or(q.Flag("\\Seen"), q.Flag("\\Flagged"))),
    (b"(SEEN FLAGGED)", q.And((q.Flag("\\Seen"), q.Flag("\\Flagged")))),
    (b"SEEN FLAGGED", q.And((q.Flag("\\Seen"), q.Flag("\\Flagged")))),
]


@pytest.mark.parametrize(("wire", "query"), KEYS)
def test_keys(wire: bytes, query: q.Key) -> None:
    assert key(wire) == query


def test_uid_search_with_return_and_charset() -> None:
    cmd = parse(b"a UID SEARCH RETURN (MIN COUNT save) CHARSET ISO-8859-1 TEXT {1}\n",
                (b"\xe9",))
    assert cmd == c.Search("a", True, q.Text("é"), "ISO-8859-1",
                           frozenset({"MIN", "COUNT", "SAVE"}))


def test_return_empty_means_all() -> None:
    assert parse(b"a SEARCH RETURN () ALL") == c.Search("a", False, q.All(), None,
                                                      frozenset({"ALL"}))


def test_utf8_quoted_without_charset() -> None:
    assert key('SUBJECT "grüße"'.encode()) == q.Header("Subject", "grüße")


def test_unknown_charset_is_its_own_error() -> None:
    with pytest.raises(UnknownCharset) as exc:
        parse(b"t7 SEARCH CHARSET X-NOPE ALL")
    assert (exc.value.tag, exc.value.charset) == ("t7", "X-NOPE")
    with pytest.raises(UnknownCharset):
        parse(b"t7 SEARCH CHARSET rot13 ALL")


BAD = [
    b"a SEARCH",
    b"a SEARCH FROB",
    b"a SEARCH FROM",
    b"a SEARCH (SEEN",
    b"a SEARCH SEEN)",
    b"a SEARCH ()",
    b"a SEARCH OR SEEN",
    b"a SEARCH BEFORE 31-Feb-2020",
    b"a SEARCH BEFORE 1-Foo-2020",
    b"a SEARCH LARGER x",
    b"a SEARCH RETURN (FROB) ALL",
    b"a SEARCH MODSEQ \"x\" bogus 5",
    b"a SEARCH 0",
    b"a SEARCH CHARSET US-ASCII TEXT \"\xff\"",
    b"a SEARCH " + b"NOT " * (MAX_DEPTH + 2) + b"ALL",
    b"a SEARCH " + b"(" * 5000 + b"ALL" + b")" * 5000,
]


@pytest.mark.parametrize("wire", BAD)
def test_bad(wire: bytes) -> None:
    with pytest.raises(Bad) as exc:
        parse(wire)
    assert exc.value.tag == "a"


def _text() -> st.SearchStrategy[str]:
    return st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x00"), max_size=10)


_seq = st.lists(
    st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1)), min_size=1, max_size=3
).map(lambda rs: SequenceSet(tuple(rs)))
_day = st.dates(min_value=date(1000, 1, 1))
_atom = st.from_regex(r"[A-Za-z$][A-Za-z0-9$_.-]{0,8}", fullmatch=True)
_leaf: st.SearchStrategy[q.Key] = st.one_of(
    st.just(q.All()),
    st.sampled_from([q.Flag(f, p) for f, p in q.FLAG_KEYS.values()]),
    st.builds(q.Keyword, _atom, st.booleans()),
    st.builds(q.Before, _day), st.builds(q.On, _day), st.builds(q.Since, _day),
    st.builds(q.SentBefore, _day), st.builds(q.SentOn, _day), st.builds(q.SentSince, _day),
    st.builds(q.Header, _text(), _text()),
    st.builds(q.Body, _text()), st.builds(q.Text, _text()),
    st.builds(q.Larger, st.integers(0, 2**63 - 1)),
    st.builds(q.Smaller, st.integers(0, 2**63 - 1)),
    st.builds(q.Uid, _seq), st.builds(q.SeqSet, _seq),
    st.builds(q.ModSeq, st.integers(0, 2**63 - 1)),
    st.builds(q.ModSeq, st.integers(0, 2**63 - 1), _text(),
              st.sampled_from(["priv", "shared", "all"])),
    st.builds(q.Older, st.integers(1, 2**32 - 1)),
    st.builds(q.Younger, st.integers(1, 2**32 - 1)),
)
keys = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.builds(q.Not, inner),
        st.builds(q.Or, inner, inner),
        st.lists(inner, min_size=2, max_size=4).map(lambda ks: q.And(tuple(ks))),
    ),
    max_leaves=12,
)


@given(keys)
def test_render_round_trip(query: q.Key) -> None:
    assert key(q.render(query).encode()) == query
