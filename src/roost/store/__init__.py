"""The mail store: the one API through which every protocol reads and writes mail.

Invariants:
- Protocol code uses only `roost.store.api` (the `Store` protocol, its
  dataclasses and errors); SQL and file paths stay inside a backend.
- Mailbox names here are internal Cyrus-style names (`user.bob.Sent`,
  `shared.news`, `example.com!user.bob`); translation to what a client sees
  is `roost.store.names`.
- Every change to a mailbox bumps its MODSEQ; a message's `modseq` is the
  mailbox MODSEQ of its last change; expunged messages stay as tombstones
  long enough for sessions to learn of them (`changes_since`).
- A write method returns only once its change is durable on disk (body
  file fsynced before the index commit).
"""

from roost.store.api import *
