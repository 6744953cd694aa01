"""`roost migrate --from sqlite --to postgres` (or back): move a site's
index from one backend to the other, every UID, UIDVALIDITY, MODSEQ, flag,
tombstone, seen state, ACL, quota and annotation intact.

Both sides come from imapd.conf (`-C`): the SQLite index is
configdirectory/mailstore.db, the PostgreSQL one the database of
store_dsn. Stop the server first; migrate; then set `store_backend` to
the target in imapd.conf and start the server again (the tool never
edits imapd.conf). Bodies stay where they are (partition files or the
S3 bucket): both backends key them by the same content hash, so only
the index moves, after every body it references is found in the blob
store.

The target must hold no rows, scripts or passwords (the tool refuses,
naming what is there); its index is filled in one transaction, so a run
that fails before the commit leaves it empty and can be run again. After the commit every table is read back from the target
and its row count and digest, and every mailbox's message digest (UIDs,
MODSEQs, flags), compared with the source's: any difference fails the
run (exit 1) and the target must not be switched to. `--dry-run` counts
the rows that would move and checks the bodies, writing nothing.

Sieve scripts and passwords move too (roost.tools.migrate_accounts):
from the sievedir and configdirectory/passwd.db of a SQLite site to the
index database of a PostgreSQL one, or back; the target must hold none;
they load right after the index's transaction commits (files cannot join
it), and are verified with it (counts and a digest).

Not moved: the change feed of running sessions (a moved site starts with
none); the search index (run `roost squatter` on the new backend).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import psycopg

from roost.config import Config, ConfigError, load_config
from roost.store.api import StoreError
from roost.store.blobstore import BlobStore
from roost.store.open import DATABASE, open_blobs
from roost.store.postgres.siterows import PostgresSiteLoader, PostgresSiteReader
from roost.store.siterows import TABLES, Body, Digest, Record, SiteLoader, SiteReader
from roost.store.sqlite.siterows import SqliteSiteLoader, SqliteSiteReader
from roost.tools import storetool
from roost.tools.migrate_accounts import Accounts, Side, occupied_files
from roost.tools.storetool import ToolFailed

NAME = "migrate"
SUMMARY = "move the mail index between SQLite and PostgreSQL (--from/--to), verified"
BACKENDS = ("sqlite", "postgres")
SHOWN_MISSING = 10
"""Missing bodies named before the count of the rest."""


def sqlite_path(conf: Config) -> Path:
    if not conf.configdirectory:
        raise ConfigError("configdirectory is not set")
    return Path(conf.configdirectory) / DATABASE


def postgres_dsn(conf: Config) -> str:
    if not conf.store_dsn:
        raise ConfigError("store_dsn is not set: it names the PostgreSQL database")
    return conf.store_dsn


async def open_reader(conf: Config, backend: str) -> SiteReader:
    if backend == "sqlite":
        return SqliteSiteReader(sqlite_path(conf))
    return await PostgresSiteReader.open(postgres_dsn(conf))


def open_loader(conf: Config, backend: str) -> SiteLoader:
    if backend == "sqlite":
        return SqliteSiteLoader(sqlite_path(conf), bool(conf.fsync))
    return PostgresSiteLoader(postgres_dsn(conf))


async def absent_bodies(blobs: BlobStore, rows: list[Record]) -> list[Body]:
    """The referenced bodies of a batch of `blobs` rows the blob store lacks."""
    bodies = [row for row in rows if isinstance(row, Body) and row.refcount > 0]
    return await asyncio.to_thread(
        lambda: [b for b in bodies if not blobs.present(b.partition, b.sha256, b.size)])


def missing_report(missing: list[Body]) -> str:
    named = ", ".join(f"{b.partition}/{b.sha256}" for b in missing[:SHOWN_MISSING])
    more = len(missing) - SHOWN_MISSING
    return (f"{len(missing)} referenced bodies are not in the blob store: {named}"
            + (f" and {more} more" if more > 0 else ""))


async def copy_tables(reader: SiteReader, loader: SiteLoader | None, blobs: BlobStore,
                      counts: dict[str, int], batch: int) -> tuple[Digest, list[Body]]:
    """Stream every table from `reader` (into `loader` unless a dry run):
    the source's digest and the bodies it lacks."""
    digest, missing = Digest(), []
    for table in TABLES:
        with storetool.progress_bar(counts[table.TABLE], f"migrate: {table.TABLE}") as step:
            async for rows in reader.rows(table, batch):
                if table is Body:
                    missing += await absent_bodies(blobs, list(rows))
                if loader is not None:
                    await loader.load(rows)
                digest.add(rows)
                for _ in rows:
                    step()
    return digest, missing


