"""A framed line (roost.imap.wire.Line) -> one ManageSieve command. No I/O.

RFC 5804 §4: a command is an atom (its name, any case) followed by
strings and numbers separated by spaces. Strings are quoted (at most 1024
octets between the quotes, `\\` escaping only `"` and `\\`) or literals;
the wire has already cut the literals out, so each chunk of text before a
literal ends in its marker (`{n+}`, or `{n}` that the server answered
with a continuation). Anything else is `Bad`, which the server answers
with NO (RFC 5804 has no BAD) and the connection carries on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from roost.imap.wire import Line
from roost.managesieve import commands as c

#: RFC 5804 §4 `quoted`: at most 1024 octets between the quotes.
MAX_QUOTED = 1024
#: RFC 5804 §4 `atom`: at most 1024 ATOM-CHARs.
MAX_ATOM = 1024
#: Longest script name accepted, in characters. RFC 5804 §1.6: at least 128
#: must be allowed, a longer one is refused, never truncated; a backend may
#: refuse shorter ones it cannot hold (InvalidScriptName).
MAX_NAME = 512
#: RFC 5804 §4 `number`: a 32-bit unsigned number.
MAX_NUMBER = 2**32 - 1

_MARKER = re.compile(rb"(~?)\{([0-9]+)(\+?)\}\Z")
# RFC 5804 §4 ATOM-CHAR: any CHAR except "(" ")" "{" SP CTL '"' "\".
_ATOM = re.compile(rb"[!#-'*-\[\]-z|-~]+")
_NUMBER = re.compile(rb"(0|[1-9][0-9]*)\Z")
# RFC 5804 §1.6: control characters, DELETE, LINE and PARAGRAPH SEPARATOR.
_FORBIDDEN_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Bad(Exception):
    """The line is not a valid command; `text` says why (sent in the NO)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


@dataclass(frozen=True, slots=True)
class Atom:
    """A bare word: the command name (RFC 5804 §4 `atom`)."""

    text: str


Token = Atom | int | bytes  # bytes: a string's contents, quoted or literal


def tokens(line: Line) -> list[Token]:
    """The atoms, numbers and strings of a framed line, in order."""
    out: list[Token] = []
    for i, chunk in enumerate(line.chunks):
        text = chunk
        if i < len(line.literals):
            text = _strip_marker(chunk)
        _lex(text, out, after_token=i > 0)
        if i < len(line.literals):
            if out and not text.endswith(b" "):
                raise Bad("Missing space before literal")
            out.append(line.literals[i])
    return out


def _strip_marker(chunk: bytes) -> bytes:
    marker = _MARKER.search(chunk)
    if marker is None or marker.group(1):
        raise Bad("Invalid literal")  # `~{n}` (IMAP literal8) is not ManageSieve
    if not _NUMBER.match(marker.group(2)) or int(marker.group(2)) > MAX_NUMBER:
        raise Bad("Invalid literal size")
    return chunk[: marker.start()]


def _lex(text: bytes, out: list[Token], *, after_token: bool) -> None:
    """Append the tokens of `text`; `after_token`: a literal came just before."""
    pos, n = 0, len(text)
    need_space = after_token
    while pos < n:
        if text[pos] == 0x20:
            pos += 1
            need_space = False
            continue
        if need_space:
            raise Bad("Missing space between arguments")
        if text[pos] == 0x22:
            value, pos = _quoted(text, pos + 1)
            out.append(value)
        else:
            m = _ATOM.match(text, pos)
            if m is None:
                octet = text[pos]
                shown = repr(chr(octet)) if 0x21 <= octet < 0x7F else f"0x{octet:02X}"
                raise Bad(f"Unexpected character {shown}")
            word = m.group()
            pos = m.end()
            if word[:1].isdigit():
                if not _NUMBER.match(word) or int(word) > MAX_NUMBER:
                    raise Bad("Invalid number")
                out.append(int(word))
            elif len(word) > MAX_ATOM:
                raise Bad("Atom too long")
            else:
                out.append(Atom(word.decode("ascii")))
        need_space = True


def _quoted(text: bytes, pos: int) -> tuple[bytes, int]:
    """The contents of a quoted string starting after its `"`, and the
    position after its closing `"`."""
    value = bytearray()
    while pos < len(text):
        ch = text[pos]
        if ch == 0x22:
            return bytes(value), pos + 1
        if ch == 0x5C:
            pos += 1
            if pos >= len(text) or text[pos] not in b'"\\':
                raise Bad("Invalid escape in quoted string")
            ch = text[pos]
        elif ch == 0:
            raise Bad("NUL in quoted string")
        value.append(ch)
        if len(value) > MAX_QUOTED:
            raise Bad("Quoted string too long; use a literal")
        pos += 1
    raise Bad("Unterminated quoted string")


