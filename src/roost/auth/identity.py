"""Login names -> user ids and domains, the Cyrus way (virtdomains,
defaultdomain, unixhierarchysep).

The canonical form `user` or `user@domain` is the credential record key and
the identity a session runs as, so every login path must go through
`canonical_user`.
"""

from __future__ import annotations

import re

from roost.config import Config

MAX_USER = 255
_DOMAIN = re.compile(r"(?=.{1,253}\Z)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
                     r"(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")


class BadUsername(ValueError):
    """A login name that cannot be a user id; the message says why."""


def split_user(login: str, conf: Config) -> tuple[str, str | None]:
    """(user id, domain or None) of a login name.

    With virtdomains off the whole string is the user id. Otherwise the
    domain follows the last '@' (or, without one, the last '%', the old
    source-route form); it is lower-cased, and equal to defaultdomain it
    is dropped, so `bob` and `bob@defaultdomain` are the same user.
    """
    if conf.virtdomains == "off":
        return validate_user(login, conf), None
    at = login.rfind("@")
    if at < 0:
        at = login.rfind("%")
    if at < 0:
        return validate_user(login, conf), None
    user, domain = login[:at], login[at + 1:].lower()
    if not _DOMAIN.fullmatch(domain):
        raise BadUsername(f"not a domain name: {domain!r}")
    if "@" in user or "%" in user:
        raise BadUsername(f"more than one domain separator in {login!r}")
    validate_user(user, conf)
    if domain == conf.defaultdomain.lower():
        return user, None
    return user, domain


def canonical_user(login: str, conf: Config) -> str:
    """The record key of a login name: `user` or `user@domain`."""
    user, domain = split_user(login, conf)
    return f"{user}@{domain}" if domain else user


def validate_user(user: str, conf: Config) -> str:
    """Return `user` if it can name a user, else raise BadUsername.

    A user id becomes a mailbox name (`user.bob`), so it must not contain
    the hierarchy separator: '/' never (it is the client's separator with
    unixhierarchysep, and must not reach a path), '.' only with
    unixhierarchysep, where `john.doe` is stored as `john^doe` (hence no
    '^' either). No controls or spaces: they break protocol lines and logs.
    """
    if not user:
        raise BadUsername("empty user name")
    if len(user.encode("utf-8")) > MAX_USER:
        raise BadUsername("user name longer than 255 octets")
    for ch in user:
        if ord(ch) < 0x21 or 0x7F <= ord(ch) <= 0x9F or ch.isspace():
            raise BadUsername(f"control or space character in {user!r}")
    if "/" in user or "^" in user:
        raise BadUsername(f"hierarchy separator in {user!r}")
    if "." in user and not conf.unixhierarchysep:
        raise BadUsername(f"'.' in {user!r} (allowed only with unixhierarchysep)")
    if user.startswith(".") or user.endswith("."):
        raise BadUsername(f"user name may not start or end with '.': {user!r}")
    return user
