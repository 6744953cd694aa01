"""The `metadata` table behind `MetadataStore`: shared and per-user private
values, server entries, all-or-nothing writes, TOOMANY, and a mailbox's
entries going with RENAME, DELETE and delayed delete."""

from __future__ import annotations

from roost.store.sqlite import SqliteStore


async def test_delayed_delete_keeps_entries_with_the_kept_mailbox(store: SqliteStore) -> None:
    box = (await store.create_mailbox("user.bob.Trash")).id
    await store.set_metadata(box, "bob", {"/shared/comment": b"c", "/private/comment": b"p"}, 10)
    await store.delete_mailbox(box)
    [kept] = [m for m in await store.list_mailboxes() if m.name.startswith("DELETED.")]
    assert await store.metadata(kept.id, "bob") == {"/shared/comment": b"c",
                                                   "/private/comment": b"p"}
    restored = await store.rename_mailbox(kept.id, "user.bob.Trash")
    assert (await store.metadata(restored.id, "bob"))["/shared/comment"] == b"c"
