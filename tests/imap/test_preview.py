"""PREVIEW (RFC 8970): FETCH PREVIEW and PREVIEW (LAZY), served from the
parse-once cache: at most 256 (and here 200) characters of the first text
part, markup removed, white space collapsed, UTF-8; "" when there is no
text; never NIL, LAZY or not (§3.2: the cache answers without delay)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import Site

from roost.imap import commands as c
from roost.imap.handlers.fetch_items import Needs, needs_of
from roost.imap.parse import Bad, parse_command
from roost.imap.wire import Line

LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n"
         "Curabitur aliquam turpis et ante dictum, et pulvinar dui congue.\r\n"
         "Maecenas hendrerit, lorem non imperdiet pellentesque, nulla\r\n"
         "ligula nullam tempor nisi, at volutpat quam massa in lectus.\r\n")


def message(subject: str, content_type: str, body: str | bytes, extra: str = "",
            sender: str = "Bar <bar@example.com>") -> bytes:
    head = (f"From: {sender}\r\nTo: bob@example.com\r\nSubject: {subject}\r\n"
            f"Date: Wed, 23 Sep 2020 15:03:11 +0000\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: {content_type}\r\n{extra}\r\n").encode()
    return head + (body.encode() if isinstance(body, str) else body)


PHOTO = message("photo", "image/jpeg", "/9j/4AAQSkZJRgABAQ==\r\n",
                "Content-Transfer-Encoding: base64\r\n")
HTML = message("html", "text/html; charset=utf-8",
               "<html><head><style>p {color: red}</style></head><body>"
               "<p>Hello&nbsp;<b>there</b>,</p>\r\n\r\n<p>see   you.</p></body></html>\r\n")
ALTERNATIVE = message(
    "alt", 'multipart/alternative; boundary="b"',
    "--b\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 at\r\n\tnoon =\r\nsharp.\r\n"
    "--b\r\nContent-Type: text/html\r\n\r\n<p>HTML version</p>\r\n--b--\r\n")
FIRST = message("FOO lorem", "text/plain", LOREM, sender="FOO <foo@example.com>")
LONG = message("long", "text/plain; charset=utf-8", "ж" * 400 + "\r\n")


@pytest.fixture
async def server(site: Site) -> AsyncIterator[RunningImap]:
    """bob's INBOX: 1 lorem, 2 an image only, 3 HTML, 4 alternative, 5 long Cyrillic."""
    async with running_imap(site, messages=0) as running:
        inbox = await running.mailbox_id("user.bob")
        for raw in (FIRST, PHOTO, HTML, ALTERNATIVE, LONG):
            await running.ctx.store.append(inbox, raw)
        yield running


@pytest.fixture
async def imap(server: RunningImap) -> AsyncIterator[ImapTranscript]:
    client = await connect(server)
    await client.select("INBOX")
    yield client
    await client.close()


async def test_rfc8970_example_1_without_lazy(imap: ImapTranscript) -> None:
    """§5 Example 1: 200 preview characters of the text (SHOULD 200, §3.3),
    line breaks collapsed to single spaces."""
    expected = " ".join(LOREM.split())[:200]
    await imap.play(f"""
        C: A1 CAPABILITY
        S: * CAPABILITY {{…}} PREVIEW{{…}}
        S: A1 OK {{…}}
        C: A2 FETCH 1 (RFC822.SIZE PREVIEW)
        S: * 1 FETCH (RFC822.SIZE {len(FIRST)} PREVIEW "{expected}")
        S: A2 OK {{…}}
    """)


