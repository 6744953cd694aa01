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
- THREADID: from the message's own header fields, nothing looked up: the
  thread root it names (the first References id, else its In-Reply-To id,
  else its own Message-ID: the ids RFC 5256's REFERENCES threading reads),
  hashed. RFC 5322 §3.6.4 makes a reply's References start with the
  root's Message-ID, so a thread's messages share the id across every
  mailbox, and it never changes (§5.2). A message with none of these is a
  thread of its own (from its content key). Nothing is stored or looked
  up, so the id says nothing about other users' mail (a lookup of the
  parent in the store would: appending a reply would tell whether some
  Message-ID exists anywhere). Not merged: replies that carry only an
  In-Reply-To to a non-root message, and threads joined by subject alone.

Invariant: every id is 1*255 of base64url characters and starts with a
letter that says its kind (§7, §8.1), so the kinds never collide.
"""

from __future__ import annotations

import hashlib
import re

from roost.message import ParsedMessage
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


def thread_objectid(parsed: ParsedMessage, blob: str) -> str:
    """RFC 8474 §5.2, from the thread root the message names."""
    root = (parsed.references[0] if parsed.references
            else parsed.in_reply_to or parsed.message_id)
    if not root:
        return "T" + blob[:EMAILID_HEX]
    return "T" + hashlib.sha256(root.encode("utf-8", "surrogateescape")).hexdigest()[:EMAILID_HEX]
