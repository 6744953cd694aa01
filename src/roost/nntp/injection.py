"""What a server does to an article before it keeps it (RFC 5537 §3.5
injecting, §3.6 relaying): checks, and the header fields it adds. Pure.

POST (injection): From, Subject and Newsgroups must be there and an
article that was injected already (Injection-Info) is refused; a Date
must parse and not lie in the future, and is added when missing, as is
a Message-ID (a given one must be `<left@right>`); Path gets the
server's `name!.POSTED!` in front (or becomes `name!.POSTED!not-for-mail`);
Injection-Date is added; Xref (a server's own numbering) is dropped;
with `newspostuser`, To and/or Reply-To (`newsaddheaders`) get the
`newspostuser+group@domain` address of each group, as Cyrus adds them.
IHAVE (relaying): the Message-ID must be the one offered and the
mandatory fields (RFC 5536 §3.1) must be present; Path gets `name!`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import format_datetime

from roost.message.dates import parse_date
from roost.message.envelope import clean_value
from roost.message.headers import Field, header_end, parse_fields

_MESSAGE_ID = re.compile(rb"<[\x21-\x3d\x3f-\x7e]+@[\x21-\x3d\x3f-\x7e]+>\Z")
_GROUP_SEP = re.compile(rb"[\s,]+")
#: RFC 5537 §3.5: a Date this far ahead is refused (a day covers clock skew).
FUTURE = timedelta(hours=24)


class Refused(Exception):
    """The article is not acceptable; the message says why (441 / 437)."""


@dataclass(frozen=True, slots=True)
class Article:
    """An article ready to store: its bytes, its message-id (no brackets) and groups."""

    raw: bytes
    message_id: str
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Injector:
    """The server's side of injection: its path identity and the options."""

    servername: str
    newspostuser: str = ""
    addheaders: tuple[str, ...] = ("to",)
    domain: str = ""

    def post(self, raw: bytes, now: datetime) -> Article:
        """Check and complete a POSTed article (RFC 5537 §3.5)."""
        fields, body = _split(raw)
        first = _first(fields)
        for name in (b"from", b"subject", b"newsgroups"):
            if not first.get(name):
                raise Refused(f"Missing {name.decode().title()} header")
        if b"injection-info" in first:
            raise Refused("Article was already injected")
        added: list[bytes] = []
        date = first.get(b"date")
        if date is None:
            added.append(b"Date: " + format_datetime(now).encode())
        else:
            sent = parse_date(date)
            if sent is None:
                raise Refused("Bad Date header")
            if sent > now + FUTURE:
                raise Refused("Date is in the future")
        message_id = first.get(b"message-id")
        if message_id is None:
            message_id = f"<{secrets.token_hex(12)}@{self.servername}>".encode()
            added.append(b"Message-ID: " + message_id)
        elif not _MESSAGE_ID.match(message_id):
            raise Refused("Bad Message-ID header")
        path = first.get(b"path") or b"not-for-mail"
        added.insert(0, f"Path: {self.servername}!.POSTED!".encode() + path)
        added.append(b"Injection-Date: " + format_datetime(now).encode())
        groups = _groups(first[b"newsgroups"])
        drop = {b"path", b"xref"}
        if self.newspostuser:
            for header, source in ((b"to", b"newsgroups"), (b"reply-to", b"followup-to")):
                if header.decode().replace("-", "") not in self.addheaders:
                    continue
                targets = _groups(first.get(source) or first[b"newsgroups"])
                if source == b"followup-to" and targets == (b"poster",):
                    continue
                addresses = b", ".join(self._address(group) for group in targets)
                existing = first.get(header)
                added.append(header.title() + b": " + (existing + b", " if existing else b"")
                             + addresses)
                drop.add(header)
        return _assemble(raw, added, fields, drop, body, message_id, groups)

    def relay(self, raw: bytes, offered: str) -> Article:
        """Check an article fed with IHAVE and add this server to its Path (§3.6)."""
        fields, body = _split(raw)
        first = _first(fields)
        for name in (b"from", b"subject", b"newsgroups", b"date", b"message-id", b"path"):
            if not first.get(name):
                raise Refused(f"Missing {name.decode().title()} header")
        message_id = first[b"message-id"]
        if message_id != f"<{offered}>".encode():
            raise Refused("Message-ID is not the one offered")
        added = [f"Path: {self.servername}!".encode() + first[b"path"]]
        return _assemble(raw, added, fields, {b"path", b"xref"}, body, message_id,
                         _groups(first[b"newsgroups"]))

    def _address(self, group: bytes) -> bytes:
        address = f"{self.newspostuser}+".encode() + group
        return address + (f"@{self.domain}".encode() if self.domain else b"")


def _split(raw: bytes) -> tuple[list[Field], bytes]:
    end = header_end(raw, 0, len(raw))
    return parse_fields(raw, 0, end), raw[end:]


def _first(fields: list[Field]) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    for field in fields:
        found.setdefault(field.lname, clean_value(field.value) or b"")
    return found


def _groups(value: bytes) -> tuple[bytes, ...]:
    return tuple(group for group in _GROUP_SEP.split(value) if group)


def _assemble(raw: bytes, added: list[bytes], fields: list[Field], drop: set[bytes],
              body: bytes, message_id: bytes, groups: tuple[bytes, ...]) -> Article:
    """The added fields first, then the article's own (as sent, minus
    `drop`), the blank line and the body."""
    kept = [raw[field.start:field.end] for field in fields if field.lname not in drop]
    header = b"".join(line + b"\r\n" for line in added) + b"".join(
        line if line.endswith(b"\n") else line + b"\r\n" for line in kept)
    return Article(header + b"\r\n" + body, message_id[1:-1].decode("latin-1"),
                   tuple(group.decode("utf-8", "replace") for group in groups))
