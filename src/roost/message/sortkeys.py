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


def _strip_leaders(text: str, pos: int, end: int) -> int:
    """Steps 3-5 of RFC 5256 §2.1 in one linear pass: drop subj-leaders and
    leading subj-blobs (a blob only while text remains after it)."""
    while True:
        pos = _skip_space(text, pos, end)
        run_end, last_blob = pos, -1  # the run of blobs at pos
        while (blob := _blob_end(text, run_end, end)) >= 0:
            last_blob, run_end = run_end, blob
        refwd = _refwd_end(text, run_end, end)
        if refwd >= 0:  # step 3: *subj-blob subj-refwd
            pos = refwd
        elif last_blob >= 0:
            # Step 4 repeated over the run: every blob goes while text
            # remains after it; when only blobs remain, the last one stays.
            # Step 3 cannot match afterwards: the run ended without refwd.
            return run_end if run_end < end else last_blob
        else:
            return pos


def base_subject(decoded: str) -> str:
    """RFC 5256 §2.1 base subject of an already-decoded subject.

    Works on indices into the string so that long runs of "Re:", blobs
    or "(fwd)" cost linear time.
    """
    text = _WSP_RUN.sub(" ", decoded)  # step 1
    pos, end = 0, len(text)
    while True:
        while True:  # step 2: trailing WSP and "(fwd)"
            while end > pos and text[end - 1] == " ":
                end -= 1
            if end - pos >= 5 and text[end - 5 : end].lower() == "(fwd)":
                end -= 5
                continue
            break
        pos = _strip_leaders(text, pos, end)
        # step 6: "[fwd:" ... "]" wraps the whole subject
        if end - pos >= 6 and text[pos : pos + 5].lower() == "[fwd:" and text[end - 1] == "]":
            pos, end = pos + 5, end - 1
            continue
        return text[pos:end].strip(" ")


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