# -- arguments


def script_name(raw: Token, *, empty_ok: bool = False) -> str:
    """A script name as RFC 5804 §1.6 allows it (Net-Unicode, NFC)."""
    if not isinstance(raw, bytes):
        raise Bad("Expected a script name string")
    try:
        name = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Bad("Script name is not UTF-8") from None
    if not name and not empty_ok:
        raise Bad("Script name is empty")
    if _FORBIDDEN_IN_NAME.search(name) or not unicodedata.is_normalized("NFC", name):
        raise Bad("Invalid script name")
    if len(name) > MAX_NAME:
        raise Bad(f"Script name longer than {MAX_NAME} characters")
    return name


def _string(raw: Token, what: str) -> bytes:
    if not isinstance(raw, bytes):
        raise Bad(f"Expected {what} as a string")
    return raw


def _number(raw: Token) -> int:
    if not isinstance(raw, int):
        raise Bad("Expected a number")
    return raw


def _mechanism(raw: Token) -> str:
    data = _string(raw, "the mechanism")
    if not re.fullmatch(rb"[A-Za-z0-9_-]{1,20}", data):  # RFC 4422 §3.1 sasl-mech
        raise Bad("Invalid SASL mechanism name")
    return data.decode("ascii").upper()


def _authenticate(args: list[Token]) -> c.Command:
    if len(args) not in (1, 2):
        raise Bad("AUTHENTICATE takes a mechanism and an optional initial response")
    initial = _string(args[1], "the initial response") if len(args) == 2 else None
    return c.Authenticate(_mechanism(args[0]), initial)


def _fixed(count: int, build: Callable[[list[Token]], c.Command]) -> Callable[[list[Token]], c.Command]:
    def parse(args: list[Token]) -> c.Command:
        if len(args) != count:
            raise Bad(f"Expected {count} argument{'s' if count != 1 else ''}")
        return build(args)
    return parse


def _noop(args: list[Token]) -> c.Command:
    if len(args) > 1:
        raise Bad("NOOP takes at most one string")
    return c.Noop(_string(args[0], "the tag") if args else None)


PARSERS: dict[str, Callable[[list[Token]], c.Command]] = {
    "AUTHENTICATE": _authenticate,
    "STARTTLS": _fixed(0, lambda a: c.StartTls()),
    "LOGOUT": _fixed(0, lambda a: c.Logout()),
    "CAPABILITY": _fixed(0, lambda a: c.Capability()),
    "HAVESPACE": _fixed(2, lambda a: c.HaveSpace(script_name(a[0]), _number(a[1]))),
    "PUTSCRIPT": _fixed(2, lambda a: c.PutScript(script_name(a[0]), _string(a[1], "the script"))),
    "LISTSCRIPTS": _fixed(0, lambda a: c.ListScripts()),
    "SETACTIVE": _fixed(1, lambda a: c.SetActive(script_name(a[0], empty_ok=True))),
    "GETSCRIPT": _fixed(1, lambda a: c.GetScript(script_name(a[0]))),
    "DELETESCRIPT": _fixed(1, lambda a: c.DeleteScript(script_name(a[0]))),
    "RENAMESCRIPT": _fixed(2, lambda a: c.RenameScript(script_name(a[0]), script_name(a[1]))),
    "CHECKSCRIPT": _fixed(1, lambda a: c.CheckScript(_string(a[0], "the script"))),
    "NOOP": _noop,
    "UNAUTHENTICATE": _fixed(0, lambda a: c.Unauthenticate()),
}


def command_name(line: Line) -> str:
    """The first word of a line, upper-cased (for replies to refused lines)."""
    m = _ATOM.match(line.chunks[0] if line.chunks else b"")
    return m.group().decode("ascii").upper() if m else ""


def parse_command(line: Line) -> c.Command:
    """The command on `line`; Bad when it is not one."""
    toks = tokens(line)
    if not toks:
        raise Bad("Empty command")
    if not isinstance(toks[0], Atom):
        raise Bad("Expected a command name")
    parser = PARSERS.get(toks[0].text.upper())
    if parser is None:
        raise Bad("Unknown command")
    return parser(toks[1:])


def sasl_response(line: Line) -> bytes | None:
    """A client's answer to a challenge (RFC 5804 §2.1): the base64 text of
    one string, or None for `"*"` (or a bare `*`), which cancels."""
    toks = tokens(line)
    if toks == [Atom("*")] or toks == [b"*"]:
        return None
    if len(toks) != 1 or not isinstance(toks[0], bytes):
        raise Bad("Expected a string")
    return toks[0]
