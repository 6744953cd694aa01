"""Run a recipient's Sieve script and turn its Outcome into the recipient's Plan.

RFC 5228 §2.10.6 and the issue's rule: nothing is lost. A script that
fails at run time (`Outcome.errors`), a script that no longer compiles,
and a fault of this code all leave the implicit keep into INBOX, and the
reason is logged. A fileinto whose mailbox is missing (without `:create`
and the right to create it, RFC 5490 §3.2 / RFC 4314 `k`) or not
postable files into INBOX instead, as Cyrus does.

Actions and their RFCs: keep/fileinto with :flags (RFC 5232), :copy
(RFC 3894), :create (RFC 5490 §3.2), :specialuse (RFC 8579 §5); discard;
redirect (RFC 5228 §4.2) with a loop header and `sieve_maxredirects`;
reject/ereject (RFC 5429); vacation (RFC 5230, RFC 6131) tracked per
sender and handle in the DuplicateStore; notify mailto (RFC 5436); fcc
(RFC 8580) of the generated message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from roost.auth.identity import Identity
from roost.config import Config
from roost.delivery import compose
from roost.delivery.outgoing import OutgoingMail
from roost.delivery.plan import Mark, Plan, Target
from roost.delivery.results import Failure
from roost.delivery.sieve_host import StoreHost
from roost.net.logtext import clean
from roost.sieve import (
    Action,
    Discard,
    Fcc,
    FileInto,
    Keep,
    Notify,
    Outcome,
    Redirect,
    Reject,
    Vacation,
)
from roost.store.api import InvalidMailboxName, MailboxExists, MailboxInfo

log = logging.getLogger(__name__)
LOOP_HEADER = "X-Sieve-Redirected-By"
"""Written on every redirected copy with the redirecting user's address; a
message coming back to that user, or carrying sieve_maxredirects of them,
is kept instead of redirected again (RFC 5228 §10: loops)."""
EREJECT_ASCII = "Message rejected by the recipient's mail filter"
"""RFC 5429 §2.1.1: an LMTP reason must be US-ASCII; a non-ASCII one is replaced."""


def owner_address(userid: str, recipient: str, conf: Config) -> str:
    """The script owner's address: the recipient without +detail."""
    local = userid.partition("@")[0]
    domain = recipient.rpartition("@")[2] if "@" in recipient else ""
    return f"{local}@{domain or conf.servername or 'localhost'}"


def strip_return_path(raw: bytes) -> bytes:
    """RFC 5321 §4.4: a message sent on carries no Return-Path of its last delivery."""
    if raw[:12].lower() == b"return-path:":
        end = raw.find(b"\n")
        return raw[end + 1:] if end >= 0 else raw
    return raw


