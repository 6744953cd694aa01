"""Stored ACLs: kept in the order first set, inherited by new children as
Cyrus does, changed in one transaction each with a MailboxAclChanged in the
feed, dropped with the mailbox; on every backend."""

from __future__ import annotations

from roost.store.api import OWNER_RIGHTS, AclEntry, MailboxAclChanged

from .conftest import AnyStore

ANYONE_LRS = (AclEntry("anyone", "lrs"),)

async def test_a_users_inbox_gives_its_owner_every_right(store: AnyStore) -> None:
    info = await store.create_mailbox("user.bob", default_acl=ANYONE_LRS)
    assert info.acl == (AclEntry("bob", OWNER_RIGHTS),)
    domain = await store.create_mailbox("example.com!user.bob")
    assert domain.acl == (AclEntry("bob@example.com", OWNER_RIGHTS),)


async def test_children_inherit_the_nearest_existing_ancestor(store: AnyStore) -> None:
    inbox = await store.create_mailbox("user.bob")
    await store.set_acl(inbox.id, "alice", "lr")
    deep = await store.create_mailbox("user.bob.a.b.c")
    assert deep.acl == (AclEntry("bob", OWNER_RIGHTS), AclEntry("alice", "lr"))
    await store.set_acl(inbox.id, "alice", "")
    assert (await store.get_mailbox("user.bob.a.b.c")).acl == deep.acl  # a copy, not a link


async def test_top_level_shared_mailboxes_get_the_default(store: AnyStore) -> None:
    assert (await store.create_mailbox("news", default_acl=ANYONE_LRS)).acl == ANYONE_LRS
    assert (await store.create_mailbox("bare")).acl == ()
    assert (await store.create_mailbox("news.today")).acl == ANYONE_LRS


async def test_entries_keep_their_place_and_modes_apply_in_the_store(store: AnyStore) -> None:
    info = await store.create_mailbox("shared")
    for identifier in ("carol", "-bob", "anyone"):
        await store.set_acl(info.id, identifier, "lr")
    await store.set_acl(info.id, "carol", "wsx", mode="add")
    await store.set_acl(info.id, "anyone", "r", mode="remove")
    now = await store.set_acl(info.id, "-bob", "r", mode="remove")
    assert now.acl == (AclEntry("carol", "lrswx"), AclEntry("-bob", "l"), AclEntry("anyone", "l"))
    now = await store.set_acl(info.id, "carol", "lrswx", mode="remove")
    assert [e.identifier for e in now.acl] == ["-bob", "anyone"]
    now = await store.set_acl(info.id, "carol", "a")
    assert [e.identifier for e in now.acl] == ["-bob", "anyone", "carol"]  # back in, last


async def test_an_acl_change_is_in_the_change_feed(store: AnyStore) -> None:
    info = await store.create_mailbox("user.bob")
    await store.set_acl(info.id, "alice", "lr")
    changes = await store.changes_since(info.id, info.highestmodseq)
    assert changes.mailbox == (MailboxAclChanged(info.id),)
    assert await store.mailbox_changes_since(info.id, info.highestmodseq) == changes.mailbox


async def test_candidates_are_found_through_the_acl(store: AnyStore) -> None:
    for name in ("user.bob", "user.alice", "user.alice.Shared", "user.alice.Team", "news"):
        await store.create_mailbox(name)
    shared = await store.get_mailbox("user.alice.Shared")
    team = await store.get_mailbox("user.alice.Team")
    await store.set_acl(shared.id, "bob", "lr")
    await store.set_acl(team.id, "group:staff", "lr")
    await store.set_acl(team.id, "-bob", "lr")
    found = await store.mailboxes_naming(["anyone", "bob"], "bob")
    assert [i.name for i in found] == ["user.alice.Shared", "user.bob"]
    found = await store.mailboxes_naming(["anyone", "bob", "group:staff"], "bob")
    assert [i.name for i in found] == ["user.alice.Shared", "user.alice.Team", "user.bob"]
