"""The stored compiled form: round trip, and staleness detected rather than misread."""

from __future__ import annotations

import asyncio
import marshal
from pathlib import Path

import pytest

from roost.sieve import (
    DefaultHost,
    Envelope,
    SieveOptions,
    StaleCompiled,
    compile_cached,
    compile_script,
    dump_compiled,
    evaluate,
    load_compiled,
)
from roost.sieve.compiled import HEADER, MAGIC
from tests.sieve.casefile import load_cases

SCRIPT = """require ["fileinto", "variables", "imap4flags"];
if header :matches "Subject" "*present*" { addflag "\\\\Flagged"; fileinto "gifts-${1}"; }
"""
MESSAGE = b"Subject: a present for you\r\n\r\nx\r\n"


def run(program: object) -> list[object]:
    outcome = asyncio.run(evaluate(program, MESSAGE, Envelope(), DefaultHost()))  # type: ignore[arg-type]
    return list(outcome.actions)


def test_round_trip_behaves_the_same() -> None:
    options = SieveOptions()
    program = compile_script(SCRIPT, options)
    loaded = load_compiled(dump_compiled(program, SCRIPT, options), SCRIPT, options)
    assert run(loaded) == run(program)
    assert loaded.requires == program.requires


def test_other_format_version_is_stale() -> None:
    options = SieveOptions()
    data = bytearray(dump_compiled(compile_script(SCRIPT), SCRIPT, options))
    data[len(MAGIC)] ^= 0xFF
    with pytest.raises(StaleCompiled, match="format"):
        load_compiled(bytes(data))


def test_other_marshal_version_is_stale() -> None:
    data = bytearray(dump_compiled(compile_script(SCRIPT), SCRIPT, SieveOptions()))
    data[len(MAGIC) + 2: len(MAGIC) + 4] = (marshal.version + 1).to_bytes(2, "big")
    with pytest.raises(StaleCompiled):
        load_compiled(bytes(data))


def test_changed_source_is_stale() -> None:
    data = dump_compiled(compile_script(SCRIPT), SCRIPT, SieveOptions())
    with pytest.raises(StaleCompiled, match="changed"):
        load_compiled(data, SCRIPT + "\n", SieveOptions())


def test_changed_options_are_stale() -> None:
    data = dump_compiled(compile_script(SCRIPT), SCRIPT, SieveOptions())
    narrow = SieveOptions(extensions=frozenset({"fileinto"}))
    with pytest.raises(StaleCompiled, match="options"):
        load_compiled(data, SCRIPT, narrow)


@pytest.mark.parametrize("data", [b"", b"garbage", MAGIC, MAGIC + b"\0" * HEADER.size + b"\xff\xfe"])
def test_damaged_data_is_stale(data: bytes) -> None:
    with pytest.raises(StaleCompiled):
        load_compiled(data)


def test_compile_cached_writes_then_reuses_then_rebuilds(tmp_path: Path) -> None:
    script, compiled = tmp_path / "s.sieve", tmp_path / "s.bc"
    script.write_text(SCRIPT)
    options = SieveOptions()
    compile_cached(script, compiled, options)
    first = compiled.read_bytes()
    assert first.startswith(MAGIC)
    assert run(compile_cached(script, compiled, options)) == run(compile_script(SCRIPT))
    assert compiled.read_bytes() == first
    script.write_text(SCRIPT.replace("gifts", "presents"))
    assert "presents" in str(run(compile_cached(script, compiled, options)))
    assert compiled.read_bytes() != first


def compiling_case_scripts() -> list[str]:
    return [c.sections["script"] for c in load_cases() if not {"error", "options"} & set(c.sections)]


@pytest.mark.parametrize("source", compiling_case_scripts())
def test_every_case_script_survives_the_stored_form(source: str) -> None:
    options = SieveOptions()
    program = compile_script(source, options)
    loaded = load_compiled(dump_compiled(program, source, options), source, options)
    assert [n.to_tuple() for n in loaded.commands] == [n.to_tuple() for n in program.commands]
