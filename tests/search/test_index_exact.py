"""The full-text index never changes a SEARCH answer (issue 12: exactness).

Random messages go into a real SqliteStore (two mailboxes, copies between
them, expunges); random query trees of BODY / TEXT / HEADER (SUBJECT, FROM, TO, CC, BCC,
which the FTS5 index decides alone, and another field) and flag keys
are searched with no index, then with the owner's index (on each engine:
FTS5, PostgreSQL pg_trgm) fresh,
stale (mail arrived and left after indexing), missing, half-built (the
mark in the middle of the mailbox) and mid-rebuild (a rebuild begun and
not swapped in). Every answer must be the unindexed one.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.search.engines import Engine
from tests.search.mail import NEEDLES, message, messages

from roost.imap.sequence import SequenceSet
from roost.search import evaluate as ev
from roost.search import query as q
from roost.search.index.api import FullTextIndex
from roost.search.index.extract import document
from roost.search.index.feed import Indexer, owner_of
from roost.search.mailbox import indexed, search_mailbox
from roost.store.api import MailboxInfo, MessageRecord, StoreCorrupt
from roost.store.sqlite import SqliteStore

needles = st.sampled_from(NEEDLES)
leaves = st.one_of(
    st.builds(q.Body, needles), st.builds(q.Text, needles),
    st.builds(q.Header, st.sampled_from(("Subject", "From", "To", "cc", "Bcc", "Content-Type")),
              needles),
    st.builds(q.Header, st.just("Subject"), st.just("")),
    st.builds(q.Flag, st.just("\\Seen"), st.booleans()),
    st.builds(q.Uid, st.builds(lambda a, b: SequenceSet(((a, b),)),
                               st.integers(1, 12), st.integers(1, 12))),
)
trees = st.recursive(leaves, lambda inner: st.one_of(
    st.builds(q.Not, inner), st.builds(q.Or, inner, inner),
    st.lists(inner, min_size=2, max_size=3).map(lambda keys: q.And(tuple(keys)))),
    max_leaves=6)
STATES = ("fresh", "stale", "missing", "half", "rebuilding")


async def search(store: SqliteStore, index: FullTextIndex | None, info: MailboxInfo,
                 key: q.Key) -> list[int]:
    records = {r.uid: r for r in await store.messages(info.id)}
    uids = sorted(records)
    box = ev.Mailbox(now=datetime.now(UTC))
    for item in ev.set_keys(key):
        box.sets[item] = frozenset(item.sequence.members(uids))
    return await search_mailbox(store, index, info, records, uids, key, box)


async def half_index(store: SqliteStore, index: FullTextIndex, info: MailboxInfo,
                     rebuild: bool = False) -> None:
    """Index the first half of the mailbox, the mark at its last UID (with
    `rebuild`: into the index being rebuilt, not yet swapped in)."""
    records = await store.messages(info.id)
    part = records[: max(1, len(records) // 2)]
    if not part:
        return
    parses = await store.parsed_many([r.blob for r in part])
    docs = [document(r.blob, await store.body(r.blob), parses[r.blob]) for r in part]
    places = [(r.uid, r.blob) for r in part]
    await asyncio.to_thread(lambda: index.add(owner_of(info), info.id, part[-1].uid, docs,
                                              places, rebuild=rebuild))


async def scenario(root: Path, engine: Engine, raws: list[bytes], later: list[bytes],
                   state: str, keys: list[q.Key]) -> None:
    store = SqliteStore(root / "mailstore.db", {"default": root / "spool"}, fsync=False)
    index = engine.new()
    try:
        inbox = await store.create_mailbox("user.bob")
        other = await store.create_mailbox("user.bob.Other")
        for n, raw in enumerate(raws):
            await store.append(other.id if n % 3 == 2 else inbox.id, raw,
                               flags=["\\Seen"] if n % 2 else [])
        await store.copy(other.id, [r.uid for r in await store.messages(other.id)], inbox.id)
        feeder = Indexer(store, index, batch=2)
        if state in ("fresh", "stale", "rebuilding"):
            await feeder.mailboxes(await store.list_mailboxes("user.bob"))
        if state == "half":
            await half_index(store, index, await store.mailbox_by_id(inbox.id))
        if state == "rebuilding":
            await asyncio.to_thread(index.start_rebuild, "bob")
            await half_index(store, index, await store.mailbox_by_id(inbox.id), rebuild=True)
        if state in ("stale", "half"):
            for raw in later:
                await store.append(inbox.id, raw)
            first = (await store.messages(inbox.id))[0].uid
            await store.store_flags(inbox.id, [first], "add", ["\\Deleted"])
            await store.expunge(inbox.id)
        info = await store.mailbox_by_id(inbox.id)
        if state != "missing":  # the index is there to be used
            assert index.marks("bob").get(info.id, 0) > 0
        for key in keys:
            plain = await search(store, None, info, key)
            assert await search(store, index, info, key) == plain, (state, key)
    finally:
        index.close()
        await store.close()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(raws=messages, later=messages, state=st.sampled_from(STATES),
       keys=st.lists(trees, min_size=1, max_size=4))
def test_index_state_never_changes_the_answer(engine: Engine, raws: list[bytes],
                                              later: list[bytes], state: str,
                                              keys: list[q.Key]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(scenario(Path(tmp), engine, raws, later, state, keys))


THREE = [message(subject, body, 2)
         for subject, body in (("hi", "hello world"), ("x", "Yellow CAFÉ"), ("y", "nothing"))]


async def answered(root: Path, engine: Engine, key: q.Key,
                   raws: list[bytes] = THREE) -> tuple[q.Key, list[int]]:
    """A fresh index over `raws` (three messages): what it makes of `key`,
    and the UIDs."""
    [(_, narrowed, uids)] = await answers(root, engine, raws, [key])
    return narrowed, uids


async def answers(root: Path, engine: Engine, raws: list[bytes],
                  keys: list[q.Key]) -> list[tuple[q.Key, q.Key, list[int]]]:
    """Each of `keys` over a fresh index of `raws`: the key, what the
    index made of it, the UIDs found."""
    root.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(root / "mailstore.db", {"default": root / "spool"}, fsync=False)
    index = engine.new()
    try:
        inbox = await store.create_mailbox("user.bob")
        for raw in raws:
            await store.append(inbox.id, raw)
        await Indexer(store, index).mailboxes([await store.mailbox_by_id(inbox.id)])
        info = await store.mailbox_by_id(inbox.id)
        records: dict[int, MessageRecord] = {r.uid: r for r in await store.messages(info.id)}
        return [(key, await indexed(index, info, records, sorted(records), key),
                 await search(store, index, info, key)) for key in keys]
    finally:
        index.close()
        await store.close()


def test_substring_inside_a_word_is_found_by_the_index(tmp_path: Path, engine: Engine) -> None:
    """RFC 9051 §6.4.4: BODY "ell" matches "hello" (and "Yellow"), decided
    by the index alone: no body is read."""
    narrowed, uids = asyncio.run(answered(tmp_path, engine, q.Body("ell")))
    assert narrowed == q.Matched(frozenset({1, 2}))
    assert uids == [1, 2]


def test_body_holds_the_header_of_a_forwarded_message(tmp_path: Path, engine: Engine) -> None:
    """A message/rfc822 part's header is octets of the outer body (RFC 9051
    §6.4.4 "in the body of the message"; Cyrus matches it too): BODY finds
    its decoded Subject, indexed and scanned alike; the outer header is not
    in BODY."""
    raws = [message("Grüße aus Köln", "plain words", 6), message("Grüße aus Köln", "plain", 0)]
    for key, want in ((q.Body("grüße aus"), [1]), (q.Body("fwd@example"), [1]),
                      (q.Body("bob@example"), [])):
        narrowed, uids = asyncio.run(answered(tmp_path / key.text, engine, key, raws))
        assert uids == want, key
        assert isinstance(narrowed, q.Matched), key


def test_case_and_accents_fold_as_the_scan_does(tmp_path: Path, engine: Engine) -> None:
    narrowed, uids = asyncio.run(answered(tmp_path, engine, q.Text("café")))
    assert narrowed == q.Matched(frozenset({2}))
    assert uids == [2]


def test_short_needle_falls_back_to_the_scan(tmp_path: Path, engine: Engine) -> None:
    """Under three characters there is no trigram: the key is left as it was."""
    narrowed, uids = asyncio.run(answered(tmp_path, engine, q.Body("lo")))
    assert narrowed == q.Body("lo")
    assert uids == [1, 2]


def test_other_header_key_is_narrowed_then_confirmed(tmp_path: Path, engine: Engine) -> None:
    """A field the index keeps only with all the others: its hits are a
    superset, confirmed on the parse cache."""
    key = q.Header("Content-Type", "plain")
    narrowed, uids = asyncio.run(answered(tmp_path, engine, key))
    assert narrowed == q.And((q.Matched(frozenset({1, 2, 3})), key))
    assert uids == [1, 2, 3]


def test_from_is_decided_by_the_fts5_index(tmp_path: Path, engine: Engine) -> None:
    """FROM has its own column in FTS5: the hits are the answer. PostgreSQL
    keeps all fields together, so there it is narrowed and confirmed."""
    key = q.Header("From", "jürgen")
    narrowed, uids = asyncio.run(answered(tmp_path, engine, key))
    hits = q.Matched(frozenset({1, 2, 3}))
    assert narrowed == (hits if engine.name == "sqlite" else q.And((hits, key)))
    assert uids == [1, 2, 3]


FIELD_MAIL = (
    (b"From: =?utf-8?b?0JjRgNC40L3QsCDQn9C10YLRgNC+0LLQsA==?= <irina@example.org>\r\n"
     b"To: bob@example.com\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe_zum_Meeting?=\r\n"
     b"\r\nno match here\r\n"),
    (b"From: Alice Martin <alice@corp.example>\r\nTo: bob@example.com\r\n"
     b"Cc: meeting@lists.example\r\nSubject: Premeeting notes\r\n\r\nbody\r\n"),
    (b"From: bob@example.com\r\nTo: \"Meeting Room\" <room@example.com>\r\n"
     b"Subject: other\r\n\r\nmeeting in the body\r\n"),
)
FIELD_KEYS = (  # RFC 9051 §6.4.4: a substring of the decoded field, case-insensitively
    (q.Header("Subject", "meeting"), [1, 2]),  # in an encoded word; inside "Premeeting"
    (q.Header("Subject", "GRÜSSE"), [1]),  # RFC 2047 UTF-8, ß folded to ss
    (q.Header("Subject", "ting no"), [2]),
    (q.Header("From", "петр"), [1]),  # an encoded display name
    (q.Header("From", "alice@corp"), [2]),  # the addr-spec
    (q.Header("From", "e@corp.ex"), [2]),
    (q.Header("From", "martin <alice"), [2]),  # name and address together
    (q.Header("To", "meeting"), [3]),  # a quoted display name
    (q.Header("CC", "lists.example"), [2]),
    (q.Header("Bcc", "example"), []),
    (q.Not(q.Header("Subject", "meeting")), [3]),
)


def test_field_keys_are_substrings_of_the_decoded_field(tmp_path: Path,
                                                        engine: Engine) -> None:
    """SUBJECT, FROM, TO, CC, BCC with the index in use: RFC 2047 decoded,
    display names and addr-specs, substrings anywhere; on FTS5 decided by
    the index alone (no Header key is left to confirm)."""
    found = asyncio.run(answers(tmp_path, engine, FIELD_MAIL, [key for key, _ in FIELD_KEYS]))
    for (key, narrowed, uids), (_, expected) in zip(found, FIELD_KEYS, strict=True):
        assert uids == expected, key
        if engine.name == "sqlite":
            assert not ev.any_key(narrowed, (q.Header,)), (key, narrowed)


async def lost_body(root: Path, engine: Engine
                    ) -> tuple[list[int], list[int], frozenset[int]]:
    """A mailbox whose second body file is gone: UIDs found without and
    with the index, and the UIDs the index keeps as unindexable."""
    store = SqliteStore(root / "mailstore.db", {"default": root / "spool"}, fsync=False)
    index = engine.new()
    try:
        inbox = await store.create_mailbox("user.bob")
        for body in ("hello one", "hello two", "hello three"):
            await store.append(inbox.id, message("s", body, 0))
        lost = (await store.messages(inbox.id))[1].blob
        next((root / "spool").rglob(lost)).unlink()
        await Indexer(store, index).mailboxes([await store.mailbox_by_id(inbox.id)])
        info = await store.mailbox_by_id(inbox.id)
        answer = await index.lookup("bob", info.id, [])
        assert answer is not None
        key = q.Not(q.Body("nothing"))  # reads every body it is not told about
        found = []
        for used in (None, index):
            try:
                found.append(await search(store, used, info, key))
            except StoreCorrupt:
                found.append([])
        return found[0], found[1], answer.unindexed
    finally:
        index.close()
        await store.close()


def test_unreadable_body_is_searched_directly_not_skipped(tmp_path: Path,
                                                         engine: Engine) -> None:
    """A body file lost from the spool: the indexer carries on, keeps that
    body as unindexable, and SEARCH fails or answers exactly as unindexed."""
    plain, with_index, unindexable = asyncio.run(lost_body(tmp_path, engine))
    assert unindexable == {2}
    assert plain == with_index
