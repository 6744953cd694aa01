"""A command line -> a command (commands.py), or `Bad` with the -ERR text.

RFC 1939 §3: a keyword, case-insensitive, then arguments separated by
single spaces; like Cyrus's pop3d, runs of spaces are taken too, except
inside PASS's argument, which is the rest of the line as sent (passwords
may hold spaces). Message numbers are decimal, at most 10 digits (Cyrus
parses a uint32). `render` is the inverse, for tests and clients.
"""

from __future__ import annotations

from collections.abc import Callable

from roost.pop3 import commands as c

#: The replies Cyrus's pop3d gives for each fault, so clients see the same text.
MISSING = "Missing argument"
EXTRA = "Unexpected extra argument"
NOT_A_NUMBER = "Not a number"
MAX_DIGITS = 10


class Bad(Exception):
    """A malformed command: answered `-ERR text`, the session carries on."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class Unknown(Bad):
    """A keyword POP3 does not have (or not in this build)."""


def split(line: bytes) -> tuple[str, str]:
    """(upper-case keyword, the rest after one space)."""
    text = line.decode("utf-8", "replace")
    keyword, _, rest = text.partition(" ")
    return keyword.upper(), rest


def _words(rest: str) -> list[str]:
    return rest.split()


def number(word: str) -> int:
    if not word.isascii() or not word.isdigit() or len(word) > MAX_DIGITS:
        raise Bad(NOT_A_NUMBER)
    return int(word)


def _none(cmd: Callable[[], c.Command]) -> Callable[[str], c.Command]:
    def parse(rest: str) -> c.Command:
        if _words(rest):
            raise Bad(EXTRA)
        return cmd()
    return parse


def _numbered(cmd: Callable[[int], c.Command], *,
              bare: Callable[[], c.Command] | None = None) -> Callable[[str], c.Command]:
    """A command taking one message number (`bare` makes it optional)."""
    def parse(rest: str) -> c.Command:
        words = _words(rest)
        if not words:
            if bare is None:
                raise Bad(MISSING)
            return bare()
        msg = number(words[0])
        if len(words) > 1:
            raise Bad(EXTRA)
        return cmd(msg)
    return parse


def _top(rest: str) -> c.Command:
    words = _words(rest)
    if len(words) < 2:
        raise Bad(MISSING)
    msg = number(words[0])
    try:
        lines = number(words[1])
    except Bad:
        raise Bad("Invalid number of lines") from None
    if len(words) > 2:
        raise Bad(EXTRA)
    return c.Top(msg, lines)


def _user(rest: str) -> c.Command:
    name = rest.strip()
    if not name:
        raise Bad(MISSING)
    return c.User(name)


def _pass(rest: str) -> c.Command:
    if not rest:
        raise Bad(MISSING)
    return c.Pass(rest)


def _auth(rest: str) -> c.Command:
    words = _words(rest)
    if not words:
        return c.Auth(None)
    if len(words) > 2:
        raise Bad(EXTRA)
    return c.Auth(words[0], words[1] if len(words) == 2 else None)


PARSERS: dict[str, Callable[[str], c.Command]] = {
    "USER": _user,
    "PASS": _pass,
    "AUTH": _auth,
    "STLS": _none(c.Stls),
    "CAPA": _none(c.Capa),
    "QUIT": _none(c.Quit),
    "STAT": _none(c.Stat),
    "LIST": _numbered(c.List, bare=c.List),
    "RETR": _numbered(c.Retr),
    "TOP": _top,
    "DELE": _numbered(c.Dele),
    "NOOP": _none(c.Noop),
    "RSET": _none(c.Rset),
    "UIDL": _numbered(c.Uidl, bare=c.Uidl),
}


def parse_command(line: bytes) -> c.Command:
    """The command on `line` (no line ending); Unknown or Bad otherwise."""
    keyword, rest = split(line)
    parser = PARSERS.get(keyword)
    if parser is None:
        raise Unknown("Unrecognized command")
    return parser(rest)


def render(cmd: c.Command) -> bytes:
    """The line a client sends for `cmd` (no line ending)."""
    keyword = type(cmd).__name__.upper()
    if isinstance(cmd, c.User):
        args = [cmd.name]
    elif isinstance(cmd, c.Pass):
        args = [cmd.password]
    elif isinstance(cmd, c.Auth):
        args = [a for a in (cmd.mechanism, cmd.initial) if a is not None]
    elif isinstance(cmd, c.Top):
        args = [str(cmd.msg), str(cmd.lines)]
    elif isinstance(cmd, (c.List, c.Uidl)):
        args = [] if cmd.msg is None else [str(cmd.msg)]
    elif isinstance(cmd, (c.Retr, c.Dele)):
        args = [str(cmd.msg)]
    else:
        args = []
    return " ".join([keyword, *args]).encode()
