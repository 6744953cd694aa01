"""Mailbox names at the edges of RFC 9051 §5.1 and §9: every atom-char, and
names that are not valid modified UTF-7 (RFC 9051 §5.1.3). A command that
merely names a mailbox that is not there is NO, not BAD, as Cyrus answers
(NO for SELECT, STATUS, EXAMINE, DELETE, SUBSCRIBE, APPEND, RENAME; "Invalid
mailbox name" for CREATE); LIST and LSUB patterns of any atom-chars, or not
modified UTF-7, are answered OK (matching nothing that cannot be there).
The answers were taken from Debian's Cyrus 3.6 on loopback."""

from __future__ import annotations

import pytest
from tests.harness.imap import ImapTranscript

ATOM_SPECIALS = "!#$'+,-.:;<=>?@^_`|~"
BAD_UTF7 = ["&", "&AGE", "&AGEA-", "&ZeVnLIqe", "&Jjo!", "&&-"]


@pytest.mark.parametrize("name", ["a" + ATOM_SPECIALS, "b]", "c}", "&-", "x&-y", *BAD_UTF7])
async def test_a_missing_name_is_no(imap: ImapTranscript, name: str) -> None:
    await imap.play(fr"""
        C: a1 SELECT {name}
        S: a1 NO [NONEXISTENT] {{…}}
        C: a2 STATUS {name} (MESSAGES)
        S: a2 NO [NONEXISTENT] {{…}}
        C: a3 EXAMINE {name}
        S: a3 NO [NONEXISTENT] {{…}}
        C: a4 DELETE {name}
        S: a4 NO [NONEXISTENT] {{…}}
        C: a5 SUBSCRIBE {name}
        S: a5 NO [NONEXISTENT] {{…}}
        C: a6 RENAME {name} elsewhere
        S: a6 NO [NONEXISTENT] {{…}}
        C: a7 APPEND {name} {{3+}}
        C: x
        C:
        S: a7 NO {{…}}
        C: a8 NOOP
        S: a8 OK {{…}}
    """)


@pytest.mark.parametrize("name", BAD_UTF7)
async def test_creating_a_name_that_is_not_modified_utf7_is_no(imap: ImapTranscript,
                                                               name: str) -> None:
    await imap.play(fr"""
        C: a1 CREATE "{name}"
        S: a1 NO [CANNOT] {{…}}
        C: a2 CREATE ok
        S: a2 OK {{…}}
        C: a3 RENAME ok "{name}"
        S: a3 NO [CANNOT] {{…}}
    """)


@pytest.mark.parametrize("pattern", ["a" + ATOM_SPECIALS + "*", ATOM_SPECIALS,
                                     "*" + ATOM_SPECIALS + "%", "]", "b]*", *BAD_UTF7, "&AGE*"])
async def test_list_patterns_of_any_atom_chars_are_ok(imap: ImapTranscript, pattern: str) -> None:
    await imap.play(fr"""
        C: a1 LIST "" {pattern}
        S: a1 OK {{…}}
        C: a2 LSUB "" {pattern}
        S: a2 OK {{…}}
        C: a3 LIST "" ({pattern} INBOX)
        S: * LIST {{…}} "INBOX"
        S: a3 OK {{…}}
    """)
