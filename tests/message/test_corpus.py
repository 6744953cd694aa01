"""Roost's FETCH answers on the odd-mail corpus (tests/message/corpus/), over
IMAP: ENVELOPE, BODY, BODYSTRUCTURE, sizes, sections and BINARY of every
part, partial ranges counted on the decoded octets (RFC 3516 §4.2), each as
the case's .expected file says. tests/e2e/test_oddmail_differential.py
holds the same files against Debian's Cyrus and Dovecot."""

from __future__ import annotations

import pytest
from tests.harness.imap import RunningImap
from tests.harness.site import PASSWORD
from tests.message import corpus


def test_the_corpus_is_whole() -> None:
    """Every message has its answers, every answers file its message, and
    each names an item once, with notes only about items it asks."""
    emls = {p.stem for p in corpus.CORPUS.glob("*.eml")}
    expected = {p.stem for p in corpus.CORPUS.glob("*.expected")}
    assert emls == expected
    assert len(emls) >= 50
    for name in sorted(emls):
        case = corpus.load(name)
        items = [line.split(" ", 1)[0] for line in
                 (corpus.CORPUS / f"{name}.expected").read_text("ascii").splitlines()
                 if line and not line.startswith("#")]
        assert len(items) == len(set(items)), name
        for _anchor, pattern in case.notes:
            assert pattern == "APPEND" or any(corpus.noted(pattern, item) for item in items), (
                name, pattern)


@pytest.mark.parametrize("name", corpus.names())
async def test_roost_answers_as_expected(imap_server: RunningImap, name: str) -> None:
    case = corpus.load(name)
    got = (await corpus.fetch_answers(imap_server.port, "bob", PASSWORD, [case]))[name]
    assert got.pop("APPEND") == b"OK"
    wrong = {item: (corpus.escape(got[item]), corpus.escape(want))
             for item, want in case.answers.items() if got[item] != want}
    assert not wrong, "\n".join(f"{item}\n  got:  {g}\n  want: {w}"
                                for item, (g, w) in wrong.items())
