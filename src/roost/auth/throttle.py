"""Slowing password guessing across connections and worker processes.

RFC 9051 §11.7: "A server SHOULD have mechanisms in place to limit or
delay failed AUTHENTICATE/LOGIN attempts." A pause after each failure
alone (what `failedloginpause` did) is skipped by hanging up and guessing
on many connections at once. So, as Cyrus and Dovecot do, failures are
counted per client address and per account in state every worker shares
(`roost.net.shared_state`), and:

- a failure is counted as soon as the credential is found wrong, before
  the pause, so hanging up during the pause does not skip it;
- while an account has failures, or an address ADDRESS_FAILURES of them
  (forgotten after FORGET_AFTER quiet seconds), every attempt on it gets
  its own slot `failedloginpause` seconds after
  the previous one, and waits for it BEFORE its credential is checked:
  parallel connections queue instead of guessing side by side, so an
  address or an account gets at most one guess per pause, however many
  connections it uses;
- attempts on a key with no failures yet are checked one at a time in
  each worker, so a burst of parallel first guesses becomes one guess
  (per worker) and then the queue;
- an attempt that would queue longer than QUEUE_PAUSES pauses is refused
  without a check (the client is told to come back later);
- a success forgets the account's failures (not the address's: many users
  may share one address, and one success says nothing of the others).

`failedloginpause: 0` turns all of it off.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager

from roost.auth.outcomes import Failure, Success
from roost.net.shared_state import SharedState

#: Seconds without a failure after which a key's failures are forgotten.
FORGET_AFTER = 15 * 60.0
#: An attempt queued longer than this many pauses is refused unchecked.
QUEUE_PAUSES = 10
#: Failures before an address (not an account) is throttled: many users
#: may share one (a NAT, a webmail host), and one typo must not queue them all.
ADDRESS_FAILURES = 10


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
        # Per key, within this process: the unthrottled attempts of a key
        # are checked one after another, so the second already sees the
        # first one's failure instead of guessing beside it.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary())

    @asynccontextmanager
    async def _one_at_a_time(self, keys: tuple[str, ...]) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for key in sorted(keys):  # one order for all: no deadlock
                lock = self._locks.get(key)
                if lock is None:
                    lock = self._locks[key] = asyncio.Lock()
                await stack.enter_async_context(lock)
            yield

    async def attempt(self, address: str | None, user: str | None,
                      check: Callable[[], Awaitable[Success | Failure]]) -> Success | Failure | None:
        """Await `check` once this attempt's turn comes; None when
        the queue is too long and it was refused unchecked. A failure is
        counted before this returns (hanging up later changes nothing)."""
        keys = throttle_keys(address, user)
        if self.pause <= 0 or not keys:
            return await check()
        async with self._one_at_a_time(keys):
            thresholds = {key: ADDRESS_FAILURES if key.startswith("addr:") else 1
                          for key in keys}
            wait = await asyncio.to_thread(self.state.reserve_attempt, thresholds, time.time(),
                                           self.pause, FORGET_AFTER, QUEUE_PAUSES * self.pause)
            if wait == 0.0:
                return await self._checked(keys, check)
        if wait is None:
            return None
        await asyncio.sleep(wait)
        return await self._checked(keys, check)

    async def _checked(self, keys: tuple[str, ...],
                       check: Callable[[], Awaitable[Success | Failure]]) -> Success | Failure:
        outcome = await check()
        if isinstance(outcome, Failure):
            await self.count_failure(keys)
        return outcome

    async def count_failure(self, keys: tuple[str, ...]) -> None:
        """Count a failure of `keys` (throttle_keys) that `attempt` did not see."""
        if self.pause > 0 and keys:
            await asyncio.to_thread(self.state.record_failure, keys, time.time(),
                                    self.pause, FORGET_AFTER)

    async def pause_after_failure(self) -> None:
        """`failedloginpause`, before a failure is answered."""
        if self.pause > 0:
            await asyncio.sleep(self.pause)

    async def succeeded(self, user: str) -> None:
        if self.pause > 0:
            await asyncio.to_thread(self.state.forget_failures, f"user:{user}")
