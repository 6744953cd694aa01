"""Reader of the data-driven case files in tests/sieve/cases/.

A file holds cases; each starts with `=== title` and has sections:

    --- script                  the Sieve script (required)
    --- message [@NAME]         the message, or messages/NAME.eml (default @A)
    --- envelope                `from: ...`, `to: ...`, `auth: ...`
    --- host                    `mailboxes: A B`, `now: ISO`, `env NAME: value`,
                                `metadata MAILBOX ENTRY: value`, `server ENTRY: value`,
                                `spam: 5`, `spampercent: 50`, `virus: 1`, `specialuse MBOX: \\Junk`,
                                `seen: uniqueid` (a duplicate already recorded)
    --- include LOCATION NAME   a script for include
    --- options                 `extensions: a b`, `strict: no`, `utf8fileinto: yes`,
                                `maxredirects: 4`
    --- expect                  one action per line, as actions.describe() prints them
    --- error                   LINE:COL and a fragment of the compile error message
    --- runtime-error           a fragment of the run-time error
    --- compiles                (empty) the script must compile; nothing is run
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent


@dataclass
class Case:
    file: str
    title: str
    sections: dict[str, str] = field(default_factory=dict)
    args: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.file}: {self.title}"


def load_cases() -> list[Case]:
    cases: list[Case] = []
    for path in sorted((HERE / "cases").glob("*.cases")):
        current: Case | None = None
        section = ""
        for line in path.read_text("utf-8").split("\n"):
            if line.startswith("=== "):
                current = Case(path.stem, line[4:].strip())
                cases.append(current)
                section = ""
            elif line.startswith("--- ") and current is not None:
                words = line[4:].split(None, 1)
                section = words[0]
                if section == "include":
                    section = "include " + words[1].strip()
                current.sections[section] = ""
                if len(words) > 1:
                    current.args[section] = words[1].strip()
            elif current is not None and section:
                current.sections[section] += line + "\n"
    return cases


def message_bytes(case: Case) -> bytes:
    ref = case.args.get("message", "") if "message" in case.sections else "@A"
    if ref.startswith("@"):
        text = (HERE / "messages" / f"{ref[1:]}.eml").read_text("utf-8")
    else:
        text = case.sections["message"]
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def pairs(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.splitlines():
        if line.strip() and ":" in line:
            key, _, value = line.partition(":")
            out.append((key.strip(), value.strip()))
    return out
