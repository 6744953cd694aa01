"""Where a recipient's active Sieve script takes over their plan.

`sieve_plan` answers None when the recipient has no active script (the
implicit keep of routing stands), else the Plan the script's Outcome
makes. Whatever goes wrong (a script that no longer compiles, a run-time
error, a fault here) the answer is the keep into INBOX and a log line:
RFC 5228 §2.10.6, and nothing is lost.
"""

from __future__ import annotations

import logging

from roost.auth.identity import identity_for
from roost.auth.rights import Access
from roost.delivery.plan import Plan, Target
from roost.delivery.routing import Route
from roost.delivery.scripts import SieveDelivery, Unusable
from roost.delivery.sieve_actions import Carrier, owner_address
from roost.delivery.sieve_host import StoreHost
from roost.delivery.suppression import duplicates_of
from roost.net.logtext import clean
from roost.sieve import Envelope, evaluate
from roost.store.api import MailboxInfo

log = logging.getLogger(__name__)


async def sieve_plan(sieve: SieveDelivery, access: Access, route: Route, sender: str,
                     inbox: MailboxInfo, raw: bytes) -> Plan | None:
    """The plan of `route`'s active script for `raw`, or None without one."""
    user = route.userid
    keep = Plan([Target(inbox, frozenset(), raw)])
    try:
        program = await sieve.active_program(user)
        if program is None:
            return None
        if isinstance(program, Unusable):
            log.error("sieve: %s's active script %r no longer compiles (%s): kept in INBOX",
                      clean(user), clean(program.name), clean(program.why))
            return keep
        conf = access.conf
        store = access.store
        duplicates = duplicates_of(store)
        host = StoreHost(access, conf, identity_for(user, conf), sieve.scripts, duplicates)
        # `+detail` stays in RCPT TO: what `envelope :detail "to"` sees (RFC 5233 §4).
        envelope = Envelope(sender, route.recipient, "", route.recipient)
        outcome = await evaluate(program, raw, envelope, host, sieve.options)
        for error in outcome.errors:
            log.error("sieve: %s's script failed (%s): kept in INBOX", clean(user), clean(error))
        carrier = Carrier(host, inbox, sender, route.recipient,
                          owner_address(user, route.recipient, conf), raw)
        return await carrier.plan(outcome)
    except Exception:  # a fault of ours must not lose the message either
        log.exception("sieve: running %s's script failed: kept in INBOX", clean(user))
        return keep
