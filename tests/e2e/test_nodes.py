"""Several nodes over one store: two or three `roost master` processes, each
with a site directory of its own (its own configdirectory: blob cache,
passwords, local state), over ONE PostgreSQL schema and ONE S3 bucket.
What one node writes, the others serve; what one node acknowledged survives
its death (docs/scaling.md, "Several nodes" and "Consistency").

Real sockets on 127.0.0.1, real `roost master` subprocesses, the test run's
PostgreSQL cluster and moto's S3 server (tests/harness/postgres.py, s3.py).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import smtplib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from tests.harness.imap import ImapTranscript
from tests.harness.master import Master, running_master
from tests.harness.postgres import Postgres
from tests.harness.s3 import Bucket
from tests.harness.site import PASSWORD, make_site

from roost.store.names import user_inbox

SERVICES = {"imap": "imapd", "lmtp": "lmtpd"}
APPENDUID = re.compile(r"\[APPENDUID (\d+) (\d+)\]")
#: The bound the issue sets for another node's untagged update (LISTEN/NOTIFY).
WAKE_SECONDS = 1.0


@contextmanager
def nodes(root: Path, cert_dir: Path, postgres: Postgres, bucket: Bucket,
          count: int, services: dict[str, str] = SERVICES,
          extra: str = "") -> Iterator[list[Master]]:
    """`count` masters, each its own site directory, one schema and one bucket
    (and `extra` imapd.conf lines), running `services`; bob's INBOX created
    through the first. Shared with test_nodes_sessions.py."""
    shared = (f"store_backend: postgres\nstore_dsn: {postgres.new_schema()}\n"
              + bucket.config("mail/") + extra)
    with ExitStack() as stack:
        masters = [stack.enter_context(running_master(
            make_site(root / f"node{n}", cert_dir, shared), services)) for n in range(count)]
        asyncio.run(_create_inbox(masters[0]))
        yield masters


async def _create_inbox(master: Master) -> None:
    admin = await session(master, "admin")
    await admin.command(f"CREATE {user_inbox('bob').replace('.', '/')}")
    await admin.close()


async def session(master: Master, user: str = "bob") -> ImapTranscript:
    reader, writer = await asyncio.open_connection("127.0.0.1", master.ports["imap"])
    client = ImapTranscript(reader, writer)
    assert (await client.readline()).startswith("* OK")
    await client.command(f"LOGIN {user} {PASSWORD}")
    return client


def message(label: str) -> bytes:
    return f"From: a@example.com\r\nSubject: {label}\r\n\r\nbody of {label}\r\n".encode()


async def append(client: ImapTranscript, body: bytes) -> tuple[int, int]:
    """APPEND with LITERAL+ (RFC 7888); (UIDVALIDITY, UID) of its APPENDUID (RFC 4315 §3)."""
    tag = client.tag()
    await client.send(f"{tag} APPEND INBOX {{{len(body)}+}}\r\n".encode() + body + b"\r\n")
    while not (line := await client.readline()).startswith(tag + " "):
        pass
    found = APPENDUID.search(line)
    assert line.startswith(f"{tag} OK") and found, line
    return int(found[1]), int(found[2])


async def uids_and_bodies(client: ImapTranscript) -> dict[int, bytes]:
    """Every message of the selected mailbox: UID -> its BODY[] (literal)."""
    tag = client.tag()
    await client.send(f"{tag} UID FETCH 1:* (BODY.PEEK[])\r\n".encode())
    found: dict[int, bytes] = {}
    while not (line := await client.readline()).startswith(tag + " "):
        head = re.match(r"\* \d+ FETCH \(.*UID (\d+).*\{(\d+)\}$", line)
        assert head, line
        body = await client.reader.readexactly(int(head[2]))
        await client.readline()  # the closing ")"
        found[int(head[1])] = body
    assert line.startswith(f"{tag} OK"), line
    return found


def deliver(master: Master, body: bytes) -> None:
    with smtplib.LMTP("127.0.0.1", master.ports["lmtp"]) as lmtp:
        assert lmtp.sendmail("a@example.com", ["bob"], body) == {}  # every 250 given


def test_lmtp_delivery_on_one_node_wakes_idle_on_another(
        tmp_path: Path, cert_dir: Path, postgres: Postgres, bucket: Bucket) -> None:
    async def check(a: Master, b: Master) -> None:
        bob = await session(b)
        await bob.select("INBOX")
        await bob.play("""
            C: i1 IDLE
            S: + idling
        """)
        for n in range(1, 4):  # three deliveries, three wake-ups
            await asyncio.to_thread(deliver, a, message(f"wake {n}"))
            # after the 250 from node A, node B's untagged EXISTS within a second
            assert await bob.readline(timeout=WAKE_SECONDS) == f"* {n} EXISTS"
            assert await bob.readline(timeout=WAKE_SECONDS) == f"* {n} RECENT"
        await bob.play("""
            C: DONE
            S: i1 OK {…}
        """)
        await bob.close()

    with nodes(tmp_path, cert_dir, postgres, bucket, 2) as (a, b):
        asyncio.run(check(a, b))


async def modseqs(client: ImapTranscript) -> dict[int, int]:
    """UID -> MODSEQ of every message of the selected mailbox (RFC 7162 §3.1.4)."""
    lines = await client.command("UID FETCH 1:* (MODSEQ)")
    pairs = (re.search(r"UID (\d+) MODSEQ \((\d+)\)|MODSEQ \((\d+)\) UID (\d+)", line)
             for line in lines[:-1])
    return {int(m[1] or m[4]): int(m[2] or m[3]) for m in pairs if m}


def test_two_nodes_appending_to_one_mailbox_never_reuse_a_uid(
        tmp_path: Path, cert_dir: Path, postgres: Postgres, bucket: Bucket) -> None:
    """UIDs, MODSEQs and quota usage stay exact with both nodes writing at once."""
    clients_per_node, each = 3, 8
    total = 2 * clients_per_node * each

    async def writer(node: Master, label: str) -> list[tuple[int, int, bytes]]:
        client = await session(node)
        done = []
        for n in range(each):
            body = message(f"{label} #{n}")
            done.append((*await append(client, body), body))
        await client.close()
        return done

    async def check(masters: list[Master]) -> None:
        admin = await session(masters[0], "admin")
        await admin.command("SETQUOTA user/bob (STORAGE 100000 MESSAGE 1000)")
        await admin.close()
        lanes = await asyncio.gather(*(writer(node, f"node{k} client{c}")
                                       for k, node in enumerate(masters)
                                       for c in range(clients_per_node)))
        acked = [entry for lane in lanes for entry in lane]
        assert len({validity for validity, _, _ in acked}) == 1
        uids = [uid for _, uid, _ in acked]
        assert len(set(uids)) == len(uids) == total
        for lane in lanes:  # each client's UIDs rise in the order it appended
            assert [uid for _, uid, _ in lane] == sorted(uid for _, uid, _ in lane)
        for node in masters:  # each node serves every message, each under its UID
            reader = await session(node)
            await reader.select("INBOX")
            assert await uids_and_bodies(reader) == {uid: body for _, uid, body in acked}
            given = await modseqs(reader)
            assert sorted(given) == sorted(uids)
            assert [given[uid] for uid in sorted(given)] == sorted(set(given.values()))
            await reader.close()
        storage = sum(len(body) for _, _, body in acked) // 1024  # RFC 9208 §5.1: KiB
        for node in masters:  # the usage both nodes charged, each message once
            admin = await session(node, "admin")
            assert (await admin.command("GETQUOTA user/bob"))[0] == (
                f'* QUOTA "user/bob" (STORAGE {storage} 100000 MESSAGE {total} 1000)')
            await admin.close()

    with nodes(tmp_path, cert_dir, postgres, bucket, 2) as masters:
        asyncio.run(check(masters))


def kill_node(master: Master) -> None:
    """SIGKILL the node's whole process tree: master and workers, no goodbye."""
    for pid in [*master.workers(), master.proc.pid]:
        os.kill(pid, signal.SIGKILL)


