"""`deliver`: the one way a message from outside enters the store.

Steps, each one place to extend:
1. route every recipient (`routing.py`); unknown users fail here;
2. plan each recipient's targets (`_plan`): today the implicit keep into
   the routed mailbox; Sieve replaces the plan with its script's actions;
3. store the body once for every target (`Store.deliver`: one body file,
   every target durable before it returns); quotas are enforced there and
   come back as `OverQuota`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from roost.auth.identity import Identity
from roost.auth.rights import Access
from roost.config import Config
from roost.delivery.results import Failure, RecipientResult
from roost.delivery.routing import Route, parse_recipient, recipient_exists, routed_mailbox
from roost.store.api import (
    AppendResult,
    Delivery,
    InvalidMailboxName,
    MailboxNotFound,
    OverQuota,
    StorageFull,
    Store,
)

log = logging.getLogger(__name__)

#: Store errors -> delivery failures; anything else is TEMPORARY (and logged).
STORE_FAILURES: dict[type[Exception], Failure] = {
    MailboxNotFound: Failure.MAILBOX_NOT_FOUND,
    InvalidMailboxName: Failure.MAILBOX_NOT_FOUND,
    OverQuota: Failure.OVER_QUOTA,
    StorageFull: Failure.STORAGE_FULL,
}


@dataclass(frozen=True, slots=True)
class Envelope:
    """The SMTP envelope of one recipient's copy: what Sieve's `envelope`
    test (RFC 5228 §5.4) and vacation (RFC 5230 §4.5) read."""

    sender: str
    recipient: str


async def check_recipient(store: Store, conf: Config, recipient: str) -> Failure | None:
    """RCPT-time check: None when `recipient` names an existing user."""
    route = parse_recipient(conf, recipient)
    if route is None or not await recipient_exists(store, conf, route):
        return Failure.UNKNOWN_USER
    return None


async def _plan(access: Access, conf: Config, envelope: Envelope, route: Route,
                sender: Identity) -> list[Delivery] | Failure:
    """Where one recipient's copy goes (mailboxes by id, looked up once here).

    RFC 5228 §2.10.2: with no script the implicit keep files into the
    routed mailbox. A user's active Sieve script takes over here, turning
    its actions (keep, fileinto, discard, flags) into this list.
    """
    try:
        info = await routed_mailbox(access, conf, route, sender)
    except MailboxNotFound:  # deleted since the user was found
        return Failure.MAILBOX_NOT_FOUND
    return [Delivery(info.id)]


def _failure_of(err: Exception) -> Failure:
    for kind, failure in STORE_FAILURES.items():
        if isinstance(err, kind):
            return failure
    log.error("delivery failed", exc_info=err)
    return Failure.TEMPORARY


async def _store(store: Store, targets: Sequence[Delivery], raw: bytes
                 ) -> dict[int, AppendResult | Failure]:
    """Store `raw` in every target: by mailbox id, its result or failure.

    One `Store.deliver` call for all targets writes one body file. If it
    fails (one full quota root refuses the whole call), each target is
    tried alone so the others still get the message; the body is
    content-addressed, so those calls still share one file. A full disk
    fails every target at once: trying again alone cannot help.
    """
    try:
        results = await store.deliver(targets, raw)
        return {t.mailbox_id: res for t, res in zip(targets, results)}
    except Exception as err:  # noqa: BLE001 - each kind is mapped below
        if len(targets) == 1 or isinstance(err, StorageFull):  # a full disk fails them all
            failure = _failure_of(err)
            return {target.mailbox_id: failure for target in targets}
    outcome: dict[int, AppendResult | Failure] = {}
    for target in targets:
        try:
            outcome[target.mailbox_id] = (await store.deliver([target], raw))[0]
        except Exception as err:  # noqa: BLE001
            outcome[target.mailbox_id] = _failure_of(err)
    return outcome


async def deliver(access: Access, conf: Config, sender: Identity, envelope_from: str,
                  recipients: list[str], raw: bytes) -> list[RecipientResult]:
    """Deliver `raw` (trace headers already added) to every recipient.

    `sender` is who delivers (the LMTP client's identity: anonymous until
    LMTP AUTH); the rights decision asks about it for +detail folders.
    Returns one result per recipient, in order. A recipient is `ok` only
    when every one of its targets is durable in the store.
    """
    store = access.store
    plans: list[list[Delivery] | Failure] = []
    for recipient in recipients:
        route = parse_recipient(conf, recipient)
        if route is None or not await recipient_exists(store, conf, route):
            plans.append(Failure.UNKNOWN_USER)
            continue
        plans.append(await _plan(access, conf, Envelope(envelope_from, recipient), route, sender))
    targets: dict[int, Delivery] = {}
    for plan in plans:
        if not isinstance(plan, Failure):
            for target in plan:
                # Two recipients routed to one mailbox get one copy there.
                targets.setdefault(target.mailbox_id, target)
    stored = await _store(store, list(targets.values()), raw) if targets else {}
    return [_result(recipient, plan, stored) for recipient, plan in zip(recipients, plans)]


def _result(recipient: str, plan: list[Delivery] | Failure,
            stored: dict[int, AppendResult | Failure]) -> RecipientResult:
    if isinstance(plan, Failure):
        return RecipientResult(recipient, plan)
    done: list[AppendResult] = []
    for target in plan:
        outcome = stored[target.mailbox_id]
        if isinstance(outcome, Failure):
            return RecipientResult(recipient, outcome)
        done.append(outcome)
    return RecipientResult(recipient, None, tuple(done))
