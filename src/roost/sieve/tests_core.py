"""The tests of RFC 5228 §5 and of the extensions that only look things up.

Each function is registered in interp.TESTS under its Sieve name.
"""

from __future__ import annotations

import hashlib

from roost.sieve.address import ADDRESS_HEADERS, address_part, part_of
from roost.sieve.addrspec import split_addr_spec
from roost.sieve.flags import flag_set, flag_words
from roost.sieve.interp import TESTS, test
from roost.sieve.match import compare
from roost.sieve.message import addresses, decode_value
from roost.sieve.mime import mime_exists, mime_header_values, mime_raw_values
from roost.sieve.notify import method_capability, method_problem
from roost.sieve.program import Node
from roost.sieve.runtime import Context
from roost.sieve.spec import ihave_available

DUPLICATE_SECONDS = 7 * 86400  # RFC 7352 §3.4: the default is the site's


def indexed(values: list[str], node: Node) -> list[str]:
    """RFC 5260 §6: :index N [:last] picks one field occurrence."""
    index = node.tags.get(":index")
    if not isinstance(index, int) or isinstance(index, bool):
        return values
    if index < 1 or index > len(values):
        return []
    return [values[-index] if ":last" in node.tags else values[index - 1]]


def header_values(ctx: Context, node: Node, names: list[str]) -> list[str]:
    if ":mime" in node.tags:
        return mime_header_values(ctx, node, names)
    out: list[str] = []
    for name in names:
        out.extend(indexed(ctx.message.header(name), node))
    return out


async def t_header(ctx: Context, node: Node) -> bool:
    return compare(ctx, node, header_values(ctx, node, ctx.strings(node.args[0])), ctx.strings(node.args[1]))


async def t_address(ctx: Context, node: Node) -> bool:
    part = part_of(node)
    values: list[str] = []
    for name in ctx.strings(node.args[0]):
        if name.lower() not in ADDRESS_HEADERS:
            continue
        raw = mime_raw_values(ctx, node, name) if ":mime" in node.tags else indexed(
            ctx.message.raw_values(name), node)
        for address in addresses([decode_value(v) for v in raw]):
            if part != ":all" and split_addr_spec(address) is None:
                continue  # RFC 5228 §2.7.4: an invalid address has no local part or domain
            got = address_part(address, part)
            if got is not None:
                values.append(got)
    return compare(ctx, node, values, ctx.strings(node.args[1]))


async def t_envelope(ctx: Context, node: Node) -> bool:
    """RFC 5228 §5.4: a null reverse-path is "" for every address part."""
    part = part_of(node)
    env = ctx.envelope
    values: list[str] = []
    for name in ctx.strings(node.args[0]):
        address = {"from": env.mail_from, "to": env.rcpt_to, "auth": env.auth}.get(name.lower())
        if address is None:
            raise ctx.fail(f"unknown envelope part {name!r}")
        if name.lower() == "auth" and not address:
            continue
        got = "" if address == "" else address_part(address, part)
        if got is not None:
            values.append(got)
    return compare(ctx, node, values, ctx.strings(node.args[1]))


async def t_exists(ctx: Context, node: Node) -> bool:
    if ":mime" in node.tags:
        return mime_exists(ctx, node, ctx.strings(node.args[0]))
    return all(ctx.message.raw_values(name) for name in ctx.strings(node.args[0]))


async def t_size(ctx: Context, node: Node) -> bool:
    limit = node.args[0] if isinstance(node.args[0], int) else 0
    return ctx.message.size > limit if ":over" in node.tags else ctx.message.size < limit


async def t_string(ctx: Context, node: Node) -> bool:
    values = [v for v in ctx.strings(node.args[0])]
    if ":count" in node.tags:
        values = [v for v in values if v]  # RFC 5229 §5: :count counts non-empty strings
    return compare(ctx, node, values, ctx.strings(node.args[1]))


def current_flags(ctx: Context, names: object) -> list[str]:
    """RFC 5232 §4: the flags of each variable, one after the other (:count sums them)."""
    if names is None:
        return ctx.flags
    return [flag for n in ctx.strings(names) for flag in flag_set([ctx.lookup(n.lower())])]


async def t_hasflag(ctx: Context, node: Node) -> bool:
    """RFC 5232 §4: match each flag against the keys; a key "b A" is the keys "b" and "A"."""
    return compare(ctx, node, current_flags(ctx, node.args[0]), flag_words(ctx.strings(node.args[1])))


async def t_ihave(ctx: Context, node: Node) -> bool:
    """RFC 5463 §4: true when every capability is available here."""
    available = ihave_available(ctx.program.requires, ctx.options.extensions)
    return all(c in available for c in ctx.strings(node.args[0]))


