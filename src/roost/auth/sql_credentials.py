"""Passwords from the site's own SQL database of users, as Cyrus SASL's
sql auxprop plugin reads them (`sasl_auxprop_plugin: sql`).

The statement is the admin's `sasl_sql_select`, with Cyrus SASL's
substitutions (its doc/options "Notes on SQL auxprop options"): `%u` the
user name without realm, `%r` the realm (the user's domain, else
`defaultdomain`, else the server's name, as libsasl takes the server's
FQDN), `%p` the property asked for (`userPassword`). Cyrus pastes the
escaped values into the text and requires `%u` and `%r` to be quoted;
here every quoted literal holding them becomes bound parameters joined
with `||` (`'%u@%r'` is `(? || '@' || ?)`), so no value is ever SQL text.
The first column of the first row is the plaintext password, compared in
constant time; NULL or no row is no such user. Nothing else is read or
written: this SQL belongs to the site, not to Roost's store.

Engines: `sqlite3` (`sasl_sql_database` is the file, opened read-only,
queried in a thread) and `pgsql` (psycopg 3, asynchronous; the servers of
`sasl_sql_hostnames` tried in order). The source keeps no SCRAM secrets,
so with it alone only PLAIN and LOGIN are offered.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

import psycopg

from roost.auth.scram import ScramSecrets
from roost.net.logtext import clean

log = logging.getLogger(__name__)

ENGINES = ("sqlite3", "pgsql")
PROPERTY = "userPassword"
_LITERAL = re.compile(r"'(?:[^']|'')*'")
_VARIABLE = re.compile(r"%([ur])")


class SqlConfigError(ValueError):
    """A `sasl_sql_*` setting that cannot work; the message says which."""


@dataclass(frozen=True, slots=True)
class Statement:
    """`sasl_sql_select` compiled: `text` with placeholders (`?` or `%s`),
    and which value (`u` or `r`) each placeholder takes, in order."""

    text: str
    order: tuple[str, ...]

    def params(self, user: str, realm: str) -> tuple[str, ...]:
        return tuple(user if name == "u" else realm for name in self.order)


def compile_select(template: str, placeholder: str) -> Statement:
    """Cyrus's `%u` / `%r` / `%p` expansion, with bound parameters.

    `placeholder` is the engine's (`?` for sqlite3, `%s` for psycopg,
    where a literal `%` is then written `%%`).
    """
    if not template.strip():
        raise SqlConfigError("sasl_sql_select is required with sasl_auxprop_plugin: sql")
    percent = "%%" if placeholder == "%s" else "%"
    out: list[str] = []
    order: list[str] = []
    pos = 0
    for literal in _LITERAL.finditer(template):
        out.append(_outside(template[pos:literal.start()], percent))
        out.append(_literal(literal.group()[1:-1], placeholder, percent, order))
        pos = literal.end()
    out.append(_outside(template[pos:], percent))
    return Statement("".join(out), tuple(order))


def _outside(text: str, percent: str) -> str:
    """SQL outside quotes: `%p` is the property name; `%u`/`%r` must be quoted."""
    if "'" in text:
        raise SqlConfigError("sasl_sql_select has an unterminated quote")
    if _VARIABLE.search(text):
        raise SqlConfigError("sasl_sql_select: %u and %r must be quoted, as Cyrus SASL says")
    return text.replace("%p", PROPERTY).replace("%", percent)


def _literal(body: str, placeholder: str, percent: str, order: list[str]) -> str:
    """One quoted literal: itself, or the concatenation of its pieces."""
    pieces = _VARIABLE.split(body.replace("%p", PROPERTY))
    if len(pieces) == 1:
        return "'" + body.replace("%", percent) + "'"
    parts = []
    for index, piece in enumerate(pieces):
        if index % 2:
            order.append(piece)
            parts.append(placeholder)
        elif piece:
            parts.append("'" + piece.replace("%", percent) + "'")
    return parts[0] if len(parts) == 1 else "(" + " || ".join(parts) + ")"


def password_equal(stored: object, offered: str) -> bool:
    """The row's password against the offered one, in constant time."""
    if stored is None:
        return False
    value = stored.decode("utf-8", "replace") if isinstance(stored, bytes) else str(stored)
    return bool(value) and hmac.compare_digest(value.encode("utf-8"), offered.encode("utf-8"))


@dataclass
class SqlSource:
    """CredentialSource on the site's SQL database (see the module doc)."""

    engine: str
    statement: Statement
    database: str
    hostnames: Sequence[str] = ()
    sql_user: str = ""
    sql_password: str = ""
    usessl: bool = False
    default_realm: str = ""
    iterations: int = 4096
    _pg: psycopg.AsyncConnection[tuple[object, ...]] | None = field(default=None, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @property
    def has_secrets(self) -> bool:
        return False

    async def scram_secrets(self, user: str, hash_name: str) -> ScramSecrets | None:
        return None

    async def check_password(self, user: str, password: str, service: str) -> bool:
        local, at, domain = user.partition("@")
        realm = domain if at else self.default_realm
        params = self.statement.params(local, realm)
        try:
            if self.engine == "pgsql":
                stored = await self._pg_lookup(params)
            else:
                stored = await asyncio.to_thread(self._sqlite_lookup, params)
        except (sqlite3.Error, psycopg.Error, OSError) as err:
            log.error("sasl sql (%s): %s", self.engine, clean(str(err)))
            return False
        return password_equal(stored, password)

    def _sqlite_lookup(self, params: tuple[str, ...]) -> object:
        uri = "file:" + self.database.replace("?", "%3f").replace("#", "%23") + "?mode=ro"
        with sqlite3.connect(uri, uri=True, timeout=10.0) as db:
            row = db.execute(self.statement.text, params).fetchone()
        return None if row is None else row[0]

    async def _pg_lookup(self, params: tuple[str, ...]) -> object:
        async with self._lock:
            for attempt in range(2):  # one reconnect after a dropped connection
                connection = self._pg if self._pg is not None else await self._pg_connect()
                self._pg = connection
                try:
                    cursor = await connection.execute(self.statement.text, params)
                    row = await cursor.fetchone()
                    await connection.rollback()  # no transaction left open between logins
                    return None if row is None else row[0]
                except psycopg.OperationalError:
                    self._pg = None
                    await connection.close()
                    if attempt:
                        raise
        return None

    async def _pg_connect(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        """The first of `sasl_sql_hostnames` that accepts (Cyrus tries them in order)."""
        last: Exception | None = None
        for hostname in self.hostnames or ("",):
            host, _, port = hostname.partition(":")
            try:
                return await psycopg.AsyncConnection.connect(
                    host=host or None, port=port or None, dbname=self.database or None,
                    user=self.sql_user or None, password=self.sql_password or None,
                    sslmode="require" if self.usessl else "prefer", connect_timeout=10)
            except psycopg.OperationalError as err:
                last = err
        assert last is not None
        raise last

    async def close(self) -> None:
        if self._pg is not None:
            await self._pg.close()
            self._pg = None
