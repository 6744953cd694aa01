"""The state of one script run, shared by the test and action functions.

Invariants: `flags` is the imap4flags internal variable (RFC 5232 §3);
`variables`/`match` belong to the script now running and are swapped by
include (RFC 6609 §3.3), while `globals`, `actions` and `flags` span the
whole include tree.
"""

from __future__ import annotations

from datetime import datetime
from email.message import Message

from roost.imap import mutf7
from roost.sieve.actions import ActionList
from roost.sieve.errors import Position, SieveRuntimeError
from roost.sieve.host import Envelope, Host
from roost.sieve.message import MessageView
from roost.sieve.options import SieveOptions
from roost.sieve.program import Node, Program
from roost.sieve.variables import MAX_VALUE, expand

MAX_STEPS = 1_000_000  # commands and tests run per delivery, includes counted


class Context:
    def __init__(self, program: Program, message: MessageView, envelope: Envelope,
                 host: Host, options: SieveOptions, now: datetime) -> None:
        self.program = program
        self.message = message
        self.envelope = envelope
        self.host = host
        self.options = options
        self.now = now
        """The host's clock, read once per run (currentdate, date's zone)."""
        self.actions = ActionList()
        self.flags: list[str] = []
        self.variables: dict[str, str] = {}
        self.global_names: set[str] = set()
        self.globals: dict[str, str] = {}
        self.match: list[str] = []
        self.parts: list[Message] = []
        self.includes: list[tuple[str, str]] = []
        self.included_once: set[tuple[str, str]] = set()
        self.duplicates: list[tuple[str, int, bool, bool]] = []
        self.steps = 0
        self.node: Node | None = None

    def pos(self) -> Position:
        """Where the script is now: the command or test being run."""
        node = self.node
        return Position(node.line, node.col) if node else Position(1, 1)

    def fail(self, message: str) -> SieveRuntimeError:
        return SieveRuntimeError(self.pos(), message)

    def step(self, node: Node) -> None:
        self.node = node
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise self.fail("the script ran too long")

    # -- variables (RFC 5229)
    def lookup(self, name: str) -> str:
        if name.isdigit():
            index = int(name)
            return self.match[index] if index < len(self.match) else ""
        if name.startswith("global."):
            return self.globals.get(name[7:], "")
        if name in self.global_names:
            return self.globals.get(name, "")
        return self.variables.get(name, "")

    def assign(self, name: str, value: str) -> None:
        name = name.lower()
        value = value[:MAX_VALUE]
        if name.startswith("global."):
            self.globals[name[7:]] = value
        elif name in self.global_names:
            self.globals[name] = value
        elif "." in name:
            raise self.fail(f"cannot set {name!r}: unknown namespace")
        else:
            self.variables[name] = value

    def s(self, value: object) -> str:
        """A string argument with variables substituted."""
        text = str(value) if value is not None else ""
        return expand(text, self.lookup) if self.program.variables else text

    def strings(self, value: object) -> list[str]:
        """A string-list argument with variables substituted."""
        if value is None:
            return []
        items = value if isinstance(value, list) else [str(value)]
        if not self.program.variables:
            return [str(v) for v in items]
        return [expand(str(v), self.lookup) for v in items]

    def mailbox(self, name: str) -> str:
        """RFC 5228 §4.1 (and RFC 8580 §3 for :fcc): the mailbox as the store names it,
        Unicode, the form `Host.mailbox_exists` gets too. Scripts write UTF-8 (RFC 5228
        §2.4.2); with sieve_utf8fileinto off, as Cyrus reads them, a name written in
        canonical modified UTF-7 (RFC 3501 §5.1.3, "Envoy&AOk-s") is decoded first.
        """
        if not self.options.utf8_fileinto:
            try:
                return mutf7.decode(name)
            except ValueError:
                pass  # not modified UTF-7: the UTF-8 name RFC 5228 means
        return name

    def set_match(self, groups: list[str] | None) -> None:
        """RFC 5229 §3.2: a successful :matches or :regex replaces the match variables."""
        if groups is not None and self.program.variables:
            self.match = groups

    # -- MIME cursor (RFC 5703 §3)
    def current_part(self) -> Message:
        return self.parts[-1] if self.parts else self.message.tree()

    def edited(self) -> bytes | None:
        return self.message.as_bytes() if self.message.edited else None
