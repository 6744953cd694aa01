"""THE command table: verb -> parser, handler, states allowed.

`dispatch` parses, checks the state, runs the handler and turns every
refusal into its reply, so handlers do none of that. Nothing a client
sends raises out of here: a server bug is logged and answered 451 4.3.0,
and the connection stays usable.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from roost.lmtp import parse as p
from roost.lmtp import responses as r
from roost.lmtp.errors import Reject
from roost.lmtp.handlers import connection as h
from roost.lmtp.handlers import transaction as t
from roost.lmtp.session import ANY, After, Session, State
from roost.telemetry import events

log = logging.getLogger(__name__)

SERVER_BUG = r.reply(451, "4.3.0", "Internal server error")


@dataclass(frozen=True, slots=True)
class Spec:
    """How to parse one verb, what runs it, and in which states it may."""

    parse: Callable[[str], Any]
    handler: Callable[[Session, Any], Awaitable[r.Reply]]
    states: State


_READY = State.GREETED | State.MAIL | State.RCPT

COMMANDS: dict[str, Spec] = {
    "LHLO": Spec(p.parse_lhlo, h.lhlo, ANY),
    "MAIL": Spec(p.parse_mail, t.mail, State.GREETED),
    "RCPT": Spec(p.parse_rcpt, t.rcpt, State.MAIL | State.RCPT),
    # RFC 2033 §4.2: DATA with no accepted recipient MUST fail with 503.
    "DATA": Spec(p.parse_data, t.data, State.RCPT),
    "RSET": Spec(p.parse_rset, h.rset, ANY),
    "NOOP": Spec(p.parse_noop, h.noop, ANY),
    "QUIT": Spec(p.parse_quit, h.quit_, ANY),
    "VRFY": Spec(p.parse_vrfy, h.vrfy, ANY),
    "HELP": Spec(p.parse_help, h.help_, ANY),
    # RFC 3207 §4: not inside a mail transaction.
    "STARTTLS": Spec(p.parse_starttls, h.starttls, State.CONNECTED | State.GREETED),
}

#: RFC 2033 §4.1: an LMTP server MUST NOT accept HELO or EHLO.
_SMTP_GREETINGS = frozenset({"HELO", "EHLO"})


def sequence_error(state: State, verb: str) -> r.Reply:
    """503 5.5.1 with a hint of what the client should have sent."""
    if state is State.CONNECTED and verb != "STARTTLS":
        return r.bad_sequence("Send LHLO first")
    if verb == "MAIL":
        return r.bad_sequence("Nested MAIL command")
    if verb == "STARTTLS":
        return r.bad_sequence("STARTTLS not allowed inside a mail transaction")
    if state is State.MAIL and verb == "DATA":
        return r.bad_sequence("No valid recipients")
    return r.bad_sequence("Need MAIL command")


async def dispatch(s: Session, line: bytes) -> r.Reply:
    """The reply to one command line; sets `s.after` for the server."""
    s.after = After.CONTINUE
    try:
        verb, args = p.split_verb(line)
        if verb in _SMTP_GREETINGS:
            return r.USE_LHLO
        spec = COMMANDS.get(verb)
        if spec is None:
            return r.UNRECOGNIZED
        with events.command("lmtp", verb):
            command = spec.parse(args)
            if not s.state & spec.states:
                return sequence_error(s.state, verb)
            return await spec.handler(s, command)
    except Reject as refusal:
        return refusal.reply
    except Exception:
        log.exception("lmtp %s: error handling %r", s.session_id, line[:100])
        s.after = After.CONTINUE
        return SERVER_BUG


async def finish_message(s: Session, body: bytes | None) -> list[r.Reply]:
    """The per-recipient replies to a message (`None`: it was too big)."""
    count = len(s.recipients)
    try:
        if body is None:
            return await t.message_too_big(s)
        return await t.message(s, body)
    except Exception:
        log.exception("lmtp %s: error delivering a message", s.session_id)
        s.reset_transaction()
        return [SERVER_BUG] * count
