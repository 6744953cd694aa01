"""Recipient address -> user id and +detail, or postuser's shared folder
(Cyrus lmtpd rules)."""

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


@pytest.mark.parametrize("address", ["", "+", '"a b"@example.com', '"a@b"@example.com',
                                     "a!b@example.com"])
def test_addresses_that_name_no_user(address: str) -> None:
    assert parse_recipient(PLAIN, address) is None


DOTS = parse_config("unixhierarchysep: no\n")
BB = parse_config("postuser: bb\n")
BB_VIRT = parse_config("postuser: bb\nvirtdomains: userid\ndefaultdomain: home.example\n")


@pytest.mark.parametrize("conf,address,shared", [
    (PLAIN, "+shared/news", "shared.news"),          # Cyrus: empty postuser, "+folder"
    (DOTS, "+shared.news@example.com", "shared.news"),
    (PLAIN, "+shared.news", "shared^news"),          # with "/" a "." is part of a name
    (BB, "bb+shared/announcements@example.com", "shared.announcements"),
    (BB, "BB+Shared/News", "Shared.News"),           # the folder keeps its case
    (BB_VIRT, "bb+news@example.com", "example.com!news"),
    (BB_VIRT, "bb+news@home.example", "news"),
])
def test_postuser_routes_to_shared_folders(conf: Config, address: str, shared: str) -> None:
    route = parse_recipient(conf, address)
    assert route is not None and route.shared == shared and route.userid == ""


def test_postuser_without_detail_is_a_user() -> None:
    assert parse_recipient(BB, "bb@example.com") == Route("bb@example.com", "bb", None)
    assert parse_recipient(BB, "bob+shared/news") == Route("bob+shared/news", "bob",
                                                           "shared/news")
