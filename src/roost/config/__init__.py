"""Configuration: imapd.conf and cyrus.conf.

Invariants: every option is declared once in `options.OPTIONS`; code reads
options only as attributes of a `Config`; a bad value is a `ConfigError`
naming the file and line.
"""

from roost.config.imapd import Config, ConfigError, load_config, parse_config
from roost.config.options import OPTIONS, Option

__all__ = ["OPTIONS", "Config", "ConfigError", "Option", "load_config", "parse_config"]
