"""`PostgresScripts`: the `ScriptStore` in the index's database, so every
node sees the scripts ManageSieve uploaded on any of them.

One `sieve_scripts` row per (owner, name) holds the source and the
compiled form (NULL until compiled here); the owner of the global
scripts is '' (no user id is empty). Invariants:
- At most one active row per owner: a partial unique index says so, and
  every write of an owner first takes that owner's advisory lock, so the
  checks and changes of concurrent writers (on any node) run one after
  the other and see each other's commits.
- Names obey the sievedir's rules (`sievedir.check_name`): a script that
  lives here can move to a sievedir (`roost migrate`) and back.
- Source and compiled form commit together, so unlike the sievedir no
  crash leaves a compiled form of another source (the digest check in
  `roost.sieve.load_compiled` stays the judge of staleness all the same).
- `active_script`, asked for every recipient at delivery, is one
  statement on a pooled connection, on the event loop (no thread).
"""

from __future__ import annotations

from roost.store.postgres.store import PostgresStore
from roost.store.postgres.tx import Database, Db, WriteTx
from roost.store.scripts import (
    InvalidScriptName,
    ScriptActive,
    ScriptExists,
    ScriptInfo,
    ScriptNotFound,
)
from roost.store.sievedir import check_name

GLOBAL_OWNER = ""


def owner_key(owner: str | None) -> str:
    """The `owner` column of an owner (None: the global scripts)."""
    if owner is None:
        return GLOBAL_OWNER
    if not owner or "\0" in owner:
        raise InvalidScriptName(f"no scripts for owner {owner!r}")
    return owner


