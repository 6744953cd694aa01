"""Which optional parts of the store API a backend offers, known per class.

The optional parts (`QuotaStore`, `DuplicateStore`, `FeedStore`...) are
runtime Protocols. An `isinstance` against one walks all its members on
every call, which on the delivery path cost about 2% of a delivery's CPU
(issue 13's profile); a backend's class never changes its members, so the
answer is kept per (class, part).
"""

from __future__ import annotations

from typing import TypeVar, cast

T = TypeVar("T")

_ANSWERS: dict[tuple[type, type], bool] = {}


def offered(store: object, part: type[T]) -> T | None:
    """`store` as `part` if its class implements that Protocol, else None."""
    key = (type(store), part)
    answer = _ANSWERS.get(key)
    if answer is None:
        answer = _ANSWERS[key] = isinstance(store, part)
    return cast(T, store) if answer else None