def test_a_node_killed_mid_append_loses_nothing_it_acknowledged(
        tmp_path: Path, cert_dir: Path, postgres: Postgres, bucket: Bucket) -> None:
    clients, kill_after, bound = 4, 12, 200

    async def writer(node: Master, label: str, acked: dict[int, bytes]) -> None:
        client = await session(node)
        try:
            for n in range(bound):  # the kill ends this long before the bound
                body = message(f"{label} #{n}")
                acked[(await append(client, body))[1]] = body
                if len(acked) == kill_after:
                    kill_node(node)
        except (ConnectionError, OSError, asyncio.IncompleteReadError, TimeoutError):
            return  # the node is gone: what it acknowledged is all that counts
        raise AssertionError("the node was never killed")

    async def check(a: Master, b: Master) -> None:
        acked: dict[int, bytes] = {}
        await asyncio.gather(*(writer(a, f"client{c}", acked) for c in range(clients)))
        assert a.proc.wait(timeout=30) == -signal.SIGKILL
        assert len(acked) >= kill_after
        survivor = await session(b)
        await survivor.select("INBOX")
        stored = await uids_and_bodies(survivor)
        assert {uid: stored.get(uid) for uid in acked} == acked
        # and the mailbox takes new mail on the node that is left
        _, uid = await append(survivor, message("after the kill"))
        assert uid > max(stored)
        await survivor.close()

    with nodes(tmp_path, cert_dir, postgres, bucket, 2) as (a, b):
        asyncio.run(check(a, b))


def test_a_flag_set_on_one_node_shows_at_the_next_noop_on_another(
        tmp_path: Path, cert_dir: Path, postgres: Postgres, bucket: Bucket) -> None:
    async def check(a: Master, b: Master) -> None:
        deliver(a, message("to be flagged"))
        watcher = await session(b)
        await watcher.select("INBOX")
        setter = await session(a)
        await setter.select("INBOX")
        await setter.play(r"""
            C: s1 STORE 1 +FLAGS.SILENT (\Flagged)
            S: s1 OK {…}
        """)
        await watcher.play(r"""
            C: n1 NOOP
            S: * 1 FETCH (FLAGS (\Recent \Flagged))
            S: n1 OK {…}
        """)
        await setter.close()
        await watcher.close()

    with nodes(tmp_path, cert_dir, postgres, bucket, 2) as (a, b):
        asyncio.run(check(a, b))


def test_three_nodes_serve_one_mailbox(
        tmp_path: Path, cert_dir: Path, postgres: Postgres, bucket: Bucket) -> None:
    """What is delivered on each of three nodes is served, body and all, by
    every one of them, each fetching the bodies into its own cache."""
    async def check(masters: list[Master]) -> None:
        sent = {}
        for k, node in enumerate(masters):
            body = message(f"through node {k}")
            deliver(node, body)
            sent[k + 1] = body
        for node in masters:
            reader = await session(node)
            await reader.select("INBOX")
            assert {uid: body.endswith(sent[uid])
                    for uid, body in (await uids_and_bodies(reader)).items()} == \
                {uid: True for uid in sent}  # each after its Return-Path
            await reader.close()

    with nodes(tmp_path, cert_dir, postgres, bucket, 3) as masters:
        asyncio.run(check(masters))
    assert len(bucket.object_names("mail/default/")) == 3  # one body each, shared
