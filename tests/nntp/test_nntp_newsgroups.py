"""Group names <-> mailbox names, as Cyrus's nntpd maps them (newsprefix,
the `newsgroups` wildmat; never users' folders nor deleted ones)."""

from __future__ import annotations

from pathlib import Path

from roost.config import parse_config
from roost.nntp.newsgroups import Newsgroups


def news(text: str) -> Newsgroups:
    return Newsgroups(parse_config(text, Path("imapd.conf")))


def test_with_a_prefix() -> None:
    groups = news("newsprefix: news\n")
    assert groups.mailbox("comp.lang") == "news.comp.lang"
    assert groups.group("news.comp.lang") == "comp.lang"
    assert groups.group("comp.lang") is None
    assert groups.group("newsy.thing") is None
    assert groups.mailbox("a*b") is None and groups.mailbox("") is None


def test_without_a_prefix_every_shared_folder_but_users_and_deleted_ones() -> None:
    groups = news("")
    assert groups.group("announcements") == "announcements"
    assert groups.group("user.bob.news") is None
    assert groups.mailbox("user.bob") is None
    assert groups.group("DELETED.announcements.5F3A2B1C") is None


def test_the_newsgroups_wildmat_narrows() -> None:
    groups = news("newsprefix: news\nnewsgroups: comp.*,!comp.secret.*\n")
    assert groups.mailbox("comp.lang") == "news.comp.lang"
    assert groups.mailbox("comp.secret.x") is None
    assert groups.group("news.rec.bikes") is None
