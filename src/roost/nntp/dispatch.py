"""THE command table: keyword -> handler and who may use it.

`dispatch` parses, checks the mode and the login, runs the handler and
turns every refusal into its reply, so handlers do none of that. Nothing
a client sends raises out of here: a server bug is logged and answered
403 (RFC 3977 §3.2.1), and the connection stays usable.

Modes as Cyrus's nntpd: a reader-only service (`nntpd -r`) answers IHAVE
502, a feeder-only one (`nntpd -f`) answers the reading commands 502.
Reading needs a login (480, RFC 4643 §2.1) unless `allowanonymouslogin`.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from roost.net.output import ConnectionClosed
from roost.nntp import responses as r
from roost.nntp.errors import AUTH_REQUIRED, INTERNAL_FAULT, NOT_PERMITTED, STORE_ERRORS, Reply
from roost.nntp.handlers import articles, auth, connection, groups, posting
from roost.nntp.parse import Bad, parse_command
from roost.nntp.session import Session
from roost.store.api import StoreError
from roost.telemetry import events

log = logging.getLogger(__name__)


class Who(enum.Enum):
    ANY = enum.auto()      # before login, in either mode
    READER = enum.auto()   # reader mode, logged in (or anonymous reading allowed)
    FEEDER = enum.auto()   # feeder mode


@dataclass(frozen=True, slots=True)
class Spec:
    handler: Callable[[Session, Any], Awaitable[None]]
    who: Who


COMMANDS: dict[str, Spec] = {
    "CAPABILITIES": Spec(connection.capabilities, Who.ANY),
    "MODE": Spec(connection.mode, Who.ANY),
    "HELP": Spec(connection.help_, Who.ANY),
    "DATE": Spec(connection.date, Who.ANY),
    "QUIT": Spec(connection.quit_, Who.ANY),
    "STARTTLS": Spec(connection.starttls, Who.ANY),
    "LIST": Spec(groups.list_, Who.ANY),  # ACTIVE before login; the rest it checks
    "GROUP": Spec(groups.group, Who.READER),
    "LISTGROUP": Spec(groups.listgroup, Who.READER),
    "NEXT": Spec(groups.next_, Who.READER),
    "LAST": Spec(groups.last, Who.READER),
    "NEWGROUPS": Spec(groups.newgroups, Who.READER),
    "ARTICLE": Spec(articles.article, Who.READER),
    "HEAD": Spec(articles.article, Who.READER),
    "BODY": Spec(articles.article, Who.READER),
    "STAT": Spec(articles.article, Who.READER),
    "OVER": Spec(articles.over, Who.READER),
    "XOVER": Spec(articles.over, Who.READER),
    "HDR": Spec(articles.hdr, Who.READER),
    "XHDR": Spec(articles.hdr, Who.READER),
    "NEWNEWS": Spec(articles.newnews, Who.READER),
    "POST": Spec(posting.post, Who.READER),
    "IHAVE": Spec(posting.ihave, Who.FEEDER),
}

_AUTHINFO: dict[str, Callable[[Session, Any], Awaitable[None]]] = {
    "AuthinfoUser": auth.authinfo_user,
    "AuthinfoPass": auth.authinfo_pass,
    "AuthinfoSasl": auth.authinfo_sasl,
}


def _allowed(s: Session, who: Who) -> None:
    if who is Who.FEEDER and not s.feeder:
        raise NOT_PERMITTED
    if who is Who.READER:
        if not s.reader:
            raise NOT_PERMITTED
        if not s.may_read():
            raise AUTH_REQUIRED


async def run(s: Session, work: Awaitable[None]) -> None:
    """Run a handler's work; its refusal, or a store error, becomes the reply."""
    try:
        await work
    except Reply as refusal:
        s.send(r.status(refusal.code, refusal.text))
    except StoreError as err:
        reply = STORE_ERRORS.get(type(err))
        if reply is None:
            log.exception("nntp %s: store error", s.peer)
            reply = INTERNAL_FAULT
        s.send(r.status(reply.code, reply.text))


async def dispatch(s: Session, line: bytes) -> None:
    """Act on one command line; replies go to the session's output."""
    try:
        verb, command = parse_command(line)
    except Bad as bad:
        s.send(r.status(bad.code, bad.text))
        return
    if verb == "AUTHINFO":
        await _guarded(s, verb, _AUTHINFO[type(command).__name__](s, command))
        return
    spec = COMMANDS[verb]
    try:
        _allowed(s, spec.who)
    except Reply as refusal:
        s.send(r.status(refusal.code, refusal.text))
        return
    await _guarded(s, verb, spec.handler(s, command))


async def _guarded(s: Session, what: str, work: Awaitable[None]) -> None:
    """`run`, and a bug logged (with the keyword only: AUTHINFO carries
    passwords) and answered 403; a connection that went away goes on up."""
    try:
        with events.command("nntp", what):
            await run(s, work)
    except ConnectionClosed:
        raise
    except Exception:
        log.exception("nntp %s: error handling %s", s.peer, what)
        s.send(r.status(INTERNAL_FAULT.code, INTERNAL_FAULT.text))


async def finish_article(s: Session, raw: bytes | None) -> None:
    """The article of a POST or IHAVE has been read (None: too big)."""
    await _guarded(s, "article", posting.finish(s, raw))
