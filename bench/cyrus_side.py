"""Start Debian's Cyrus IMAP on loopback with a throwaway config, and stop it.

The comparison needs Cyrus as a site would run it, but must not touch the
machine's own Cyrus: everything (imapd.conf, cyrus.conf, databases, spool,
sasldb) lives in a temp directory owned by the cyrus user, the master runs
in the foreground on port 21143 (IMAP) and a unix socket (LMTP, as Debian
ships it: lmtpd asks TCP clients to AUTH), and Debian's own
service is stopped and kept from starting when the packages get installed.
Service options follow Debian's packaged cyrus.conf (`imapd -U 30`,
prefork=0); maxchild is raised so hundreds of sessions can be held.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from bench.imap_client import ImapClient
from bench.sides import MasterProcess, wait_for_port, wait_for_unix

CYRUS_BIN = Path("/usr/lib/cyrus/bin")
PACKAGES = ("cyrus-imapd", "cyrus-admin", "sasl2-bin")
IMAP_PORT = 21143
ADMIN = "cyrus"
SERVERNAME = "cyrus.bench"
MAXCHILD = 1100


def ensure_installed() -> None:
    """apt-get install the packages when missing, with Debian's service kept down."""
    if (CYRUS_BIN / "imapd").exists() and shutil.which("saslpasswd2"):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", *PACKAGES], check=True, env=env)
    subprocess.run(["service", "cyrus-imapd", "stop"], check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class CyrusSide(MasterProcess):
    """A Cyrus master serving IMAP and LMTP on 127.0.0.1 from a temp directory."""

    name = "cyrus"

    def __init__(self, users: int, password: str, imap_port: int = IMAP_PORT) -> None:
        self.users = users
        self.password = password
        self.imap_port = imap_port
        super().__init__("cyrus-bench-")
        self.lmtp_socket = str(self.root / "config" / "socket" / "lmtp")

    def _write_config(self) -> None:
        root = self.root
        for sub in ("config/socket", "config/proc", "config/lock", "config/db",
                    "config/log", "spool", "sieve"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "imapd.conf").write_text(
            f"configdirectory: {root / 'config'}\n"
            f"partition-default: {root / 'spool'}\n"
            f"sievedir: {root / 'sieve'}\n"
            f"servername: {SERVERNAME}\n"
            f"admins: {ADMIN}\n"
            "allowplaintext: yes\n"
            "sasl_pwcheck_method: auxprop\n"
            "sasl_auxprop_plugin: sasldb\n"
            f"sasl_sasldb_path: {root / 'sasldb2'}\n"
            "sasl_mech_list: PLAIN LOGIN\n"
            "hashimapspool: true\n"
            "unixhierarchysep: no\n"
            "altnamespace: no\n")
        # The master does not hand its -C to the programs it runs: each cmd names it.
        conf = f"-C {root / 'imapd.conf'}"
        (root / "cyrus.conf").write_text(
            "START {\n"
            f'  recover cmd="ctl_cyrusdb {conf} -r"\n'
            "}\n"
            "SERVICES {\n"
            f'  imap cmd="imapd {conf} -U 30" listen="127.0.0.1:{self.imap_port}" '
            f"prefork=0 maxchild={MAXCHILD}\n"
            f'  lmtpunix cmd="lmtpd {conf}" listen="{self.lmtp_socket}" '
            "prefork=0 maxchild=100\n"
            "}\n"
            "EVENTS {\n"
            f'  checkpoint cmd="ctl_cyrusdb {conf} -c" period=30\n'
            "}\n")

    def _create_credentials(self) -> None:
        db = str(self.root / "sasldb2")
        for user in [ADMIN, *(f"user{n}" for n in range(1, self.users + 1))]:
            subprocess.run(["saslpasswd2", "-p", "-c", "-f", db, "-u", SERVERNAME, user],
                           input=self.password.encode(), check=True)
        subprocess.run(["chown", "-R", "cyrus:mail", str(self.root)], check=True)

    async def create_mailboxes(self) -> None:
        """CREATE user.userN as the admin, over IMAP as any site would."""
        imap = await ImapClient.connect("127.0.0.1", self.imap_port)
        try:
            reply = await imap.login(ADMIN, self.password)
            if reply.status != "OK":
                raise RuntimeError(f"cyrus admin login: {reply.status} {reply.text}")
            for n in range(1, self.users + 1):
                reply = await imap.command(f"CREATE user.user{n}")
                if reply.status != "OK" and "exists" not in reply.text.lower():
                    raise RuntimeError(f"CREATE user.user{n}: {reply.status} {reply.text}")
            await imap.command("LOGOUT")
        finally:
            await imap.close()

    def start(self) -> None:
        import asyncio

        ensure_installed()
        self._write_config()
        self._create_credentials()
        self.spawn([str(CYRUS_BIN / "master"), "-C", str(self.root / "imapd.conf"),
                    "-M", str(self.root / "cyrus.conf"), "-p", str(self.root / "master.pid"),
                    "-D"])
        wait_for_port(self.imap_port, self.process)
        wait_for_unix(self.lmtp_socket, self.process)
        asyncio.run(self.create_mailboxes())
