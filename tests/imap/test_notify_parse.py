"""NOTIFY grammar (RFC 5465 §8): tables, a hypothesis round trip, and
malformed commands answered BAD on a usable connection, nothing set."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript
from tests.imap.test_parse import parse

from roost.imap import commands as c
from roost.imap.parse import Bad

G = c.NotifyGroup
NEW = ("MESSAGENEW", "MESSAGEEXPUNGE")

GOOD = [
    (b"a NOTIFY NONE", c.Notify("a", None)),
    (b"a notify set (selected (MessageNew (uid flags) MessageExpunge))",
     c.Notify("a", (G("SELECTED", (), NEW, (c.FetchAttr("UID"), c.FetchAttr("FLAGS"))),))),
    (b"a NOTIFY SET STATUS (subtree (Lists misc) (MessageNew MessageExpunge FlagChange))",
     c.Notify("a", (G("SUBTREE", ("Lists", "misc"), (*NEW, "FLAGCHANGE")),), True)),
    (b'a NOTIFY SET (mailboxes "A b" NONE) (inboxes (MailboxName))',
     c.Notify("a", (G("MAILBOXES", ("A b",), ()), G("INBOXES", (), ("MAILBOXNAME",))))),
    # RFC 5465 §3.1 and §6 write event lists without their parentheses.
    (b"a notify set (selected-delayed MessageNew MessageExpunge) (personal SubscriptionChange)",
     c.Notify("a", (G("SELECTED-DELAYED", (), NEW), G("PERSONAL", (), ("SUBSCRIPTIONCHANGE",))))),
    (b"a NOTIFY SET (subscribed (FutureEvent))",
     c.Notify("a", (G("SUBSCRIBED", (), ("FUTUREEVENT",)),))),  # NO [BADEVENT] later
]

BAD = [
    b"a NOTIFY",
    b"a NOTIFY SET",
    b"a NOTIFY SET ()",
    b"a NOTIFY SET (personal)",
    b"a NOTIFY SET (personal ())",
    b"a NOTIFY SET (everything (MessageNew MessageExpunge))",
    b"a NOTIFY SET (subtree (MessageNew MessageExpunge))",
    b"a NOTIFY SET (personal (MessageNew))",  # §5: both or neither
    b"a NOTIFY SET (personal (FlagChange))",
    b"a NOTIFY SET (selected (MailboxName))",  # §6.1: message events only
    b"a NOTIFY SET (personal (MessageNew (uid) MessageExpunge))",  # §8
    b"a NOTIFY SET (selected NONE) (selected-delayed NONE)",  # §6.1: one of them
    b"a NOTIFY SET (selected (MessageNew (bogus) MessageExpunge))",
    b"a NOTIFY NONE extra",
]


@pytest.mark.parametrize(("wire", "command"), GOOD)
def test_good(wire: bytes, command: c.Command) -> None:
    assert parse(wire) == command


@pytest.mark.parametrize("wire", BAD)
def test_bad(wire: bytes) -> None:
    with pytest.raises(Bad) as err:
        parse(wire)
    assert err.value.tag == "a"


_NAME = st.text("abcdefghijklmnopqrstuvwxyzABC0123456789/", min_size=1, max_size=10)
_OTHER_EVENTS = st.lists(st.sampled_from(["MAILBOXNAME", "SUBSCRIPTIONCHANGE",
                                          "MAILBOXMETADATACHANGE", "SERVERMETADATACHANGE"]),
                         unique=True, max_size=4)
_GROUP = st.builds(
    lambda kind, names, messages, flags, others: G(
        kind, tuple(names) if kind in ("SUBTREE", "MAILBOXES") else (),
        (*(NEW if messages else ()), *(("FLAGCHANGE",) if messages and flags else ()),
         *others)),
    st.sampled_from(["INBOXES", "PERSONAL", "SUBSCRIBED", "SUBTREE", "MAILBOXES"]),
    st.lists(_NAME, min_size=1, max_size=3, unique=True), st.booleans(), st.booleans(),
    _OTHER_EVENTS)


def _render(group: c.NotifyGroup) -> bytes:
    names = b""
    if group.mailboxes:
        names = b" (" + b" ".join(b'"%s"' % n.encode() for n in group.mailboxes) + b")"
    events = b"(" + b" ".join(e.encode() for e in group.events) + b")" if group.events \
        else b"NONE"
    return b"(" + group.filter.encode() + names + b" " + events + b")"


@given(st.lists(_GROUP, min_size=1, max_size=4), st.booleans())
def test_round_trip(groups: list[c.NotifyGroup], status: bool) -> None:
    wire = b"t NOTIFY SET " + (b"STATUS " if status else b"") + b" ".join(map(_render, groups))
    assert parse(wire) == c.Notify("t", tuple(groups), status)


@given(st.binary(max_size=60))
def test_random_arguments_parse_or_are_bad(tail: bytes) -> None:
    try:
        parse(b"t NOTIFY SET " + tail.replace(b"\r", b"").replace(b"\n", b""))
    except Bad as err:
        assert err.tag == "t"


async def test_malformed_is_bad_and_sets_nothing(imap: ImapTranscript,
                                                 imap2: ImapTranscript) -> None:
    await imap.play("""
        C: a1 NOTIFY SET (personal (MailboxName)
        S: a1 BAD {…}
        C: a2 NOTIFY SET (personal (MessageNew)) (personal (MailboxName))
        S: a2 BAD {…}
    """)
    await imap2.command("CREATE Quiet")
    await imap.play("""
        C: a3 NOOP
        S: a3 OK {…}
    """)
