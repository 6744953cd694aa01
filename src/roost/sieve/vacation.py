"""The vacation action, RFC 5230 (and :seconds, RFC 6131): decide and describe the reply.

Whether to reply at all (§4.5, §4.6) is decided here; response tracking
(§4.2: once per sender and handle per period) is delivery's, using
`Vacation.handle` and `Vacation.seconds`.
"""

from __future__ import annotations

import hashlib

from roost.sieve.actions import Fcc, Vacation
from roost.sieve.addrspec import mailbox_list
from roost.sieve.flags import flag_set
from roost.sieve.interp import ACTIONS
from roost.sieve.message import addresses
from roost.sieve.program import Node
from roost.sieve.runtime import Context

DAY = 86400
# RFC 5230 §4.6: addresses vacation never answers (local parts).
NEVER_REPLY = ("mailer-daemon", "listserv", "majordomo", "noreply", "no-reply")
LIST_HEADERS = ("list-id", "list-help", "list-subscribe", "list-unsubscribe", "list-post",
                "list-owner", "list-archive")
RECIPIENT_HEADERS = ("to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc")


def automated_sender(sender: str) -> bool:
    local = sender.rpartition("@")[0].lower() or sender.lower()
    return (local in NEVER_REPLY or local.endswith("-request") or local.startswith("owner-"))


def should_reply(ctx: Context, own: list[str]) -> bool:
    """RFC 5230 §4.5-§4.6 and RFC 3834: no replies to lists, robots or mail not sent to us."""
    message = ctx.message
    sender = ctx.envelope.mail_from
    if not sender or automated_sender(sender):
        return False
    if any(v.strip().lower() != "no" for v in message.header("Auto-Submitted")):
        return False
    if any(message.raw_values(h) for h in LIST_HEADERS):
        return False
    if any(v.strip().lower() in ("bulk", "list", "junk") for v in message.header("Precedence")):
        return False
    mine = {a.lower() for a in own if a}
    listed = addresses([v for h in RECIPIENT_HEADERS for v in message.header(h)])
    return any(a.lower() in mine for a in listed)


def number(value: object) -> int:
    return value if isinstance(value, int) else 0


def period(ctx: Context, node: Node) -> int:
    """RFC 5230 §4.1, RFC 6131 §2: default 7 days, clamped to the site's limits."""
    opts = ctx.options
    if ":seconds" in node.tags:
        wanted = number(node.tags[":seconds"])
    elif ":days" in node.tags:
        wanted = number(node.tags[":days"]) * DAY
    else:
        wanted = max(7 * DAY, opts.vacation_min_seconds)
    return max(opts.vacation_min_seconds, min(opts.vacation_max_seconds, wanted))


def fcc_of(ctx: Context, node: Node) -> Fcc | None:
    """RFC 8580 §3: where to file a copy of the generated message."""
    if ":fcc" not in node.tags:
        return None
    special = node.tags.get(":specialuse")
    return Fcc(ctx.mailbox(ctx.s(node.tags[":fcc"])), tuple(flag_set(ctx.strings(node.tags.get(":flags")))),
               ":create" in node.tags, None if special is None else ctx.s(special))


def a_vacation(ctx: Context, node: Node) -> None:
    reason = ctx.s(node.args[0])
    subject = ctx.s(node.tags[":subject"]) if ":subject" in node.tags else None
    from_ = ctx.s(node.tags[":from"]) if ":from" in node.tags else None
    if from_ is not None and mailbox_list(from_) is None:
        raise ctx.fail(f":from {from_!r} is not a valid address list")  # RFC 5230 §4.3
    own = ctx.strings(node.tags.get(":addresses"))
    if ":handle" in node.tags:
        handle = ctx.s(node.tags[":handle"])
    else:
        # RFC 5230 §4.2: without :handle, scripts with different arguments are different responses.
        handle = hashlib.sha256("\0".join([reason, subject or "", from_ or "", str(":mime" in node.tags)])
                                .encode("utf-8", "surrogatepass")).hexdigest()[:32]
    if not should_reply(ctx, own + [ctx.envelope.rcpt_to, ctx.envelope.orig_rcpt_to]):
        return
    if subject is None:
        original = ctx.message.header("Subject")
        subject = f"Auto: {original[0]}" if original else "Automated reply"  # RFC 5230 §5.3
    ctx.actions.add(Vacation(reason, ctx.envelope.mail_from, handle, period(ctx, node), subject,
                             from_, tuple(own), ":mime" in node.tags, fcc_of(ctx, node)), ctx.pos())


ACTIONS["vacation"] = a_vacation
