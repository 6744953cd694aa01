"""`SievedirScripts`: the `ScriptStore` on files, in Cyrus's sievedir layout.

A Cyrus administrator finds scripts where Cyrus keeps them, and a Cyrus
sievedir copied in works (its `.bc` files are Cyrus bytecode, which
`roost.sieve.load_compiled` calls stale, so they are recompiled from the
`.script` beside them):

    <sievedir>/<h>/<user>/NAME.script        the source, as uploaded
    <sievedir>/<h>/<user>/NAME.bc            the compiled form
    <sievedir>/<h>/<user>/defaultbc          symlink to the active NAME.bc
    <sievedir>/domain/<h>/<domain>/<h>/<user>/...   with virtual domains
    <sievedir>/global/NAME.script            global scripts (include :global)

`<h>` is the first letter of the name, or `q` when that is not a
lowercase ASCII letter (Cyrus's `dir_hash_c` without `fulldirhash`). With
`unixhierarchysep` a `.` in a user id is `^` on disk, as Cyrus's
timsieved maps it.

Writes go to a temporary file, are fsynced and renamed into place (the
directory fsynced too), so a crash leaves the old script or the new one,
never half of one; activation is one symlink replaced by rename. The
source and the compiled form are two files: a crash between them leaves a
compiled form for the old source, which its digest exposes as stale. The
file work runs in a thread, never on the event loop, but for the readlink
that finds no active script (`active_script`).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from roost.config import Config
from roost.store.scripts import (
    InvalidScriptName,
    ScriptActive,
    ScriptExists,
    ScriptInfo,
    ScriptNotFound,
)

SOURCE = ".script"
COMPILED = ".bc"
ACTIVE_LINK = "defaultbc"
#: Longest name: NAME.script must fit the usual 255-byte file name limit.
MAX_NAME_BYTES = 255 - len(SOURCE)

T = TypeVar("T")


def dir_hash(name: str) -> str:
    """Cyrus's one-letter directory for a user or domain name."""
    first = name[:1].lower()
    return first if "a" <= first <= "z" else "q"


def check_name(name: str) -> None:
    """RFC 5804 §1.6 script names, plus what a file name can hold."""
    if not name or len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise InvalidScriptName("script name is empty or too long")
    for char in name:
        if unicodedata.category(char) == "Cc" or char in "\u2028\u2029":
            raise InvalidScriptName("script name has a control character")
    if "/" in name:
        raise InvalidScriptName("script name has '/'")


def _temporary(path: Path) -> Path:
    """A name beside `path` no other writer uses: workers differ by pid,
    concurrent writes of one worker (its threads) by the token."""
    return path.with_name(f".{path.name}.tmp{os.getpid()}-{secrets.token_hex(4)}")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_durably(path: Path, data: bytes, fsync: bool) -> None:
    """Replace `path` with `data`: whole or not at all, on disk when `fsync`."""
    tmp = _temporary(path)
    with open(tmp, "wb") as out:
        out.write(data)
        if fsync:
            out.flush()
            os.fsync(out.fileno())
    os.replace(tmp, path)
    if fsync:
        _fsync_dir(path.parent)


