"""What the admin tools need of a store, whatever its backend: `SiteStore`.

`SiteStore` is the base `Store` with ACLs, quotas, duplicate records,
annotations, delayed expunge and the maintenance of
`MaintenanceStore` (damage per mailbox, unreferenced bodies, the
per-mailbox rebuild of `reconstruct`, where things are). `open_store`
returns one; SQLite and PostgreSQL both are one (mypy checks it there).

Invariants every backend keeps here:
- Reads never change anything; nothing here deletes a body: unreferenced
  bodies are only listed (or adopted by `reconstruct -f`, only when at
  least ADOPT_AGE old, so never one whose append is still on its way).
- `reconstruct` is one write transaction per mailbox: it lands whole or
  not at all, and sessions learn of records it drops from tombstones at
  a new MODSEQ, as from any EXPUNGE; surviving records keep UID, flags
  and MODSEQ. A dry run is the same transaction undone at its end
  (`DryRun`), so it reports exactly what a real run would do.
- Problem lines read the same on every backend (the tools print them).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from roost.store.api import AclStore, QuotaStore, Store
from roost.store.blobstore import BlobStore, StoredBody
from roost.store.duplicates import DuplicateStore
from roost.store.metadata import MetadataStore
from roost.store.retention import RetentionStore

ADOPT_AGE = 60.0
"""`reconstruct -f` adopts only body files at least this old: a younger one
may be an append staged and still on its way to its commit, which would
then index it a second time."""


@dataclass(frozen=True, slots=True)
class MessageFile:
    """Where one live message's body lives (`mbpath -l`)."""

    uid: int
    blob: str
    location: str


class DryRun(Exception):
    """Ends a `reconstruct -n` transaction so it is undone; carries the report."""

    def __init__(self, report: list[str]) -> None:
        super().__init__("dry run")
        self.report = report


def body_problem(blobs: BlobStore, partition: str, key: str, size: int,
                 verify: bool) -> str | None:
    """Why a body cannot be served as indexed, or None when it can."""
    if not blobs.present(partition, key, size):
        return f"body {key} missing or truncated in partition {partition}"
    if verify and blobs.digest(partition, key) != key:
        return f"body {key} in partition {partition} does not match its SHA-256"
    return None


def counters_problem(max_uid: int, uidnext: int, max_modseq: int, highest: int) -> str:
    """A mailbox whose records pass its UIDNEXT or HIGHESTMODSEQ (`damage`)."""
    return (f"uid {max_uid} / modseq {max_modseq} past uidnext {uidnext}"
            f" / highestmodseq {highest}")


class MaintenanceStore(Protocol):
    """The admin tools' reads and repairs (chk_cyrus, scrub, reconstruct, mbpath)."""

    @property
    def index_location(self) -> str:
        """Where the index is, for admins (`mbpath -m`): a path, or a DSN
        without its password."""
        ...

    def partition_location(self, partition: str) -> str:
        """Where a partition's bodies are (a directory, or a bucket URL);
        StoreError for a partition the configuration does not name."""
        ...

    async def damage(self, mailbox_ids: Sequence[int], verify: bool,
                     step: Callable[[], None] | None = None) -> dict[str, list[str]]:
        """Problems of each damaged mailbox among `mailbox_ids`, by name: bodies
        missing or truncated (with `verify`: not matching their SHA-256),
        records past UIDNEXT or HIGHESTMODSEQ. `step` is called after each
        mailbox (maybe on another thread). A mailbox deleted meanwhile is skipped."""
        ...

    async def orphans(self) -> list[StoredBody]:
        """The stored bodies no index row references (an append in flight
        shows one for a moment)."""
        ...

    async def message_files(self, mailbox_id: int) -> list[MessageFile]:
        """Every live message of the mailbox with where its body is, by UID."""
        ...

    async def reconstruct(self, mailbox_id: int, *, adopt: bool = False,
                          dry_run: bool = False) -> list[str]:
        """Rebuild the mailbox's index: records without a body go, counters
        are raised past the records, the reference counts of its bodies set
        right (quota usage follows), and with `adopt` the unreferenced
        bodies of its partition join it at new UIDs. What it did, or with
        `dry_run` what it would do, changing nothing."""
        ...


class SiteStore(Store, AclStore, QuotaStore, DuplicateStore, MetadataStore, RetentionStore,
                MaintenanceStore, Protocol):
    """Everything the admin tools use: what `open_store` returns."""

    deleted_prefix: str
    """Where delayed delete keeps mailboxes (`deletedprefix`; cyr_expire)."""
