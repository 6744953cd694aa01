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
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bench.lmtp_delivery import free_port, one_round
from bench.roost_side import REPO
from bench.sides import wait_for_port


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


@contextmanager
def standalone_roost_lmtp(users: int) -> Iterator[LmtpTarget]:
    """lmtp_delivery's own Roost LMTP server (one process, TCP) for the time being."""
    with tempfile.TemporaryDirectory(prefix="roost-lmtp-bench-") as site:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.lmtp_delivery", "--users", str(users),
             "serve", site, str(port)], cwd=REPO)
        try:
            wait_for_port(port, process)
            yield LmtpTarget(port=port, note="standalone LmtpService, 1 process, TCP")
        finally:
            process.terminate()
            process.wait(timeout=10)


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
