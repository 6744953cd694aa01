"""`roost sieve-test`: run a Sieve script on a message file and print what it would do.

For users debugging filters: nothing is delivered or sent. Mailboxes the
script may test for are given with --mailbox; the envelope with --from,
--to and --auth. Exit 0 when the script ran, 1 on compile or run-time
errors (printed on stderr), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path

from roost.config import ConfigError
from roost.sieve import DefaultHost, Envelope, evaluate
from roost.sieve.actions import describe
from roost.tools.sievec import compile_reporting, options_from

NAME = "sieve-test"
SUMMARY = "run a Sieve script on a message file and print the actions it would take"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="roost sieve-test", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-C", dest="config", help="imapd.conf to read")
    parser.add_argument("script", help="the Sieve script")
    parser.add_argument("message", help="an RFC 5322 message file")
    parser.add_argument("--from", dest="mail_from", default="", help="envelope sender (MAIL FROM)")
    parser.add_argument("--to", dest="rcpt_to", default="", help="envelope recipient (RCPT TO)")
    parser.add_argument("--auth", default="", help="authenticated sender")
    parser.add_argument("--mailbox", action="append", default=["INBOX"],
                        help="a mailbox that exists (repeatable)")
    parser.add_argument("--now", help="the current time, ISO 8601 with zone (for currentdate)")
    parser.add_argument("--edited", action="store_true", help="print the edited message, if any")
    args = parser.parse_args(argv)
    try:
        options = options_from(args.config)
        source = Path(args.script).read_bytes()
        message = Path(args.message).read_bytes()
        clock = datetime.fromisoformat(args.now) if args.now else None
    except (ConfigError, OSError, ValueError) as err:
        print(f"roost sieve-test: {err}", file=sys.stderr)
        return 2
    program = compile_reporting(args.script, source, options)
    if program is None:
        return 1
    host = DefaultHost(mailboxes=set(args.mailbox), clock=clock)
    envelope = Envelope(args.mail_from, args.rcpt_to, args.auth)
    outcome = asyncio.run(evaluate(program, message, envelope, host, options))
    for problem in outcome.errors:
        print(f"{args.script}: run-time error: {problem}", file=sys.stderr)
    for action in outcome.actions:
        print(describe(action))
        edited = getattr(action, "edited", None)
        if args.edited and edited is not None:
            sys.stdout.write(edited.decode("utf-8", "replace"))
    return 1 if outcome.errors else 0
