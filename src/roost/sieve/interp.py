"""Running a Program against a message: control flow, include, the result.

Invariants: a run never raises for anything the script or the message
does — errors become `Outcome.errors` with the implicit keep alone
(RFC 5228 §2.10.6); duplicate-tracking records are written only after a
successful run (RFC 7352 §3.1).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from roost.sieve.actions import Keep, Outcome
from roost.sieve.compiler import compile_script
from roost.sieve.errors import SieveCompileError, SieveError, SieveRuntimeError
from roost.sieve.host import Envelope, Host
from roost.sieve.message import MessageView
from roost.sieve.options import SieveOptions
from roost.sieve.program import Node, Program
from roost.sieve.runtime import Context

log = logging.getLogger(__name__)
MAX_INCLUDE_DEPTH = 16  # RFC 6609 §3.2 lets the server bound nesting


class StopScript(Exception):
    """`stop` (RFC 5228 §3.3): end the whole run."""


class ReturnScript(Exception):
    """`return` (RFC 6609 §3.4): end the current script, back to its includer."""


class BreakLoop(Exception):
    """`break` (RFC 5703 §3): leave the named (or innermost) foreverypart."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


TestFunc = Callable[[Context, Node], Awaitable[bool]]
ActionFunc = Callable[[Context, Node], None]
TESTS: dict[str, TestFunc] = {}
"""Tests are coroutines: any of them may ask the host (STYLE.md "Seams")."""
ACTIONS: dict[str, ActionFunc] = {}
"""Actions only record what to do; the one that asks the host (include) is
control flow in `run_block`."""


async def test(ctx: Context, node: Node) -> bool:
    ctx.step(node)
    return await TESTS[node.name](ctx, node)


async def run_block(ctx: Context, nodes: list[Node]) -> None:
    taken = False
    for node in nodes:
        name = node.name
        if name == "if":
            taken = await test(ctx, node.tests[0])
            if taken:
                await run_block(ctx, node.block or [])
            continue
        if name == "elsif":
            if not taken:
                taken = await test(ctx, node.tests[0])
                if taken:
                    await run_block(ctx, node.block or [])
            continue
        if name == "else":
            if not taken:
                await run_block(ctx, node.block or [])
            continue
        ctx.step(node)
        if name == "stop":
            raise StopScript()
        if name == "return":
            raise ReturnScript()
        if name == "foreverypart":
            await for_every_part(ctx, node)
            continue
        if name == "include":
            await include(ctx, node)
            continue
        if name == "break":
            raise BreakLoop(str(node.tags.get(":name", "")))
        ACTIONS[name](ctx, node)


async def for_every_part(ctx: Context, node: Node) -> None:
    """RFC 5703 §3: run the block once for each MIME part below the current one."""
    name = str(node.tags.get(":name", ""))
    top = ctx.current_part()
    for part in list(top.walk())[1:]:
        ctx.parts.append(part)
        try:
            await run_block(ctx, node.block or [])
        except BreakLoop as brk:
            if brk.name and brk.name != name:
                raise
            return
        finally:
            ctx.parts.pop()


async def include(ctx: Context, node: Node) -> None:
    """RFC 6609 §3.2: run another script in the same action context."""
    location = "global" if ":global" in node.tags else "personal"
    name = str(node.args[0])  # RFC 6609 §3.2: never variable-expanded
    key = (location, name)
    if ":once" in node.tags and key in ctx.included_once:
        return
    if key in ctx.includes:
        raise ctx.fail(f"include loop: {location} script {name!r} includes itself")
    if len(ctx.includes) >= MAX_INCLUDE_DEPTH:
        raise ctx.fail("includes nested too deeply")
    source = await ctx.host.script(name, location)
    if source is None:
        if ":optional" in node.tags:
            return
        raise ctx.fail(f"included {location} script {name!r} does not exist")
    try:
        program = compile_script(source, ctx.options)
    except SieveCompileError as err:
        raise ctx.fail(f"included script {name!r} does not compile: {err.errors[0]}") from None
    except SieveError as err:
        raise ctx.fail(f"included script {name!r} does not compile: {err}") from None
    ctx.included_once.add(key)
    saved = (ctx.program, ctx.variables, ctx.match, ctx.global_names, ctx.node)
    ctx.program, ctx.variables, ctx.match, ctx.global_names = program, {}, [], set()
    ctx.includes.append(key)
    try:
        await run_block(ctx, program.commands)
    except ReturnScript:
        pass
    finally:
        ctx.includes.pop()
        ctx.program, ctx.variables, ctx.match, ctx.global_names, ctx.node = saved


async def evaluate(program: Program, message: bytes, envelope: Envelope, host: Host,
                   options: SieveOptions | None = None) -> Outcome:
    """Run `program` on raw RFC 5322 `message`; the actions to take, never an exception
    for script or message faults.

    Every question to the host is awaited, so a host over the store answers
    without blocking its event loop. The clock is read once: every
    currentdate test of a run sees the same instant (RFC 5260 §5).
    """
    ctx = Context(program, MessageView(message), envelope, host, options or SieveOptions(),
                  await host.now())
    try:
        await run_block(ctx, program.commands)
    except (StopScript, ReturnScript):
        pass
    except SieveRuntimeError as err:
        return Outcome([Keep(implicit=True)], [str(err)])
    except RecursionError:
        return Outcome([Keep(implicit=True)], ["the script nests too deeply to run"])
    except Exception as err:  # a bug here must not lose mail: keep it and say so, once
        log.exception("sieve: internal error running a script")
        return Outcome([Keep(implicit=True)], [f"internal error: {err!r}"])
    for tracking_id, seconds, hit, last in ctx.duplicates:
        if not hit or last:
            await host.record_duplicate(tracking_id, seconds)
    return Outcome(ctx.actions.finish(tuple(ctx.flags), ctx.edited()))

