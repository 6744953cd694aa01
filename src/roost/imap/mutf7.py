"""Modified UTF-7 for mailbox names, RFC 3501 §5.1.3.

Printable ASCII other than ``&`` stands for itself; ``&`` is written
``&-``; everything else is UTF-16BE in modified base64 (``,`` for ``/``,
no padding) between ``&`` and ``-``. Decoding is strict, because two
spellings of one name would let a client create look-alike mailboxes:
the decoder rejects what the encoder would never produce.
"""

from __future__ import annotations

import base64
import binascii
import re

_B64_CHARS = re.compile(r"[A-Za-z0-9+,]*\Z")


def encode(name: str) -> str:
    """Encode a Unicode mailbox name."""
    out: list[str] = []
    pending: list[str] = []  # characters waiting for a base64 run
    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            if pending:
                out.append(_shift("".join(pending)))
                pending = []
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    if pending:
        out.append(_shift("".join(pending)))
    return "".join(out)


def decode(name: str) -> str:
    """Decode a modified UTF-7 name; ValueError when it is not canonical."""
    out: list[str] = []
    i = 0
    while i < len(name):
        ch = name[i]
        if not 0x20 <= ord(ch) <= 0x7E:
            raise ValueError(f"character {ch!r} must be encoded")
        if ch != "&":
            out.append(ch)
            i += 1
            continue
        end = name.find("-", i + 1)
        if end < 0:
            raise ValueError("'&' shift not closed by '-'")
        if end == i + 1:
            out.append("&")
        else:
            out.append(_unshift(name[i + 1 : end]))
            # RFC 3501 §5.1.3: adjacent runs must be one run.
            if name.startswith("&", end + 1) and not name.startswith("&-", end + 1):
                raise ValueError("two adjacent encoded runs")
        i = end + 1
    return "".join(out)


def _shift(text: str) -> str:
    raw = base64.b64encode(text.encode("utf-16-be")).decode("ascii")
    return "&" + raw.rstrip("=").replace("/", ",") + "-"


def _unshift(run: str) -> str:
    if not _B64_CHARS.match(run):
        raise ValueError(f"bad modified base64 {run!r}")
    if len(run) % 4 == 1:
        raise ValueError(f"truncated modified base64 {run!r}")
    padded = run.replace(",", "/") + "=" * (-len(run) % 4)
    try:
        raw = base64.b64decode(padded, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"bad modified base64 {run!r}") from exc
    if len(raw) % 2:
        raise ValueError("odd number of UTF-16 bytes")
    if base64.b64encode(raw).decode("ascii").rstrip("=").replace("/", ",") != run:
        raise ValueError("non-zero padding bits")
    try:
        text = raw.decode("utf-16-be")
    except UnicodeDecodeError as exc:
        raise ValueError("unpaired UTF-16 surrogate") from exc
    if any(0x20 <= ord(c) <= 0x7E for c in text):
        raise ValueError("printable ASCII must not be encoded")
    return text

