"""Source -> Program: the one entry point for checking a script."""

from __future__ import annotations

from roost.sieve.errors import Position, SieveCompileError, SieveError
from roost.sieve.options import SieveOptions
from roost.sieve.parse import parse
from roost.sieve.program import Program
from roost.sieve.validate import validate


def compile_script(source: bytes | str, options: SieveOptions | None = None) -> Program:
    """Parse and validate; SieveCompileError lists every problem with its position."""
    opts = options or SieveOptions()
    size = len(source.encode("utf-8") if isinstance(source, str) else source)
    if size > opts.max_script_size:
        raise SieveCompileError([SieveError(
            Position(1, 1), f"script is {size} bytes, more than the {opts.max_script_size} allowed")])
    try:
        tree = parse(source, opts.strict)
    except SieveError as err:
        raise SieveCompileError([err]) from None
    return validate(tree, opts)
