"""The index schema and its in-place upgrades.

`schema_version` holds one row: the number of migrations applied. At open
every migration past that number runs, in order, each in its own
transaction, so a store written by any older Roost is upgraded where it
lies. A database newer than this code is refused rather than guessed at:
Cyrus's history of silently misread database formats is what this avoids.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from roost.store.api import StoreCorrupt


def _run(db: sqlite3.Connection, script: str) -> None:
    """Run `;`-separated DDL inside the caller's transaction.

    Not `executescript`: it commits first, which would split a migration.
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _v1(db: sqlite3.Connection) -> None:
    """The first schema: mailboxes, messages with tombstones, per-user seen,
    subscriptions, reference-counted bodies and the parse-once cache."""
    _run(db, """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        );
        CREATE TABLE mailboxes (
            id            INTEGER PRIMARY KEY,
            name          TEXT NOT NULL UNIQUE,
            uidvalidity   INTEGER NOT NULL,
            uidnext       INTEGER NOT NULL DEFAULT 1,
            highestmodseq INTEGER NOT NULL DEFAULT 1,
            partition     TEXT NOT NULL,
            owner         TEXT,
            recentuid     INTEGER NOT NULL DEFAULT 0,
            special_use   TEXT NOT NULL DEFAULT '',
            created       INTEGER NOT NULL
        );
        CREATE TABLE messages (
            mailbox_id   INTEGER NOT NULL REFERENCES mailboxes(id),
            uid          INTEGER NOT NULL,
            modseq       INTEGER NOT NULL,
            sysflags     INTEGER NOT NULL DEFAULT 0,
            keywords     TEXT NOT NULL DEFAULT '',
            internaldate REAL NOT NULL,
            size         INTEGER NOT NULL,
            blob         TEXT NOT NULL,
            partition    TEXT NOT NULL,
            expunged     INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (mailbox_id, uid)
        ) WITHOUT ROWID;
        CREATE INDEX messages_modseq ON messages (mailbox_id, modseq);
        CREATE TABLE seen (
            user       TEXT NOT NULL,
            mailbox_id INTEGER NOT NULL,
            uid        INTEGER NOT NULL,
            PRIMARY KEY (mailbox_id, user, uid)
        ) WITHOUT ROWID;
        CREATE TABLE subscriptions (
            user TEXT NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (user, name)
        ) WITHOUT ROWID;
        CREATE TABLE blobs (
            sha256    TEXT NOT NULL,
            partition TEXT NOT NULL,
            size      INTEGER NOT NULL,
            refcount  INTEGER NOT NULL,
            PRIMARY KEY (sha256, partition)
        ) WITHOUT ROWID;
        CREATE TABLE message_cache (
            sha256 TEXT PRIMARY KEY,
            parsed TEXT NOT NULL
        ) WITHOUT ROWID;
    """)


def _v2(db: sqlite3.Connection) -> None:
    """Mailbox-level changes for sessions that hold a mailbox id (deleted,
    renamed, ACL changed), and the counter that keeps ids from being reused:
    without it SQLite hands the id of a deleted last row to the next mailbox."""
    _run(db, """
        CREATE TABLE mailbox_changes (
            mailbox_id INTEGER NOT NULL,
            modseq     INTEGER NOT NULL,
            kind       TEXT NOT NULL,
            name       TEXT NOT NULL,
            PRIMARY KEY (mailbox_id, modseq)
        ) WITHOUT ROWID;
        INSERT OR REPLACE INTO meta (key, value)
            SELECT 'mailboxid', coalesce(max(id), 0) FROM mailboxes
    """)


def _v3(db: sqlite3.Connection) -> None:
    """Access control lists (RFC 4314), one row per identifier, in the order
    entries were first set (`position`, as Cyrus shows them). A store from
    before ACLs gets what Cyrus gives a user's mailboxes: the owner holds
    every right; shared mailboxes get no entry (administrators grant them)."""
    _run(db, """
        CREATE TABLE acl (
            mailbox_id INTEGER NOT NULL,
            identifier TEXT NOT NULL,
            position   INTEGER NOT NULL,
            rights     TEXT NOT NULL,
            PRIMARY KEY (mailbox_id, identifier)
        ) WITHOUT ROWID;
        CREATE INDEX acl_identifier ON acl (identifier, mailbox_id);
        CREATE INDEX mailboxes_owner ON mailboxes (owner);
        INSERT INTO acl (mailbox_id, identifier, position, rights)
            SELECT id, owner, 1, 'lrswipkxtea' FROM mailboxes WHERE owner IS NOT NULL
    """)


