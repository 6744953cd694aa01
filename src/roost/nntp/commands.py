"""One frozen dataclass per NNTP command (RFC 3977, RFC 4642, RFC 4643,
RFC 2980 for XOVER/XHDR), as `parse.parse_command` builds them.

`ArticleRef` names an article the way RFC 3977 §6.2 lets a client: a
message-id (without its angle brackets, as the store keeps it), an
article number, or None for the current article. `Range` is §9.8's
`range`: `high` None for an open range (`N-`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal


@dataclass(frozen=True, slots=True)
class MessageId:
    """An article named by its message-id (RFC 3977 §3.6), brackets removed."""

    value: str

    def render(self) -> str:
        return f"<{self.value}>"


@dataclass(frozen=True, slots=True)
class Range:
    """Article numbers `low` to `high` (None: no upper end); low > high is empty."""

    low: int
    high: int | None = None

    def __contains__(self, number: int) -> bool:
        return self.low <= number and (self.high is None or number <= self.high)


ArticleRef = MessageId | int | None
RangeRef = MessageId | Range | None
Part = Literal["ARTICLE", "HEAD", "BODY", "STAT"]


@dataclass(frozen=True, slots=True)
class Simple:
    """A command with no argument: CAPABILITIES, DATE, HELP, QUIT, NEXT,
    LAST, POST, STARTTLS (RFC 3977 §5.2, §7.1, §7.2, §5.4, §6.1.4, §6.1.3,
    §6.3.1; RFC 4642 §2.2)."""

    verb: str


@dataclass(frozen=True, slots=True)
class Mode:
    """MODE READER (RFC 3977 §5.3), or MODE STREAM (answered 501 unless a feeder)."""

    mode: str


@dataclass(frozen=True, slots=True)
class Group:
    """GROUP name (RFC 3977 §6.1.1)."""

    name: str


@dataclass(frozen=True, slots=True)
class ListGroup:
    """LISTGROUP [name [range]] (RFC 3977 §6.1.2)."""

    name: str | None
    range: Range


@dataclass(frozen=True, slots=True)
class Article:
    """ARTICLE, HEAD, BODY or STAT [message-id|number] (RFC 3977 §6.2)."""

    part: Part
    ref: ArticleRef


@dataclass(frozen=True, slots=True)
class Over:
    """OVER [range|message-id] (RFC 3977 §8.3); XOVER [range] (RFC 2980 §2.8)."""

    ref: RangeRef
    legacy: bool = False


@dataclass(frozen=True, slots=True)
class Hdr:
    """HDR field [range|message-id] (RFC 3977 §8.5); XHDR (RFC 2980 §2.6)."""

    field: str
    ref: RangeRef
    legacy: bool = False


@dataclass(frozen=True, slots=True)
class ListCmd:
    """LIST [keyword [argument]] (RFC 3977 §7.6); keyword upper-cased."""

    keyword: str
    argument: str | None


@dataclass(frozen=True, slots=True)
class NewGroups:
    """NEWGROUPS date time [GMT] (RFC 3977 §7.3)."""

    since: datetime


@dataclass(frozen=True, slots=True)
class NewNews:
    """NEWNEWS wildmat date time [GMT] (RFC 3977 §7.4)."""

    wildmat: str
    since: datetime


@dataclass(frozen=True, slots=True)
class Ihave:
    """IHAVE message-id (RFC 3977 §6.3.2)."""

    message_id: MessageId


@dataclass(frozen=True, slots=True)
class AuthinfoUser:
    """AUTHINFO USER name (RFC 4643 §2.3)."""

    username: str


@dataclass(frozen=True, slots=True)
class AuthinfoPass:
    """AUTHINFO PASS password (RFC 4643 §2.3)."""

    password: str


@dataclass(frozen=True, slots=True)
class AuthinfoSasl:
    """AUTHINFO SASL mechanism [initial-response] (RFC 4643 §2.4); the
    initial response decoded (b"" for `=`), None when there was none."""

    mechanism: str
    initial: bytes | None


Command = (Simple | Mode | Group | ListGroup | Article | Over | Hdr | ListCmd | NewGroups
           | NewNews | Ihave | AuthinfoUser | AuthinfoPass | AuthinfoSasl)
