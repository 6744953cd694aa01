"""Reading cyrus.conf: the START, SERVICES, EVENTS and DAEMON sections.

Syntax as Cyrus has it (cyrus.conf(5)): `SECTION { ... }`, one entry a line,
`name key=value key="quoted value" ...`, `#` comments. Errors name the file
and line, like imapd.conf errors.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from roost.config.imapd import ConfigError, read_config_file

SECTIONS = ("START", "SERVICES", "EVENTS", "DAEMON")
_OPEN = re.compile(r"^([A-Za-z]+)\s*\{\s*(#.*)?$")


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a section: `imap cmd="imapd" listen="127.0.0.1:1143" prefork=1`."""

    section: str
    name: str
    args: dict[str, str]
    line: int
    path: str

    @property
    def cmd(self) -> list[str]:
        """The `cmd=` value split into words (program first)."""
        return shlex.split(self.args.get("cmd", ""))

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class CyrusConf:
    """The entries of each section, in file order."""

    sections: dict[str, list[Entry]] = field(default_factory=lambda: {s: [] for s in SECTIONS})

    @property
    def services(self) -> list[Entry]:
        return self.sections["SERVICES"]

    @property
    def start(self) -> list[Entry]:
        return self.sections["START"]

    @property
    def events(self) -> list[Entry]:
        return self.sections["EVENTS"]


def _parse_entry(text: str, section: str, lineno: int, where: str) -> Entry:
    try:
        words = shlex.split(text, comments=True, posix=True)
    except ValueError as err:
        raise ConfigError(f"{where}:{lineno}: {err}") from None
    if not words:
        raise ConfigError(f"{where}:{lineno}: empty entry")
    name, args = words[0], {}
    for word in words[1:]:
        key, eq, value = word.partition("=")
        if not eq or not key:
            raise ConfigError(f"{where}:{lineno}: expected key=value, got {word!r}")
        args[key.lower()] = value
    return Entry(section, name, args, lineno, where)


def parse_cyrus_conf(text: str, path: Path | None = None) -> CyrusConf:
    """Parse cyrus.conf text; errors name the file and line."""
    where = str(path) if path else "<cyrus.conf>"
    conf = CyrusConf()
    section: str | None = None
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if section is None:
            match = _OPEN.match(line)
            if not match or match.group(1).upper() not in SECTIONS:
                raise ConfigError(f"{where}:{lineno}: expected one of {', '.join(SECTIONS)} {{")
            section = match.group(1).upper()
            continue
        if line.split("#", 1)[0].strip() == "}":
            section = None
            continue
        conf.sections[section].append(_parse_entry(line, section, lineno, where))
    if section is not None:
        raise ConfigError(f"{where}: section {section} is not closed with }}")
    return conf


def load_cyrus_conf(path: str | Path) -> CyrusConf:
    return parse_cyrus_conf(read_config_file(Path(path)), Path(path))
