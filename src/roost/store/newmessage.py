"""A message on its way into the index, for every backend.

Its body is staged (durable before the commit that indexes it) with its
parse in the form the backend keeps (`P`: SQLite's serialized text,
PostgreSQL's ParsedMessage); flags are normalized and the date is seconds
since the epoch before any write starts. Invariants: values only; no I/O.
Not slotted: CPython 3.11 cannot build a slotted frozen generic through
its parameterized alias (the backends' NewBody, NewMessage).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from roost.store import flags as flagbits
from roost.store.api import AppendMessage
from roost.store.records import to_epoch

P = TypeVar("P")


@dataclass(frozen=True)
class NewBody(Generic[P]):
    """A body already staged in `partition`, with its parse, ready to index."""

    key: str
    partition: str
    raw: bytes
    parsed: P


@dataclass(frozen=True)
class NewMessage(Generic[P]):
    """One message of an APPEND batch: its staged body, flags and date."""

    body: NewBody[P]
    flags: frozenset[str]
    internaldate: float


def new_message(body: NewBody[P], message: AppendMessage) -> NewMessage[P]:
    """`message` with its staged `body`, its flags normalized and its date in seconds."""
    return NewMessage(body, flagbits.normalize(message.flags), to_epoch(message.internaldate))


def new_messages(bodies: Sequence[NewBody[P]],
                 messages: Sequence[AppendMessage]) -> list[NewMessage[P]]:
    """A batch: each message with the body staged for it, in order."""
    return [new_message(body, message) for body, message in zip(bodies, messages)]