@dataclass
class Carrier:
    """Turns one Outcome into a Plan for one recipient."""

    host: StoreHost
    inbox: MailboxInfo
    sender: str      # envelope MAIL FROM ("" for <>)
    recipient: str   # RCPT TO as given (with +detail)
    owner: str       # the owner's address
    raw: bytes

    @property
    def conf(self) -> Config:
        return self.host.conf

    @property
    def user(self) -> Identity:
        return self.host.owner

    async def plan(self, outcome: Outcome) -> Plan:
        """The interpreter already refused more than sieve_maxredirects redirects
        (RFC 5228 §10: a run-time error, so only the implicit keep is left)."""
        plan = Plan()
        for action in outcome.actions:
            await self._carry(action, plan)
            if plan.failure is not None:
                return plan
        return plan

    async def _carry(self, action: Action, plan: Plan) -> None:
        if isinstance(action, Keep):
            plan.targets.append(Target(self.inbox, frozenset(action.flags),
                                       action.edited or self.raw))
        elif isinstance(action, FileInto):
            mailbox = await self._mailbox(action.mailbox, action.create, action.specialuse)
            plan.targets.append(Target(mailbox or self.inbox, frozenset(action.flags),
                                       action.edited or self.raw))
        elif isinstance(action, Redirect):
            self._redirect(action, plan)
        elif isinstance(action, Reject):
            self._reject(action, plan)
        elif isinstance(action, Vacation):
            await self._vacation(action, plan)
        elif isinstance(action, Notify):
            await self._notify(action, plan)
        elif isinstance(action, Discard):
            log.info("sieve: %s's script discarded the message", clean(self.user.user))

    async def _mailbox(self, name: str, create: bool, specialuse: str | None
                       ) -> MailboxInfo | None:
        """The target of fileinto/fcc: the special-use mailbox if one exists
        (RFC 8579 §5), else `name`, created first with `:create` when the
        owner may create it; None (INBOX instead) otherwise."""
        host = self.host
        if specialuse:
            found = await host.special_use_mailbox(specialuse)
            if found is not None:
                return found
        found = await host.postable(name)
        if found is not None or not create:
            if found is None:
                log.info("sieve: %s: fileinto %r: no such mailbox (or no right to post):"
                         " INBOX instead", clean(self.user.user), clean(name))
            return found
        try:
            internal = host.names.to_internal(name)
        except InvalidMailboxName:
            return None
        if not await host.access.may_create(self.user, internal):
            log.info("sieve: %s may not create %r: INBOX instead", clean(self.user.user),
                     clean(name))
            return None
        try:
            await host.access.store.create_mailbox(
                internal, special_use=[specialuse] if specialuse else (),
                default_acl=host.access.default_acl)
        except MailboxExists:
            pass  # created by another delivery meanwhile
        except InvalidMailboxName:
            return None
        return await host.postable(name)

    def _redirect(self, action: Redirect, plan: Plan) -> None:
        """RFC 5228 §4.2: the message as it is (edited, if it was) to the new
        address, envelope sender kept; refused on a loop, kept instead."""
        seen = compose.headers_of(self.raw).get_all(LOOP_HEADER) or []
        looped = any(self.owner.lower() in str(v).lower() for v in seen)
        if looped or len(seen) >= self.conf.sieve_maxredirects:
            log.warning("sieve: %s: redirect to %s refused (mail loop): kept instead",
                        clean(self.user.user), clean(action.address))
            plan.targets.append(Target(self.inbox, frozenset(), self.raw))
            return
        body = f"{LOOP_HEADER}: {self.owner}\r\n".encode() + strip_return_path(
            action.edited or self.raw)
        plan.outgoing.append(OutgoingMail(self.sender, (action.address,), body,
                                                  "redirect"))

    def _reject(self, action: Reject, plan: Plan) -> None:
        """RFC 5429: ereject always, and reject with an ASCII reason when
        sieve_use_lmtp_reject (Cyrus's default), refuse at LMTP (550 5.7.1,
        §2.1.1); otherwise reject sends an MDN (§2.2.1)."""
        ascii_reason = action.reason.isascii()
        if action.extended or (self.conf.sieve_use_lmtp_reject and ascii_reason):
            text = " ".join(action.reason.split()) if ascii_reason else EREJECT_ASCII
            plan.failure, plan.reason = Failure.REJECTED, text[:200]
            return
        mdn = compose.reject_mdn(action.reason, self.raw, self.sender, self.owner,
                                 self._postmaster(), str(self.conf.servername or "localhost"))
        if mdn is None:
            log.info("sieve: %s: reject of a message from <>: no MDN sent", clean(self.user.user))
        else:
            plan.outgoing.append(mdn)

    def _postmaster(self) -> str:
        name = str(self.conf.postmaster) or "postmaster"
        return name if "@" in name else f"{name}@{self.conf.servername or 'localhost'}"

    async def _vacation(self, action: Vacation, plan: Plan) -> None:
        """RFC 5230 §4.2: once per sender and handle per period; never to
        one of our own addresses (§4.5)."""
        ours = {self.owner.lower(), self.recipient.lower(), *(a.lower() for a in action.addresses)}
        if action.recipient.lower() in ours:
            return
        duplicates = self.host.duplicates
        mark = Mark(f"{action.handle}\0{action.recipient.lower()}",
                    f"vacation {self.user.user}", action.seconds)
        if duplicates is not None:
            last = await duplicates.duplicate_seen(mark.id, mark.scope)
            now = await self.host.now()
            if last is not None and (now - last).total_seconds() < action.seconds:
                return
        reply = compose.vacation_reply(action, self.raw, self.owner)
        plan.outgoing.append(reply)
        plan.marks.append(mark)
        await self._fcc(action.fcc, reply.raw, plan)

    async def _notify(self, action: Notify, plan: Plan) -> None:
        mail = compose.notify_mail(action, self.raw, self.sender, self.owner)
        if mail is None or any(m.why == "notify" and m.recipients == mail.recipients
                               for m in plan.outgoing):
            return  # RFC 5436 §2.7: no duplicate notification to one address per run
        plan.outgoing.append(mail)
        await self._fcc(action.fcc, mail.raw, plan)

    async def _fcc(self, fcc: Fcc | None, raw: bytes, plan: Plan) -> None:
        """RFC 8580 §3-4: a copy of the generated message into a mailbox; never fails delivery."""
        if fcc is None:
            return
        mailbox = await self._mailbox(fcc.mailbox, fcc.create, fcc.specialuse)
        if mailbox is not None:
            plan.targets.append(Target(mailbox, frozenset(fcc.flags), raw, optional=True))
