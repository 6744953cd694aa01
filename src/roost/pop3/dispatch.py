"""THE table: command -> handler and the states it is valid in; and running one.

`run` does, once for every command: the state check, and every refusal
as its -ERR line (PopError, the store's errors through STORE_ERRORS,
anything else logged once and answered [SYS/TEMP]). Handlers do none of
these. Nothing a client sends raises out of here, except a connection
that is gone.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from roost.net.output import ConnectionClosed
from roost.pop3 import commands as c
from roost.pop3.handlers import auth, maildrop, retrieve
from roost.pop3.responses import err
from roost.pop3.session import PopError, Session, State
from roost.store.api import (
    MailboxNotFound,
    MessageNotFound,
    OverQuota,
    PermissionDenied,
    StorageFull,
    StoreCorrupt,
    StoreError,
)

log = logging.getLogger(__name__)

Handler = Callable[[Session, Any], Awaitable[None]]
AUTHORIZATION = State.AUTHORIZATION
TRANSACTION = State.TRANSACTION


@dataclass(frozen=True, slots=True)
class Spec:
    handler: Handler
    states: State


#: Per command, its handler in each state; QUIT has one per state (RFC 1939 §5, §6).
SPECS: dict[type, tuple[Spec, ...]] = {
    c.Capa: (Spec(auth.capa, AUTHORIZATION | TRANSACTION),),
    c.Quit: (Spec(auth.quit_unauthorized, AUTHORIZATION), Spec(maildrop.quit_, TRANSACTION)),
    c.User: (Spec(auth.user, AUTHORIZATION),),
    c.Pass: (Spec(auth.pass_, AUTHORIZATION),),
    c.Auth: (Spec(auth.auth, AUTHORIZATION),),
    c.Stls: (Spec(auth.stls, AUTHORIZATION),),
    c.Stat: (Spec(maildrop.stat, TRANSACTION),),
    c.List: (Spec(maildrop.list_, TRANSACTION),),
    c.Uidl: (Spec(maildrop.uidl, TRANSACTION),),
    c.Dele: (Spec(maildrop.dele, TRANSACTION),),
    c.Noop: (Spec(maildrop.noop, TRANSACTION),),
    c.Rset: (Spec(maildrop.rset, TRANSACTION),),
    c.Retr: (Spec(retrieve.retr, TRANSACTION),),
    c.Top: (Spec(retrieve.top, TRANSACTION),),
}

#: The store's domain errors as RFC 3206 codes.
STORE_ERRORS: dict[type[StoreError], tuple[str, str]] = {
    MailboxNotFound: ("SYS/TEMP", "Maildrop no longer exists"),
    MessageNotFound: ("SYS/PERM", "Could not read message file"),
    PermissionDenied: ("SYS/PERM", "Permission denied"),
    StorageFull: ("SYS/TEMP", "Server storage full; try again later"),
    OverQuota: ("SYS/PERM", "Quota exceeded"),
    StoreCorrupt: ("SYS/PERM", "Mail store damaged"),
}


def handler_for(cmd: object, state: State) -> Handler | None:
    for spec in SPECS.get(type(cmd), ()):
        if state & spec.states:
            return spec.handler
    return None


async def run(s: Session, cmd: c.Command) -> None:
    """Run one parsed command, leaving its reply in `s.out`."""
    handler = handler_for(cmd, s.state)
    if handler is None:
        # Cyrus's pop3d answers a command of the other state as unknown.
        s.out.append(err(None, "Unrecognized command"))
        return
    try:
        await handler(s, cmd)
    except ConnectionClosed:
        raise
    except PopError as refusal:
        s.out.append(err(refusal.code, refusal.text))
    except StoreError as store_error:
        code, text = STORE_ERRORS.get(type(store_error), ("SYS/TEMP", "Mail store error"))
        s.out.append(err(code, text))
    except Exception:
        log.exception("pop3 %s: %s failed", s.session_id, type(cmd).__name__)
        s.out.append(err("SYS/TEMP", "Internal server error"))
