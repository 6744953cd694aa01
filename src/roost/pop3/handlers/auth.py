"""AUTHORIZATION-state commands (RFC 1939 §4, §7; RFC 2449; RFC 2595; RFC
5034): CAPA, USER, PASS, AUTH, STLS, and QUIT before login."""

from __future__ import annotations

import base64
import binascii

from roost.auth.identity import Identity
from roost.auth.login import Client, LoginFailed
from roost.auth.sasl import mechanisms_offered, plaintext_allowed
from roost.pop3 import commands as c
from roost.pop3.capabilities import capa_lines
from roost.pop3.handlers.maildrop_open import open_maildrop, split_subfolder
from roost.pop3.session import PopError, Session, State


async def capa(s: Session, cmd: c.Capa) -> None:
    """RFC 2449 §5: any state."""
    s.ok("List of capabilities follows")
    s.lines(capa_lines(s.conf, tls_active=s.tls_active, tls_available=s.tls_available,
                       authenticated=s.state is not State.AUTHORIZATION))


async def quit_unauthorized(s: Session, cmd: c.Quit) -> None:
    """RFC 1939 §5: QUIT before login ends the session, touching nothing."""
    s.ok()
    s.finished = True


async def stls(s: Session, cmd: c.Stls) -> None:
    """RFC 2595 §4: +OK in clear, then the handshake; the server drops
    whatever was pipelined behind STLS and forgets a pending USER."""
    if s.tls_active:
        raise PopError(None, "Already successfully executed STLS")
    if not s.tls_available:
        raise PopError(None, "Unrecognized command")
    s.ok("Begin TLS negotiation now")
    s.pending_user = None
    s.after_reply = s.start_tls


def _client(s: Session) -> Client:
    return Client("pop3", s.peer_ip, s.peer, s.tls_active, s.session_key, s.local_ip)


async def user(s: Session, cmd: c.User) -> None:
    """RFC 1939 §7; refused in clear unless allowplaintext (as IMAP LOGIN)."""
    if not plaintext_allowed(s.conf, s.tls_active):
        raise PopError("AUTH", "USER command only available under a layer")
    if s.pending_user is not None:
        raise PopError("AUTH", "Must give PASS command")
    s.pending_user = cmd.name
    s.ok("Name is a valid mailbox")


def _refusal(err: LoginFailed, failed_text: str) -> PopError:
    """LoginFailed -> RFC 3206 codes: [AUTH] for credentials, [SYS/TEMP]
    when the throttle refused to check; Cyrus's bare -ERR for too many
    sessions."""
    if err.kind == "failed":
        return PopError("AUTH", failed_text)
    if err.kind == "throttled":
        return PopError("SYS/TEMP", err.text)
    if err.kind == "mechanism":
        return PopError("AUTH", err.text)
    return PopError(None, err.text)


async def pass_(s: Session, cmd: c.Pass) -> None:
    """RFC 1939 §7: checks USER's name and this password through the login flow."""
    if s.pending_user is None:
        raise PopError("AUTH", "Must give USER command")
    name, folder = split_subfolder(s.conf, s.pending_user)
    s.pending_user = None
    try:
        identity = await s.ctx.logins.password(_client(s), name, cmd.password)
    except LoginFailed as err:
        raise _refusal(err, "Invalid login") from None
    await open_maildrop(s, identity, folder)


def _decode(text: bytes) -> bytes:
    if text == b"*":
        raise PopError("AUTH", "Client canceled authentication")
    if text == b"=":
        return b""  # RFC 5034 §4: an empty initial response
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise PopError("AUTH", "Invalid base64") from None


async def auth(s: Session, cmd: c.Auth) -> None:
    """RFC 5034 §4: challenges as `+ base64` lines, `*` cancels; an initial
    response may come on the command line (RFC 5034 §4, SASL-IR style)."""
    if cmd.mechanism is None:
        s.ok("List of supported mechanisms follows")
        s.lines(mechanisms_offered(s.conf, s.tls_active))
        return

    async def exchange(challenge: bytes) -> bytes:
        s.out.append(b"+ " + base64.b64encode(challenge) + b"\r\n")
        return _decode(await s.read_line())

    folders: list[str] = []

    def without_folder(name: str) -> str:
        # popsubfolders: `bob+Lists` as authentication or authorization id.
        user_name, folder = split_subfolder(s.conf, name)
        if folder is not None:
            folders.append(folder)
        return user_name

    initial = None if cmd.initial is None else _decode(cmd.initial.encode())
    try:
        identity: Identity = await s.ctx.logins.sasl(_client(s), cmd.mechanism, initial,
                                                     exchange, login_name=without_folder)
    except LoginFailed as err:
        raise _refusal(err, "authenticating: authentication failure") from None
    await open_maildrop(s, identity, folders[-1] if folders else None)
