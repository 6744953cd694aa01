"""Mailbox names: internal Cyrus-style names and what each user sees.

Internal names separate levels with `.`: `user.bob`, `user.bob.Sent`,
`shared.news`, and with virtual domains `example.com!user.bob`. A user id
or folder name that contains `.` keeps it as `^` inside (Cyrus does the
same with `unixhierarchysep`), so `john.doe` owns `user.john^doe`.

What a client sees depends on `unixhierarchysep` (separator `/` or `.`),
`altnamespace` (a user's folders beside INBOX, other users under
`Other Users`, shared folders under `Shared Folders`) and whether the
client is an admin: admins see the internal hierarchy itself (`user/bob`),
as in Cyrus, so `cyradm` works the same on both.

Virtual domains: a user sees the mailboxes of their own domain only (a
domain administrator too); a global administrator (one without a domain)
sees every domain, another domain's names written with `@domain` after
them as Cyrus writes them (`example.com!user.bob.Sent` is
`user/bob/Sent@example.com`) and typed the same way.

RFC 9051 §5.1 / RFC 2342: INBOX is case-insensitive; modified UTF-7 is the
IMAP layer's business, names here are Unicode.
"""

from __future__ import annotations

from dataclasses import dataclass

from roost.config import Config
from roost.store.api import InvalidMailboxName

MAX_NAME = 490
_FORBIDDEN = {chr(c) for c in range(0x20)} | {"\x7f", "*", "%"}


def split_domain(userid: str) -> tuple[str, str | None]:
    """`bob@example.com` -> ("bob", "example.com"); `bob` -> ("bob", None)."""
    local, at, domain = userid.partition("@")
    return (local, domain.lower()) if at and domain else (userid, None)


def encode_level(level: str) -> str:
    """A client-visible level as an internal one (`.` kept as `^`)."""
    return level.replace(".", "^")


def decode_level(level: str) -> str:
    return level.replace("^", ".")


def user_inbox(userid: str) -> str:
    """The internal name of a user's INBOX: `user.bob`, `example.com!user.bob`."""
    local, domain = split_domain(userid)
    name = f"user.{encode_level(local)}"
    return f"{domain}!{name}" if domain else name


def domain_of(internal: str) -> str | None:
    """The virtual domain of an internal name (`example.com!user.bob`), or None."""
    domain, bang, _ = internal.rpartition("!")
    return domain if bang else None


def owner_of(internal: str) -> str | None:
    """The user whose personal mailbox this is, or None for a shared one."""
    domain, bang, rest = internal.rpartition("!")
    if not bang:
        rest, domain = internal, ""
    levels = rest.split(".")
    if len(levels) < 2 or levels[0] != "user" or not levels[1]:
        return None
    local = decode_level(levels[1])
    return f"{local}@{domain}" if domain else local


def validate_internal(name: str) -> None:
    """Raise InvalidMailboxName for a name that cannot be a mailbox."""
    _, _, rest = name.rpartition("!")
    if not rest or len(name) > MAX_NAME:
        raise InvalidMailboxName(f"mailbox names are 1 to {MAX_NAME} characters long")
    if any(ch in _FORBIDDEN for ch in name):
        raise InvalidMailboxName("mailbox names may not hold control characters, * or %")
    if any(level == "" for level in rest.split(".")):
        raise InvalidMailboxName("mailbox names may not have empty levels")
    if rest.split(".")[0] == "user" and rest.count(".") == 0:
        raise InvalidMailboxName("'user' alone is not a mailbox")


