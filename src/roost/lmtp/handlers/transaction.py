"""The mail transaction: MAIL, RCPT, DATA and the message that follows."""

from __future__ import annotations

import logging

from roost.delivery import check_recipient, deliver
from roost.delivery.suppression import message_id_of
from roost.lmtp import responses as r
from roost.lmtp.commands import Data, Mail, Rcpt
from roost.lmtp.errors import Reject, failure_reply
from roost.lmtp.session import After, Session, State
from roost.lmtp.trace import trace_headers
from roost.net.logtext import clean
from roost.telemetry.delivery import log_deliveries

log = logging.getLogger(__name__)


async def mail(s: Session, cmd: Mail) -> r.Reply:
    """RFC 5321 §4.1.1.2; a declared SIZE over the limit is refused now (RFC 1870 §6.1)."""
    limit = s.conf.maxmessagesize
    if limit and cmd.size is not None and cmd.size > limit:
        raise Reject(r.TOO_BIG)
    s.reset_transaction()
    s.sender = cmd.sender
    s.state = State.MAIL
    return r.SENDER_OK


async def rcpt(s: Session, cmd: Rcpt) -> r.Reply:
    """RFC 5321 §4.1.1.3: unknown users are refused here, before the body."""
    failure = await check_recipient(s.store, s.conf, cmd.recipient)
    if failure is not None:
        raise Reject(failure_reply(s.conf, failure))
    s.recipients.append(cmd.recipient)
    s.state = State.RCPT
    return r.RECIPIENT_OK


async def data(s: Session, cmd: Data) -> r.Reply:
    """RFC 5321 §4.1.1.4: 354, then the wire reads the message."""
    s.after = After.READ_BODY
    return r.START_DATA


async def message(s: Session, body: bytes) -> list[r.Reply]:
    """Deliver the message; RFC 2033 §4.2: one reply per recipient, in RCPT order.

    Each 250 is sent only after the copy is durable (`deliver` returns
    after the store has synced it).
    """
    s.messages += 1
    message_id = f"{s.session_id}-{s.messages}"
    raw = trace_headers(sender=s.sender, lhlo_host=s.lhlo_host, peer_ip=s.peer_ip,
                        servername=s.servername, tls=s.tls_active,
                        message_id=message_id, recipients=s.recipients) + body
    found = message_id_of(body)
    results = await deliver(s.access, s.conf, s.identity, s.sender, s.recipients, raw,
                            sieve=s.sieve, message_id=found)
    replies = []
    for result in results:
        if result.failure is None:
            replies.append(r.reply(250, "2.0.0", f"<{result.recipient}> Delivered {message_id}"))
        else:
            replies.append(failure_reply(s.conf, result.failure, result.reason))
        log.info("lmtp %s from=<%s> to=<%s> %s", message_id, clean(s.sender),
                 clean(result.recipient),
                 "delivered" if result.ok else result.failure)
    await log_deliveries(s.store, found or "<nomsgid>", results)
    s.reset_transaction()
    return replies


async def message_too_big(s: Session) -> list[r.Reply]:
    """RFC 1870 §6.1 552 5.3.4, once per recipient (RFC 2033 §4.2)."""
    replies = [r.TOO_BIG] * len(s.recipients)
    s.reset_transaction()
    return replies
