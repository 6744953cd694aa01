"""Over-quota deliveries end to end: the store's OverQuota becomes `452
4.2.2` (or `552 5.2.2` with lmtp_over_quota_perm_failure), per recipient,
with nothing stored for that one and the others delivered."""

from tests.lmtp.conftest import Bodies
from tests.lmtp.lmtp_client import ConfFactory, Connect, Serve, Transcript

from roost.store.sqlite import SqliteStore

TO_BOB_AND_ALICE = """
    C: LHLO mx.test
    C: MAIL FROM:<a@example.org>
    C: RCPT TO:<bob>
    C: RCPT TO:<alice>
    C: DATA
    S: 250-lmtp.test
    S: 250-{…}
    S: 250-{…}
    S: 250-{…}
    S: 250 SIZE{…}
    S: 250 2.1.0 Sender OK
    S: 250 2.1.5 Recipient OK
    S: 250 2.1.5 Recipient OK
    S: 354 {…}
    C: Subject: big
    C:
    C: {body}
    C: .
    S: {bob}
    S: 250 2.0.0 <alice> Delivered {…}
"""


async def test_over_quota_is_a_temporary_failure(lmtp: Transcript, store: SqliteStore,
                                                 bodies: Bodies) -> None:
    await store.set_quota("user.bob", {"STORAGE": 1})
    await lmtp.play(TO_BOB_AND_ALICE.replace("{body}", "x" * 1100)
                    .replace("{bob}", "452 4.2.2 {…}"))
    assert await bodies("user.bob") == []
    assert len(await bodies("user.alice")) == 1
    assert {r.name: r.usage for r in (await store.get_quota("user.bob")).resources} == {
        "STORAGE": 0}


async def test_perm_failure_option_gives_552(make_conf: ConfFactory, serve: Serve,
                                             connect: Connect, store: SqliteStore,
                                             bodies: Bodies) -> None:
    conf = make_conf("lmtp_over_quota_perm_failure: yes\n")
    client = await connect(await serve(conf))
    await client.expect("220 lmtp.test LMTP Roost ready")
    await store.set_quota("user.bob", {"MESSAGE": 0})
    await client.play(TO_BOB_AND_ALICE.replace("{body}", "small")
                      .replace("{bob}", "552 5.2.2 {…}"))
    assert await bodies("user.bob") == []


async def test_delivery_counts_into_the_root(lmtp: Transcript, store: SqliteStore) -> None:
    await store.set_quota("user.bob", {"MESSAGE": 1})
    await lmtp.play(TO_BOB_AND_ALICE.replace("{body}", "one")
                    .replace("{bob}", "250 2.0.0 <bob> Delivered {…}"))
    assert (await store.get_quota("user.bob")).resources[0].usage == 1
