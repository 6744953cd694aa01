"""Feeding (`newspeer`): an article posted on one Roost reaches its peer
with IHAVE, both servers named in its Path; a group the peer's wildmat
leaves out stays here."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.harness.site import make_site
from tests.nntp.conftest import EXTRA_CONF, connect, running_nntp


async def test_a_posted_article_is_fed_to_the_peer(tmp_path: Path, cert_dir: Path) -> None:
    downstream_site = make_site(tmp_path / "down", cert_dir,
                                EXTRA_CONF + "newspeer: 127.0.0.1\nservername: down.test\n")
    async with running_nntp(downstream_site) as downstream:
        one = await downstream.ctx.store.get_mailbox("news.test.one")
        await downstream.ctx.store.set_acl(one.id, "news", "p")
        upstream_site = make_site(tmp_path / "up", cert_dir, EXTRA_CONF + (
            f"newspeer: 127.0.0.1:{downstream.port}/test.*,!test.two\n"))
        async with running_nntp(upstream_site) as upstream:
            client = await connect(upstream)
            await client.play("""
                C: POST
                S: 340 {…}
                C: From: bob@example.com
                C: Newsgroups: test.one
                C: Subject: travels
                C: Message-ID: <fed@example.com>
                C:
                C: hello peer
                C: .
                S: 240 {…}
                C: POST
                S: 340 {…}
                C: From: bob@example.com
                C: Newsgroups: test.two
                C: Subject: stays
                C: Message-ID: <local@example.com>
                C:
                C: only here
                C: .
                S: 240 {…}
            """)
            await client.close()
            store = downstream.ctx.store
            for _ in range(100):  # the feed runs after the 240: wait for it, bounded
                found = await store.messages_with_message_id("fed@example.com")
                if found:
                    break
                await asyncio.sleep(0.05)
            assert len(found) == 1
            raw = await store.body(found[0][1].blob)
            assert raw.startswith(b"Path: down.test!roost.test!.POSTED!not-for-mail\r\n")
            assert await store.messages_with_message_id("local@example.com") == []
