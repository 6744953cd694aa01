"""Python's nntplib (deprecated, still in 3.11) reads and posts: a real
client's view of CAPABILITIES, GROUP, OVER, ARTICLE, POST and STARTTLS."""

from __future__ import annotations

import asyncio
import io
import ssl
import sys
import warnings

import pytest
from tests.harness.site import PASSWORD
from tests.nntp.conftest import RunningNntp

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    nntplib = pytest.importorskip("nntplib") if sys.version_info < (3, 13) else None

pytestmark = pytest.mark.skipif(nntplib is None, reason="nntplib left Python in 3.13")


def _session(port: int) -> list[object]:
    assert nntplib is not None
    with nntplib.NNTP("127.0.0.1", port, user="bob", password=PASSWORD,
                      readermode=True, timeout=10) as news:
        caps = news.getcapabilities()
        _, count, first, last, name = news.group("test.one")
        _, overviews = news.over((first, last))
        _, info = news.article(2)
        news.post(io.BytesIO(b"From: bob@example.com\r\nNewsgroups: test.two\r\n"
                             b"Subject: via nntplib\r\n\r\n.starts with a dot\r\nend\r\n"))
        _, count2, _, _, _ = news.group("test.two")
        _, posted = news.body(1)
        _, groups = news.list()
        return [caps, (count, first, last, name), overviews, info, count2, posted, groups]


async def test_nntplib_reads_and_posts(nntp_server: RunningNntp) -> None:
    caps, group, overviews, info, count2, posted, groups = await asyncio.to_thread(
        _session, nntp_server.port)
    assert "READER" in caps and "OVER" in caps  # type: ignore[operator]
    assert group == (3, 1, 3, "test.one")
    assert [(n, fields["subject"]) for n, fields in overviews] == [  # type: ignore[attr-defined]
        (1, "Article 1"), (2, "Article 2"), (3, "Article 3")]
    assert overviews[2][1]["references"] == "<1@news.example>"  # type: ignore[index]
    assert info.number == 2 and info.message_id == "<2@news.example>"  # type: ignore[attr-defined]
    assert b".A line starting with a dot." in info.lines  # type: ignore[attr-defined]
    assert count2 == 1
    assert posted.lines == [b".starts with a dot", b"end"]  # type: ignore[attr-defined]
    assert {g.group for g in groups} == {"test.one", "test.two", "test.ro"}  # type: ignore[attr-defined]


def _over_tls(port: int) -> int:
    assert nntplib is not None
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with nntplib.NNTP("127.0.0.1", port, timeout=10) as news:
        news.starttls(context)
        news.login("alice", PASSWORD)
        return news.group("private")[1]


@pytest.mark.conf("allowplaintext: no\n")
async def test_nntplib_starttls_then_login(nntp_server: RunningNntp) -> None:
    assert await asyncio.to_thread(_over_tls, nntp_server.port) == 1
