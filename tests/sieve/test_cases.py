"""Run every case in tests/sieve/cases/: compile, evaluate, compare actions."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest

from roost.sieve import (
    DefaultHost,
    Envelope,
    SieveCompileError,
    SieveOptions,
    compile_script,
    evaluate,
)
from roost.sieve.actions import describe
from roost.sieve.spec import EXTENSIONS
from tests.sieve.casefile import Case, load_cases, message_bytes, pairs

CASES = load_cases()


def options_for(case: Case) -> SieveOptions:
    settings = dict(pairs(case.sections.get("options", "")))
    exts = settings.get("extensions")
    return SieveOptions(
        extensions=frozenset(exts.split()) if exts else frozenset(EXTENSIONS),
        strict=settings.get("strict", "yes") == "yes",
        utf8_fileinto=settings.get("utf8fileinto", "no") == "yes",
        vacation_min_seconds=int(settings.get("vacation_min", "86400")),
        max_redirects=int(settings.get("maxredirects", "4")),  # cases assume 4
    )


async def host_for(case: Case) -> DefaultHost:
    host = DefaultHost()
    for key, value in pairs(case.sections.get("host", "")):
        words = key.split()
        if key == "mailboxes":
            host.mailboxes = set(value.split())
        elif key == "now":
            host.clock = datetime.fromisoformat(value)
        elif words[0] == "env":
            host.env[words[1]] = value
        elif words[0] == "metadata":
            host.mailbox_metadata[(words[1], words[2])] = value
        elif words[0] == "server":
            host.server_entries[words[1]] = value
        elif words[0] == "specialuse":
            host.special_use[words[1]] = set(value.split())
        elif key == "spam":
            host.spam = value
        elif key == "spampercent":
            host.spam_percent = value
        elif key == "virus":
            host.virus = value
        elif key == "seen":
            host.seen[hashlib.sha256(f"\0{value}".encode()).hexdigest()] = await host.now()
    for section, text in case.sections.items():
        if section.startswith("include "):
            _, location, name = section.split()
            host.scripts[(location, name)] = text.encode()
    return host


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_case(case: Case) -> None:
    options = options_for(case)
    script = case.sections["script"]
    if "error" in case.sections:
        with pytest.raises(SieveCompileError) as info:
            compile_script(script, options)
        where, _, fragment = case.sections["error"].strip().partition(" ")
        found = [f"{e.pos.line}:{e.pos.col} {e.message}" for e in info.value.errors]
        assert any(f.startswith(where + " ") and fragment in f for f in found), found
        return
    program = compile_script(script, options)
    if "compiles" in case.sections:
        return
    env = dict(pairs(case.sections.get("envelope", "")))
    envelope = Envelope(env.get("from", "sender@example.org"), env.get("to", "me@example.com"),
                        env.get("auth", ""))
    outcome = await evaluate(program, message_bytes(case), envelope, await host_for(case), options)
    if "runtime-error" in case.sections:
        assert outcome.errors and case.sections["runtime-error"].strip() in outcome.errors[0], outcome.errors
    else:
        assert outcome.errors == []
    expected = [line.strip() for line in case.sections.get("expect", "").splitlines() if line.strip()]
    assert [describe(a) for a in outcome.actions] == expected
