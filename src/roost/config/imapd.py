"""Reading imapd.conf: `key: value` lines, `#` comments, Cyrus booleans.

A value that does not fit its option's type is a `ConfigError` naming the
file and line; an option Roost does not know is a warning (Cyrus sites keep
options for features or tools Roost may not have), except `sasl_*`, which
Cyrus passes through to the SASL library unchecked.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roost.config.options import OPTIONS, Option, option_table

log = logging.getLogger(__name__)

TRUE_WORDS = frozenset({"1", "yes", "on", "true", "t", "y"})
FALSE_WORDS = frozenset({"0", "no", "off", "false", "f", "n", "nil"})
DEFAULT_CONFIG = "/etc/imapd.conf"

_LINE = re.compile(r"^([A-Za-z0-9_\-.]+)\s*:\s*(.*?)\s*$")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names file and line."""


@dataclass
class Config:
    """Option values, read as attributes: `conf.maxmessagesize`.

    `partitions` maps partition names to paths (from `partition-NAME`).
    `path` is the file read (None for a config built in code).
    """

    values: dict[str, Any] = field(default_factory=dict)
    partitions: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        table = option_table()
        if name in table:
            return table[name].default
        raise AttributeError(name)

    def get(self, name: str, default: Any = None) -> Any:
        """An option by its imapd.conf name (hyphens allowed), or `default`."""
        if name in self.values:
            return self.values[name]
        if name in self.extra:
            return self.extra[name]
        opt = option_table().get(name)
        return opt.default if opt is not None else default

    @property
    def hierarchy_sep(self) -> str:
        """The separator clients see: `/` with unixhierarchysep, else `.`."""
        return "/" if self.unixhierarchysep else "."

    def is_admin(self, user: str) -> bool:
        return user in self.admins

    def sasl_mechanisms(self) -> list[str]:
        mechs = [m.upper() for m in self.sasl_mech_list]
        return mechs or ["PLAIN", "LOGIN", "SCRAM-SHA-1", "SCRAM-SHA-256"]


def convert(opt: Option, raw: str) -> Any:
    """Turn the text of a value into the option's type; ValueError if it does not fit."""
    if opt.type == "bool":
        word = raw.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(f"{opt.name} takes a boolean (yes/no, on/off, 1/0), not {raw!r}")
    if opt.type in ("int", "size"):
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{opt.name} takes a whole number, not {raw!r}") from None
    if opt.type == "list":
        return raw.replace(",", " ").split()
    if opt.type == "enum":
        word = raw.lower()
        if word in ("yes", "true", "1") and "on" in opt.choices:
            word = "on"
        if word in ("no", "false", "0") and "off" in opt.choices:
            word = "off"
        if word not in opt.choices:
            raise ValueError(f"{opt.name} takes one of {', '.join(opt.choices)}, not {raw!r}")
        return word
    return raw


def parse_config(text: str, path: Path | None = None) -> Config:
    """Parse imapd.conf text; errors name `path` (or `<config>`) and the line."""
    where = str(path) if path else "<config>"
    table = option_table()
    conf = Config(path=path)
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(stripped)
        if not match:
            raise ConfigError(f"{where}:{lineno}: expected 'option: value', got {stripped!r}")
        name, raw = match.group(1).lower(), match.group(2)
        if name.startswith("partition-"):
            if not raw:
                raise ConfigError(f"{where}:{lineno}: {name} needs a path")
            conf.partitions[name[len("partition-"):]] = raw
            continue
        opt = table.get(name)
        if opt is None:
            conf.extra[name] = raw
            if not name.startswith("sasl_"):
                conf.warnings.append(f"{where}:{lineno}: unknown option {name!r} ignored")
            continue
        try:
            conf.values[name] = convert(opt, raw)
        except ValueError as err:
            raise ConfigError(f"{where}:{lineno}: {err}") from None
    for warning in conf.warnings:
        log.warning("%s", warning)
    return conf


def config_path(explicit: str | None) -> Path:
    """The imapd.conf to read: `-C`, else $ROOST_CONFIG, else /etc/imapd.conf."""
    return Path(explicit or os.environ.get("ROOST_CONFIG") or DEFAULT_CONFIG)


def read_config_file(path: Path) -> str:
    """A configuration file's text; ConfigError naming the file if unreadable."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read: {err.strerror}") from None


def load_config(explicit: str | None = None) -> Config:
    """Read the imapd.conf named by `-C` / $ROOST_CONFIG / the default."""
    path = config_path(explicit)
    return parse_config(read_config_file(path), path)


__all__ = ["OPTIONS", "Config", "ConfigError", "config_path", "load_config", "parse_config"]
