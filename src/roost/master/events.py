"""START and EVENTS entries: Roost tools run once at start-up or on a schedule.

An entry's program is looked up among `roost` tools (`squatter`,
`cyr_expire`, ...). Cyrus's own housekeeping that has nothing to act on
here (`HOUSEKEEPING`: `ctl_cyrusdb -r` / `-c`, the usual START `recover`
and EVENTS `checkpoint`, and `tlsprune`) is accepted, logged once as
nothing to do, and skipped; any other program Roost does not have is
logged as an error naming the entry, and skipped, so the rest of the
file still runs.

EVENTS are scheduled as Cyrus's master does (cyrus.conf(5)): `period=N`
runs at start and then every N minutes, `at=HHMM` daily at that local
time, and an entry with neither (`period=0`, the default) once at start.
An entry still running when it is due again is not started a second
time (overlap protection): that run is skipped, with a warning, and the
entry waits for its next time.

Invariants: a job is a separate program (posix_spawn), never a fork of
the master, so it inherits no listening socket or pipe (Python opens them
non-inheritable); the master keeps its pid apart from the workers' and
waits for it, but never replaces it.
"""

from __future__ import annotations

import logging
import os
import posixpath
import sys
from collections.abc import Collection
from datetime import datetime, timedelta

from roost.config import Config
from roost.config.cyrusconf import Entry

log = logging.getLogger(__name__)


HOUSEKEEPING = {
    "ctl_cyrusdb": "the store is SQLite in WAL mode, which recovers and checkpoints itself",
    "tlsprune": "Roost keeps no TLS session cache to prune",
}
"""Cyrus programs of a usual cyrus.conf that have nothing to do here, and why."""


def job_label(entry: Entry) -> str:
    """How the log names an entry's job: `EVENTS entry 'checkpoint'`."""
    return f"{entry.section} entry {entry.name!r}"


def tool_command(entry: Entry, conf: Config) -> list[str] | None:
    """The `roost TOOL ...` command line an entry runs, or None to skip it."""
    from roost.cli import tool_modules

    words = entry.cmd
    if not words:
        return None
    program = posixpath.basename(words[0])
    if program not in tool_modules():
        if program in HOUSEKEEPING:
            log.info("%s: %s: nothing to do for %r (%s); skipped", entry.where(), entry.name,
                     program, HOUSEKEEPING[program])
        else:
            log.error("%s: %s: Roost has no tool %r; skipped", entry.where(), entry.name, program)
        return None
    extra = ["-C", str(conf.path)] if conf.path and "-C" not in words else []
    return [sys.executable, "-m", "roost.cli", program, *extra, *words[1:]]


def spawn_job(command: list[str]) -> int:
    """Start a job program; its pid. Signals start at their defaults, unblocked."""
    return os.posix_spawn(command[0], command, os.environ, setsigmask=())


class EventSchedule:
    """When each EVENTS entry runs next, by the wall clock (`at=` is local time)."""

    def __init__(self, entries: list[Entry], now: float) -> None:
        self._entries = entries
        self._due: dict[int, float] = {}              # index in `entries` -> when it runs next
        self._daily: dict[int, tuple[int, int]] = {}  # index -> (hour, minute) of at=
        for index, entry in enumerate(entries):
            at = entry.args.get("at")
            if at is None:
                self._due[index] = now
                continue
            hhmm = _hhmm(at)
            if hhmm is None:
                log.warning("%s: %s: at=%r is not HHMM; entry skipped", entry.where(), entry.name, at)
                continue
            self._daily[index] = hhmm
            self._due[index] = _next_daily(hhmm, now)

    def take_due(self, now: float, running: Collection[str] = ()) -> list[Entry]:
        """The entries due at `now`, each rescheduled (or dropped if it ran
        once); those whose job (`job_label`) is among `running` are
        rescheduled without being returned."""
        due = [index for index, when in self._due.items() if when <= now]
        for index in due:
            period = _minutes(self._entries[index].args.get("period", "0"))
            if index in self._daily:
                self._due[index] = _next_daily(self._daily[index], now)
            elif period:
                self._due[index] = now + period * 60
            else:
                del self._due[index]
        started = []
        for index in due:
            entry = self._entries[index]
            if job_label(entry) in running:
                log.warning("%s: %s is still running from its last time; not started again",
                            entry.where(), entry.name)
            else:
                started.append(entry)
        return started

    def seconds_to_next(self, now: float) -> float | None:
        """How long until the next entry is due; None when none will be."""
        return max(0.0, min(self._due.values()) - now) if self._due else None


def _minutes(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _hhmm(text: str) -> tuple[int, int] | None:
    if len(text) != 4 or not text.isdigit():
        return None
    hour, minute = int(text[:2]), int(text[2:])
    return (hour, minute) if hour < 24 and minute < 60 else None


def _next_daily(hhmm: tuple[int, int], now: float) -> float:
    """The next local HH:MM after `now` (a daylight-saving change moves the instant, not the time)."""
    moment = datetime.fromtimestamp(now).replace(hour=hhmm[0], minute=hhmm[1],
                                                second=0, microsecond=0)
    if moment.timestamp() <= now:
        moment += timedelta(days=1)
    return moment.timestamp()
