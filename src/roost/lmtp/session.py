"""The state of one LMTP connection, shared by the handlers."""

from __future__ import annotations

import enum
import ssl
from dataclasses import dataclass, field

from roost.auth.identity import ANONYMOUS, Identity
from roost.auth.rights import Access
from roost.config import Config
from roost.delivery import SieveDelivery
from roost.store.api import Store


class State(enum.Flag):
    """Where the session is in RFC 5321 §4.1.4's command order."""

    CONNECTED = enum.auto()   # greeting sent, no LHLO yet (or reset by STARTTLS)
    GREETED = enum.auto()     # LHLO done, no transaction
    MAIL = enum.auto()        # MAIL accepted, no recipient yet
    RCPT = enum.auto()        # at least one recipient accepted


ANY = State.CONNECTED | State.GREETED | State.MAIL | State.RCPT


class After(enum.Enum):
    """What the server does once the reply is written."""

    CONTINUE = enum.auto()
    READ_BODY = enum.auto()   # DATA accepted: the wire reads the message
    START_TLS = enum.auto()   # STARTTLS accepted: handshake, then reset
    CLOSE = enum.auto()       # QUIT


@dataclass
class Session:
    """One connection: configuration, store, peer, and the open transaction.

    `identity` is who delivers: anonymous (LMTP AUTH is not offered), as
    the rights decision (`access`) sees an LMTP client. `sieve` runs the
    recipients' scripts (None when the service has no script store). `peer_ip` is None
    on a unix socket. `recipients` holds the accepted
    RCPT addresses in order: DATA answers once for each (RFC 2033 §4.2).
    """

    conf: Config
    store: Store
    access: Access
    servername: str
    session_id: str
    tls_context: ssl.SSLContext | None = None
    peer_ip: str | None = None
    tls_active: bool = False
    state: State = State.CONNECTED
    lhlo_host: str = ""
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    messages: int = 0
    after: After = After.CONTINUE
    identity: Identity = ANONYMOUS
    sieve: SieveDelivery | None = None

    def reset_transaction(self) -> None:
        """Drop the envelope (RSET, LHLO, end of DATA: RFC 5321 §4.1.1.5)."""
        self.sender = ""
        self.recipients = []
        if self.state & (State.MAIL | State.RCPT):
            self.state = State.GREETED

    def restart_after_tls(self) -> None:
        """RFC 3207 §4.2: forget everything learnt before the handshake."""
        self.reset_transaction()
        self.lhlo_host = ""
        self.state = State.CONNECTED
        self.tls_active = True
