"""Search evaluation: random query trees against a brute-force reference.

The reference evaluates each key straight from the generated message's
fields in one pass; `run.search_uids` decides the record-only keys for the
whole mailbox by set arithmetic (`plan`), then the rest in stages with
three-valued logic, loading the parsed summaries (a batch at a time) and
the body text only when needed. They must agree, and the body must not be
read when the query has no BODY/TEXT.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from roost.imap.sequence import SequenceSet
from roost.message import ParsedMessage, body_text, header_text, parse_message
from roost.search import evaluate as ev
from roost.search import query as q
from roost.search.run import search_uids
from roost.store.api import MessageRecord

WORDS = ("apple", "Banana", "cherry", "ÄPFEL", "straße", "Grüße")
NEEDLES = ("app", "APPLE", "banana", "ERR", "äpf", "STRASSE", "grüsse", "zzz", "")
FLAGS = ("\\Seen", "\\Flagged", "$Work")
DAYS = (date(2020, 1, 1), date(2021, 6, 15), date(2022, 12, 31))


@dataclass(frozen=True)
class Sample:
    uid: int
    subject: str
    body: str
    flags: frozenset[str]
    day: date
    sent: date

    def raw(self) -> bytes:
        return (f"From: a@example.com\r\nSubject: {self.subject}\r\n"
                f"Date: {self.sent.day} {self.sent.strftime('%b')} {self.sent.year} "
                "10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n"
                "Content-Transfer-Encoding: 8bit\r\n\r\n"
                f"{self.body}\r\n").encode()


def sentence() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


samples = st.lists(
    st.tuples(sentence(), sentence(), st.frozensets(st.sampled_from(FLAGS)),
              st.sampled_from(DAYS), st.sampled_from(DAYS)),
    min_size=1, max_size=6,
).map(lambda rows: [Sample(i + 1, *row) for i, row in enumerate(rows)])

leaves = st.one_of(
    st.just(q.All()),
    st.builds(q.Flag, st.sampled_from(("\\Seen", "\\Flagged", "\\Recent")), st.booleans()),
    st.builds(q.Keyword, st.just("$work"), st.booleans()),
    st.builds(q.Header, st.sampled_from(("Subject", "SUBJECT", "X-None")), st.sampled_from(NEEDLES)),
    st.builds(q.Body, st.sampled_from(NEEDLES)),
    st.builds(q.Text, st.sampled_from(NEEDLES)),
    st.builds(q.Larger, st.integers(100, 260)),
    st.builds(q.Smaller, st.integers(100, 260)),
    st.builds(q.Since, st.sampled_from(DAYS)),
    st.builds(q.SentBefore, st.sampled_from(DAYS)),
    st.builds(q.Uid, st.builds(lambda a, b: SequenceSet(((a, b),)),
                               st.integers(1, 6), st.integers(0, 6))),
    st.builds(q.SeqSet, st.builds(lambda a, b: SequenceSet(((a, b),)),
                                  st.integers(1, 6), st.integers(0, 6))),
)
trees = st.recursive(leaves, lambda inner: st.one_of(
    st.builds(q.Not, inner),
    st.builds(q.Or, inner, inner),
    st.lists(inner, min_size=2, max_size=3).map(lambda keys: q.And(tuple(keys))),
), max_leaves=8)


def reference(key: q.Key, m: Sample, size: int, uids: list[int]) -> bool:
    """One-pass meaning of `key` for sample `m`, from its fields."""
    f = ev.fold
    match key:
        case q.All():
            return True
        case q.And(keys):
            return all(reference(k, m, size, uids) for k in keys)
        case q.Or(a, b):
            return reference(a, m, size, uids) or reference(b, m, size, uids)
        case q.Not(inner):
            return not reference(inner, m, size, uids)
        case q.Flag("\\Recent", present):
            return (m.uid % 2 == 0) == present
        case q.Flag(flag, present) | q.Keyword(flag, present):
            return (flag.lower() in {x.lower() for x in m.flags}) == present
        case q.Header(name, value):
            return name.lower() == "subject" and f(value) in f(m.subject)
        case q.Body(text):
            return f(text) in f(m.body)
        case q.Text(text):
            return f(text) in f(m.body) or f(text) in f(header_text(m.raw()))
        case q.Larger(n):
            return size > n
        case q.Smaller(n):
            return size < n
        case q.Since(day):
            return m.day >= day
        case q.SentBefore(day):
            return m.sent < day
        case q.Uid(seqset) | q.SeqSet(seqset):  # numbers are UIDs here: 1..n
            return m.uid in set(seqset.members(uids))
    raise AssertionError(key)


async def run_staged(key: q.Key, batch: list[Sample]) -> tuple[list[int], int]:
    """UIDs `search_uids` finds, and how many bodies it read."""
    raws = {str(m.uid): m.raw() for m in batch}
    reads = 0

    async def load_parsed(records: Sequence[MessageRecord]) -> dict[str, ParsedMessage]:
        return {r.blob: parse_message(raws[r.blob]) for r in records}

    async def load_text(record: MessageRecord) -> ev.MessageText:
        nonlocal reads
        reads += 1
        raw = raws[record.blob]
        return ev.MessageText(ev.fold(header_text(raw)), ev.fold(body_text(raw)))

    uids = [m.uid for m in batch]
    box = ev.Mailbox(now=datetime(2023, 1, 1, tzinfo=UTC))
    for item in ev.set_keys(key):
        box.sets[item] = frozenset(item.sequence.members(uids))
    facts = {}
    for m in batch:
        when = datetime(m.day.year, m.day.month, m.day.day, 12, tzinfo=UTC)
        record = MessageRecord(m.uid, 1, m.flags, when, len(raws[str(m.uid)]), str(m.uid))
        facts[m.uid] = ev.Facts(record, recent=m.uid % 2 == 0)
    return await search_uids(key, facts, box, load_parsed, load_text), reads


@settings(max_examples=300, deadline=None)
@given(batch=samples, key=trees)
def test_staged_evaluation_equals_reference(batch: list[Sample], key: q.Key) -> None:
    uids = [m.uid for m in batch]
    expected = [m.uid for m in batch if reference(key, m, len(m.raw()), uids)]
    found, reads = asyncio.run(run_staged(key, batch))
    assert found == expected
    if not ev.any_key(key, ev.TEXT_KEYS):
        assert reads == 0


def test_cheap_key_decides_before_body_is_read() -> None:
    batch = [Sample(1, "apple", "apple", frozenset(), DAYS[0], DAYS[0]),
             Sample(2, "apple", "apple", frozenset({"\\Flagged"}), DAYS[0], DAYS[0])]
    key = q.And((q.Flag("\\Flagged"), q.Body("apple")))
    found, reads = asyncio.run(run_staged(key, batch))
    assert (found, reads) == ([2], 1)


def test_many_messages_over_several_batches() -> None:
    """Past one batch (run.BATCH) the answer is still the reference's, in order."""
    rows = [(WORDS[n % 6], WORDS[n % 5], frozenset(FLAGS[: n % 4]), DAYS[n % 3], DAYS[n % 2])
            for n in range(1234)]
    batch = [Sample(i + 1, *row) for i, row in enumerate(rows)]
    uids = [m.uid for m in batch]
    key = q.And((q.Or(q.Flag("\\Seen", False), q.Header("Subject", "apple")),
                 q.Not(q.Uid(SequenceSet(((100, 199),)))), q.SentBefore(DAYS[1])))
    expected = [m.uid for m in batch if reference(key, m, len(m.raw()), uids)]
    found, reads = asyncio.run(run_staged(key, batch))
    assert found == expected and len(expected) > 100
    assert reads == 0
