"""The session registry across nodes: two `roost master` processes over one
PostgreSQL schema and one bucket share the POP3 maildrop lock (RFC 1939
§8), failed-login counts, and the sessions a user RENAME ends; a node
killed with SIGKILL leaves none of its locks behind (docs/scaling.md,
"The session registry"). Real sockets, poplib and IMAP transcripts; the
nodes come from test_nodes.py's helpers.
"""

from __future__ import annotations

import asyncio
import poplib
import time
from pathlib import Path

from tests.e2e.test_nodes import kill_node, nodes, session
from tests.harness.master import Master
from tests.harness.postgres import Postgres
from tests.harness.s3 import Bucket
from tests.harness.site import PASSWORD

from roost.store.names import user_inbox
from roost.store.postgres.shared_state import PostgresSharedState

SERVICES = {"imap": "imapd", "pop3": "pop3d", "lmtp": "lmtpd"}
#: Tries, 0.1 s apart, for what must reach the other node.
TRIES = 100


def pop3_login(master: Master, password: str = PASSWORD) -> poplib.POP3:
    """A POP3 session of bob's in TRANSACTION (it holds the maildrop), or
    poplib.error_proto with the server's -ERR."""
    client = poplib.POP3("127.0.0.1", master.ports["pop3"], timeout=30)
    try:
        client.user("bob")
        client.pass_(password)
    except poplib.error_proto:
        client.close()
        raise
    return client


def refusal(master: Master) -> bytes:
    try:
        pop3_login(master).quit()
    except poplib.error_proto as err:
        return bytes(err.args[0])
    raise AssertionError("the maildrop was given to a second session")


def test_a_maildrop_held_on_one_node_is_refused_on_the_other_until_that_node_dies(
        tmp_path: Path, cert_dir: Path, postgres: Postgres, bucket: Bucket) -> None:
    with nodes(tmp_path, cert_dir, postgres, bucket, 2, SERVICES) as (a, b):
        holder = pop3_login(a)
        assert holder.stat() == (0, 0)
        # RFC 2449 §8.1.1: the same answer a second session on one node gets
        assert refusal(b) == b"-ERR [IN-USE] Unable to lock maildrop: Mailbox is locked by POP server"
        kill_node(a)  # SIGKILL: no QUIT, no goodbye, its rows stay behind
        for _ in range(TRIES):
            try:
                taker = pop3_login(b)
                break
            except poplib.error_proto as err:
                assert b"[IN-USE]" in err.args[0]
                time.sleep(0.1)
        else:
            raise AssertionError("the dead node's maildrop lock was never freed")
        assert taker.stat() == (0, 0)
        taker.quit()
        holder.close()


def test_bad_passwords_on_both_nodes_count_for_one_user(
        tmp_path: Path, cert_dir: Path, postgres: Postgres, bucket: Bucket) -> None:
    with nodes(tmp_path, cert_dir, postgres, bucket, 2, SERVICES,
               extra="failedloginpause: 1\n") as (a, b):
        registry = PostgresSharedState(a.site.conf.store_dsn, "the test")
        try:
            for node, failures in ((a, 1), (b, 2)):
                assert refusal_of_password(node).startswith(b"-ERR [AUTH]")
                assert registry.failures("user:bob")[0] == failures
            # ... and a wrong guess on A made B's next attempt wait its slot
            assert registry.failures("addr:127.0.0.1")[0] == 2
            pop3_login(b).quit()  # a success forgets the account's failures
            assert registry.failures("user:bob") == (0, 0.0)
        finally:
            registry.close()


def refusal_of_password(master: Master) -> bytes:
    try:
        pop3_login(master, "not the password").quit()
    except poplib.error_proto as err:
        return bytes(err.args[0])
    raise AssertionError("a wrong password logged in")


def test_renaming_a_user_on_one_node_ends_the_session_on_the_other(
        tmp_path: Path, cert_dir: Path, postgres: Postgres, bucket: Bucket) -> None:
    async def check(a: Master, b: Master) -> None:
        bob = await session(b)
        await bob.select("INBOX")
        admin = await session(a, "admin")
        old, new = (user_inbox(name).replace(".", "/") for name in ("bob", "robert"))
        await admin.command(f"RENAME {old} {new}")
        for _ in range(TRIES):  # Cyrus's proc_killuser: bob's next command meets BYE
            tag = bob.tag()
            await bob.send(f"{tag} NOOP\r\n".encode())
            if (line := await bob.readline()) == "* BYE Session ended by an administrator":
                assert await bob.reader.read() == b""  # and the connection closes
                break
            while not line.startswith(f"{tag} OK"):  # the rename has not reached it yet
                line = await bob.readline()
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("bob's session on the other node was never ended")
        await admin.close()

    with nodes(tmp_path, cert_dir, postgres, bucket, 2, SERVICES) as (a, b):
        asyncio.run(check(a, b))
