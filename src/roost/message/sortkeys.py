"""Sort and thread keys (RFC 5256).

`base_subject` is RFC 5256 §2.1's extraction, over the RFC 2047-decoded
subject. Case is left alone: SORT compares with i;unicode-casemap or
i;ascii-casemap, which the caller applies. `first_mailbox` is the
addr-mailbox of the first address (RFC 5256 §3, SORT FROM/TO/CC).
`msg_ids` reads the `<...>` ids of Message-ID, In-Reply-To and References
(RFC 5256 §4, REFERENCES threading).
"""

from __future__ import annotations

import re

from roost.message import charsets
from roost.message.address import parse_addresses

_WSP_RUN = re.compile(r"[ \t\r\n]+")
_TRAILER = re.compile(r"(?:\s*\(fwd\))+\s*$|\s+$", re.IGNORECASE)
_BLOB = r"\[[^\[\]]*\]"
_LEADER = re.compile(r"^(?:\s*" + _BLOB + r")*\s*(?:re|fwd?)\s*(?:" + _BLOB + r")?\s*:\s*",
                     re.IGNORECASE)
_BLOB_LEAD = re.compile(r"^\s*" + _BLOB + r"\s*")
_FWD_WRAP = re.compile(r"^\[fwd:(.*)\]$", re.IGNORECASE | re.DOTALL)
_MSG_ID = re.compile(rb"<([^<>]*)>")


def base_subject(decoded: str) -> str:
    """RFC 5256 §2.1 base subject of an already-decoded subject."""
    subject = _WSP_RUN.sub(" ", decoded)  # step 1
    while True:
        subject = _TRAILER.sub("", subject)  # step 2
        while True:  # steps 3-5
            before = subject
            subject = _LEADER.sub("", subject, count=1)
            stripped = _BLOB_LEAD.sub("", subject, count=1)
            if stripped and stripped != subject:
                subject = stripped  # step 4: a blob goes only if text remains
            if subject == before:
                break
        wrapped = _FWD_WRAP.match(subject)  # step 6
        if wrapped is None:
            return subject.strip()
        subject = wrapped.group(1)


def first_mailbox(value: bytes | None) -> str:
    """addr-mailbox of the first real address (group markers skipped)."""
    if value is None:
        return ""
    for _name, _adl, mailbox, host in parse_addresses(value):
        if mailbox is not None and host is not None:
            return charsets.header_bytes_to_str(mailbox)
    return ""


def msg_ids(value: bytes | None) -> tuple[str, ...]:
    """Message ids `<...>` in a header value, without the brackets."""
    if value is None:
        return ()
    return tuple(charsets.header_bytes_to_str(m.strip()) for m in _MSG_ID.findall(value) if m.strip())
