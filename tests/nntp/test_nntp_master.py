"""`nntpd` in cyrus.conf: the master serves NNTP, NNTPS (`nntpd -s`), and
Cyrus's reader-only (`-r`) and feeder-only (`-f`) services."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

from tests.harness.master import running_master
from tests.harness.site import make_site
from tests.harness.transcript import TranscriptClient
from tests.nntp.conftest import EXTRA_CONF

from roost.config.cyrusconf import load_cyrus_conf
from roost.master.services import check_service


def test_nntpd_flags_become_modes(tmp_path: Path) -> None:
    conf = tmp_path / "cyrus.conf"
    conf.write_text('SERVICES {\n  a cmd="nntpd"\n  b cmd="/usr/lib/cyrus/bin/nntpd -s -r"\n'
                    '  c cmd="nntpd -f"\n}\n')
    a, b, c = (check_service(entry) for entry in load_cyrus_conf(conf).services)
    assert (a.modes, a.implicit_tls) == ({}, False)
    assert (b.modes, b.implicit_tls) == ({"feeder": False}, True)
    assert c.modes == {"reader": False}


async def _session(port: int, tls: ssl.SSLContext | None, script: str) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=tls,
                                                   server_hostname="localhost" if tls else None)
    client = TranscriptClient(reader, writer)
    try:
        await client.play(script)
    finally:
        await client.close()


async def test_the_master_serves_nntp_nntps_readers_and_feeders(tmp_path: Path,
                                                                cert_dir: Path) -> None:
    site = make_site(tmp_path / "site", cert_dir, EXTRA_CONF)
    tls = ssl.create_default_context()
    tls.check_hostname = False
    tls.verify_mode = ssl.CERT_NONE
    services = {"nntp": "nntpd", "nntps": "nntpd -s", "reader": "nntpd -r", "feeder": "nntpd -f"}
    with running_master(site, services) as master:
        await _session(master.ports["nntp"], None, """
            S: 200 {…}posting allowed
            C: QUIT
            S: 205 {…}
        """)
        await _session(master.ports["nntps"], tls, """
            S: 200 {…}
            C: AUTHINFO USER bob
            S: 381 {…}
        """)
        await _session(master.ports["reader"], None, """
            S: 200 {…}
            C: IHAVE <a@b>
            S: 502 {…}
        """)
        await _session(master.ports["feeder"], None, """
            S: 201 {…}posting prohibited
            C: AUTHINFO USER bob
            S: 381 {…}
            C: AUTHINFO PASS secret
            S: 281 {…}
            C: GROUP test.one
            S: 502 {…}
            C: LIST NEWSGROUPS
            S: 502 {…}
            C: IHAVE <a@b>
            S: 502 {…}
        """)
