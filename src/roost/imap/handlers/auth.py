"""Any-state and not-authenticated commands: CAPABILITY, NOOP, LOGOUT, ID,
STARTTLS, LOGIN, AUTHENTICATE, ENABLE, UNAUTHENTICATE."""

from __future__ import annotations

import base64
import binascii
import logging
import platform

from roost import __version__
from roost.auth.identity import Identity
from roost.auth.login import Client, LoginFailed
from roost.auth.sasl import plaintext_allowed
from roost.imap import commands as c
from roost.imap import condstore
from roost.imap.capabilities import capability_list
from roost.imap.errors import BadCommand, No
from roost.imap.responses import Done, nstring, plist, string
from roost.imap.session import Session, State

log = logging.getLogger(__name__)

# RFC 5161 §3.1 / RFC 9051 §6.3.1: what ENABLE can switch on.
ENABLEABLE = frozenset({"IMAP4REV2", "CONDSTORE", "QRESYNC", "UTF8=ACCEPT"})


def caps_line(s: Session) -> str:
    return " ".join(capability_list(s.conf, tls_active=s.tls_active,
                                    tls_available=s.tls_available,
                                    authenticated=s.state is not State.NOT_AUTHENTICATED))


async def capability(s: Session, cmd: c.Capability) -> Done:
    """RFC 9051 §6.1.1."""
    s.untagged(b"CAPABILITY " + caps_line(s).encode())
    return Done("Completed")


async def noop(s: Session, cmd: c.Noop) -> Done:
    """RFC 9051 §6.1.2: dispatch sends the pending updates."""
    return Done("Completed")


async def logout(s: Session, cmd: c.Logout) -> Done:
    """RFC 9051 §6.1.3: BYE, then the tagged OK, then close."""
    s.state = State.LOGOUT
    s.selected = None
    return Done("Completed")


async def id_(s: Session, cmd: c.Id) -> None:
    """RFC 2971 §3.1; what is told follows imapidresponse and serverinfo."""
    if not s.conf.imapidresponse or s.conf.serverinfo == "off":
        s.untagged(b"ID NIL")
        return
    fields = [("name", "Roost"), ("vendor", "Roost")]
    if s.conf.serverinfo == "on":
        fields += [("version", __version__), ("os", platform.system())]
    s.untagged(b"ID " + plist(item for k, v in fields for item in (string(k), nstring(v))))


async def unauthenticate(s: Session, cmd: c.Unauthenticate) -> Done:
    """RFC 8437 §3: never NO; the server (`ImapProtocol`) also puts the
    pre-login bounds back and stops counting the session as the user's."""
    log.info("logout: %s %s (UNAUTHENTICATE)", s.peer, s.user)
    s.log_out()
    return Done("Completed, now in not authenticated state")


async def starttls(s: Session, cmd: c.StartTls) -> Done:
    """RFC 9051 §6.2.1: the handshake starts once the tagged OK is out."""
    if s.tls_active:
        raise BadCommand(None, "TLS already active")
    if not s.tls_available:
        raise No(None, "TLS not configured")
    s.after_reply = s.start_tls
    return Done("Begin TLS negotiation now")


#: LoginFailed kinds -> the response code of the tagged NO (RFC 9051 §7.1).
_FAILURE_CODES = {
    "failed": "AUTHENTICATIONFAILED",
    "mechanism": "CANNOT",
    "throttled": "UNAVAILABLE",
    "too-many": None,  # Cyrus: "NO Too many open connections (...)"
}


def _client(s: Session) -> Client:
    return Client("imap", s.peer_ip, s.peer, s.tls_active, s.session_key, s.local_ip)


def _logged_in(s: Session, identity: Identity) -> Done:
    s.login_as(identity)
    return Done("Logged in", "CAPABILITY " + caps_line(s))


async def login(s: Session, cmd: c.Login) -> Done:
    """RFC 9051 §6.2.3: refused on cleartext unless allowplaintext."""
    if not plaintext_allowed(s.conf, s.tls_active):
        raise No("PRIVACYREQUIRED", "Plaintext login disabled; use STARTTLS")
    try:
        identity = await s.ctx.logins.password(_client(s), cmd.username, cmd.password)
    except LoginFailed as err:
        raise No(_FAILURE_CODES[err.kind], err.text) from None
    return _logged_in(s, identity)


def _decode_response(line: bytes) -> bytes:
    if line == b"*":
        raise BadCommand(None, "Authentication cancelled")
    try:
        return base64.b64decode(line, validate=True)
    except binascii.Error:
        raise BadCommand(None, "Invalid base64") from None


async def authenticate(s: Session, cmd: c.Authenticate) -> Done:
    """RFC 9051 §6.2.2 with SASL-IR (RFC 4959): base64 challenges as `+` lines."""

    async def exchange(challenge: bytes) -> bytes:
        return _decode_response(await s.continuation(base64.b64encode(challenge)))

    try:
        identity = await s.ctx.logins.sasl(_client(s), cmd.mechanism, cmd.initial, exchange)
    except LoginFailed as err:
        raise No(_FAILURE_CODES[err.kind], err.text) from None
    return _logged_in(s, identity)


async def enable(s: Session, cmd: c.Enable) -> None:
    """RFC 5161 §3.1: reply ENABLED with what was newly switched on.

    RFC 7162 §3.2.3: QRESYNC implies CONDSTORE, and either is a CONDSTORE
    enabling command (§3.1), which may announce HIGHESTMODSEQ first. A
    CONDSTORE that QRESYNC switched on is listed too, as Cyrus lists it.
    """
    asked = [implied for cap in cmd.capabilities
             for implied in (("CONDSTORE", cap) if cap == "QRESYNC" else (cap,))]
    newly = list(dict.fromkeys(cap for cap in asked
                               if cap in ENABLEABLE and cap not in s.enabled))
    if "CONDSTORE" in newly or "QRESYNC" in newly:
        condstore.enable(s)
    s.enabled.update(newly)
    s.untagged(b"ENABLED" + b"".join(b" " + cap.encode() for cap in newly))
