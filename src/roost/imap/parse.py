"""``parse_command(line) -> Command``: tag, name, then the command's grammar.

Each command family has its own module (parse_mailbox, parse_fetch,
parse_search, parse_sort, parse_admin); this one holds the entry point, the commands
without arguments and the session commands (RFC 9051 §6.1-6.2).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from roost.imap import commands as c
from roost.imap import (
    parse_admin,
    parse_fetch,
    parse_mailbox,
    parse_multisearch,
    parse_notify,
    parse_search,
    parse_sort,
    parse_urlauth,
)
from roost.imap.parse_lexer import Bad, Cursor
from roost.imap.wire import Line

__all__ = ["Bad", "parse_command"]

_NAME = re.compile(rb"[A-Za-z]+")
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")

_NO_ARGS: dict[str, Callable[[str], c.Command]] = {
    "CAPABILITY": c.Capability, "NOOP": c.Noop, "LOGOUT": c.Logout,
    "STARTTLS": c.StartTls, "NAMESPACE": c.Namespace, "IDLE": c.Idle,
    "CHECK": c.Check, "CLOSE": c.Close, "UNSELECT": c.Unselect,
    "EXPUNGE": c.Expunge, "UNAUTHENTICATE": c.Unauthenticate,
}


def parse_command(line: Line) -> c.Command:
    """The command in ``line``; ``Bad`` for anything the grammar rejects."""
    cur = Cursor(line)
    cur.read_tag()
    cur.sp()
    name = cur.token(_NAME, "command name").decode("ascii").upper()
    if name == "UID":
        cur.sp()
        name = cur.token(_NAME, "command name").decode("ascii").upper()
        if name == "EXPUNGE":
            cmd: c.Command = parse_fetch.uid_expunge(cur)
        elif name in _SETS:
            cmd = _SETS[name](cur, True)
        else:
            raise cur.bad(f"unknown command UID {name}")
    elif name in _NO_ARGS:
        cmd = _NO_ARGS[name](cur.tag)
    elif name in _SETS:
        cmd = _SETS[name](cur, False)
    elif name in _ARGS:
        cmd = _ARGS[name](cur)
    else:
        raise cur.bad(f"unknown command {name}")
    cur.end()
    return cmd


def _login(cur: Cursor) -> c.Login:
    """LOGIN userid password. RFC 9051 §6.2.3."""
    cur.sp()
    user = cur.astring()
    cur.sp()
    return c.Login(cur.tag, user, cur.astring())


def _authenticate(cur: Cursor) -> c.Authenticate:
    """AUTHENTICATE mech [initial-response]. RFC 9051 §6.2.2, RFC 4959 §3."""
    cur.sp()
    mechanism = cur.atom().upper()
    initial: bytes | None = None
    if cur.skip(b" "):
        if cur.skip(b"="):
            initial = b""  # RFC 4959 §3: "=" is an empty initial response
        else:
            raw = cur.token(_BASE64, "base64")
            try:
                initial = base64.b64decode(raw, validate=True) if raw else None
            except binascii.Error:
                raise cur.bad("invalid base64") from None
            if initial is None:
                raise cur.bad("expected initial response")
    return c.Authenticate(cur.tag, mechanism, initial)


def _enable(cur: Cursor) -> c.Enable:
    """ENABLE 1*(SP capability). RFC 5161 §4."""
    caps: list[str] = []
    while cur.skip(b" "):
        caps.append(cur.atom().upper())
    if not caps:
        raise cur.bad("ENABLE needs a capability")
    return c.Enable(cur.tag, tuple(caps))


def _id(cur: Cursor) -> c.Id:
    """ID ("(" string SP nstring ... ")" / NIL). RFC 2971 §4."""
    cur.sp()
    if cur.skip_word(b"NIL"):
        return c.Id(cur.tag, None)

    def pair() -> tuple[str, str | None]:
        field = cur.string()
        cur.sp()
        return field, cur.nstring()

    params = cur.paren_list(pair)
    if len(params) > 30:
        raise cur.bad("too many ID fields")  # RFC 2971 §3.3: at most 30
    return c.Id(cur.tag, tuple(params))


def _compress(cur: Cursor) -> c.Compress:
    """COMPRESS algorithm. RFC 4978 §5."""
    cur.sp()
    return c.Compress(cur.tag, cur.atom().upper())


_ARGS: dict[str, Callable[[Cursor], c.Command]] = {
    "LOGIN": _login,
    "AUTHENTICATE": _authenticate,
    "ENABLE": _enable,
    "ID": _id,
    "COMPRESS": _compress,
    "ESEARCH": parse_multisearch.parse_multisearch,
    "CANCELUPDATE": parse_sort.parse_cancelupdate,
    **parse_mailbox.PARSERS,
    **parse_admin.PARSERS,
    **parse_urlauth.PARSERS,
    **parse_notify.PARSERS,
}

#: Commands with a UID form (RFC 9051 §6.4.9); the bool is "came as UID".
_SETS: dict[str, Callable[[Cursor, bool], c.Command]] = {
    **parse_fetch.PARSERS,
    "SEARCH": parse_search.parse_search,
    **parse_sort.PARSERS,
}
