"""START and EVENTS entries: Roost tools run once at start-up or on a schedule.

An entry's program is looked up among `roost` tools (`squatter`,
`ctl_cyrusdb`, ...); one Roost does not have is logged and skipped, since a
Cyrus cyrus.conf lists housekeeping that Roost's store does not need (e.g.
`ctl_cyrusdb -r`: SQLite recovers by itself).
EVENTS take `period=MINUTES` or `at=HHMM` (cyrus.conf(5)).
"""

from __future__ import annotations

import logging
import posixpath
import subprocess
import sys
import time
from datetime import datetime

from roost.config import Config
from roost.config.cyrusconf import Entry

log = logging.getLogger(__name__)


def _tool_command(entry: Entry, conf: Config) -> list[str] | None:
    from roost.cli import tool_modules

    words = entry.cmd
    if not words:
        return None
    program = posixpath.basename(words[0])
    if program not in tool_modules():
        log.warning("%s: %s: Roost has no tool %r; skipped", entry.where(), entry.name, program)
        return None
    extra = ["-C", str(conf.path)] if conf.path and "-C" not in words else []
    return [sys.executable, "-m", "roost.cli", program, *extra, *words[1:]]


def run_tool_entry(entry: Entry, conf: Config, wait: bool = True) -> None:
    command = _tool_command(entry, conf)
    if command is None:
        return
    if wait:
        subprocess.run(command, check=False)
    else:
        subprocess.Popen(command)


class EventSchedule:
    """When each EVENTS entry runs next."""

    def __init__(self, entries: list[Entry], conf: Config) -> None:
        self.conf = conf
        self.entries = entries
        self.last_run: dict[str, float] = {}
        self.last_minute = ""

    def run_due(self) -> None:
        now = time.time()
        minute = datetime.now().strftime("%H%M")
        for entry in self.entries:
            period = entry.args.get("period")
            due = False
            if period and period.isdigit():
                due = now - self.last_run.get(entry.name, 0.0) >= int(period) * 60
            elif entry.args.get("at") == minute and minute != self.last_minute:
                due = True
            if due:
                self.last_run[entry.name] = now
                run_tool_entry(entry, self.conf, wait=False)
        self.last_minute = minute
