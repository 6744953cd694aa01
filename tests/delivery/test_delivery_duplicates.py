"""Duplicate delivery suppression (duplicatesuppression, Cyrus's deliver.db):
one copy per Message-ID per mailbox, across a restart of the store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.lmtp.sieve_rig import sendmail_outbox, write_sendmail

from roost.auth.identity import ANONYMOUS
from roost.auth.rights import Access
from roost.config import Config
from roost.delivery import SieveDelivery, deliver
from roost.sieve import SieveOptions, compile_script, dump_compiled
from roost.store.open import open_store
from roost.store.sievedir import SievedirScripts
from roost.store.sqlite import SqliteStore

MESSAGE = b"From: a@example.org\r\nSubject: once\r\nMessage-ID: <once@example.org>\r\n\r\nHi.\r\n"


async def count(store: SqliteStore, mailbox: str) -> int:
    return len(await store.messages((await store.get_mailbox(mailbox)).id))


async def send(store: SqliteStore, conf: Config, recipients: list[str], raw: bytes = MESSAGE,
               sieve: SieveDelivery | None = None) -> list[bool]:
    results = await deliver(Access(store, conf), conf, ANONYMOUS, "a@example.org", recipients,
                            raw, sieve=sieve)
    return [r.ok for r in results]


async def test_the_same_message_id_is_stored_once_per_mailbox(store: SqliteStore,
                                                             conf: Config) -> None:
    assert await send(store, conf, ["bob"]) == [True]
    assert await send(store, conf, ["bob", "alice"]) == [True, True]  # bob's: suppressed, still ok
    assert (await count(store, "user.bob"), await count(store, "user.alice")) == (1, 1)


async def test_suppression_holds_across_a_restart_of_the_store(conf: Config,
                                                               store: SqliteStore) -> None:
    await send(store, conf, ["bob"])
    await store.close()
    reopened = open_store(conf)
    try:
        assert await send(reopened, conf, ["bob"]) == [True]
        assert await count(reopened, "user.bob") == 1
    finally:
        await reopened.close()


async def test_a_second_store_process_sees_the_records(conf: Config, store: SqliteStore) -> None:
    await send(store, conf, ["bob"])
    other = open_store(conf)  # another worker: its own connections and writer
    try:
        assert await send(other, conf, ["bob"]) == [True]
    finally:
        await other.close()
    assert await count(store, "user.bob") == 1


async def test_resent_message_id_wins_and_no_id_is_never_suppressed(store: SqliteStore,
                                                                   conf: Config) -> None:
    resent = b"Resent-Message-ID: <r1@example.org>\r\n" + MESSAGE
    await send(store, conf, ["bob"], resent)
    await send(store, conf, ["bob"], MESSAGE)  # same Message-ID, but tracked by its Resent-
    no_id = b"Subject: anonymous\r\n\r\nHi.\r\n"
    await send(store, conf, ["bob"], no_id)
    await send(store, conf, ["bob"], no_id)
    assert await count(store, "user.bob") == 4


async def test_duplicatesuppression_no_stores_every_copy(
        store: SqliteStore, make_conf: Callable[[str], Config]) -> None:
    conf = make_conf("duplicatesuppression: no\n")
    await send(store, conf, ["bob"])
    await send(store, conf, ["bob"])
    assert await count(store, "user.bob") == 2


async def test_a_duplicate_does_not_run_the_script_again(
        store: SqliteStore, make_conf: Callable[[str], Config], tmp_path: Path) -> None:
    """A retried transaction must not redirect (or answer) a second time."""
    program, outbox = write_sendmail(tmp_path)
    conf = make_conf(f"sendmail: {program}\n")
    scripts = SievedirScripts.from_config(conf)
    source = b'require "copy"; redirect :copy "carol@example.net";'
    options = SieveOptions.from_config(conf)
    await scripts.put_script("bob", "s", source,
                             dump_compiled(compile_script(source, options), source, options))
    await scripts.set_active("bob", "s")
    sieve = SieveDelivery.from_config(conf, scripts)
    for _ in range(2):
        assert await send(store, conf, ["bob"], sieve=sieve) == [True]
    await sieve.outgoing.drain()
    assert len(sendmail_outbox(outbox)) == 1
    assert await count(store, "user.bob") == 1