async def read_digest(conf: Config, backend: str, batch: int) -> Digest:
    reader = await open_reader(conf, backend)
    try:
        digest = Digest()
        for table in TABLES:
            async for rows in reader.rows(table, batch):
                digest.add(rows)
        return digest
    finally:
        await reader.close()


async def read_accounts(conf: Config, backend: str) -> Accounts:
    side = Side(conf, backend, postgres_dsn(conf) if backend == "postgres" else "")
    try:
        return await side.read()
    finally:
        await side.close()


async def load_accounts(conf: Config, backend: str, accounts: Accounts) -> None:
    side = Side(conf, backend, postgres_dsn(conf) if backend == "postgres" else "")
    try:
        await side.load(accounts)
    finally:
        await side.close()


async def migrate(conf: Config, source: str, target: str, dry_run: bool, batch: int) -> int:
    started = time.monotonic()
    reader = await open_reader(conf, source)
    loader = open_loader(conf, target)
    try:
        occupied = await loader.occupied()
        if target == "sqlite":
            occupied |= await occupied_files(conf)
        if occupied:
            raise ToolFailed(f"the {target} index is not empty ("
                             + ", ".join(f"{t}: {n} rows" for t, n in occupied.items())
                             + "); migrate loads into an empty index only")
        counts = {table.TABLE: await reader.count(table) for table in TABLES}
        accounts = await read_accounts(conf, source)
        partitions = {name: Path(path) for name, path in conf.partitions.items()}
        blobs = open_blobs(conf, partitions)
        if not dry_run:
            await loader.begin()
        source_digest, missing = await copy_tables(reader, None if dry_run else loader, blobs,
                                                   counts, batch)
        if missing:
            raise ToolFailed(missing_report(missing) + "; nothing was written")
        unread = {t: n for t, n in counts.items() if source_digest.counts.get(t, 0) != n}
        if unread:
            raise ToolFailed(f"the {source} index changed while being read ({unread});"
                             " stop the server and run again; nothing was written")
        if dry_run:
            for table, count in counts.items():
                print(f"{table}: {count} rows would move")
            for kind, count in accounts.counts().items():
                print(f"{kind}: {count} would move")
            print(f"dry run: nothing written to the {target} index")
            return storetool.OK
        await loader.commit()
        await load_accounts(conf, target, accounts)
    finally:
        await loader.close()
        await reader.close()
    moved = time.monotonic() - started
    differences = source_digest.differences(await read_digest(conf, target, batch))
    moved_accounts = await read_accounts(conf, target)
    if moved_accounts.counts() != accounts.counts():
        differences.append(f"sieve scripts and passwords: {accounts.counts()} in the source,"
                           f" {moved_accounts.counts()} in the target")
    elif moved_accounts.digest() != accounts.digest():
        differences.append("sieve scripts and passwords: the same in number, not in content")
    if differences:
        for line in differences:
            print(f"roost migrate: MISMATCH {line}", file=sys.stderr)
        print(f"roost migrate: the {target} index differs from the {source} index;"
              " do not switch store_backend to it", file=sys.stderr)
        return storetool.DAMAGED
    total = sum(counts.values())
    for table, count in counts.items():
        print(f"{table}: {count} rows")
    for kind, count in accounts.counts().items():
        print(f"{kind}: {count}")
    print(f"moved {total} rows from {source} to {target} in {moved:.1f} s"
          f" ({total / max(moved, 1e-6):.0f} rows/s); verified: counts, table digests and"
          f" {len(source_digest.mailboxes)} mailbox digests match, and the sieve scripts'"
          " and passwords' counts and digest")
    print(f"now set 'store_backend: {target}' in imapd.conf and start the server;"
          " run 'roost squatter' to rebuild the search index")
    return storetool.OK


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number")
    return int(text)


def main(argv: list[str]) -> int:
    made = storetool.parser(NAME, __doc__)
    made.add_argument("--from", dest="source", choices=BACKENDS, required=True)
    made.add_argument("--to", dest="target", choices=BACKENDS, required=True)
    made.add_argument("--dry-run", action="store_true",
                      help="count what would move and check the bodies; write nothing")
    made.add_argument("--batch", type=positive, default=5000, help="rows per batch (default 5000)")
    args = made.parse_args(argv)
    if args.source == args.target:
        made.error("--from and --to name the same backend")
    try:
        conf = load_config(args.config)
        return asyncio.run(migrate(conf, args.source, args.target, args.dry_run, args.batch))
    except (ToolFailed, StoreError, ConfigError, psycopg.Error) as err:
        print(f"roost {NAME}: {err}", file=sys.stderr)
        return storetool.DAMAGED
