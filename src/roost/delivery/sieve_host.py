"""The Sieve host over the mail store: what a user's script may ask at delivery.

Each question is a coroutine over the async `Store`, so a script that asks
"does this mailbox exist" is answered without blocking the LMTP worker's
event loop (STYLE.md "Seams"). Mailbox names are the user's, as in
fileinto: resolved through the user's `Namespace` (INBOX, `Lists/Work`
with the separator the user sees), and a mailbox counts only when the one
rights decision (`Access`) lets the script's owner post there (`p`,
RFC 5490 §3.1: "the user has privileges to deliver messages into them").

What the store cannot answer yet answers "nothing there", as RFC 5490
§3.3 and RFC 7352 §3 allow for a server without the data: annotations
(METADATA), duplicate-tracking records (a DuplicateStore), included
scripts (a ScriptStore), and spam/virus scores (no scanner).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from roost.auth.identity import Identity
from roost.auth.rights import Access
from roost.config import Config
from roost.sieve.host import default_environment
from roost.store.api import InvalidMailboxName, MailboxInfo, MailboxNotFound, PermissionDenied
from roost.store.names import Namespace


@dataclass
class StoreHost:
    """`roost.sieve.Host` for the script of `owner` (the recipient), over the store."""

    access: Access
    conf: Config
    owner: Identity

    @property
    def _names(self) -> Namespace:
        return Namespace(self.conf, self.owner.user)

    async def _mailbox(self, mailbox: str) -> MailboxInfo | None:
        """One of the owner's mailboxes they may post to; None otherwise."""
        try:
            return await self.access.lookup(self.owner, self._names.to_internal(mailbox), "p")
        except (InvalidMailboxName, MailboxNotFound, PermissionDenied):
            return None

    async def mailbox_exists(self, mailbox: str) -> bool:
        return await self._mailbox(mailbox) is not None

    async def special_use_exists(self, mailbox: str | None, uses: list[str]) -> bool:
        """RFC 8579 §4: on `mailbox`, or on any of the user's mailboxes, every use."""
        wanted = {use.lower() for use in uses}
        if mailbox is not None:
            info = await self._mailbox(mailbox)
            have = {use.lower() for use in info.special_use} if info else set()
            return wanted <= have
        inbox = await self._mailbox("INBOX")
        mine = [inbox] if inbox else []
        mine += await self.access.store.list_mailboxes(self._names.inbox + ".")
        have = {use.lower() for info in mine for use in info.special_use}
        return wanted <= have

    async def metadata(self, mailbox: str, entry: str) -> str | None:
        return None

    async def server_metadata(self, entry: str) -> str | None:
        return None

    async def duplicate(self, tracking_id: str, seconds: int) -> bool:
        return False

    async def record_duplicate(self, tracking_id: str, seconds: int) -> None:
        return None

    async def now(self) -> datetime:
        return datetime.now(UTC).astimezone()

    async def environment(self, item: str) -> str | None:
        """RFC 5183 §4 items; "domain" and "host" are this server's name."""
        env = default_environment()
        if self.conf.servername:
            env["domain"] = env["host"] = str(self.conf.servername)
        return env.get(item)

    async def script(self, name: str, location: str) -> bytes | None:
        return None

    async def spamtest(self, percent: bool) -> str | None:
        return None

    async def virustest(self) -> str | None:
        return None
