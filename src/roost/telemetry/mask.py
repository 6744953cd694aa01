"""Secrets out of telemetry: what a client line may not show.

Telemetry starts at login, so the login that started it is never in the
file; what can follow is a second login (IMAP and ManageSieve
UNAUTHENTICATE, RFC 8437), a SASL exchange, or a password pipelined after
the first. The masker sees the client's lines and the starts of the
server's, whatever the protocol, and replaces:

- the arguments of `LOGIN` (IMAP, RFC 9051 §6.2.3), `PASS` (POP3, RFC 1939
  §7), `APOP` (its digest), `AUTHINFO PASS` (NNTP, RFC 4643 §2.3), and
  literals that belong to them (`{n}` / `{n+}`);
- the initial response of `AUTHENTICATE` / `AUTH` / `AUTHINFO SASL`
  (RFC 4959, RFC 5034, RFC 4643 §2.4, RFC 5804 §2.1), and every client
  line of the exchange that follows, until the server answers with
  something other than a continuation (`+ ...`, `383`, or a ManageSieve
  challenge string or literal).

Masked text reads `***`; the line break is kept, so the transcript keeps
its shape.
"""

from __future__ import annotations

import re

MASK = b"***"

_TAG = rb"(?:[^\s]+ )?"
#: (line prefix kept, rest masked) for commands whose arguments are secrets.
_SECRET_ARGS = re.compile(rb"^(" + _TAG + rb"(?:LOGIN|PASS|APOP|AUTHINFO +PASS) +)(.*)$",
                          re.IGNORECASE | re.DOTALL)
#: SASL starts: prefix (with the mechanism) kept, initial response masked.
_SASL_START = re.compile(rb"^(" + _TAG + rb"(?:AUTHENTICATE|AUTH|AUTHINFO +SASL) +\"?[\w-]+\"?)"
                         rb"( +.*)?$", re.IGNORECASE | re.DOTALL)
_LITERAL_END = re.compile(rb"\{(\d{1,10})\+?\}$")
#: Server lines that continue a SASL exchange (anything else ends it).
_CONTINUATION = re.compile(rb"^(?:\+(?: |\r?$)|383 |\"|\{\d+\}\r?$)")


class Masker:
    """The masking state of one session's client stream."""

    def __init__(self) -> None:
        self._literal = 0           # bytes of a secret literal still to come
        self._in_secret_command = False  # a line after the literal still belongs to it
        self._in_exchange = False   # between a SASL start and the server's final answer
        self._mid_line: bool | None = None  # after a piece without its line end: was it masked

    def client_line(self, line: bytes) -> bytes:
        """One client line (its CRLF included), or a piece of one too long to
        wait for its end, as the telemetry file may show it."""
        if self._literal:
            return self._in_literal(line)
        if self._mid_line is not None:
            masked_before = self._mid_line
            self._mid_line = None if line.endswith(b"\n") else masked_before
            return _masked_line(line) if masked_before else line
        shown = self._line(line)
        if not line.endswith(b"\n"):
            self._mid_line = shown != line
        return shown

    def _in_literal(self, line: bytes) -> bytes:
        taken = min(self._literal, len(line))
        self._literal -= taken
        rest = line[taken:]
        masked = MASK if taken else b""
        if self._literal or not rest:
            return masked + (b"\r\n" if line.endswith(b"\n") and not rest else b"")
        return masked + self._continue_secret(rest)

    def _line(self, line: bytes) -> bytes:
        if self._in_exchange:
            return _masked_line(line)
        if self._in_secret_command:
            return self._continue_secret(line)
        body = line.rstrip(b"\r\n")
        ending = line[len(body):]
        secret = _SECRET_ARGS.match(body)
        if secret is not None:
            self._note_literal(body)
            return secret.group(1) + MASK + ending
        sasl = _SASL_START.match(body)
        if sasl is not None:
            self._in_exchange = True
            self._note_literal(body)
            return sasl.group(1) + (b" " + MASK if sasl.group(2) else b"") + ending
        return line

    def server_line(self, start: bytes) -> None:
        """The start of a server reply: a final answer ends a SASL exchange."""
        if self._in_exchange and not _CONTINUATION.match(start):
            self._in_exchange = False
            self._literal = 0
            self._in_secret_command = False

    def _continue_secret(self, line: bytes) -> bytes:
        """A line that continues a secret command after one of its literals."""
        body = line.rstrip(b"\r\n")
        self._in_secret_command = False
        self._note_literal(body)
        return MASK + line[len(body):] if body else line

    def _note_literal(self, body: bytes) -> None:
        literal = _LITERAL_END.search(body)
        if literal is not None:
            self._literal = int(literal.group(1))
            self._in_secret_command = True


def _masked_line(line: bytes) -> bytes:
    body = line.rstrip(b"\r\n")
    return (MASK if body else b"") + line[len(body):]
