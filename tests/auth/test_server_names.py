"""The server address's name for virtdomains: on (roost.auth.server_names):
the hosts file first, then the system resolver; Cyrus's "after the first
label" rule for the domain."""

from __future__ import annotations

from pathlib import Path

import pytest

from roost.auth.server_names import AddressNames, domain_of_host, name_in_hosts_file
from roost.config import parse_config

HOSTS = """\
# comment line
127.0.0.1   mail.example.com mail   # trailing comment
::1         ip6.example.org
10.0.0.1
"""


@pytest.mark.parametrize(("address", "name"), [
    ("127.0.0.1", "mail.example.com"),
    ("::1", "ip6.example.org"),
    ("0:0:0:0:0:0:0:1", "ip6.example.org"),  # the same address, written long
    ("10.0.0.1", None),                      # no name on the line
    ("10.0.0.2", None),
    ("not-an-address", None),
])
def test_hosts_file_lines(address: str, name: str | None) -> None:
    assert name_in_hosts_file(HOSTS, address) == name


@pytest.mark.parametrize(("host", "domain"), [
    ("mail.example.com", "example.com"),
    ("mail.Example.COM.", "example.com"),
    ("a.b.c.example.com", "b.c.example.com"),
    ("localhost", None),
    ("mail.", None),
    (None, None),
])
def test_domain_after_the_first_label(host: str | None, domain: str | None) -> None:
    assert domain_of_host(host) == domain


async def test_the_file_is_read_before_the_resolver(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text(HOSTS)
    names = AddressNames(parse_config(f"virtdomains_hostsfile: {hosts}\n"))
    assert await names.domain_of("127.0.0.1") == "example.com"
    assert await names.domain_of(None) is None  # a unix socket
    hosts.write_text("127.0.0.1 mx.example.net\n")  # read at each lookup
    assert await names.domain_of("127.0.0.1") == "example.net"


async def test_a_missing_file_falls_back_to_the_resolver(tmp_path: Path) -> None:
    names = AddressNames(parse_config(f"virtdomains_hostsfile: {tmp_path / 'none'}\n"))
    # 192.0.2.0/24 is TEST-NET-1 (RFC 5737): no reverse name, so no domain.
    assert await names.domain_of("192.0.2.1") is None
