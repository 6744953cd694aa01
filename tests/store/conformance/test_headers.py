"""`headers_many` on every backend: the header blocks of many bodies, read without
the rest of their files (FETCH 1:* BODY.PEEK[HEADER.FIELDS (...)])."""

from __future__ import annotations

from .conftest import AnyStore

MESSAGES = [
    b"Subject: one\r\nFrom: a@example.com\r\n\r\nbody one\r\n",
    b"Subject: lf only\nX-Folded: a\n b\n\nbody\n",
    b"Subject: no body at all\r\n",  # all header: the block is the whole message
    b"\r\nonly a body\r\n",  # empty header: the block is the blank line
]


async def blobs_of(store: AnyStore) -> list[str]:
    bob = (await store.create_mailbox("user.bob")).id
    for raw in MESSAGES:
        await store.append(bob, raw)
    return [r.blob for r in await store.messages(bob)]


async def test_header_blocks_by_blob(store: AnyStore) -> None:
    blobs = await blobs_of(store)
    headers = await store.headers_many(blobs + blobs[:1] + ["0" * 64])
    assert headers == {
        blobs[0]: b"Subject: one\r\nFrom: a@example.com\r\n\r\n",
        blobs[1]: b"Subject: lf only\nX-Folded: a\n b\n\n",
        blobs[2]: b"Subject: no body at all\r\n",
        blobs[3]: b"\r\n",
    }  # an unknown body is left out
