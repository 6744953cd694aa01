"""A validated script: the tree the interpreter walks, ready to store.

A Node holds only str, int, bool, list and dict values, so the whole
program can be written with `marshal` (see compiled.py) and read back
without parsing or validating again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TagValue = bool | int | str | list[str]
ArgValue = int | str | list[str] | None


class Node:
    """One command or test with its arguments sorted out.

    `tags` maps tag names to their argument (True when they take none);
    `args` are the positional arguments in spec order, None where an
    optional one was left out.
    """

    __slots__ = ("args", "block", "col", "line", "name", "tags", "tests")

    def __init__(self, name: str, tags: dict[str, TagValue], args: list[ArgValue],
                 tests: list[Node], block: list[Node] | None, line: int, col: int) -> None:
        self.name = name
        self.tags = tags
        self.args = args
        self.tests = tests
        self.block = block
        self.line = line
        self.col = col

    def to_tuple(self) -> tuple[Any, ...]:
        block = None if self.block is None else [n.to_tuple() for n in self.block]
        return (self.name, self.tags, self.args, [t.to_tuple() for t in self.tests],
                block, self.line, self.col)

    @classmethod
    def from_tuple(cls, raw: tuple[Any, ...]) -> Node:
        name, tags, args, tests, block, line, col = raw
        return cls(name, tags, args, [cls.from_tuple(t) for t in tests],
                   None if block is None else [cls.from_tuple(n) for n in block], line, col)

    def __repr__(self) -> str:
        return f"Node({self.name!r}, {self.tags!r}, {self.args!r}, line={self.line})"


@dataclass(slots=True)
class Program:
    """A compiled script: its commands and the capabilities it required.

    `requires` includes capabilities enabled by `ihave` blocks that passed,
    since those blocks were compiled with them.
    """

    commands: list[Node]
    requires: frozenset[str] = field(default_factory=frozenset)

    @property
    def variables(self) -> bool:
        return "variables" in self.requires
