"""What CAPABILITIES (RFC 3977 §5.2) and HELP list, for this session's state."""

from __future__ import annotations

from roost import __version__
from roost.auth.sasl import mechanisms_offered, plaintext_allowed
from roost.nntp.session import Session

#: LIST keywords served (RFC 3977 §7.6, RFC 6048 §2.2 ACTIVE.TIMES).
LIST_KEYWORDS = ("ACTIVE", "ACTIVE.TIMES", "NEWSGROUPS", "OVERVIEW.FMT", "HEADERS")


def capability_lines(s: Session) -> list[str]:
    """The capability lines, most general first."""
    conf = s.conf
    lines = ["VERSION 2"]
    if s.authenticated or conf.serverinfo == "on":
        lines.append(f"IMPLEMENTATION Roost NNTP {__version__}")
    reading = s.reader and s.may_read()
    if reading:
        lines += ["READER", "POST", "HDR", "OVER MSGID"]  # RFC 3977 §5.2, §8.3
        if conf.allownewnews:
            lines.append("NEWNEWS")
        lines.append("LIST " + " ".join(LIST_KEYWORDS))
    else:
        lines.append("LIST ACTIVE")
    if s.feeder:
        lines.append("IHAVE")
    if s.ctx.ssl is not None and not s.tls_active and not s.authenticated:
        lines.append("STARTTLS")  # RFC 4642 §2.1
    if not s.authenticated:
        mechanisms = mechanisms_offered(conf, s.tls_active)
        # RFC 4643 §2.1: USER only where a password may travel as it is.
        kinds = (["USER"] if plaintext_allowed(conf, s.tls_active) else []) + (
            ["SASL"] if mechanisms else [])
        if kinds:
            lines.append("AUTHINFO " + " ".join(kinds))
        if mechanisms:
            lines.append("SASL " + " ".join(mechanisms))
    return lines


def help_lines(s: Session) -> list[str]:
    """RFC 3977 §7.2: free text; one line per command the session may use."""
    lines = ["CAPABILITIES [keyword]", "HELP", "QUIT", "DATE", "MODE READER"]
    if not s.authenticated:
        lines += ["AUTHINFO USER name", "AUTHINFO PASS password",
                  "AUTHINFO SASL mechanism [initial-response]"]
        if s.ctx.ssl is not None and not s.tls_active:
            lines.append("STARTTLS")
    lines.append("LIST [ACTIVE [wildmat]]")
    if s.reader and s.may_read():
        lines += ["ARTICLE [message-id|number]", "BODY [message-id|number]",
                  "HEAD [message-id|number]", "STAT [message-id|number]", "GROUP newsgroup",
                  "LISTGROUP [newsgroup [range]]", "LAST", "NEXT",
                  "LIST ACTIVE.TIMES|NEWSGROUPS [wildmat]", "LIST OVERVIEW.FMT",
                  "LIST HEADERS [MSGID|RANGE]", "OVER [range|message-id]", "XOVER [range]",
                  "HDR field [range|message-id]", "XHDR field [range|message-id]",
                  "NEWGROUPS date time [GMT]", "POST"]
        if s.conf.allownewnews:
            lines.append("NEWNEWS wildmat date time [GMT]")
    if s.feeder:
        lines.append("IHAVE message-id")
    return ["  " + line for line in lines]
