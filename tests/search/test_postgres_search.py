"""IMAP SEARCH on a `store_backend: postgres` site: the index is the
PostgreSQL engine in the store's database (`open_index`), fed by the same
indexer (`roost.search.index.feed`) from the PostgreSQL store, and SEARCH
BODY / TEXT / FUZZY answer through it exactly as RFC 9051 §6.4.4 and RFC
6203 say; mail arriving after the indexing is searched directly."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.harness.imap import connect, running_imap
from tests.harness.postgres import Postgres
from tests.harness.site import make_site
from tests.search.mail import message

from roost.search.index.feed import Indexer
from roost.store.names import user_inbox
from roost.store.postgres.fts import PgFtsIndex

BODIES = ("hello there", "Yellow CAFÉ", "running running", "she runs", "nothing")


async def test_search_body_text_fuzzy_through_the_postgres_index(
        tmp_path: Path, cert_dir: Path, postgres: Postgres) -> None:
    site = make_site(tmp_path / "site", cert_dir,
                     f"store_backend: postgres\nstore_dsn: {postgres.new_schema()}\n")
    async with running_imap(site, messages=0) as server:
        store, index = server.ctx.store, server.ctx.search
        assert isinstance(index, PgFtsIndex)
        inbox = await store.get_mailbox(user_inbox("bob"))
        for n, body in enumerate(BODIES):
            await store.append(inbox.id, message(f"note {n}", body, n % 6))
        done = await Indexer(store, index, batch=2).mailboxes(
            [await store.mailbox_by_id(inbox.id)], rebuild=True)
        assert done.messages == len(BODIES)
        assert await asyncio.to_thread(index.marks, "bob") == {inbox.id: len(BODIES)}
        client = await connect(server)
        await client.select("INBOX")
        seen = await client.play("""
            C: a2 SEARCH BODY "ell"
            S: * SEARCH 1 2
            S: a2 OK {…}
            C: a3 SEARCH TEXT "café" NOT BODY "hello"
            S: * SEARCH 2
            S: a3 OK {…}
            C: a4 APPEND INBOX {46+}
            C: Subject: late
            C:
            C: somebody arrived later: shell
            S: * 6 EXISTS
            S: * 6 RECENT
            S: a4 OK {…}
            C: a5 UID SEARCH BODY "ELL"
            S: * SEARCH 1 2 6
            S: a5 OK {…}
            C: a6 SEARCH RETURN (ALL RELEVANCY) FUZZY BODY "runs"
            S: * ESEARCH (TAG "a6") ALL 3:4 RELEVANCY ({…})
            S: a6 OK {…}
        """)
        await client.close()
    scores = [int(n) for n in seen[-2].rpartition("(")[2].rstrip(")").split()]
    assert len(scores) == 2 and max(scores) == 100 and min(scores) >= 1


async def test_rolling_indexer_follows_appends_to_the_postgres_store(
        tmp_path: Path, cert_dir: Path, postgres: Postgres) -> None:
    """`squatter -R`'s loop over the PostgreSQL store: new mail is indexed
    about a second after it arrives, with nothing in delivery waiting."""
    site = make_site(tmp_path / "site", cert_dir,
                     f"store_backend: postgres\nstore_dsn: {postgres.new_schema()}\n")
    async with running_imap(site, messages=1) as server:
        store, index = server.ctx.store, server.ctx.search
        assert index is not None
        stop = asyncio.Event()
        rolling = asyncio.create_task(Indexer(store, index).roll(stop, interval=0.05))
        try:
            inbox = await store.get_mailbox(user_inbox("bob"))
            await store.append(inbox.id, message("s", "arrives while rolling", 0))
            for _ in range(200):  # bounded: 10 s
                if (await asyncio.to_thread(index.marks, "bob")).get(inbox.id) == 2:
                    break
                await asyncio.sleep(0.05)
            answer = await index.lookup("bob", inbox.id, [])
            assert answer is not None and answer.upto == 2
        finally:
            stop.set()
            await rolling
