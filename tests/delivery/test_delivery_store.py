"""deliver() into a real store: one body, per-recipient results, +detail routing."""

from collections.abc import Callable
from pathlib import Path

from roost.auth.identity import ANONYMOUS, Identity
from roost.auth.rights import Access
from roost.config import Config
from roost.delivery import Failure, RecipientResult, deliver
from roost.store.open import open_store
from roost.store.sqlite import SqliteStore

#: An LMTP client authenticated as an administrator: like everyone, it posts
#: to a +detail folder only where the folder's ACL grants it `p`.
ADMIN = Identity("cyrus", is_admin=True)
RAW = b"Return-Path: <a@example.org>\r\nSubject: hi\r\n\r\nbody\r\n"


async def mailbox_bodies(store: SqliteStore, mailbox: str) -> list[bytes]:
    info = await store.get_mailbox(mailbox)
    return [await store.body(rec.blob) for rec in await store.messages(info.id)]


async def deliver_as(sender: Identity, store: SqliteStore, conf: Config, envelope_from: str,
                     recipients: list[str], raw: bytes) -> list[RecipientResult]:
    return await deliver(Access(store, conf), conf, sender, envelope_from, recipients, raw)


def files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()]


async def test_one_body_file_for_three_recipients(store: SqliteStore, conf: Config,
                                                  tmp_path: Path) -> None:
    results = await deliver_as(ANONYMOUS, store, conf, "a@example.org",
                               ["bob", "alice", "carol"], RAW)
    assert [(r.recipient, r.ok) for r in results] == [
        ("bob", True), ("alice", True), ("carol", True)]
    blobs = {r.stored[0].mailbox: (await store.messages(r.stored[0].mailbox_id))[0].blob
             for r in results}
    assert set(blobs) == {"user.bob", "user.alice", "user.carol"}
    assert len(set(blobs.values())) == 1
    assert [f.read_bytes() for f in files_under(tmp_path / "spool")] == [RAW]


async def test_unknown_user_fails_alone(store: SqliteStore, conf: Config) -> None:
    results = await deliver_as(ANONYMOUS, store, conf, "",
                               ["bob", "nobody", "alice@example.com"], RAW)
    assert [(r.recipient, r.failure) for r in results] == [
        ("bob", None), ("nobody", Failure.UNKNOWN_USER), ("alice@example.com", None)]
    assert await mailbox_bodies(store, "user.alice") == [RAW]


async def test_no_known_recipient_stores_nothing(store: SqliteStore, conf: Config,
                                                 tmp_path: Path) -> None:
    results = await deliver_as(ANONYMOUS, store, conf, "", ["ghost", "+x"], RAW)
    assert [r.failure for r in results] == [Failure.UNKNOWN_USER] * 2
    assert files_under(tmp_path / "spool") == []


async def grant(store: SqliteStore, names: list[str], identifier: str = "anyone",
                rights: str = "p") -> None:
    for name in names:
        await store.set_acl((await store.get_mailbox(name)).id, identifier, rights)


async def test_detail_needs_the_post_right(store: SqliteStore, conf: Config) -> None:
    # Cyrus lmtpd: +detail files into the folder only with `p` for the
    # sender; anonymous holds none without an ACL, so the INBOX takes it.
    results = await deliver_as(ANONYMOUS, store, conf, "", ["bob+Lists", "bob+Nope"], RAW)
    assert [r.stored[0].mailbox for r in results] == ["user.bob", "user.bob"]
    await grant(store, ["user.bob.Lists"], "anonymous")
    await grant(store, ["user.bob.Lists.Work"], "anyone", "lr")  # no p: still the INBOX
    results = await deliver_as(ANONYMOUS, store, conf, "", ["bob+Lists", "bob+Lists/Work"], RAW)
    assert [r.stored[0].mailbox for r in results] == ["user.bob.Lists", "user.bob"]


async def test_a_negative_entry_takes_the_post_right_away(store: SqliteStore,
                                                          conf: Config) -> None:
    await grant(store, ["user.bob.Lists"], "anyone", "lrp")
    await grant(store, ["user.bob.Lists"], "-anonymous", "p")
    [result] = await deliver_as(ANONYMOUS, store, conf, "", ["bob+Lists"], RAW)
    assert result.stored[0].mailbox == "user.bob"


async def test_detail_goes_to_the_folder_if_it_exists(store: SqliteStore, conf: Config) -> None:
    await grant(store, ["user.bob.Lists", "user.bob.Lists.Work"], "cyrus")
    results = await deliver_as(ADMIN, store, conf, "",
                               ["bob+Lists", "bob+Lists/Work", "bob+Nope"], RAW)
    assert [r.stored[0].mailbox for r in results] == [
        "user.bob.Lists", "user.bob.Lists.Work", "user.bob"]


async def test_detail_levels_follow_the_hierarchy_separator(
        make_conf: Callable[[str], Config], store: SqliteStore) -> None:
    dotted = make_conf("unixhierarchysep: no\n")
    await grant(store, ["user.bob.Lists.Work"])
    [result] = await deliver_as(ADMIN, store, dotted, "", ["bob+Lists.Work"], RAW)
    assert result.stored[0].mailbox == "user.bob.Lists.Work"


async def test_same_mailbox_twice_gets_one_copy(store: SqliteStore, conf: Config) -> None:
    results = await deliver_as(ANONYMOUS, store, conf, "", ["bob", "BOB@example.com"], RAW)
    assert all(r.ok for r in results)
    assert results[0].stored == results[1].stored
    assert await mailbox_bodies(store, "user.bob") == [RAW]


async def test_virtual_domains(make_conf: Callable[[str], Config], store: SqliteStore) -> None:
    virt = make_conf("virtdomains: userid\ndefaultdomain: home.example\n")
    await grant(store, ["example.com!user.bob.Lists"])
    results = await deliver_as(ADMIN, store, virt, "", [
        "bob@example.com", "bob+Lists@Example.com", "bob@home.example", "alice@example.com"], RAW)
    assert [r.stored[0].mailbox if r.ok else r.failure for r in results] == [
        "example.com!user.bob", "example.com!user.bob.Lists", "user.bob",
        Failure.UNKNOWN_USER]


async def test_user_with_a_dot(store: SqliteStore, conf: Config) -> None:
    [result] = await deliver_as(ANONYMOUS, store, conf, "", ["john.doe@example.com"], RAW)
    assert result.stored[0].mailbox == "user.john^doe"


async def test_delivered_copies_survive_reopening(conf: Config, store: SqliteStore) -> None:
    await deliver_as(ANONYMOUS, store, conf, "", ["bob", "alice"], RAW)
    again = open_store(conf)
    try:
        assert await mailbox_bodies(again, "user.bob") == [RAW]
        assert await mailbox_bodies(again, "user.alice") == [RAW]
    finally:
        await again.close()
