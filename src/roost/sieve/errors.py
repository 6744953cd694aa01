"""Errors of the Sieve package; each carries the script position it is about."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Position:
    """1-based line and column (columns count characters, not bytes)."""

    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.line}:{self.col}"


class SieveError(Exception):
    """A problem in a script, at a position, in words a person understands."""

    def __init__(self, pos: Position, message: str) -> None:
        super().__init__(f"line {pos.line}, column {pos.col}: {message}")
        self.pos = pos
        self.message = message


class SieveSyntaxError(SieveError):
    """The text is not Sieve (RFC 5228 §8 grammar)."""


class SieveCompileError(Exception):
    """One or more validation errors; `errors` lists them in script order."""

    def __init__(self, errors: list[SieveError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class SieveRuntimeError(SieveError):
    """An error while running: RFC 5228 §2.10.6 says stop and keep the message."""


class StaleCompiled(Exception):
    """A compiled script from another format version: compile it again."""
