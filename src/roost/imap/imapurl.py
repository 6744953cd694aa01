"""IMAP URLs to one message or part (RFC 5092 §6, with RFC 4467 URLAUTH).

What CATENATE (RFC 4469 §3) and URLFETCH (RFC 4467 §4) read: an
`imessagepart`, absolute (`imap://user@host/INBOX;UIDVALIDITY=7/;UID=20`)
or relative to the session (`/INBOX/;UID=20`, or `;UID=20` for the
selected mailbox). Parameter names are case-insensitive (RFC 4469's own
examples write `section` and `Section`); `%XX` escapes are decoded and a
mailbox name is UTF-8 (RFC 5092 §3.2: the URL never carries modified
UTF-7). Anything else is `ValueError`, which the commands answer as
`[BADURL]` (RFC 4469 §4.1) or NIL (RFC 4467 §6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote_to_bytes

from roost.imap import commands as c
from roost.imap.parse_fetch import parse_section

_ABSOLUTE = re.compile(r"imap://(?:([^@/;]*)(?:;AUTH=[^@/]*)?@)?([^/]*)(/.*)?\Z",
                       re.IGNORECASE | re.DOTALL)
#: RFC 5092 §11 achar/bchar: unreserved, sub-delims but ";", "&", "=",
#: ":", "@", "/", and %XX. Anything else (space, quotes, 8-bit) is refused.
_CHARS = re.compile(r"[A-Za-z0-9\-._~!$'()*+,;&=:@/%]*\Z")
_PARAM = re.compile(r";([A-Za-z]+)=([^;/]*)")
_NZ = re.compile(r"[1-9][0-9]{0,9}\Z")
_NUM = re.compile(r"[0-9]{1,10}\Z")
_VERIFIER = re.compile(r":([A-Za-z0-9.\-]+):([0-9A-Fa-f]{32,})\Z")
_ACCESS = re.compile(r"(submit\+|user\+)(.+)|(authuser|anonymous)\Z", re.IGNORECASE)
MAX_URL = 8192  # no client needs more; it bounds the work a hostile one can ask


@dataclass(frozen=True, slots=True)
class ImapUrl:
    """One parsed message (part) URL.

    `mailbox` is the Unicode client-side name, None for the selected
    mailbox; `user` and `host` are set on absolute URLs only; `access`
    (lower-cased prefix, e.g. `submit+fred`), `expire`, `mechanism` and
    `token` on URLAUTH ones, and `rump` is then the text the token signs
    (RFC 4467 §2.2: everything before `:mechanism:token`).
    """

    text: str
    user: str | None
    host: str | None
    mailbox: str | None
    uidvalidity: int | None
    uid: int
    section: c.Section | None = None
    partial: tuple[int, int | None] | None = None
    expire: datetime | None = None
    access: str | None = None
    mechanism: str | None = None
    token: str | None = None
    rump: str = ""


def _decode(raw: str) -> str:
    """%XX-decoded UTF-8 (RFC 5092 §3.2, §8)."""
    try:
        return unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("URL component is not UTF-8") from None


def parse_url(text: str) -> ImapUrl:
    """The message or part `text` names; ValueError for anything else."""
    if len(text) > MAX_URL or not _CHARS.match(text.removeprefix("imap://")):
        raise ValueError("not an IMAP URL")
    user = host = None
    path = text
    absolute = _ABSOLUTE.match(text)
    if absolute is not None:
        user = _decode(absolute.group(1)) if absolute.group(1) else None
        host, path = absolute.group(2), absolute.group(3) or ""
        if not host or not path.startswith("/") or path.startswith("/;"):
            raise ValueError("an absolute URL names a server and a mailbox")
    elif text.lower().startswith("imap:"):
        raise ValueError("malformed imap: URL")
    rump, mechanism, token = text, None, None
    verifier = _VERIFIER.search(path)
    if verifier is not None:
        mechanism, token = verifier.group(1), verifier.group(2)
        path = path[: verifier.start()]
        rump = text[: len(text) - len(verifier.group())]
    return _message_part(text, user, host, path, rump, mechanism, token)


def _message_part(text: str, user: str | None, host: str | None, path: str, rump: str,
                  mechanism: str | None, token: str | None) -> ImapUrl:
    mailbox: str | None = None
    if path.startswith("/"):
        end = path.find(";")
        end = len(path) if end < 0 else end
        mailbox = _decode(path[1:end].rstrip("/"))
        if not mailbox:
            raise ValueError("URL names no mailbox")
        path = path[end:]
    params: dict[str, str] = {}
    pos = 0
    order: list[str] = []
    while pos < len(path):
        if path.startswith("/", pos):
            pos += 1
        m = _PARAM.match(path, pos)
        if m is None:
            raise ValueError("malformed URL parameter")
        name = m.group(1).upper()
        if name in params:
            raise ValueError(f"repeated {name}")
        params[name] = m.group(2)
        order.append(name)
        pos = m.end()
    return _from_params(text, user, host, mailbox, params, order, rump, mechanism, token)


_ORDER = ("UIDVALIDITY", "UID", "SECTION", "PARTIAL", "EXPIRE", "URLAUTH")


def _from_params(text: str, user: str | None, host: str | None, mailbox: str | None,
                 params: dict[str, str], order: list[str], rump: str,
                 mechanism: str | None, token: str | None) -> ImapUrl:
    """RFC 5092 §6 in this order: [UIDVALIDITY] UID [SECTION] [PARTIAL]
    [EXPIRE] [URLAUTH]; UIDVALIDITY only right after the mailbox name."""
    if any(name not in _ORDER for name in order) or order != sorted(order, key=_ORDER.index):
        raise ValueError("URL parameters out of order or unknown")
    if "UID" not in params or not _NZ.match(params["UID"]):
        raise ValueError("URL names no message UID")
    if "UIDVALIDITY" in params and (mailbox is None or not _NZ.match(params["UIDVALIDITY"])):
        raise ValueError("bad UIDVALIDITY")
    section = None
    if "SECTION" in params:
        try:
            section = parse_section(_decode(params["SECTION"]).encode())
        except ValueError:
            raise ValueError("bad SECTION") from None
    expire = _expire(params.get("EXPIRE"))
    access = params.get("URLAUTH")
    if access is not None and not _ACCESS.match(_decode(access)):
        raise ValueError("bad URLAUTH access identifier")
    if access is None and (mechanism is not None or expire is not None):
        raise ValueError("a verifier or ;EXPIRE= needs ;URLAUTH=")
    return ImapUrl(
        text, user, host, mailbox,
        int(params["UIDVALIDITY"]) if "UIDVALIDITY" in params else None,
        int(params["UID"]), section, _partial(params.get("PARTIAL")), expire,
        _access(access), mechanism.upper() if mechanism else None,
        token.lower() if token else None, rump if access is not None else "")


def _access(raw: str | None) -> str | None:
    """`submit+fred` with the prefix lower-cased, the user as written."""
    if raw is None:
        return None
    value = _decode(raw)
    prefix, _, who = value.partition("+")
    return f"{prefix.lower()}+{who}" if who else value.lower()


def _partial(raw: str | None) -> tuple[int, int | None] | None:
    """RFC 5092 §6 `partial-range = number ["." nz-number]`."""
    if raw is None:
        return None
    start, dot, length = raw.partition(".")
    if not _NUM.match(start) or (dot and not _NZ.match(length)):
        raise ValueError("bad PARTIAL")
    return int(start), int(length) if dot else None


def _expire(raw: str | None) -> datetime | None:
    """RFC 4467 §3 `;EXPIRE=` RFC 3339 date-time, with its zone."""
    if raw is None:
        return None
    try:
        when = datetime.fromisoformat(_decode(raw))
    except ValueError:
        raise ValueError("bad EXPIRE date-time") from None
    if when.tzinfo is None:
        raise ValueError("EXPIRE needs a time zone")
    return when
