"""Annotations (`MetadataStore`: shared and per-user private values,
server entries, all-or-nothing writes, TOOMANY, entries going with RENAME
and DELETE) and URLAUTH access keys (`UrlAuthStore`), on every backend."""

from __future__ import annotations

import pytest

from roost.store.api import MailboxNotFound
from roost.store.metadata import MetadataStore, MetadataTooMany
from roost.store.urlauth import UrlAuthStore

from .conftest import AnyStore


async def test_shared_private_and_server(store: AnyStore) -> None:
    assert isinstance(store, MetadataStore)
    box = (await store.create_mailbox("user.bob")).id
    await store.set_metadata(box, "bob", {"/shared/comment": b"s", "/private/comment": b"b"}, 10)
    await store.set_metadata(box, "alice", {"/private/comment": b"a"}, 10)
    assert await store.metadata(box, "bob") == {"/shared/comment": b"s", "/private/comment": b"b"}
    assert await store.metadata(box, "alice") == {"/shared/comment": b"s", "/private/comment": b"a"}
    await store.set_metadata(None, "bob", {"/shared/motd": b"hi"}, 10)
    assert await store.metadata(None, "alice") == {"/shared/motd": b"hi"}
    await store.set_metadata(box, "bob", {"/shared/comment": None}, 10)
    assert await store.metadata(box, "bob") == {"/private/comment": b"b"}


async def test_toomany_undoes_the_whole_call(store: AnyStore) -> None:
    box = (await store.create_mailbox("user.bob")).id
    await store.set_metadata(box, "bob", {"/shared/a": b"1", "/shared/b": b"2"}, 2)
    with pytest.raises(MetadataTooMany):
        await store.set_metadata(box, "bob", {"/shared/a": b"changed", "/shared/c": b"3"}, 2)
    assert await store.metadata(box, "bob") == {"/shared/a": b"1", "/shared/b": b"2"}
    await store.set_metadata(box, "bob", {"/private/a": b"own count"}, 2)  # a scope apart


async def test_rename_keeps_delete_drops(store: AnyStore) -> None:
    box = (await store.create_mailbox("user.bob.A")).id
    await store.set_metadata(box, "bob", {"/shared/comment": b"c"}, 10)
    await store.rename_mailbox(box, "user.bob.B")
    assert await store.metadata(box, "bob") == {"/shared/comment": b"c"}
    await store.delete_mailbox(box)
    with pytest.raises(MailboxNotFound):
        await store.metadata(box, "bob")
    again = (await store.create_mailbox("user.bob.B")).id
    assert await store.metadata(again, "bob") == {}
    assert store.check() == []


async def test_urlauth_keys_one_per_user_and_mailbox(store: AnyStore) -> None:
    assert isinstance(store, UrlAuthStore)
    box = (await store.create_mailbox("user.bob")).id
    other = (await store.create_mailbox("user.bob.Sent")).id
    assert await store.access_key("bob", box) is None
    assert await store.make_access_key("bob", box, b"k1") == b"k1"
    assert await store.make_access_key("bob", box, b"k2") == b"k1"  # kept, not replaced
    assert await store.make_access_key("bob", other, b"k3") == b"k3"
    await store.reset_keys("bob", box)
    assert [await store.access_key("bob", b) for b in (box, other)] == [None, b"k3"]
    await store.reset_keys("bob")
    assert await store.access_key("bob", other) is None
    await store.make_access_key("bob", box, b"k4")
    await store.delete_mailbox(box)  # RFC 4467 §2.3: the key goes with the mailbox
    assert await store.access_key("bob", box) is None
