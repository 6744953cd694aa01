"""Sieve script storage: the `ScriptStore` interface every backend offers.

What ManageSieve (RFC 5804) manages and delivery runs: per owner, named
scripts, at most one of them active, each kept as its source and the
compiled form beside it (Cyrus keeps `NAME.script` and `NAME.bc`). The
store treats the compiled form as opaque bytes: compiling, and deciding
that a stored form is stale (`roost.sieve.load_compiled` raises
StaleCompiled), belongs to the caller, which then saves a fresh one.

Owners are canonical user ids; `GLOBAL` (None) is the site's global
scripts, the ones `include :global` names (RFC 6609 §3.2). Global scripts
are never active. Script names are what ManageSieve allows (RFC 5804
§1.6: no control characters, non-empty); a backend may refuse more
(`InvalidScriptName`) where its layout cannot hold a name (a `/` in a file
name).

Every write is durable when it returns, as a delivery is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol

from roost.store.api import StoreError

#: The owner of the site's global scripts.
GLOBAL: Final = None


class ScriptNotFound(StoreError):
    """No script of that name for that owner (ManageSieve NONEXISTENT)."""


class ScriptExists(StoreError):
    """RENAMESCRIPT onto a name in use (ManageSieve ALREADYEXISTS)."""


class ScriptActive(StoreError):
    """DELETESCRIPT of the active script (ManageSieve ACTIVE, RFC 5804 §2.10)."""


class InvalidScriptName(StoreError):
    """A name RFC 5804 §1.6 forbids, or that this backend cannot store."""


@dataclass(frozen=True, slots=True)
class ScriptInfo:
    """One stored script, as LISTSCRIPTS shows it."""

    name: str
    size: int  # bytes of the source
    active: bool


class ScriptStore(Protocol):
    """Sieve scripts per owner; see the module docstring."""

    async def owners(self) -> list[str | None]:
        """Every owner with a script (None: the global ones), for `roost
        migrate`; users first in code point order, then None."""

    async def list_scripts(self, owner: str | None) -> list[ScriptInfo]:
        """The owner's scripts, by name; empty for an owner with none."""

    async def get_script(self, owner: str | None, name: str) -> bytes:
        """The source of a script; ScriptNotFound."""

    async def put_script(self, owner: str | None, name: str, source: bytes,
                         compiled: bytes) -> None:
        """Store (or replace) a script and its compiled form, both durable;
        replacing the active script keeps it active."""

    async def get_compiled(self, owner: str | None, name: str) -> bytes | None:
        """The stored compiled form; None when there is none (the script
        exists but was never compiled here, e.g. copied in from Cyrus);
        ScriptNotFound when the script does not exist."""

    async def save_compiled(self, owner: str | None, name: str, compiled: bytes) -> None:
        """Replace the compiled form of an existing script (after a recompile
        of a stale one); ScriptNotFound."""

    async def delete_script(self, owner: str | None, name: str) -> None:
        """Remove a script and its compiled form; ScriptNotFound, ScriptActive."""

    async def rename_script(self, owner: str | None, old: str, new: str) -> None:
        """Rename a script, keeping it active if it was; ScriptNotFound,
        ScriptExists."""

    async def set_active(self, owner: str, name: str | None) -> None:
        """Make `name` the one active script, or none with None; ScriptNotFound."""

    async def active_script(self, owner: str) -> str | None:
        """The name of the owner's active script, if any."""

    async def rename_owner(self, old: str, new: str) -> None:
        """Every script of `old` becomes `new`'s, the active one still
        active (RENAME of a user); nothing to do when `old` has none;
        ScriptExists when `new` already has scripts."""
