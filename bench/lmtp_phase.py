"""The LMTP part of the comparison: deliveries/s at 1 and 10 recipients per message.

It drives bench.lmtp_delivery's rounds (the LMTP engineer's pipelined
client) against a side's LMTP unix socket. Roost's master cannot start
`lmtpd` until `roost.lmtp.server.start_lmtp` lands; until then Roost is
measured through lmtp_delivery's own single-process server over TCP, and
the report says so.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
from dataclasses import dataclass

from bench.lmtp_delivery import one_round


@dataclass(frozen=True, slots=True)
class LmtpTarget:
    """Where to deliver: a unix socket, or 127.0.0.1:port; `note` says which server."""

    unix: str | None = None
    port: int = 0
    note: str = ""


@dataclass(frozen=True, slots=True)
class LmtpResult:
    """Median deliveries/s (messages x recipients) and failed recipient replies."""

    recipients: int
    deliveries_per_s: float
    failed: int


def measure_lmtp(target: LmtpTarget, users: int, recipients: list[int], messages: int,
                 connections: int, rounds: int, size: int = 4096) -> list[LmtpResult]:
    """Rounds of `messages` messages over `connections` connections; medians per count."""
    args = argparse.Namespace(host="127.0.0.1", port=target.port, unix=target.unix,
                              users=users, domain="", messages=messages,
                              connections=connections, size=size)
    counter = itertools.count()
    results = []
    for count in recipients:
        rates, failed = [], 0
        for _ in range(rounds):
            rate, _latency, failures = asyncio.run(one_round(args, count, counter))
            rates.append(rate * count)
            failed += failures
        results.append(LmtpResult(count, statistics.median(rates), failed))
    return results
