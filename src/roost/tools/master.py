"""`roost master -C imapd.conf -M cyrus.conf`: run the services cyrus.conf names.

Like Cyrus's master: SERVICES become listeners served by worker processes,
START entries run once first, EVENTS run on their schedule. SIGTERM stops
everything cleanly.
"""

from __future__ import annotations

import argparse
import logging
import sys

from roost.config import ConfigError, load_config
from roost.config.cyrusconf import load_cyrus_conf
from roost.master.supervisor import Supervisor
from roost.telemetry.logsetup import STDERR_FORMAT, configure_logging

NAME = "master"
SUMMARY = "run the services of cyrus.conf (IMAP, IMAPS, LMTP) until SIGTERM"
DEFAULT_CYRUS_CONF = "/etc/cyrus.conf"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="roost master", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-C", dest="config", help="imapd.conf (default: $ROOST_CONFIG, /etc/imapd.conf)")
    parser.add_argument("-M", dest="cyrus_conf", default=DEFAULT_CYRUS_CONF,
                        help="cyrus.conf (default: /etc/cyrus.conf)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at debug level")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format=STDERR_FORMAT)
    try:
        conf = load_config(args.config)
        configure_logging(conf, args.verbose)
        supervisor = Supervisor(conf, load_cyrus_conf(args.cyrus_conf))
        return supervisor.run()
    except ConfigError as err:
        print(f"roost master: {err}", file=sys.stderr)
        return 1
