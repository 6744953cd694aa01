"""Memory of a server whose clients ask for a lot and never read it.

N clients each LOGIN, SELECT INBOX and send `FETCH 1:* BODY.PEEK[]` over a
mailbox of large messages, with a tiny receive buffer, and never read
again. The server must hold only a bounded buffer per connection, cut the
clients off after `write_timeout` and give the memory back. Reports the
PSS of the server's process tree (bench.memory) before, at its peak while
the clients hang, and after they were cut off.

    python -m bench.unread_output --clients 200 --messages 10 --size 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import time

from bench.imap_client import ImapClient
from bench.memory import tree_pss_mib
from bench.roost_side import RoostSide

PASSWORD = "secret"
#: Not bench.roost_side.IMAP_PORT: other benchmarks may run beside this one.
IMAP_PORT = 21190



async def fill(messages: int, size: int) -> None:
    client = await ImapClient.connect("127.0.0.1", IMAP_PORT)
    await client.login("user1", PASSWORD)
    body = b"Subject: big\r\n\r\n" + (b"z" * 998 + b"\r\n") * (size // 1000)
    for _ in range(messages):
        await client.command("APPEND INBOX", body)
    await client.close()


def hanging_client() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", IMAP_PORT))
    sock.sendall(f"a LOGIN user1 {PASSWORD}\r\nb SELECT INBOX\r\n"
                 "c FETCH 1:* BODY.PEEK[]\r\n".encode())
    return sock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--write-timeout", type=int, default=10)
    args = parser.parse_args(argv)
    side = RoostSide(users=1, password=PASSWORD, workers=1, imap_port=IMAP_PORT,
                     extra_conf=f"write_timeout: {args.write_timeout}\n")
    side.start()
    try:
        asyncio.run(fill(args.messages, args.size))
        baseline, _ = tree_pss_mib(side.pid)
        clients = [hanging_client() for _ in range(args.clients)]
        peak = baseline
        deadline = time.monotonic() + args.write_timeout + 15
        while time.monotonic() < deadline:
            peak = max(peak, tree_pss_mib(side.pid)[0])
            time.sleep(0.5)
        after, _ = tree_pss_mib(side.pid)
        for sock in clients:
            sock.close()
        asked = args.clients * args.messages * args.size / 2**20
        print(f"{args.clients} clients asked for {asked:.0f} MiB and read none of it")
        print(f"server PSS: baseline {baseline:.0f} MiB, peak {peak:.0f} MiB, "
              f"after write_timeout {after:.0f} MiB")
    finally:
        side.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
