"""Delivery routing options over real LMTP: `postuser` into shared folders
(with `p` only), `lmtp_fuzzy_mailbox_match`, and `autocreate_post` with
`autocreate_quota`, `autocreate_inbox_folders` and
`autocreate_subscribe_folders`."""

from __future__ import annotations

from tests.lmtp.conftest import Bodies
from tests.lmtp.lmtp_client import ConfFactory, Connect, Serve
from tests.lmtp.routing_session import play_session

from roost.store.sqlite import SqliteStore

DATA = """
    C: DATA
    S: 354 {…}
    C: Subject: routed
    C:
    C: Hello.
    C: .
"""


async def test_postuser_posts_into_shared_folders_with_p(
        make_conf: ConfFactory, store: SqliteStore, serve: Serve, connect: Connect,
        bodies: Bodies) -> None:
    news = await store.create_mailbox("shared.announcements")
    await store.set_acl(news.id, "anyone", "p")
    await store.create_mailbox("shared.closed")  # no `p` for anyone
    await play_session(serve, connect, make_conf, "postuser: bb\nunixhierarchysep: no\n", """
        C: RCPT TO:<bb+shared.announcements@example.com>
        S: 250 2.1.5 Recipient OK
        C: RCPT TO:<bb+shared.closed@example.com>
        S: 550 5.1.1 User unknown
        C: RCPT TO:<bb+shared.missing@example.com>
        S: 550 5.1.1 User unknown
        C: RCPT TO:<bb@example.com>
        S: 550 5.1.1 User unknown
    """ + DATA + """
        S: 250 2.0.0 <bb+shared.announcements@example.com> Delivered {…}
    """)
    assert len(await bodies("shared.announcements")) == 1
    assert await bodies("shared.closed") == []


async def test_fuzzy_match_finds_the_closest_folder(
        make_conf: ConfFactory, store: SqliteStore, serve: Serve, connect: Connect,
        bodies: Bodies) -> None:
    for name in ("user.bob.Spam", "user.bob.Mailing Lists", "user.bob.Mailing Lists.Work"):
        info = await store.create_mailbox(name)
        await store.set_acl(info.id, "anyone", "p")
    await play_session(serve, connect, make_conf, "lmtp_fuzzy_mailbox_match: yes\n", """
        C: RCPT TO:<bob+spam/probably@example.com>
        S: 250 2.1.5 Recipient OK
        C: RCPT TO:<bob+mailing-lists/WORK@example.com>
        S: 250 2.1.5 Recipient OK
        C: RCPT TO:<bob+nothing-like-it@example.com>
        S: 250 2.1.5 Recipient OK
    """ + DATA + """
        S: 250 2.0.0 <bob+spam/probably@example.com> Delivered {…}
        S: 250 2.0.0 <bob+mailing-lists/WORK@example.com> Delivered {…}
        S: 250 2.0.0 <bob+nothing-like-it@example.com> Delivered {…}
    """)
    assert len(await bodies("user.bob.Spam")) == 1
    assert len(await bodies("user.bob.Mailing Lists.Work")) == 1
    assert await bodies("user.bob.Mailing Lists") == []
    assert len(await bodies("user.bob")) == 1  # no match at all: the INBOX


async def test_without_fuzzy_match_a_near_miss_goes_to_the_inbox(
        make_conf: ConfFactory, store: SqliteStore, serve: Serve, connect: Connect,
        bodies: Bodies) -> None:
    info = await store.create_mailbox("user.bob.Spam")
    await store.set_acl(info.id, "anyone", "p")
    await play_session(serve, connect, make_conf, "", """
        C: RCPT TO:<bob+spam@example.com>
        S: 250 2.1.5 Recipient OK
    """ + DATA + """
        S: 250 2.0.0 <bob+spam@example.com> Delivered {…}
    """)
    assert await bodies("user.bob.Spam") == []
    assert len(await bodies("user.bob")) == 1


async def test_autocreate_post_makes_the_inbox(
        make_conf: ConfFactory, store: SqliteStore, serve: Serve, connect: Connect,
        bodies: Bodies) -> None:
    conf_text = ("autocreate_post: yes\nautocreate_quota: 2000\n"
                 "autocreate_quota_messages: 50\n"
                 "autocreate_inbox_folders: Junk | Archive/2026\n"
                 "autocreate_subscribe_folders: Junk\n")
    await play_session(serve, connect, make_conf, conf_text, """
        C: RCPT TO:<dave@example.com>
        S: 250 2.1.5 Recipient OK
    """ + DATA + """
        S: 250 2.0.0 <dave@example.com> Delivered {…}
    """)
    assert len(await bodies("user.dave")) == 1
    names = [info.name for info in await store.list_mailboxes("user.dave")]
    assert names == ["user.dave", "user.dave.Archive.2026", "user.dave.Junk"]
    root = await store.quota_root_of("user.dave.Junk")
    assert root is not None and root.root == "user.dave"
    assert {(r.name, r.limit) for r in root.resources} == {("STORAGE", 2000), ("MESSAGE", 50)}
    assert await store.subscriptions("dave") == ["user.dave.Junk"]


async def test_autocreate_needs_autocreate_quota(
        make_conf: ConfFactory, store: SqliteStore, serve: Serve, connect: Connect) -> None:
    await play_session(serve, connect, make_conf, "autocreate_post: yes\n", """
        C: RCPT TO:<dave@example.com>
        S: 550 5.1.1 User unknown
    """)
    assert [info.name for info in await store.list_mailboxes("user.dave")] == []
