"""Modified UTF-7 mailbox names, RFC 3501 §5.1.3 (what fileinto files into
unless sieve_utf8fileinto is set; RFC 5228 §4.1 asks for the store's encoding)."""

from __future__ import annotations

import base64


def encode_mailbox(name: str) -> str:
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            raw = "".join(pending).encode("utf-16-be", "surrogatepass")
            out.append("&" + base64.b64encode(raw).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    return "".join(out)
