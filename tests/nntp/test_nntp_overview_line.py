"""One OVER line (RFC 3977 §8.3.2): eight TAB-separated items whatever
the fields hold; TAB, CR, LF (and NUL) inside a field become spaces."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from tests.nntp.conftest import RunningNntp

from roost.nntp.overview import OverviewCache, overview_line
from roost.store.api import MessageRecord, MessageSummary

NAMES = ("subject", "from", "date", "message-id", "references")
#: Latin-1 text, with the characters that must not survive weighted in.
VALUES = st.text(st.sampled_from("ab .\t\r\n\0\xe9") | st.characters(max_codepoint=255),
                 max_size=30)
RECORD = MessageRecord(uid=7, modseq=1, flags=frozenset(),
                       internaldate=datetime(2024, 1, 1, tzinfo=UTC), size=1234, blob="x")


def cleaned(value: str) -> bytes:
    return value.encode("latin-1").translate(bytes.maketrans(b"\t\r\n\0", b"    "))


@given(st.dictionaries(st.sampled_from(NAMES), VALUES), st.integers(0, 10**6))
def test_overview_line_has_eight_clean_items(fields: dict[str, str], lines: int) -> None:
    summary = MessageSummary(lines, tuple(fields.items()))
    items = overview_line(42, RECORD, summary).split(b"\t")
    assert items == [b"42", *(cleaned(fields.get(name, "")) for name in NAMES),
                     b"1234", str(lines).encode()]


def test_a_field_with_tabs_and_a_nul() -> None:
    summary = MessageSummary(3, (("subject", "a\tb\0c"), ("from", "x\r\n y")))
    assert overview_line(1, RECORD, summary) == b"1\ta b c\tx   y\t\t\t\t1234\t3"


async def test_the_cache_gives_the_same_lines_and_stays_bounded(nntp_server: RunningNntp) -> None:
    store = nntp_server.ctx.store
    records = await store.messages((await store.get_mailbox("news.test.one")).id)
    summaries = await store.summaries_many([rec.blob for rec in records])
    expected = [overview_line(rec.uid, rec, summaries[rec.blob]) for rec in records]
    cache = OverviewCache(size=2)
    wanted = [(rec.uid, rec) for rec in records]
    assert await cache.lines(store, wanted) == expected
    assert len(cache) == 2  # the last two used
    assert await cache.lines(store, wanted) == expected
    assert await cache.lines(store, [(9, records[0])]) == [
        b"9\t" + expected[0].split(b"\t", 1)[1]]  # the same body under another number
