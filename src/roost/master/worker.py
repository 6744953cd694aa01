"""One worker process: an event loop serving every service on inherited sockets.

On SIGTERM (or SIGINT, or the master's end) the worker stops accepting,
begins its ServerContext's shutdown (LMTP answers 421 to new
transactions, IMAP says BYE; what is in flight finishes), waits for every
session to end, and only then closes the store.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Callable

import uvloop

from roost.config import Config
from roost.master.context import open_context
from roost.master.heartbeat import send_heartbeats
from roost.master.services import Service
from roost.master.signals import FORK_BLOCKED, STOP_SIGNALS, ignore_stop_signals
from roost.net.memory import return_large_buffers
from roost.telemetry.metrics import probe_loop_lag, watch_store

log = logging.getLogger(__name__)

Listeners = list[tuple[Service, socket.socket]]


async def serve_forever(conf: Config, listeners: Listeners, heartbeat_fd: int | None = None) -> None:
    """Serve until told to stop, then drain the sessions and close the store."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)
    # The master forks with these blocked; one already pending arrives now, handled.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, FORK_BLOCKED)
    beats = None
    if heartbeat_fd is not None:
        beats = asyncio.create_task(send_heartbeats(heartbeat_fd, stop.set))
    ctx = await open_context(conf)
    watch_store()
    lag_probe = asyncio.create_task(probe_loop_lag(stop))
    servers = [await service.starter()(ctx, sock, implicit_tls=service.implicit_tls,
                                       maxchild=service.maxchild, **service.modes)
               for service, sock in listeners]
    await stop.wait()
    for server in servers:
        server.close()
    log.info("worker %d: stopping; %d sessions to finish", os.getpid(), ctx.shutdown.sessions)
    ctx.shutdown.begin()
    await ctx.shutdown.sessions_ended()
    await ctx.store.close()
    await lag_probe
    if beats is not None:
        beats.cancel()


def fork_worker(conf: Config, listeners: Listeners, heartbeat_fd: int,
                forget_master: Callable[[], None]) -> int:
    """Fork a worker and return its pid; the child serves and exits, never returns.

    Call with FORK_BLOCKED blocked. `forget_master` runs first in the child
    and closes what only the master may hold (its pipes, its selector).
    """
    pid = os.fork()
    if pid:
        return pid
    code = 0
    try:
        forget_master()
        return_large_buffers()
        uvloop.run(serve_forever(conf, listeners, heartbeat_fd))
    except BaseException:
        log.exception("worker %d failed", os.getpid())
        code = 1
    finally:
        ignore_stop_signals()
        logging.shutdown()
        os._exit(code)
