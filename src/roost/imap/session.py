"""One IMAP connection's state: who is logged in, what is selected, what is enabled.

Invariants: `state` moves NOT_AUTHENTICATED -> AUTHENTICATED <-> SELECTED
-> LOGOUT (RFC 9051 §3); `selected` is set exactly in SELECTED; every byte
for the client, continuation requests included, goes through `out`, the
connection's one ordered `roost.net.output.Output`, so replies leave in the
order they were made (RFC 9051 §5.5).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Sequence

from roost.auth.identity import ANONYMOUS, Identity
from roost.auth.rights import Access
from roost.config import Config
from roost.imap.contexts import UpdateContext
from roost.imap.notify_state import NotifyState
from roost.imap.selected import SelectedMailbox
from roost.master.context import ServerContext
from roost.net.output import ConnectionClosed, Output
from roost.store.api import Store
from roost.store.names import Namespace

__all__ = ["ConnectionClosed", "Session", "State"]


class State(enum.IntFlag):
    NOT_AUTHENTICATED = 1
    AUTHENTICATED = 2
    SELECTED = 4
    LOGOUT = 8


class Session:
    """What handlers see of a connection."""

    def __init__(self, ctx: ServerContext, out: Output, *, tls_active: bool, peer: str,
                 peer_ip: str | None = None, session_key: int | None = None,
                 local_ip: str | None = None) -> None:
        self.ctx = ctx
        self.conf: Config = ctx.conf
        self.store: Store = ctx.store
        self.state = State.NOT_AUTHENTICATED
        self.tls_active = tls_active
        self.peer = peer
        self.identity: Identity = ANONYMOUS
        self.access: Access = ctx.access
        self.peer_ip = peer_ip
        self.local_ip = local_ip  # the server address it reached (virtdomains: on)
        self.session_key = session_key  # its row in the shared sessions table, if counted
        self.names: Namespace | None = None
        self.selected: SelectedMailbox | None = None
        self.enabled: set[str] = set()
        self.out = out
        self.saved_search: list[int] = []  # RFC 5182 `$`, as UIDs
        #: RFC 5267 §4.3 update contexts by tag, while their mailbox stays selected.
        self.contexts: dict[str, UpdateContext] = {}
        self.quota_alerted: dict[str, float] = {}  # quota root -> when SELECT last alerted
        self.notify: NotifyState | None = None  # RFC 5465 NOTIFY SET in effect
        self.pusher: asyncio.Task[None] | None = None  # sends NOTIFY events between commands
        self.busy = asyncio.Lock()  # held while a command runs (or NOTIFY events go out)
        # Set by the server: send a continuation and read the client's raw line.
        self.continuation: Callable[[bytes], Awaitable[bytes]]
        self.send_continuation: Callable[[bytes], Awaitable[None]]
        self.start_tls: Callable[[], Awaitable[None]]
        self.read_raw_line: Callable[[], Awaitable[bytes]]
        self.start_compress: Callable[[], Awaitable[None]]
        #: The layer that compresses the connection ("COMPRESS", "TLS"), if any.
        self.compression: str | None = None
        # Run by the server once the tagged reply is written (STARTTLS, COMPRESS).
        self.after_reply: Callable[[], Awaitable[None]] | None = None

    @property
    def rev2(self) -> bool:
        """RFC 9051 §7 / Appendix E: ENABLE IMAP4rev2 switches reply forms."""
        return "IMAP4REV2" in self.enabled

    @property
    def condstore(self) -> bool:
        """RFC 7162 §3.1: after a CONDSTORE enabling command, every untagged
        FETCH carries MODSEQ (and UID, §3.2.4)."""
        return "CONDSTORE" in self.enabled

    @property
    def qresync(self) -> bool:
        """RFC 7162 §3.2.3: after ENABLE QRESYNC, VANISHED replaces EXPUNGE."""
        return "QRESYNC" in self.enabled

    @property
    def utf8(self) -> bool:
        """RFC 6855 §3: after ENABLE UTF8=ACCEPT mailbox names and quoted
        strings are UTF-8, never modified UTF-7; RFC 9051 §5.1 and
        Appendix E (16): so they are for an IMAP4rev2 client."""
        return "UTF8=ACCEPT" in self.enabled or self.rev2

    @property
    def tls_available(self) -> bool:
        return self.ctx.ssl is not None

    async def flush(self) -> None:
        """Write what is queued (back-pressure: waits while the client lags)."""
        await self.out.flush()

    def untagged(self, text: bytes) -> None:
        self.out.append(b"* " + text + b"\r\n")

    def untagged_pieces(self, pieces: Sequence[bytes]) -> int:
        """One untagged reply made of `pieces`, queued without joining them
        (a FETCH of large bodies would otherwise copy each one again); its length."""
        self.out.append(b"* ")
        for piece in pieces:
            self.out.append(piece)
        self.out.append(b"\r\n")
        return sum(len(piece) for piece in pieces) + 4

    @property
    def user(self) -> str:
        """The canonical user id of the identity (per-user state is kept for it)."""
        return self.identity.user

    @property
    def is_admin(self) -> bool:
        return self.identity.is_admin

    def login_as(self, identity: Identity) -> None:
        """Enter AUTHENTICATED as `identity` (made by the login flow)."""
        self.identity = identity
        self.names = Namespace(self.conf, identity.user, identity.is_admin)
        self.state = State.AUTHENTICATED

    def log_out(self) -> None:
        """RFC 8437 §3, §4.1: back to NOT_AUTHENTICATED with every piece of
        connection state but TLS reset: no identity, nothing selected (and
        no expunge for it), nothing ENABLEd, no saved search."""
        self.identity = ANONYMOUS
        self.names = None
        self.selected = None
        self.contexts = {}
        self.enabled = set()
        self.saved_search = []
        self.quota_alerted = {}
        self.notify = None
        self.state = State.NOT_AUTHENTICATED

    @property
    def ns(self) -> Namespace:
        if self.names is None:
            raise RuntimeError("namespace used before login")
        return self.names

    @property
    def mailbox(self) -> SelectedMailbox:
        if self.selected is None:
            raise RuntimeError("no mailbox selected")
        return self.selected

    def store_user(self) -> str:
        """The user id the store keeps per-user state (\\Seen) for."""
        return self.user

    def unselect(self) -> None:
        self.selected = None
        self.contexts = {}  # RFC 5267 §4.3: updates cease with the selection
        self.state = State.AUTHENTICATED
