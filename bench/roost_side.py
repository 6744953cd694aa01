"""Start Roost on loopback for a benchmark, in a temporary site, and stop it.

The site is throwaway: a temp directory holding imapd.conf, cyrus.conf,
the store and the credentials of user1..userN, each with an INBOX. The
master runs in a subprocess (`python -m bench.roost_side serve DIR`) so the
benchmark client never shares a process or an event loop with the server,
and so its process tree can be measured.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bench.sides import MasterProcess, wait_for_port, wait_for_unix

REPO = Path(__file__).resolve().parents[1]
IMAP_PORT = 21144


class RoostSide(MasterProcess):
    """A Roost master serving IMAP and LMTP on 127.0.0.1."""

    name = "roost"

    def __init__(self, users: int, password: str, workers: int = 0,
                 imap_port: int = IMAP_PORT, admin: bool = False,
                 extra_conf: str = "") -> None:
        """`extra_conf`: more imapd.conf lines, e.g. "write_timeout: 10\\n"."""
        self.extra_conf = extra_conf
        self.users = users
        self.admin = admin
        self.password = password
        self.workers = workers
        self.imap_port = imap_port
        super().__init__("roost-bench-")
        self.lmtp_socket = str(self.root / "lmtp.sock")

    def _write_site(self) -> None:
        (self.root / "imapd.conf").write_text(
            f"configdirectory: {self.root / 'config'}\n"
            f"partition-default: {self.root / 'spool'}\n"
            "admins: admin\nallowplaintext: yes\nservername: roost.bench\n"
            f"workers: {self.workers}\n" + self.extra_conf)
        (self.root / "cyrus.conf").write_text(
            "SERVICES {\n"
            f'  imap cmd="imapd" listen="127.0.0.1:{self.imap_port}"\n'
            f'  lmtp cmd="lmtpd" listen="{self.lmtp_socket}"\n'
            "}\n")

    async def _create_users(self) -> None:
        from roost.auth.open_credentials import open_credential_store
        from roost.config import load_config
        from roost.store.names import user_inbox
        from roost.store.open import open_store

        conf = load_config(str(self.root / "imapd.conf"))
        store = open_store(conf)  # creates configdirectory and the partitions
        creds = open_credential_store(conf)
        try:
            for n in range(1, self.users + 1):
                creds.set_password(f"user{n}", self.password)
                await store.create_mailbox(user_inbox(f"user{n}"))
            if self.admin:  # `admins: admin` is in imapd.conf; give it a password
                creds.set_password("admin", self.password)
        finally:
            creds.close()
            await store.close()

    def start(self) -> None:
        self._write_site()
        asyncio.run(self._create_users())
        self.spawn([sys.executable, "-m", "bench.roost_side", "serve", str(self.root)], cwd=REPO)
        wait_for_port(self.imap_port, self.process)
        wait_for_unix(self.lmtp_socket, self.process)


def serve(root: Path) -> int:
    """The subprocess: run the master of the site at `root` until SIGTERM."""
    import logging

    from roost.config import load_config
    from roost.config.cyrusconf import load_cyrus_conf
    from roost.master.supervisor import Supervisor

    logging.basicConfig(level=logging.WARNING,
                        format="%(asctime)s roost[%(process)d] %(levelname)s %(message)s")
    conf = load_config(str(root / "imapd.conf"))
    return Supervisor(conf, load_cyrus_conf(root / "cyrus.conf")).run()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        sys.exit(serve(Path(sys.argv[2])))
    print("usage: python -m bench.roost_side serve SITE_DIR", file=sys.stderr)
    sys.exit(2)
