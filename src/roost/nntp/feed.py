"""News peers (`newspeer`, as Cyrus reads it): who may feed us with IHAVE,
and feeding them the articles posted here.

Each entry is `[user[:pass]@]host[:port][/wildmat]` (or the older
`host:wildmat`), whitespace-separated.
A client whose address is one of a peer host's addresses may IHAVE (other
clients get 502). After a POST succeeds the article is offered to every
peer whose wildmat takes one of its groups (`@` instead of `!` refuses the
whole article when it is cross-posted there) and whose name is not in the
article's Path: with IHAVE, or, where a user is given (even empty), with
POST after MODE READER and AUTHINFO, as Cyrus does. A feed that fails is
logged; the post has succeeded already.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from dataclasses import dataclass

from roost.config import ConfigError
from roost.nntp.responses import Stuffer
from roost.nntp.wildmat import BadWildmat, Wildmat, parse_wildmat

log = logging.getLogger(__name__)
FEED_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class Peer:
    host: str
    port: int = 119
    user: str | None = None
    password: str = ""
    #: (mark, pattern): mark "" feeds, "!" leaves the group out, "@" the article.
    patterns: tuple[tuple[str, Wildmat], ...] = ()

    def wants(self, groups: tuple[str, ...]) -> bool:
        """Per group the rightmost matching pattern decides (RFC 3977 §4.2)."""
        if not self.patterns:
            return True
        feed = False
        for group in groups:
            mark = next((mark for mark, pattern in reversed(self.patterns)
                         if pattern.matches(group)), "!")
            if mark == "@":
                return False
            feed = feed or mark == ""
        return feed


def parse_peers(text: str) -> list[Peer]:
    """The `newspeer` entries; a malformed wildmat is a ConfigError."""
    peers = []
    for entry in text.split():
        entry, slash, wildmat = entry.partition("/")
        head, colon, tail = entry.rpartition(":")
        if not slash and colon and any(ch in tail for ch in "!*?,."):
            entry, wildmat = head, tail  # Cyrus's older host:wildmat form
        user: str | None = None
        password = ""
        if "@" in entry:
            credentials, _, entry = entry.rpartition("@")
            user, _, password = credentials.partition(":")
        host, _, port = entry.partition(":")
        try:
            patterns = tuple((item[0] if item[0] in "!@" else "",
                              parse_wildmat(item.lstrip("!@")))
                             for item in wildmat.split(",") if item) if wildmat else ()
        except BadWildmat as err:
            raise ConfigError(f"newspeer {entry}: {err}") from None
        peers.append(Peer(host, int(port) if port.isdigit() else 119, user, password, patterns))
    return peers


async def is_peer(peers: list[Peer], address: str | None) -> bool:
    """Whether `address` is one of the peers' hosts' addresses."""
    if address is None:
        return False
    loop = asyncio.get_running_loop()
    for peer in peers:
        try:
            infos = await loop.getaddrinfo(peer.host, None, type=socket.SOCK_STREAM)
        except OSError:
            continue
        if any(info[4][0] == address for info in infos):
            return True
    return False


def _in_path(host: str, raw: bytes) -> bool:
    header = raw.split(b"\r\n\r\n", 1)[0]
    for line in header.split(b"\r\n"):
        if line.lower().startswith(b"path:"):
            return host.encode() in line[5:].strip().split(b"!")
    return False


async def _expect(reader: asyncio.StreamReader, prefix: bytes) -> None:
    line = await reader.readline()
    if not line.startswith(prefix):
        raise ConnectionError(f"peer said {line[:80]!r}")


async def _feed_one(peer: Peer, message_id: str, raw: bytes) -> None:
    reader, writer = await asyncio.open_connection(peer.host, peer.port)
    try:
        await _expect(reader, b"20")
        if peer.user is None:
            writer.write(f"IHAVE <{message_id}>\r\n".encode())
            await _expect(reader, b"335")
        else:
            writer.write(b"MODE READER\r\n")
            await reader.readline()
            if peer.user:
                writer.write(f"AUTHINFO USER {peer.user}\r\n".encode())
                if (await reader.readline()).startswith(b"381"):
                    writer.write(f"AUTHINFO PASS {peer.password}\r\n".encode())
                    await _expect(reader, b"281")
            writer.write(b"POST\r\n")
            await _expect(reader, b"340")
        stuffer = Stuffer()
        writer.write(stuffer.chunk(raw) + stuffer.end())
        await _expect(reader, b"2")
        writer.write(b"QUIT\r\n")
        await writer.drain()
    finally:
        writer.close()


async def feed(peers: list[Peer], message_id: str, groups: tuple[str, ...], raw: bytes) -> None:
    """Offer one article to every peer that wants it; failures are logged."""
    for peer in peers:
        if not peer.wants(groups) or _in_path(peer.host, raw):
            continue
        try:
            async with asyncio.timeout(FEED_TIMEOUT):
                await _feed_one(peer, message_id, raw)
        except (OSError, ConnectionError, TimeoutError) as err:
            log.warning("nntp feed of <%s> to %s:%d failed: %s", message_id, peer.host,
                        peer.port, err)
