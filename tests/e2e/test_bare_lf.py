"""Bare-LF mail through both doors, answered self-consistently
(docs/administration.md, "Bare LF line ends"):

- LMTP DATA is lines (RFC 5321 §2.3.8, §4.1.1.4); a bare LF is taken as
  the line end the MTA meant, and the message is stored with CRLF line
  ends, as Cyrus's lmtpd stores it. A client never sees a bare LF in it.
- An APPEND literal is octets (RFC 9051 §6.3.12): stored as received, and
  FETCH serves exactly those octets, RFC822.SIZE counting them (Cyrus
  refuses such an APPEND; Dovecot stores it and serves CRLF).

Either way RFC822.SIZE is the length of what BODY[] sends, and
BODY[HEADER] + BODY[TEXT] is BODY[]. Real processes: the master with
imapd and lmtpd, Python's smtplib as the LMTP client (it sends bytes
unchanged)."""

from __future__ import annotations

import imaplib
import re
import smtplib
import socket
from collections.abc import Iterator

import pytest
from tests.harness.master import Master, running_master
from tests.harness.site import PASSWORD, Site

BARE = (b"From: ann@example.com\nTo: bob@example.com\nSubject: bare LF\n\n"
        b"line one\nline two\r\n.dot line\nlast line\r\n")


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    with running_master(site, {"imap": "imapd", "lmtp": "lmtpd"}) as running:
        admin = imaplib.IMAP4("127.0.0.1", running.ports["imap"])
        admin.login("admin", PASSWORD)
        assert admin.create("user/bob")[0] == "OK"
        admin.logout()
        yield running


def fetched(master: Master, uid: int) -> dict[str, bytes]:
    client = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
    client.login("bob", PASSWORD)
    client.select("INBOX", readonly=True)
    typ, data = client.uid("FETCH", str(uid),
                           "(RFC822.SIZE BODY.PEEK[] BODY.PEEK[HEADER] BODY.PEEK[TEXT])")
    client.logout()
    assert typ == "OK", data
    literals = [item[1] for item in data if isinstance(item, tuple)]
    size = re.search(rb"RFC822.SIZE (\d+)", data[0][0])  # type: ignore[index]
    assert size and len(literals) == 3, data
    return {"size": size.group(1), "whole": literals[0], "header": literals[1],
            "text": literals[2]}


def append_raw(master: Master, message: bytes) -> None:
    """APPEND with a LITERAL+ literal (imaplib would rewrite the line ends)."""
    with socket.create_connection(("127.0.0.1", master.ports["imap"]), timeout=10) as sock:
        reader = sock.makefile("rb")
        reader.readline()
        sock.sendall(b"a1 LOGIN bob " + PASSWORD.encode() + b"\r\n")
        while not reader.readline().startswith(b"a1 "):
            pass
        sock.sendall(b"a2 APPEND INBOX {%d+}\r\n%s\r\n" % (len(message), message))
        while not (line := reader.readline()).startswith(b"a2 "):
            pass
        assert line.startswith(b"a2 OK"), line
        sock.sendall(b"a3 LOGOUT\r\n")


def consistent(answer: dict[str, bytes]) -> None:
    assert int(answer["size"]) == len(answer["whole"])
    assert answer["header"] + answer["text"] == answer["whole"]


def test_lmtp_stores_crlf_and_append_stores_as_received(master: Master) -> None:
    with smtplib.LMTP("127.0.0.1", master.ports["lmtp"]) as lmtp:
        assert lmtp.sendmail("ann@example.com", ["bob"], BARE) == {}
    delivered = fetched(master, 1)
    consistent(delivered)
    assert re.search(rb"(?<!\r)\n", delivered["whole"]) is None, delivered["whole"]
    # The message as sent with its line ends made CRLF (smtplib stuffed the
    # dot line, lmtpd unstuffed it); the trace headers lmtpd adds come first.
    assert delivered["whole"].endswith(
        BARE.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))

    append_raw(master, BARE)
    appended = fetched(master, 2)
    consistent(appended)
    assert appended["whole"] == BARE
    assert appended["text"] == b"line one\nline two\r\n.dot line\nlast line\r\n"
