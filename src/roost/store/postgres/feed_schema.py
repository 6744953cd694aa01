"""The change feed's tables, functions and triggers in the PostgreSQL index: one
migration of schema.py MIGRATIONS (`feed.py` says why it is shaped so).

Triggers on `mailboxes`, `subscriptions`, `metadata` and `acl` write the
rows in the transaction of the change itself, as SQLite's do (its schema
v11), so every writer (any process, node or admin tool) feeds it and no
change commits without its event. Each row carries its transaction's id
(`pg_current_xact_id()`, as a bigint: epoch and xid, never near 2^63) and
a serial; each insert NOTIFYs `roost_changes` (tx.CHANNEL), deduplicated
by PostgreSQL to one per transaction. Every 1024th row, one transaction at
a time (a try-lock: the others skip) deletes the final rows (below the
watermark) older than the last FEED_KEEP, and raises `change_feed_pruned`
to the highest (xid, serial) it deleted.
"""

from __future__ import annotations

FEED_KEEP = 65536
"""Events kept for readers that fell behind (several minutes of a busy site)."""
PRUNE_EVERY = 1024
PRUNE_LOCK = 0x526F6F7374 + 1  # the advisory lock of the one pruner at a time

WATERMARK = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
"""The lowest transaction id still running: every row below it is final."""

_EVENT = "PERFORM feed_add({0}, {1}, {2}, {3}, {4}, {5}); RETURN NULL;"
_TRIGGERS = {
    # name: (table and condition, the event's kind, mailbox id, name, owner, old name, entry)
    "feed_create": ("AFTER INSERT ON mailboxes",
                    "'create'", "NEW.id", "NEW.name", "NEW.owner", "NULL", "NULL"),
    "feed_delete": ("AFTER DELETE ON mailboxes",
                    "'delete'", "OLD.id", "OLD.name", "OLD.owner", "NULL", "NULL"),
    "feed_rename": ("AFTER UPDATE ON mailboxes FOR EACH ROW WHEN (NEW.name <> OLD.name)",
                    "'rename'", "NEW.id", "NEW.name", "NEW.owner", "OLD.name", "NULL"),
    "feed_messages": (("AFTER UPDATE ON mailboxes FOR EACH ROW"
                       " WHEN (NEW.highestmodseq > OLD.highestmodseq)"),
                      "'messages'", "NEW.id", "NEW.name", "NEW.owner", "NULL", "NULL"),
    "feed_subscribe": ("AFTER INSERT ON subscriptions",
                       "'subscribe'", "0", "NEW.name", 'NEW."user"', "NULL", "NULL"),
    "feed_unsubscribe": ("AFTER DELETE ON subscriptions",
                         "'unsubscribe'", "0", "OLD.name", 'OLD."user"', "NULL", "NULL"),
    # An UPDATE that moves rows to another mailbox (delayed delete) is no change of them.
    "feed_metadata_set": ("AFTER INSERT OR UPDATE ON metadata",
                          "'metadata'", "NEW.mailbox_id", "mailbox_name(NEW.mailbox_id)",
                          "NEW.owner", "NULL", "NEW.entry"),
    "feed_metadata_unset": ("AFTER DELETE ON metadata",
                            "'metadata'", "OLD.mailbox_id", "mailbox_name(OLD.mailbox_id)",
                            "OLD.owner", "NULL", "OLD.entry"),
    "feed_acl_set": ("AFTER INSERT OR UPDATE ON acl",
                     "'acl'", "NEW.mailbox_id", "mailbox_name(NEW.mailbox_id)",
                     "NEW.identifier", "NULL", "NULL"),
    "feed_acl_unset": ("AFTER DELETE ON acl",
                       "'acl'", "OLD.mailbox_id", "mailbox_name(OLD.mailbox_id)",
                       "OLD.identifier", "NULL", "NULL"),
}
_MOVED = "TG_OP = 'UPDATE' AND NEW.mailbox_id <> OLD.mailbox_id"


def _trigger(name: str, on: str, *event: str) -> str:
    when = f"IF {_MOVED} THEN RETURN NULL; END IF; " if "OR UPDATE" in on else ""
    each = "" if "FOR EACH ROW" in on else " FOR EACH ROW"
    return (f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {when}"
            f"{_EVENT.format(*event)} END $$;\n"
            f"CREATE TRIGGER {name} {on}{each} EXECUTE FUNCTION {name}();\n")


CHANGE_FEED = f"""
    CREATE TABLE change_feed (
        xid        BIGINT NOT NULL,
        serial     BIGSERIAL NOT NULL,
        kind       TEXT NOT NULL,
        mailbox_id BIGINT NOT NULL,
        name       TEXT NOT NULL,
        owner      TEXT,
        old_name   TEXT,
        entry      TEXT,
        PRIMARY KEY (xid, serial)
    );
    CREATE INDEX change_feed_serial ON change_feed (serial);
    CREATE TABLE change_feed_pruned (
        xid    BIGINT NOT NULL,
        serial BIGINT NOT NULL
    );
    INSERT INTO change_feed_pruned (xid, serial) VALUES (0, 0);
    CREATE FUNCTION mailbox_name(id BIGINT) RETURNS TEXT LANGUAGE sql STABLE AS $$
        SELECT coalesce((SELECT name FROM mailboxes WHERE mailboxes.id = $1), '') $$;
    CREATE FUNCTION feed_prune(upto BIGINT) RETURNS void LANGUAGE plpgsql AS $$ BEGIN
        WITH gone AS (DELETE FROM change_feed WHERE serial <= $1 AND xid < {WATERMARK}
                      RETURNING xid, serial),
             top AS (SELECT xid, serial FROM gone ORDER BY xid DESC, serial DESC LIMIT 1)
        UPDATE change_feed_pruned p SET xid = top.xid, serial = top.serial FROM top
            WHERE (top.xid, top.serial) > (p.xid, p.serial);
    END $$;
    CREATE FUNCTION feed_add(TEXT, BIGINT, TEXT, TEXT, TEXT, TEXT) RETURNS void
        LANGUAGE plpgsql AS $$ DECLARE added BIGINT; BEGIN
        INSERT INTO change_feed (xid, kind, mailbox_id, name, owner, old_name, entry)
            VALUES (pg_current_xact_id()::text::bigint, $1, $2, $3, $4, $5, $6)
            RETURNING serial INTO added;
        PERFORM pg_notify('roost_changes', '0');
        IF added % {PRUNE_EVERY} = 0 AND pg_try_advisory_xact_lock({PRUNE_LOCK}) THEN
            PERFORM feed_prune(added - {FEED_KEEP});
        END IF;
    END $$;
    {"".join(_trigger(name, *spec) for name, spec in _TRIGGERS.items())}
"""
