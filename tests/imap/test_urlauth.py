"""URLAUTH (RFC 4467): GENURLAUTH signs a URL rump with the owner's mailbox
access key, URLFETCH gives its octets to whom the access identifier names
(a submission server for `submit+`: BURL), RESETKEY revokes; every refusal
is NIL, and the checks run again at fetch time."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import make_site
from tests.imap.test_parse import parse

from roost.imap import commands as c
from roost.imap.imapurl import parse_url
from roost.imap.parse import Bad, parse_command
from roost.imap.wire import Line

BODY = "Body of message 2."
RUMP = "imap://bob@example.com/INBOX/;uid=2/;section=1;urlauth=submit+bob"
_SIGNED = re.compile(r'\* GENURLAUTH "(.*:internal:[0-9a-f]{40})"\Z')


@pytest.fixture
async def server(tmp_path: Path, cert_dir: Path) -> AsyncIterator[RunningImap]:
    """alice logs in as the submission server (submitservers)."""
    site = make_site(tmp_path / "site", cert_dir, "submitservers: alice\n")
    async with running_imap(site) as running:
        yield running


async def _sign(client: ImapTranscript, *rumps: str) -> list[str]:
    lines = await client.command("GENURLAUTH " + " ".join(f'"{r}" INTERNAL' for r in rumps))
    assert len(lines) == 2, lines
    return re.findall(r'"([^"]*:internal:[0-9a-f]{40})"', lines[0])


async def _fetch(client: ImapTranscript, url: str) -> str | None:
    lines = await client.command(f'URLFETCH "{url}"')
    if lines[0].endswith(" NIL"):
        assert lines[0] == f'* URLFETCH "{url}" NIL', lines
        return None
    assert re.fullmatch(r'\* URLFETCH ".*" \{\d+\}', lines[0]), lines
    return "\n".join(lines[1:-1])  # the data, its CRLFs as LFs


async def test_capability_lists_urlauth(imap: ImapTranscript) -> None:
    assert "URLAUTH" in (await imap.command("CAPABILITY"))[0].split()


async def test_rfc4467_example_burl_by_the_submit_server(server: RunningImap) -> None:
    """RFC 4467 §4 / Appendix: the user signs a part for submission, the
    submit server (here alice, in submitservers) fetches it; nobody else can."""
    bob = await connect(server, "bob")
    got = await bob.play(rf"""
        C: a775 GENURLAUTH "{RUMP}" INTERNAL
        S: * GENURLAUTH "{RUMP}:internal:{{…}}"
        S: a775 OK {{…}}
    """)
    m = _SIGNED.match(got[0])
    assert m is not None, got
    url = m.group(1)
    assert await _fetch(bob, url) is None  # bob is no submission server
    alice = await connect(server, "alice")
    await alice.play(rf"""
        C: a777 URLFETCH "{url}"
        S: * URLFETCH "{url}" {{20}}
        S: {BODY}
        S:
        S: a777 OK {{…}}
    """)
    await bob.close()
    await alice.close()


async def test_access_identifiers(server: RunningImap) -> None:
    """RFC 4467 §3: anonymous and authuser let anyone logged in fetch;
    user+alice only alice."""
    bob = await connect(server, "bob")
    base = "imap://bob@example.com/INBOX/;uid=1/;section=HEADER.FIELDS%20(SUBJECT)"
    urls = await _sign(bob, base + ";urlauth=anonymous", base + ";urlauth=authuser",
                       base + ";urlauth=user+alice")
    assert len(urls) == 3, urls
    alice = await connect(server, "alice")
    for url in urls:
        assert await _fetch(alice, url) == "Subject: Hello 1\n\n", url
    assert await _fetch(bob, urls[0]) == "Subject: Hello 1\n\n"
    assert await _fetch(bob, urls[2]) is None
    await bob.close()
    await alice.close()


async def test_the_same_rump_signs_alike_until_resetkey(imap: ImapTranscript) -> None:
    rump = "imap://bob@example.com/INBOX;UIDVALIDITY=1/;uid=1;urlauth=anonymous"
    rump = rump.replace("UIDVALIDITY=1", "UIDVALIDITY=" + (await imap.command(
        "STATUS INBOX (UIDVALIDITY)"))[0].split()[-1].rstrip(")"))
    first = await _sign(imap, rump)
    assert await _sign(imap, rump) == first
    assert await _fetch(imap, first[0]) is not None
    await imap.play(r"""
        C: r1 RESETKEY INBOX INTERNAL
        S: r1 OK [URLMECH INTERNAL] {…}
    """)
    assert await _fetch(imap, first[0]) is None
    second = await _sign(imap, rump)
    assert second != first and await _fetch(imap, second[0]) is not None
    await imap.play(r"""
        C: r2 RESETKEY
        S: r2 OK {…}
    """)
    assert await _fetch(imap, second[0]) is None


async def test_a_tampered_or_expired_url_is_nil(imap_server: RunningImap) -> None:
    """The token covers the whole rump; an expired URL is refused even when
    correctly signed (signed here with the stored key, as the server would)."""
    imap = await connect(imap_server)
    rump = "imap://bob@example.com/INBOX/;uid=1;expire=2999-01-01T00:00:00Z;urlauth=anonymous"
    (url,) = await _sign(imap, rump)
    assert await _fetch(imap, url) is not None
    assert await _fetch(imap, url.replace("uid=1", "uid=2")) is None
    assert await _fetch(imap, url[:-1] + ("0" if url[-1] != "0" else "1")) is None
    assert await _fetch(imap, url.replace(":internal:", ":other:")) is None
    past = rump.replace("2999", "2001")
    await imap.play(rf"""
        C: g1 GENURLAUTH "{past}" INTERNAL
        S: g1 NO {{…}}
    """)
    store = imap_server.ctx.store
    key = await store.access_key("bob", await imap_server.mailbox_id("user.bob"))
    assert key is not None
    token = hmac.new(key, past.encode(), hashlib.sha1).hexdigest()
    assert await _fetch(imap, f"{past}:internal:{token}") is None
    await imap.close()


async def test_revoking_the_owners_right_revokes_the_url(imap_server: RunningImap) -> None:
    """The owner's `r` is asked again at URLFETCH (ctx.access)."""
    alice = await connect(imap_server, "alice")
    bob = await connect(imap_server, "bob")
    await alice.play(r"""
        C: a1 APPEND INBOX {7+}
        C: Subj: x
        S: a1 OK {…}
        C: a2 SETACL INBOX bob lr
        S: a2 OK {…}
    """)
    (url,) = await _sign(bob, "imap://bob@h/Other%20Users/alice/;uid=1;urlauth=anonymous")
    assert await _fetch(alice, url) == "Subj: x"
    await alice.play(r"""
        C: a3 SETACL INBOX bob l
        S: a3 OK {…}
    """)
    assert await _fetch(alice, url) is None
    await alice.close()
    await bob.close()


