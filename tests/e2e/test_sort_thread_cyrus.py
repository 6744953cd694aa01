"""Differential: SORT and THREAD replies of Roost and of Debian's Cyrus on
loopback, over one corpus of tricky subjects, addresses, dates and
references (RFC 5256, RFC 5957), in RFC 2047 words only: raw 8-bit
UTF-8 headers (RFC 6532) Roost decodes as UTF-8, where Cyrus does not.
Skipped, saying why, when Cyrus cannot
start here; where the two differ on purpose the case is listed in
KNOWN_DIFFERENCES with the reason."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.imap_client import ImapClient
from tests.harness.imap import RunningImap
from tests.harness.site import PASSWORD

CYRUS_IMAPD = Path("/usr/lib/cyrus/bin/imapd")

#: (Subject, From, To, Date, Message-ID, In-Reply-To, References); the
#: INTERNALDATE is 1 Jan 2024 00:00 plus the message's index in hours.
CASES: list[tuple[str | None, ...]] = [
    ("hello", "Ann <ann@x>", "bob@x", "Mon, 1 Jan 2024 10:00:00 +0000", "<h@x>", None, None),
    ("Re: Re: hello", "=?UTF-8?Q?=C3=89ric?= <eric@x>", '"Zoe" <zoe@x>',
     "Mon, 1 Jan 2024 11:00:00 +0100", "<h2@x>", None, "<h@x>"),
    ("RE: [list] hello", "carl@x", "Ann <ann@x>", "Mon, 1 Jan 2024 12:00:00 -0500",
     "<h3@x>", "<h2@x> (message of Eric)", None),
    ("[list] Re: hello", "(comment) dan@x", "", "Tue, 2 Jan 2024 09:00:00 +0000",
     '<"h4"@x>', None, "<h@x> <h3@x>"),
    ("Fwd: hello (fwd)", "group: eve@x;", "undisclosed-recipients:;", None, "<h5@x>", None,
     None),
    ("[fwd: hello]", None, "a@x, b@x", "Wed, 3 Jan 2024 00:00:00 +0000", "<h6@x>", None, None),
    ("=?UTF-8?Q?R=C3=A9sum=C3=A9?=", "Ann <ann@x>", None, "not a date", "<r1@x>", None, None),
    ("=?ISO-8859-1?Q?r=E9sum=E9?=", "ann@x", "Zoe <zoe@x>", "Thu, 4 Jan 2024 08:00:00 +0000", "<r2@x>", None,
     "<r1@x>"),
    ("Re : =?UTF-8?B?UsOpc3Vtw6k=?=", "Bea <bea@x>", None, "Thu, 4 Jan 2024 09:00:00 +0000", None, "<r1@x>",
     None),
    ("Re[2]: hello", "bea@x", None, "Fri, 5 Jan 2024 09:00:00 +0000", "<h@x>", None, "<h5@x>"),
    ("[a][b] topic", None, None, "Fri, 5 Jan 2024 10:00:00 +0000", "<t1@x>", None,
     "<t3@x>"),
    ("[only blob]", "z@x", None, "Fri, 5 Jan 2024 10:00:00 +0000", "<t3@x>", None, "<t1@x>"),
    ("", "y@x", None, "Sat, 6 Jan 2024 10:00:00 +0000", "<e1@x>", None, "<e1@x>"),
    ("Re:", None, None, "Sat, 6 Jan 2024 11:00:00 +0000", "<e2@x>", "<e1@x>", None),
    ("hello\t(fwd)  (FWD)", "Fw <fw@x>", None, "Sun, 7 Jan 2024 10:00:00 +0000", "<f1@x>",
     None, "<gone1@x> <gone2@x>"),
    ("Fw: topic", "fw@x", None, "Sun, 7 Jan 2024 10:00:00 +0000", "<f2@x>", None,
     "<gone1@x>"),
    ("topic", "x@x", None, "Sun, 7 Jan 2024 12:00:00 +0000", "<f3@x>", None, "<gone3@x>"),
    ("other topic", None, None, "Mon, 8 Jan 2024 12:00:00 +0000", "<o1@x>", None,
     "<gone3@x>"),
    (None, "Ann <ann@x>", None, None, None, None, None),
]

COMMANDS = [
    *(f"SORT ({key}) UTF-8 ALL" for key in ("ARRIVAL", "CC", "DATE", "FROM", "SIZE",
                                            "SUBJECT", "TO", "DISPLAYFROM", "DISPLAYTO")),
    "SORT (REVERSE SUBJECT) UTF-8 ALL",
    "SORT (SUBJECT REVERSE DATE) UTF-8 ALL",
    "SORT (REVERSE FROM REVERSE ARRIVAL) UTF-8 ALL",
    "UID SORT (DISPLAYTO DATE) UTF-8 NOT SUBJECT topic",
    "SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL",
    "THREAD ORDEREDSUBJECT UTF-8 ALL",
    "THREAD REFERENCES UTF-8 ALL",
    "UID THREAD REFERENCES UTF-8 SUBJECT hello",
    "THREAD REFERENCES UTF-8 2:9",
]

#: Commands whose replies differ on purpose, with the reason.
KNOWN_DIFFERENCES: dict[str, str] = {
    "SORT RETURN (MIN MAX COUNT ALL) (DATE) UTF-8 ALL":
        "RFC 5267 §3.1: MIN/MAX are the lowest and highest *sorted* message; Cyrus "
        "answers the numerically lowest and highest (and puts COUNT first)",
}


def _raw(case: tuple[str | None, ...]) -> bytes:
    names = ("Subject", "From", "To", "Date", "Message-ID", "In-Reply-To", "References")
    head = "".join(f"{name}: {value}\r\n" for name, value in zip(names, case, strict=True)
                   if value is not None)
    return (head + "\r\nbody\r\n").encode()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def cyrus() -> Iterator[int]:
    if not CYRUS_IMAPD.exists():
        pytest.skip(f"Debian's Cyrus is not installed ({CYRUS_IMAPD} missing)")
    from bench.cyrus_side import CyrusSide
    side = CyrusSide(1, PASSWORD, imap_port=_free_port())
    try:
        side.start()
    except Exception as err:  # noqa: BLE001 -- any failure to start means: skip, saying why
        side.stop()
        pytest.skip(f"Cyrus could not start on loopback: {err!r}\n{side.log_tail()}")
    try:
        yield side.imap_port
    finally:
        side.stop()


async def _replies(port: int, user: str) -> dict[str, list[bytes]]:
    imap = await ImapClient.connect("127.0.0.1", port)
    try:
        assert (await imap.login(user, PASSWORD)).status == "OK"
        namespace = await imap.command("NAMESPACE")
        box = namespace.untagged[0].split(b'"')[1].decode() + "Tricky"  # "INBOX." or ""
        assert (await imap.command(f"CREATE {box}")).status == "OK"
        for index, case in enumerate(CASES):
            when = f'"01-Jan-2024 {index:02d}:00:00 +0000"'
            reply = await imap.command(f"APPEND {box} {when}", _raw(case))
            assert reply.status == "OK", reply.text
        await imap.command(f"EXAMINE {box}")
        replies = {}
        for command in COMMANDS:
            reply = await imap.command(command)
            assert reply.status == "OK", (command, reply.text)
            replies[command] = reply.untagged
        return replies
    finally:
        await imap.close()


async def test_roost_answers_as_cyrus(cyrus: int, imap_server: RunningImap) -> None:
    theirs = await _replies(cyrus, "user1")
    ours = await _replies(imap_server.port, "bob")
    differ = {command: (ours[command], theirs[command]) for command in COMMANDS
              if ours[command] != theirs[command] and command not in KNOWN_DIFFERENCES}
    assert not differ, "\n".join(f"{c}\n  roost: {o}\n  cyrus: {t}"
                                 for c, (o, t) in differ.items())
