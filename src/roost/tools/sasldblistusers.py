"""`roost sasldblistusers`: list the credential store like sasldblistusers2.

One `user@realm: userPassword` line per record (`user: userPassword` for a
user without a realm). The property name is Cyrus SASL's, kept so scripts
that parse the output keep working; the store holds SCRAM secrets, never
the password itself.
"""

from __future__ import annotations

import argparse
import sys

from roost.auth import CredentialError
from roost.config import ConfigError, load_config
from roost.tools.saslpasswd import open_store

NAME = "sasldblistusers"
SUMMARY = "list the users of the credential store"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="roost sasldblistusers", description=__doc__)
    parser.add_argument("-C", dest="config", help="imapd.conf to read")
    parser.add_argument("-f", dest="file", help="credential database (default: "
                        "configdirectory/passwd.db)")
    args = parser.parse_args(argv)
    try:
        store = open_store(load_config(args.config), args.file)
        try:
            users = store.list_users()
        finally:
            store.close()
    except (ConfigError, CredentialError) as err:
        print(f"roost sasldblistusers: {err}", file=sys.stderr)
        return 1
    for user in users:
        print(f"{user}: userPassword")
    return 0
