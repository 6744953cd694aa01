"""HAVESPACE, PUTSCRIPT, CHECKSCRIPT, LISTSCRIPTS, SETACTIVE, GETSCRIPT,
DELETESCRIPT, RENAMESCRIPT (RFC 5804 §2.5-2.12), over `ctx.scripts`.

A script is checked by the compiler that delivery runs it with
(`roost.sieve.compile_script` under SieveOptions.from_config, so
sieve_extensions decides what `require` may name) and stored as its
source with the compiled form beside it (`dump_compiled`), so delivery
need not compile it again. Compiling runs in a thread: a script of
sieve_maxscriptsize costs milliseconds the event loop should not wait.
"""

from __future__ import annotations

import asyncio

from roost.managesieve import commands as c
from roost.managesieve.errors import No
from roost.managesieve.responses import Done, literal, string
from roost.managesieve.session import Session
from roost.sieve import SieveCompileError, SieveOptions, compile_script, dump_compiled

_MAXSIZE = b"QUOTA/MAXSIZE"
_MAXSCRIPTS = b"QUOTA/MAXSCRIPTS"


def _too_big(s: Session, size: int) -> No | None:
    limit = s.options.max_script_size
    if size > limit:
        return No(_MAXSIZE, f"Script is {size} bytes; the limit is {limit}")
    return None


async def _over_count(s: Session, name: str) -> No | None:
    """RFC 5804 §1.5: a new name past sieve_maxscripts (Cyrus counts the
    scripts other than the one being replaced)."""
    existing = await s.scripts.list_scripts(s.owner)
    others = sum(1 for info in existing if info.name != name)
    if others + 1 > s.conf.sieve_maxscripts:
        return No(_MAXSCRIPTS, f"You may keep at most {s.conf.sieve_maxscripts} scripts")
    return None


def _compile(source: bytes, options: SieveOptions) -> bytes:
    """The stored compiled form; No with every error's line and column
    (RFC 5804 §2.6: the first error's line number, several errors
    separated by CRLF)."""
    if not source:
        raise No(None, "line 1, column 1: a script may not be empty")  # §2.6 SHOULD
    try:
        program = compile_script(source, options)
    except SieveCompileError as err:
        raise No(None, "\r\n".join(str(e) for e in err.errors)) from None
    return dump_compiled(program, source, options)


async def havespace(s: Session, cmd: c.HaveSpace) -> Done:
    """RFC 5804 §2.5: would PUTSCRIPT of this name and size fit?"""
    refusal = _too_big(s, cmd.size) or await _over_count(s, cmd.name)
    if refusal is not None:
        raise refusal
    return Done()


async def putscript(s: Session, cmd: c.PutScript) -> Done:
    """RFC 5804 §2.6: checked as delivery compiles it; nothing is stored
    (and an old script of that name stays) unless it is valid."""
    refusal = _too_big(s, len(cmd.content)) or await _over_count(s, cmd.name)
    if refusal is not None:
        raise refusal
    compiled = await asyncio.to_thread(_compile, cmd.content, s.options)
    await s.scripts.put_script(s.owner, cmd.name, cmd.content, compiled)
    return Done()


async def checkscript(s: Session, cmd: c.CheckScript) -> Done:
    """RFC 5804 §2.12: PUTSCRIPT's check, storing nothing, quota unchecked."""
    await asyncio.to_thread(_compile, cmd.content, s.options)
    return Done()


async def listscripts(s: Session, cmd: c.ListScripts) -> Done:
    """RFC 5804 §2.7: one line per script, ACTIVE after the active one."""
    for info in await s.scripts.list_scripts(s.owner):
        s.out.append(string(info.name) + (b" ACTIVE" if info.active else b"") + b"\r\n")
    return Done()


async def setactive(s: Session, cmd: c.SetActive) -> Done:
    """RFC 5804 §2.8: "" deactivates, and is OK with nothing active."""
    owner = s.owner
    if owner is None:
        # RFC 6609 §3.2 / the ScriptStore: global scripts are included, never run.
        raise No(None, "Global scripts cannot be active; log in as the user")
    await s.scripts.set_active(owner, cmd.name or None)
    return Done()


async def getscript(s: Session, cmd: c.GetScript) -> Done:
    """RFC 5804 §2.9: the source as a literal, as it was uploaded."""
    s.out.append(literal(await s.scripts.get_script(s.owner, cmd.name)) + b"\r\n")
    return Done()


async def deletescript(s: Session, cmd: c.DeleteScript) -> Done:
    """RFC 5804 §2.10: never the active script (ScriptActive -> ACTIVE)."""
    await s.scripts.delete_script(s.owner, cmd.name)
    return Done()


async def renamescript(s: Session, cmd: c.RenameScript) -> Done:
    """RFC 5804 §2.11: the active script stays active under its new name."""
    await s.scripts.rename_script(s.owner, cmd.old, cmd.new)
    return Done()
