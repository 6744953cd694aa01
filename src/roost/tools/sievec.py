"""`roost sievec`: check a Sieve script and write its compiled form.

Exit status 0 when the script compiles; otherwise every error, as
SCRIPT:LINE:COLUMN: message, on stderr and status 1 (2 for usage errors).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from roost.config import ConfigError, load_config, parse_config
from roost.sieve import Program, SieveCompileError, SieveOptions, compile_script, dump_compiled

NAME = "sievec"
SUMMARY = "check a Sieve script and compile it (errors with line and column)"


def options_from(config: str | None) -> SieveOptions:
    return SieveOptions.from_config(load_config(config) if config else parse_config(""))


def compile_reporting(script_name: str, source: bytes, options: SieveOptions) -> Program | None:
    """The compiled script, or None after printing each error as `file:line:col: text`."""
    try:
        return compile_script(source, options)
    except SieveCompileError as err:
        for error in err.errors:
            print(f"{script_name}:{error.pos.line}:{error.pos.col}: {error.message}",
                  file=sys.stderr)
        return None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="roost sievec", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-C", dest="config", help="imapd.conf to read")
    parser.add_argument("script", help="the Sieve script")
    parser.add_argument("output", nargs="?", help="where to write the compiled script")
    args = parser.parse_args(argv)
    try:
        options = options_from(args.config)
        source = Path(args.script).read_bytes()
    except (ConfigError, OSError) as err:
        print(f"roost sievec: {err}", file=sys.stderr)
        return 2
    program = compile_reporting(args.script, source, options)
    if program is None:
        return 1
    if args.output:
        temp = Path(args.output + ".NEW")
        try:
            temp.write_bytes(dump_compiled(program, source, options))
            os.replace(temp, args.output)
        except OSError as err:
            print(f"roost sievec: {err}", file=sys.stderr)
            return 2
    return 0