async def t_environment(ctx: Context, node: Node) -> bool:
    value = await ctx.host.environment(ctx.s(node.args[0]).lower())
    return value is not None and compare(ctx, node, [value], ctx.strings(node.args[1]))


async def t_mailboxexists(ctx: Context, node: Node) -> bool:
    for mailbox in ctx.strings(node.args[0]):
        if not await ctx.host.mailbox_exists(mailbox):
            return False
    return True


async def t_metadata(ctx: Context, node: Node) -> bool:
    value = await ctx.host.metadata(ctx.s(node.args[0]), ctx.s(node.args[1]))
    return value is not None and compare(ctx, node, [value], ctx.strings(node.args[2]))


async def t_metadataexists(ctx: Context, node: Node) -> bool:
    mailbox = ctx.s(node.args[0])
    for entry in ctx.strings(node.args[1]):
        if await ctx.host.metadata(mailbox, entry) is None:
            return False
    return True


async def t_servermetadata(ctx: Context, node: Node) -> bool:
    value = await ctx.host.server_metadata(ctx.s(node.args[0]))
    return value is not None and compare(ctx, node, [value], ctx.strings(node.args[1]))


async def t_servermetadataexists(ctx: Context, node: Node) -> bool:
    for entry in ctx.strings(node.args[0]):
        if await ctx.host.server_metadata(entry) is None:
            return False
    return True


async def t_specialuse_exists(ctx: Context, node: Node) -> bool:
    mailbox = None if node.args[0] is None else ctx.s(node.args[0])
    return await ctx.host.special_use_exists(mailbox, ctx.strings(node.args[1]))


async def t_spamtest(ctx: Context, node: Node) -> bool:
    """RFC 5235 §3.1: an untested message scores "0"."""
    value = (await ctx.host.spamtest(":percent" in node.tags)) or "0"
    return compare(ctx, node, [value], ctx.strings(node.args[0]))


async def t_virustest(ctx: Context, node: Node) -> bool:
    value = (await ctx.host.virustest()) or "0"
    return compare(ctx, node, [value], ctx.strings(node.args[0]))


async def t_valid_notify_method(ctx: Context, node: Node) -> bool:
    return all(method_problem(uri) is None for uri in ctx.strings(node.args[0]))


async def t_notify_method_capability(ctx: Context, node: Node) -> bool:
    value = method_capability(ctx.s(node.args[0]), ctx.s(node.args[1]))
    return value is not None and compare(ctx, node, [value], ctx.strings(node.args[2]))


async def t_duplicate(ctx: Context, node: Node) -> bool:
    """RFC 7352 §3: track the message's unique id (Message-ID by default) per handle."""
    if ":uniqueid" in node.tags:
        unique = ctx.s(node.tags[":uniqueid"])
    else:
        values = ctx.message.header(ctx.s(node.tags.get(":header", "Message-ID")))
        if not values:
            return False  # RFC 7352 §3.2: no header, no duplicate
        unique = values[0]
    handle = ctx.s(node.tags.get(":handle", ""))
    tracking_id = hashlib.sha256(f"{handle}\0{unique}".encode("utf-8", "surrogatepass")).hexdigest()
    seconds = node.tags.get(":seconds")
    period = seconds if isinstance(seconds, int) and not isinstance(seconds, bool) else DUPLICATE_SECONDS
    hit = await ctx.host.duplicate(tracking_id, period)
    ctx.duplicates.append((tracking_id, period, hit, ":last" in node.tags))
    return hit


async def t_allof(ctx: Context, node: Node) -> bool:
    for inner in node.tests:  # short-circuit: later tests (and their questions) are skipped
        if not await test(ctx, inner):
            return False
    return True


async def t_anyof(ctx: Context, node: Node) -> bool:
    for inner in node.tests:  # short-circuit, as allof
        if await test(ctx, inner):
            return True
    return False


async def t_not(ctx: Context, node: Node) -> bool:
    return not await test(ctx, node.tests[0])


async def t_true(ctx: Context, node: Node) -> bool:
    return True


async def t_false(ctx: Context, node: Node) -> bool:
    return False


TESTS.update({
    "header": t_header, "address": t_address, "envelope": t_envelope, "exists": t_exists,
    "size": t_size, "string": t_string, "hasflag": t_hasflag, "ihave": t_ihave,
    "environment": t_environment, "mailboxexists": t_mailboxexists, "metadata": t_metadata,
    "metadataexists": t_metadataexists, "servermetadata": t_servermetadata,
    "servermetadataexists": t_servermetadataexists, "specialuse_exists": t_specialuse_exists,
    "spamtest": t_spamtest, "virustest": t_virustest, "valid_notify_method": t_valid_notify_method,
    "notify_method_capability": t_notify_method_capability, "duplicate": t_duplicate,
    "allof": t_allof, "anyof": t_anyof,
    "not": t_not, "true": t_true, "false": t_false,
})
