"""The stored compiled form (Cyrus's .bc, done so that staleness is detected).

Layout: MAGIC, then a header struct (format version, marshal version,
SHA-256 of the source, options fingerprint), then a marshal dump of the
program tree. `load_compiled` raises StaleCompiled for anything that does
not match the running code, the source or the options, so the caller
recompiles instead of misreading; `compile_cached` does exactly that.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import struct
from pathlib import Path

from roost.sieve.compiler import compile_script
from roost.sieve.errors import StaleCompiled
from roost.sieve.options import SieveOptions
from roost.sieve.program import Node, Program

MAGIC = b"RoostSieve\0"
FORMAT_VERSION = 2  # bump whenever Node, spec arguments or their meaning change (2: CRLF in strings)
HEADER = struct.Struct(">HH32s16s")


def source_digest(source: bytes | str) -> bytes:
    return hashlib.sha256(source.encode("utf-8") if isinstance(source, str) else source).digest()


def dump_compiled(program: Program, source: bytes | str, options: SieveOptions) -> bytes:
    header = HEADER.pack(FORMAT_VERSION, marshal.version, source_digest(source), options.fingerprint())
    body = (sorted(program.requires), [n.to_tuple() for n in program.commands])
    return MAGIC + header + marshal.dumps(body)


def load_compiled(data: bytes, source: bytes | str | None = None,
                  options: SieveOptions | None = None) -> Program:
    """The Program in `data`; StaleCompiled unless it is current for this source and options."""
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + HEADER.size:
        raise StaleCompiled("not a Roost compiled Sieve script")
    version, marshal_version, digest, fingerprint = HEADER.unpack_from(data, len(MAGIC))
    if version != FORMAT_VERSION or marshal_version != marshal.version:
        raise StaleCompiled(f"compiled by format {version}, this Roost reads {FORMAT_VERSION}")
    if source is not None and digest != source_digest(source):
        raise StaleCompiled("the script changed since it was compiled")
    if options is not None and fingerprint != options.fingerprint():
        raise StaleCompiled("the Sieve options changed since it was compiled")
    try:
        requires, tree = marshal.loads(data[len(MAGIC) + HEADER.size:])
        return Program([Node.from_tuple(t) for t in tree], frozenset(requires))
    except (EOFError, ValueError, TypeError) as err:
        raise StaleCompiled(f"damaged compiled script: {err}") from None


def compile_cached(script: Path, compiled: Path, options: SieveOptions) -> Program:
    """The script's Program, from `compiled` when current, else compiled and stored again."""
    source = script.read_bytes()
    try:
        return load_compiled(compiled.read_bytes(), source, options)
    except (OSError, StaleCompiled):
        pass
    program = compile_script(source, options)
    temp = compiled.with_name(compiled.name + ".NEW")
    temp.write_bytes(dump_compiled(program, source, options))
    os.replace(temp, compiled)
    return program
