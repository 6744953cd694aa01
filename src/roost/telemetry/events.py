"""THE log lines an administrator greps for, in Cyrus's words, and their counts.

Cyrus sites have scripts and habits built on these lines (imapd.c,
pop3d.c, lmtpd.c, index.c), so Roost writes them the same way:

    login: [192.0.2.7] bob plaintext+TLS User logged in SESSIONID=<...>
    badlogin: [192.0.2.7] plaintext bob wrong password
    badlogin: [192.0.2.7] SCRAM-SHA-256 [invalid proof]
    Delivered: <id@example.com> to mailbox: user.bob
    Expunged 3 messages from user.bob.Trash
    auditlog: append sessionid=<...> mailbox=<user.bob> uid=<7> modseq=<12>

Cyrus names the client `host [ip]`; Roost does no reverse lookup on the
event loop and writes `[ip]` (`[local]` on a unix socket). Each line also
counts in `roost.telemetry.metrics`. Client text is escaped first
(`roost.net.logtext.clean`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from roost.net.logtext import clean
from roost.telemetry.metrics import metrics
from roost.telemetry.session import current_session

if TYPE_CHECKING:
    from prometheus_client import Counter, Histogram

log = logging.getLogger("roost.events")


def client_host(address: str | None) -> str:
    return f"[{address}]" if address else "[local]"


def _session_id() -> str:
    session = current_session()
    return session.session_id if session is not None else "-"


async def login(configdirectory: str, service: str, address: str | None, user: str,
                how: str, tls: bool) -> None:
    """A login succeeded: the line, the count, and the user's telemetry (if on)."""
    tls_mark = "+TLS" if tls else ""
    log.info("login: %s %s %s%s User logged in SESSIONID=<%s>", client_host(address),
             clean(user), how, tls_mark, _session_id())
    metrics().logins.labels(service).inc()
    session = current_session()
    if session is not None:
        await session.start_user_log(configdirectory, user)


def badlogin(service: str, address: str | None, how: str, user: str | None,
             reason: str) -> None:
    """A login failed on its credentials (Cyrus's two shapes: plaintext, SASL)."""
    if how == "plaintext":
        log.warning("badlogin: %s plaintext %s %s", client_host(address),
                    clean(user or "-"), clean(reason))
    else:
        log.warning("badlogin: %s %s [%s]%s", client_host(address), how, clean(reason),
                    f" {clean(user)}" if user else "")
    metrics().auth_failures.labels(service).inc()


def delivered(message_id: str, mailbox: str) -> None:
    """lmtpd's line for each copy stored (a Sieve fileinto makes more than one)."""
    log.info("Delivered: %s to mailbox: %s", clean(message_id), clean(mailbox))


def delivery_outcome(outcome: str) -> None:
    """One recipient of a delivery: "delivered" or the failure's name."""
    metrics().deliveries.labels(outcome).inc()


def quota_usage(ratio: float) -> None:
    """How full a recipient's quota root was after a delivery (used / limit)."""
    metrics().quota_usage.observe(ratio)


def expunged(count: int, mailbox: str) -> None:
    """index.c's line, when an expunge removed anything."""
    if count > 0:
        log.info("Expunged %d messages from %s", count, clean(mailbox))


def appended(auditlog: bool, mailbox: str, uids: Sequence[tuple[int, int]]) -> None:
    """With Cyrus's `auditlog` on: one line per message stored, (uid, modseq) each."""
    if not auditlog:
        return
    for uid, modseq in uids:
        log.info("auditlog: append sessionid=<%s> mailbox=<%s> uid=<%d> modseq=<%d>",
                 _session_id(), clean(mailbox), uid, modseq)


def command(service: str, name: str) -> CommandTimer:
    """Count one command and time it (whatever its outcome): `with command(...)`."""
    return CommandTimer(*metrics().command(service, name))


class CommandTimer:
    """The context of `command`. A class, not a `contextmanager` generator:
    it runs for every command of every protocol, and a generator's set-up
    and `__exit__` cost more than the counting itself (issue 13's profile)."""

    __slots__ = ("_count", "_latency", "_started")

    def __init__(self, count: Counter, latency: Histogram) -> None:
        self._count, self._latency = count, latency
        self._started = 0.0

    def __enter__(self) -> None:
        self._started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self._count.inc()
        self._latency.observe(time.perf_counter() - self._started)
