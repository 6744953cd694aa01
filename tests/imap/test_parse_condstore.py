"""The CONDSTORE/QRESYNC grammar (RFC 7162 §7): wire -> command tables, a
hypothesis round trip, malformed input (BAD, the connection usable, the
store unchanged)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript, RunningImap, connect

from roost.imap import commands as c
from roost.imap.parse import Bad, parse_command
from roost.imap.sequence import SequenceSet
from roost.imap.wire import Line
from roost.search import query as q

S = SequenceSet.parse
MODSEQ_MAX = 2**63 - 1


def parse(text: bytes) -> c.Command:
    return parse_command(Line((text,), ()))


def select(qresync: c.QResync | None = None, condstore: bool = False) -> c.Select:
    return c.Select("a", "INBOX", False, condstore, qresync)


TABLE = [
    (b"a SELECT INBOX (QRESYNC (7 0))", select(c.QResync(7, 0, None, None))),
    (b"a SELECT INBOX (qresync (7 9 1:*))", select(c.QResync(7, 9, S("1:*"), None))),
    (b"a SELECT INBOX (QRESYNC (7 9 (1,5 3,9)))",
     select(c.QResync(7, 9, None, (S("1,5"), S("3,9"))))),
    (b"a SELECT INBOX (CONDSTORE QRESYNC (7 9 1:5))",
     select(c.QResync(7, 9, S("1:5"), None), condstore=True)),
    (b"a SELECT INBOX (QRESYNC (4294967295 9223372036854775807 1))",
     select(c.QResync(2**32 - 1, MODSEQ_MAX, S("1"), None))),
    (b"a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 5 VANISHED)",
     c.Fetch("a", True, S("1:*"), (c.FetchAttr("FLAGS"),), 5, True)),
    (b"a UID FETCH 1 UID (vanished changedsince 5)",
     c.Fetch("a", True, S("1"), (c.FetchAttr("UID"),), 5, True)),
    (b"a FETCH 1 (MODSEQ)", c.Fetch("a", False, S("1"), (c.FetchAttr("MODSEQ"),))),
    (b"a STORE 1 (UNCHANGEDSINCE 0) +FLAGS.SILENT (\\Seen)",
     c.Store("a", False, S("1"), "+", True, ("\\Seen",), 0)),
    (b"a UID STORE 1:3 (unchangedsince 9223372036854775807) FLAGS x",
     c.Store("a", True, S("1:3"), "", False, ("x",), MODSEQ_MAX)),
    (b"a SEARCH MODSEQ 0", c.Search("a", False, q.ModSeq(0))),
    (b'a SEARCH MODSEQ "/flags/\\\\draft" all 620162338',
     c.Search("a", False, q.ModSeq(620162338, "/flags/\\draft", "all"))),
    (b"a ENABLE QRESYNC CONDSTORE", c.Enable("a", ("QRESYNC", "CONDSTORE"))),
    (b"a STATUS INBOX (HIGHESTMODSEQ)", c.Status("a", "INBOX", ("HIGHESTMODSEQ",))),
]


@pytest.mark.parametrize(("wire", "command"), TABLE)
def test_parses(wire: bytes, command: c.Command) -> None:
    assert parse(wire) == command


BAD = [
    b"a SELECT INBOX (QRESYNC)",
    b"a SELECT INBOX (QRESYNC ())",
    b"a SELECT INBOX (QRESYNC (0 5))",  # uidvalidity is nz-number
    b"a SELECT INBOX (QRESYNC (7))",
    b"a SELECT INBOX (QRESYNC (7 x))",
    b"a SELECT INBOX (QRESYNC (7 9223372036854775808))",  # past 63 bits
    b"a SELECT INBOX (QRESYNC (7 5 $))",
    b"a SELECT INBOX (QRESYNC (7 5 1:3 (1:* 1:3)))",
    b"a SELECT INBOX (QRESYNC (7 5 1:3 (1 $)))",
    b"a SELECT INBOX (QRESYNC (7 5 1:3 (1)))",
    b"a SELECT INBOX (QRESYNC (7 5 1:3 (1 2)",
    b"a SELECT INBOX (QRESYNC (7 5) QRESYNC (7 5))",
    b"a SELECT INBOX QRESYNC (7 5)",
    b"a UID FETCH 1 FLAGS (CHANGEDSINCE 0)",
    b"a UID FETCH 1 FLAGS (CHANGEDSINCE)",
    b"a UID FETCH 1 FLAGS (CHANGEDSINCE 5 CHANGEDSINCE 6)",
    b"a UID FETCH 1 FLAGS (VANISHED)",
    b"a UID FETCH 1 FLAGS (CHANGEDSINCE 5 VANISHED VANISHED)",
    b"a FETCH 1 FLAGS (CHANGEDSINCE 5 VANISHED)",
    b"a UID FETCH 1 FLAGS (CHANGEDSINCE -1)",
    b"a UID FETCH 1 FLAGS CHANGEDSINCE 5",
    b"a STORE 1 (UNCHANGEDSINCE) +FLAGS (x)",
    b"a STORE 1 (UNCHANGEDSINCE 5 +FLAGS (x)",
    b"a STORE 1 (CHANGEDSINCE 5) +FLAGS (x)",
    b"a STORE 1 (UNCHANGEDSINCE 9223372036854775808) +FLAGS (x)",
    b"a SEARCH MODSEQ",
    b"a SEARCH MODSEQ x",
    b'a SEARCH MODSEQ "/flags/\\\\seen" everyone 5',
    b'a SEARCH MODSEQ "/flags/\\\\seen" all',
]


@pytest.mark.parametrize("wire", BAD)
def test_bad(wire: bytes) -> None:
    with pytest.raises(Bad) as err:
        parse(wire)
    assert err.value.tag == "a"


# -- round trip: render a value, parse it back ---------------------------------

numbers = st.integers(min_value=1, max_value=2**32 - 1)
ranges = st.tuples(numbers, numbers)
plain_sets = st.lists(ranges, min_size=1, max_size=4).map(lambda r: SequenceSet(tuple(r)))
modseqs = st.integers(min_value=0, max_value=MODSEQ_MAX)
qresyncs = st.builds(c.QResync, numbers, modseqs, st.none() | plain_sets,
                     st.none() | st.tuples(plain_sets, plain_sets))


def render_qresync(value: c.QResync) -> bytes:
    parts = [str(value.uidvalidity), str(value.modseq)]
    if value.known_uids is not None:
        parts.append(value.known_uids.render())
    if value.seq_match is not None:
        parts.append(f"({value.seq_match[0].render()} {value.seq_match[1].render()})")
    return f"({' '.join(parts)})".encode()


@given(qresyncs, st.booleans(), st.booleans())
def test_select_round_trip(value: c.QResync, condstore: bool, readonly: bool) -> None:
    params = (b"CONDSTORE " if condstore else b"") + b"QRESYNC " + render_qresync(value)
    verb = b"EXAMINE" if readonly else b"SELECT"
    assert parse(b"a " + verb + b" INBOX (" + params + b")") == c.Select(
        "a", "INBOX", readonly, condstore, value)


@given(plain_sets, st.integers(min_value=1, max_value=MODSEQ_MAX), st.booleans())
def test_fetch_modifier_round_trip(uids: SequenceSet, since: int, vanished: bool) -> None:
    mods = f"(CHANGEDSINCE {since}{' VANISHED' if vanished else ''})".encode()
    wire = b"a UID FETCH " + uids.render().encode() + b" (FLAGS) " + mods
    assert parse(wire) == c.Fetch("a", True, uids, (c.FetchAttr("FLAGS"),), since, vanished)


@given(plain_sets, modseqs, st.sampled_from(["+", "-", ""]), st.booleans())
def test_store_modifier_round_trip(seqs: SequenceSet, since: int, mode: c.StoreMode,
                                   silent: bool) -> None:
    att = f"{mode}FLAGS{'.SILENT' if silent else ''}"
    wire = f"a STORE {seqs.render()} (UNCHANGEDSINCE {since}) {att} (\\Seen)".encode()
    assert parse(wire) == c.Store("a", False, seqs, mode, silent, ("\\Seen",), since)


@given(modseqs, st.sampled_from(["priv", "shared", "all"]))
def test_search_modseq_round_trip(modseq: int, entry_type: str) -> None:
    key = q.ModSeq(modseq, "/flags/$Junk", entry_type)
    assert parse(b"a SEARCH " + q.render(key).encode()) == c.Search("a", False, key)


_PIECES = [b"(", b")", b" ", b"QRESYNC", b"CHANGEDSINCE", b"UNCHANGEDSINCE", b"VANISHED",
           b"MODSEQ", b"1", b"0", b"*", b"$", b":", b",", b"9223372036854775808", b'"x"']


@given(st.lists(st.sampled_from(_PIECES), max_size=12),
       st.sampled_from([b"a SELECT INBOX ", b"a UID FETCH 1 FLAGS ", b"a STORE 1 ",
                        b"a SEARCH MODSEQ "]))
def test_mangled_modifiers_give_bad_or_a_command(pieces: list[bytes], head: bytes) -> None:
    try:
        parse(head + b"".join(pieces))
    except Bad:
        pass


# -- over the wire: BAD, the session goes on, nothing changed ------------------

MALFORMED = [
    "SELECT INBOX (QRESYNC (1 2 (1:* 1)))",
    "UID FETCH 1:* FLAGS (CHANGEDSINCE 0 VANISHED)",
    "FETCH 1:* FLAGS (CHANGEDSINCE 3 VANISHED)",
    "STORE 1 (UNCHANGEDSINCE x) +FLAGS (\\Deleted)",
    "UID STORE 1:2 (UNCHANGEDSINCE 1 2) FLAGS (\\Deleted)",
    'SEARCH MODSEQ "/flags/\\\\draft" nobody 1',
]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(MALFORMED), st.binary(max_size=20).filter(
    lambda b: b"\r" not in b and b"\n" not in b and b"{" not in b))
async def test_malformed_commands_leave_session_and_store_as_they_were(
        imap_server: RunningImap, command: str, junk: bytes) -> None:
    client = await connect(imap_server)
    try:
        await client.command("ENABLE QRESYNC")
        await client.select("INBOX")
        inbox = await imap_server.mailbox_id("user.bob")
        before = await imap_server.ctx.store.status(inbox)
        await client.send(b"m1 " + command.encode() + junk + b"\r\n")
        reply = await client.readline()
        assert reply.startswith(("m1 BAD", "* BAD")), reply
        await client.play(r"""
            C: m2 FETCH 1 (FLAGS)
            S: * 1 FETCH (FLAGS ({…}))
            S: m2 OK {…}
        """)
        assert await imap_server.ctx.store.status(inbox) == before
    finally:
        await client.close()


async def test_qresync_bad_keeps_the_selected_mailbox(imap: ImapTranscript) -> None:
    """RFC 7162 §3.2.5: a BAD QRESYNC leaves the selection as it was."""
    await imap.command("ENABLE QRESYNC")
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 SELECT INBOX (QRESYNC (1 2 $))
        S: a1 BAD {…}
        C: a2 FETCH 2 (UID)
        S: * 2 FETCH (UID 2)
        S: a2 OK {…}
    """)
