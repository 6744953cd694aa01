"""`deliver`: the one way a message from outside enters the store.

Steps, each one place to extend:
1. route every recipient (`routing.py`); unknown users fail here;
2. plan each recipient's copies (`_plan`): the duplicate check first
   (`suppression.py`), then the implicit keep into the routed mailbox, or
   what the recipient's active Sieve script says (`sieve_run.py`);
3. store every copy (`Store.deliver`: one body file per distinct content,
   every target durable before it returns); quotas are enforced there and
   come back as `OverQuota`;
4. for each recipient whose copies are all stored: write its duplicate
   records, then queue the mail its script sends (`outgoing.py`), which
   never delays or fails the delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from roost.auth.identity import Identity
from roost.auth.rights import Access
from roost.config import Config
from roost.delivery import suppression
from roost.delivery.outgoing import OutgoingMail
from roost.delivery.plan import Mark, Plan, Target
from roost.delivery.results import Failure, RecipientResult
from roost.delivery.routing import Route, parse_recipient, recipient_exists, routed_mailbox
from roost.delivery.scripts import SieveDelivery
from roost.delivery.sieve_run import sieve_plan
from roost.net.logtext import clean
from roost.store.api import (
    AppendResult,
    Delivery,
    InvalidMailboxName,
    MailboxInfo,
    MailboxNotFound,
    OverQuota,
    StorageFull,
    Store,
)
from roost.store.duplicates import DuplicateRecord, DuplicateStore
from roost.store.names import user_inbox

log = logging.getLogger(__name__)

#: Store errors -> delivery failures; anything else is TEMPORARY (and logged).
STORE_FAILURES: dict[type[Exception], Failure] = {
    MailboxNotFound: Failure.MAILBOX_NOT_FOUND,
    InvalidMailboxName: Failure.MAILBOX_NOT_FOUND,
    OverQuota: Failure.OVER_QUOTA,
    StorageFull: Failure.STORAGE_FULL,
}


async def check_recipient(store: Store, conf: Config, recipient: str) -> Failure | None:
    """RCPT-time check: None when `recipient` names an existing user."""
    route = parse_recipient(conf, recipient)
    if route is None or not await recipient_exists(store, conf, route):
        return Failure.UNKNOWN_USER
    return None


async def _routed(access: Access, conf: Config, recipient: str,
                  sender: Identity) -> tuple[Route, MailboxInfo] | Failure:
    """The route of `recipient` and the mailbox it delivers to, or why none.

    A plain `user` recipient's INBOX is both the check that the user
    exists and the target, so it is looked up once; anything else (a
    +detail, a shared folder, an INBOX gone or to be autocreated) takes
    the full check, then the routing.
    """
    route = parse_recipient(conf, recipient)
    if route is None:
        return Failure.UNKNOWN_USER
    if route.shared is None and route.detail is None:
        with contextlib.suppress(MailboxNotFound, InvalidMailboxName):
            return route, await access.store.get_mailbox(user_inbox(route.userid))
    if not await recipient_exists(access.store, conf, route):
        return Failure.UNKNOWN_USER
    try:
        return route, await routed_mailbox(access, conf, route, sender)
    except MailboxNotFound:  # deleted since the user was found
        return Failure.MAILBOX_NOT_FOUND


async def _plan(access: Access, conf: Config, route: Route, inbox: MailboxInfo,
                envelope_from: str, raw: bytes, sieve: SieveDelivery | None,
                dedupe: suppression.Suppression | None) -> Plan:
    """Where one recipient's copies go, `inbox` the routed mailbox.

    RFC 5228 §2.10.2: with no script the implicit keep files into the
    routed mailbox; a user's active Sieve script takes over here. With
    duplicate suppression, a recipient whose script already ran on this
    message gets nothing new, and copies already in a mailbox are dropped.
    """
    plan = None
    if sieve is not None:
        scope = suppression.sieve_scope(route.userid)
        if dedupe is not None and await dedupe.seen(scope):
            log.info("duplicate %s for %s suppressed (its script ran on it before)",
                     clean(dedupe.message_id), clean(route.userid))
            return Plan()
        plan = await sieve_plan(sieve, access, route, envelope_from, inbox, raw)
        if plan is not None and dedupe is not None:
            plan.marks.append(Mark(dedupe.message_id, scope))
    if plan is None:
        plan = Plan([Target(inbox, frozenset(), raw)])
    if dedupe is not None and plan.failure is None:
        await dedupe.drop_delivered(plan)
    return plan


def _failure_of(err: Exception) -> Failure:
    for kind, failure in STORE_FAILURES.items():
        if isinstance(err, kind):
            return failure
    log.error("delivery failed", exc_info=err)
    return Failure.TEMPORARY


async def _store(store: Store, targets: Sequence[Delivery], raw: bytes,
                 records: Sequence[DuplicateRecord] = ()
                 ) -> tuple[dict[int, AppendResult | Failure], bool]:
    """Store `raw` in every target: by mailbox id, its result or failure;
    and whether `records` were written with it.

    One `Store.deliver` call for all targets writes one body file and the
    records, in one transaction. If it fails (one full quota root refuses
    the whole call), each target is tried alone so the others still get
    the message; the body is content-addressed, so those calls still share
    one file. A full disk fails every target at once: trying again alone
    cannot help.
    """
    try:
        results = await store.deliver(targets, raw, records=records)
        return {t.mailbox_id: res for t, res in zip(targets, results)}, True
    except Exception as err:  # noqa: BLE001 - each kind is mapped below
        if len(targets) == 1 or isinstance(err, StorageFull):  # a full disk fails them all
            failure = _failure_of(err)
            return {target.mailbox_id: failure for target in targets}, False
    outcome: dict[int, AppendResult | Failure] = {}
    for target in targets:
        try:
            outcome[target.mailbox_id] = (await store.deliver([target], raw))[0]
        except Exception as err:  # noqa: BLE001
            outcome[target.mailbox_id] = _failure_of(err)
    return outcome, False


Stored = dict[tuple[int, bytes], AppendResult | Failure]


async def _store_all(store: Store, targets: Sequence[Target],
                     records: Sequence[DuplicateRecord]) -> tuple[Stored, bool]:
    """Every copy, one `_store` per distinct content (a script that edited
    the header makes a content of its own), all queued for one commit; the
    records go with the copies when there is one content (the usual case)."""
    by_content: dict[bytes, list[Delivery]] = {}
    for target in targets:
        by_content.setdefault(target.raw, []).append(Delivery(target.mailbox.id, target.flags))
    contents = list(by_content)
    if len(contents) == 1:
        found, written = await _store(store, by_content[contents[0]], contents[0], records)
        return {(mailbox_id, contents[0]): result for mailbox_id, result in found.items()}, written
    outcomes = await asyncio.gather(*(_store(store, by_content[raw], raw) for raw in contents))
    return {(mailbox_id, raw): result for raw, (found, _) in zip(contents, outcomes)
            for mailbox_id, result in found.items()}, False


async def deliver(access: Access, conf: Config, sender: Identity, envelope_from: str,
                  recipients: list[str], raw: bytes, *,
                  sieve: SieveDelivery | None = None,
                  message_id: str | None = None) -> list[RecipientResult]:
    """Deliver `raw` (trace headers already added) to every recipient.

    `sender` is who delivers (the LMTP client's identity: anonymous until
    LMTP AUTH); the rights decision asks about it for +detail folders.
    `sieve` runs the recipients' active scripts (None: no filtering).
    `message_id` is the id duplicate suppression tracks when the caller
    already found it (`suppression.message_id_of`; the trace fields do not
    change it), else it is looked for in `raw`.
    Returns one result per recipient, in order. A recipient is `ok` only
    when every one of its copies is durable in the store.
    """
    store = access.store
    duplicates = suppression.duplicates_of(store)
    if duplicates and conf.duplicatesuppression:
        message_id = message_id or suppression.message_id_of(raw)
    else:
        message_id = None
    dedupe = suppression.Suppression(duplicates, message_id) if duplicates and message_id else None
    plans: list[Plan] = []
    for recipient in recipients:
        routed = await _routed(access, conf, recipient, sender)
        if isinstance(routed, Failure):
            plans.append(Plan.failed(routed))
            continue
        route, inbox = routed
        plans.append(await _plan(access, conf, route, inbox, envelope_from, raw, sieve, dedupe))
    targets: dict[tuple[int, bytes], Target] = {}
    for plan in plans:
        if plan.failure is None:
            for target in plan.targets:
                # Two recipients' same copy into one mailbox is one copy there.
                targets.setdefault(target.key, target)
    copies = list(targets.values())
    # The records if every copy is stored (then every planned recipient is ok).
    hoped = [m for plan in plans if plan.failure is None for m in plan.marks]
    hoped += dedupe.stored(copies) if dedupe is not None else []
    stored, written = (await _store_all(store, copies, suppression.records(hoped))
                       if copies else ({}, False))
    results = [_result(recipient, plan, stored) for recipient, plan in zip(recipients, plans)]
    done = [plan for plan, result in zip(plans, results) if result.ok]
    if not written and duplicates is not None:
        marks = [mark for plan in done for mark in plan.marks]
        marks += dedupe.stored([t for t in copies if not isinstance(stored[t.key], Failure)]
                               ) if dedupe is not None else []
        await _record(duplicates, marks)
    outgoing: list[OutgoingMail] = [mail for plan in done for mail in plan.outgoing]
    if outgoing and sieve is not None:
        sieve.outgoing.queue(outgoing)
    return results


async def _record(duplicates: DuplicateStore, marks: list[Mark]) -> None:
    """The records of what was stored, when they could not go with the copies."""
    if marks:
        try:
            await duplicates.record_duplicates(suppression.records(marks))
        except Exception:  # the copies are stored: a lost record only risks a duplicate
            log.exception("duplicate records not written")


def _result(recipient: str, plan: Plan, stored: Stored) -> RecipientResult:
    if plan.failure is not None:
        return RecipientResult(recipient, plan.failure, reason=plan.reason)
    done: list[AppendResult] = []
    for target in plan.targets:
        outcome = stored[target.key]
        if isinstance(outcome, Failure):
            if target.optional:
                log.warning("fcc copy into %s not stored: %s", clean(target.mailbox.name),
                            outcome.value)
                continue
            return RecipientResult(recipient, outcome)
        done.append(outcome)
    return RecipientResult(recipient, None, tuple(done))
