"""EVENTS scheduling as Cyrus's master does it (cyrus.conf(5)), on a given clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from roost.config.cyrusconf import parse_cyrus_conf
from roost.master.events import EventSchedule

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
