"""Command line -> command value; raises `Reject` carrying the reply.

Grammar: RFC 5321 §4.1.1 (verbs, case-insensitive) and §4.1.2 (paths,
parameters). The parser is strict about what it returns and liberal where
deployed MTAs differ: a space after `FROM:`/`TO:` is accepted, a source
route (`<@a,@b:user@c>`) is dropped (RFC 5321 §4.1.2 and Appendix C), and
a recipient without a domain is a local user (RFC 2033 §4.2 delivers to
local mailboxes). Addresses are ASCII: SMTPUTF8 is not offered.
"""

from __future__ import annotations

import re

from roost.lmtp import responses as r
from roost.lmtp.commands import (
    Data,
    Help,
    Lhlo,
    Mail,
    Noop,
    Quit,
    Rcpt,
    Rset,
    Starttls,
    Vrfy,
)
from roost.lmtp.errors import Reject

#: RFC 5321 §4.1.2 Dot-string (atext and dots).
_DOT_STRING = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*")
#: RFC 5321 §4.1.2 Quoted-string: qtextSMTP or quoted-pairSMTP.
_QUOTED = re.compile(r'"([\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"')
#: RFC 5321 §4.1.2 Domain (sub-domains of let-dig and hyphens) or address-literal.
_DOMAIN = re.compile(r"[A-Za-z0-9]([A-Za-z0-9\-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]*[A-Za-z0-9])?)*"
                     r"|\[[\x21-\x5a\x5e-\x7e]+\]")
#: RFC 5321 §4.1.2 esmtp-keyword and esmtp-value.
_PARAM = re.compile(r"([A-Za-z0-9][A-Za-z0-9\-]*)(=([\x21-\x3c\x3e-\x7e]+))?")
_SOURCE_ROUTE = re.compile(r"@[^,:]+(,@[^,:]+)*:")


def split_verb(line: bytes) -> tuple[str, str]:
    """(VERB upper-cased, arguments) of a command line.

    Commands are ASCII (RFC 5321 §2.4); anything else cannot be a verb.
    """
    try:
        text = line.decode("ascii")
    except UnicodeDecodeError:
        raise Reject(r.syntax("Commands and addresses must be ASCII")) from None
    if any(ch < " " or ch == "\x7f" for ch in text):
        raise Reject(r.syntax("Control characters in command"))
    verb, _, args = text.partition(" ")
    return verb.upper(), args.strip(" ")


def _no_args(args: str, verb: str) -> None:
    if args:
        raise Reject(r.syntax(f"{verb} takes no arguments"))


def parse_lhlo(args: str) -> Lhlo:
    # RFC 2033 §4.1 / RFC 5321 §4.1.1.1: a domain or an address literal.
    if not args or " " in args or not _DOMAIN.fullmatch(args):
        raise Reject(r.syntax("Syntax: LHLO hostname"))
    return Lhlo(args)


def parse_path(text: str, *, allow_null: bool) -> tuple[str, str]:
    """(`<path>` without brackets or source route, the rest of the text).

    RFC 5321 §4.1.2: Path = "<" [ A-d-l ":" ] Mailbox ">"; `<>` only as
    a reverse-path (§4.1.1.2).
    """
    if not text.startswith("<"):
        raise Reject(r.syntax("Address must be in angle brackets"))
    inner = text[1:]
    route = _SOURCE_ROUTE.match(inner)
    if route:
        inner = inner[route.end():]
    if inner.startswith(">"):
        if not allow_null or route:
            raise Reject(r.syntax("Empty address"))
        return "", inner[1:]
    quoted = _QUOTED.match(inner)
    local_end = quoted.end() if quoted else _dot_string_end(inner)
    rest = inner[local_end:]
    address = inner[:local_end]
    if rest.startswith("@"):
        domain, gt, after = rest[1:].partition(">")
        if not _DOMAIN.fullmatch(domain):
            raise Reject(r.syntax("Bad domain in address"))
        address += "@" + domain
        rest = gt + after
    if local_end == 0 or not rest.startswith(">"):
        raise Reject(r.syntax("Bad address syntax"))
    return address, rest[1:]


def _dot_string_end(text: str) -> int:
    match = _DOT_STRING.match(text)
    return match.end() if match else 0


def parse_params(text: str) -> dict[str, str | None]:
    """RFC 5321 §4.1.2 Mail-parameters: SP-separated `KEYWORD[=value]`."""
    params: dict[str, str | None] = {}
    if text and not text.startswith(" "):
        raise Reject(r.syntax("Expected a space after the address"))
    for word in text.split():
        match = _PARAM.fullmatch(word)
        if not match:
            raise Reject(r.syntax(f"Bad parameter syntax: {word}"))
        keyword = match.group(1).upper()
        if keyword in params:
            raise Reject(r.syntax(f"Parameter {keyword} given twice"))
        params[keyword] = match.group(3)
    return params


def _after_keyword(args: str, keyword: str) -> str:
    """The text after `FROM:`/`TO:` (a space after the colon is tolerated)."""
    if args[: len(keyword)].upper() != keyword:
        raise Reject(r.syntax(f"Syntax: {keyword}<address>"))
    return args[len(keyword):].lstrip(" ")


def parse_mail(args: str) -> Mail:
    sender, rest = parse_path(_after_keyword(args, "FROM:"), allow_null=True)
    size: int | None = None
    body: str | None = None
    for keyword, value in parse_params(rest).items():
        if keyword == "SIZE":
            # RFC 1870 §3: size-value = 1*20DIGIT
            if value is None or not value.isdigit() or len(value) > 20:
                raise Reject(r.syntax("Syntax: SIZE=<number>"))
            size = int(value)
        elif keyword == "BODY":
            # RFC 6152 §2: BODY=7BIT / BODY=8BITMIME
            if value is None or value.upper() not in ("7BIT", "8BITMIME"):
                raise Reject(r.syntax("BODY must be 7BIT or 8BITMIME"))
            body = value.upper()
        else:
            raise Reject(r.UNKNOWN_PARAM)  # RFC 5321 §4.1.1.11
    return Mail(sender, size, body)


def parse_rcpt(args: str) -> Rcpt:
    recipient, rest = parse_path(_after_keyword(args, "TO:"), allow_null=False)
    if parse_params(rest):
        raise Reject(r.UNKNOWN_PARAM)  # no RCPT extensions are offered
    return Rcpt(recipient)


def parse_data(args: str) -> Data:
    _no_args(args, "DATA")
    return Data()


def parse_rset(args: str) -> Rset:
    _no_args(args, "RSET")
    return Rset()


def parse_noop(args: str) -> Noop:
    return Noop()


def parse_quit(args: str) -> Quit:
    _no_args(args, "QUIT")
    return Quit()


def parse_starttls(args: str) -> Starttls:
    _no_args(args, "STARTTLS")  # RFC 3207 §4: no parameters
    return Starttls()


def parse_vrfy(args: str) -> Vrfy:
    if not args:
        raise Reject(r.syntax("Syntax: VRFY <address>"))
    return Vrfy(args)


def parse_help(args: str) -> Help:
    return Help(args)
