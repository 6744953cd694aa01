"""Compile-time rules that belong to one command or test.

Each rule names its RFC. Rules see only constant arguments: a string that
holds a variable reference is checked at run time instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from roost.sieve.addrspec import mailbox_list, sieve_address
from roost.sieve.errors import Position
from roost.sieve.message import FIELD_NAME
from roost.sieve.notify import method_problem, option_problem
from roost.sieve.program import Node
from roost.sieve.regex import RegexError, translate
from roost.sieve.spec import BUILTIN_COMPARATORS
from roost.sieve.variables import REFERENCE

ErrorSink = Callable[[Position, str], None]

# Which positional argument holds the key list each matching test compares against.
KEY_ARG = {
    "address": 1, "header": 1, "envelope": 1, "body": 0, "string": 1, "date": 2,
    "currentdate": 1, "hasflag": 1, "metadata": 2, "servermetadata": 1,
    "notify_method_capability": 2, "spamtest": 0, "virustest": 0, "environment": 1,
    "deleteheader": 1,
}
COMPARATORS = ("i;octet", "i;ascii-casemap", "i;ascii-numeric", "i;unicode-casemap")
RELATIONS = ("gt", "ge", "lt", "le", "eq", "ne")
DATE_PARTS = ("year", "month", "day", "date", "julian", "hour", "minute", "second",
              "time", "iso8601", "std11", "zone", "weekday")
ENVELOPE_PARTS = ("from", "to", "auth")
VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# RFC 5804 §1.6: script names hold no control characters, no line or paragraph separators.
BAD_SCRIPT_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029/]")
ZONE = re.compile(r"[+-]\d{4}\Z")


def constant(value: object) -> bool:
    return isinstance(value, str) and "${" not in value


def fixed(value: object, caps: set[str]) -> bool:
    """A constant string (RFC 5229 §3): without "variables", "${" is only text."""
    return isinstance(value, str) and ("variables" not in caps or "${" not in value)


def check_node(node: Node, caps: set[str], loops: tuple[str, ...], error: ErrorSink) -> None:
    pos = Position(node.line, node.col)
    check_matching(node, caps, pos, error)
    rule = RULES.get(node.name)
    if rule is not None:
        rule(node, caps, loops, lambda message: error(pos, message))


def check_matching(node: Node, caps: set[str], pos: Position, error: ErrorSink) -> None:
    comparator = node.tags.get(":comparator")
    if isinstance(comparator, str):
        # RFC 5228 §2.7.3: an unknown or un-required comparator is an error.
        if comparator not in COMPARATORS:
            error(pos, f"unknown comparator {comparator!r}")
        elif comparator not in BUILTIN_COMPARATORS and f"comparator-{comparator}" not in caps:
            error(pos, f"comparator {comparator!r} needs require \"comparator-{comparator}\"")
    for relational in (":count", ":value"):
        op = node.tags.get(relational)
        if isinstance(op, str) and op.lower() not in RELATIONS:
            # RFC 5231 §4: the relation is one of gt ge lt le eq ne.
            error(pos, f"{relational} needs one of {', '.join(RELATIONS)}, not {op!r}")
    if ":last" in node.tags and ":index" not in node.tags and node.name not in ("duplicate", "addheader"):
        error(pos, ":last needs :index")  # RFC 5260 §6
    if ":regex" in node.tags:
        if comparator not in (None, "i;octet", "i;ascii-casemap", "i;unicode-casemap"):
            error(pos, f":regex cannot be used with comparator {comparator!r}")
        keys = node.args[KEY_ARG[node.name]] if node.name in KEY_ARG else None
        for key in keys if isinstance(keys, list) else []:
            if constant(key):
                try:
                    translate(key)
                except RegexError as err:
                    error(pos, f"bad regular expression {key!r}: {err}")
    if node.name in ("header", "address", "exists"):
        opts = [t for t in (":type", ":subtype", ":contenttype", ":param", ":anychild") if t in node.tags]
        if opts and ":mime" not in node.tags:
            error(pos, f"{opts[0]} needs :mime")  # RFC 5703 §4.1


def namespace_problem(name: str, caps: set[str]) -> str | None:
    """RFC 5229 §3: a namespace nobody required is an error; the only one Roost has is
    "global" (RFC 6609 §3.4.2: with "include", no sub-namespaces, an identifier after it)."""
    space, _, rest = name.partition(".")
    if not rest:
        return None
    if space.lower() != "global":
        return f"unknown variable namespace {space!r} in {name!r}"
    if "include" not in caps:
        return f"the \"global\" namespace in {name!r} needs require \"include\""
    if not IDENTIFIER.match(rest):
        return f"{name!r}: the global namespace takes one identifier"
    return None


def variable_names(names: object, say: Callable[[str], None], what: str, caps: set[str] | None = None) -> None:
    for name in names if isinstance(names, list) else [names] if isinstance(names, str) else []:
        if constant(name) and not VARIABLE_NAME.match(name):
            say(f"{name!r} is not a valid {what}")  # RFC 5229 §3
        elif constant(name) and caps is not None:
            problem = namespace_problem(name, caps)
            if problem:
                say(problem)


def check_set(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    name = node.args[0]
    if isinstance(name, str) and "${" in name:
        # RFC 5229 §4: set's name is never expanded, so "${x}" is simply not a name.
        say(f"{name!r} is not a valid variable name")
    variable_names(name, say, "variable name", caps)


def check_flags_variable(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    if node.args[0] is not None:
        if "variables" not in caps:
            say(f"a variable name in '{node.name}' needs require \"variables\"")  # RFC 5232 §3
        variable_names(node.args[0], say, "variable name", caps)


def check_global(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    if "variables" not in caps:
        say("'global' needs require \"variables\" too")  # RFC 6609 §3.3
    for name in node.args[0] if isinstance(node.args[0], list) else []:
        # RFC 6609 §3.4.1: constant identifiers only, no match variables, no namespace.
        if not fixed(name, caps) or not IDENTIFIER.match(name):
            say(f"{name!r} is not a name 'global' can declare")


def check_size(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    if ":over" not in node.tags and ":under" not in node.tags:
        say("'size' needs :over or :under")  # RFC 5228 §5.9


def check_date(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    part = node.args[1] if node.name == "date" else node.args[0]
    if constant(part) and str(part).lower() not in DATE_PARTS:
        say(f"unknown date part {part!r}")  # RFC 5260 §4
    zone = node.tags.get(":zone")
    if constant(zone) and not ZONE.match(str(zone)):
        say(f":zone needs a time zone like \"+0100\", not {zone!r}")


def check_envelope(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    for part in node.args[0] if isinstance(node.args[0], list) else []:
        if constant(part) and part.lower() not in ENVELOPE_PARTS:
            say(f"unknown envelope part {part!r}")  # RFC 5228 §5.4


def check_include(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    name = node.args[0]
    if not isinstance(name, str):
        return
    if "variables" in caps and REFERENCE.search(name):
        # RFC 6609 §3.2: the name is a constant string; variables are never expanded in it.
        say(f"the script name {name!r} must be a constant string")
    elif not name or BAD_SCRIPT_NAME.search(name):
        say(f"bad script name {name!r}")  # RFC 6609 §3.2, RFC 5804 §1.6


def check_break(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    if not loops:
        say("'break' outside 'foreverypart'")  # RFC 5703 §3
    name = node.tags.get(":name")
    if isinstance(name, str) and name not in loops:
        say(f"no enclosing 'foreverypart' is named {name!r}")


def check_extracttext(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    if not loops:
        say("'extracttext' outside 'foreverypart'")  # RFC 5703 §7
    if "variables" not in caps:
        say("'extracttext' needs require \"variables\"")
    variable_names(node.args[0], say, "variable name", caps)


def check_header_edit(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    name = node.args[0]
    if constant(name) and not FIELD_NAME.match(str(name)):
        say(f"{name!r} is not a valid header field name")  # RFC 5293 §4, §5


def check_fcc_tags(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    for extra in (":flags", ":create", ":specialuse"):
        if extra in node.tags and ":fcc" not in node.tags:
            say(f"{extra} on '{node.name}' needs :fcc")  # RFC 8580 §3
    sender = node.tags.get(":from")
    if node.name == "vacation" and fixed(sender, caps) and mailbox_list(str(sender)) is None:
        say(f":from {sender!r} is not a valid address list")  # RFC 5230 §4.3
    if node.name == "notify":
        importance = node.tags.get(":importance")
        if constant(importance) and importance not in ("1", "2", "3"):
            say(":importance is \"1\", \"2\" or \"3\"")  # RFC 5435 §3.4
        options = node.tags.get(":options")
        for option in options if isinstance(options, list) else []:
            problem = option_problem(option) if fixed(option, caps) else None
            if problem:
                say(problem)  # RFC 5435 §3.5
        method = node.args[0]
        if fixed(method, caps) and str(method).lower().startswith("mailto:"):
            problem = method_problem(str(method))
            if problem:
                say(problem)  # RFC 5435 §3.2: invalid syntax of a supported method is an error
            elif fixed(sender, caps) and mailbox_list(str(sender)) is None:
                say(f":from {sender!r} is not a valid address")  # RFC 5435 §3.3, RFC 5436 §2.3


def check_ihave(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    for name in node.args[0] if isinstance(node.args[0], list) else []:
        if not fixed(name, caps):
            say(f"ihave takes constant strings, not {name!r}")  # RFC 5463 §4


def check_redirect(node: Node, caps: set[str], loops: tuple[str, ...], say: Callable[[str], None]) -> None:
    address = node.args[0]
    if fixed(address, caps) and sieve_address(str(address)) is None:
        say(f"redirect to {address!r}: not a valid email address")  # RFC 5228 §2.4.2.3, §4.2


Rule = Callable[[Node, set[str], tuple[str, ...], Callable[[str], None]], None]
RULES: dict[str, Rule] = {
    "set": check_set, "global": check_global, "size": check_size,
    "setflag": check_flags_variable, "addflag": check_flags_variable,
    "removeflag": check_flags_variable, "hasflag": check_flags_variable,
    "date": check_date, "currentdate": check_date, "envelope": check_envelope,
    "include": check_include, "break": check_break, "extracttext": check_extracttext,
    "addheader": check_header_edit, "deleteheader": check_header_edit,
    "vacation": check_fcc_tags, "notify": check_fcc_tags, "redirect": check_redirect,
    "ihave": check_ihave,
}
