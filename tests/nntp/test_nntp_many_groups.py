"""LIST ACTIVE, GROUP and NEWGROUPS over many groups (more than one query's
worth of mailboxes), some empty, some with articles expunged at either
end: each line's high and low are those of the group's live articles
(RFC 3977 §7.6.3, §6.1.1.2: an empty group reports low = high + 1),
answered from the store's counts rather than from every article."""

from __future__ import annotations

import random

from tests.nntp.conftest import NntpTranscript, RunningNntp, article

from roost.store.api import AppendMessage

GROUPS = 510  # past the 500 mailboxes of one IN (...) query


async def make_groups(server: RunningNntp) -> dict[str, str]:
    """The groups many.gNNN and the LIST ACTIVE line each should get."""
    store, rng = server.ctx.store, random.Random(3977)
    expected = {}
    for n in range(GROUPS):
        name = f"many.g{n:03}"
        info = await store.create_mailbox(f"news.{name}")
        await store.set_acl(info.id, "anyone", "lrsp" if n % 2 else "lr")
        count = rng.randrange(5)
        if count:
            await store.append_messages(info.id, [AppendMessage(article(n * 10 + i))
                                                  for i in range(count)])
        gone = [uid for uid in range(1, count + 1) if rng.random() < 0.3]
        if gone:
            await store.purge(info.id, gone)
        live = [rec.uid for rec in await store.messages(info.id)]
        uidnext = count + 1
        high, low = (max(live), min(live)) if live else (uidnext - 1, uidnext)
        expected[name] = f"{name} {high} {low} {'y' if n % 2 else 'n'}"
    return expected


async def test_list_active_over_many_groups(nntp: NntpTranscript,
                                            nntp_server: RunningNntp) -> None:
    expected = await make_groups(nntp_server)
    await nntp.send(b"LIST ACTIVE many.*\r\n")
    assert (await nntp.readline()).startswith("215 ")
    assert await nntp.block() == [expected[name] for name in sorted(expected)]
    for name in ("many.g000", "many.g123", "many.g509"):
        _, high, low, _ = expected[name].split()
        count = len(await nntp_server.ctx.store.messages(
            (await nntp_server.ctx.store.get_mailbox(f"news.{name}")).id))
        await nntp.play(f"""
            C: GROUP {name}
            S: 211 {count} {low} {high} {name}
        """)
    await nntp.send(b"NEWGROUPS 19700101 000000\r\n")
    assert (await nntp.readline()).startswith("231 ")
    listed = [line for line in await nntp.block() if line.startswith("many.")]
    assert listed == [expected[name] for name in sorted(expected)]
