"""Delivery: the one way mail from outside enters the store.

Invariants:
- Every message from outside (LMTP today) enters through `deliver()`; no
  protocol calls `Store.deliver` or `Store.append` for incoming mail.
- One body file per message, however many recipients (one
  `Store.deliver` call; the store is content-addressed).
- A recipient's result is ok only once its copy is durable.
- Routing (`routing.py`) follows Cyrus lmtpd: virtdomains, defaultdomain,
  lmtp_downcase_rcpt, +detail folders; a user exists iff their INBOX does.
- Failures are protocol-neutral `Failure` kinds; each protocol maps them to
  replies in one table of its own. A full disk is STORAGE_FULL for every
  target at once.
- A user's Sieve script reaches the store only through `StoreHost`
  (`sieve_host.py`), whose every question is awaited, never blocking the
  event loop, and whose mailboxes are those the rights decision allows.
- Nothing is lost to a script: one that fails to compile or to run, or
  a fault of the Sieve code, leaves the copy in INBOX and a log line.
- The duplicate check comes before the script runs and before quota is
  applied; duplicate records are written only for copies the store
  committed (`suppression.py`).
- Mail a script sends leaves only after the recipient's copies are
  durable, in the background (`outgoing.py`): it never delays or fails
  the recipient's result.
"""

from roost.delivery.deliver import check_recipient, deliver
from roost.delivery.outgoing import Outgoing, OutgoingMail
from roost.delivery.results import Failure, RecipientResult
from roost.delivery.routing import Route, parse_recipient
from roost.delivery.scripts import SieveDelivery
from roost.delivery.sieve_host import StoreHost

__all__ = ["Failure", "Outgoing", "OutgoingMail", "RecipientResult", "Route", "SieveDelivery",
           "StoreHost", "check_recipient", "deliver", "parse_recipient"]
