"""How many passwords an attacker gets checked per second.

50 connections guess user1's password as fast as they can, each hanging up
right after sending its LOGIN (so a pause after the failure costs the
attacker nothing), against Roost with two worker processes. Afterwards the
failures counted in the site's shared state (`roost.net.shared_state`) say
how many guesses were really checked: throttled attempts are answered
without a check and are not counted.

    python -m bench.login_guessing --seconds 10 --pause 1
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from bench.roost_side import RoostSide

PASSWORD = "secret"
#: Not bench.roost_side.IMAP_PORT: other benchmarks may run beside this one.
IMAP_PORT = 21191



async def guesser(stop: float, sent: list[int]) -> None:
    while time.monotonic() < stop:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", IMAP_PORT)
            await reader.readline()
            writer.write(b"a LOGIN user1 guess%d\r\n" % sent[0])
            sent[0] += 1
            await writer.drain()
            await asyncio.sleep(0.01)  # hang up without waiting for the answer
            writer.close()
        except OSError:
            await asyncio.sleep(0.01)


async def attack(seconds: float, connections: int) -> int:
    sent = [0]
    stop = time.monotonic() + seconds
    await asyncio.gather(*(guesser(stop, sent) for _ in range(connections)))
    return sent[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--pause", type=int, default=1)
    args = parser.parse_args(argv)
    side = RoostSide(users=1, password=PASSWORD, workers=2, imap_port=IMAP_PORT,
                     extra_conf=f"failedloginpause: {args.pause}\n")
    side.start()
    try:
        sent = asyncio.run(attack(args.seconds, args.connections))
        time.sleep(args.pause + 1.0)  # let queued attempts finish
        from roost.store.sqlite.shared_state import SqliteSharedState
        state = SqliteSharedState.in_directory(str(side.root / "config"))
        checked, _ = state.failures("user:user1")
        state.close()
        print(f"{args.connections} connections sent {sent} guesses in {args.seconds:g} s "
              f"({sent / args.seconds:.0f}/s); {checked} were checked "
              f"({checked / args.seconds:.1f}/s) with failedloginpause {args.pause}")
    finally:
        side.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
