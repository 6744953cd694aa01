"""OBJECTID (RFC 8474): MAILBOXID, EMAILID and THREADID, derived from what
the store already keeps stable, so nothing new is stored.

- MAILBOXID: the mailbox's UIDVALIDITY. The store gives every mailbox it
  makes a UIDVALIDITY never given before (a counter), and only RENAME and
  delayed delete's keeping and restoring carry one over, with the same
  messages, so it names exactly one mailbox with its invariants at a time
  (RFC 8474 §4: the same for the same name and UIDVALIDITY, never reused;
  the store id would not do: delayed delete keeps a mailbox under a new
  one). RENAME INBOX makes a new mailbox, so a new id, as §4 asks.
- EMAILID: the body's content key (SHA-256), as Cyrus derives its own from
  the message GUID: every COPY and MOVE shares the body, so the copy has
  the source's EMAILID (§5.1), and an identical APPEND may share it (§5.1
  allows that).
- THREADID: Roost does not thread messages yet, so it is NIL and SEARCH
  THREADID matches nothing (§5.2 says exactly that).

Invariant: every id is 1*255 of base64url characters and starts with a
letter that says its kind (§7, §8.1), so the kinds never collide.
"""

from __future__ import annotations

import re

from roost.store.api import MailboxInfo

OBJECTID = re.compile(r"[A-Za-z0-9_-]{1,255}\Z")
EMAILID_HEX = 24
"""Hex digits of the content key in an EMAILID (96 bits, as Cyrus)."""


def mailbox_objectid(info: MailboxInfo) -> str:
    """RFC 8474 §4."""
    return f"M{info.uidvalidity:x}"


def email_objectid(blob: str) -> str:
    """RFC 8474 §5.1, from the body's SHA-256 key."""
    return "E" + blob[:EMAILID_HEX]
