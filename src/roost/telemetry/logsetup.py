"""Where log lines go: syslog as Cyrus sends them, or stderr.

Cyrus logs through syslog(3) with an ident per program (`imap`, `pop3`,
`lmtp`, `sieve`, `nntp`), optionally prefixed (`syslog_prefix: cyrus`
gives `cyrus/imap[1234]: login: ...`), at `syslog_facility`. Roost's
workers serve every service in one process, so the ident is chosen per
line: the service of the connection the line is about
(roost.telemetry.session), `master` elsewhere. With `syslog_facility`
empty (the default) lines go to stderr, as `roost serve` has always
shown them.
"""

from __future__ import annotations

import logging
import logging.handlers
import socket
import sys

from roost.config import Config, ConfigError
from roost.telemetry.session import current_session

STDERR_FORMAT = "%(asctime)s roost[%(process)d] %(levelname)s %(message)s"
SYSLOG_FORMAT = "%(syslog_ident)s[%(process)d]: %(message)s"
FACILITIES = ("mail", "daemon", "user", *(f"local{n}" for n in range(8)))


class ServiceIdent(logging.Filter):
    """Adds `syslog_ident` (`prefix/service`) to every record."""

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        session = current_session()
        service = session.service if session is not None else "master"
        record.syslog_ident = f"{self.prefix}/{service}" if self.prefix else service
        return True


def log_handler(conf: Config) -> logging.Handler:
    """The handler `conf` asks for (ConfigError for an unknown facility)."""
    facility = conf.syslog_facility.lower()
    if not facility:
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(STDERR_FORMAT))
        return handler
    if facility not in FACILITIES:
        raise ConfigError(f"syslog_facility takes one of {', '.join(FACILITIES)}, "
                          f"not {conf.syslog_facility!r}")
    try:
        handler = logging.handlers.SysLogHandler(
            address=conf.syslog_socket, socktype=socket.SOCK_DGRAM,
            facility=logging.handlers.SysLogHandler.facility_names[facility])
    except OSError as err:
        raise ConfigError(f"syslog_socket {conf.syslog_socket}: {err.strerror}") from None
    handler.append_nul = False  # RFC 3164 has no NUL; syslog daemons show it as garbage
    handler.setFormatter(logging.Formatter(SYSLOG_FORMAT))
    handler.addFilter(ServiceIdent(conf.syslog_prefix))
    return handler


def configure_logging(conf: Config, verbose: bool = False) -> None:
    """Send this process's (and its workers') log lines where `conf` says."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(log_handler(conf))
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
