"""`roost saslpasswd`: set or delete a user's password, like saslpasswd2.

The record key is the canonical login name (roost.auth.canonical_user), so
`-u example.com bob` and `bob@example.com` name the same user, and with
virtdomains a realm equal to defaultdomain is the plain user id: what you
set here is what a login finds. Only SCRAM secrets are stored.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from roost.auth import BadUsername, CredentialError, SqliteCredentialStore, canonical_user
from roost.auth.open_credentials import open_credential_store
from roost.auth.postgres_credentials import PostgresCredentialStore
from roost.config import Config, ConfigError, load_config

NAME = "saslpasswd"
SUMMARY = "set (-c create) or delete (-d) a user's password in the credential store"


class ToolError(Exception):
    """Ends the tool with a message on stderr and exit status 1."""


def open_store(conf: Config, path: str | None
               ) -> SqliteCredentialStore | PostgresCredentialStore:
    """The site's sasldb (configdirectory/passwd.db, or the index database
    with store_backend: postgres), or the file named by -f (saslpasswd2's -f)."""
    if path:
        return SqliteCredentialStore(Path(path), conf.sasl_scram_iterations)
    return open_credential_store(conf)


def read_password(from_stdin: bool) -> str:
    """-p: one line of stdin without its line end; else two matching prompts."""
    if from_stdin:
        line = sys.stdin.buffer.readline()
        try:
            return line.removesuffix(b"\n").removesuffix(b"\r").decode("utf-8")
        except UnicodeDecodeError:
            raise ToolError("password is not UTF-8") from None
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again (for verification): ") != first:
        raise ToolError("passwords don't match")
    return first


def run(args: argparse.Namespace) -> None:
    conf = load_config(args.config)
    login = f"{args.user}@{args.realm}" if args.realm else args.user
    key = canonical_user(login, conf)
    store = open_store(conf, args.file)
    try:
        if args.delete:
            store.delete(key)
            return
        if not args.create and not store.exists(key):
            raise ToolError(f"no such user {key} (use -c to create)")
        store.set_password(key, read_password(args.pipe))
    finally:
        store.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="roost saslpasswd", description=__doc__)
    parser.add_argument("-C", dest="config", help="imapd.conf to read")
    parser.add_argument("-f", dest="file", help="credential database (default: "
                        "configdirectory/passwd.db)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("-c", dest="create", action="store_true",
                        help="create the user if it does not exist")
    action.add_argument("-d", dest="delete", action="store_true", help="delete the user")
    parser.add_argument("-p", dest="pipe", action="store_true",
                        help="read the password from stdin (one line) instead of prompting")
    parser.add_argument("-u", dest="realm", help="realm (domain) of the user")
    parser.add_argument("user", help="user name (user or user@domain)")
    args = parser.parse_args(argv)
    try:
        run(args)
    except (ConfigError, CredentialError, BadUsername, ToolError) as err:
        print(f"roost saslpasswd: {err}", file=sys.stderr)
        return 1
    return 0
