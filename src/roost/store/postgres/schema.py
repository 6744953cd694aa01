"""The PostgreSQL index schema and its in-place upgrades.

Same shape as the SQLite schema (`store/sqlite/schema.py`) as of its
version 12; v2 adds the change feed (feed_schema.py), v3 the full-text
index (`fts.py`), v4 what SQLite sites keep in files beside the index
(Sieve scripts, passwords), v5 the session registry (live, UNLOGGED).
`schema_version` holds the number of migrations applied; every process
upgrades under one advisory lock, so two opening at once migrate once,
and a database newer than the code is refused.
"""

from __future__ import annotations

from psycopg import AsyncConnection

from roost.store.api import StoreCorrupt
from roost.store.postgres.feed_schema import CHANGE_FEED

MIGRATE_LOCK = 0x526F6F7374  # "Roost": the advisory lock key of migrations

_V1 = """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value BIGINT NOT NULL
    );
    INSERT INTO meta (key, value) VALUES ('mailboxid', 0), ('uidvalidity', 0);
    CREATE TABLE mailboxes (
        id            BIGINT PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        uidvalidity   BIGINT NOT NULL,
        uidnext       BIGINT NOT NULL DEFAULT 1,
        highestmodseq BIGINT NOT NULL DEFAULT 1,
        partition     TEXT NOT NULL,
        owner         TEXT,
        recentuid     BIGINT NOT NULL DEFAULT 0,
        special_use   TEXT NOT NULL DEFAULT '',
        created       BIGINT NOT NULL,
        deletedmodseq BIGINT NOT NULL DEFAULT 0
    );
    CREATE INDEX mailboxes_owner ON mailboxes (owner);
    CREATE INDEX mailboxes_name_prefix ON mailboxes (name text_pattern_ops);
    CREATE TABLE messages (
        mailbox_id   BIGINT NOT NULL,
        uid          BIGINT NOT NULL,
        modseq       BIGINT NOT NULL,
        sysflags     INTEGER NOT NULL DEFAULT 0,
        keywords     TEXT NOT NULL DEFAULT '',
        internaldate DOUBLE PRECISION NOT NULL,
        size         BIGINT NOT NULL,
        blob         TEXT NOT NULL,
        partition    TEXT NOT NULL,
        expunged     SMALLINT NOT NULL DEFAULT 0,
        expunged_at  DOUBLE PRECISION,
        savedate     DOUBLE PRECISION,
        PRIMARY KEY (mailbox_id, uid)
    );
    CREATE INDEX messages_modseq ON messages (mailbox_id, modseq);
    CREATE INDEX messages_blob ON messages (blob) WHERE expunged = 0;
    CREATE TABLE seen (
        "user"     TEXT NOT NULL,
        mailbox_id BIGINT NOT NULL,
        uid        BIGINT NOT NULL,
        PRIMARY KEY (mailbox_id, "user", uid)
    );
    CREATE TABLE subscriptions (
        "user" TEXT NOT NULL,
        name   TEXT NOT NULL,
        PRIMARY KEY ("user", name)
    );
    CREATE TABLE blobs (
        sha256    TEXT NOT NULL,
        partition TEXT NOT NULL,
        size      BIGINT NOT NULL,
        refcount  BIGINT NOT NULL,
        PRIMARY KEY (sha256, partition)
    );
    CREATE TABLE message_cache (
        sha256 TEXT PRIMARY KEY,
        parsed TEXT NOT NULL
    );
    CREATE TABLE message_summaries (
        sha256     TEXT PRIMARY KEY,
        message_id TEXT,
        body_lines INTEGER,
        fields     TEXT
    );
    CREATE INDEX message_summaries_message_id ON message_summaries (message_id)
        WHERE message_id IS NOT NULL;
    CREATE TABLE mailbox_changes (
        mailbox_id BIGINT NOT NULL,
        modseq     BIGINT NOT NULL,
        kind       TEXT NOT NULL,
        name       TEXT NOT NULL,
        at         DOUBLE PRECISION,
        PRIMARY KEY (mailbox_id, modseq)
    );
    CREATE TABLE acl (
        mailbox_id BIGINT NOT NULL,
        identifier TEXT NOT NULL,
        position   INTEGER NOT NULL,
        rights     TEXT NOT NULL,
        PRIMARY KEY (mailbox_id, identifier)
    );
    CREATE INDEX acl_identifier ON acl (identifier, mailbox_id);
    CREATE TABLE quota_roots (
        root          TEXT PRIMARY KEY,
        storage_limit BIGINT,
        message_limit BIGINT,
        mailbox_limit BIGINT,
        storage_used  BIGINT NOT NULL DEFAULT 0,
        messages_used BIGINT NOT NULL DEFAULT 0
    );
    CREATE TABLE duplicates (
        id         TEXT NOT NULL,
        scope      TEXT NOT NULL,
        seen       DOUBLE PRECISION NOT NULL,
        keep_until DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (id, scope)
    );
    CREATE INDEX duplicates_seen ON duplicates (seen);
    CREATE TABLE metadata (
        mailbox_id BIGINT NOT NULL,
        entry      TEXT NOT NULL,
        owner      TEXT NOT NULL,
        value      BYTEA NOT NULL,
        PRIMARY KEY (mailbox_id, entry, owner)
    );
    CREATE TABLE urlauth_keys (
        "user"     TEXT NOT NULL,
        mailbox_id BIGINT NOT NULL,
        key        BYTEA NOT NULL,
        PRIMARY KEY ("user", mailbox_id)
    )
"""

