"""One ManageSieve session: its state, who logged in, whose scripts it manages.

RFC 5804 §2: a session starts non-authenticated; AUTHENTICATE moves it to
authenticated, UNAUTHENTICATE (§2.14.1) back, LOGOUT ends it. An admin
who authenticated and authorized as itself manages the global scripts
(Cyrus timsieved(8)); one that asked for another authorization identity
(RFC 4422 §3.4.1, SASL proxy authentication, RFC 5804 §2.1) manages that
user's scripts.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable

from roost.auth.identity import ANONYMOUS, Identity
from roost.config import Config
from roost.master.context import ServerContext
from roost.net.output import ConnectionClosed, Output
from roost.sieve import SieveOptions
from roost.store.scripts import GLOBAL, ScriptStore

__all__ = ["ConnectionClosed", "Session", "State"]


class State(enum.Flag):
    NOT_AUTHENTICATED = enum.auto()
    AUTHENTICATED = enum.auto()
    LOGOUT = enum.auto()


class Session:
    """State of one connection; the server wires in the I/O hooks."""

    def __init__(self, ctx: ServerContext, out: Output, *, tls_active: bool, peer: str,
                 peer_ip: str | None, session_key: int | None,
                 local_ip: str | None = None) -> None:
        self.ctx = ctx
        self.conf: Config = ctx.conf
        self.scripts: ScriptStore = ctx.scripts
        self.options = SieveOptions.from_config(ctx.conf)
        self.out = out
        self.tls_active = tls_active
        self.peer = peer
        self.peer_ip = peer_ip
        self.local_ip = local_ip  # the server address it reached (virtdomains: on)
        self.session_key = session_key
        self.state = State.NOT_AUTHENTICATED
        self.identity: Identity = ANONYMOUS
        # Hooks the server sets: the client's answer in a SASL exchange (its
        # base64 text; None when it cancelled), and the TLS handshake run
        # after the OK to STARTTLS went out.
        self.read_sasl_response: Callable[[], Awaitable[bytes | None]]
        self.start_tls: Callable[[], Awaitable[None]]
        #: Run once the reply of the current command is flushed (STARTTLS).
        self.after_reply: Callable[[], Awaitable[None]] | None = None

    @property
    def tls_available(self) -> bool:
        return self.ctx.ssl is not None

    @property
    def global_scripts(self) -> bool:
        """An admin acting as itself manages the global scripts (Cyrus)."""
        return self.identity.is_admin

    @property
    def owner(self) -> str | None:
        """Whose scripts this session manages: a user id, or GLOBAL."""
        return GLOBAL if self.global_scripts else self.identity.user

    def log_in(self, identity: Identity) -> None:
        self.identity = identity
        self.state = State.AUTHENTICATED

    def log_out(self) -> None:
        """RFC 5804 §2.14.1: back to non-authenticated; TLS stays."""
        self.identity = ANONYMOUS
        self.state = State.NOT_AUTHENTICATED