async def test_rfc8970_example_2_lazy(imap: ImapTranscript) -> None:
    """§5 Example 2: with LAZY in a message listing; an image-only message
    has the empty preview (§3.2), never NIL; the cache has every preview.
    HTML loses its markup and styles (§3.3), QP and ISO-8859-1 are decoded
    to UTF-8 (a literal, being 8-bit)."""
    await imap.play("""
        C: B1 FETCH 1:4 (ENVELOPE PREVIEW (LAZY))
        S: * 1 FETCH (ENVELOPE ("Wed, 23 Sep 2020 15:03:11 +0000" "FOO lorem" {…}) PREVIEW "Lorem ipsum {…}")
        S: * 2 FETCH (ENVELOPE ("Wed, 23 Sep 2020 15:03:11 +0000" "photo" {…}) PREVIEW "")
        S: * 3 FETCH (ENVELOPE {…}) PREVIEW "Hello there , see you.")
        S: * 4 FETCH (ENVELOPE {…}) PREVIEW {20}
        S: Café at noon sharp.)
        S: B1 OK {…}
        C: B2 FETCH 3:4 (PREVIEW)
        S: * 3 FETCH (PREVIEW "Hello there , see you.")
        S: * 4 FETCH (PREVIEW {20}
        S: Café at noon sharp.)
        S: B2 OK {…}
    """)


async def test_rfc8970_example_3_with_searchres(imap: ImapTranscript) -> None:
    """§5 Example 3: SEARCH RETURN (SAVE) then FETCH $ (UID PREVIEW (LAZY)),
    pipelined; then UID FETCH of one preview."""
    await imap.play("""
        C: C2 SEARCH RETURN (SAVE) FROM "FOO"
        C: C3 FETCH $ (UID PREVIEW (LAZY))
        S: C2 OK {…}
        S: * 1 FETCH (UID 1 PREVIEW "Lorem ipsum dolor sit amet, {…}")
        S: C3 OK {…}
        C: C4 UID FETCH 2 (PREVIEW)
        S: * 2 FETCH (UID 2 PREVIEW "")
        S: C4 OK {…}
    """)


async def test_preview_counts_characters_not_octets(imap: ImapTranscript) -> None:
    """§3.3: at most 256 preview characters (UTF-8 characters, not octets):
    200 Cyrillic letters are 400 octets."""
    lines = await imap.command("FETCH 5 PREVIEW")
    assert lines[0] == "* 5 FETCH (PREVIEW {400}"
    assert lines[1] == "ж" * 200 + ")"


async def test_preview_does_not_set_seen(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 FETCH 1 (PREVIEW FLAGS)
        S: * 1 FETCH (PREVIEW "{…}" FLAGS (\Recent))
        S: a1 OK {…}
    """)


@pytest.mark.parametrize("items", ["PREVIEW", "(PREVIEW (LAZY))", "(PREVIEW (lazy LAZY) UID)",
                                   "(UID PREVIEW)", "PREVIEW (LAZY)"])
def test_parse_preview(items: str) -> None:
    cmd = parse_command(Line((b"a FETCH 1 " + items.encode(),), ()))
    assert isinstance(cmd, c.Fetch)
    assert c.FetchAttr("PREVIEW") in cmd.items


def test_lone_preview_keeps_fetch_modifiers() -> None:
    cmd = parse_command(Line((b"a FETCH 1 PREVIEW (CHANGEDSINCE 5)",), ()))
    assert isinstance(cmd, c.Fetch) and cmd.changedsince == 5


@pytest.mark.parametrize("items", ["(PREVIEW (FUZZY))", "(PREVIEW ())", "(PREVIEW (LAZY)",
                                   "PREVIEW[]"])
def test_malformed_preview_is_bad(items: str) -> None:
    with pytest.raises(Bad):
        parse_command(Line((b"a FETCH 1 " + items.encode(),), ()))


async def test_malformed_preview_keeps_session(imap: ImapTranscript) -> None:
    await imap.play("""
        C: a1 FETCH 1 (PREVIEW (SLOW))
        S: a1 BAD {…}
        C: a2 FETCH 2 PREVIEW
        S: * 2 FETCH (PREVIEW "")
        S: a2 OK {…}
    """)


def test_preview_reads_only_the_parse_cache() -> None:
    """Served from the parse-once summary: the body file is not read."""
    cmd = parse_command(Line((b"a FETCH 1:* (FLAGS PREVIEW (LAZY))",), ()))
    assert isinstance(cmd, c.Fetch)
    assert needs_of(cmd.items) == Needs(parsed=True, body=False, sets_seen=False)
