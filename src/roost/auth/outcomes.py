"""What one step of a server-side SASL exchange yields (RFC 4422 §3).

The protocol layer base64-encodes `Challenge.data` and `Success.final_data`
and decodes client responses; mechanisms see raw bytes only. A mechanism
never checks a credential inside `begin`: it hands back a `Verify`, so the
login flow can throttle before the check and run it off the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Challenge:
    """Send `data` to the client and feed its response to `step`."""

    data: bytes


@dataclass(frozen=True, slots=True)
class Success:
    """Authenticated as `authcid`, acting as `authzid` (equal to `authcid`
    when no authorization identity was asked for).

    `final_data` is RFC 4422 §3.6 additional data with success (SCRAM's
    server signature); a protocol without that outcome sends it as a last
    challenge and expects an empty response.
    """

    authcid: str
    authzid: str
    final_data: bytes | None = None


@dataclass(frozen=True, slots=True)
class Verify:
    """The mechanism is about to check a credential of `user`.

    The protocol layer slows the attempt first if `user` or the client
    failed before (roost.auth.throttle), then awaits `check()` for the
    Success or Failure; the credential source keeps it off the event loop
    (PBKDF2 in a thread, saslauthd over an async socket).
    """

    user: str
    check: Callable[[], Awaitable[Success | Failure]]


@dataclass(frozen=True, slots=True)
class Failure:
    """The exchange failed; `reason` is for the log, not for the client."""

    reason: str


Outcome = Challenge | Verify | Success | Failure
IsAdmin = Callable[[str], bool]
Canonicalize = Callable[[str], str]


class Mechanism(Protocol):
    """One server-side SASL exchange.

    The first `step` gets the client's initial response, or b"" when the
    command had none (RFC 4422 §5 item 2a: the server then sends an empty
    challenge, or its first prompt). After Success or Failure every further
    step fails.
    """

    name: str

    async def begin(self, client_data: bytes) -> Outcome:
        """Consume the client's next message; a credential check comes back
        as `Verify`, for the caller to throttle and run. Async because SCRAM
        reads the user's secrets here (a query to the credential store,
        which on PostgreSQL is a network round trip)."""

    def step(self, client_data: bytes) -> Challenge | Success | Failure:
        """`begin`, with any credential check run at once (blocking: for
        callers without an event loop, such as tests)."""


def resolve(pending: Awaitable[Outcome]) -> Challenge | Success | Failure:
    """A step's outcome (`begin`'s), with the check of a `Verify` run to its
    end (outside any event loop)."""
    return asyncio.run(_settle(pending))


async def _settle(pending: Awaitable[Outcome]) -> Challenge | Success | Failure:
    outcome = await pending
    return await outcome.check() if isinstance(outcome, Verify) else outcome


def authorize(authcid: str, authzid: str, is_admin: IsAdmin) -> Success | Failure:
    """RFC 4422 §3.4.1: acting as someone else (proxy authorization) is for
    administrators only."""
    if authzid and authzid != authcid and not is_admin(authcid):
        return Failure(f"{authcid} may not act as {authzid}")
    return Success(authcid, authzid or authcid)
