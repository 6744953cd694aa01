"""Command lines -> commands (`roost.nntp.commands`). No I/O.

RFC 3977 §3.1: a command is a keyword (case-insensitive) and arguments
separated by spaces or tabs, in UTF-8; a line that is not UTF-8, has the
wrong arguments or a malformed number, range, message-id or date raises
`Bad(501, ...)`; an unknown keyword `Bad(500, ...)` (§3.2.1).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from datetime import UTC, datetime

from roost.nntp import commands as c

#: RFC 3977 §6: article numbers lie in 1 .. 2**31 - 1.
MAX_ARTICLE = 2**31 - 1
_NUMBER = re.compile(r"[0-9]{1,16}\Z")
#: RFC 3977 §3.6: "<", 1..248 printable characters other than ">", ">".
_MESSAGE_ID = re.compile(r"<([\x21-\x3d\x3f-\x7e]{1,248})>\Z")
_WORDS = re.compile(r"[ \t]+")


class Bad(Exception):
    """A line that is not a valid command: `code` 500 or 501 (RFC 3977 §3.2.1)."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(text)
        self.code = code
        self.text = text


def article_number(text: str) -> int:
    """RFC 3977 §6: 1*16DIGIT with a value of 1 .. 2**31 - 1."""
    if not _NUMBER.match(text) or not 1 <= int(text) <= MAX_ARTICLE:
        raise Bad(501, "Bad article number")
    return int(text)


def message_id(text: str) -> c.MessageId:
    match = _MESSAGE_ID.match(text)
    if match is None:
        raise Bad(501, "Bad message-id")
    return c.MessageId(match.group(1))


def article_range(text: str) -> c.Range:
    """RFC 3977 §9.8: `N`, `N-` or `N-M`."""
    low, dash, high = text.partition("-")
    first = article_number(low)
    if not dash:
        return c.Range(first, first)
    return c.Range(first, article_number(high) if high else None)


def _ref(text: str) -> c.ArticleRef:
    return message_id(text) if text.startswith("<") else article_number(text)


def _range_ref(text: str, *, ids: bool = True) -> c.RangeRef:
    if text.startswith("<") and ids:
        return message_id(text)
    return article_range(text)


def when(date: str, clock: str, zone: str | None, now: datetime | None = None) -> datetime:
    """RFC 3977 §7.3.2: yymmdd or yyyymmdd, hhmmss, optional GMT (else
    the server's local time); a two-digit year is the most recent such."""
    if zone is not None and zone.upper() != "GMT":
        raise Bad(501, "Bad date/time")
    if not (re.fullmatch(r"[0-9]{6}([0-9]{2})?", date) and re.fullmatch(r"[0-9]{6}", clock)):
        raise Bad(501, "Bad date/time")
    now = now or datetime.now(UTC)
    year = int(date[:-4])
    if len(date) == 6:
        year += now.year // 100 * 100
        if year > now.year:
            year -= 100
    try:
        moment = datetime(year, int(date[-4:-2]), int(date[-2:]), int(clock[:2]),
                          int(clock[2:4]), min(int(clock[4:]), 59))
    except ValueError:
        raise Bad(501, "Bad date/time") from None
    return moment.replace(tzinfo=UTC) if zone else moment.astimezone(UTC)


def _args(words: list[str], least: int, most: int) -> list[str]:
    if not least <= len(words) <= most:
        raise Bad(501, "Syntax error" if words else "Missing argument")
    return words + [""] * (most - len(words))


def _no_args(verb: str) -> Callable[[list[str]], c.Command]:
    def parse(words: list[str]) -> c.Command:
        _args(words, 0, 0)
        return c.Simple(verb)
    return parse


def _article(part: c.Part) -> Callable[[list[str]], c.Command]:
    def parse(words: list[str]) -> c.Command:
        (ref,) = _args(words, 0, 1)
        return c.Article(part, _ref(ref) if ref else None)
    return parse


def _group(words: list[str]) -> c.Command:
    return c.Group(_args(words, 1, 1)[0])


