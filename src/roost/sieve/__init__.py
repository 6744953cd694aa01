"""Sieve (RFC 5228 and extensions): compile a script, run it on a message.

Public API:
    compile_script(source, options) -> Program          (SieveCompileError)
    await evaluate(program, message_bytes, envelope, host, options) -> Outcome
    dump_compiled / load_compiled / compile_cached       (the stored form)
    Host (Protocol), DefaultHost, Envelope, SieveOptions.from_config(conf)

Invariants:
- The package needs nothing from the store; the world is reached only
  through `Host`, whose every question is awaited (never blocking the
  caller's event loop), the message only as raw RFC 5322 bytes.
- Every compile error has a line and column; compiling never raises
  anything but SieveCompileError for bad input.
- `evaluate` never raises for a script or message fault: run-time errors
  yield the implicit keep plus the error (RFC 5228 §2.10.6).
- What a script may require is decided by SieveOptions (sieve_extensions),
  both at compile time and for `ihave` at run time.
- A stored compiled script carries its format version, marshal version,
  source digest and options fingerprint; any mismatch means recompile.
"""

from roost.sieve import actions_core, dates, mime, tests_core, vacation  # noqa: F401  (register)
from roost.sieve.actions import (
                                 Action,
                                 Discard,
                                 Fcc,
                                 FileInto,
                                 Keep,
                                 Notify,
                                 Outcome,
                                 Redirect,
                                 Reject,
                                 Vacation,
)
from roost.sieve.compiled import compile_cached, dump_compiled, load_compiled
from roost.sieve.compiler import compile_script
from roost.sieve.errors import (
                                 Position,
                                 SieveCompileError,
                                 SieveError,
                                 SieveRuntimeError,
                                 SieveSyntaxError,
                                 StaleCompiled,
)
from roost.sieve.host import DefaultHost, Envelope, Host
from roost.sieve.interp import evaluate
from roost.sieve.options import SieveOptions
from roost.sieve.program import Program

__all__ = [
    "Action", "DefaultHost", "Discard", "Envelope", "Fcc", "FileInto", "Host", "Keep", "Notify",
    "Outcome", "Position", "Program", "Redirect", "Reject", "SieveCompileError", "SieveError",
    "SieveOptions", "SieveRuntimeError", "SieveSyntaxError", "StaleCompiled", "Vacation",
    "compile_cached", "compile_script", "dump_compiled", "evaluate", "load_compiled",
]
