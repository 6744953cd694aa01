"""The Sieve host over the mail store: what a user's script may ask at delivery.

Each question is a coroutine over the async `Store`, so a script that asks
"does this mailbox exist" is answered without blocking the LMTP worker's
event loop (STYLE.md "Seams"). Mailbox names are the user's own, as in
fileinto: resolved through the user's `Namespace` (INBOX, `Lists/Work`
with the separator the user sees); another user's or a shared folder
does not count (the user may not file there without rights).

What the store cannot answer yet answers "nothing there", as RFC 5490
§3.3 and RFC 7352 §3 allow for a server without the data: annotations
(METADATA), duplicate-tracking records (a DuplicateStore), included
scripts (a ScriptStore), and spam/virus scores (no scanner).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from roost.config import Config
from roost.sieve.host import default_environment
from roost.store.api import InvalidMailboxName, MailboxInfo, MailboxNotFound, Store
from roost.store.names import Namespace


@dataclass
class StoreHost:
    """`roost.sieve.Host` for one recipient, `userid`, over `store`."""

    store: Store
    conf: Config
    userid: str

    def _internal(self, mailbox: str) -> str | None:
        """The internal name of one of the user's own mailboxes; None otherwise.

        RFC 5490 §3.1: a mailbox counts only if the user may deliver into
        it. Until rights are read from stored ACLs, that is the user's own.
        """
        names = Namespace(self.conf, self.userid)
        try:
            internal = names.to_internal(mailbox)
        except InvalidMailboxName:
            return None
        own = internal == names.inbox or internal.startswith(names.inbox + ".")
        return internal if own else None

    async def _mailbox(self, mailbox: str) -> MailboxInfo | None:
        internal = self._internal(mailbox)
        if internal is None:
            return None
        try:
            return await self.store.get_mailbox(internal)
        except MailboxNotFound:
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
        mine += await self.store.list_mailboxes(Namespace(self.conf, self.userid).inbox + ".")
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
