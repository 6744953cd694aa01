"""`roost testsaslauthd`: ask saslauthd about a user and password, as
Cyrus SASL's testsaslauthd(8) does, through the same client Roost's
logins use (roost.auth.saslauthd).

Output and exit status are testsaslauthd's: `0: OK "Success."` and 0, or
`0: NO "authentication failed"` and 255 (a line per -R repetition,
numbered from 0); a socket that does not answer is reported on stderr,
also with 255. The socket is -f, else `sasl_saslauthd_path` of the
imapd.conf (-C), else saslauthd's default.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from roost.auth.saslauthd import SaslauthdError, ask
from roost.config import ConfigError, load_config

NAME = "testsaslauthd"
SUMMARY = "check a user name and password against saslauthd"


async def _run(args: argparse.Namespace, path: str) -> int:
    status = 0
    for round_number in range(max(1, args.repeat)):
        print(f"{round_number}: ", end="", flush=True)
        try:
            answer = await ask(path, args.user, args.password, args.service, args.realm)
        except (SaslauthdError, ValueError) as err:
            print()
            print(f"roost testsaslauthd: {err}", file=sys.stderr)
            return 255
        if answer.startswith("OK"):
            print('OK "Success."')
        else:
            print('NO "authentication failed"')
            status = 255
    return status


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="roost testsaslauthd", description=__doc__)
    parser.add_argument("-C", dest="config", help="imapd.conf to read (sasl_saslauthd_path)")
    parser.add_argument("-u", dest="user", required=True, help="user name")
    parser.add_argument("-p", dest="password", required=True, help="password")
    parser.add_argument("-r", dest="realm", default="", help="realm (default: none)")
    parser.add_argument("-s", dest="service", default="imap", help="service (default: imap)")
    parser.add_argument("-f", dest="socket", help="saslauthd's socket")
    parser.add_argument("-R", dest="repeat", type=int, default=1, help="ask this many times")
    args = parser.parse_args(argv)
    path = args.socket
    if path is None:
        try:
            path = load_config(args.config).sasl_saslauthd_path
        except ConfigError as err:
            print(f"roost testsaslauthd: {err}", file=sys.stderr)
            return 1
    return asyncio.run(_run(args, path))
