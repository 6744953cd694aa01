"""Transcripts: LIST and LSUB patterns full of wildcards finish and answer
right (RFC 9051 §6.3.9). A backtracking matcher takes exponential time on
these against names that almost match; bounded by pytest-timeout, not timed.
"""

from __future__ import annotations

import pytest
from tests.harness.imap import ImapTranscript

LONG = "a" * 200


@pytest.mark.timeout(60)
async def test_hostile_patterns_finish(imap: ImapTranscript) -> None:
    await imap.play(rf"""
        C: a1 CREATE {LONG}/{LONG}
        S: a1 OK {{…}}
        C: a2 SUBSCRIBE {LONG}/{LONG}
        S: a2 OK {{…}}
        C: a3 LIST "" "{"*%" * 500}b"
        S: a3 OK {{…}}
        C: a4 LIST "" "{"%a" * 300}b"
        S: a4 OK {{…}}
        C: a5 LSUB "" "{"*a" * 400}b"
        S: a5 OK {{…}}
        C: a6 LIST "" "{"*a" * 50}"
        S: * LIST (\HasNoChildren) "/" "{LONG}/{LONG}"
        S: a6 OK {{…}}
        C: a7 LSUB "" "{"%a" * 100}/%"
        S: * LSUB () "/" "{LONG}/{LONG}"
        S: a7 OK {{…}}
    """)
