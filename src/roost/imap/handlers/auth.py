"""Any-state and not-authenticated commands: CAPABILITY, NOOP, LOGOUT, ID,
STARTTLS, LOGIN, AUTHENTICATE, ENABLE."""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import platform

from roost import __version__
from roost.auth.identity import BadUsername, canonical_user, identity_for
from roost.auth.outcomes import Challenge, Failure, Success
from roost.auth.sasl import UnknownMechanism, mechanisms_offered, start
from roost.imap import commands as c
from roost.imap.capabilities import capability_list
from roost.imap.errors import BadCommand, No
from roost.imap.responses import Done, nstring, plist, string
from roost.imap.session import Session, State

log = logging.getLogger(__name__)

# RFC 5161 §3.1 / RFC 9051 §6.3.1: what ENABLE can switch on.
ENABLEABLE = frozenset({"IMAP4REV2"})


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


async def starttls(s: Session, cmd: c.StartTls) -> Done:
    """RFC 9051 §6.2.1: the handshake starts once the tagged OK is out."""
    if s.tls_active:
        raise BadCommand(None, "TLS already active")
    if not s.tls_available:
        raise No(None, "TLS not configured")
    s.after_reply = s.start_tls
    return Done("Begin TLS negotiation now")


async def login_failed(s: Session, who: str, how: str) -> No:
    """A pause after a failed authentication slows password guessing."""
    log.warning("badlogin: %s %s %s", s.peer, how, who)
    await asyncio.sleep(s.conf.failedloginpause)
    return No("AUTHENTICATIONFAILED", "Authentication failed")


def finish_login(s: Session, user: str, how: str) -> Done:
    log.info("login: %s %s %s%s", s.peer, user, how, " TLS" if s.tls_active else "")
    s.login_as(identity_for(user, s.conf))
    return Done("Logged in", "CAPABILITY " + caps_line(s))


async def login(s: Session, cmd: c.Login) -> Done:
    """RFC 9051 §6.2.3: refused on cleartext unless allowplaintext."""
    if not s.tls_active and not s.conf.allowplaintext:
        raise No("PRIVACYREQUIRED", "Plaintext login disabled; use STARTTLS")
    try:
        user = canonical_user(cmd.username, s.conf)
    except BadUsername:
        raise await login_failed(s, cmd.username, "plaintext") from None
    if not s.ctx.creds.verify_password(user, cmd.password):
        raise await login_failed(s, user, "plaintext")
    return finish_login(s, user, "plaintext")


def _decode_response(line: bytes) -> bytes:
    if line == b"*":
        raise BadCommand(None, "Authentication cancelled")
    try:
        return base64.b64decode(line, validate=True)
    except binascii.Error:
        raise BadCommand(None, "Invalid base64") from None


async def authenticate(s: Session, cmd: c.Authenticate) -> Done:
    """RFC 9051 §6.2.2 with SASL-IR (RFC 4959)."""
    if cmd.mechanism.upper() not in mechanisms_offered(s.conf, s.tls_active):
        raise No("CANNOT", f"Mechanism {cmd.mechanism} not available")
    try:
        mech = start(cmd.mechanism, s.ctx.creds, is_admin=s.conf.is_admin,
                     canonicalize=lambda name: canonical_user(name, s.conf))
    except UnknownMechanism:
        raise No("CANNOT", f"Mechanism {cmd.mechanism} not available") from None
    data = cmd.initial
    if data is None:
        data = _decode_response(await s.continuation(b""))
    while True:
        outcome = mech.step(data)
        if isinstance(outcome, Challenge):
            data = _decode_response(await s.continuation(base64.b64encode(outcome.data)))
            continue
        if isinstance(outcome, Failure):
            raise await login_failed(s, outcome.reason, mech.name)
        assert isinstance(outcome, Success)
        if outcome.final_data is not None:
            # RFC 9051 §6.2.2: success data may ride on the tagged OK only
            # with SASL-IR; a final challenge works with every client.
            await s.continuation(base64.b64encode(outcome.final_data))
        return finish_login(s, outcome.authzid, mech.name)


async def enable(s: Session, cmd: c.Enable) -> None:
    """RFC 5161 §3.1: reply ENABLED with what was newly switched on."""
    newly = [cap for cap in cmd.capabilities if cap in ENABLEABLE and cap not in s.enabled]
    s.enabled.update(newly)
    s.untagged(b"ENABLED" + b"".join(b" " + cap.encode() for cap in newly))
