"""enotify methods: RFC 5435 §3, and the one method Roost knows, mailto (RFC 5436).

Only the URI is understood here; sending is delivery's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import getaddresses
from urllib.parse import parse_qsl, unquote

# RFC 5436 §2.2: these headers may not be set from the URI.
FORBIDDEN_HEADERS = {"auto-submitted", "received", "message-id", "date", "from", "sender", "to", "cc", "bcc"}


@dataclass(frozen=True, slots=True)
class MailtoURI:
    recipients: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    body: str


def parse_mailto(uri: str) -> MailtoURI | None:
    """The parts of a mailto: URI (RFC 6068), or None when it is not one."""
    if not uri.lower().startswith("mailto:"):
        return None
    rest = uri[7:]
    to_part, _, query = rest.partition("?")
    addresses = [unquote(a) for a in to_part.split(",") if a]
    headers: list[tuple[str, str]] = []
    body = ""
    for name, value in parse_qsl(query, keep_blank_values=True):
        low = name.lower()
        if low == "to":
            addresses.extend(v.strip() for v in value.split(",") if v.strip())
        elif low == "body":
            body = value
        else:
            headers.append((name, value))
    recipients = tuple(addr for _, addr in getaddresses(addresses) if "@" in addr)
    if len(recipients) != len(addresses):
        return None
    return MailtoURI(recipients, tuple(headers), body)


def method_problem(uri: str) -> str | None:
    """Why a notification method URI cannot be used, or None if it can."""
    scheme = uri.partition(":")[0].lower()
    if scheme != "mailto" or ":" not in uri:
        return f"unsupported notification method {uri!r} (Roost supports mailto)"
    parsed = parse_mailto(uri)
    if parsed is None or not parsed.recipients:
        return f"bad mailto URI {uri!r}"
    return None


def method_capability(uri: str, capability: str) -> str | None:
    """RFC 5435 §5: notify_method_capability; mailto answers "maybe" for online (RFC 5436 §2.4)."""
    if method_problem(uri) is not None:
        return None
    return "maybe" if capability.lower() == "online" else None