async def lock_owner(tx: WriteTx, owner: str) -> None:
    """The owner's advisory lock, to the end of the transaction."""
    await tx.db.one("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                    (f"sieve:{owner}",))


async def _exists(db: Db, owner: str, name: str) -> bool:
    return await db.one("SELECT 1 FROM sieve_scripts WHERE owner = %s AND name = %s",
                        (owner, name)) is not None


class PostgresScripts:
    """`ScriptStore` over the index database; see the module docstring."""

    def __init__(self, db: Database) -> None:
        """`db` is usually the store's own pool (`open_scripts`)."""
        self._db = db

    @classmethod
    def of_store(cls, store: PostgresStore) -> PostgresScripts:
        """The scripts in `store`'s database, over its pool."""
        return cls(store._db)

    async def owners(self) -> list[str | None]:
        rows = await self._db.read(lambda db: db.all(
            'SELECT owner FROM sieve_scripts GROUP BY owner ORDER BY owner COLLATE "C"'), snapshot=False)
        users: list[str | None] = [str(row[0]) for row in rows if row[0] != GLOBAL_OWNER]
        return users + ([None] if len(users) < len(rows) else [])

    async def list_scripts(self, owner: str | None) -> list[ScriptInfo]:
        key = owner_key(owner)
        rows = await self._db.read(lambda db: db.all(
            'SELECT name, octet_length(source), active FROM sieve_scripts'
            ' WHERE owner = %s ORDER BY name COLLATE "C"', (key,)), snapshot=False)
        return [ScriptInfo(str(name), int(size), bool(active)) for name, size, active in rows]

    async def get_script(self, owner: str | None, name: str) -> bytes:
        return bytes(await self._column("source", owner, name) or b"")

    async def get_compiled(self, owner: str | None, name: str) -> bytes | None:
        compiled = await self._column("compiled", owner, name)
        return None if compiled is None else bytes(compiled)

    async def _column(self, column: str, owner: str | None, name: str) -> bytes | None:
        key = owner_key(owner)
        check_name(name)
        row = await self._db.read(lambda db: db.one(
            f"SELECT {column} FROM sieve_scripts WHERE owner = %s AND name = %s",
            (key, name)), snapshot=False)
        if row is None:
            raise ScriptNotFound(name)
        value: bytes | None = row[0]  # BYTEA comes as bytes
        return value

    async def put_script(self, owner: str | None, name: str, source: bytes,
                         compiled: bytes) -> None:
        key = owner_key(owner)
        check_name(name)
        await self._db.write(lambda tx: tx.db.run(
            "INSERT INTO sieve_scripts (owner, name, source, compiled) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (owner, name) DO UPDATE"
            " SET source = excluded.source, compiled = excluded.compiled",
            (key, name, source, compiled)))

    async def save_compiled(self, owner: str | None, name: str, compiled: bytes) -> None:
        key = owner_key(owner)
        check_name(name)
        changed = await self._db.write(lambda tx: tx.db.run(
            "UPDATE sieve_scripts SET compiled = %s WHERE owner = %s AND name = %s",
            (compiled, key, name)))
        if not changed:
            raise ScriptNotFound(name)

    async def delete_script(self, owner: str | None, name: str) -> None:
        key = owner_key(owner)
        check_name(name)

        async def delete(tx: WriteTx) -> None:
            await lock_owner(tx, key)
            row = await tx.db.one("SELECT active FROM sieve_scripts"
                                  " WHERE owner = %s AND name = %s", (key, name))
            if row is None:
                raise ScriptNotFound(name)
            if row[0]:
                raise ScriptActive(name)  # RFC 5804 §2.10
            await tx.db.run("DELETE FROM sieve_scripts WHERE owner = %s AND name = %s",
                            (key, name))
        await self._db.write(delete)

    async def rename_script(self, owner: str | None, old: str, new: str) -> None:
        key = owner_key(owner)
        check_name(old)
        check_name(new)

        async def rename(tx: WriteTx) -> None:
            await lock_owner(tx, key)
            if not await _exists(tx.db, key, old):
                raise ScriptNotFound(old)
            if await _exists(tx.db, key, new):
                raise ScriptExists(new)
            await tx.db.run("UPDATE sieve_scripts SET name = %s WHERE owner = %s AND name = %s",
                            (new, key, old))
        await self._db.write(rename)

    async def set_active(self, owner: str, name: str | None) -> None:
        key = owner_key(owner)
        if name is not None:
            check_name(name)

        async def activate(tx: WriteTx) -> None:
            await lock_owner(tx, key)
            if name is not None and not await _exists(tx.db, key, name):
                raise ScriptNotFound(name)
            # Two statements: the unique index is checked row by row, so the
            # old active row goes before the new one comes.
            await tx.db.run("UPDATE sieve_scripts SET active = FALSE"
                            " WHERE owner = %s AND active AND name IS DISTINCT FROM %s",
                            (key, name))
            if name is not None:
                await tx.db.run("UPDATE sieve_scripts SET active = TRUE"
                                " WHERE owner = %s AND name = %s", (key, name))
        await self._db.write(activate)

    async def active_script(self, owner: str) -> str | None:
        key = owner_key(owner)
        row = await self._db.read(lambda db: db.one(
            "SELECT name FROM sieve_scripts WHERE owner = %s AND active", (key,)),
            snapshot=False)
        return None if row is None else str(row[0])

    async def rename_owner(self, old: str, new: str) -> None:
        """One UPDATE: the scripts, their compiled forms and the active mark
        move together or not at all."""
        source, target = owner_key(old), owner_key(new)

        async def move(tx: WriteTx) -> None:
            for owner in sorted({source, target}):
                await lock_owner(tx, owner)
            if await tx.db.one("SELECT 1 FROM sieve_scripts WHERE owner = %s LIMIT 1",
                               (source,)) is None:
                return
            if await tx.db.one("SELECT 1 FROM sieve_scripts WHERE owner = %s LIMIT 1",
                               (target,)) is not None:
                raise ScriptExists(f"{new} already has Sieve scripts")
            await tx.db.run("UPDATE sieve_scripts SET owner = %s WHERE owner = %s",
                            (target, source))
        await self._db.write(move)
