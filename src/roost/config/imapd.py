"""Reading imapd.conf: `key: value` lines, `#` comments, Cyrus booleans.

A value that does not fit its option's type is a `ConfigError` naming the
file and line; an option Roost does not know is a warning (Cyrus sites keep
options for features or tools Roost may not have), except `sasl_*`, which
Cyrus passes through to the SASL library unchecked. Setting an option the
table marks NOT_YET is a warning too: the admin learns it does nothing.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from roost.config.kinds import NOT_YET
from roost.config.options import BY_NAME, FAMILIES, Options

log = logging.getLogger(__name__)

DEFAULT_CONFIG = "/etc/imapd.conf"

_LINE = re.compile(r"^([A-Za-z0-9_\-.]+)\s*:\s*(.*?)\s*$")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names file and line."""


@dataclass
class Config(Options):
    """Option values, read as typed attributes of the table: `conf.maxmessagesize`.

    `values` holds what the file set, each converted by its option's kind
    (defaults are not copied in); `extra` keeps unknown options verbatim;
    `path` is the file read (None for a config built in code).
    """

    values: dict[str, object] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def hierarchy_sep(self) -> str:
        """The separator clients see: `/` with unixhierarchysep, else `.`."""
        return "/" if self.unixhierarchysep else "."

    def is_admin(self, user: str) -> bool:
        return user in self.admins

    def sasl_mechanisms(self) -> list[str]:
        mechs = [m.upper() for m in self.sasl_mech_list]
        return mechs or ["PLAIN", "LOGIN", "SCRAM-SHA-1", "SCRAM-SHA-256"]


def _set(conf: Config, name: str, raw: str, where: str) -> None:
    """Store one `name: raw` line in `conf`; ValueError if the value does not fit."""
    for family in FAMILIES:
        if name.startswith(family.prefix):
            family.add(conf, name[len(family.prefix):], raw)
            return
    opt = BY_NAME.get(name)
    if opt is None:
        conf.extra[name] = raw
        if not name.startswith("sasl_"):
            conf.warnings.append(f"{where}: unknown option {name!r} ignored")
        return
    conf.values[name] = opt.convert(raw)
    if opt.effect is NOT_YET:
        conf.warnings.append(f"{where}: {name} is accepted but Roost does not act on it yet")


def parse_config(text: str, path: Path | None = None) -> Config:
    """Parse imapd.conf text; errors name `path` (or `<config>`) and the line."""
    where = str(path) if path else "<config>"
    conf = Config(path=path)
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = _LINE.match(stripped)
        if not match:
            raise ConfigError(f"{where}:{lineno}: expected 'option: value', got {stripped!r}")
        try:
            _set(conf, match.group(1).lower(), match.group(2), f"{where}:{lineno}")
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


__all__ = ["Config", "ConfigError", "config_path", "load_config", "parse_config"]
