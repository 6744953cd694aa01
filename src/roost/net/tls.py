"""TLS: the server's SSL context from imapd.conf, and a self-signed certificate for set-up.

`tls_server_cert` / `tls_server_key` name PEM files, as in Cyrus. With
neither set, STARTTLS and implicit-TLS services are not offered.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
from pathlib import Path

from roost.config import Config, ConfigError

_VERSIONS = {
    "tls1_0": ssl.TLSVersion.TLSv1,
    "tls1_1": ssl.TLSVersion.TLSv1_1,
    "tls1_2": ssl.TLSVersion.TLSv1_2,
    "tls1_3": ssl.TLSVersion.TLSv1_3,
}


def server_context(conf: Config) -> ssl.SSLContext | None:
    """The server SSL context, or None when no certificate is configured."""
    if not conf.tls_server_cert:
        return None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    versions = sorted(_VERSIONS[v] for v in conf.tls_versions if v in _VERSIONS)
    if versions:
        ctx.minimum_version = versions[0]
        ctx.maximum_version = versions[-1]
    try:
        ctx.load_cert_chain(conf.tls_server_cert, conf.tls_server_key or None)
    except (OSError, ssl.SSLError) as err:
        raise ConfigError(f"tls_server_cert/tls_server_key: cannot load: {err}") from None
    return ctx


def make_self_signed(cert_path: Path, key_path: Path, hostname: str) -> None:
    """Write a self-signed certificate for `hostname` and 127.0.0.1 (key mode 0600)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostname)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName(hostname), x509.DNSName("localhost"),
                 x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_bytes = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key_bytes)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
