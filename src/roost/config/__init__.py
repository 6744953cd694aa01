"""Configuration: imapd.conf and cyrus.conf.

Invariants: every option is declared once, on one line of the table
`options.Options`, with its kind (type), default and doc; code reads an
option only as a typed attribute of a `Config` (`conf.timeout`), so an
unknown name is a mypy error; an option the code does not read is marked
NOT_YET or NOT_NEEDED there and in docs/options.md (a test keeps the marks
true); a bad value is a `ConfigError` naming the file and line.
"""

from roost.config.imapd import Config, ConfigError, load_config, parse_config
from roost.config.kinds import Declared, Effect, Option
from roost.config.options import OPTIONS

__all__ = ["OPTIONS", "Config", "ConfigError", "Declared", "Effect", "Option", "load_config",
           "parse_config"]
