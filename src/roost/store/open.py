"""Open the configured mail store (`open_store(conf)`) and Sieve script
store (`open_scripts(conf)`).

The index is `<configdirectory>/mailstore.db`; bodies live under each
`partition-NAME` path. Directories are created if missing so that `roost
serve` works on a fresh machine.
"""

from __future__ import annotations

from pathlib import Path

from roost.config import Config, ConfigError
from roost.store.scripts import ScriptStore
from roost.store.sievedir import SievedirScripts
from roost.store.sqlite import SqliteStore

DATABASE = "mailstore.db"


def open_store(conf: Config) -> SqliteStore:
    """The SqliteStore the configuration describes; ConfigError if it cannot be placed."""
    if not conf.configdirectory:
        raise ConfigError("configdirectory is not set")
    if conf.defaultpartition not in conf.partitions:
        raise ConfigError(f"no partition-{conf.defaultpartition} for defaultpartition")
    configdir = Path(conf.configdirectory)
    configdir.mkdir(parents=True, exist_ok=True)
    partitions = {name: Path(path) for name, path in conf.partitions.items()}
    for path in partitions.values():
        path.mkdir(parents=True, exist_ok=True)
    return SqliteStore(configdir / DATABASE, partitions, conf.defaultpartition, bool(conf.fsync),
                       expunge_mode=conf.expunge_mode, delete_mode=conf.delete_mode,
                       deleted_prefix=conf.deletedprefix)


def open_scripts(conf: Config) -> ScriptStore:
    """The configured Sieve script store: Cyrus's sievedir layout on files."""
    return SievedirScripts.from_config(conf)