def _v4(db: sqlite3.Connection) -> None:
    """Quota roots (RFC 9208): limits (NULL: unlimited; STORAGE in KiB) and
    the usage the writes keep (bytes and messages of live records)."""
    _run(db, """
        CREATE TABLE quota_roots (
            root          TEXT PRIMARY KEY,
            storage_limit INTEGER,
            message_limit INTEGER,
            mailbox_limit INTEGER,
            storage_used  INTEGER NOT NULL DEFAULT 0,
            messages_used INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID
    """)


def _v5(db: sqlite3.Connection) -> None:
    """When each record was expunged (delayed expunge: `cyr_expire -X` and
    `unexpunge -t` go by it). `expunged` gains a third value, 2: a tombstone
    that still holds its body, so unexpunge can bring it back. Tombstones of
    older stores have no time and count as expunged long ago."""
    _run(db, "ALTER TABLE messages ADD COLUMN expunged_at REAL")


def _v6(db: sqlite3.Connection) -> None:
    """A small row per body beside its parse: its Message-ID (as
    `ParsedMessage.message_id` holds it, brackets removed; indexed, so
    messages are found by it without a scan) and what a list view shows
    (`body_lines`, `summary_fields` as JSON): thousands are read without
    touching the parses, a few KB each. Bodies already stored get the id
    from their stored parse (item 13 of its JSON array from schema 3
    on); the summary only from a schema-4 parse or later (later schemas put
    their new fields after these), else it stays NULL and is made from the body when asked. An index from a body to its records
    finds the messages of an id."""
    _run(db, """
        CREATE TABLE message_summaries (
            sha256     TEXT PRIMARY KEY,
            message_id TEXT,
            body_lines INTEGER,
            fields     TEXT
        ) WITHOUT ROWID;
        INSERT INTO message_summaries (sha256, message_id, body_lines, fields)
            SELECT sha256, nullif(json_extract(parsed, '$[13]'), ''),
                   CASE WHEN json_extract(parsed, '$[0]') >= 4
                        THEN json_extract(parsed, '$[18]') END,
                   CASE WHEN json_extract(parsed, '$[0]') >= 4
                        THEN json_extract(parsed, '$[19]') END
            FROM message_cache
            WHERE json_valid(parsed) AND json_extract(parsed, '$[0]') >= 3;
        CREATE INDEX message_summaries_message_id ON message_summaries (message_id)
            WHERE message_id IS NOT NULL;
        CREATE INDEX messages_blob ON messages (blob) WHERE expunged = 0
    """)


def _v7(db: sqlite3.Connection) -> None:
    """Duplicate-delivery records (`DuplicateStore`, Cyrus's deliver.db):
    delivery suppression, Sieve `duplicate` and vacation tracking."""
    _run(db, """
        CREATE TABLE IF NOT EXISTS duplicates (
            id         TEXT NOT NULL,
            scope      TEXT NOT NULL,
            seen       REAL NOT NULL,
            keep_until REAL NOT NULL,
            PRIMARY KEY (id, scope)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS duplicates_seen ON duplicates (seen)
    """)


