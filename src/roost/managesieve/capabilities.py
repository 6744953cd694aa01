"""The capability lines of RFC 5804 §1.7, each with the rule that decides it.

Sent in the greeting, after STARTTLS (§2.2, without STARTTLS), and for
CAPABILITY (§2.4). SIEVE lists what `roost.sieve` compiles under
sieve_extensions (SieveOptions.capabilities), NOTIFY the enotify methods
`roost.sieve.notify` knows, SASL the mechanisms the login flow offers on
this connection (roost.auth.sasl.mechanisms_offered: PLAIN and LOGIN only
under TLS unless allowplaintext, the one rule every protocol follows).
"""

from __future__ import annotations

import socket

from roost import __version__
from roost.auth.sasl import mechanisms_offered
from roost.config import Config
from roost.managesieve.responses import string
from roost.sieve import SieveOptions

#: RFC 5435 §3 methods roost.sieve.notify accepts (mailto, RFC 5436).
NOTIFY_METHODS = ("mailto",)


def implementation(conf: Config) -> str:
    """IMPLEMENTATION, as much as serverinfo allows (Cyrus says the same
    amount in timsieved: name and version, the name, or only the protocol)."""
    if conf.serverinfo == "on":
        return f"Roost timsieved {__version__}"
    if conf.serverinfo == "min":
        return "Roost timsieved"
    return "ManageSieve"


def capability_lines(conf: Config, options: SieveOptions, *, tls_active: bool,
                     tls_available: bool, owner: str | None) -> list[tuple[str, str | None]]:
    """(name, value) pairs; `owner` is the logged-in user, None before login."""
    lines: list[tuple[str, str | None]] = [
        ("IMPLEMENTATION", implementation(conf)),  # §1.7: MUST always be returned
        ("SASL", " ".join(mechanisms_offered(conf, tls_active))),
        ("SIEVE", " ".join(options.capabilities())),  # §1.7: MUST always be returned
    ]
    # §1.7: STARTTLS only when TLS can work, and not once it (or a login) is done.
    if tls_available and not tls_active and owner is None:
        lines.append(("STARTTLS", None))
    if "enotify" in options.extensions:  # §1.7: MUST when enotify is supported
        lines.append(("NOTIFY", " ".join(NOTIFY_METHODS)))
    lines.append(("MAXREDIRECTS", str(conf.sieve_maxredirects)))
    if owner is not None:  # §1.7: MUST NOT before login, SHOULD after
        lines.append(("OWNER", owner))
    lines.append(("UNAUTHENTICATE", None))  # §2.14.1
    lines.append(("VERSION", "1.0"))  # §1.7: MUST always be returned
    return lines


def render(lines: list[tuple[str, str | None]]) -> bytes:
    """The lines as RFC 5804 §4 `single-capability`s (the OK is the caller's)."""
    out = []
    for name, value in lines:
        out.append(string(name) + (b" " + string(value) if value is not None else b"") + b"\r\n")
    return b"".join(out)


def servername(conf: Config) -> str:
    return conf.servername or socket.gethostname()
