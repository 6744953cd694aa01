"""What CAPA lists (RFC 2449 §5), in the order Cyrus's pop3d lists it.

| capability | RFC | when |
|---|---|---|
| `SASL mechs` | RFC 5034 §3 | before login, if any mechanism is offered |
| `STLS` | RFC 2595 §4 | before login, TLS configured and not active |
| `EXPIRE days` / `EXPIRE NEVER` | RFC 2449 §6.7 | always (popexpiretime) |
| `LOGIN-DELAY minutes` | RFC 2449 §6.5 | always (popminpoll) |
| `TOP`, `UIDL` | RFC 2449 §6.1, §6.3 | always |
| `PIPELINING` | RFC 2449 §6.6 | always |
| `RESP-CODES` | RFC 2449 §6.4 | always |
| `AUTH-RESP-CODE` | RFC 3206 §6 | always |
| `USER` | RFC 2449 §6.2 | before login, where plaintext is allowed |
| `IMPLEMENTATION` | RFC 2449 §6.9 | after login, or serverinfo: on |

APOP is never offered: it needs the plaintext password (RFC 1939 §7),
which Roost's credential store does not keep.
"""

from __future__ import annotations

from roost import __version__
from roost.auth.sasl import mechanisms_offered, plaintext_allowed
from roost.config import Config


def capa_lines(conf: Config, *, tls_active: bool, tls_available: bool,
               authenticated: bool) -> list[str]:
    lines = []
    if not authenticated:
        mechs = mechanisms_offered(conf, tls_active)
        if mechs:
            lines.append("SASL " + " ".join(mechs))
        if tls_available and not tls_active:
            lines.append("STLS")
    expire = conf.popexpiretime
    lines.append("EXPIRE NEVER" if expire < 0 else f"EXPIRE {expire}")
    lines.append(f"LOGIN-DELAY {max(0, conf.popminpoll) * 60}")
    lines += ["TOP", "UIDL", "PIPELINING", "RESP-CODES", "AUTH-RESP-CODE"]
    if not authenticated and plaintext_allowed(conf, tls_active):
        lines.append("USER")
    if authenticated or conf.serverinfo == "on":
        lines.append(f"IMPLEMENTATION Roost POP3 {__version__}")
    return lines
