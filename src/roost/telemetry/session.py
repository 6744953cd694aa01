"""One connection's telemetry: its session id, its service, its protocol log.

`roost.net.listener` opens one per connection (`open_session`) and the
connection feeds it every byte both ways; it is also the value of a
context variable for the connection's task, so the login flow, shared by
every protocol, can start the user's protocol log (`start_user_log`) and
log lines can name the service, without any protocol passing it along.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import time
from contextvars import ContextVar

from roost.telemetry.metrics import metrics
from roost.telemetry.protolog import ProtocolLog, find_telemetry_file

_counter = itertools.count(1)


def new_session_id(servername: str = "") -> str:
    """Cyrus's session id shape, `<servername>-<pid>-<unixtime>-<n>`: unique
    across the workers of a host and across restarts."""
    host = servername or socket.gethostname()
    return f"{host}-{os.getpid()}-{int(time.time())}-{next(_counter)}"


class SessionTelemetry:
    """What one connection reports; made by `open_session`, ended by `close`."""

    def __init__(self, service: str, session_id: str) -> None:
        self.service = service
        self.session_id = session_id
        self.userid: str | None = None
        self.log: ProtocolLog | None = None
        self._closed = False

    def client(self, data: bytes) -> None:
        if self.log is not None:
            self.log.client(data)

    def server(self, data: bytes) -> None:
        if self.log is not None:
            self.log.server(data)

    async def start_user_log(self, configdirectory: str, userid: str) -> None:
        """The session belongs to `userid` from now on: telemetry starts if
        `<configdirectory>/log/<userid>/` exists (looked up off the loop)."""
        if userid == self.userid:
            return
        await self.stop_user_log()
        self.userid = userid
        path = await asyncio.to_thread(find_telemetry_file, configdirectory, userid,
                                       self.service, self.session_id)
        if path is not None:
            self.log = ProtocolLog(path, userid)

    async def stop_user_log(self) -> None:
        log, self.log = self.log, None
        if log is not None:
            await log.close()

    async def close(self) -> None:
        """The connection ended (again: nothing)."""
        if self._closed:
            return
        self._closed = True
        await self.stop_user_log()
        metrics().connections_open.labels(self.service).dec()


_current: ContextVar[SessionTelemetry | None] = ContextVar("roost_session", default=None)


def open_session(service: str, servername: str = "") -> SessionTelemetry:
    """A new connection of `service` in the running task (count it, name it)."""
    session = SessionTelemetry(service, new_session_id(servername))
    _current.set(session)
    m = metrics()
    m.connections.labels(service).inc()
    m.connections_open.labels(service).inc()
    return session


def current_session() -> SessionTelemetry | None:
    """The telemetry of the connection this task serves (None outside one)."""
    return _current.get()
