"""Slowing password guessing across connections and worker processes.

RFC 9051 §11.7: "A server SHOULD have mechanisms in place to limit or
delay failed AUTHENTICATE/LOGIN attempts." A pause after each failure
alone (what `failedloginpause` did) is skipped by hanging up and guessing
on many connections at once. So, as Cyrus and Dovecot do, failures are
counted per client address and per account in state every worker shares
(`roost.net.shared_state`), and:

- a failure is counted as soon as the credential is found wrong, before
  the pause, so hanging up during the pause does not skip it;
- while a key has failures (forgotten after FORGET_AFTER quiet seconds),
  every attempt on it gets its own slot `failedloginpause` seconds after
  the previous one, and waits for it BEFORE its credential is checked:
  parallel connections queue instead of guessing side by side, so an
  address or an account gets at most one guess per pause, however many
  connections it uses;
- an attempt that would queue longer than QUEUE_PAUSES pauses is refused
  without a check (the client is told to come back later);
- a success forgets the account's failures (not the address's: many users
  may share one address, and one success says nothing of the others).

`failedloginpause: 0` turns all of it off.
"""

from __future__ import annotations

import asyncio
import time

from roost.net.shared_state import SharedState

#: Seconds without a failure after which a key's failures are forgotten.
FORGET_AFTER = 15 * 60.0
#: An attempt queued longer than this many pauses is refused unchecked.
QUEUE_PAUSES = 10


def throttle_keys(address: str | None, user: str | None) -> tuple[str, ...]:
    """The keys failures are counted under: the client address and the account."""
    keys = []
    if address:
        keys.append(f"addr:{address}")
    if user:
        keys.append(f"user:{user}")
    return tuple(keys)


class LoginThrottle:
    """The throttle of one site, over its shared state."""

    def __init__(self, state: SharedState, pause: float) -> None:
        self.state = state
        self.pause = pause

    async def wait_turn(self, address: str | None, user: str | None) -> bool:
        """Wait for this attempt's slot; False when the queue is too long."""
        keys = throttle_keys(address, user)
        if self.pause <= 0 or not keys:
            return True
        wait = await asyncio.to_thread(self.state.reserve_attempt, keys, time.time(),
                                       self.pause, FORGET_AFTER, QUEUE_PAUSES * self.pause)
        if wait is None:
            return False
        if wait > 0:
            await asyncio.sleep(wait)
        return True

    async def failed(self, address: str | None, user: str | None) -> None:
        """Count a failure, then pause before the caller answers."""
        keys = throttle_keys(address, user)
        if self.pause <= 0:
            return
        if keys:
            await asyncio.to_thread(self.state.record_failure, keys, time.time(),
                                    self.pause, FORGET_AFTER)
        await asyncio.sleep(self.pause)

    async def succeeded(self, user: str) -> None:
        if self.pause > 0:
            await asyncio.to_thread(self.state.forget_failures, f"user:{user}")
