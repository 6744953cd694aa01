"""The Prometheus endpoint of a real master with two workers, scraped over
HTTP on 127.0.0.1 and read with prometheus_client's own parser."""

from __future__ import annotations

import imaplib
import smtplib
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.harness.master import free_port, running_master, wait_until
from tests.harness.site import PASSWORD, make_site

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]

MESSAGE = b"From: a@example.com\r\nSubject: x\r\nMessage-ID: <x@example.com>\r\n\r\nhi\r\n"


def scrape(port: int) -> Samples:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as reply:
        text = reply.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def imap_session(port: int, noops: int, password: str = PASSWORD) -> None:
    client = imaplib.IMAP4("127.0.0.1", port)
    try:
        client.login("bob", password)
        for _ in range(noops):
            client.noop()
    finally:
        client.logout()


def test_counts_add_up_across_workers(tmp_path: Path, cert_dir: Path) -> None:
    port = free_port()
    site = make_site(tmp_path / "site", cert_dir,
                     f"metrics_port: {port}\nautocreate_quota: 1000\nworkers: 2\n")
    with running_master(site, {"imap": "imapd", "lmtp": "lmtpd"}) as master:
        # The harness's port probes are connections too: counted before we start.
        assert wait_until(lambda: _probes_counted(port))
        before = scrape(port)
        for noops in (3, 4, 5):  # separate connections: the kernel spreads them over workers
            imap_session(master.ports["imap"], noops)
        with pytest.raises(imaplib.IMAP4.error):
            imap_session(master.ports["imap"], 0, password="wrong")
        with smtplib.LMTP("127.0.0.1", master.ports["lmtp"]) as lmtp:
            lmtp.sendmail("a@example.com", ["bob@example.com"], MESSAGE)

        def settled() -> bool:  # a session's end is counted as its socket closes
            return value(scrape(port), "roost_connections_open", service="imap") == 0
        assert wait_until(settled)
        after = scrape(port)
        # every LAG_PROBE_INTERVAL each worker records how late its loop woke
        assert wait_until(lambda: value(scrape(port), "roost_event_loop_lag_seconds_count") > 0)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("roost_commands_total", service="imap", command="NOOP") == 12
    assert grew("roost_command_seconds_count", service="imap", command="NOOP") == 12
    assert grew("roost_commands_total", service="imap", command="LOGIN") == 4
    assert grew("roost_connections_total", service="imap") == 4
    assert grew("roost_logins_total", service="imap") == 3
    assert grew("roost_auth_failures_total", service="imap") == 1
    assert grew("roost_deliveries_total", outcome="delivered") == 1
    assert grew("roost_commands_total", service="lmtp", command="RCPT") == 1
    assert grew("roost_quota_usage_ratio_count") == 1
    assert grew("roost_store_commit_batch_size_count") >= 2  # autocreate, delivery
    assert grew("roost_store_commit_seconds_count") >= 2


def _probes_counted(port: int) -> bool:
    try:
        samples = scrape(port)
    except OSError:
        return False
    return all(value(samples, "roost_connections_total", service=service) >= 1
               and value(samples, "roost_connections_open", service=service) == 0
               for service in ("imap", "lmtp"))


def test_a_killed_exporter_comes_back_with_the_counts(tmp_path: Path, cert_dir: Path) -> None:
    """The values live in the workers' files, not in the exporter: a new
    exporter shows the same totals."""
    import os
    import re
    import signal

    port = free_port()
    site = make_site(tmp_path / "site", cert_dir, f"metrics_port: {port}\n")
    with running_master(site, {"imap": "imapd"}) as master:
        master.wait_for_log("metrics exporter")
        first = int(re.findall(r"metrics exporter (\d+) serving", master.log_text)[0])
        imap_session(master.ports["imap"], 2)
        assert wait_until(lambda: _noops(port) == 2)
        os.kill(first, signal.SIGKILL)
        master.wait_for_log("starting another")
        assert wait_until(lambda: _noops(port) == 2)
        assert f"metrics exporter {first} was killed by SIGKILL" in master.log_text


def _noops(port: int) -> float:
    try:
        return value(scrape(port), "roost_commands_total", service="imap", command="NOOP")
    except OSError:
        return -1.0
