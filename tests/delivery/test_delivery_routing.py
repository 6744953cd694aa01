"""Recipient address -> user id and +detail (Cyrus lmtpd rules)."""

import pytest

from roost.config import Config, parse_config
from roost.delivery import Route, parse_recipient

PLAIN = parse_config("")
VIRT = parse_config("virtdomains: userid\ndefaultdomain: home.example\n")
KEEP_CASE = parse_config("lmtp_downcase_rcpt: no\n")


@pytest.mark.parametrize("conf,address,userid,detail", [
    (PLAIN, "bob", "bob", None),
    (PLAIN, "Bob@Example.COM", "bob", None),           # virtdomains off: domain dropped
    (PLAIN, "bob+Lists@example.com", "bob", "Lists"),  # the detail keeps its case
    (PLAIN, "bob+@example.com", "bob", None),
    (PLAIN, "bob+a+b", "bob", "a+b"),
    (PLAIN, "john.doe@example.com", "john.doe", None),
    (PLAIN, '"bob"@example.com', "bob", None),
    (VIRT, "Bob@Example.COM", "bob@example.com", None),
    (VIRT, "bob@HOME.example", "bob", None),           # defaultdomain stripped
    (VIRT, "bob", "bob", None),
    (VIRT, "bob+Lists@example.com", "bob@example.com", "Lists"),
    (KEEP_CASE, "Bob@example.com", "Bob", None),
])
def test_routes(conf: Config, address: str, userid: str, detail: str | None) -> None:
    assert parse_recipient(conf, address) == Route(address, userid, detail)


@pytest.mark.parametrize("address", ["", "+detail", '"a b"@example.com', '"a@b"@example.com',
                                     "a!b@example.com"])
def test_addresses_that_name_no_user(address: str) -> None:
    assert parse_recipient(PLAIN, address) is None
