"""Who a session or a delivery acts as: `Identity`, and login names ->
user ids and domains, the Cyrus way (virtdomains, defaultdomain,
unixhierarchysep).

Invariants: the canonical form `user` or `user@domain` is the credential
record key and `Identity.user`, so every login path goes through
`canonical_user` and `identity_for`; an `Identity` is made once per login
(or `ANONYMOUS` before one) and every protocol and delivery passes that
one value to the rights decision (`roost.auth.rights`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roost.auth.groups import group_source
from roost.config import Config

MAX_USER = 255
_DOMAIN = re.compile(r"(?=.{1,253}\Z)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?"
                     r"(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")


ANONYMOUS_USER = "anonymous"


@dataclass(frozen=True, slots=True)
class Identity:
    """One authenticated (or anonymous) party.

    `user` is the canonical user id (`bob`, `bob@example.com`); `domain`
    its virtual domain (None for the default domain); `groups` the
    `group:NAME` identifiers it belongs to (RFC 4314 §2 identifiers, from
    the group source: `roost.auth.groups`); `is_admin` whether it is
    listed in `admins:`: with a domain (`admin@example.com`) it is that
    domain's administrator only, as on Cyrus (`administers`).
    `ANONYMOUS` is the unauthenticated party: an LMTP sender, or an IMAP
    client before login.
    """

    user: str
    domain: str | None = None
    groups: frozenset[str] = frozenset()
    is_admin: bool = False

    @property
    def anonymous(self) -> bool:
        return self.user == ANONYMOUS_USER

    def administers(self, domain: str | None) -> bool:
        """Admin powers over the mailboxes of `domain` (None: the default
        domain): a global administrator's everywhere, a domain
        administrator's in its own domain only."""
        return self.is_admin and (self.domain is None or self.domain == domain)


ANONYMOUS = Identity(ANONYMOUS_USER)


def identity_for(user: str, conf: Config) -> Identity:
    """The identity of canonical user id `user` (as `canonical_user` made it),
    with its groups from the configured group source (`roost.auth.groups`).
    As Cyrus (global_authisa), `admins:` may name groups too."""
    _, at, domain = user.partition("@")
    groups = group_source(conf).groups_of(user)
    admin = conf.is_admin(user) or any(conf.is_admin(group) for group in groups)
    return Identity(user, domain if at else None, groups, admin)


class BadUsername(ValueError):
    """A login name that cannot be a user id; the message says why."""


def split_user(login: str, conf: Config,
               server_domain: str | None = None) -> tuple[str, str | None]:
    """(user id, domain or None) of a login name.

    With `username_tolower` (Cyrus's default) the whole name is
    lower-cased first, as Cyrus's auth_canonifyid does. With virtdomains
    off there are no domains: `bob@REALM` is a cross-realm login, accepted
    as `bob` when REALM is in `loginrealms` and refused otherwise (Cyrus's
    "cross-realm login denied"). Otherwise the domain follows the last
    '@' (or, without one, the last '%', the old source-route form); it is
    lower-cased, and equal to defaultdomain it is dropped, so `bob` and
    `bob@defaultdomain` are the same user. A name without a domain takes
    `server_domain` with `virtdomains: on` (the domain of the server
    address the client connected to, roost.auth.server_names), as
    Cyrus's canonify_userid; with `userid` it stays in the default domain.
    """
    if conf.username_tolower:
        login = login.lower()
    if conf.virtdomains == "off":
        local, sign, realm = login.rpartition("@")
        if not sign:
            return validate_user(login, conf), None
        if realm.lower() not in {name.lower() for name in conf.loginrealms}:
            raise BadUsername(f"cross-realm login {login!r} denied (not in loginrealms)")
        return validate_user(local, conf), None
    at = login.rfind("@")
    if at < 0:
        at = login.rfind("%")
    if at < 0:
        user = validate_user(login, conf)
        if conf.virtdomains == "on" and server_domain and \
                server_domain != conf.defaultdomain.lower() and _DOMAIN.fullmatch(server_domain):
            return user, server_domain
        return user, None
    user, domain = login[:at], login[at + 1:].lower()
    if not _DOMAIN.fullmatch(domain):
        raise BadUsername(f"not a domain name: {domain!r}")
    if "@" in user or "%" in user:
        raise BadUsername(f"more than one domain separator in {login!r}")
    validate_user(user, conf)
    if domain == conf.defaultdomain.lower():
        return user, None
    return user, domain


def canonical_user(login: str, conf: Config, server_domain: str | None = None) -> str:
    """The record key of a login name: `user` or `user@domain`."""
    user, domain = split_user(login, conf, server_domain)
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
    if "@" in user:
        raise BadUsername(f"'@' in the user id {user!r}")
    if "." in user and not conf.unixhierarchysep:
        raise BadUsername(f"'.' in {user!r} (allowed only with unixhierarchysep)")
    if user.startswith(".") or user.endswith("."):
        raise BadUsername(f"user name may not start or end with '.': {user!r}")
    return user