async def test_refusals(imap: ImapTranscript) -> None:
    """Not one's own URL, unknown mechanisms, rumps that are not rumps, parts
    that do not exist: NO or BAD; the session carries on."""
    await imap.play(r"""
        C: g1 GENURLAUTH "imap://alice@h/INBOX/;uid=1;urlauth=anonymous" INTERNAL
        S: g1 NO {…}
        C: g2 GENURLAUTH "imap://bob@h/INBOX/;uid=1;urlauth=anonymous" XSAMPLE
        S: g2 NO {…}
        C: g3 GENURLAUTH "/INBOX/;uid=1" INTERNAL
        S: g3 BAD {…}
        C: g4 GENURLAUTH "imap://bob@h/INBOX/;uid=9;urlauth=anonymous" INTERNAL
        S: g4 NO {…}
        C: g5 GENURLAUTH "imap://bob@h/INBOX/;uid=1;urlauth=nobody" INTERNAL
        S: g5 BAD {…}
        C: g6 GENURLAUTH
        S: g6 BAD {…}
        C: g7 GENURLAUTH "imap://bob@h/INBOX/;uid=1;urlauth=anonymous"
        S: g7 BAD {…}
        C: f1 URLFETCH "garbage" "imap://bob@h/INBOX/;uid=1"
        S: * URLFETCH "garbage" NIL
        S: * URLFETCH "imap://bob@h/INBOX/;uid=1" NIL
        S: f1 OK {…}
        C: f2 URLFETCH
        S: f2 BAD {…}
        C: k1 RESETKEY NoSuchBox
        S: k1 NO {…}
        C: k2 RESETKEY INBOX XSAMPLE
        S: k2 NO {…}
        C: k3 RESETKEY INBOX ~~
        S: k3 BAD {…}
        C: n1 NOOP
        S: n1 OK {…}
    """)


