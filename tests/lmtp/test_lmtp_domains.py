"""LMTP recipients resolved per virtual domain (Cyrus lmtpd): with
virtdomains on, `bob@example.com` and `bob@example.org` are two users and
`bob@defaultdomain` is plain bob; with virtdomains off, the domain is
dropped and every `bob@...` is bob."""

from __future__ import annotations

from tests.lmtp.conftest import Bodies
from tests.lmtp.lmtp_client import ConfFactory, Connect, Serve
from tests.lmtp.routing_session import play_session

from roost.store.sqlite import SqliteStore

TRANSACTION = """
    C: RCPT TO:<bob@example.com>
    S: 250 2.1.5 Recipient OK
    C: RCPT TO:<Bob@Roost.Test>
    S: 250 2.1.5 Recipient OK
    C: RCPT TO:<bob+Lists@EXAMPLE.com>
    S: 250 2.1.5 Recipient OK
    C: RCPT TO:<{third}>
    S: {third_reply}
    C: DATA
    S: 354 {{…}}
    C: Subject: per domain
    C:
    C: Hello.
    C: .
    S: 250 2.0.0 <bob@example.com> Delivered {{…}}
    S: 250 2.0.0 <Bob@Roost.Test> Delivered {{…}}
    S: 250 2.0.0 <bob+Lists@EXAMPLE.com> Delivered {{…}}
"""


def transaction(third: str, third_reply: str) -> str:
    """TRANSACTION with its third recipient and the reply it gets."""
    return (TRANSACTION.replace("{third}", third).replace("{third_reply}", third_reply)
            .replace("{{", "{").replace("}}", "}"))


async def test_recipients_resolved_per_domain(make_conf: ConfFactory, store: SqliteStore,
                                              serve: Serve, connect: Connect,
                                              bodies: Bodies) -> None:
    await store.create_mailbox("example.com!user.bob")
    await store.create_mailbox("example.com!user.bob.Lists")
    await play_session(serve, connect, make_conf,
                       "virtdomains: userid\ndefaultdomain: roost.test\n",
                       transaction("bob@example.org", "550 5.1.1 User unknown"))
    # +Lists grants no `p`: that copy goes to the domain user's INBOX too,
    # which keeps one copy of one message.
    assert len(await bodies("example.com!user.bob")) == 1
    assert len(await bodies("user.bob")) == 1
    assert await bodies("example.com!user.bob.Lists") == []


async def test_without_virtdomains_the_domain_is_dropped(make_conf: ConfFactory,
                                                         store: SqliteStore, serve: Serve,
                                                         connect: Connect,
                                                         bodies: Bodies) -> None:
    await store.create_mailbox("example.com!user.bob")
    await play_session(serve, connect, make_conf, "virtdomains: off\n",
                       transaction("alice@example.org", "250 2.1.5 Recipient OK")
                       + "    S: 250 2.0.0 <alice@example.org> Delivered {…}\n")
    assert len(await bodies("user.bob")) == 1  # bob@example.com, Bob@Roost.Test: one copy
    assert len(await bodies("user.bob.Lists")) == 0  # no `p` there: INBOX
    assert len(await bodies("user.alice")) == 1
    assert await bodies("example.com!user.bob") == []
