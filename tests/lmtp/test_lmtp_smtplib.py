"""Python's smtplib.LMTP as a real client: TCP, unix socket, STARTTLS.

smtplib reads a single reply after DATA (it does not implement RFC 2033
§4.2's per-recipient replies), so each message here has one recipient;
the per-recipient replies are covered by the transcripts.
"""

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

import pytest
from tests.lmtp.conftest import Bodies
from tests.lmtp.lmtp_client import Serve

from roost.config import Config


def message(subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "sender@example.org"
    msg["To"] = "bob@example.com"
    msg["Subject"] = subject
    msg.set_content("Grüße\n.leading dot\n")  # 8-bit text, a line that needs stuffing
    return msg


def send(client: smtplib.LMTP, subject: str, rcpt: str = "bob@example.com") -> None:
    client.ehlo("mx.test")
    refused = client.send_message(message(subject), "sender@example.org", [rcpt])
    assert refused == {}


async def test_smtplib_over_tcp(conf: Config, serve: Serve, bodies: Bodies) -> None:
    host, port = await serve(conf)

    def session() -> None:
        with smtplib.LMTP(host, port) as client:
            code, _ = client.ehlo("mx.test")
            assert code == 250 and client.has_extn("pipelining") and client.has_extn("size")
            send(client, "one")
            send(client, "two")
            with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
                client.send_message(message("x"), "a@example.org", ["ghost@example.com"])
            assert refused.value.recipients["ghost@example.com"][0] == 550

    await asyncio.to_thread(session)
    one, two = await bodies("user.bob")
    assert b"Subject: one" in one and b"Subject: two" in two
    assert b"\r\n.leading dot\r\n" in one


async def test_smtplib_over_unix_socket(unix_path: Path, bodies: Bodies) -> None:
    def session() -> None:
        with smtplib.LMTP(str(unix_path)) as client:
            send(client, "via socket", "bob+Lists@example.com")

    await asyncio.to_thread(session)
    [body] = await bodies("user.bob")  # +detail needs `p` for the sender (Cyrus)
    assert b"Subject: via socket" in body


async def test_smtplib_starttls(tls_conf: Config, serve: Serve, client_tls: ssl.SSLContext,
                                bodies: Bodies) -> None:
    host, port = await serve(tls_conf)

    def session() -> None:
        with smtplib.LMTP(host, port) as client:
            client.ehlo("mx.test")
            assert client.has_extn("starttls")
            client.starttls(context=client_tls)
            send(client, "secret", "carol")

    await asyncio.to_thread(session)
    [body] = await bodies("user.carol")
    assert b"with LMTPS id" in body and b"for <carol>" in body
