"""Choosing and starting server-side SASL mechanisms (RFC 4422)."""

from __future__ import annotations

from collections.abc import Callable

from roost.auth.credentials import CredentialSource
from roost.auth.outcomes import Canonicalize, IsAdmin, Mechanism
from roost.auth.plain import Login, Plain
from roost.auth.scram_server import Scram, default_nonce
from roost.auth.sources import secrets_available
from roost.config import Config

#: Every mechanism Roost implements, in the order they are advertised.
IMPLEMENTED = ("SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN", "LOGIN")
#: Mechanisms that send the password itself (RFC 4616 §6, RFC 2595 §3.2).
PLAINTEXT = frozenset({"PLAIN", "LOGIN"})
#: Mechanisms that need the source's stored secrets (RFC 5802 §3).
NEED_SECRETS = frozenset({"SCRAM-SHA-256", "SCRAM-SHA-1"})


class UnknownMechanism(ValueError):
    """A mechanism name Roost does not implement."""


def plaintext_allowed(conf: Config, tls_active: bool) -> bool:
    """Whether a password may travel as it is (IMAP LOGIN, POP3 USER/PASS,
    NNTP AUTHINFO USER, SASL PLAIN and LOGIN): under TLS, or where
    allowplaintext says so (RFC 9051 §6.2.3, RFC 4643 §2.3.1, RFC 2595 §2.1)."""
    return tls_active or conf.allowplaintext


def mechanisms_offered(conf: Config, tls_active: bool) -> list[str]:
    """The mechanisms to advertise: those of sasl_mech_list Roost has, minus
    PLAIN and LOGIN where `plaintext_allowed` says no, and SCRAM when the
    credential sources keep no secrets (saslauthd, SQL: roost.auth.sources)."""
    wanted = set(conf.sasl_mechanisms())
    hide_plaintext = not plaintext_allowed(conf, tls_active)
    hide_secrets = not secrets_available(conf)
    return [
        mech for mech in IMPLEMENTED
        if mech in wanted and not (hide_plaintext and mech in PLAINTEXT)
        and not (hide_secrets and mech in NEED_SECRETS)
    ]


def _same(name: str) -> str:
    return name


def start(mech_name: str, creds: CredentialSource, *, is_admin: IsAdmin,
          canonicalize: Canonicalize = _same,
          nonce: Callable[[], str] = default_nonce, service: str = "imap") -> Mechanism:
    """A fresh exchange of `mech_name` (case-insensitive, RFC 4422 §3.1).

    `is_admin(authcid)` decides proxy authorization; `canonicalize` maps a
    login name to its record key (roost.auth.identity.canonical_user) and
    raises ValueError for names that cannot be users; `nonce` makes the
    server part of SCRAM nonces (tests inject the RFC examples' nonces);
    `service` is the protocol's SASL service name, for saslauthd.
    """
    name = mech_name.upper()
    if name == "PLAIN":
        return Plain(creds, is_admin, canonicalize, service)
    if name == "LOGIN":
        return Login(creds, is_admin, canonicalize, service)
    if name in ("SCRAM-SHA-1", "SCRAM-SHA-256"):
        return Scram(name[len("SCRAM-"):], creds, is_admin, canonicalize, nonce)
    raise UnknownMechanism(f"no SASL mechanism {mech_name!r}")
