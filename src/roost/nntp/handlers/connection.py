"""CAPABILITIES, MODE READER, HELP, DATE, QUIT, STARTTLS (RFC 3977 §5, §7.1,
§7.2; RFC 4642)."""

from __future__ import annotations

from datetime import UTC, datetime

from roost.nntp import commands as c
from roost.nntp import responses as r
from roost.nntp.capabilities import capability_lines, help_lines
from roost.nntp.errors import Reply
from roost.nntp.session import After, Session


def greeting_text(s: Session) -> tuple[int, str]:
    """RFC 3977 §5.1.1: 200 posting allowed, 201 prohibited (a feeder-only
    service, Cyrus `nntpd -f`); the name and version as serverinfo says."""
    name = s.conf.servername or "Roost"
    who = {"on": f"{name} Roost NNTP server ready", "min": f"{name} server ready"}.get(
        s.conf.serverinfo, "server ready")
    if s.reader:
        return 200, f"{who}, posting allowed"
    return 201, f"{who}, posting prohibited"


async def capabilities(s: Session, cmd: c.Simple) -> None:
    """RFC 3977 §5.2: 101 and the list."""
    s.did_capabilities = True
    s.send(r.block(101, "Capability list follows", capability_lines(s)))


async def mode(s: Session, cmd: c.Mode) -> None:
    """RFC 3977 §5.3: Roost is not mode-switching, so MODE READER only repeats
    the greeting's code; MODE STREAM (RFC 4644) is not offered."""
    if cmd.mode != "READER":
        raise Reply(501, "Unknown MODE")
    code, text = greeting_text(s)
    s.send(r.status(code, text))


async def help_(s: Session, cmd: c.Simple) -> None:
    s.send(r.block(100, "Help text follows", help_lines(s)))


async def date(s: Session, cmd: c.Simple) -> None:
    """RFC 3977 §7.1: the server's time in UTC."""
    s.send(r.status(111, datetime.now(UTC).strftime("%Y%m%d%H%M%S")))


async def quit_(s: Session, cmd: c.Simple) -> None:
    s.after = After.CLOSE
    s.send(r.status(205, "Connection closing"))


async def starttls(s: Session, cmd: c.Simple) -> None:
    """RFC 4642 §2.2: not twice, not after authentication (502)."""
    if s.tls_active or s.authenticated:
        raise Reply(502, "STARTTLS not allowed now")
    if s.ctx.ssl is None:
        raise Reply(580, "TLS not available")
    s.after = After.START_TLS
    s.send(r.status(382, "Continue with TLS negotiation"))
