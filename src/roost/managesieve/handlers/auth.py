"""CAPABILITY, NOOP, LOGOUT, STARTTLS, AUTHENTICATE, UNAUTHENTICATE (RFC 5804 §2)."""

from __future__ import annotations

import base64
import binascii

from roost.auth.login import Client, LoginFailed
from roost.auth.sasl import IMPLEMENTED, mechanisms_offered
from roost.managesieve import commands as c
from roost.managesieve.capabilities import capability_lines, render
from roost.managesieve.errors import No
from roost.managesieve.responses import Done, reply, string
from roost.managesieve.session import Session, State


def capabilities(s: Session) -> bytes:
    """The capability lines for this session's state (RFC 5804 §1.7)."""
    authed = s.state is State.AUTHENTICATED
    return render(capability_lines(s.conf, s.options, tls_active=s.tls_active,
                                   tls_available=s.tls_available,
                                   owner=s.identity.user if authed else None))


async def capability(s: Session, cmd: c.Capability) -> Done:
    """RFC 5804 §2.4."""
    s.out.append(capabilities(s))
    return Done()


async def noop(s: Session, cmd: c.Noop) -> Done:
    """RFC 5804 §2.13: TAG echoes the string given, and only then."""
    if cmd.tag is None:
        return Done()
    return Done("Done", b"TAG " + string(cmd.tag))


async def logout(s: Session, cmd: c.Logout) -> Done:
    """RFC 5804 §2.3: OK, then the server closes; later input is ignored."""
    s.state = State.LOGOUT
    return Done()


async def starttls(s: Session, cmd: c.StartTls) -> Done:
    """RFC 5804 §2.2: the handshake starts after the OK; then the
    capabilities again, without STARTTLS (the server's after_reply)."""
    if s.tls_active:
        raise No(None, "TLS is already active")
    if not s.tls_available:
        raise No(None, "TLS is not configured on this server")

    async def handshake() -> None:
        await s.start_tls()
        s.out.append(capabilities(s) + reply(b"OK"))  # bare, as after every capability list

    s.after_reply = handshake
    return Done()


#: LoginFailed kinds -> the response code of the NO.
_FAILURE_CODES: dict[str, bytes | None] = {
    "failed": None,
    "mechanism": None,
    "throttled": b"TRYLATER",
    "too-many": None,  # Cyrus: "Too many open connections (...)"
}


def _check_mechanism(s: Session, mechanism: str) -> None:
    """Why a mechanism cannot be used here, as RFC 5804 §1.3 codes it."""
    if mechanism in mechanisms_offered(s.conf, s.tls_active):
        return
    if mechanism in mechanisms_offered(s.conf, tls_active=True):
        # The allowplaintext rule of every protocol: PLAIN and LOGIN need TLS.
        raise No(b"ENCRYPT-NEEDED", f"{mechanism} needs an encrypted connection; use STARTTLS")
    if mechanism in IMPLEMENTED:
        # Site policy (sasl_mech_list) forbids it.
        raise No(b"AUTH-TOO-WEAK", f"{mechanism} is not allowed on this server")
    raise No(None, f"Mechanism {mechanism} is not supported")


def _decode(text: bytes) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise No(None, "Invalid base64 in the SASL exchange") from None


async def authenticate(s: Session, cmd: c.Authenticate) -> Done:
    """RFC 5804 §2.1: challenges are base64 strings; the client answers
    with a string, `"*"` cancels. The optional initial response saves the
    first round trip. Through the one login flow (`ctx.logins`)."""
    _check_mechanism(s, cmd.mechanism)

    async def exchange(challenge: bytes) -> bytes:
        s.out.append(string(base64.b64encode(challenge)) + b"\r\n")
        await s.out.flush()
        answer = await s.read_sasl_response()
        if answer is None:
            raise No(None, "Authentication cancelled")
        return _decode(answer)

    client = Client("sieve", s.peer_ip, s.peer, s.tls_active, s.session_key, s.local_ip)
    initial = None if cmd.initial is None else _decode(cmd.initial)
    try:
        identity = await s.ctx.logins.sasl(client, cmd.mechanism, initial, exchange)
    except LoginFailed as err:
        raise No(_FAILURE_CODES[err.kind], err.text) from None
    s.log_in(identity)
    return Done()


async def unauthenticate(s: Session, cmd: c.Unauthenticate) -> Done:
    """RFC 5804 §2.14.1: never fails in the authenticated state."""
    s.log_out()
    return Done()