def _listgroup(words: list[str]) -> c.Command:
    name, span = _args(words, 0, 2)
    return c.ListGroup(name or None, article_range(span) if span else c.Range(1))


def _over(legacy: bool) -> Callable[[list[str]], c.Command]:
    def parse(words: list[str]) -> c.Command:
        (ref,) = _args(words, 0, 1)
        # RFC 2980 §2.8: XOVER takes no message-id.
        return c.Over(_range_ref(ref, ids=not legacy) if ref else None, legacy)
    return parse


def _hdr(legacy: bool) -> Callable[[list[str]], c.Command]:
    def parse(words: list[str]) -> c.Command:
        field, ref = _args(words, 1, 2)
        return c.Hdr(field, _range_ref(ref) if ref else None, legacy)
    return parse


def _list(words: list[str]) -> c.Command:
    keyword, argument = _args(words, 0, 2)
    return c.ListCmd(keyword.upper() or "ACTIVE", argument or None)


def _mode(words: list[str]) -> c.Command:
    return c.Mode(_args(words, 1, 1)[0].upper())


def _newgroups(words: list[str]) -> c.Command:
    date, clock, zone = _args(words, 2, 3)
    return c.NewGroups(when(date, clock, zone or None))


def _newnews(words: list[str]) -> c.Command:
    wildmat, date, clock, zone = _args(words, 3, 4)
    return c.NewNews(wildmat, when(date, clock, zone or None))


def _ihave(words: list[str]) -> c.Command:
    return c.Ihave(message_id(_args(words, 1, 1)[0]))


def sasl_response(text: str) -> bytes:
    """A base64 SASL response (RFC 4643 §2.4.1: `=` is an empty one)."""
    if text == "=":
        return b""
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise Bad(501, "Invalid base64") from None


PARSERS: dict[str, Callable[[list[str]], c.Command]] = {
    "ARTICLE": _article("ARTICLE"), "HEAD": _article("HEAD"),
    "BODY": _article("BODY"), "STAT": _article("STAT"),
    "GROUP": _group, "LISTGROUP": _listgroup,
    "OVER": _over(False), "XOVER": _over(True),
    "HDR": _hdr(False), "XHDR": _hdr(True),
    "LIST": _list, "MODE": _mode, "NEWGROUPS": _newgroups, "NEWNEWS": _newnews,
    "IHAVE": _ihave,
    **{verb: _no_args(verb) for verb in ("CAPABILITIES", "DATE", "HELP", "QUIT", "NEXT",
                                         "LAST", "POST", "STARTTLS")},
}


def _authinfo(rest: str) -> c.Command:
    sub, *more = _WORDS.split(rest, maxsplit=1)
    sub, tail = sub.upper(), more[0] if more else ""
    if sub == "USER" and tail:
        return c.AuthinfoUser(tail)
    if sub == "PASS" and tail:
        # The rest of the line, spaces included (as Cyrus reads it).
        return c.AuthinfoPass(tail)
    if sub == "SASL":
        words = _WORDS.split(tail.strip()) if tail.strip() else []
        mech, initial = _args(words, 1, 2)
        return c.AuthinfoSasl(mech.upper(), sasl_response(initial) if initial else None)
    raise Bad(501, "Unknown AUTHINFO subcommand" if sub not in ("USER", "PASS")
              else "Missing argument")


def parse_command(line: bytes) -> tuple[str, c.Command]:
    """(keyword upper-cased, command) of one line without its CRLF."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise Bad(501, "Command is not UTF-8") from None
    if any(ord(ch) < 0x20 and ch != "\t" for ch in text):
        raise Bad(501, "Control character in command")
    stripped = text.strip(" \t")
    if not stripped:
        raise Bad(500, "Empty command")
    verb, *tail = _WORDS.split(stripped, maxsplit=1)
    verb, rest = verb.upper(), tail[0] if tail else ""
    if verb == "AUTHINFO":
        return verb, _authinfo(rest)
    parser = PARSERS.get(verb)
    if parser is None:
        raise Bad(500, "Unknown command")
    words = _WORDS.split(rest.strip(" \t")) if rest.strip(" \t") else []
    return verb, parser(words)
