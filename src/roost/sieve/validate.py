"""Syntax tree -> Program: the compile-time checks of RFC 5228 and its extensions.

Invariants: every error found is reported (not just the first), each with
the position of the argument or command at fault; a Program is returned
only when there are none. Which names exist and what they take comes from
spec.py; rules particular to one command live in checks.py.
"""

from __future__ import annotations

from roost.sieve.ast import Argument, Command, Number, Strings, Tag, Test
from roost.sieve.checks import check_node, namespace_problem
from roost.sieve.encoded import BadEncoding, decode_encoded
from roost.sieve.errors import Position, SieveCompileError, SieveError
from roost.sieve.ihave import guaranteed
from roost.sieve.options import SieveOptions
from roost.sieve.program import ArgValue, Node, Program, TagValue
from roost.sieve.spec import BY_NAME, EXTENSIONS, IMPLIES, Spec, ihave_available
from roost.sieve.variables import REFERENCE

TYPE_WORDS = {"string": "a string", "strings": "a string list", "number": "a number"}


class Scope:
    """What is in force where a node sits: capabilities and enclosing loops."""

    def __init__(self, caps: set[str], loops: tuple[str, ...] = ()) -> None:
        self.caps = caps
        self.loops = loops


class Validator:
    def __init__(self, options: SieveOptions) -> None:
        self.options = options
        self.errors: list[SieveError] = []
        self.requires: set[str] = set()
        self.ihave_caps: set[str] = set()  # compiled in by ihave blocks that passed
        self.set_names: set[str] = set()  # variables this script sets, for RFC 6609 §3.4.1

    def error(self, pos: Position, message: str) -> None:
        self.errors.append(SieveError(pos, message))

    def script(self, commands: list[Command]) -> Program:
        index = 0
        while index < len(commands) and commands[index].name == "require":
            self.require(commands[index])
            index += 1
        scope = Scope(set(self.requires))
        nodes = self.block(commands[index:], scope)
        if self.errors:
            raise SieveCompileError(sorted(self.errors, key=lambda e: (e.pos.line, e.pos.col)))
        return Program(nodes, frozenset(scope.caps | self.ihave_caps))

    def capability(self, name: str, pos: Position) -> str | None:
        """The canonical capability for a name, or None after reporting why not."""
        canonical = name
        if not self.options.strict:
            # RFC 5228 §14 item 6: RFC 3028 capability names were case-insensitive.
            canonical = next((e for e in EXTENSIONS if e.lower() == name.lower()), name)
        if canonical not in EXTENSIONS:
            self.error(pos, f"unsupported extension {name!r}")
            return None
        if canonical not in self.options.extensions:
            self.error(pos, f"extension {name!r} is not enabled on this server")
            return None
        return canonical

    def require(self, cmd: Command) -> None:
        # RFC 5228 §3.2: require takes a string list and nothing else.
        if len(cmd.args) != 1 or not isinstance(cmd.args[0], Strings) or cmd.tests or cmd.block is not None:
            self.error(cmd.pos, "require takes one string list of capabilities and ends with ';'")
            return
        for name in cmd.args[0].values:
            canonical = self.capability(name, cmd.args[0].pos)
            if canonical is not None:
                self.requires.add(canonical)
                self.requires.update(IMPLIES.get(canonical, ()))

    def block(self, commands: list[Command], scope: Scope) -> list[Node]:
        nodes: list[Node] = []
        previous = ""
        earlier: set[str] | None = set()  # RFC 5463 §4: what the if/elsif chain's false tests guarantee
        for cmd in commands:
            if cmd.name in ("elsif", "else") and previous not in ("if", "elsif"):
                self.error(cmd.pos, f"'{cmd.name}' must follow 'if' or 'elsif'")
            if cmd.name == "require":
                # RFC 5228 §3.2: require is only allowed before any other command.
                self.error(cmd.pos, "'require' must come before any other command")
                previous = cmd.name
                continue
            if cmd.name == "if":
                earlier = set()
            node = self.command(cmd, scope, earlier)
            if node is not None:
                nodes.append(node)
                if node.name in ("if", "elsif") and node.tests and earlier is not None:
                    failed = guaranteed(node.tests[0], False, self.available())
                    earlier = None if failed is None else earlier | failed
            previous = cmd.name
        return nodes

    def available(self) -> set[str]:
        return ihave_available(self.requires, self.options.extensions)

    def command(self, cmd: Command, scope: Scope, earlier: set[str] | None = None) -> Node | None:
        spec = self.spec_for(cmd.name, cmd.pos, False, scope)
        if spec is None:
            return None
        node = self.arguments(spec, cmd.args, cmd.tests, cmd.pos, scope)
        if spec.block and cmd.block is None:
            self.error(cmd.pos, f"'{cmd.name}' needs a block {{ ... }}")
        elif not spec.block and cmd.block is not None:
            self.error(cmd.pos, f"'{cmd.name}' takes no block; end it with ';'")
        if spec.block and cmd.block is not None:
            inner = scope
            if cmd.name == "foreverypart":
                name = node.tags.get(":name")
                inner = Scope(scope.caps, scope.loops + (name if isinstance(name, str) else "",))
            if cmd.name in ("if", "elsif", "else") and "ihave" in scope.caps:
                checked = self.ihave_scope(node.tests[0] if node.tests else None, earlier, scope)
                if checked is None:
                    # RFC 5463 §4: a block for missing extensions is not checked; it never runs.
                    node.block = []
                    return node
                inner = checked
            node.block = self.block(cmd.block, inner)
        check_node(node, scope.caps, scope.loops, self.error)
        self.track_globals(node)
        return node

    def track_globals(self, node: Node) -> None:
        """RFC 6609 §3.4.1: `global` naming a variable this script has already `set` is an error."""
        if node.name == "set" and isinstance(node.args[0], str):
            self.set_names.add(node.args[0].lower())
        elif node.name == "global" and isinstance(node.args[0], list):
            for name in node.args[0]:
                if name.lower() in self.set_names:
                    self.error(Position(node.line, node.col), f"'global' of {name!r} after 'set' of it")

    def ihave_scope(self, test: Node | None, earlier: set[str] | None, scope: Scope) -> Scope | None:
        """The scope of a branch: what its own test (true) and the chain's earlier
        tests (false) guarantee; None when the branch can never run."""
        own = set() if test is None else guaranteed(test, True, self.available())
        if own is None or earlier is None:
            return None
        if not own | earlier:
            return scope
        self.ihave_caps.update(own | earlier)
        return Scope(scope.caps | own | earlier, scope.loops)

    def spec_for(self, name: str, pos: Position, test: bool, scope: Scope) -> Spec | None:
        kind = "test" if test else "command"
        spec = BY_NAME.get((name, test))
        if spec is None:
            other = BY_NAME.get((name, not test))
            if other is not None:
                self.error(pos, f"'{name}' is a {'test' if other.test else 'command'}, not a {kind}")
            else:
                self.error(pos, f"unknown {kind} '{name}'")
            return None
        if name == "ihave" and "ihave" not in scope.caps:
            self.error(pos, "'ihave' needs require \"ihave\"")
            return None
        if spec.ext and not scope.caps & set(spec.ext):
            self.error(pos, f"'{name}' needs require \"{spec.ext[0]}\"")
            return None
        return spec

    def string(self, value: str, pos: Position, scope: Scope) -> str:
        if "encoded-character" in scope.caps:
            try:
                value = decode_encoded(value)
            except BadEncoding as err:
                self.error(pos, str(err))
        if "variables" in scope.caps and "${" in value:
            for ref in REFERENCE.finditer(value):
                problem = namespace_problem(ref.group(1), scope.caps)
                if problem:
                    self.error(pos, problem)  # RFC 5229 §3
        return value

    def value(self, arg: Argument, want: str, scope: Scope) -> ArgValue:
        if want == "number":
            return arg.value if isinstance(arg, Number) else None
        if not isinstance(arg, Strings) or (want == "string" and arg.bracketed):
            return None
        values = [self.string(v, arg.pos, scope) for v in arg.values]
        return values[0] if want == "string" else values

    def arguments(self, spec: Spec, args: list[Argument], tests: list[Test],
                  pos: Position, scope: Scope) -> Node:
        tags: dict[str, TagValue] = {}
        groups: dict[str, str] = {}
        positional: list[Argument] = []
        known = {t.name: t for t in spec.tags}
        i = 0
        while i < len(args):
            arg = args[i]
            i += 1
            if not isinstance(arg, Tag):
                positional.append(arg)
                continue
            if positional:
                # RFC 5228 §2.6.2: tagged arguments come before positional ones.
                self.error(arg.pos, f"tag {arg.name} must come before the positional arguments of '{spec.name}'")
            tspec = known.get(arg.name)
            if tspec is None:
                self.error(arg.pos, f"'{spec.name}' has no tag {arg.name}")
                continue
            if tspec.ext and not scope.caps & set(tspec.ext):
                self.error(arg.pos, f"tag {arg.name} needs require \"{tspec.ext[0]}\"")
            if arg.name in tags:
                self.error(arg.pos, f"tag {arg.name} given twice")
            if tspec.group:
                if tspec.group in groups and groups[tspec.group] != arg.name:
                    self.error(arg.pos, f"{arg.name} cannot be used with {groups[tspec.group]}")
                groups[tspec.group] = arg.name
            value: TagValue = True
            if tspec.arg is not None:
                if i >= len(args) or isinstance(args[i], Tag):
                    self.error(arg.pos, f"tag {arg.name} needs {TYPE_WORDS[tspec.arg]} after it")
                    continue
                got = self.value(args[i], tspec.arg, scope)
                if got is None:
                    self.error(args[i].pos, f"tag {arg.name} needs {TYPE_WORDS[tspec.arg]}")
                    got = 0 if tspec.arg == "number" else ""
                value = got
                i += 1
            tags[arg.name] = value
        values = self.positional(spec, positional, pos, scope)
        node = Node(spec.name, tags, values, [], None, pos.line, pos.col)
        node.tests = self.tests(spec, tests, pos, scope)
        return node

    def positional(self, spec: Spec, given: list[Argument], pos: Position, scope: Scope) -> list[ArgValue]:
        wants = list(spec.args)
        required = [w for w in wants if not w.startswith("?")]
        if not len(required) <= len(given) <= len(wants):
            count = f"{len(required)}" if len(required) == len(wants) else f"{len(required)} to {len(wants)}"
            self.error(pos, f"'{spec.name}' takes {count} positional argument(s), got {len(given)}")
            return [None] * len(wants)
        skip = len(wants) - len(given)
        out: list[ArgValue] = []
        it = iter(given)
        for want in wants:
            if want.startswith("?") and skip:
                skip -= 1
                out.append(None)
                continue
            arg = next(it)
            got = self.value(arg, want.lstrip("?"), scope)
            if got is None:
                self.error(arg.pos, f"'{spec.name}' expects {TYPE_WORDS[want.lstrip('?')]} here")
            out.append(got)
        return out

    def tests(self, spec: Spec, tests: list[Test], pos: Position, scope: Scope) -> list[Node]:
        if spec.tests == "" and tests:
            hint = f" (is a ';' missing before '{tests[0].name}'?)" if not spec.test else ""
            self.error(tests[0].pos, f"'{spec.name}' takes no test{hint}")
            return []
        if spec.tests == "one" and len(tests) != 1:
            self.error(pos, f"'{spec.name}' needs exactly one test")
        if spec.tests == "list" and not tests:
            self.error(pos, f"'{spec.name}' needs a list of tests")
        out = []
        for test in tests:
            tspec = self.spec_for(test.name, test.pos, True, scope)
            if tspec is None:
                continue
            node = self.arguments(tspec, test.args, test.tests, test.pos, scope)
            check_node(node, scope.caps, scope.loops, self.error)
            out.append(node)
        return out


def validate(commands: list[Command], options: SieveOptions) -> Program:
    """A Program, or SieveCompileError listing every problem."""
    return Validator(options).script(commands)
