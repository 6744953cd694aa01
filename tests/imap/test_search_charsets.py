"""SEARCH CHARSET (RFC 9051 §6.4.4): the search string is decoded from the
charset the client names, through Python's codecs, and matched, under
i;unicode-casemap, against header fields decoded from RFC 2047 words and
bodies decoded from base64 / quoted-printable and their own charset. An
unknown charset is `NO [BADCHARSET (...)]`, and the session carries on."""

from __future__ import annotations

import base64
import quopri
import unicodedata

import pytest
from tests.harness.imap import ImapTranscript, RunningImap

from roost.imap.parse_search import CHARSETS
from roost.store.names import user_inbox

#: Words in the charsets that are not single-octet ones.
MULTI_OCTET = {
    "UTF-8": "Überraschung", "GB2312": "中文邮件测试", "GBK": "中文郵件測試",
    "GB18030": "中文邮件测试", "BIG5": "中文郵件測試", "SHIFT_JIS": "日本語のメール",
    "EUC-JP": "日本語のメール", "ISO-2022-JP": "日本語のメール", "EUC-KR": "한국어메일",
    "UTF-16": "Überraschung", "UTF-16BE": "Überraschung", "UTF-16LE": "Überraschung",
    "UTF-7": "Überraschung", "US-ASCII": "Surprise",
}
#: Charsets whose octets can go in a MIME body and an RFC 2047 word (the
#: UTF-16 forms and UTF-7 are for search strings only: a text/plain body
#: in them is not 8-bit text, RFC 2152 §1, RFC 2781 §3).
BODY_CHARSETS = sorted(CHARSETS - {"UTF-16", "UTF-16BE", "UTF-16LE", "UTF-7"})


def word_of(charset: str) -> str:
    """A word the charset holds: its letters from octets 0xC0 up (cased
    ones first, so case matters), or a fixed word for the others."""
    if charset in MULTI_OCTET:
        return MULTI_OCTET[charset]
    letters = [ch for ch in bytes(range(0xC0, 0x100)).decode(charset, "ignore") if ch.isalpha()]
    cased = [ch for ch in letters if ch.lower() != ch.upper() and len(ch.upper()) == 1]
    return "".join((cased or letters)[:6]).lower()


def message(charset: str, word: str, encoding: str) -> bytes:
    """Subject and body hold `word` in `charset`, the body in `encoding`."""
    octets = f"before {word} after\r\n".encode(charset)
    body = (base64.encodebytes(octets) if encoding == "base64"
            else quopri.encodestring(octets)).replace(b"\n", b"\r\n")
    subject = base64.b64encode(word.encode(charset)).decode("ascii")
    return (f"From: a@example.com\r\nSubject: =?{charset}?B?{subject}?=\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\n"
            f"Content-Transfer-Encoding: {encoding}\r\n\r\n").encode("ascii") + body


async def search(box: ImapTranscript, tag: str, charset: str, key: str,
                 needle: bytes) -> set[int]:
    """`tag SEARCH CHARSET charset key {n+}needle`: the numbers found."""
    await box.send(f"{tag} SEARCH CHARSET {charset} {key} {{{len(needle)}+}}\r\n".encode()
                   + needle + b"\r\n")
    found = await box.expect("* SEARCH{…}")
    await box.expect(f"{tag} OK {{…}}")
    return {int(n) for n in found.split()[2:]}


@pytest.fixture
async def box(imap: ImapTranscript, imap_server: RunningImap) -> ImapTranscript:
    """bob's INBOX: 2 plain messages, then each body charset's message."""
    inbox = await imap_server.mailbox_id(user_inbox("bob"))
    for index, charset in enumerate(BODY_CHARSETS):
        encoding = ("base64", "quoted-printable")[index % 2]
        await imap_server.ctx.store.append(inbox, message(charset, word_of(charset), encoding))
    await imap.select("INBOX")
    return imap


def number_of(charset: str) -> int:
    return 3 + BODY_CHARSETS.index(charset)


@pytest.mark.parametrize("charset", BODY_CHARSETS)
async def test_body_and_subject_in_the_charset(box: ImapTranscript, charset: str) -> None:
    word = word_of(charset)
    mine = number_of(charset)
    part = word[1:5]  # a piece of the word: a substring match, in the charset's octets
    assert mine in await search(box, "a1", charset, "BODY", part.encode(charset))
    assert mine in await search(box, "a2", charset, "SUBJECT", part.encode(charset))
    # The same text sent in UTF-8 finds it: the charsets meet as text.
    assert mine in await search(box, "a3", "UTF-8", "TEXT", part.encode("utf-8"))
    assert mine not in await search(box, "a4", charset, "BODY", b"nowhere")


def upper_in(charset: str) -> str:
    """The charset's word with every letter upper-cased that the charset can
    write in upper case (windows-1256 has no capital À, say)."""
    def writable(text: str) -> bool:
        try:
            text.encode(charset)
        except UnicodeEncodeError:
            return False
        return True
    return "".join(ch.upper() if writable(ch.upper()) else ch for ch in word_of(charset))


@pytest.mark.parametrize("charset", [c for c in BODY_CHARSETS if upper_in(c) != word_of(c)])
async def test_case_does_not_matter_in_any_charset(box: ImapTranscript, charset: str) -> None:
    needle = upper_in(charset).encode(charset)
    assert number_of(charset) in await search(box, "a1", charset, "BODY", needle)