def _v8(db: sqlite3.Connection) -> None:
    """The save date of each record (RFC 8514: when it was saved into its
    mailbox, epoch seconds). Records from before stay NULL: their save
    date was never recorded, and is not guessed."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(messages)")}
    if "savedate" not in columns:  # a store rewound by hand may have it
        _run(db, "ALTER TABLE messages ADD COLUMN savedate REAL")


def _v9(db: sqlite3.Connection) -> None:
    """Annotations (RFC 5464 METADATA) of mailboxes and, under mailbox_id 0,
    of the server: `owner` '' for /shared entries, the user for /private."""
    _run(db, """
        CREATE TABLE IF NOT EXISTS metadata (
            mailbox_id INTEGER NOT NULL,
            entry      TEXT NOT NULL,
            owner      TEXT NOT NULL,
            value      BLOB NOT NULL,
            PRIMARY KEY (mailbox_id, entry, owner)
        ) WITHOUT ROWID
    """)


def _v10(db: sqlite3.Connection) -> None:
    """URLAUTH mailbox access keys (RFC 4467 §2.3), per user and mailbox id."""
    _run(db, """
        CREATE TABLE IF NOT EXISTS urlauth_keys (
            user       TEXT NOT NULL,
            mailbox_id INTEGER NOT NULL,
            key        BLOB NOT NULL,
            PRIMARY KEY (user, mailbox_id)
        ) WITHOUT ROWID
    """)


def _v11(db: sqlite3.Connection) -> None:
    """The change feed across mailboxes (`store/sqlite/feed.py`, RFC 5465
    NOTIFY): one row per change, written by triggers in the changing
    transaction, the oldest pruned past 65,536 rows. (Trigger bodies hold
    `;`, so each statement is run on its own, not through `_run`.)"""
    feed = "INSERT INTO change_feed (kind, mailbox_id, name, owner, old_name, entry) VALUES"
    mailbox_name = "coalesce((SELECT name FROM mailboxes WHERE id = {0}.mailbox_id), '')"
    triggers = {
        "feed_messages": "AFTER UPDATE OF highestmodseq ON mailboxes"
                         " WHEN NEW.highestmodseq > OLD.highestmodseq"
                         f" BEGIN {feed} ('messages', NEW.id, NEW.name, NEW.owner, NULL, NULL)",
        "feed_create": "AFTER INSERT ON mailboxes"
                       f" BEGIN {feed} ('create', NEW.id, NEW.name, NEW.owner, NULL, NULL)",
        "feed_delete": "AFTER DELETE ON mailboxes"
                       f" BEGIN {feed} ('delete', OLD.id, OLD.name, OLD.owner, NULL, NULL)",
        "feed_rename": "AFTER UPDATE OF name ON mailboxes WHEN NEW.name <> OLD.name"
                       f" BEGIN {feed} ('rename', NEW.id, NEW.name, NEW.owner, OLD.name, NULL)",
        "feed_subscribe": "AFTER INSERT ON subscriptions"
                          f" BEGIN {feed} ('subscribe', 0, NEW.name, NEW.user, NULL, NULL)",
        "feed_unsubscribe": "AFTER DELETE ON subscriptions"
                            f" BEGIN {feed} ('unsubscribe', 0, OLD.name, OLD.user, NULL, NULL)",
        "feed_metadata_set": "AFTER INSERT ON metadata"
                             f" BEGIN {feed} ('metadata', NEW.mailbox_id,"
                             f" {mailbox_name.format('NEW')}, NEW.owner, NULL, NEW.entry)",
        "feed_metadata_unset": "AFTER DELETE ON metadata"
                               f" BEGIN {feed} ('metadata', OLD.mailbox_id,"
                               f" {mailbox_name.format('OLD')}, OLD.owner, NULL, OLD.entry)",
        "feed_acl_set": "AFTER INSERT ON acl"
                        f" BEGIN {feed} ('acl', NEW.mailbox_id,"
                        f" {mailbox_name.format('NEW')}, NEW.identifier, NULL, NULL)",
        "feed_acl_unset": "AFTER DELETE ON acl"
                          f" BEGIN {feed} ('acl', OLD.mailbox_id,"
                          f" {mailbox_name.format('OLD')}, OLD.identifier, NULL, NULL)",
        "feed_prune": "AFTER INSERT ON change_feed WHEN NEW.seq % 1024 = 0"
                      " BEGIN DELETE FROM change_feed WHERE seq <= NEW.seq - 65536",
    }
    db.execute("""
        CREATE TABLE IF NOT EXISTS change_feed (
            seq        INTEGER PRIMARY KEY,
            kind       TEXT NOT NULL,
            mailbox_id INTEGER NOT NULL,
            name       TEXT NOT NULL,
            owner      TEXT,
            old_name   TEXT,
            entry      TEXT
        )""")
    for name, body in triggers.items():
        db.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}; END")


def _v12(db: sqlite3.Connection) -> None:
    """Tombstones and mailbox-level change rows become purgeable (`cyr_expire
    -X`): `mailboxes.deletedmodseq` (Cyrus's name) is the highest MODSEQ of
    anything purged from a mailbox's change feed, below which the feed is
    no longer complete (0: nothing purged); `mailbox_changes.at` is when a
    change was made (epoch seconds; NULL for rows from before, which count
    as made long ago)."""
    mailbox_columns = {row[1] for row in db.execute("PRAGMA table_info(mailboxes)")}
    if "deletedmodseq" not in mailbox_columns:
        _run(db, "ALTER TABLE mailboxes ADD COLUMN deletedmodseq INTEGER NOT NULL DEFAULT 0")
    change_columns = {row[1] for row in db.execute("PRAGMA table_info(mailbox_changes)")}
    if "at" not in change_columns:
        _run(db, "ALTER TABLE mailbox_changes ADD COLUMN at REAL")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10, _v11, _v12)
"""Ordered upgrades; MIGRATIONS[n] takes a version-n database to n+1. Append only."""


def current_version(db: sqlite3.Connection) -> int:
    """The recorded schema version; 0 for an empty database."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = db.execute("SELECT version FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(db: sqlite3.Connection) -> int:
    """Bring the database to the newest schema; return the version it ends at.

    `db` must be in autocommit mode (isolation_level=None). Each step runs
    under BEGIN IMMEDIATE so two processes opening at once upgrade once.
    """
    while True:
        db.execute("BEGIN IMMEDIATE")
        try:
            version = current_version(db)
            if version > len(MIGRATIONS):
                raise StoreCorrupt(
                    f"mail store schema version {version} is newer than this Roost "
                    f"understands ({len(MIGRATIONS)}); upgrade Roost")
            if version == len(MIGRATIONS):
                db.execute("COMMIT")
                return version
            MIGRATIONS[version](db)
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (version + 1,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