# The full-text index (fts.py): pg_trgm (a trusted extension since
# PostgreSQL 13: the role needs CREATE on the database, or an admin creates
# it first) gives LIKE its GIN candidates. Its operator classes are found
# wherever the extension was installed, for this transaction only.
FULL_TEXT = """
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    SELECT set_config('search_path', current_setting('search_path') || ', '
                      || quote_ident(n.nspname), true)
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    CREATE TABLE fts_owners (
        owner        TEXT PRIMARY KEY,
        text_version INTEGER NOT NULL,
        live         INTEGER NOT NULL DEFAULT 0,
        building     INTEGER
    );
    CREATE TABLE fts_docs (
        docid  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        owner  TEXT NOT NULL,
        gen    INTEGER NOT NULL,
        blob   TEXT NOT NULL,
        exact  BOOLEAN NOT NULL,
        header TEXT NOT NULL DEFAULT '',
        body   TEXT NOT NULL DEFAULT '',
        fields TEXT NOT NULL DEFAULT '',
        fuzzy  TSVECTOR,
        UNIQUE (owner, gen, blob)
    );
    CREATE INDEX fts_docs_header ON fts_docs USING gin (header gin_trgm_ops);
    CREATE INDEX fts_docs_body ON fts_docs USING gin (body gin_trgm_ops);
    CREATE INDEX fts_docs_fields ON fts_docs USING gin (fields gin_trgm_ops);
    CREATE INDEX fts_docs_fuzzy ON fts_docs USING gin (fuzzy);
    CREATE INDEX fts_docs_unindexed ON fts_docs (owner, gen) WHERE NOT exact;
    CREATE TABLE fts_places (
        docid      BIGINT NOT NULL REFERENCES fts_docs ON DELETE CASCADE,
        mailbox_id BIGINT NOT NULL,
        uid        BIGINT NOT NULL,
        PRIMARY KEY (docid, mailbox_id, uid)
    );
    CREATE INDEX fts_places_mailbox ON fts_places (mailbox_id, uid);
    CREATE TABLE fts_marks (
        owner      TEXT NOT NULL,
        gen        INTEGER NOT NULL,
        mailbox_id BIGINT NOT NULL,
        upto       BIGINT NOT NULL,
        PRIMARY KEY (owner, gen, mailbox_id)
    )
"""

