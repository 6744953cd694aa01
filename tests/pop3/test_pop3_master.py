"""pop3d and pop3d -s from cyrus.conf under the real master with two
workers: the maildrop lock holds across worker processes ([IN-USE])."""

from __future__ import annotations

import poplib
import ssl
from pathlib import Path

from roost.store.names import user_inbox
from roost.store.open import open_store
from tests.harness.master import running_master
from tests.harness.site import PASSWORD, make_site


async def make_inbox(conf_path: Path) -> None:
    from roost.config import load_config
    store = open_store(load_config(str(conf_path)))
    try:
        inbox = await store.create_mailbox(user_inbox("bob"))
        await store.append(inbox.id, b"Subject: hi\r\n\r\nhello\r\n")
    finally:
        await store.close()


def test_master_serves_pop3_and_pop3s(tmp_path: Path, cert_dir: Path) -> None:
    import asyncio
    site = make_site(tmp_path / "site", cert_dir, "workers: 2\n")
    asyncio.run(make_inbox(site.conf_path))
    with running_master(site, {"pop3": "pop3d", "pop3s": "pop3d -s"}) as master:
        context = ssl.create_default_context(cafile=str(site.cert))
        held = poplib.POP3_SSL("localhost", master.ports["pop3s"], context=context, timeout=10)
        held.user("bob")
        held.pass_(PASSWORD)
        assert held.stat() == (1, 22)
        others = []
        for _ in range(4):  # whichever worker takes them
            other = poplib.POP3("127.0.0.1", master.ports["pop3"], timeout=10)
            other.user("bob")
            try:
                other.pass_(PASSWORD)
                raise AssertionError("a second session got the maildrop")
            except poplib.error_proto as err:
                assert str(err).startswith("b'-ERR [IN-USE]")
            others.append(other)
        held.quit()
        for other in others:
            other.quit()
        again = poplib.POP3("127.0.0.1", master.ports["pop3"], timeout=10)
        again.user("bob")
        assert again.pass_(PASSWORD).startswith(b"+OK")
        again.quit()
        assert master.stop() == 0, master.log_text
