"""POST and IHAVE (RFC 3977 §6.3) with the checks and header fields of
RFC 5537 §3.5/§3.6; refused articles leave the store as it was."""

from __future__ import annotations

import pytest
from tests.nntp.conftest import NntpTranscript, RunningNntp, article

POSTED = """
    C: From: Bob <bob@example.com>
    C: Newsgroups: test.two
    C: Subject: Hello news
    C:
    C: First line.
    C: ..Dotted line.
    C: .
"""


async def _body(nntp: NntpTranscript, ref: str) -> list[str]:
    await nntp.send(f"ARTICLE {ref}\r\n".encode())
    assert (await nntp.readline()).startswith("220 ")
    return await nntp.block()


@pytest.mark.conf("newspostuser: bb\ndefaultdomain: example.com\n")
async def test_post_adds_the_injection_headers(nntp: NntpTranscript,
                                               nntp_server: RunningNntp) -> None:
    await nntp.play("""
        C: POST
        S: 340 {…}
    """ + POSTED + """
        S: 240 <{…}@roost.test> Article received ok
        C: GROUP test.two
        S: 211 1 1 1 test.two
    """)
    lines = await _body(nntp, "1")
    header = lines[:lines.index("")]
    assert header[0] == "Path: roost.test!.POSTED!not-for-mail"
    names = [line.split(":")[0] for line in header]
    assert {"Date", "Message-ID", "Injection-Date", "To"} <= set(names)
    assert "To: bb+test.two@example.com" in header
    assert lines[lines.index(""):] == ["", "First line.", ".Dotted line."]
    assert await nntp_server.group_count("news.test.two") == 1


async def test_post_to_two_groups_keeps_one_article(nntp: NntpTranscript,
                                                    nntp_server: RunningNntp) -> None:
    await nntp.play("""
        C: POST
        S: 340 {…}
        C: From: bob@example.com
        C: Newsgroups: test.one,test.two,not.carried
        C: Subject: crossposted
        C: Message-ID: <cross@example.com>
        C:
        C: hi
        C: .
        S: 240 <cross@example.com> {…}
        C: GROUP test.two
        S: 211 1 1 1 test.two
        C: STAT <cross@example.com>
        S: 223 0 <cross@example.com>
    """)
    assert await nntp_server.group_count("news.test.one") == 4


async def test_refused_posts_change_nothing(nntp: NntpTranscript,
                                            nntp_server: RunningNntp) -> None:
    await nntp.play("""
        C: POST
        S: 340 {…}
        C: From: bob@example.com
        C: Subject: no groups
        C:
        C: body
        C: .
        S: 441 {…}Newsgroups{…}
        C: POST
        S: 340 {…}
        C: From: bob@example.com
        C: Newsgroups: test.ro
        C: Subject: read only
        C:
        C: body
        C: .
        S: 441 {…}not allowed{…}
        C: POST
        S: 340 {…}
        C: From: bob@example.com
        C: Newsgroups: test.two
        C: Subject: duplicate
        C: Message-ID: <1@news.example>
        C:
        C: body
        C: .
        S: 441 {…}Duplicate{…}
        C: POST
        S: 340 {…}
        C: From: bob@example.com
        C: Newsgroups: test.two
        C: Subject: bad date
        C: Date: yesterday-ish
        C:
        C: body
        C: .
        S: 441 {…}Date{…}
        C: POST
        S: 340 {…}
        C: From: bob@example.com
        C: Newsgroups: private
        C: Subject: not bob's
        C:
        C: .
        S: 441 {…}
        C: GROUP test.two
        S: 211 0 {…}
    """)
    assert await nntp_server.group_count("news.test.ro") == 0
    assert await nntp_server.group_count("news.private") == 1


@pytest.mark.conf("maxmessagesize: 2000\n")
async def test_a_huge_post_is_refused_by_size(nntp: NntpTranscript,
                                              nntp_server: RunningNntp) -> None:
    await nntp.play("""
        C: POST
        S: 340 {…}
    """)
    header = b"From: bob@example.com\r\nNewsgroups: test.two\r\nSubject: big\r\n\r\n"
    await nntp.send(header + (b"x" * 998 + b"\r\n") * 3000 + b".\r\n")
    await nntp.play("""
        S: 441 Article too big
        C: GROUP test.two
        S: 211 0 {…}
    """)
    assert await nntp_server.group_count("news.test.two") == 0


@pytest.mark.conf("newspeer: 127.0.0.1\n")
async def test_ihave_from_a_peer(nntp_anon: NntpTranscript,
                                 nntp_server: RunningNntp) -> None:
    creds = nntp_server.ctx.creds
    creds.set_password("news", "x")
    one = await nntp_server.ctx.store.get_mailbox("news.test.one")
    await nntp_server.ctx.store.set_acl(one.id, "news", "p")
    text = article(5).decode().replace("Article 5", "Fed").rstrip("\r\n").split("\r\n")
    fed = "\n".join(f"C: {line}" for line in text)
    await nntp_anon.play(f"""
        C: IHAVE <1@news.example>
        S: 435 {{…}}
        C: IHAVE <5@news.example>
        S: 335 {{…}}
        {fed}
        C: .
        S: 235 {{…}}
        C: IHAVE <5@news.example>
        S: 435 {{…}}
        C: IHAVE <6@news.example>
        S: 335 {{…}}
        {fed}
        C: .
        S: 437 {{…}}offered{{…}}
    """)
    assert await nntp_server.group_count("news.test.one") == 4
    stored = await nntp_server.ctx.store.messages_with_message_id("5@news.example")
    raw = await nntp_server.ctx.store.body(stored[0][1].blob)
    assert raw.startswith(b"Path: roost.test!elsewhere!not-for-mail\r\n")


async def test_ihave_from_others_is_refused(nntp: NntpTranscript) -> None:
    await nntp.play("""
        C: IHAVE <5@news.example>
        S: 502 {…}
    """)


async def test_a_large_article_streams_back_as_posted(nntp: NntpTranscript) -> None:
    """Past the store's read chunk (256 KiB), within the default article
    limit, dot-stuffed both ways."""
    lines = [(f".{n} " if n % 3 == 0 else f"{n} ") + "x" * 70 for n in range(10_000)]
    await nntp.play("""
        C: POST
        S: 340 {…}
    """)
    body = "".join(("." + line if line.startswith(".") else line) + "\r\n" for line in lines)
    await nntp.send(("From: bob@example.com\r\nNewsgroups: test.two\r\nSubject: big\r\n"
                     "Message-ID: <big@example.com>\r\n\r\n" + body + ".\r\n").encode())
    await nntp.play("""
        S: 240 {…}
        C: BODY <big@example.com>
        S: 222 0 <big@example.com>
    """)
    assert await nntp.block() == lines
