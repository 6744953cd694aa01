"""What an LMTP delivery reports: lmtpd's `Delivered:` lines, outcomes, quota use."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from roost.delivery.results import RecipientResult
from roost.store.api import QuotaStore, Store
from roost.store.offers import offered
from roost.telemetry import events

log = logging.getLogger(__name__)


async def log_deliveries(store: Store, message_id: str,
                         results: Sequence[RecipientResult]) -> None:
    """One `Delivered:` line per stored copy, one outcome per recipient, and
    how full each quota root that took a copy now is (STORAGE used / limit)."""
    roots: set[str] = set()
    for result in results:
        events.delivery_outcome("delivered" if result.failure is None
                                else result.failure.name.lower())
        for stored in result.stored:
            events.delivered(message_id, stored.mailbox)
            roots.add(stored.mailbox)
    quotas = offered(store, QuotaStore)
    if quotas is None:
        return
    for mailbox in sorted(roots):
        try:
            root = await quotas.quota_root_of(mailbox)
        except Exception:
            log.debug("quota of %s not read for metrics", mailbox, exc_info=True)
            continue
        for resource in root.resources if root is not None else ():
            if resource.name == "STORAGE" and resource.limit > 0:
                events.quota_usage(resource.usage / resource.limit)
