"""The PostgreSQL index: the same store API as `roost.store.sqlite`, for
several Roost processes (and nodes) over one database; bodies go through
the same `BlobStore` seam (files, or an S3 bucket for several nodes).

Invariants (the SQLite backend's, kept across processes by PostgreSQL):
- Every write method is one transaction. It first locks the rows of the
  mailboxes it changes (`SELECT ... FOR UPDATE`, in id order), so UIDs,
  MODSEQs and UIDNEXT stay exact with any number of concurrent writers;
  quota roots are then locked by the UPDATE that charges them, in name
  order. A serialization failure or deadlock is retried (tx.py).
- A body is durable in its BlobStore before the commit whose rows refer
  to it. A `blobs` row exists exactly while some record that is not a
  plain tombstone references (key, partition); the transaction that
  inserts one, and the removal after the commit that dropped the last
  reference, hold the key's advisory lock, so a body is never removed
  under a new reference from another process.
- Expunged records stay as tombstones with the MODSEQ of the expunge, so
  `changes_since` and `vanished_since` report them; their bodies are
  released at once, or held (expunge_mode: delayed) until `unexpunge`
  restores them or `cyr_expire -X` purges them (expiry.py). Delayed delete
  keeps a mailbox under `deletedprefix` until `cyr_expire -D`.
- The change feed (feed.py) is read below a transaction-id watermark, so
  a reader never passes an event that commits later.
- Mailbox ids and UIDVALIDITY come from `meta` counters (row-locked) and
  are never reused; a deletion, rename or ACL change leaves a
  `mailbox_changes` row at a new MODSEQ of the mailbox.
- `\\Seen` of a user who is not the owner lives in `seen`; the owner's in
  the record's flags (rows.py says it once).
- Each commit that moves a mailbox's MODSEQ sends NOTIFY on `roost_changes`
  with its id, so `wait_for_change` wakes in every process.
- No SQL leaves this package.
"""

from roost.store.postgres.store import PostgresStore

__all__ = ["PostgresStore"]
