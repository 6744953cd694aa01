"""POST and IHAVE on a full disk: 441 and 436 (try again later, RFC 3977
§6.3.2), nothing stored, the session usable."""

from __future__ import annotations

from pathlib import Path

from tests.harness.fullfs import fill, tiny_filesystem
from tests.harness.site import make_site
from tests.nntp.conftest import EXTRA_CONF, article, connect, running_nntp


async def test_a_full_disk_refuses_articles_for_now(tmp_path: Path, cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir, EXTRA_CONF + "newspeer: 127.0.0.1\n")
    with tiny_filesystem(site.root / "spool") as spool:
        async with running_nntp(site) as server:
            one = await server.ctx.store.get_mailbox("news.test.one")
            await server.ctx.store.set_acl(one.id, "news", "p")
            client = await connect(server)
            fill(spool)
            fed = "\n".join(f"C: {line}" for line in
                            article(7).decode().rstrip("\r\n").split("\r\n"))
            await client.play(f"""
                C: POST
                S: 340 {{…}}
                C: From: bob@example.com
                C: Newsgroups: test.one
                C: Subject: no room
                C:
                C: body
                C: .
                S: 441 {{…}}StorageFull{{…}}
                C: IHAVE <7@news.example>
                S: 335 {{…}}
                {fed}
                C: .
                S: 436 {{…}}
                C: GROUP test.one
                S: 211 3 1 3 test.one
            """)
            await client.close()
            assert await server.group_count("news.test.one") == 3
