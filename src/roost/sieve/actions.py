"""What a script asks delivery to do, and the rules for combining actions.

Invariants: `Outcome.actions` is final — implicit keep already resolved
(RFC 5228 §2.10.2), duplicate deliveries merged (RFC 5228 §2.10.3), and
forbidden combinations refused as run-time errors (RFC 5228 §2.10.6,
RFC 5429 §2.4, RFC 5230 §4.7). Delivery actions carry the edited message
(RFC 5293) when headers were changed before the action ran, else None.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from roost.sieve.errors import Position, SieveRuntimeError


@dataclass(frozen=True, slots=True)
class Keep:
    """File into INBOX; `flags` from :flags or the imap4flags variable."""

    flags: tuple[str, ...] = ()
    edited: bytes | None = None
    implicit: bool = False


@dataclass(frozen=True, slots=True)
class FileInto:
    mailbox: str
    flags: tuple[str, ...] = ()
    copy: bool = False
    create: bool = False
    specialuse: str | None = None
    edited: bytes | None = None


@dataclass(frozen=True, slots=True)
class Redirect:
    """`address` is the addr-spec alone, domain in lower case (RFC 5228 §2.4.2.3)."""

    address: str
    copy: bool = False
    edited: bytes | None = None


@dataclass(frozen=True, slots=True)
class Discard:
    pass


@dataclass(frozen=True, slots=True)
class Reject:
    """reject (RFC 5429 §2.2, MDN) or ereject (§2.1, protocol-level refusal)."""

    reason: str
    extended: bool = False


@dataclass(frozen=True, slots=True)
class Fcc:
    """RFC 8580: file a copy of a generated message."""

    mailbox: str
    flags: tuple[str, ...] = ()
    create: bool = False
    specialuse: str | None = None


@dataclass(frozen=True, slots=True)
class Vacation:
    """RFC 5230 §4: the reply to send, if delivery's response tracking allows.

    `seconds` is already clamped to the server's limits; `handle` is the
    :handle given or one derived from the arguments (RFC 5230 §4.2);
    `recipient` is the address the reply goes to (the envelope sender).
    """

    reason: str
    recipient: str
    handle: str
    seconds: int
    subject: str | None = None
    from_: str | None = None
    addresses: tuple[str, ...] = ()
    mime: bool = False
    fcc: Fcc | None = None


@dataclass(frozen=True, slots=True)
class Notify:
    """RFC 5435 §3: a notification to send through `method`."""

    method: str
    from_: str | None = None
    importance: str = "2"
    options: tuple[str, ...] = ()
    message: str | None = None
    fcc: Fcc | None = None


Action = Keep | FileInto | Redirect | Discard | Reject | Vacation | Notify
DELIVERY = (Keep, FileInto, Redirect)


@dataclass(slots=True)
class Outcome:
    """The result of running a script: actions to take, errors seen.

    When `errors` is not empty the script failed and `actions` is the
    implicit keep alone (RFC 5228 §2.10.6).
    """

    actions: list[Action]
    errors: list[str] = field(default_factory=list)


class ActionList:
    """Collects actions while the script runs, enforcing the combination rules."""

    def __init__(self) -> None:
        self.actions: list[Action] = []
        self.cancel_keep = False

    def add(self, action: Action, pos: Position) -> None:
        kinds = {type(a) for a in self.actions}
        if isinstance(action, Reject):
            if Reject in kinds:
                raise SieveRuntimeError(pos, "only one reject or ereject per script")  # RFC 5429 §2.4
            if Vacation in kinds:
                raise SieveRuntimeError(pos, "reject cannot be combined with vacation")
            if kinds & set(DELIVERY) and any(not getattr(a, "implicit", False) for a in self.actions
                                               if isinstance(a, DELIVERY)):
                raise SieveRuntimeError(pos, "reject cannot be combined with keep, fileinto or redirect")
        if isinstance(action, Vacation):
            if Vacation in kinds:
                raise SieveRuntimeError(pos, "only one vacation per script")  # RFC 5230 §4.7
            if Reject in kinds:
                raise SieveRuntimeError(pos, "vacation cannot be combined with reject")
        if isinstance(action, DELIVERY) and Reject in kinds:
            raise SieveRuntimeError(pos, "keep, fileinto and redirect cannot follow reject")
        if isinstance(action, (Discard, Reject)) or (
                isinstance(action, (FileInto, Redirect)) and not action.copy):
            self.cancel_keep = True
        self.merge(action)

    def merge(self, action: Action) -> None:
        """RFC 5228 §2.10.3: the same mailbox or address only once.

        RFC 5232 §3: when keep/fileinto to one mailbox is merged, the last
        flag list wins.
        """
        target = delivery_target(action)
        for i, existing in enumerate(self.actions):
            if target is not None and delivery_target(existing) == target:
                if isinstance(existing, (Keep, FileInto)) and isinstance(action, (Keep, FileInto)):
                    self.actions[i] = replace(existing, flags=action.flags)
                return
            if isinstance(action, Discard) and isinstance(existing, Discard):
                return
        self.actions.append(action)

    def finish(self, flags: tuple[str, ...], edited: bytes | None) -> list[Action]:
        """The final list, with the implicit keep added unless cancelled (RFC 5228 §2.10.2)."""
        if not self.cancel_keep and not any(isinstance(a, Keep) for a in self.actions):
            self.merge(Keep(flags, edited, implicit=True))
        return list(self.actions)


def delivery_target(action: Action) -> tuple[str, str] | None:
    if isinstance(action, Keep):
        return ("mailbox", "INBOX")
    if isinstance(action, FileInto):
        return ("mailbox", "INBOX" if action.mailbox.upper() == "INBOX" else action.mailbox)
    if isinstance(action, Redirect):
        return ("address", action.address)  # normalised: domain lower-cased, local part as written
    return None


def describe(action: Action) -> str:
    """One line per action: its name, then the fields that are set."""
    parts = [type(action).__name__.lower()]
    for item in fields(action):
        value = getattr(action, item.name)
        if value in (None, False, (), "") or item.name == "edited":
            continue
        shown = " ".join(value) if isinstance(value, tuple) else value
        parts.append(f"{item.name.rstrip('_')}={shown!r}" if not isinstance(value, bool) else item.name)
    if getattr(action, "edited", None) is not None:
        parts.append("(headers edited)")
    return " ".join(parts)
