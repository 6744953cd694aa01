"""THE table: command -> handler and the states it is valid in; and running one.

Dispatch does, once for every command: the state check (RFC 5804 §2:
commands of the wrong state get NO), catching errors (ManageSieveError,
store errors through errors.STORE_ERRORS, anything else logged once and
answered NO (TRYLATER)), and the final OK/NO/BYE. Handlers do none of these.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from roost.managesieve import commands as c
from roost.managesieve.errors import ManageSieveError, from_store_error
from roost.managesieve.handlers import auth, scripts
from roost.managesieve.responses import Done, reply
from roost.managesieve.session import ConnectionClosed, Session, State
from roost.store.api import StoreError

log = logging.getLogger(__name__)

Handler = Callable[[Session, Any], Awaitable[Done]]
ANY = State.NOT_AUTHENTICATED | State.AUTHENTICATED
NOAUTH = State.NOT_AUTHENTICATED
AUTHED = State.AUTHENTICATED


@dataclass(frozen=True, slots=True)
class Spec:
    handler: Handler
    states: State


TABLE: dict[type, Spec] = {
    c.Capability: Spec(auth.capability, ANY),
    c.Noop: Spec(auth.noop, ANY),
    c.Logout: Spec(auth.logout, ANY),
    c.StartTls: Spec(auth.starttls, NOAUTH),
    c.Authenticate: Spec(auth.authenticate, NOAUTH),
    c.Unauthenticate: Spec(auth.unauthenticate, AUTHED),
    c.HaveSpace: Spec(scripts.havespace, AUTHED),
    c.PutScript: Spec(scripts.putscript, AUTHED),
    c.CheckScript: Spec(scripts.checkscript, AUTHED),
    c.ListScripts: Spec(scripts.listscripts, AUTHED),
    c.SetActive: Spec(scripts.setactive, AUTHED),
    c.GetScript: Spec(scripts.getscript, AUTHED),
    c.DeleteScript: Spec(scripts.deletescript, AUTHED),
    c.RenameScript: Spec(scripts.renamescript, AUTHED),
}

_WRONG_STATE = {
    NOAUTH: "Authenticate first",
    AUTHED: "Already authenticated",
}


def _error_reply(err: Exception, cmd: object) -> bytes:
    if isinstance(err, ManageSieveError):
        return reply(err.status, err.text, err.code)
    if isinstance(err, StoreError):
        known = from_store_error(err)
        return reply(known.status, known.text, known.code)
    log.exception("command %s failed", type(cmd).__name__, exc_info=err)
    return reply(b"NO", "Internal error, try again later", b"TRYLATER")


async def run(s: Session, cmd: c.Command) -> None:
    """Run one parsed command, leaving every reply line in `s.out`."""
    spec = TABLE[type(cmd)]
    if not s.state & spec.states:
        s.out.append(reply(b"NO", _WRONG_STATE.get(s.state, "Not valid in this state")))
        return
    try:
        done = await spec.handler(s, cmd)
        out = reply(b"OK", done.text, done.code)
    except ConnectionClosed:
        raise
    except Exception as err:  # noqa: BLE001 - every failure becomes its reply
        out = _error_reply(err, cmd)
    s.out.append(out)
