"""Start Debian's Dovecot 2.3 on loopback beside Cyrus, without installing it.

Debian's dovecot-imapd and cyrus-imapd both provide `imap-server` and
conflict, so apt cannot install Dovecot on a machine that keeps Cyrus. The
packages are fetched with `apt-get download` and unpacked with `dpkg -x`
into a private directory ($ROOST_BENCH_DOVECOT, else
~/.cache/roost-bench/dovecot); only their missing library dependencies are
installed with apt.

Dovecot compiles some paths in, and no setting moves them: libdovecot is
found through RUNPATH /usr/lib/dovecot, and imap-login opens
/usr/lib/dovecot/modules at start. So the master runs in a private mount
namespace (`unshare -m`) where the unpacked usr/lib is overlaid on /usr/lib;
the machine's /usr/lib is left as it is. The master would also re-exec
/usr/bin/doveconf to read its config: the unpacked doveconf is started
instead and execs the master with the settings in its environment
(`doveconf -e`).

Everything else (dovecot.conf, passwd-file, sockets, logs, mail) lives in a
temp directory. Settings are Dovecot's defaults but for what a throwaway
loopback server needs: no TLS, plaintext LOGIN, users user1..userN in a
passwd-file (plaintext scheme) owned by the unprivileged `mail` user (mail
processes refuse uid 0), maildir, IMAP on 127.0.0.1:21145 and LMTP on a
unix socket.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import tempfile
from pathlib import Path

from bench.sides import MasterProcess, wait_for_port, wait_for_unix

PACKAGES = ("dovecot-core", "dovecot-imapd", "dovecot-lmtpd")
IMAP_PORT = 21145
MAIL_USER = "mail"
POSTMASTER = "postmaster@dovecot.bench"


def private_root() -> Path:
    """Where the unpacked packages live: outside the repository, kept between runs."""
    configured = os.environ.get("ROOST_BENCH_DOVECOT")
    return Path(configured) if configured else Path.home() / ".cache/roost-bench/dovecot"


def missing_libraries() -> list[str]:
    """The packages' Depends that are libraries not installed on this machine."""
    out = subprocess.run(["apt-cache", "depends", "--important", *PACKAGES],
                         check=True, capture_output=True, text=True).stdout
    libs = sorted({line.split()[-1] for line in out.splitlines()
                   if line.strip().startswith("Depends: lib")})
    return [lib for lib in libs
            if subprocess.run(["dpkg-query", "-W", "-f=${Status}", lib], check=False,
                              capture_output=True, text=True).stdout != "install ok installed"]


def ensure_unpacked(root: Path) -> None:
    """apt-get download + dpkg -x the packages into `root` unless already there."""
    if (root / "usr/sbin/dovecot").exists():
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    libs = missing_libraries()
    if libs:
        subprocess.run(["apt-get", "install", "-y", *libs], check=True, env=env)
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dovecot-debs-", dir=root.parent) as work:
        debs, tree = Path(work) / "debs", Path(work) / "tree"
        debs.mkdir()
        subprocess.run(["apt-get", "download", *PACKAGES], cwd=debs, check=True, env=env)
        for deb in sorted(debs.glob("*.deb")):
            subprocess.run(["dpkg", "-x", str(deb), str(tree)], check=True)
        tree.rename(root)  # whole or not at all: a half-unpacked tree is never seen


class DovecotSide(MasterProcess):
    """A Dovecot master serving IMAP and LMTP on 127.0.0.1 from a temp directory."""

    name = "dovecot"
    log_names = ("master.log", "dovecot.log")

    def __init__(self, users: int, password: str, imap_port: int = IMAP_PORT) -> None:
        self.users = users
        self.password = password
        self.imap_port = imap_port
        self.dist = private_root()
        super().__init__("dovecot-bench-")
        self.lmtp_socket = str(self.root / "run" / "lmtp")

    def _write_config(self) -> None:
        root = self.root
        mail = pwd.getpwnam(MAIL_USER)
        root.chmod(0o755)  # mail processes run as `mail` and must reach home/
        (root / "home").mkdir()
        os.chown(root / "home", mail.pw_uid, mail.pw_gid)
        (root / "passwd").write_text("".join(
            f"user{n}:{{PLAIN}}{self.password}:{mail.pw_uid}:{mail.pw_gid}::"
            f"{root / 'home' / f'user{n}'}::\n" for n in range(1, self.users + 1)))
        (root / "dovecot.conf").write_text(
            f"base_dir = {root / 'run'}\n"
            f"state_dir = {root / 'state'}\n"
            f"log_path = {root / 'dovecot.log'}\n"
            "protocols = imap lmtp\n"
            "listen = 127.0.0.1\n"
            "ssl = no\n"
            "disable_plaintext_auth = no\n"
            "auth_mechanisms = plain login\n"
            # Debian's dovecot/dovenull users come with the package's postinst,
            # which never ran: the services run as `mail` instead.
            f"default_internal_user = {MAIL_USER}\n"
            f"default_internal_group = {MAIL_USER}\n"
            f"default_login_user = {MAIL_USER}\n"
            f"first_valid_uid = {mail.pw_uid}\n"
            "mail_location = maildir:~/Maildir\n"
            f"postmaster_address = {POSTMASTER}\n"
            f"passdb {{\n  driver = passwd-file\n  args = {root / 'passwd'}\n}}\n"
            f"userdb {{\n  driver = passwd-file\n  args = {root / 'passwd'}\n}}\n"
            "service imap-login {\n  inet_listener imap {\n"
            f"    address = 127.0.0.1\n    port = {self.imap_port}\n  }}\n}}\n"
            "service lmtp {\n"
            "  unix_listener lmtp {\n    mode = 0666\n  }\n}\n")

    def start(self) -> None:
        ensure_unpacked(self.dist)
        self._write_config()
        conf = str(self.root / "dovecot.conf")
        # Popen's pid ends up being the master's: unshare, sh and doveconf each exec.
        script = ('mount -t overlay overlay -o "lowerdir=$1/usr/lib:/usr/lib" /usr/lib && '
                  'exec "$1/usr/bin/doveconf" -c "$2" -e "$1/usr/sbin/dovecot" -F -c "$2"')
        self.spawn(["unshare", "--mount", "--propagation", "private",
                    "sh", "-c", script, "sh", str(self.dist), conf])
        wait_for_port(self.imap_port, self.process)
        wait_for_unix(self.lmtp_socket, self.process)

