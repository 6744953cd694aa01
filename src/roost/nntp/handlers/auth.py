"""AUTHINFO USER/PASS and AUTHINFO SASL (RFC 4643), through `ctx.logins`."""

from __future__ import annotations

import base64

from roost.auth.identity import Identity
from roost.auth.login import Client, LoginFailed
from roost.auth.sasl import plaintext_allowed
from roost.nntp import commands as c
from roost.nntp import responses as r
from roost.nntp.errors import Reply
from roost.nntp.parse import Bad, sasl_response
from roost.nntp.session import Session

ALREADY = Reply(502, "Already authenticated")
#: LoginFailed kinds -> RFC 4643 §2.3.1 / §2.4.1 replies.
_FAILURES = {
    "failed": 481,
    "throttled": 481,
    "too-many": 481,
    "mechanism": 503,
}


class Cancelled(Exception):
    """The client answered a SASL challenge with `*` (RFC 4643 §2.4.1)."""


def _client(s: Session) -> Client:
    return Client("nntp", s.peer_ip, s.peer, s.tls_active, s.session_key)


def _logged_in(s: Session, identity: Identity) -> None:
    """RFC 4643 §2.2: the group state is dropped with the identity it was
    opened for; the pre-login clock stops (the server's hook)."""
    s.identity = identity
    s.authenticated = True
    s.pending_user = None
    s.group = None


async def authinfo_user(s: Session, cmd: c.AuthinfoUser) -> None:
    if s.authenticated:
        raise ALREADY
    # RFC 4643 §2.3.1: 483 where the password would travel in clear.
    if not plaintext_allowed(s.conf, s.tls_active):
        raise Reply(483, "Encryption required for AUTHINFO USER; use STARTTLS")
    s.pending_user = cmd.username
    s.send(r.status(381, "Enter password"))


async def authinfo_pass(s: Session, cmd: c.AuthinfoPass) -> None:
    if s.authenticated:
        raise ALREADY
    if s.pending_user is None:
        raise Reply(482, "Send AUTHINFO USER first")
    user, s.pending_user = s.pending_user, None
    try:
        identity = await s.ctx.logins.password(_client(s), user, cmd.password)
    except LoginFailed as err:
        raise Reply(_FAILURES[err.kind], err.text) from None
    _logged_in(s, identity)
    s.send(r.status(281, "Authentication accepted"))


async def authinfo_sasl(s: Session, cmd: c.AuthinfoSasl) -> None:
    """RFC 4643 §2.4: 383 challenges, base64 answers, `*` cancels; success
    with additional data (SCRAM's server signature) is 283 and the data."""
    if s.authenticated:
        raise ALREADY
    ask = s.exchange
    assert ask is not None, "the server sets the exchange"

    async def exchange(challenge: bytes) -> bytes:
        text = base64.b64encode(challenge).decode() if challenge else "="
        line = (await ask(f"383 {text}\r\n".encode())).decode("ascii", "replace")
        if line.strip() == "*":
            raise Cancelled()
        return sasl_response(line.strip())

    final: list[bytes] = []
    try:
        identity = await s.ctx.logins.sasl(_client(s), cmd.mechanism, cmd.initial, exchange,
                                           final.append)
    except Cancelled:
        raise Reply(481, "Authentication cancelled") from None
    except Bad:
        raise Reply(482, "SASL protocol error") from None
    except LoginFailed as err:
        raise Reply(_FAILURES[err.kind], err.text) from None
    _logged_in(s, identity)
    if final:  # RFC 4643 §2.4.1: success with additional data
        s.send(r.status(283, base64.b64encode(final[0]).decode()))
    else:
        s.send(r.status(281, "Authentication accepted"))
