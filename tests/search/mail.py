"""Random messages for the index tests: the encodings the index decodes.

Each message is built from a few words of several scripts, in a random
shape: 8bit UTF-8, quoted-printable ISO-8859-1, base64 UTF-8, text/html,
multipart/alternative, an attachment, RFC 2047 subjects and names (From
of several senders; a Cc of two addresses in odd shapes, a second
Subject field in shape 5).
"""

from __future__ import annotations

import base64
import quopri
from email.header import Header

from hypothesis import strategies as st

WORDS = ("hello", "Yellow", "café", "CAFÉ", "Straße", "grüße", "счёт", "Привет", "請求書",
         "invoice", "a&b", "x\"y", "ell", "line")
NEEDLES = ("ell", "ELL", "hel", "lo y", "caf", "café", "strasse", "STRASSE", "grü", "счё",
           "ПРИВЕТ", "請求", "請", "e", "in", "voice", "a&b", "&", "x\"y", "\"", "zzz",
           "yellow", "line\nin", "j@ex", "<j@", "rgen", "петр", "example.org", "inè",
           "e.com>", "renée")
SENDERS = ("Jürgen", "Ирина Петрова", "Inès Petit", "hello")


def _qp(text: str) -> bytes:
    return quopri.encodestring(text.encode("latin-1", "replace"))


def message(subject: str, body: str, shape: int, sender: str = "Jürgen") -> bytes:
    """One message of `subject` and `body` in shape 0..6, from `sender`
    (6: the body forwarded as a message/rfc822 part whose own header holds
    the subject again, RFC 2047 encoded)."""
    encoded = Header(subject, "utf-8").encode(linesep="\r\n")
    head = (f"From: {Header(sender, 'utf-8').encode()} <j@example.com>\r\n"
            f"To: bob@example.com\r\nSubject: {encoded}\r\nMIME-Version: 1.0\r\n")
    if shape % 2:
        head += "Cc: =?utf-8?q?Ren=C3=A9e?= <renee@example.org>, pat@example.com\r\n"
    if shape == 5:
        head += "Subject: hello\r\n"
    crlf = body.replace("\n", "\r\n")
    if shape == 0:
        part = ("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit"
                f"\r\n\r\n{crlf}\r\n")
    elif shape == 1:
        part = ("Content-Type: text/plain; charset=iso-8859-1\r\n"
                "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                + _qp(crlf).decode("ascii") + "\r\n")
    elif shape == 2:
        part = ("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64"
                "\r\n\r\n" + base64.encodebytes(crlf.encode()).decode() + "\r\n")
    elif shape == 3:
        part = ("Content-Type: text/html; charset=utf-8\r\n\r\n"
                f"<html><body><p>{crlf}</p><script>hello</script></body></html>\r\n")
    elif shape == 6:
        part = ("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
                "Content-Type: text/plain\r\n\r\nsee below\r\n--b\r\n"
                "Content-Type: message/rfc822\r\n\r\n"
                f"From: {Header(sender, 'utf-8').encode()} <fwd@example.net>\r\n"
                f"Subject: {encoded}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                f"{crlf}\r\n--b--\r\n")
    else:
        inner = ("Content-Type: text/plain; charset=utf-8\r\n\r\n" + crlf + "\r\n")
        extra = ("Content-Type: text/html; charset=utf-8\r\n\r\n<b>" + crlf + "</b>\r\n"
                 if shape == 4 else
                 "Content-Type: application/octet-stream; name*=utf-8''caf%C3%A9.bin\r\n"
                 "Content-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ=\r\n")
        part = ("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
                f"{inner}--b\r\n{extra}--b--\r\n")
    return (head + part).encode("utf-8")


def words() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join)


messages = st.lists(st.builds(message, words(), words().map(lambda w: w.replace(" l", "\nl")),
                              st.integers(0, 6), st.sampled_from(SENDERS)),
                    min_size=1, max_size=8)
