"""EVENTS scheduling as Cyrus's master does it (cyrus.conf(5)), on a given clock."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from roost.config import parse_config
from roost.config.cyrusconf import parse_cyrus_conf
from roost.master.events import EventSchedule, job_label, tool_command

NOW = datetime(2026, 3, 10, 12, 0).timestamp()


def schedule(lines: str) -> EventSchedule:
    return EventSchedule(parse_cyrus_conf("EVENTS {\n" + lines + "\n}\n").events, NOW)


def names(sched: EventSchedule, when: float) -> list[str]:
    return [entry.name for entry in sched.take_due(when)]


def test_no_period_runs_once_at_start() -> None:
    sched = schedule('once cmd="config"\nzero cmd="config" period=0')
    assert names(sched, NOW) == ["once", "zero"]
    assert sched.seconds_to_next(NOW) is None
    assert names(sched, NOW + 86400) == []


def test_period_runs_at_start_then_every_n_minutes() -> None:
    sched = schedule('tick cmd="config" period=5')
    assert names(sched, NOW) == ["tick"]
    assert sched.seconds_to_next(NOW) == 300
    assert names(sched, NOW + 299) == []
    assert names(sched, NOW + 300) == ["tick"]


def test_at_runs_daily_at_local_time() -> None:
    sched = schedule('night cmd="config" at=0300\nlater cmd="config" at=1230')
    assert names(sched, NOW) == []
    assert sched.seconds_to_next(NOW) == 30 * 60
    assert names(sched, NOW + 30 * 60) == ["later"]
    three = (datetime.fromtimestamp(NOW) + timedelta(days=1)).replace(hour=3).timestamp()
    assert names(sched, three) == ["night"]
    assert names(sched, three + 60) == []


def test_bad_at_is_skipped() -> None:
    sched = schedule('odd cmd="config" at=2561')
    assert names(sched, NOW + 2 * 86400) == []
    assert sched.seconds_to_next(NOW) is None


CYRUS_EVENTS = """
  checkpoint  cmd="ctl_cyrusdb -c" period=30
  delprune    cmd="cyr_expire -E 3" at=0400
  tlsprune    cmd="tlsprune" at=0400
  squatter    cmd="squatter -s -r user" at=0200
"""
"""Debian's cyrus.conf EVENTS, plus the nightly squatter MISSION.md names."""


def test_cyrus_usual_events_at_their_minutes() -> None:
    """On a fake clock: at 12:00 the checkpoint runs (period: at start), and
    again at 12:30; the squatter at 02:00 the next day and not at 01:59; the
    prune and tlsprune at 04:00."""
    sched = schedule(CYRUS_EVENTS)
    assert names(sched, NOW) == ["checkpoint"]
    assert names(sched, NOW + 29 * 60) == []
    assert names(sched, NOW + 30 * 60) == ["checkpoint"]
    night = datetime.fromtimestamp(NOW) + timedelta(days=1)

    def daily(hour: int, minute: int) -> list[str]:
        at = night.replace(hour=hour, minute=minute).timestamp()
        return [name for name in names(sched, at) if name != "checkpoint"]
    assert daily(1, 59) == []
    assert daily(2, 0) == ["squatter"]
    assert daily(4, 0) == ["delprune", "tlsprune"]


def test_cyrus_entries_run_as_written_or_are_accepted(caplog: pytest.LogCaptureFixture) -> None:
    """delprune and squatter run Roost's tools with their Cyrus flags;
    checkpoint and tlsprune have nothing to do here and say so (info, no
    error); a program Roost lacks is an error naming the entry."""
    conf = parse_config("configdirectory: /nonexistent\npartition-default: /nonexistent\n")
    entries = {e.name: e for e in parse_cyrus_conf(
        "EVENTS {\n" + CYRUS_EVENTS + '  odd cmd="arbitron -d 30" period=60\n}\n').events}
    with caplog.at_level(logging.INFO, logger="roost.master.events"):
        prune = tool_command(entries["delprune"], conf)
        squat = tool_command(entries["squatter"], conf)
        assert prune is not None and prune[-3:] == ["cyr_expire", "-E", "3"]
        assert squat is not None and squat[-4:] == ["squatter", "-s", "-r", "user"]
        assert tool_command(entries["checkpoint"], conf) is None
        assert tool_command(entries["tlsprune"], conf) is None
        assert tool_command(entries["odd"], conf) is None
    levels = {record.getMessage().split(":")[2].strip(): record.levelno
              for record in caplog.records}
    assert levels == {"checkpoint": logging.INFO, "tlsprune": logging.INFO,
                      "odd": logging.ERROR}
    assert all(main_module_for(p) for p in ("cyr_expire", "squatter"))


def main_module_for(name: str) -> bool:
    from roost.cli import tool_modules

    return name in tool_modules()


def test_an_event_still_running_is_not_started_again(caplog: pytest.LogCaptureFixture) -> None:
    sched = schedule('tick cmd="config" period=5')
    [tick] = sched.take_due(NOW)
    with caplog.at_level(logging.WARNING, logger="roost.master.events"):
        assert sched.take_due(NOW + 300, {job_label(tick)}) == []
    assert "still running" in caplog.text
    assert names(sched, NOW + 599) == []  # the skipped run waits for its next time
    assert names(sched, NOW + 600) == ["tick"]
