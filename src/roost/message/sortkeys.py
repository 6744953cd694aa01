"""Sort and thread keys (RFC 5256).

`base_subject` is RFC 5256 §2.1's extraction, over the RFC 2047-decoded
subject. Case is left alone: SORT compares with i;unicode-casemap or
i;ascii-casemap, which the caller applies. `first_mailbox` is the
addr-mailbox of the first address (RFC 5256 §3, SORT FROM/TO/CC).
`first_display` is RFC 5957 §3's DISPLAYFROM/DISPLAYTO key: the decoded
display name of the first address, else its addr-spec.
`msg_ids` reads the `<...>` ids of Message-ID, In-Reply-To and References
(RFC 5256 §4, REFERENCES threading).
"""

from __future__ import annotations

import re

from roost.message import charsets
from roost.message.address import parse_addresses
from roost.message.encoded_words import decode_header_value

_WSP_RUN = re.compile(r"[ \t\r\n]+")
_BLOB_BODY = re.compile(r"[^\[\]]*\]")
_MSG_ID = re.compile(rb"<([^<>]*)>")


def _skip_space(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos] == " ":
        pos += 1
    return pos


def _blob_end(text: str, pos: int, end: int) -> int:
    """End of the subj-blob `[...]` + WSP at `pos`, or -1 if there is none."""
    if pos >= end or text[pos] != "[":
        return -1
    match = _BLOB_BODY.match(text, pos + 1, end)
    return -1 if match is None else _skip_space(text, match.end(), end)


def _refwd_end(text: str, pos: int, end: int) -> int:
    """End of subj-refwd `re|fw|fwd *WSP [blob] ":"` at `pos`, or -1."""
    head = text[pos : pos + 3].lower()
    if head == "fwd":
        pos += 3
    elif head[:2] in ("re", "fw"):
        pos += 2
    else:
        return -1
    pos = _skip_space(text, pos, end)
    blob = _blob_end(text, pos, end)
    if blob >= 0:
        pos = blob
    return pos + 1 if pos < end and text[pos] == ":" else -1


def _strip_leaders(text: str, pos: int, end: int) -> tuple[int, bool]:
    """Steps 3-5 of RFC 5256 §2.1 in one linear pass: drop subj-leaders and
    leading subj-blobs (a blob only while text remains after it). Also
    says whether a subj-refwd went (RFC 5256 §3: a reply or forward)."""
    refwd_seen = False
    while True:
        pos = _skip_space(text, pos, end)
        run_end, last_blob = pos, -1  # the run of blobs at pos
        while (blob := _blob_end(text, run_end, end)) >= 0:
            last_blob, run_end = run_end, blob
        refwd = _refwd_end(text, run_end, end)
        if refwd >= 0:  # step 3: *subj-blob subj-refwd
            pos, refwd_seen = refwd, True
        elif last_blob >= 0:
            # Step 4 repeated over the run: every blob goes while text
            # remains after it; when only blobs remain, the last one stays.
            # Step 3 cannot match afterwards: the run ended without refwd.
            return (run_end if run_end < end else last_blob), refwd_seen
        else:
            return pos, refwd_seen


def base_subject(decoded: str) -> str:
    """RFC 5256 §2.1 base subject of an already-decoded subject."""
    return subject_parts(decoded)[0]


def subject_parts(decoded: str) -> tuple[str, bool]:
    """RFC 5256 §2.1 base subject, and whether the extraction removed a
    subj-refwd, a "(fwd)" trailer or a subj-fwd-hdr/trl: what RFC 5256 §3
    (REFERENCES step 5) calls a reply or forward.

    Works on indices into the string so that long runs of "Re:", blobs
    or "(fwd)" cost linear time.
    """
    text = _WSP_RUN.sub(" ", decoded)  # step 1
    pos, end = 0, len(text)
    reply = False
    while True:
        while True:  # step 2: trailing WSP and "(fwd)"
            while end > pos and text[end - 1] == " ":
                end -= 1
            if end - pos >= 5 and text[end - 5 : end].lower() == "(fwd)":
                end -= 5
                reply = True
                continue
            break
        pos, refwd = _strip_leaders(text, pos, end)
        reply |= refwd
        # step 6: "[fwd:" ... "]" wraps the whole subject
        if end - pos >= 6 and text[pos : pos + 5].lower() == "[fwd:" and text[end - 1] == "]":
            pos, end, reply = pos + 5, end - 1, True
            continue
        return text[pos:end].strip(" "), reply


def first_mailbox(value: bytes | None) -> str:
    """[IMAP] addr-mailbox of the first address as ENVELOPE lists it
    (RFC 5256 §3): for a group that is the group start, whose
    addr-mailbox is the group's name (RFC 9051 §7.5.2), as Cyrus sorts."""
    if value is None:
        return ""
    for _name, _adl, mailbox, _host in parse_addresses(value):
        return "" if mailbox is None else charsets.header_bytes_to_str(mailbox)
    return ""


def first_display(value: bytes | None) -> str:
    """RFC 5957 §3: the RFC 2047-decoded display name of the first address,
    else its addr-spec `mailbox@host`; for a group start, the group's name
    (Cyrus's reading); "" when there is no address."""
    if value is None:
        return ""
    for name, _adl, mailbox, host in parse_addresses(value):
        display = decode_header_value(name).strip() if name is not None else ""
        if display or mailbox is None:
            return display
        if host is None:
            return decode_header_value(mailbox).strip()
        return charsets.header_bytes_to_str(mailbox + b"@" + host)
    return ""


def _normal_id(raw: bytes) -> bytes:
    """RFC 5256 §3 REFERENCES: one msg-id spelled with quoting or without
    is one Message ID, so `"a.b"@c` and `a.b@c` both become `a.b@c`
    (quotes and quoted-pair backslashes dropped, folding white space too)."""
    raw = raw.strip()
    if b'"' not in raw and b"\\" not in raw and not any(c in raw for c in b" \t\r\n"):
        return raw
    out = bytearray()
    quoted = escaped = False
    for byte in raw:
        if escaped:
            out.append(byte)
            escaped = False
        elif byte == 0x5C:  # backslash
            escaped = True
        elif byte == 0x22:  # double quote
            quoted = not quoted
        elif byte in b" \t\r\n" and not quoted:
            continue
        else:
            out.append(byte)
    return bytes(out)


def msg_ids(value: bytes | None) -> tuple[str, ...]:
    """Message ids `<...>` in a header value, without the brackets,
    normalized (`_normal_id`)."""
    if value is None:
        return ()
    ids = (_normal_id(m) for m in _MSG_ID.findall(value))
    return tuple(charsets.header_bytes_to_str(m) for m in ids if m)
