"""Fill every user's INBOX with the same messages over IMAP before a load run.

FETCH and STORE need messages to work on, and every server must start from
the same mailboxes; APPEND over IMAP is the one way in that all servers
share, so the setup itself does not favour anyone's import tool.

    python -m bench.populate --port 21143 --messages 20
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from bench.imap_client import ImapClient
from bench.mboxgen import messages

CONCURRENCY = 10


async def fill_user(host: str, port: int, user: str, password: str,
                    corpus: list[bytes]) -> None:
    imap = await ImapClient.connect(host, port)
    try:
        reply = await imap.login(user, password)
        if reply.status != "OK":
            raise RuntimeError(f"LOGIN {user}: {reply.status} {reply.text}")
        for raw in corpus:
            reply = await imap.command("APPEND INBOX", raw)
            if reply.status != "OK":
                raise RuntimeError(f"APPEND for {user}: {reply.status} {reply.text}")
        await imap.command("LOGOUT")
    finally:
        await imap.close()


async def populate(host: str, port: int, users: int, user_format: str, password: str,
                   count: int, seed: int = 1) -> None:
    """APPEND `count` corpus messages to INBOX of user1..user`users`."""
    corpus = messages(count, seed)
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(n: int) -> None:
        async with gate:
            await fill_user(host, port, user_format.format(n=n), password, corpus)

    await asyncio.gather(*(one(n) for n in range(1, users + 1)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--user-format", default="user{n}")
    parser.add_argument("--password", default="secret")
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    asyncio.run(populate(args.host, args.port, args.users, args.user_format,
                         args.password, args.messages, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
