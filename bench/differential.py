"""The same IMAP session against Debian's Cyrus and Roost, and where they differ.

    python -m bench.differential bench/sessions/basics.txt

A session file holds one command per line (`\\r\\n` in a line stands for a
line break, for literals); user1/secret logs in. Both servers run on
loopback in throwaway sites with Cyrus 3 defaults (altnamespace and
unixhierarchysep on). Replies are normalised (timings, server-generated
IDs) and each command whose replies differ is printed for both servers:
a place to look, not a verdict. Some differences are deliberate (response
codes Roost adds, reply order inside FETCH); the rest are bugs.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import sys

from bench.cyrus_side import ADMIN, CyrusSide
from bench.imap_client import ImapClient
from bench.roost_side import RoostSide

PASSWORD = "secret"
_NOISE = [
    (re.compile(r" \(\d+\.\d+ secs?( \d+ calls)?\)| \(\d+ msgs in \d+\.\d+ secs\)"), ""),
    (re.compile(r"UIDVALIDITY \d+"), "UIDVALIDITY n"),
    (re.compile(r"COPYUID \d+"), "COPYUID n"),
    (re.compile(r"APPENDUID \d+"), "APPENDUID n"),
    (re.compile(r'INTERNALDATE "[^"]*"'), 'INTERNALDATE "..."'),
    # A mailbox name may go out as an atom or a quoted string (RFC 9051 §9).
    (re.compile(r'(\* (?:LIST|LSUB|STATUS) .*?)"([A-Za-z0-9/._-]+)"(\r\n| \()'), r"\1\2\3"),
    (re.compile(r"(\* OK \[[A-Z]+ [^]]*\]|\* BYE) [^\r\n]*"), r"\1 ..."),
]


class AltCyrus(CyrusSide):
    """Cyrus with the Cyrus 3 upstream defaults Roost also has."""

    def _write_config(self) -> None:
        super()._write_config()
        conf = self.root / "imapd.conf"
        conf.write_text(conf.read_text().replace("unixhierarchysep: no", "unixhierarchysep: yes")
                        .replace("altnamespace: no", "altnamespace: yes"))

    async def create_mailboxes(self) -> None:
        imap = await ImapClient.connect("127.0.0.1", self.imap_port)
        try:
            await imap.login(ADMIN, self.password)
            for n in range(1, self.users + 1):
                await imap.command(f"CREATE user/user{n}")
            await imap.command("LOGOUT")
        finally:
            await imap.close()


def run_session(port: int, lines: list[str]) -> dict[str, str]:
    """Each command's replies (up to its tagged one), by tag."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    replies: dict[str, str] = {}
    buffer = b""
    sock.recv(65536)  # greeting
    sock.sendall(f"a0 LOGIN user1 {PASSWORD}\r\n".encode())
    for line in ["", *lines]:
        if line:
            sock.sendall(line.replace("\\r\\n", "\r\n").encode() + b"\r\n")
        tag = (line.split(" ", 1)[0] if line else "a0").encode()
        while not re.search(rb"(^|\r\n)" + re.escape(tag) + rb" [^\r\n]*\r\n", buffer):
            chunk = sock.recv(65536)
            if not chunk:
                break
            buffer += chunk
        end = re.search(rb"(^|\r\n)" + re.escape(tag) + rb" [^\r\n]*\r\n", buffer)
        cut = end.end() if end else len(buffer)
        text = buffer[:cut].decode("utf-8", "replace")
        buffer = buffer[cut:]
        for pattern, replacement in _NOISE:
            text = pattern.sub(replacement, text)
        replies[tag.decode()] = text
    sock.close()
    return replies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("session", help="file of IMAP commands, one a line")
    parser.add_argument("--ports", type=int, nargs=2, metavar=("CYRUS", "ROOST"),
                        default=(21143, 21144), help="loopback IMAP ports of the two servers")
    args = parser.parse_args(argv)
    with open(args.session) as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    cyrus = AltCyrus(3, PASSWORD, imap_port=args.ports[0])
    roost = RoostSide(3, PASSWORD, workers=1, imap_port=args.ports[1])
    cyrus.start()
    roost.start()
    try:
        theirs, ours = run_session(cyrus.imap_port, lines), run_session(roost.imap_port, lines)
    finally:
        cyrus.stop()
        roost.stop()
    differing = 0
    for line in lines:
        tag = line.split(" ", 1)[0]
        if theirs.get(tag) != ours.get(tag):
            differing += 1
            print(f">> {line[:120]}\n-- cyrus\n{theirs.get(tag, '')}-- roost\n{ours.get(tag, '')}")
    print(f"{differing} of {len(lines)} commands differ", file=sys.stderr)
    return 0


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    sys.exit(main())
