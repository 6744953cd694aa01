"""The embedded backend: an SQLite index (WAL) and content-addressed body files.

Invariants:
- A body file is complete and fsynced before any index row references it;
  a `blobs` row exists exactly while live records reference its (key,
  partition), its refcount counts them, and its file exists meanwhile.
  A file is removed only after the commit that dropped its last
  reference, under the write lock, if still unreferenced. Crashes leave
  at worst unreferenced files, which nothing reads.
- All index writes of a process go through one writer thread in group
  commits; a write call returns only after the COMMIT holding it
  (synchronous=FULL), so an acknowledged change survives kill -9.
- Every change takes a new per-mailbox MODSEQ stamped on the records it
  touches; expunged records stay as tombstones (expunged=1) so
  `changes_since` reports them. UIDs never exceed UIDNEXT-1.
- Mailbox ids come from the `meta` counter `mailboxid` and are never
  reused; a deletion or rename leaves a `mailbox_changes` row at a new
  MODSEQ of the mailbox, which is how `changes_since` reports it.
- Each API write is one writer operation, so one savepoint of one
  transaction: MULTIAPPEND, a tree DELETE, RENAME INBOX, COPY and MOVE
  land entirely or not at all.
- A mailbox's ACL rows (`acl`) come with every read of its row, change
  in one transaction with a `mailbox_changes` row of kind `acl`, and go
  in the transaction that deletes the mailbox.
- A mailbox's annotations (`metadata`, keyed by its id; the server's
  under id 0) are dropped in the transaction that drops the mailbox and
  move with it when delayed delete keeps it.
- A quota root's kept usage (`quota_roots`: bytes and messages of the
  live records of the mailboxes it covers) changes in the savepoint of
  the write that changes those records; a write that would pass a limit
  raises `OverQuota` and is undone whole.
- `\\Seen` of a user in a mailbox they do not own lives in `seen`; the
  owner's (and the caller with no user's) in the message's flags.
- The schema version is recorded and upgraded in place at open
  (`schema.MIGRATIONS`); a newer database than the code is refused.
- Equal bodies share one file per partition whether or not
  `singleinstancestore` is set: content addressing makes it free.
- The live-session registry (`shared_state.py`) is a file of its own,
  `sessions.db`, holding nothing durable; PostgreSQL's is in its index
  database (roost.store.postgres.shared_state).
- No SQL leaves this package.
"""

from roost.store.sqlite.store import SqliteStore

__all__ = ["SqliteStore"]
