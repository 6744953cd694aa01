"""What each command and test accepts: one declarative row per name.

The validator is generic and reads these rows, so adding an extension's
command is adding a row (plus its run-time function). Positional types are
"string" (one string, not a list), "strings" (a string or a list) and
"number"; a leading "?" marks an argument that may be left out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TagSpec:
    name: str
    arg: str | None = None
    ext: tuple[str, ...] = ()
    group: str = ""


@dataclass(frozen=True, slots=True)
class Spec:
    name: str
    test: bool
    ext: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    tags: tuple[TagSpec, ...] = ()
    tests: str = ""
    block: bool = False


def tag(name: str, arg: str | None = None, ext: str | tuple[str, ...] = (), group: str = "") -> TagSpec:
    return TagSpec(name, arg, (ext,) if isinstance(ext, str) else ext, group)


# RFC 5228 §2.7.3, RFC 5231 §4, draft-ietf-sieve-regex §3
COMPARATOR = (tag(":comparator", "string", group="comparator"),)
MATCH = (
    tag(":is", group="match"), tag(":contains", group="match"), tag(":matches", group="match"),
    tag(":regex", ext="regex", group="match"),
    tag(":count", "string", "relational", "match"), tag(":value", "string", "relational", "match"),
)
MATCHING = COMPARATOR + MATCH
# RFC 5228 §2.7.4, RFC 5233 §3
ADDRESS_PART = (
    tag(":all", group="part"), tag(":localpart", group="part"), tag(":domain", group="part"),
    tag(":user", ext="subaddress", group="part"), tag(":detail", ext="subaddress", group="part"),
)
# RFC 5260 §6
INDEX = (tag(":index", "number", "index"), tag(":last", ext="index"))
# RFC 5703 §4
MIME_OPTS = (
    tag(":mime", ext="mime"), tag(":anychild", ext="mime"),
    tag(":type", ext="mime", group="mimeopt"), tag(":subtype", ext="mime", group="mimeopt"),
    tag(":contenttype", ext="mime", group="mimeopt"), tag(":param", "strings", "mime", "mimeopt"),
)
# RFC 5229 §4.1: one modifier per precedence level
MODIFIERS = (
    tag(":lower", group="mod40"), tag(":upper", group="mod40"),
    tag(":lowerfirst", group="mod30"), tag(":upperfirst", group="mod30"),
    tag(":quotewildcard", group="mod20"), tag(":quoteregex", ext="regex", group="mod20"),
    tag(":encodeurl", ext="enotify", group="mod15"), tag(":length", group="mod10"),
)
# RFC 8580 §4: fcc on vacation and notify
FCC = (
    tag(":fcc", "string", "fcc"), tag(":flags", "strings", "imap4flags"),
    tag(":create", ext="mailbox"), tag(":specialuse", "string", "special-use"),
)
FLAGS_EXT = ("imap4flags", "imapflags")

SPECS: tuple[Spec, ...] = (
    # RFC 5228 §3 control
    Spec("require", False, args=("strings",)),
    Spec("if", False, tests="one", block=True),
    Spec("elsif", False, tests="one", block=True),
    Spec("else", False, block=True),
    Spec("stop", False),
    # RFC 5228 §4 actions (+ RFC 5232 §3 :flags, RFC 3894 :copy, RFC 5490 :create, RFC 8579)
    Spec("keep", False, tags=(tag(":flags", "strings", "imap4flags"),)),
    Spec("discard", False),
    Spec("redirect", False, args=("string",), tags=(tag(":copy", ext="copy"),)),
    Spec("fileinto", False, ("fileinto",), ("string",), (
        tag(":copy", ext="copy"), tag(":flags", "strings", "imap4flags"),
        tag(":create", ext="mailbox"), tag(":specialuse", "string", "special-use"))),
    # RFC 5228 §5 tests
    Spec("address", True, args=("strings", "strings"),
         tags=MATCHING + ADDRESS_PART + INDEX + MIME_OPTS[:2]),
    Spec("header", True, args=("strings", "strings"), tags=MATCHING + INDEX + MIME_OPTS),
    Spec("envelope", True, ("envelope",), ("strings", "strings"), MATCHING + ADDRESS_PART),
    Spec("exists", True, args=("strings",), tags=MIME_OPTS[:2]),
    Spec("size", True, args=("number",), tags=(tag(":over", group="size"), tag(":under", group="size"))),
    Spec("allof", True, tests="list"),
    Spec("anyof", True, tests="list"),
    Spec("not", True, tests="one"),
    Spec("true", True),
    Spec("false", True),
    # RFC 5429
    Spec("reject", False, ("reject",), ("string",)),
    Spec("ereject", False, ("ereject",), ("string",)),
    # RFC 5232 and the legacy imapflags draft (mark/unmark)
    Spec("setflag", False, FLAGS_EXT, ("?string", "strings")),
    Spec("addflag", False, FLAGS_EXT, ("?string", "strings")),
    Spec("removeflag", False, FLAGS_EXT, ("?string", "strings")),
    Spec("hasflag", True, ("imap4flags",), ("?strings", "strings"), MATCHING),
    Spec("mark", False, ("imapflags",)),
    Spec("unmark", False, ("imapflags",)),
    # RFC 5230, RFC 6131
    Spec("vacation", False, ("vacation", "vacation-seconds"), ("string",), (
        tag(":days", "number", group="period"),
        tag(":seconds", "number", "vacation-seconds", "period"),
        tag(":subject", "string"), tag(":from", "string"), tag(":addresses", "strings"),
        tag(":mime"), tag(":handle", "string")) + FCC),
    # RFC 5173
    Spec("body", True, ("body",), ("strings",), MATCHING + (
        tag(":raw", group="transform"), tag(":content", "strings", group="transform"),
        tag(":text", group="transform"))),
    # RFC 5229
    Spec("set", False, ("variables",), ("string", "string"), MODIFIERS),
    Spec("string", True, ("variables",), ("strings", "strings"), MATCHING),
    # RFC 6609
    Spec("include", False, ("include",), ("string",), (
        tag(":personal", group="location"), tag(":global", group="location"),
        tag(":once"), tag(":optional"))),
    Spec("return", False, ("include",)),
    Spec("global", False, ("include",), ("strings",)),
    # RFC 5260
    Spec("date", True, ("date",), ("string", "string", "strings"), MATCHING + INDEX + (
        tag(":zone", "string", group="zone"), tag(":originalzone", group="zone"))),
    Spec("currentdate", True, ("date",), ("string", "strings"), MATCHING + (tag(":zone", "string"),)),
    # RFC 5490
    Spec("mailboxexists", True, ("mailbox",), ("strings",)),
    Spec("metadata", True, ("mboxmetadata",), ("string", "string", "strings"), MATCHING),
    Spec("metadataexists", True, ("mboxmetadata",), ("string", "strings")),
    Spec("servermetadata", True, ("servermetadata",), ("string", "strings"), MATCHING),
    Spec("servermetadataexists", True, ("servermetadata",), ("strings",)),
    # RFC 5435
    Spec("notify", False, ("enotify",), ("string",), (
        tag(":from", "string"), tag(":importance", "string"), tag(":options", "strings"),
        tag(":message", "string")) + FCC),
    Spec("valid_notify_method", True, ("enotify",), ("strings",)),
    Spec("notify_method_capability", True, ("enotify",), ("string", "string", "strings"), MATCHING),
    # RFC 7352
    Spec("duplicate", True, ("duplicate",), (), (
        tag(":handle", "string"), tag(":header", "string", group="id"),
        tag(":uniqueid", "string", group="id"), tag(":seconds", "number"), tag(":last"))),
    # RFC 5235
    Spec("spamtest", True, ("spamtest", "spamtestplus"), ("string",),
         MATCHING + (tag(":percent", ext="spamtestplus"),)),
    Spec("virustest", True, ("virustest",), ("string",), MATCHING),
    # RFC 5183
    Spec("environment", True, ("environment",), ("string", "strings"), MATCHING),
    # RFC 5293
    Spec("addheader", False, ("editheader",), ("string", "string"), (tag(":last"),)),
    # RFC 5293 §5: deleteheader's :index and :last are its own, needing no require "index".
    Spec("deleteheader", False, ("editheader",), ("string", "?strings"),
         MATCHING + (tag(":index", "number"), tag(":last"))),
    # RFC 5463
    Spec("ihave", True, (), ("strings",)),
    Spec("error", False, ("ihave",), ("string",)),
    # RFC 8579
    Spec("specialuse_exists", True, ("special-use",), ("?string", "strings")),
    # RFC 5703
    Spec("foreverypart", False, ("foreverypart",), (), (tag(":name", "string"),), block=True),
    Spec("break", False, ("foreverypart",), (), (tag(":name", "string"),)),
    Spec("replace", False, ("replace",), ("string",), (
        tag(":mime"), tag(":subject", "string"), tag(":from", "string"))),
    Spec("enclose", False, ("enclose",), ("string",), (
        tag(":subject", "string"), tag(":headers", "strings"))),
    Spec("extracttext", False, ("extracttext",), ("string",),
         (tag(":first", "number"),) + MODIFIERS),
)

BY_NAME: dict[tuple[str, bool], Spec] = {(s.name, s.test): s for s in SPECS}

# Every capability a script may `require` (RFC 5228 §6 and each extension's RFC).
EXTENSIONS: tuple[str, ...] = (
    "fileinto", "envelope", "encoded-character",
    "comparator-i;octet", "comparator-i;ascii-casemap", "comparator-i;ascii-numeric",
    "comparator-i;unicode-casemap",
    "reject", "ereject", "imap4flags", "imapflags", "vacation", "vacation-seconds",
    "relational", "regex", "subaddress", "copy", "include", "body", "variables",
    "date", "index", "mailbox", "mboxmetadata", "servermetadata", "enotify",
    "duplicate", "spamtest", "spamtestplus", "virustest", "environment", "editheader",
    "ihave", "special-use", "fcc", "mime", "foreverypart", "extracttext", "replace", "enclose",
)

# Requiring one capability brings in another (RFC 6131 §2, RFC 5235 §3.2).
IMPLIES: dict[str, tuple[str, ...]] = {
    "vacation-seconds": ("vacation",),
    "spamtestplus": ("spamtest",),
}

# Comparators that need no `require` (RFC 5228 §2.7.3).
BUILTIN_COMPARATORS = ("i;octet", "i;ascii-casemap")

# RFC 5463 §4: ihave never enables extensions that change how a script is read.
NOT_BY_IHAVE = frozenset(("variables", "encoded-character"))


def ihave_available(required: set[str] | frozenset[str], enabled: frozenset[str]) -> set[str]:
    """What an ihave test finds: the server's enabled extensions, less NOT_BY_IHAVE
    unless the script required them itself (RFC 5463 §4 item 3: then ihave is true)."""
    return {e for e in EXTENSIONS if e in enabled and (e not in NOT_BY_IHAVE or e in required)}
