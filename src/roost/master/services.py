"""The programs a cyrus.conf SERVICES entry may name, and how each is started.

`cmd="imapd -s"` runs the IMAP service with implicit TLS (Cyrus's `-s`);
`lmtpd` the LMTP service; `nntpd` NNTP (`-r` readers only, `-f` feeders
only). A path before the program name is ignored so a
Cyrus cyrus.conf (`cmd="/usr/lib/cyrus/bin/imapd"`) works unchanged. A
program Roost does not have yet is a ConfigError naming the line.
"""

from __future__ import annotations

import asyncio
import importlib
import posixpath
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from roost.config import ConfigError
from roost.config.cyrusconf import Entry
from roost.master.context import ServerContext


class StartService(Protocol):
    def __call__(self, ctx: ServerContext, sock: socket.socket, *,
                 implicit_tls: bool, maxchild: int) -> Awaitable[asyncio.AbstractServer]: ...


# program name -> "module:function" of its start function
PROGRAMS: dict[str, str] = {
    "imapd": "roost.imap.server:start_imap",
    "lmtpd": "roost.lmtp.server:start_lmtp",
    "timsieved": "roost.managesieve.server:start_managesieve",
    "managesieve": "roost.managesieve.server:start_managesieve",
    "pop3d": "roost.pop3.server:start_pop3",
    "nntpd": "roost.nntp.server:start_nntp",
}

#: Program flags besides -s, as the keyword arguments of its start function:
#: Cyrus's `nntpd -r` serves readers only, `nntpd -f` feeders only.
MODE_FLAGS: dict[str, dict[str, dict[str, bool]]] = {
    "nntpd": {"-r": {"feeder": False}, "-f": {"reader": False}},
}


@dataclass(frozen=True, slots=True)
class Service:
    """One SERVICES entry, checked: its program is known."""

    entry: Entry
    program: str
    implicit_tls: bool

    @property
    def maxchild(self) -> int:
        """cyrus.conf `maxchild=`: most connections at once (Cyrus: processes,
        one connection each); -1 or unset: no limit, returned as 0."""
        try:
            return max(0, int(self.entry.args.get("maxchild", "-1")))
        except ValueError:
            raise ConfigError(f"{self.entry.where()}: maxchild= is not a number") from None

    @property
    def modes(self) -> dict[str, bool]:
        """The keyword arguments MODE_FLAGS gives this entry's flags."""
        flags = MODE_FLAGS.get(self.program, {})
        return {key: value for word in self.entry.cmd[1:] for key, value
                in flags.get(word, {}).items()}

    def starter(self) -> Callable[..., Awaitable[asyncio.AbstractServer]]:
        module, _, func = PROGRAMS[self.program].partition(":")
        start: Callable[..., Awaitable[asyncio.AbstractServer]] = getattr(
            importlib.import_module(module), func)
        return start


def check_service(entry: Entry) -> Service:
    """The service an entry names, or ConfigError naming its file and line."""
    words = entry.cmd
    if not words:
        raise ConfigError(f"{entry.where()}: service {entry.name!r} has no cmd=")
    program = posixpath.basename(words[0])
    if program not in PROGRAMS:
        known = ", ".join(sorted(PROGRAMS))
        raise ConfigError(
            f"{entry.where()}: service {entry.name!r}: Roost has no {program!r} yet "
            f"(it has: {known})")
    return Service(entry, program, implicit_tls="-s" in words[1:])
