"""The `metadata` table behind `MetadataStore`: shared and per-user private
values, server entries, all-or-nothing writes, TOOMANY, and a mailbox's
entries going with RENAME, DELETE and delayed delete."""

from __future__ import annotations

from pathlib import Path

import pytest

from roost.store.api import MailboxNotFound
from roost.store.metadata import MetadataStore, MetadataTooMany
from roost.store.sqlite import SqliteStore


async def test_shared_private_and_server(store: SqliteStore) -> None:
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


async def test_toomany_undoes_the_whole_call(store: SqliteStore) -> None:
    box = (await store.create_mailbox("user.bob")).id
    await store.set_metadata(box, "bob", {"/shared/a": b"1", "/shared/b": b"2"}, 2)
    with pytest.raises(MetadataTooMany):
        await store.set_metadata(box, "bob", {"/shared/a": b"changed", "/shared/c": b"3"}, 2)
    assert await store.metadata(box, "bob") == {"/shared/a": b"1", "/shared/b": b"2"}
    await store.set_metadata(box, "bob", {"/private/a": b"own count"}, 2)  # a scope apart


async def test_rename_keeps_delete_drops(tmp_path: Path, partitions: dict[str, Path]) -> None:
    store = SqliteStore(tmp_path / "m.db", partitions, delete_mode="immediate")
    try:
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
    finally:
        await store.close()


async def test_delayed_delete_keeps_entries_with_the_kept_mailbox(store: SqliteStore) -> None:
    box = (await store.create_mailbox("user.bob.Trash")).id
    await store.set_metadata(box, "bob", {"/shared/comment": b"c", "/private/comment": b"p"}, 10)
    await store.delete_mailbox(box)
    [kept] = [m for m in await store.list_mailboxes() if m.name.startswith("DELETED.")]
    assert await store.metadata(kept.id, "bob") == {"/shared/comment": b"c",
                                                   "/private/comment": b"p"}
    restored = await store.rename_mailbox(kept.id, "user.bob.Trash")
    assert (await store.metadata(restored.id, "bob"))["/shared/comment"] == b"c"
