"""The name of the server address a client connected to, for
`virtdomains: on`: the domain of a login without one.

Cyrus (global.c `canonify_userid`) asks `getnameinfo(NI_NAMEREQD)` for
the local address of the connection and takes the host name's part after
its first label (`mail.example.com` -> `example.com`); no name, or a name
without a dot, leaves the login in the default domain. `AddressNames` is
that lookup, held by the worker's context (`ServerContext.server_names`)
so a site, or a test on 127.0.0.1, can name its addresses in a file in
/etc/hosts format (`virtdomains_hostsfile`, Roost's own option), read
before the system resolver.

Invariants: the lookup never raises (a failure is "no name"); the file is
read at each lookup, so an edit applies to the next login.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from pathlib import Path

from roost.config import Config


def _same_address(one: str, two: str) -> bool:
    try:
        return ipaddress.ip_address(one) == ipaddress.ip_address(two)
    except ValueError:
        return False


def name_in_hosts_file(text: str, address: str) -> str | None:
    """The canonical (first) name of `address` in /etc/hosts-format
    `text` (hosts(5): `address name [alias...]`, `#` comments), or None."""
    for line in text.splitlines():
        fields = line.partition("#")[0].split()
        if len(fields) >= 2 and _same_address(fields[0], address):
            return fields[1]
    return None


def domain_of_host(name: str | None) -> str | None:
    """The domain Cyrus takes from a host name: after the first label."""
    if name is None:
        return None
    _, dot, domain = name.rstrip(".").partition(".")
    return domain.lower() if dot and domain else None


class AddressNames:
    """Host names of the server's own addresses (see the module docstring)."""

    def __init__(self, conf: Config) -> None:
        self.hosts_file = conf.virtdomains_hostsfile

    async def name_of(self, address: str) -> str | None:
        """The host name of `address`: the hosts file's, else the resolver's."""
        if self.hosts_file:
            try:
                text = await asyncio.to_thread(Path(self.hosts_file).read_text, "utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            name = name_in_hosts_file(text, address)
            if name is not None:
                return name
        try:
            host, _ = await asyncio.get_running_loop().getnameinfo(
                (address, 0), socket.NI_NAMEREQD)
        except (OSError, UnicodeError):  # socket.gaierror is an OSError
            return None
        return str(host)

    async def domain_of(self, address: str | None) -> str | None:
        """The login domain of a connection to `address` (None: a unix
        socket, or no dotted name)."""
        if address is None:
            return None
        return domain_of_host(await self.name_of(address))
