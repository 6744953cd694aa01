"""Mail that delivery sends out: redirects, vacation replies, notifications, rejections.

Two ways out, chosen as Cyrus chooses (`smtp_backend`):
- `sendmail` (default): the `sendmail` program (default /usr/sbin/sendmail)
  run as `sendmail -i -f SENDER -- RECIPIENT...` with the message on its
  standard input, as Cyrus 2.x did; every MTA's sendmail takes these
  flags. Run as an asyncio subprocess: the event loop never waits on it.
- `host`: SMTP to `smtp_host` (`host[:port][/tls]`, default
  localhost:587), in a worker thread, `/tls` asking for STARTTLS.

Invariants: sending never delays or fails a delivery. `queue` is called
after the store has committed the recipient's copies and returns at once;
a failure to send is logged, never raised into the delivery, and never
retried by Roost (RFC 5436 §2.7: a submitted notification MUST NOT be
resubmitted; the MTA does the retrying).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass

from roost.config import Config
from roost.master.shutdown import Shutdown
from roost.net.logtext import clean

log = logging.getLogger(__name__)
SEND_TIMEOUT = 120.0  # seconds one hand-off to sendmail or the relay may take


@dataclass(frozen=True, slots=True)
class OutgoingMail:
    """One message to send: envelope sender ("" for <>), recipients, RFC 5322 bytes (CRLF)."""

    sender: str
    recipients: tuple[str, ...]
    raw: bytes
    why: str  # "redirect", "vacation", "notify", "reject": for the log


class SendFailed(Exception):
    """The sendmail program or the relay refused the message."""


def parse_smtp_host(value: str) -> tuple[str, int, bool]:
    """`host[:port][/tls][/noauth]` -> (host, port, starttls); Cyrus's default port 587."""
    address, *flags = value.split("/")
    host, colon, port = address.rpartition(":")
    if not colon or not port.isdigit():
        host, port = address, "587"
    return host.strip("[]") or "localhost", int(port), "tls" in flags


class Outgoing:
    """The way out for one worker; `queue` hands messages off in the background.

    With the worker's `shutdown`, each batch counts as a session while it
    is being sent, so a stopping worker hands off what it queued first.
    """

    def __init__(self, conf: Config, shutdown: Shutdown | None = None) -> None:
        self.conf = conf
        self.shutdown = shutdown or Shutdown()
        self._tasks: set[asyncio.Task[None]] = set()

    def queue(self, mails: Sequence[OutgoingMail]) -> None:
        """Send `mails` in the background, one after the other; failures are logged."""
        if mails:
            task = asyncio.get_running_loop().create_task(self._send_all(list(mails)))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until everything queued has been handed off (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _send_all(self, mails: list[OutgoingMail]) -> None:
        # The task's first step runs before the LMTP session that queued it can end.
        with self.shutdown.session():
            for mail in mails:
                await self._send_one(mail)

    async def _send_one(self, mail: OutgoingMail) -> None:
        to = ", ".join(clean(r) for r in mail.recipients)
        try:
            await self.send(mail)
        except (SendFailed, OSError, smtplib.SMTPException, TimeoutError) as err:
            log.error("sieve %s from=<%s> to=<%s> not sent: %s", mail.why,
                      clean(mail.sender), to, clean(str(err)))
        else:
            log.info("sieve %s from=<%s> to=<%s> sent", mail.why, clean(mail.sender), to)

    async def send(self, mail: OutgoingMail) -> None:
        """Hand one message to sendmail or the relay; SendFailed (or OSError) if refused."""
        if self.conf.smtp_backend == "host":
            await asyncio.wait_for(asyncio.to_thread(self._smtp, mail), SEND_TIMEOUT)
        else:
            await self._sendmail(mail)

    async def _sendmail(self, mail: OutgoingMail) -> None:
        # sendmail reads local line endings; "<>" is the null sender to every MTA's sendmail.
        command = [str(self.conf.sendmail), "-i", "-f", mail.sender or "<>", "--",
                   *mail.recipients]
        process = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE)
        try:
            _, errors = await asyncio.wait_for(
                process.communicate(mail.raw.replace(b"\r\n", b"\n")), SEND_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise SendFailed(f"{command[0]} took more than {SEND_TIMEOUT:.0f} s") from None
        if process.returncode != 0:
            detail = errors.decode("utf-8", "replace").strip()[:200]
            raise SendFailed(f"{command[0]} exited {process.returncode}: {detail}")

    def _smtp(self, mail: OutgoingMail) -> None:
        """Worker thread: one SMTP transaction with the relay."""
        host, port, starttls = parse_smtp_host(str(self.conf.smtp_host))
        name = str(self.conf.servername) or socket.gethostname()
        with smtplib.SMTP(host, port, local_hostname=name, timeout=SEND_TIMEOUT) as relay:
            if starttls:
                relay.starttls(context=ssl.create_default_context())
            refused = relay.sendmail(mail.sender, list(mail.recipients), mail.raw)
        if refused:
            raise SendFailed(f"relay refused {', '.join(refused)}")