@dataclass(frozen=True, slots=True)
class Namespace:
    """The names one logged-in user sees (RFC 2342 namespaces)."""

    conf: Config
    user: str
    is_admin: bool = False

    @property
    def sep(self) -> str:
        return self.conf.hierarchy_sep

    @property
    def alt(self) -> bool:
        return bool(self.conf.altnamespace) and not self.is_admin

    @property
    def inbox(self) -> str:
        return user_inbox(self.user)

    @property
    def domain(self) -> str | None:
        return split_domain(self.user)[1]

    def _join(self, levels: list[str]) -> str:
        return ".".join(encode_level(level) for level in levels)

    def _with_domain(self, name: str) -> str:
        return f"{self.domain}!{name}" if self.domain else name

    @property
    def all_domains(self) -> bool:
        """A global administrator with virtual domains: names carry `@domain`."""
        return self.is_admin and self.domain is None and self.conf.virtdomains != "off"

    def _split_domain(self, external: str) -> tuple[str, str | None]:
        """`user/bob@example.com` -> ("user/bob", "example.com") for a global admin."""
        base, at, domain = external.rpartition("@")
        if not self.all_domains or not at or not base or not domain or self.sep in domain:
            return external, None
        return base, domain.lower()

    def is_inbox(self, external: str) -> bool:
        return external.upper() == "INBOX"

    def to_internal(self, external: str) -> str:
        """The internal name for what the client typed; InvalidMailboxName if none."""
        if not external:
            raise InvalidMailboxName("empty mailbox name")
        external, domain = self._split_domain(external)
        if domain is not None:
            name = f"{domain}!{self._join(external.split(self.sep))}"
            validate_internal(name)
            return name
        levels = external.split(self.sep)
        if levels[0].upper() == "INBOX" and not self.is_admin:
            rest = levels[1:]
            if self.alt and rest:
                # altnamespace: INBOX's own children stay beneath it.
                name = self.inbox + "." + self._join(["INBOX", *rest])
            else:
                name = self.inbox + ("." + self._join(rest) if rest else "")
        elif self.alt and levels[0] == self.conf.userprefix:
            if len(levels) < 2 or not levels[1]:
                raise InvalidMailboxName(f"{external!r} is a namespace, not a mailbox")
            name = self._with_domain(self._join(["user", *levels[1:]]))
        elif self.alt and levels[0] == self.conf.sharedprefix:
            if len(levels) < 2:
                raise InvalidMailboxName(f"{external!r} is a namespace, not a mailbox")
            name = self._with_domain(self._join(levels[1:]))
        elif self.alt:
            name = self.inbox + "." + self._join(levels)
        else:
            name = self._with_domain(self._join(levels))
        validate_internal(name)
        return name

    def to_external(self, internal: str) -> str | None:
        """What the client sees for an internal name; None if outside its view."""
        domain, bang, rest = internal.rpartition("!")
        if (domain if bang else None) != self.domain:
            if bang and self.all_domains:
                return self.sep.join(decode_level(level) for level in rest.split(".")) + \
                    "@" + domain
            return None
        levels = [decode_level(level) for level in rest.split(".")]
        inbox_levels = self.inbox.rpartition("!")[2].split(".")
        own = rest.split(".")[: len(inbox_levels)] == inbox_levels
        if own and not self.is_admin:
            tail = levels[len(inbox_levels):]
            if not tail:
                return "INBOX"
            if self.alt:
                if tail[0] == "INBOX":
                    return self.sep.join(["INBOX", *tail[1:]])
                return self.sep.join(tail)
            return self.sep.join(["INBOX", *tail])
        if self.alt:
            if levels[0] == "user":
                return self.sep.join([self.conf.userprefix, *levels[1:]])
            return self.sep.join([self.conf.sharedprefix, *levels])
        return self.sep.join(levels)

    def namespaces(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
        """(personal, other users, shared) as (prefix, separator) pairs (RFC 2342 §5)."""
        sep = self.sep
        if self.is_admin:
            return ([], [("user" + sep, sep)], [("", sep)])
        if self.alt:
            return ([("", sep)], [(self.conf.userprefix + sep, sep)],
                    [(self.conf.sharedprefix + sep, sep)])
        return ([("INBOX" + sep, sep)], [("user" + sep, sep)], [("", sep)])


class NamePattern:
    """A LIST/LSUB mailbox pattern (RFC 9051 §6.3.9) compiled to match in
    linear time: `*` matches anything, `%` anything but the separator.

    A backtracking regular expression takes exponential time on a pattern
    of many wildcards; here the pattern is a Thompson NFA simulated with
    one bit per state (bit-parallel, as shift-and does), so a match costs
    a few integer operations per character of the name, whatever the
    pattern. Runs of wildcards are collapsed first (`*%` and `%*` are `*`,
    `%%` is `%`), so a pattern of a thousand wildcards is two states.
    INBOX at the start matches case-insensitively (RFC 9051 §5.1).
    """

    __slots__ = (
        "_accept",
        "_anything",
        "_by_char",
        "_percent",
        "_sep",
        "_star",
        "_start",
        "_wild",
        "states",
    )

    def __init__(self, pattern: str, sep: str) -> None:
        tokens: list[str] = []
        for ch in pattern:
            if ch in "*%" and tokens and tokens[-1] in ("*", "%"):
                tokens[-1] = "*" if "*" in (ch, tokens[-1]) else "%"
            else:
                tokens.append(ch)
        folded = 5 if pattern[:5].upper() == "INBOX" else 0
        self._by_char: dict[str, int] = {}
        self._star = self._percent = 0
        for index, token in enumerate(tokens):
            bit = 1 << index
            if token == "*":
                self._star |= bit
            elif token == "%":
                self._percent |= bit
            else:
                variants = {token, token.lower(), token.upper()} if index < folded else {token}
                for variant in variants:
                    self._by_char[variant] = self._by_char.get(variant, 0) | bit
        self._wild = self._star | self._percent
        self._accept = 1 << len(tokens)
        self._start = self._close(1)
        self._sep = sep
        self._anything = tokens == ["*"]  # `LIST "" *`, the usual question
        self.states = len(tokens) + 1

    def _close(self, state: int) -> int:
        """Add the states reached by letting a wildcard match nothing; no two
        wildcards are adjacent, so one step reaches all of them."""
        return state | ((state & self._wild) << 1)

    def matches(self, name: str) -> bool:
        if self._anything:
            return True
        state = self._start
        for ch in name:
            stay = self._star if ch == self._sep else self._wild
            state = self._close(((state & self._by_char.get(ch, 0)) << 1) | (state & stay))
            if not state:
                return False
        return bool(state & self._accept)


def in_deleted_hierarchy(name: str, prefix: str) -> bool:
    """Whether `name` is under `deletedprefix` (delayed delete keeps
    deleted mailboxes there, seen only by administrators)."""
    local = name.rpartition("!")[2]
    return local == prefix or local.startswith(prefix + ".")


def deleted_name(name: str, prefix: str, stamp: int) -> str:
    """Where delayed delete keeps `name` deleted at `stamp` (seconds), as
    Cyrus names it: `DELETED.user.bob.Trash.5F3A2B1C`, the domain in front."""
    domain, bang, local = name.rpartition("!")
    return f"{domain}{bang}{prefix}.{local}.{stamp:X}"


def deleted_stamp(name: str, prefix: str) -> int | None:
    """When a mailbox of the deleted hierarchy was deleted (from the hex
    stamp `deleted_name` put last), or None for any other name."""
    if not in_deleted_hierarchy(name, prefix):
        return None
    stamp = name.rpartition(".")[2]
    if not stamp or any(ch not in "0123456789ABCDEF" for ch in stamp):
        return None
    return int(stamp, 16)
