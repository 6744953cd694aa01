"""`uid_ranges`: count, lowest and highest live UID of many mailboxes in
one call (what NNTP's LIST ACTIVE and GROUP show), checked against the
records themselves."""

from __future__ import annotations

import random
from collections.abc import Callable

from roost.store.api import AppendMessage, UidRange

from .conftest import AnyStore


async def test_uid_ranges_match_the_records(store: AnyStore,
                                            make_message: Callable[..., bytes]) -> None:
    rng = random.Random(7)
    ids = []
    for n in range(40):
        info = await store.create_mailbox(f"news.g{n}")
        ids.append(info.id)
        count = rng.randrange(6)
        if count:
            await store.append_messages(info.id, [AppendMessage(make_message(n * 10 + i))
                                                  for i in range(count)])
        gone = [uid for uid in range(1, count + 1) if rng.random() < 0.4]
        if gone:
            await store.purge(info.id, gone)  # expunged: the bounds move, the count drops
    ranges = await store.uid_ranges([*ids, ids[0], 999_999])
    assert set(ranges) == set(ids)  # a missing mailbox is left out, a repeat answered once
    for mailbox_id in ids:
        uids = [rec.uid for rec in await store.messages(mailbox_id)]
        expected = UidRange(len(uids), min(uids), max(uids)) if uids else UidRange(0, 0, 0)
        assert ranges[mailbox_id] == expected
    assert await store.uid_ranges([]) == {}
