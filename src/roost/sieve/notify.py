"""enotify methods: RFC 5435 §3, and the one method Roost knows, mailto (RFC 5436).

Only the URI is understood here; sending is delivery's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

from roost.sieve.addrspec import addr_spec
from roost.sieve.message import FIELD_NAME

# RFC 5436 §2.2: these headers may not be set from the URI.
FORBIDDEN_HEADERS = {"auto-submitted", "received", "message-id", "date", "from", "sender", "to", "cc", "bcc"}


@dataclass(frozen=True, slots=True)
class MailtoURI:
    recipients: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    body: str


# RFC 3986 §2: what a URI may hold besides "%" escapes.
URI_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?")
PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# RFC 5435 §3.5: optionname = l-d *l-d-p, "=", value without NUL, CR or LF.
OPTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*=[^\x00\r\n]*\Z")


def option_problem(option: str) -> str | None:
    """Why a notify :options string is not "<optionname>=<value>" (RFC 5435 §3.5), or None."""
    return None if OPTION.match(option) else f"notify option {option!r} is not optionname=value"


def parse_mailto(uri: str) -> MailtoURI | None:
    """The parts of a mailto: URI (RFC 6068 §2), or None when it is not a valid one."""
    if not uri.lower().startswith("mailto:"):
        return None
    rest = uri[7:]
    if PERCENT.search(rest) or any(c not in URI_CHARS and c != "%" for c in rest):
        return None  # RFC 6068 §2: anything else must be percent-encoded
    to_part, _, query = rest.partition("?")
    addresses = [unquote(a) for a in to_part.split(",") if a]
    headers: list[tuple[str, str]] = []
    body = ""
    for field in query.split("&") if query else []:
        name, equals, raw = field.partition("=")
        if not name or not equals:
            return None  # RFC 6068 §2: hfield = hfname "=" hfvalue
        name, value = unquote(name), unquote(raw)
        if not FIELD_NAME.match(name):
            return None  # RFC 6068 §2: an hfname is a header field name
        low = name.lower()
        if low == "to":
            addresses.extend(v.strip() for v in value.split(",") if v.strip())
        elif low == "body":
            body = value
        else:
            headers.append((name, value))
    recipients = tuple(addr_spec(a) or "" for a in addresses)
    if not all(recipients):
        return None  # RFC 6068 §2: "to" is a list of addr-spec
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