_SCRIPTS_AND_PASSWORDS = """
    CREATE TABLE sieve_scripts (
        owner    TEXT NOT NULL,
        name     TEXT NOT NULL,
        source   BYTEA NOT NULL,
        compiled BYTEA,
        active   BOOLEAN NOT NULL DEFAULT FALSE,
        PRIMARY KEY (owner, name)
    );
    CREATE UNIQUE INDEX sieve_scripts_active ON sieve_scripts (owner) WHERE active;
    CREATE TABLE credentials (
        "user"            TEXT PRIMARY KEY,
        sha1_salt         BYTEA NOT NULL,
        sha1_iterations   INTEGER NOT NULL,
        sha1_stored_key   BYTEA NOT NULL,
        sha1_server_key   BYTEA NOT NULL,
        sha256_salt       BYTEA NOT NULL,
        sha256_iterations INTEGER NOT NULL,
        sha256_stored_key BYTEA NOT NULL,
        sha256_server_key BYTEA NOT NULL,
        changed           BIGINT NOT NULL DEFAULT extract(epoch FROM now())::BIGINT
    )
"""
"""Sieve scripts (store/postgres/scripts.py; owner '' holds the global ones)
and the sasldb (auth/postgres_credentials.py), so every node sees them."""

_LIVE_SESSIONS = """
    CREATE UNLOGGED TABLE live_holders (
        id            BIGSERIAL PRIMARY KEY,
        node          TEXT NOT NULL,
        backend_pid   INTEGER NOT NULL,
        backend_start TIMESTAMPTZ NOT NULL
    );
    CREATE UNLOGGED TABLE live_sessions (
        id      BIGSERIAL PRIMARY KEY,
        holder  BIGINT NOT NULL REFERENCES live_holders (id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        host    TEXT NOT NULL,
        "user"  TEXT,
        ended   BOOLEAN NOT NULL DEFAULT false
    );
    CREATE INDEX live_sessions_holder ON live_sessions (holder);
    CREATE INDEX live_sessions_user ON live_sessions ("user", service);
    CREATE INDEX live_sessions_host ON live_sessions (service, host);
    CREATE UNLOGGED TABLE live_maildrops (
        mailbox_id BIGINT PRIMARY KEY,
        session    BIGINT REFERENCES live_sessions (id) ON DELETE SET NULL,
        last_login DOUBLE PRECISION NOT NULL DEFAULT 0
    );
    CREATE INDEX live_maildrops_session ON live_maildrops (session);
    CREATE UNLOGGED TABLE live_login_failures (
        key          TEXT PRIMARY KEY,
        failures     INTEGER NOT NULL,
        last_failure DOUBLE PRECISION NOT NULL,
        next_slot    DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX live_login_failures_age ON live_login_failures (last_failure)
"""
"""The session registry (store/postgres/shared_state.py): live state, so
UNLOGGED, and not among the tables `roost migrate` moves or counts."""

MIGRATIONS: tuple[str, ...] = (_V1, CHANGE_FEED, FULL_TEXT, _SCRIPTS_AND_PASSWORDS,
                               _LIVE_SESSIONS)
"""Ordered upgrades; MIGRATIONS[n] takes a version-n database to n+1. Append only."""


def statements(step: str) -> list[str]:
    """The statements of a migration: split at `;` outside `$$` function bodies."""
    found: list[str] = []
    current = ""
    for n, part in enumerate(step.split("$$")):
        if n % 2:  # inside a body
            current += "$$" + part + "$$"
            continue
        first, *rest = part.split(";")
        current += first
        if rest:
            found.append(current)
            *done, current = rest
            found += done
    return [each for each in [*found, current] if each.strip()]


async def migrate(db: AsyncConnection[tuple[object, ...]]) -> int:
    """Bring the database (the connection's search_path) to the newest
    schema in one transaction; the version it ends at."""
    async with db.transaction():
        await db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
        await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = await (await db.execute("SELECT version FROM schema_version")).fetchone()
        version = int(str(row[0])) if row else 0
        if version > len(MIGRATIONS):
            raise StoreCorrupt(
                f"mail store schema version {version} is newer than this Roost "
                f"understands ({len(MIGRATIONS)}); upgrade Roost")
        for step in MIGRATIONS[version:]:
            for statement in statements(step):
                await db.execute(statement.encode())
        await db.execute("DELETE FROM schema_version")
        await db.execute("INSERT INTO schema_version (version) VALUES (%s)", (len(MIGRATIONS),))
    return len(MIGRATIONS)
