"""Actions of RFC 5228 §4 and the extensions that only record something:
reject/ereject, imap4flags/imapflags, variables, editheader, enotify, ihave's error.

Each function is registered in interp.ACTIONS under its Sieve name.
"""

from __future__ import annotations

import base64
from email.header import Header

from roost.sieve.actions import Discard, FileInto, Keep, Notify, Redirect, Reject
from roost.sieve.addrspec import mailbox_list, sieve_address
from roost.sieve.flags import flag_set, remove_flags
from roost.sieve.interp import ACTIONS
from roost.sieve.match import compare
from roost.sieve.message import FIELD_NAME
from roost.sieve.notify import method_problem, option_problem, parse_mailto
from roost.sieve.program import Node
from roost.sieve.runtime import Context
from roost.sieve.vacation import fcc_of
from roost.sieve.variables import apply_modifiers

# RFC 5293 §5: deleting these MUST NOT be permitted, and an attempt is silently ignored.
UNDELETABLE_FIELDS = ("received", "auto-submitted")


def flags_for(ctx: Context, node: Node) -> tuple[str, ...]:
    """RFC 5232 §5: :flags replaces the internal variable for this action."""
    if ":flags" in node.tags:
        return tuple(flag_set(ctx.strings(node.tags[":flags"])))
    return tuple(ctx.flags)


def a_keep(ctx: Context, node: Node) -> None:
    ctx.actions.add(Keep(flags_for(ctx, node), ctx.edited()), ctx.pos())


def a_discard(ctx: Context, node: Node) -> None:
    ctx.actions.add(Discard(), ctx.pos())


def a_redirect(ctx: Context, node: Node) -> None:
    """RFC 5228 §4.2: send the message on to a valid address, within the site's limit."""
    written = ctx.s(node.args[0])
    address = sieve_address(written)
    if address is None:
        # RFC 5228 §2.4.2.3: an outbound address must match sieve-address.
        raise ctx.fail(f"redirect to {written!r}: not a valid email address")
    known = {a.address for a in ctx.actions.actions if isinstance(a, Redirect)}
    if address not in known and len(known) >= ctx.options.max_redirects:
        # RFC 5228 §10: the number of redirects a script can perform is limited.
        raise ctx.fail(f"more than {ctx.options.max_redirects} redirects (sieve_maxredirects)")
    ctx.actions.add(Redirect(address, ":copy" in node.tags, ctx.edited()), ctx.pos())


def a_fileinto(ctx: Context, node: Node) -> None:
    special = node.tags.get(":specialuse")
    ctx.actions.add(FileInto(ctx.mailbox(ctx.s(node.args[0])), flags_for(ctx, node),
                             ":copy" in node.tags, ":create" in node.tags,
                             None if special is None else ctx.s(special), ctx.edited()), ctx.pos())


def a_reject(ctx: Context, node: Node) -> None:
    ctx.actions.add(Reject(ctx.s(node.args[0]), node.name == "ereject"), ctx.pos())


def flag_target(ctx: Context, node: Node) -> tuple[str | None, list[str]]:
    if node.args[0] is None:
        return None, ctx.flags
    name = ctx.s(node.args[0]).lower()
    return name, flag_set([ctx.lookup(name)])


def store_flags(ctx: Context, name: str | None, flags: list[str]) -> None:
    if name is None:
        ctx.flags = flags
    else:
        ctx.assign(name, " ".join(flags))


def a_setflag(ctx: Context, node: Node) -> None:
    name, _ = flag_target(ctx, node)
    store_flags(ctx, name, flag_set(ctx.strings(node.args[1])))


def a_addflag(ctx: Context, node: Node) -> None:
    name, current = flag_target(ctx, node)
    store_flags(ctx, name, flag_set(current + ctx.strings(node.args[1])))


def a_removeflag(ctx: Context, node: Node) -> None:
    name, current = flag_target(ctx, node)
    store_flags(ctx, name, remove_flags(current, ctx.strings(node.args[1])))


def a_mark(ctx: Context, node: Node) -> None:
    """The imapflags draft: mark is addflag "\\\\Flagged", unmark removes it."""
    drop = [f for f in ctx.flags if f.lower() != "\\flagged"]
    ctx.flags = drop + ["\\Flagged"] if node.name == "mark" else drop


def a_set(ctx: Context, node: Node) -> None:
    ctx.assign(str(node.args[0]), apply_modifiers(ctx.s(node.args[1]), node.tags))


def a_global(ctx: Context, node: Node) -> None:
    """RFC 6609 §3.3: from here on, these names are shared with every script of the run."""
    for name in node.args[0] if isinstance(node.args[0], list) else []:
        if name.lower() in ctx.variables and name.lower() not in ctx.global_names:
            raise ctx.fail(f"'global' of {name!r} after 'set' of it")  # RFC 6609 §3.4.1
        ctx.global_names.add(name.lower())


def a_addheader(ctx: Context, node: Node) -> None:
    name, value = field_name(ctx, node), ctx.s(node.args[1])
    ctx.message.add_header(name, header_value(name, value), ":last" in node.tags)


