"""A Roost site in a temp directory: imapd.conf, TLS certificate, users, store."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from roost.auth.open_credentials import open_credential_store
from roost.config import Config, parse_config
from roost.net.tls import make_self_signed
from tests.harness.backend import store_options

PASSWORD = "secret"
USERS = ("bob", "alice")
ADMIN = "admin"


@lru_cache(maxsize=1)
def _certificate(directory: str) -> tuple[Path, Path]:
    cert, key = Path(directory) / "cert.pem", Path(directory) / "key.pem"
    make_self_signed(cert, key, "localhost")
    return cert, key


@dataclass
class Site:
    root: Path
    conf: Config
    conf_path: Path
    cert: Path


def make_site(root: Path, cert_dir: Path, extra: str = "") -> Site:
    """Write imapd.conf for a site under `root` (on this run's store backend,
    tests/harness/backend.py; `extra` may override it) and create its users' passwords."""
    cert, key = _certificate(str(cert_dir))
    text = (
        f"configdirectory: {root / 'config'}\n"
        f"partition-default: {root / 'spool'}\n"
        f"admins: {ADMIN}\n"
        "allowplaintext: yes\n"
        "sasl_scram_iterations: 64\n"
        "failedloginpause: 0\n"
        "servername: roost.test\n"
        f"tls_server_cert: {cert}\n"
        f"tls_server_key: {key}\n"
        "workers: 1\n"
        + store_options(root / "config")
        + extra
    )
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "spool").mkdir(parents=True, exist_ok=True)
    conf_path = root / "imapd.conf"
    conf_path.write_text(text)
    conf = parse_config(text, conf_path)
    creds = open_credential_store(conf)
    for user in (*USERS, ADMIN):
        creds.set_password(user, PASSWORD)
    creds.close()
    return Site(root, conf, conf_path, cert)
