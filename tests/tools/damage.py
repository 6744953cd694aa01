"""Real damage to a real store, made on disk as a crash or a disk would,
and the repair tools run as separate processes beside a server."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import sys
from pathlib import Path

import psycopg
from tests.harness.imap import sample_message
from tests.harness.site import Site

from roost.store.open import DATABASE, open_store


def body_path(site: Site, key: str) -> Path:
    return Path(site.conf.partitions["default"]) / key[0:2] / key[2:4] / key


def key_of(n: int) -> str:
    """The body key of `sample_message(n)`."""
    return hashlib.sha256(sample_message(n)).hexdigest()


def delete_body(site: Site, n: int) -> None:
    body_path(site, key_of(n)).unlink()


def corrupt_body(site: Site, n: int) -> None:
    """Same size, other bytes: only the hash can tell."""
    path = body_path(site, key_of(n))
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0x20
    path.write_bytes(bytes(raw))


def on_postgres(site: Site) -> bool:
    return site.conf.store_backend == "postgres"


def sql(site: Site, statement: str, *params: object) -> list[tuple[object, ...]]:
    """Run one statement on the index, as an admin with sqlite3 or psql
    would (`?` placeholders; the SQL both dialects share)."""
    if on_postgres(site):
        with psycopg.connect(site.conf.store_dsn, autocommit=True) as pg:
            cursor = pg.execute(statement.replace("?", "%s").encode(), params)
            return cursor.fetchall() if cursor.description else []
    db = sqlite3.connect(Path(site.conf.configdirectory) / DATABASE, isolation_level=None)
    try:
        return db.execute(statement, params).fetchall()
    finally:
        db.close()


async def fill(site: Site, mailboxes: dict[str, range]) -> None:
    """Create each mailbox with sample messages numbered by its range."""
    store = open_store(site.conf)
    try:
        for name, numbers in mailboxes.items():
            info = await store.create_mailbox(name)
            for n in numbers:
                await store.append(info.id, sample_message(n), flags=["\\Flagged"])
    finally:
        await store.close()


async def tool(site: Site, *argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """Run `roost TOOL -C imapd.conf ARGS` in its own process."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "roost.cli", argv[0], "-C", str(site.conf_path), *argv[1:],
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate(stdin)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()
