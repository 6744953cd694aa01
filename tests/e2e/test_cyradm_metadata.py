"""`cyradm info`, `mboxconfig` and `setinfo` (Debian cyrus-admin) against Roost.

The expected blocks are what the same commands print against Debian's
Cyrus 3.6 on loopback (bench/cyradm_metadata.py runs both and compares),
less the entries Cyrus computes from state Roost does not keep
(`annotsize`, `foldermodseq`, `hasalarms`, `lastpop`, `lastupdate`,
`synccrcs`, `uniqueid`, `freespace`), the entries Cyrus defines that Roost
does not (`archive`, `delete`, `search-fuzzy-always`, `sortorder`, and its
private copies of vendor entries) and its `/shared/specialuse`.
"""

from __future__ import annotations

import shutil

import pytest
from tests.e2e.test_cyradm import cyradm, master  # noqa: F401 - the fixture
from tests.harness.master import Master

pytestmark = pytest.mark.skipif(shutil.which("cyradm") is None, reason="cyradm not installed")


def _block(out: str, command: str) -> list[str]:
    """The lines `command` printed in a cyradm session (the last time it ran)."""
    after = out.rsplit(f"127.0.0.1> {command}\n", 1)[1]
    return after.split("127.0.0.1> ", 1)[0].splitlines()


MAILBOX_INFO = """{user/carol}:
  private:
    check: NIL
    checkperiod: NIL 
    comment: mine
    sort: NIL 
    specialuse: NIL 
    thread: NIL 
  shared:
    check: NIL
    checkperiod: NIL 
    comment: hello world
    sort: NIL 
    specialuse: NIL 
    thread: NIL 
    duplicatedeliver: false
    expire: 30
    news2mail: foo@example.com
    partition: default
    pop3newuidl: true
    pop3showafter: NIL 
    sharedseen: true
    sieve: myscript
    size: 0
    squat: true"""


def test_mboxconfig_then_info_shows_every_entry(master: Master) -> None:  # noqa: F811
    out = cyradm(master, "cm user/carol\n"
                 'mboxconfig user/carol comment "hello world"\n'
                 "mboxconfig user/carol expire 30\nmboxconfig user/carol squat true\n"
                 "mboxconfig user/carol sharedseen true\n"
                 "mboxconfig user/carol news2mail foo@example.com\n"
                 "mboxconfig user/carol sieve myscript\n"
                 "mboxconfig --private user/carol comment mine\ninfo user/carol\n")
    assert _block(out, "info user/carol") == MAILBOX_INFO.splitlines(), out
    assert "mboxconfig:" not in out, out


def test_mboxconfig_none_removes_and_errors_are_cyrus_words(master: Master) -> None:  # noqa: F811
    out = cyradm(master, "cm user/carol\nmboxconfig user/carol comment hello\n"
                 "mboxconfig user/carol comment none\n"
                 "mboxconfig user/carol expire soon\n"
                 "mboxconfig user/carol frob x\n"
                 "mboxconfig user/carol /vendor/foo/bar x\ninfo user/carol\n")
    shown = _block(out, "info user/carol")
    assert "    comment: NIL " in shown and "    expire: NIL " in shown, out
    # Cyrus: a bad uint, a name cyradm turns into "/sharedfrob", an undefined entry.
    assert "mboxconfig: Invalid annotation value" in out, out
    assert "mboxconfig: entry must begin with /shared or /private" in out, out
    assert "mboxconfig: [NOPERM] Permission denied" in out, out


def test_setinfo_and_server_info(master: Master) -> None:  # noqa: F811
    out = cyradm(master, "setinfo comment servercomment\nsetinfo motd hi\n"
                 "setinfo admin mailto:postmaster@example.com\ninfo\n")
    assert _block(out, "info") == [
        "{Server Wide}", "  private:", "    comment: NIL", "  shared:",
        "    admin: mailto:postmaster@example.com", "    comment: servercomment",
        "    motd: hi", "    expire: NIL ", "    shutdown: NIL ", "    squat: NIL "], out


def test_cm_with_specialuse(master: Master) -> None:  # noqa: F811
    """cyradm's `cm --specialuse` sends CREATE ... (USE (...)) once the server
    says CREATE-SPECIAL-USE (RFC 6154 §3); `lm --specialuse` lists them."""
    out = cyradm(master, "cm user/carol\ncm --specialuse \\\\Junk user/carol/Spam\n"
                 "cm --specialuse \\\\Junk user/carol/Spam2\ncm user/carol/Plain\n"
                 "lm --specialuse user/carol/*\n")
    assert "createmailbox: [USEATTR] SPECIAL-USE flag conflict" in out, out
    listed = _block(out, "lm --specialuse user/carol/*")
    assert any("user/carol/Spam" in line and "\\Junk" in line for line in listed), out
    assert not any("Plain" in line or "Spam2" in line for line in listed), out
