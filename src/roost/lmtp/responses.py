"""LMTP replies as values, and their bytes.

A reply is a three-digit code (RFC 5321 §4.2), an enhanced status code
(RFC 2034 §3, RFC 3463) on every 2xx/4xx/5xx reply, and one or more lines of
text. Multi-line replies use `code-text` on all but the last line
(RFC 5321 §4.2.1).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reply:
    """One reply: `code`, enhanced `status` ("" for 1xx/3xx/220/221), text lines."""

    code: int
    status: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    def render(self) -> bytes:
        """The reply on the wire, CRLF-terminated (RFC 5321 §4.2.1)."""
        out = []
        last = len(self.lines) - 1
        for i, line in enumerate(self.lines):
            sep = " " if i == last else "-"
            # RFC 2034 §3: the enhanced code starts the text of every line.
            prefix = f"{self.status} " if self.status else ""
            out.append(f"{self.code}{sep}{prefix}{line}\r\n")
        return "".join(out).encode("utf-8", "replace")


def reply(code: int, status: str, *lines: str) -> Reply:
    """A reply; one text line unless more are given."""
    return Reply(code, status, lines or ("",))


def render_all(replies: list[Reply]) -> bytes:
    return b"".join(r.render() for r in replies)


# Replies that do not depend on the session. RFC 3463 codes: X.0.0 other,
# X.1.0/X.1.5 addresses, X.3.4 message too big, X.5.x protocol.
OK = reply(250, "2.0.0", "OK")
SENDER_OK = reply(250, "2.1.0", "Sender OK")
RECIPIENT_OK = reply(250, "2.1.5", "Recipient OK")
START_DATA = reply(354, "", "Start mail input; end with <CRLF>.<CRLF>")
START_TLS = reply(220, "2.0.0", "Ready to start TLS")
VRFY_CANNOT = reply(252, "2.5.0",
                    "Cannot VRFY user, but will accept message and attempt delivery")
HELP = reply(214, "2.0.0",
             "Commands: LHLO MAIL RCPT DATA RSET NOOP QUIT VRFY HELP STARTTLS",
             "See RFC 2033 (LMTP) and RFC 5321")

# -- errors
UNRECOGNIZED = reply(500, "5.5.1", "Unrecognized command")
# RFC 2033 §4.1: an LMTP server MUST NOT return a positive reply to HELO/EHLO.
USE_LHLO = reply(500, "5.5.1", "This is LMTP: use LHLO")
LINE_TOO_LONG = reply(500, "5.5.2", "Line too long")  # RFC 5321 §4.5.3.1.10
NOT_IMPLEMENTED = reply(502, "5.5.1", "Command not implemented")
TLS_ACTIVE = reply(503, "5.5.1", "TLS already active")
UNKNOWN_PARAM = reply(555, "5.5.4", "Parameter not recognized or not implemented")
# RFC 1870 §6.1: a declared or actual size above the fixed maximum.
TOO_BIG = reply(552, "5.3.4", "Message size exceeds fixed maximum message size")
TLS_FAILED = reply(454, "4.7.0", "TLS not available due to temporary reason")


def syntax(text: str) -> Reply:
    """501: the arguments do not parse (RFC 5321 §4.2.2)."""
    return reply(501, "5.5.4", text)


def bad_sequence(text: str) -> Reply:
    """503: right command, wrong moment (RFC 5321 §4.2.2)."""
    return reply(503, "5.5.1", text)
