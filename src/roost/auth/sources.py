"""The credential source a site chose, with Cyrus SASL's own options.

`sasl_pwcheck_method` lists where a plaintext password is checked, in
order (libsasl's checkpw.c tries each until one says yes):
- `auxprop`: the auxprop plugins of `sasl_auxprop_plugin`, in order:
  `sasldb` (Roost's own store, configdirectory/passwd.db, written by
  `roost saslpasswd2`; the default when the option is empty) and `sql`
  (roost.auth.sql_credentials);
- `saslauthd`: Cyrus's daemon at `sasl_saslauthd_path`
  (roost.auth.saslauthd).

SCRAM needs stored secrets (RFC 5802 §3): only the sasldb has them, so
SCRAM mechanisms are offered only when the sasldb is among the sources
(`secrets_available`), and SCRAM logins find users of the sasldb only.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass

from roost.auth.credentials import CredentialSource, CredentialStore
from roost.auth.saslauthd import SaslauthdSource
from roost.auth.scram import ScramSecrets
from roost.auth.sql_credentials import ENGINES, SqlConfigError, SqlSource, compile_select
from roost.config import Config, ConfigError

METHODS = ("auxprop", "saslauthd")
PLUGINS = ("sasldb", "sql")


def _plugins(conf: Config) -> tuple[str, ...]:
    plugins = tuple(word.lower() for word in conf.sasl_auxprop_plugin) or ("sasldb",)
    for plugin in plugins:
        if plugin not in PLUGINS:
            raise ConfigError(f"sasl_auxprop_plugin: {plugin!r} is not one of "
                              f"{', '.join(PLUGINS)}")
    return plugins


def _methods(conf: Config) -> tuple[str, ...]:
    methods = tuple(word.lower() for word in conf.sasl_pwcheck_method) or ("auxprop",)
    for method in methods:
        if method not in METHODS:
            raise ConfigError(f"sasl_pwcheck_method: {method!r} is not one of "
                              f"{', '.join(METHODS)}")
    return methods


def secrets_available(conf: Config) -> bool:
    """Whether the site's sources include the sasldb, which keeps SCRAM secrets."""
    return "auxprop" in _methods(conf) and "sasldb" in _plugins(conf)


def sql_source(conf: Config) -> SqlSource:
    """The sql auxprop of `conf`; ConfigError when it cannot work."""
    engine = conf.sasl_sql_engine
    if engine not in ENGINES:
        raise ConfigError(f"sasl_sql_engine: {engine} is not supported by Roost "
                          f"(use {' or '.join(ENGINES)})")
    try:
        statement = compile_select(conf.sasl_sql_select, "?" if engine == "sqlite3" else "%s")
    except SqlConfigError as err:
        raise ConfigError(str(err)) from None
    if engine == "sqlite3" and not conf.sasl_sql_database:
        raise ConfigError("sasl_sql_database (the file) is required with sasl_sql_engine: sqlite3")
    realm = conf.defaultdomain or conf.servername or socket.getfqdn()
    return SqlSource(engine, statement, conf.sasl_sql_database, conf.sasl_sql_hostnames,
                     conf.sasl_sql_user, conf.sasl_sql_passwd, conf.sasl_sql_usessl, realm,
                     conf.sasl_scram_iterations)


@dataclass(frozen=True)
class ChainSource:
    """Several sources tried in order: the first that accepts the password wins."""

    sources: Sequence[CredentialSource]

    @property
    def iterations(self) -> int:
        return self.sources[0].iterations

    @property
    def has_secrets(self) -> bool:
        return any(source.has_secrets for source in self.sources)

    async def scram_secrets(self, user: str, hash_name: str) -> ScramSecrets | None:
        for source in self.sources:
            secrets = await source.scram_secrets(user, hash_name)
            if secrets is not None:
                return secrets
        return None

    async def check_password(self, user: str, password: str, service: str) -> bool:
        for source in self.sources:
            if await source.check_password(user, password, service):
                return True
        return False


def open_credential_source(conf: Config, store: CredentialStore) -> CredentialSource:
    """The source of `conf`'s sasl_* options; `store` is the sasldb."""
    sources: list[CredentialSource] = []
    for method in _methods(conf):
        if method == "saslauthd":
            sources.append(SaslauthdSource(conf.sasl_saslauthd_path, conf.sasl_scram_iterations))
            continue
        for plugin in _plugins(conf):
            sources.append(store if plugin == "sasldb" else sql_source(conf))
    return sources[0] if len(sources) == 1 else ChainSource(sources)
