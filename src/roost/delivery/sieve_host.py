"""The Sieve host over the mail store: what a user's script may ask at delivery.

Each question is a coroutine over the async `Store`, so a script that asks
"does this mailbox exist" is answered without blocking the LMTP worker's
event loop (STYLE.md "Seams"). Mailbox names are the user's, as in
fileinto: resolved through the user's `Namespace` (INBOX, `Lists/Work`
with the separator the user sees), and a mailbox counts only when the one
rights decision (`Access`) lets the script's owner post there (`p`,
RFC 5490 §3.1: "the user has privileges to deliver messages into them").

Duplicate tracking (RFC 7352) is kept in the store's `DuplicateStore`,
scoped to the script's owner; included scripts (RFC 6609) come from the
`ScriptStore`: `:personal` the owner's, `:global` the site's (GLOBAL).
What the store cannot answer yet answers "nothing there", as RFC 5490
§3.3 allows for a server without the data: annotations (METADATA), and
spam/virus scores (no scanner).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from roost.auth.identity import Identity
from roost.auth.rights import Access
from roost.config import Config
from roost.sieve.host import default_environment
from roost.store.api import InvalidMailboxName, MailboxInfo, MailboxNotFound, PermissionDenied
from roost.store.duplicates import DuplicateRecord, DuplicateStore
from roost.store.names import Namespace
from roost.store.scripts import GLOBAL, ScriptNotFound, ScriptStore


@dataclass
class StoreHost:
    """`roost.sieve.Host` for the script of `owner` (the recipient), over the store."""

    access: Access
    conf: Config
    owner: Identity
    scripts: ScriptStore | None = None
    duplicates: DuplicateStore | None = None

    @property
    def _scope(self) -> str:
        """The owner's part of the duplicate records (RFC 7352 §3: per user)."""
        return f"sieve-duplicate {self.owner.user}"

    @property
    def names(self) -> Namespace:
        return Namespace(self.conf, self.owner.user)

    async def postable(self, mailbox: str) -> MailboxInfo | None:
        """A mailbox (the owner's name for it) the owner may post to; None otherwise."""
        try:
            return await self.access.lookup(self.owner, self.names.to_internal(mailbox), "p")
        except (InvalidMailboxName, MailboxNotFound, PermissionDenied):
            return None

    async def mailbox_exists(self, mailbox: str) -> bool:
        return await self.postable(mailbox) is not None

    async def special_use_exists(self, mailbox: str | None, uses: list[str]) -> bool:
        """RFC 8579 §4: on `mailbox`, or on any of the user's mailboxes, every use."""
        wanted = {use.lower() for use in uses}
        if mailbox is not None:
            info = await self.postable(mailbox)
            have = {use.lower() for use in info.special_use} if info else set()
            return wanted <= have
        have = {use.lower() for info in await self._own() for use in info.special_use}
        return wanted <= have

    async def _own(self) -> list[MailboxInfo]:
        inbox = await self.postable("INBOX")
        return ([inbox] if inbox else []) + await self.access.store.list_mailboxes(
            self.names.inbox + ".")

    async def special_use_mailbox(self, use: str) -> MailboxInfo | None:
        """RFC 8579 §4.1: the owner's mailbox with special-use `use`, if any."""
        for info in await self._own():
            if use.lower() in (u.lower() for u in info.special_use):
                return info
        return None

    async def metadata(self, mailbox: str, entry: str) -> str | None:
        return None

    async def server_metadata(self, entry: str) -> str | None:
        return None

    async def duplicate(self, tracking_id: str, seconds: int) -> bool:
        """RFC 7352 §3: seen within the last `seconds`."""
        if self.duplicates is None:
            return False
        seen = await self.duplicates.duplicate_seen(tracking_id, self._scope)
        return seen is not None and (await self.now() - seen).total_seconds() < seconds

    async def record_duplicate(self, tracking_id: str, seconds: int) -> None:
        if self.duplicates is not None:
            now = await self.now()
            await self.duplicates.record_duplicates([DuplicateRecord(
                tracking_id, self._scope, now, now + timedelta(seconds=seconds))])

    async def now(self) -> datetime:
        return datetime.now(UTC).astimezone()

    async def environment(self, item: str) -> str | None:
        """RFC 5183 §4 items; "domain" and "host" are this server's name."""
        env = default_environment()
        if self.conf.servername:
            env["domain"] = env["host"] = str(self.conf.servername)
        return env.get(item)

    async def script(self, name: str, location: str) -> bytes | None:
        """RFC 6609 §3.2: `include :personal` (the owner's) or `:global` (the site's)."""
        if self.scripts is None:
            return None
        owner = GLOBAL if location == "global" else self.owner.user
        try:
            return await self.scripts.get_script(owner, name)
        except ScriptNotFound:
            return None

    async def spamtest(self, percent: bool) -> str | None:
        return None

    async def virustest(self) -> str | None:
        return None
