"""A recipient's active Sieve script, as delivery runs it.

The script store keeps each script's source and its compiled form
(`roost.store.scripts`). Delivery reads both, uses the compiled form when
`load_compiled` finds it current for that source and these options, and
otherwise (missing, stale: another Roost version, changed options, a
script copied in from Cyrus) compiles the source and saves the fresh
form back, so the next delivery loads it directly.

A script that no longer compiles (the options changed under it) is
reported as `Unusable`: delivery keeps the message and logs why.

With `sieveusehomedir` (Cyrus's) the script is instead `~user/.sieve` in
the home directory of the local part's system account, read as source
(Cyrus reads bytecode there) and compiled in memory; the script store
still serves `include`.

Each worker keeps the last compiled Program of its recent owners (`CACHED`
of them): loading a stored 200-rule script costs about 3 ms, a fifth of a
delivery. Every delivery still reads the active name and the source from
the store and uses the cached Program only when both are the same, so a
script changed or activated by ManageSieve (in any process) is run at once.
"""

from __future__ import annotations

import asyncio
import logging
import pwd
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from roost.config import Config
from roost.delivery.outgoing import Outgoing
from roost.master.shutdown import Shutdown
from roost.sieve import (
    Program,
    SieveCompileError,
    SieveOptions,
    StaleCompiled,
    compile_script,
    dump_compiled,
    load_compiled,
)
from roost.store.scripts import ScriptNotFound, ScriptStore

log = logging.getLogger(__name__)
CACHED = 1000  # owners whose compiled script a worker keeps
HOME_SCRIPT = "~/.sieve"


def home_dir(user: str) -> Path:
    """The home directory of system account `user`; KeyError if there is none."""
    return Path(pwd.getpwnam(user).pw_dir)


def home_script(owner: str) -> bytes | None:
    """Worker thread: `~user/.sieve` of the owner's local part, if there is one."""
    try:
        return (home_dir(owner.partition("@")[0]) / ".sieve").read_bytes()
    except (KeyError, OSError):
        return None


@dataclass(frozen=True, slots=True)
class Unusable:
    """The active script cannot run: why (its compile errors)."""

    name: str
    why: str


@dataclass
class SieveDelivery:
    """What delivery needs to run users' scripts: where they are, the
    options that compile them, and the way out for the mail they send."""

    scripts: ScriptStore
    options: SieveOptions
    outgoing: Outgoing
    usehomedir: bool = False
    _cache: OrderedDict[str, tuple[str, bytes, Program]] = field(default_factory=OrderedDict)

    @classmethod
    def from_config(cls, conf: Config, scripts: ScriptStore,
                    shutdown: Shutdown | None = None) -> SieveDelivery:
        """`shutdown`: the worker's, so it waits for queued mail before it exits."""
        return cls(scripts, SieveOptions.from_config(conf), Outgoing(conf, shutdown),
                   bool(conf.sieveusehomedir))

    async def active_program(self, owner: str) -> Program | Unusable | None:
        """The owner's active script compiled; None when they have none."""
        if self.usehomedir:
            source = await asyncio.to_thread(home_script, owner)
            return None if source is None else await self._program(owner, HOME_SCRIPT, source)
        name = await self.scripts.active_script(owner)
        if name is None:
            return None
        try:
            return await self._program(owner, name, await self.scripts.get_script(owner, name))
        except ScriptNotFound:  # deactivated or deleted since we asked
            return None

    async def _program(self, owner: str, name: str, source: bytes) -> Program | Unusable:
        """From the cache when it holds this name and source, else loaded and kept."""
        cached = self._cache.get(owner)
        if cached is not None and cached[:2] == (name, source):
            self._cache.move_to_end(owner)
            return cached[2]
        compiled = None if name == HOME_SCRIPT else await self.scripts.get_compiled(owner, name)
        program = await self._load(owner, name, source, compiled)
        if isinstance(program, Program):
            self._cache[owner] = (name, source, program)
            if len(self._cache) > CACHED:
                self._cache.popitem(last=False)
        return program

    async def _load(self, owner: str, name: str, source: bytes,
                    compiled: bytes | None) -> Program | Unusable:
        """The stored compiled form when current, else a fresh compile saved back."""
        if compiled is not None:
            try:
                return load_compiled(compiled, source, self.options)
            except StaleCompiled as stale:
                log.info("sieve: recompiling %s's script %r: %s", owner, name, stale)
        try:
            program = compile_script(source, self.options)
        except SieveCompileError as err:
            return Unusable(name, "; ".join(str(e) for e in err.errors))
        if name == HOME_SCRIPT:
            return program
        try:
            await self.scripts.save_compiled(owner, name, dump_compiled(program, source,
                                                                        self.options))
        except ScriptNotFound:
            pass  # deleted meanwhile: this delivery still runs what was active
        return program
