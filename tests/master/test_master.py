"""`roost master`: services from cyrus.conf, clean stop on SIGTERM, clear errors."""

from __future__ import annotations

import imaplib
import subprocess
from pathlib import Path

from tests.harness.master import roost_command as roost
from tests.harness.master import running_master
from tests.harness.site import PASSWORD, Site

from roost.store.names import user_inbox


def test_master_serves_imap_and_stops_on_term(site: Site) -> None:
    with running_master(site, {"imap": "imapd"}) as master:
        client = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        client.login("admin", PASSWORD)
        assert client.create(user_inbox("bob").replace(".", "/"))[0] == "OK"
        client.logout()
        client = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
        client.login("bob", PASSWORD)
        assert client.select("INBOX") == ("OK", [b"0"])
        client.logout()
        assert master.stop() == 0, master.log_text


def test_unknown_service_names_the_line(site: Site, tmp_path: Path) -> None:
    cyrus_conf = tmp_path / "cyrus.conf"
    cyrus_conf.write_text('SERVICES {\n  imap cmd="imapd" listen="127.0.0.1:1"\n'
                          '  fud cmd="fud" listen="127.0.0.1:2"\n}\n')
    result = subprocess.run(roost("master", "-C", str(site.conf_path), "-M", str(cyrus_conf)),
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert f"{cyrus_conf}:3: service 'fud': Roost has no 'fud' yet" in result.stderr


def test_broken_imapd_conf_names_file_and_line(tmp_path: Path) -> None:
    conf = tmp_path / "imapd.conf"
    conf.write_text("admins: a\ntimeout: soon\n")
    result = subprocess.run(roost("master", "-C", str(conf), "-M", "/dev/null"),
                            capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 1
    assert f"{conf}:2: timeout takes a whole number" in result.stderr
