"""One frozen dataclass per LMTP command (RFC 2033 §4, RFC 5321 §4.1.1).

`command_line(cmd)` renders a command as a client sends it; the parser in
`parse.py` turns that line back into the same value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Lhlo:
    """LHLO host. RFC 2033 §4.1: LMTP's EHLO."""

    host: str


@dataclass(frozen=True, slots=True)
class Mail:
    """MAIL FROM:<sender>. RFC 5321 §4.1.1.2; SIZE= RFC 1870 §3, BODY= RFC 6152 §2.

    `sender` is "" for the null reverse-path `<>`.
    """

    sender: str
    size: int | None = None
    body: str | None = None  # "7BIT" or "8BITMIME"


@dataclass(frozen=True, slots=True)
class Rcpt:
    """RCPT TO:<recipient>. RFC 5321 §4.1.1.3; a bare `user` is a local user."""

    recipient: str


@dataclass(frozen=True, slots=True)
class Data:
    """DATA. RFC 2033 §4.2: one reply per accepted recipient after the body."""


@dataclass(frozen=True, slots=True)
class Rset:
    """RSET. RFC 5321 §4.1.1.5."""


@dataclass(frozen=True, slots=True)
class Noop:
    """NOOP. RFC 5321 §4.1.1.9 (an argument is allowed and ignored)."""


@dataclass(frozen=True, slots=True)
class Quit:
    """QUIT. RFC 5321 §4.1.1.10."""


@dataclass(frozen=True, slots=True)
class Vrfy:
    """VRFY string. RFC 5321 §4.1.1.6; always 252 (§3.5.3)."""

    argument: str


@dataclass(frozen=True, slots=True)
class Help:
    """HELP [topic]. RFC 5321 §4.1.1.8."""

    topic: str = ""


@dataclass(frozen=True, slots=True)
class Starttls:
    """STARTTLS. RFC 3207 §4."""


Command = Lhlo | Mail | Rcpt | Data | Rset | Noop | Quit | Vrfy | Help | Starttls

_SIMPLE: dict[type, str] = {
    Data: "DATA", Rset: "RSET", Noop: "NOOP", Quit: "QUIT", Starttls: "STARTTLS",
}


def command_line(cmd: Command) -> bytes:
    """The command as a client writes it, CRLF included."""
    match cmd:
        case Lhlo(host):
            text = f"LHLO {host}"
        case Mail(sender, size, body):
            text = f"MAIL FROM:<{sender}>"
            if size is not None:
                text += f" SIZE={size}"
            if body is not None:
                text += f" BODY={body}"
        case Rcpt(recipient):
            text = f"RCPT TO:<{recipient}>"
        case Vrfy(argument):
            text = f"VRFY {argument}"
        case Help(topic):
            text = f"HELP {topic}" if topic else "HELP"
        case _:
            text = _SIMPLE[type(cmd)]
    return text.encode("ascii") + b"\r\n"
