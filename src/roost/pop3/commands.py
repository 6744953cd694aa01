"""One frozen dataclass per POP3 command (RFC 1939 §4-§7, RFC 2449, RFC 2595, RFC 5034).

Message numbers are as the client sent them (1-based, RFC 1939 §4);
whether one names a message is the handler's question.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class User:
    """USER name. RFC 1939 §7."""

    name: str


@dataclass(frozen=True, slots=True)
class Pass:
    """PASS string: everything after the first space, spaces kept. RFC 1939 §7."""

    password: str


@dataclass(frozen=True, slots=True)
class Auth:
    """AUTH [mechanism [initial-response]]. RFC 5034 §4; no mechanism asks
    for the list (draft-myers-sasl-pop3, which Cyrus and clients still use).
    `initial` is the base64 text as sent ("=" is an empty response)."""

    mechanism: str | None
    initial: str | None = None


@dataclass(frozen=True, slots=True)
class Stls:
    """STLS. RFC 2595 §4."""


@dataclass(frozen=True, slots=True)
class Capa:
    """CAPA. RFC 2449 §5."""


@dataclass(frozen=True, slots=True)
class Quit:
    """QUIT. RFC 1939 §5 (AUTHORIZATION) and §6 (UPDATE)."""


@dataclass(frozen=True, slots=True)
class Stat:
    """STAT. RFC 1939 §5."""


@dataclass(frozen=True, slots=True)
class List:
    """LIST [msg]. RFC 1939 §5."""

    msg: int | None = None


@dataclass(frozen=True, slots=True)
class Retr:
    """RETR msg. RFC 1939 §5."""

    msg: int


@dataclass(frozen=True, slots=True)
class Top:
    """TOP msg n. RFC 1939 §7."""

    msg: int
    lines: int


@dataclass(frozen=True, slots=True)
class Dele:
    """DELE msg. RFC 1939 §5."""

    msg: int


@dataclass(frozen=True, slots=True)
class Noop:
    """NOOP. RFC 1939 §5."""


@dataclass(frozen=True, slots=True)
class Rset:
    """RSET. RFC 1939 §5."""


@dataclass(frozen=True, slots=True)
class Uidl:
    """UIDL [msg]. RFC 1939 §7."""

    msg: int | None = None


Command = (User | Pass | Auth | Stls | Capa | Quit | Stat | List | Retr | Top | Dele | Noop
           | Rset | Uidl)