class SievedirScripts:
    """`ScriptStore` under one sievedir; see the module docstring."""

    def __init__(self, root: Path, *, unixhierarchysep: bool, fsync: bool = True) -> None:
        self.root = root
        self.unixhierarchysep = unixhierarchysep
        self.fsync = fsync

    @classmethod
    def from_config(cls, conf: Config) -> SievedirScripts:
        """`sievedir`, or `<configdirectory>/sieve` when it is not set."""
        root = Path(conf.sievedir or os.path.join(conf.configdirectory, "sieve"))
        return cls(root, unixhierarchysep=bool(conf.unixhierarchysep), fsync=bool(conf.fsync))

    def owner_dir(self, owner: str | None) -> Path:
        """Where an owner's scripts live (see the layout above)."""
        if owner is None:
            return self.root / "global"
        user, _, domain = owner.partition("@")
        if not user or "/" in owner or "\0" in owner or {user, domain} & {".", ".."}:
            raise InvalidScriptName(f"no script directory for owner {owner!r}")
        if self.unixhierarchysep:
            user = user.replace(".", "^")
        base = self.root / "domain" / dir_hash(domain) / domain if domain else self.root
        return base / dir_hash(user) / user

    async def _run(self, work: Callable[[], T]) -> T:
        return await asyncio.to_thread(work)

    def _paths(self, owner: str | None, name: str) -> tuple[Path, Path]:
        check_name(name)
        home = self.owner_dir(owner)
        return home / (name + SOURCE), home / (name + COMPILED)

    def _active_name(self, home: Path) -> str | None:
        try:
            target = os.readlink(home / ACTIVE_LINK)
        except (FileNotFoundError, OSError):
            return None
        base = os.path.basename(target)
        if not base.endswith(COMPILED):
            return None
        name = base[:-len(COMPILED)]
        return name if (home / (name + SOURCE)).exists() else None

    def _set_link(self, home: Path, name: str | None) -> None:
        link = home / ACTIVE_LINK
        if name is None:
            link.unlink(missing_ok=True)
        else:
            tmp = _temporary(link)
            os.symlink(name + COMPILED, tmp)
            os.replace(tmp, link)
        if self.fsync:
            _fsync_dir(home)

    def _owner_of(self, home: Path) -> str | None:
        """The owner whose directory `home` is, if it is one of `owner_dir`'s
        (and holds a script), else None."""
        parts = home.relative_to(self.root).parts
        if len(parts) == 2:
            user, domain = parts[1], ""
        elif len(parts) == 5 and parts[0] == "domain":
            user, domain = parts[4], parts[2]
        else:
            return None
        if self.unixhierarchysep:
            user = user.replace("^", ".")
        owner = f"{user}@{domain}" if domain else user
        has_script = any(p.name.endswith(SOURCE) for p in home.iterdir() if p.is_file())
        return owner if has_script and self.owner_dir(owner) == home else None

    async def owners(self) -> list[str | None]:
        def scan() -> list[str | None]:
            if not self.root.is_dir():
                return []
            homes = [*self.root.glob("*/*/"), *self.root.glob("domain/*/*/*/*/")]
            found = {owner for home in homes if home.is_dir()
                     if (owner := self._owner_of(home)) is not None}
            users: list[str | None] = [*sorted(found)]
            has_global = (self.root / "global").is_dir() and any(
                p.name.endswith(SOURCE) for p in (self.root / "global").iterdir())
            return users + ([None] if has_global else [])
        return await self._run(scan)

    async def list_scripts(self, owner: str | None) -> list[ScriptInfo]:
        home = self.owner_dir(owner)

        def scan() -> list[ScriptInfo]:
            if not home.is_dir():
                return []
            active = self._active_name(home)
            found = []
            for entry in os.scandir(home):
                if entry.name.endswith(SOURCE) and entry.is_file():  # not our .tmp files
                    name = entry.name[:-len(SOURCE)]
                    found.append(ScriptInfo(name, entry.stat().st_size, name == active))
            return sorted(found, key=lambda info: info.name)
        return await self._run(scan)

    async def get_script(self, owner: str | None, name: str) -> bytes:
        source, _ = self._paths(owner, name)

        def read() -> bytes:
            try:
                return source.read_bytes()
            except FileNotFoundError:
                raise ScriptNotFound(name) from None
        return await self._run(read)

    async def put_script(self, owner: str | None, name: str, source: bytes,
                         compiled: bytes) -> None:
        source_path, compiled_path = self._paths(owner, name)

        def write() -> None:
            source_path.parent.mkdir(parents=True, exist_ok=True)
            _write_durably(source_path, source, self.fsync)
            _write_durably(compiled_path, compiled, self.fsync)
        await self._run(write)

    async def get_compiled(self, owner: str | None, name: str) -> bytes | None:
        source, compiled = self._paths(owner, name)

        def read() -> bytes | None:
            if not source.exists():
                raise ScriptNotFound(name)
            try:
                return compiled.read_bytes()
            except FileNotFoundError:
                return None
        return await self._run(read)

    async def save_compiled(self, owner: str | None, name: str, compiled: bytes) -> None:
        source, compiled_path = self._paths(owner, name)

        def write() -> None:
            if not source.exists():
                raise ScriptNotFound(name)
            _write_durably(compiled_path, compiled, self.fsync)
        await self._run(write)

    async def delete_script(self, owner: str | None, name: str) -> None:
        source, compiled = self._paths(owner, name)

        def delete() -> None:
            if not source.exists():
                raise ScriptNotFound(name)
            if self._active_name(source.parent) == name:
                raise ScriptActive(name)
            source.unlink()
            compiled.unlink(missing_ok=True)
            if self.fsync:
                _fsync_dir(source.parent)
        await self._run(delete)

    async def rename_script(self, owner: str | None, old: str, new: str) -> None:
        old_source, old_compiled = self._paths(owner, old)
        new_source, new_compiled = self._paths(owner, new)

        def rename() -> None:
            if not old_source.exists():
                raise ScriptNotFound(old)
            if new_source.exists():
                raise ScriptExists(new)
            home = old_source.parent
            was_active = self._active_name(home) == old
            if old_compiled.exists():
                os.replace(old_compiled, new_compiled)
            os.replace(old_source, new_source)
            if was_active:
                self._set_link(home, new)
            elif self.fsync:
                _fsync_dir(home)
        await self._run(rename)

    async def set_active(self, owner: str, name: str | None) -> None:
        home = self.owner_dir(owner)
        if name is not None:
            check_name(name)

        def activate() -> None:
            if name is not None and not (home / (name + SOURCE)).exists():
                raise ScriptNotFound(name)
            if name is not None or home.is_dir():
                self._set_link(home, name)
        await self._run(activate)

    async def active_script(self, owner: str) -> str | None:
        """Asked for every recipient at delivery, and most have no script:
        that answer is one readlink on the loop (a directory entry the
        kernel caches, microseconds), not a thread hop costing ten times
        more; the file system stays the one truth, so an activation by
        any process counts at the next delivery. Only a link found is
        checked further, in the thread."""
        home = self.owner_dir(owner)
        try:
            os.readlink(home / ACTIVE_LINK)
        except OSError:
            return None
        return await self._run(lambda: self._active_name(home))

    async def rename_owner(self, old: str, new: str) -> None:
        """One rename of the owner's directory: the scripts, their compiled
        forms and the relative `defaultbc` link move together or not at all."""
        source, target = self.owner_dir(old), self.owner_dir(new)

        def move() -> None:
            if not source.is_dir():
                return
            if target.is_dir() and any(target.iterdir()):
                raise ScriptExists(f"{new} already has Sieve scripts")
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():
                target.rmdir()  # empty: rename(2) needs it gone or empty
            os.rename(source, target)
            if self.fsync:
                _fsync_dir(source.parent)
                _fsync_dir(target.parent)
        await self._run(move)