async def test_keys_live_in_the_store(imap_server: RunningImap) -> None:
    """The store API: one key per (user, mailbox), kept; reset drops it."""
    store = imap_server.ctx.store
    box = await imap_server.mailbox_id("user.bob")
    assert await store.access_key("bob", box) is None
    key = await store.make_access_key("bob", box, b"k" * 32)
    assert key == b"k" * 32
    assert await store.make_access_key("bob", box, b"x" * 32) == key
    assert await store.access_key("alice", box) is None
    await store.reset_keys("bob", box)
    assert await store.access_key("bob", box) is None


# -- parsers ------------------------------------------------------------------

_URLISH = st.from_regex(r"imap://[a-z]{1,5}@h/[A-Z]{1,5}/;uid=[1-9];urlauth=anonymous",
                        fullmatch=True)


@given(st.lists(_URLISH, min_size=1, max_size=4), st.sampled_from(["INTERNAL", "X-1.2"]))
def test_genurlauth_and_urlfetch_round_trip(urls: list[str], mechanism: str) -> None:
    assert parse(b"t GENURLAUTH " + b" ".join(f'"{u}" {mechanism}'.encode() for u in urls)) \
        == c.GenUrlAuth("t", tuple((u, mechanism) for u in urls))
    assert parse(b"t URLFETCH " + b" ".join(f'"{u}"'.encode() for u in urls)) \
        == c.UrlFetch("t", tuple(urls))
    assert parse(f"t RESETKEY Box {mechanism}".encode()) == c.ResetKey("t", "Box", (mechanism,))


@given(st.sampled_from([b"GENURLAUTH", b"URLFETCH", b"RESETKEY"]), st.binary(max_size=120))
def test_random_urlauth_arguments_are_bad_or_parse(name: bytes, junk: bytes) -> None:
    line = Line((b"t " + name + b" " + junk.replace(b"\r", b"").replace(b"\n", b""),), ())
    try:
        cmd = parse_command(line)
    except Bad as err:
        assert err.tag == "t"
    else:
        assert isinstance(cmd, c.GenUrlAuth | c.UrlFetch | c.ResetKey)


@given(st.text(max_size=120))
def test_parse_url_takes_any_text(text: str) -> None:
    """Every string is a URL or ValueError, never another exception."""
    try:
        url = parse_url(text)
    except ValueError:
        return
    assert url.uid >= 1 and url.text == text


async def test_select_and_examine_name_the_mechanism(imap: ImapTranscript) -> None:
    """URLAUTH advertised: SELECT and EXAMINE say `[URLMECH INTERNAL]`, the
    mechanism the mailbox's URLs are signed with (Cyrus says it there too)."""
    for command in ("SELECT", "EXAMINE"):
        lines = await imap.command(f"{command} INBOX")
        assert "* OK [URLMECH INTERNAL] Ok" in lines, lines
        highest = next(i for i, line in enumerate(lines) if "[HIGHESTMODSEQ" in line)
        assert lines[highest + 1] == "* OK [URLMECH INTERNAL] Ok", lines
