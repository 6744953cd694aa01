"""Refusals carry their reply; store errors map to NNTP codes in one table."""

from __future__ import annotations

from roost.store.api import (
    InvalidMessage,
    MailboxNotFound,
    OverQuota,
    PermissionDenied,
    StorageFull,
    StoreError,
)


class Reply(Exception):
    """Stop the command and answer `code text` (RFC 3977 §3.2)."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code = code
        self.text = text


NO_GROUP = Reply(411, "No such newsgroup")
NO_GROUP_SELECTED = Reply(412, "No newsgroup selected")
NO_CURRENT = Reply(420, "Current article number is invalid")
NO_ARTICLE_NUMBER = Reply(423, "No article with that number")
NO_ARTICLES = Reply(423, "No articles in that range")
NO_MESSAGE_ID = Reply(430, "No article with that message-id")
AUTH_REQUIRED = Reply(480, "Authentication required")
NOT_PERMITTED = Reply(502, "Permission denied")
INTERNAL_FAULT = Reply(403, "Internal fault")

#: Store errors while reading (the posting handlers map their own).
STORE_ERRORS: dict[type[StoreError], Reply] = {
    MailboxNotFound: NO_GROUP,
    PermissionDenied: NO_GROUP,
    StorageFull: Reply(403, "Server storage full"),
    OverQuota: Reply(403, "Quota exceeded"),
    InvalidMessage: Reply(403, "Invalid article"),
}