MAX_LINE = 998  # RFC 5322 §2.1.1, the floor RFC 5293 §4 sets for a length limit


def field_name(ctx: Context, node: Node) -> str:
    """RFC 5293 §4, §5: the field name, which must be an RFC 5322 field-name (also when it
    came from a variable: then the error is a run-time one)."""
    name = ctx.s(node.args[0])
    if not FIELD_NAME.match(name):
        raise ctx.fail(f"{name!r} is not a valid header field name")
    return name


def header_value(name: str, value: str) -> str:
    """RFC 5293 §4: the value as written when it is RFC 5322 "unstructured" and fits
    a line; folded at its spaces when long; RFC 2047 encoded-words (UTF-8, base64)
    when it holds anything else (non-ASCII, or control characters such as CR, LF
    or NUL, which are never written raw), or "=?" that would read as one."""
    if "=?" not in value and all(c in " \t" or "!" <= c <= "~" for c in value):
        if len(name) + 2 + len(value) <= MAX_LINE:
            return value
        folded = Header(value, "us-ascii", header_name=name).encode(linesep="\r\n")
        if all(len(line) <= MAX_LINE for line in folded.split("\r\n")):
            return folded
    words: list[str] = []
    chunk = ""
    for char in value:
        if len((chunk + char).encode("utf-8", "surrogatepass")) > 45:  # 60 base64 characters a word
            words.append(encoded_word(chunk))
            chunk = ""
        chunk += char
    words.append(encoded_word(chunk))
    return "\r\n ".join(words)


def encoded_word(text: str) -> str:
    """RFC 2047 §2: one encoded-word, at most 75 characters."""
    return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8", "surrogatepass")).decode() + "?="


def a_deleteheader(ctx: Context, node: Node) -> None:
    """RFC 5293 §5: delete the named fields, optionally one by :index, optionally by value."""
    name = field_name(ctx, node).lower()
    if name in UNDELETABLE_FIELDS:
        return
    positions = [i for i, (n, _) in enumerate(ctx.message.fields) if n.lower() == name]
    index = node.tags.get(":index")
    if isinstance(index, int) and not isinstance(index, bool):
        if index < 1 or index > len(positions):
            return
        positions = [positions[-index] if ":last" in node.tags else positions[index - 1]]
    if node.args[1] is not None:
        keys = ctx.strings(node.args[1])
        values = ctx.message.header(name)
        all_positions = [i for i, (n, _) in enumerate(ctx.message.fields) if n.lower() == name]
        value_at = dict(zip(all_positions, values))
        positions = [p for p in positions if compare(ctx, node, [value_at[p]], keys)]
    if positions:
        ctx.message.delete_fields(positions)


def a_notify(ctx: Context, node: Node) -> None:
    method = ctx.s(node.args[0])
    problem = method_problem(method)
    if problem:
        raise ctx.fail(problem)  # RFC 5435 §3.2: an unsupported method fails at run time
    mailto = parse_mailto(method)
    sender = ctx.s(node.tags[":from"]) if ":from" in node.tags else None
    if mailto and sender is not None and mailbox_list(sender) is None:
        raise ctx.fail(f":from {sender!r} is not a valid address")  # RFC 5435 §3.3
    tags = node.tags
    options = ctx.strings(tags.get(":options"))
    for option in options:
        problem = option_problem(option)
        if problem:
            raise ctx.fail(problem)  # RFC 5435 §3.5
    # RFC 5436 §2.7: never notify about an auto-submitted message.
    if mailto and any(v.strip().lower() != "no" for v in ctx.message.header("Auto-Submitted")):
        return
    if mailto and set(mailto.recipients) <= notified(ctx):
        return  # RFC 5436 §2.7: no duplicate notifications to one address in one run
    ctx.actions.add(Notify(
        method, sender,
        ctx.s(tags.get(":importance", "2")), tuple(options),
        ctx.s(tags[":message"]) if ":message" in tags else None, fcc_of(ctx, node)), ctx.pos())


def notified(ctx: Context) -> set[str]:
    """The mailto recipients this run's notify actions already cover."""
    out: set[str] = set()
    for action in ctx.actions.actions:
        parsed = parse_mailto(action.method) if isinstance(action, Notify) else None
        out.update(parsed.recipients if parsed else ())
    return out


def a_error(ctx: Context, node: Node) -> None:
    """RFC 5463 §5: stop with an error the user wrote."""
    raise ctx.fail(f"script error: {ctx.s(node.args[0])}")


ACTIONS.update({
    "keep": a_keep, "discard": a_discard, "redirect": a_redirect, "fileinto": a_fileinto,
    "reject": a_reject, "ereject": a_reject, "setflag": a_setflag, "addflag": a_addflag,
    "removeflag": a_removeflag, "mark": a_mark, "unmark": a_mark, "set": a_set,
    "global": a_global, "addheader": a_addheader, "deleteheader": a_deleteheader,
    "notify": a_notify, "error": a_error,
})
