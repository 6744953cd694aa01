"""The Sieve syntax tree, as the RFC 5228 §8.2 grammar builds it.

Nodes keep their position so validation errors point at the right place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from roost.sieve.errors import Position


@dataclass(slots=True)
class Tag:
    """A tagged argument such as `:contains`."""

    name: str
    pos: Position


@dataclass(slots=True)
class Number:
    value: int
    pos: Position


@dataclass(slots=True)
class Strings:
    """A string or a string list; `bracketed` tells `["a"]` from `"a"`."""

    values: list[str]
    pos: Position
    bracketed: bool


Argument = Tag | Number | Strings


@dataclass(slots=True)
class Test:
    name: str
    pos: Position
    args: list[Argument] = field(default_factory=list)
    tests: list[Test] = field(default_factory=list)


@dataclass(slots=True)
class Command:
    name: str
    pos: Position
    args: list[Argument] = field(default_factory=list)
    tests: list[Test] = field(default_factory=list)
    block: list[Command] | None = None
