"""Commands outside the mail transaction: LHLO, RSET, NOOP, QUIT, VRFY, HELP, STARTTLS."""

from __future__ import annotations

from roost.lmtp import responses as r
from roost.lmtp.commands import Help, Lhlo, Noop, Quit, Rset, Starttls, Vrfy
from roost.lmtp.errors import Reject
from roost.lmtp.session import After, Session, State


def extensions(s: Session) -> list[str]:
    """The LHLO keywords, each with the RFC that defines it."""
    size = s.conf.maxmessagesize
    keywords = [
        "PIPELINING",            # RFC 2920; RFC 2033 §5 requires it
        "ENHANCEDSTATUSCODES",   # RFC 2034; RFC 2033 §5 requires it
        "8BITMIME",              # RFC 6152
        f"SIZE {size}" if size else "SIZE",  # RFC 1870 §4: no number, no fixed limit
    ]
    if s.tls_context is not None and not s.tls_active:
        keywords.append("STARTTLS")  # RFC 3207 §4
    return keywords


async def lhlo(s: Session, cmd: Lhlo) -> r.Reply:
    """RFC 2033 §4.1: like EHLO, which also resets the transaction (RFC 5321 §4.1.4)."""
    s.reset_transaction()
    s.lhlo_host = cmd.host
    s.state = State.GREETED
    # RFC 2034 §3: no enhanced codes in the LHLO/EHLO response.
    return r.Reply(250, "", (s.servername, *extensions(s)))


async def rset(s: Session, cmd: Rset) -> r.Reply:
    s.reset_transaction()
    return r.OK


async def noop(s: Session, cmd: Noop) -> r.Reply:
    return r.OK


async def quit_(s: Session, cmd: Quit) -> r.Reply:
    """RFC 5321 §4.1.1.10: reply 221, then close."""
    s.after = After.CLOSE
    return r.reply(221, "2.0.0", f"{s.servername} closing connection")


async def vrfy(s: Session, cmd: Vrfy) -> r.Reply:
    """RFC 5321 §3.5.3: 252, so VRFY cannot be used to list users."""
    return r.VRFY_CANNOT


async def help_(s: Session, cmd: Help) -> r.Reply:
    return r.HELP


async def starttls(s: Session, cmd: Starttls) -> r.Reply:
    """RFC 3207 §4: offered only with a certificate; once per connection."""
    if s.tls_context is None:
        raise Reject(r.NOT_IMPLEMENTED)
    if s.tls_active:
        raise Reject(r.TLS_ACTIVE)
    s.after = After.START_TLS
    return r.START_TLS
