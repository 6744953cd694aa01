"""MIME parts in Sieve: body (RFC 5173) and the mime family (RFC 5703):
header/address/exists :mime, extracttext, replace and enclose.

Parts come from the standard `email` package (compat32); a part's text is
its payload with the transfer encoding undone and the charset decoded.
"""

from __future__ import annotations

import email.parser
import email.policy
from email.generator import BytesGenerator
from email.message import Message
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import collapse_rfc2231_value
from io import BytesIO

from roost.sieve.interp import ACTIONS, TESTS
from roost.sieve.match import compare
from roost.sieve.message import decode_value
from roost.sieve.program import Node
from roost.sieve.runtime import Context
from roost.sieve.variables import apply_modifiers


def part_text(part: Message) -> str:
    """A leaf part's content, decoded (RFC 5173 §5.2)."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    if part.get_content_maintype() != "text":
        return payload.decode("latin-1")
    charset = part.get_content_charset() or "us-ascii"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("latin-1")


def type_matches(content_type: str, wanted: list[str]) -> bool:
    """RFC 5173 §5.2: "" is any type, "text" a whole top-level type, "text/plain" exact."""
    main = content_type.partition("/")[0]
    for want in wanted:
        want = want.lower()
        if want == "" or want == content_type or ("/" not in want and want == main):
            return True
    return False


def body_values(ctx: Context, node: Node) -> list[str]:
    """RFC 5173 §5: the strings a body test matches, none for a message without a body."""
    if not ctx.message.has_body:
        return []  # RFC 5173 §4: header only, so every body test is false, even for ""
    if ":raw" in node.tags:
        return [ctx.message.body.decode("utf-8", "replace")]
    wanted = ctx.strings(node.tags[":content"]) if ":content" in node.tags else ["text"]
    values: list[str] = []
    for part in ctx.current_part().walk():
        content_type = part.get_content_type()
        if not type_matches(content_type, wanted):
            continue
        if content_type == "message/rfc822":
            # RFC 5173 §5.2: only the nested message's header, as one string.
            nested = part.get_payload(0) if part.is_multipart() else None
            if isinstance(nested, Message):
                values.append("".join(f"{k}: {v}\r\n" for k, v in nested.items()))
        elif part.is_multipart():
            values.extend(t for t in (part.preamble, part.epilogue) if t)
        else:
            values.append(part_text(part))
    return values


async def t_body(ctx: Context, node: Node) -> bool:
    """RFC 5173 §6: wildcards in body keys never set match variables."""
    return compare(ctx, node, body_values(ctx, node), ctx.strings(node.args[0]), set_match=False)


def scoped_parts(ctx: Context, node: Node) -> list[Message]:
    """The current part, or with :anychild it and every part below it (RFC 5703 §4.1)."""
    top = ctx.current_part()
    return list(top.walk()) if ":anychild" in node.tags else [top]


def content_values(part: Message, name: str, node: Node) -> list[str]:
    """Values of a header of a part, or of one facet of Content-Type (RFC 5703 §4.2)."""
    raw = [decode_value(str(v)) for v in part.get_all(name) or []]
    if name.lower() not in ("content-type", "content-disposition"):
        return raw
    if ":type" in node.tags or ":subtype" in node.tags or ":contenttype" in node.tags:
        out = []
        for value in raw:
            kind = value.split(";")[0].strip().lower()
            main, _, sub = kind.partition("/")
            out.append(main if ":type" in node.tags else sub if ":subtype" in node.tags else kind)
        return out
    params = node.tags.get(":param")
    if isinstance(params, list):
        header = "content-disposition" if name.lower() == "content-disposition" else "content-type"
        wanted = {p.lower() for p in params}
        # RFC 5703 §4.2: parameter values are decoded (RFC 2231 charsets and
        # continuations) and matched as text.
        return [collapse_rfc2231_value(v, "replace") for k, v in part.get_params(header=header) or []
                if k.lower() in wanted]
    return raw


def mime_header_values(ctx: Context, node: Node, names: list[str]) -> list[str]:
    values: list[str] = []
    for part in scoped_parts(ctx, node):
        for name in names:
            values.extend(content_values(part, name, node))
    return values


def mime_raw_values(ctx: Context, node: Node, name: str) -> list[str]:
    """RFC 5703 §4.1: a header's values in the part (or, with :anychild, the parts) in scope."""
    return [str(v) for part in scoped_parts(ctx, node) for v in part.get_all(name) or []]


def mime_exists(ctx: Context, node: Node, names: list[str]) -> bool:
    return any(all(part.get_all(n) for n in names) for part in scoped_parts(ctx, node))


def a_extracttext(ctx: Context, node: Node) -> None:
    """RFC 5703 §7: the current part's text into a variable."""
    part = ctx.current_part()
    text = "" if part.is_multipart() or part.get_content_maintype() != "text" else part_text(part)
    first = node.tags.get(":first")
    if isinstance(first, int) and not isinstance(first, bool):
        text = text[:first]
    ctx.assign(ctx.s(node.args[0]), apply_modifiers(text, node.tags))


def serialise(message: Message) -> bytes:
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=email.policy.compat32.clone(linesep="\r\n")).flatten(message)
    return out.getvalue()


def a_replace(ctx: Context, node: Node) -> None:
    """RFC 5703 §5: put new content in place of the current part (or the whole body)."""
    text = ctx.s(node.args[0])
    if ":mime" in node.tags:
        new: Message = email.parser.Parser(policy=email.policy.compat32).parsestr(text)
    else:
        new = MIMEText(text, "plain", "utf-8")
    target = ctx.current_part()
    for key in [k for k in target if k.lower().startswith("content-")]:
        del target[key]
    for key, value in new.items():
        if key.lower().startswith("content-") or key.lower() == "mime-version":
            if key.lower() == "mime-version" and target.get("MIME-Version"):
                continue
            target[key] = value
    target.set_payload(new.get_payload())
    root = ctx.message.tree()
    if not ctx.parts:
        for header, tag in (("Subject", ":subject"), ("From", ":from")):
            if tag in node.tags:
                del root[header]
                root[header] = ctx.s(node.tags[tag])
    ctx.message.reset(serialise(root), root)


def a_enclose(ctx: Context, node: Node) -> None:
    """RFC 5703 §6: wrap the message as message/rfc822 below a new text part."""
    original = ctx.message.tree()
    outer = MIMEMultipart("mixed")
    wanted = ["Date", "From", "To", "Cc"] + ctx.strings(node.tags.get(":headers"))
    for name in dict.fromkeys(wanted):
        for value in original.get_all(name) or []:
            outer[name] = value
    outer["Subject"] = ctx.s(node.tags[":subject"]) if ":subject" in node.tags else original.get("Subject", "")
    outer.attach(MIMEText(ctx.s(node.args[0]), "plain", "utf-8"))
    outer.attach(MIMEMessage(original))
    ctx.message.reset(serialise(outer))


TESTS["body"] = t_body
ACTIONS.update({"extracttext": a_extracttext, "replace": a_replace, "enclose": a_enclose})