async def test_a_search_string_in_utf_7(box: ImapTranscript) -> None:
    """(A UTF-16 string holds NUL, which no IMAP literal may: RFC 9051 §4.3.)"""
    needle = "überraschung".encode("utf-7")
    assert await search(box, "a1", "UTF-7", "BODY", needle) == {number_of("UTF-8")}


async def test_an_unknown_charset_is_no_badcharset(box: ImapTranscript) -> None:
    known = " ".join(sorted(CHARSETS))
    await box.play(f"""
        C: a1 SEARCH CHARSET X-NO-SUCH ALL
        S: a1 NO [BADCHARSET ({known})] {{…}}
        C: a2 SEARCH CHARSET "utf-8" SUBJECT "hello"
        S: * SEARCH 1 2
        S: a2 OK {{…}}
    """)


async def test_a_string_that_is_not_in_the_charset_is_bad(box: ImapTranscript) -> None:
    await box.send(b"a1 SEARCH CHARSET UTF-8 BODY {2+}\r\n\xc3\x28\r\n")
    await box.expect("a1 BAD {…}")
    await box.play("""
        C: a2 NOOP
        S: a2 OK {…}
    """)


@pytest.mark.parametrize(("stored", "asked"), [
    ("CAFÉ", "café"), ("café", "cafe"), ("ﬁle", "FILE"), ("Straße", "STRASSE"),
    ("ΣΊΣΥΦΟΣ", "σίσυφος"), ("Ǆemal", "ǆemal"), ("Ａｂｃ", "abc"),
])
async def test_unicode_casemap(imap: ImapTranscript, imap_server: RunningImap,
                               stored: str, asked: str) -> None:
    """RFC 9051 §6.4.4 i;unicode-casemap (RFC 5051 §2): case mapped, then
    NFKD, both sides, so accents decompose, ligatures and full-width forms
    compatibility-map."""
    inbox = await imap_server.mailbox_id(user_inbox("bob"))
    text = unicodedata.normalize("NFC", stored)
    await imap_server.ctx.store.append(inbox, (
        "Subject: x\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{text}\r\n").encode())
    await imap.select("INBOX")
    assert await search(imap, "a1", "UTF-8", "BODY", asked.encode()) == {3}


ADDRESSED = [
    "From: Ann Smith <ann@example.com>",
    "From: =?UTF-8?Q?Jos=C3=A9_P=C3=A9rez?= <jose@beispiel.de>",
    'From: "Bob, Jr." <bob.jr@sub.example.org>',
    "From: carl@example.net (Carl Comment)",
    "From: Undisclosed",
    "From: group: dan@x.test, eve@y.test;",
    ("To: Zoe <zoe@example.com>\r\nCc: =?ISO-8859-1?Q?M=FCller?= <mueller@example.com>\r\n"
     "Bcc: hidden@bcc.test"),
    "From: <fay (a comment)@ (another) example.org>",
]


@pytest.mark.parametrize(("key", "found"), [
    ('FROM ann', {3}), ('FROM "Ann Smith"', {3}), ('FROM smith', {3}), ('FROM example.com', {1, 2, 3}),
    ('FROM "<ann@example.com>"', {3}), ('FROM "Smith <ann"', {3}), ('FROM josé', {4}),
    ('FROM PÉREZ', {4}), ('FROM "=?UTF-8?Q?"', set()), ('FROM beispiel', {4}),
    ('FROM "Bob, Jr."', {5}), ('FROM "bob.jr"', {5}), ('FROM sub.example', {5}),
    ('FROM "Carl Comment"', {6}), ('FROM carl', {6}), ('FROM Undisclosed', {7}),
    ('FROM group', {8}), ('FROM eve', {8}), ('TO zoe', {9}), ('CC müller', {9}),
    ('CC MÜLLER', {9}), ('CC mueller', {9}), ('BCC hidden', {9}), ('BCC bcc.test', {9}),
    ('FROM fay@example.org', {10}), ('FROM "carl@example.net"', {6}), ('FROM "a comment"', {10}),
])
async def test_address_keys(imap: ImapTranscript, imap_server: RunningImap, key: str,
                            found: set[int]) -> None:
    """FROM, TO, CC, BCC match display names (RFC 2047-decoded: an
    encoded-word's text, never its wire form), local parts, domains, comments
    and group names, as substrings of the field or of its parsed addresses
    (`fay@example.org` in a field with comments inside it: imaptest's
    search-addresses), (1 and 2 are from
    alice@example.com): each answer here is what
    Debian's Cyrus 3.6 and Dovecot 2.3 gave on the same messages (Dovecot
    alone misses "Smith <ann"; both also find `From: Undisclosed` for "@",
    through the domain they invent for it, which Roost does not)."""
    inbox = await imap_server.mailbox_id(user_inbox("bob"))
    for field in ADDRESSED:
        await imap_server.ctx.store.append(inbox, f"{field}\r\nSubject: s\r\n\r\nbody\r\n".encode())
    await imap.select("INBOX")
    verb, _, text = key.partition(" ")
    needle = text.strip('"').encode()
    assert await search(imap, "a1", "UTF-8", verb, needle) == found
