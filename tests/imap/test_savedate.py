"""SAVEDATE (RFC 8514): when each message was saved into its mailbox,
apart from the internal date an APPEND may set; FETCH SAVEDATE and the
SAVED* search keys."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript, RunningImap

from roost.imap import commands as c
from roost.imap.parse import Bad, parse_command
from roost.imap.wire import Line
from roost.search import query as q

OLD = '"05-Jan-2024 10:00:00 +0100"'


def _day(when: datetime) -> str:
    return f"{when.day}-{when.strftime('%b')}-{when.year}"


async def test_fetch_and_search_savedate(imap: ImapTranscript) -> None:
    """RFC 8514 §4.2, §4.3: an APPEND with an old internal date is saved now."""
    lines = await imap.command("CAPABILITY")
    assert "SAVEDATE" in lines[0].split()
    today = datetime.now(UTC)
    await imap.command(f"APPEND INBOX {OLD} {{15+}}\r\nSubject: 3\r\n\r\nc")
    await imap.select("INBOX")
    lines = await imap.command("FETCH 3 (SAVEDATE INTERNALDATE)")
    assert lines[0].startswith(f'* 3 FETCH (SAVEDATE "{today:%d-%b-%Y}'), lines
    assert 'INTERNALDATE "05-Jan-2024 09:00:00 +0000"' in lines[0], lines
    await imap.play(rf"""
        C: a1 SEARCH SAVEDON {_day(today)}
        S: * SEARCH 1 2 3
        S: a1 OK {{…}}
        C: a2 SEARCH SAVEDBEFORE {_day(today)}
        S: * SEARCH
        S: a2 OK {{…}}
        C: a3 SEARCH SAVEDSINCE {_day(today + timedelta(days=1))}
        S: * SEARCH
        S: a3 OK {{…}}
        C: a4 SEARCH BEFORE 1-Feb-2024 SAVEDSINCE 1-Feb-2024
        S: * SEARCH 3
        S: a4 OK {{…}}
        C: a5 SEARCH SAVEDATESUPPORTED
        S: * SEARCH 1 2 3
        S: a5 OK {{…}}
        C: a6 UID SEARCH RETURN (COUNT) NOT SAVEDATESUPPORTED
        S: * ESEARCH (TAG "a6") UID COUNT 0
        S: a6 OK {{…}}
        C: a7 SEARCH SAVEDON 31-Feb-2024
        S: a7 BAD {{…}}
        C: a8 FETCH 1 SAVEDATE.PEEK
        S: a8 BAD {{…}}
    """)


def _savedate(lines: list[str]) -> str:
    return next(x for x in lines if "SAVEDATE" in x).split('SAVEDATE "')[1].split('"')[0]


async def test_a_copy_is_saved_anew_and_the_original_keeps_its_date(
        imap: ImapTranscript) -> None:
    """RFC 8514 §3: COPY and MOVE give the new copy a new save date; the
    source's never changes while the message stays."""
    await imap.command("CREATE Archive")
    await imap.select("INBOX")
    before = _savedate(await imap.command("FETCH 1 SAVEDATE"))
    await asyncio.sleep(1.1)  # save dates have second resolution
    await imap.command("COPY 1 Archive")
    await imap.command("UID MOVE 2 Archive")
    assert _savedate(await imap.command("FETCH 1 SAVEDATE")) == before
    await imap.select("Archive")
    copied = _savedate(await imap.command("FETCH 1 SAVEDATE"))
    moved = _savedate(await imap.command("FETCH 2 SAVEDATE"))
    parse = "%d-%b-%Y %H:%M:%S %z"
    for later in (copied, moved):
        assert datetime.strptime(later, parse) > datetime.strptime(before, parse)


@pytest.mark.sqlite_only("a record from before SQLite schema 7, made with sqlite3")
async def test_a_record_from_before_save_dates_answers_nil(imap_server: RunningImap,
                                                            imap: ImapTranscript) -> None:
    """A record saved before Roost kept save dates (schema 7) has none:
    FETCH says NIL and the SAVED* keys use its internal date (§4.3)."""
    box = await imap_server.mailbox_id("user.bob")
    await imap.command(f"APPEND INBOX {OLD} {{15+}}\r\nSubject: 3\r\n\r\nc")
    db = sqlite3.connect(imap_server.ctx.store.database)
    try:
        with db:
            db.execute("UPDATE messages SET savedate = NULL WHERE mailbox_id = ? AND uid = 3",
                       (box,))
    finally:
        db.close()
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 FETCH 3 SAVEDATE
        S: * 3 FETCH (SAVEDATE NIL)
        S: a1 OK {…}
        C: a2 SEARCH SAVEDON 5-Jan-2024
        S: * SEARCH 3
        S: a2 OK {…}
    """)


_saved_keys = st.one_of(
    st.builds(q.SavedBefore, st.dates()), st.builds(q.SavedOn, st.dates()),
    st.builds(q.SavedSince, st.dates()), st.just(q.SaveDateSupported()))


@given(st.lists(_saved_keys, min_size=1, max_size=4))
def test_saved_keys_round_trip(keys: list[q.Key]) -> None:
    query = keys[0] if len(keys) == 1 else q.And(tuple(keys))
    wire = b"a SEARCH " + q.render(query).encode()
    assert parse_command(Line((wire,), ())) == c.Search("a", False, query)


@pytest.mark.parametrize("wire", [b"a SEARCH SAVEDON", b"a SEARCH SAVEDBEFORE 1-Foo-2024",
                                  b"a SEARCH SAVEDON 1-Jan-2024x", b"a SEARCH SAVEDSINCE x"])
def test_malformed_saved_keys_are_bad(wire: bytes) -> None:
    with pytest.raises(Bad):
        parse_command(Line((wire,), ()))
