"""Differential: the odd-mail corpus (tests/message/corpus/) APPENDed to
Debian's Cyrus and Dovecot on loopback (started by bench.cyrus_side and
bench.dovecot_side, as the benchmarks start them), each item of each
case's .expected asked of them, and their answers held against Roost's
(tests/message/test_corpus.py holds Roost to the same files).

An answer may differ from an anchor's only where the case's file says why
(`# cyrus ITEM: why`, see tests/message/corpus.py); a note the anchor no
longer needs fails too, so the notes stay true. Compared as values, not
as text: a quoted string and a literal are the same string. Two
differences that run through every case are taken out first, each a
deliberate choice of one anchor's form (src/roost/message/bodystructure.py):
BODY and BODYSTRUCTURE are compared without case (media types, parameter
names and encodings are case-insensitive, RFC 2045 §5.1; Dovecot writes
them in lower case), and without the ("CHARSET" "us-ascii") that Roost,
as Dovecot, adds to a text part that names no charset (Cyrus omits it).
Each anchor is skipped, saying why, where it cannot start here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from tests.harness.master import free_port
from tests.harness.site import PASSWORD
from tests.message import corpus

CASES = [corpus.load(name) for name in corpus.names()]


def _answers_of(make_side: Callable[[int], object], what: str) -> dict[str, dict[str, bytes]]:
    side = make_side(free_port())
    try:
        side.start()  # type: ignore[attr-defined]
    except Exception as err:  # noqa: BLE001 -- any failure to start means: skip, saying why
        tail = side.log_tail()  # type: ignore[attr-defined]
        side.stop()  # type: ignore[attr-defined]
        pytest.skip(f"{what} could not start on loopback: {err!r}\n{tail}")
    try:
        return asyncio.run(corpus.fetch_answers(side.imap_port, "user1",  # type: ignore[attr-defined]
                                                PASSWORD, CASES))
    finally:
        side.stop()  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def cyrus() -> Iterator[dict[str, dict[str, bytes]]]:
    from bench.cyrus_side import CYRUS_BIN, CyrusSide
    if not (CYRUS_BIN / "imapd").exists():
        pytest.skip(f"Debian's Cyrus is not installed ({CYRUS_BIN}/imapd missing): "
                    "apt-get install cyrus-imapd sasl2-bin")
    yield _answers_of(lambda port: CyrusSide(1, PASSWORD, imap_port=port), "Cyrus")


@pytest.fixture(scope="module")
def dovecot() -> Iterator[dict[str, dict[str, bytes]]]:
    from bench.dovecot_side import DovecotSide
    yield _answers_of(lambda port: DovecotSide(1, PASSWORD, imap_port=port), "Dovecot")


def _fold(value: corpus.Value) -> corpus.Value:
    """Lower case, and no ("charset" "us-ascii") pair in a parameter list."""
    if isinstance(value, bytes):
        return value.lower()
    if not isinstance(value, list):
        return value
    folded = [_fold(v) for v in value]
    if folded and len(folded) % 2 == 0 and all(isinstance(v, bytes) for v in folded):
        pairs = [folded[i:i + 2] for i in range(0, len(folded), 2)]
        kept = [v for pair in pairs if pair != [b"charset", b"us-ascii"] for v in pair]
        return kept or None
    return folded


def _comparable(item: str, answer: bytes) -> object:
    if answer.startswith((b"NO", b"BAD")) or answer == b"DISCONNECTED" or not answer:
        return answer
    values = corpus.parse(answer)
    return _fold(values) if item in ("BODY", "BODYSTRUCTURE") else values


def _differences(case: corpus.Case, anchor: str, theirs: dict[str, bytes]) -> list[str]:
    notes = {pattern: why for (who, pattern), why in case.notes.items() if who == anchor}
    used: set[str] = set()
    problems: list[str] = []
    if theirs["APPEND"] != b"OK":
        if "APPEND" not in notes:
            problems.append(f"APPEND refused ({theirs['APPEND']!r}) and no note says why")
        return problems
    for item, ours in case.answers.items():
        if _comparable(item, ours) == _comparable(item, theirs[item]):
            continue
        covering = [pattern for pattern in notes if corpus.noted(pattern, item)]
        used.update(covering)
        if not covering:
            problems.append(f"{item}\n  roost: {corpus.escape(ours)}\n"
                            f"  {anchor}: {corpus.escape(theirs[item])}")
    problems += [f"stale note: # {anchor} {pattern}" for pattern in notes
                 if pattern not in used and "*" not in pattern]
    return problems


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_answers_as_cyrus(cyrus: dict[str, dict[str, bytes]], case: corpus.Case) -> None:
    problems = _differences(case, "cyrus", cyrus[case.name])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_answers_as_dovecot(dovecot: dict[str, dict[str, bytes]], case: corpus.Case) -> None:
    problems = _differences(case, "dovecot", dovecot[case.name])
    assert not problems, "\n".join(problems)
