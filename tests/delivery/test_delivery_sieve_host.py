"""A Sieve script asks the real store, through the delivery's async host."""

from __future__ import annotations

from collections.abc import Callable

from roost.auth.identity import identity_for
from roost.auth.rights import Access
from roost.config import Config
from roost.delivery.sieve_host import StoreHost
from roost.sieve import Envelope, compile_script, evaluate
from roost.sieve.actions import describe
from roost.store.sqlite import SqliteStore

SCRIPT = r"""require ["mailbox", "special-use", "fileinto", "environment"];
if mailboxexists "Lists/Work" { fileinto "work-exists"; }
if mailboxexists ["INBOX", "Lists"] { fileinto "inbox-and-lists"; }
if mailboxexists "Nowhere" { fileinto "wrong-nowhere"; }
if mailboxexists "Other Users/alice" { fileinto "wrong-other-user"; }
if specialuse_exists "\\Sent" { fileinto "has-sent"; }
if specialuse_exists "Lists" "\\Sent" { fileinto "wrong-lists-sent"; }
if specialuse_exists "\\Junk" { fileinto "wrong-junk"; }
if environment "domain" "roost.test" { fileinto "named"; }
"""


async def test_script_questions_are_answered_from_the_store(
        store: SqliteStore, make_conf: Callable[[str], Config]) -> None:
    conf = make_conf("servername: roost.test\n")
    await store.create_mailbox("user.bob.Sent", special_use=["\\Sent"])
    outcome = await evaluate(compile_script(SCRIPT), b"Subject: hi\r\n\r\nx\r\n",
                             Envelope("a@example.org", "bob@example.com"),
                             StoreHost(Access(store, conf), conf, identity_for("bob", conf)))
    assert outcome.errors == []
    assert [describe(a) for a in outcome.actions] == [
        "fileinto mailbox='work-exists'", "fileinto mailbox='inbox-and-lists'",
        "fileinto mailbox='has-sent'", "fileinto mailbox='named'"]
