"""START and EVENTS jobs are not workers: their end is logged, never replaced by a worker."""

from __future__ import annotations

import subprocess

from tests.harness.master import children, port_open, start_master, wait_until
from tests.harness.site import Site

EVENTS = """EVENTS {
  first  cmd="config"
  second cmd="config" period=0
  third  cmd="config" period=1
  fourth cmd="config --no-such-flag"
}
"""


def test_finished_events_leave_one_worker(site: Site) -> None:
    """`workers: 1` stays one worker however many jobs come and go (Cyrus runs
    period=0 once and period=N at start, then every N minutes)."""
    master = start_master(site, {"imap": "imapd"}, EVENTS)
    try:
        master.wait_for_ports()
        master.wait_for_log("EVENTS entry", count=8)  # four started, four ended
        assert master.log_text.count("exited with status") == 4, master.log_text
        assert "EVENTS entry 'fourth' (pid" in master.log_text
        assert "exited with status 2" in master.log_text  # a failed job is not replaced either
        [worker] = master.workers()
        # Every job has ended and been reaped: the master's only child is the worker.
        assert wait_until(lambda: children(master.proc.pid) == [worker]), master.log_text
        assert "starting another" not in master.log_text
        assert port_open(master.ports["imap"])
    finally:
        assert master.stop() == 0, master.log_text
    assert "SIGKILL" not in master.log_text


def test_sigterm_during_a_start_job_stops_promptly(site: Site) -> None:
    """The START job blocks (a password read from a stdin nobody writes to), as a
    slow start-up job would: SIGTERM stops it, and the master binds nothing."""
    start = 'START {\n  slow cmd="saslpasswd -p -c carol"\n}\n'
    master = start_master(site, {"imap": "imapd"}, start, stdin=subprocess.PIPE)
    try:
        master.wait_for_log("START entry 'slow' started")
        assert wait_until(lambda: len(children(master.proc.pid)) == 1)
    finally:
        assert master.stop() == 0, master.log_text
    log = master.log_text
    assert "START entry 'slow' (pid" in log and "was killed by SIGTERM" in log, log
    assert "worker" not in log and "SIGKILL" not in log, log
    assert not port_open(master.ports["imap"])
