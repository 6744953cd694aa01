"""[UID] SEARCH [RETURN (opts)] [CHARSET cs] keys -> ``commands.Search``.

RFC 9051 §6.4.4 and §9 ``search``, RFC 3501 §6.4.4 (RECENT, NEW, OLD),
RFC 4731 §3.1 (RETURN), RFC 7162 §3.1.5 (MODSEQ), RFC 5032 (OLDER,
YOUNGER), RFC 8514 §4.3 (SAVEDBEFORE, SAVEDON, SAVEDSINCE, SAVEDATESUPPORTED),
RFC 8474 §6 (EMAILID, THREADID). Search strings are decoded with the CHARSET (UTF-8 when absent,
RFC 9051 §6.4.4), so the query holds text.
"""

from __future__ import annotations

import re

from roost.imap import commands as c
from roost.imap.parse_lexer import NUMBER64_MAX, Bad, Cursor
from roost.imap.partial import PartialRange, parse_return_options
from roost.search import evaluate as ev
from roost.search import query as q
from roost.search.evaluate import any_key

#: RFC 4731 §3.1 return options, RELEVANCY (RFC 6203 §4), CONTEXT and UPDATE
#: (RFC 5267 §4.2, §4.3).
RETURN_OPTIONS = frozenset({"MIN", "MAX", "ALL", "COUNT", "SAVE", "RELEVANCY", "CONTEXT", "UPDATE"})
#: RFC 5267 §4: options that ask for no result of their own.
NO_RESULT_OPTIONS = frozenset({"CONTEXT", "UPDATE"})


def with_default(opts: frozenset[str]) -> frozenset[str]:
    """RFC 4731 §3.1: ``RETURN ()`` is ALL; so is a list of only CONTEXT
    and UPDATE, which return nothing themselves (Dovecot does the same)."""
    return opts if opts - NO_RESULT_OPTIONS else opts | {"ALL"}
#: IANA charsets accepted by SEARCH CHARSET, all known to Python's codecs.
#: A list rather than codecs.lookup(): Python also knows codecs such as
#: rot13 and unicode_escape that are not charsets.
CHARSETS = frozenset({
    "US-ASCII", "UTF-8", "UTF-16", "UTF-16BE", "UTF-16LE", "UTF-7",
    *(f"ISO-8859-{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16)),
    *(f"WINDOWS-{n}" for n in range(1250, 1259)),
    "KOI8-R", "KOI8-U", "ISO-2022-JP", "SHIFT_JIS", "EUC-JP", "EUC-KR",
    "GB2312", "GBK", "GB18030", "BIG5",
})
#: Nesting bound: deeper NOT/OR/() chains are refused rather than recursed.
MAX_DEPTH = 64
#: Keys in one command, counting every key of every OR, NOT and list: the
#: cost of a search grows with keys x messages, so a client may not make it
#: grow without end (RFC 9051 §6.4.4 sets no number; a real client sends a
#: few dozen at most). More is BAD before anything is evaluated.
MAX_KEYS = 1000
_KEY_NAME = re.compile(rb"[A-Za-z]+")
_OBJECTID = re.compile(rb"[A-Za-z0-9_-]{1,255}(?![A-Za-z0-9_-])")  # RFC 8474 §7
_ENTRY_TYPES = ("PRIV", "SHARED", "ALL")
_HEADER_SHORTCUTS = {"FROM": "From", "TO": "To", "CC": "Cc", "BCC": "Bcc", "SUBJECT": "Subject"}
_DATES: dict[str, type[ev.DateKey]] = {
    "BEFORE": q.Before, "ON": q.On, "SINCE": q.Since,
    "SENTBEFORE": q.SentBefore, "SENTON": q.SentOn, "SENTSINCE": q.SentSince,
    "SAVEDBEFORE": q.SavedBefore, "SAVEDON": q.SavedOn, "SAVEDSINCE": q.SavedSince,
}


class UnknownCharset(Bad):
    """SEARCH CHARSET names a charset the server cannot decode.

    RFC 9051 §6.4.4: the reply is ``tag NO [BADCHARSET (...)]``, not BAD; a
    Bad subclass so that a server which does not tell them apart still
    answers rather than crashes.
    """

    def __init__(self, tag: str, charset: str) -> None:
        super().__init__(tag, f"unknown charset {charset}")
        self.charset = charset


def parse_search(cur: Cursor, uid: bool) -> c.Search:
    """The arguments of [UID] SEARCH, after the command name."""
    cur.sp()
    returns, partial, charset, query = search_program(cur)
    return c.Search(cur.tag, uid, query, charset, returns, partial)


def search_program(cur: Cursor) -> tuple[frozenset[str] | None, PartialRange | None,
                                         str | None, q.Key]:
    """``[RETURN (opts) SP] [CHARSET cs SP] keys``: what SEARCH and ESEARCH
    (RFC 7377) share; the range of a PARTIAL option (RFC 9394 §3.1) apart."""
    returns: frozenset[str] | None = None
    partial: PartialRange | None = None
    if cur.skip_word(b"RETURN"):
        cur.sp()
        opts, partial = parse_return_options(cur, RETURN_OPTIONS)
        returns = with_default(opts)
        cur.sp()
    charset: str | None = None
    if cur.skip_word(b"CHARSET"):
        cur.sp()
        charset = parse_charset(cur)
        cur.sp()
    query = parse_keys(cur, charset or "UTF-8")
    if returns is not None and "RELEVANCY" in returns and not any_key(query, (q.Fuzzy,)):
        raise cur.bad("RELEVANCY needs a FUZZY search key")  # RFC 6203 §4: MUST NOT
    return returns, partial, charset, query


def parse_charset(cur: Cursor) -> str:
    """A CHARSET name this server decodes, upper-cased (SEARCH, and the
    mandatory charset of SORT and THREAD, RFC 5256 §3)."""
    charset = cur.astring().upper()
    if charset not in CHARSETS:
        raise UnknownCharset(cur.tag, charset)
    return charset


def parse_keys(cur: Cursor, charset: str) -> q.Key:
    """``1*(SP search-key)`` (the first SP already read) as one key."""
    keys = _SearchParser(cur, charset).key_list(0)
    return keys[0] if len(keys) == 1 else q.And(tuple(keys))


class _SearchParser:
    """Recursive descent over search keys with a depth bound."""

    def __init__(self, cur: Cursor, charset: str) -> None:
        self.cur = cur
        self.charset = charset
        self.keys = 0

    def key_list(self, depth: int) -> list[q.Key]:
        """``search-key *(SP search-key)`` up to ``)`` or the end."""
        keys = [self.key(depth)]
        while self.cur.skip(b" "):
            keys.append(self.key(depth))
        return keys

    def text(self) -> str:
        """An astring in the search charset."""
        raw = self.cur.astring_bytes()
        try:
            return raw.decode(self.charset)
        except UnicodeDecodeError:
            raise self.cur.bad(f"string is not valid {self.charset}") from None

    def key(self, depth: int) -> q.Key:
        """One ``search-key``."""
        cur = self.cur
        if depth > MAX_DEPTH:
            raise cur.bad(f"search keys nested too deeply (at most {MAX_DEPTH} levels)")
        self.keys += 1
        if self.keys > MAX_KEYS:
            raise cur.bad(f"too many search keys (at most {MAX_KEYS})")
        if cur.skip(b"("):
            keys = self.key_list(depth + 1)
            cur.expect(b")")
            return keys[0] if len(keys) == 1 else q.And(tuple(keys))
        name = cur.maybe(_KEY_NAME)
        if name is None:
            return q.SeqSet(cur.sequence_set())
        return self._named(name.decode("ascii").upper(), depth)

    def _named(self, name: str, depth: int) -> q.Key:
        cur = self.cur
        if name == "ALL":
            return q.All()
        if name in q.FLAG_KEYS:
            return q.Flag(*q.FLAG_KEYS[name])
        if name == "SAVEDATESUPPORTED":  # RFC 8514 §4.3
            return q.SaveDateSupported()
        if name == "NEW":  # RFC 3501 §6.4.4: RECENT UNSEEN
            return q.And((q.Flag("\\Recent"), q.Flag("\\Seen", False)))
        cur.sp()
        if name == "NOT":
            return q.Not(self.key(depth + 1))
        if name == "FUZZY":  # RFC 6203 §3
            return q.Fuzzy(self.key(depth + 1))
        if name == "OR":
            left = self.key(depth + 1)
            cur.sp()
            return q.Or(left, self.key(depth + 1))
        if name in _HEADER_SHORTCUTS:
            return q.Header(_HEADER_SHORTCUTS[name], self.text())
        if name == "HEADER":
            field = cur.astring()
            cur.sp()
            return q.Header(field, self.text())
        if name == "BODY":
            return q.Body(self.text())
        if name == "TEXT":
            return q.Text(self.text())
        if name in ("KEYWORD", "UNKEYWORD"):
            return q.Keyword(cur.atom(), name == "KEYWORD")
        if name in _DATES:
            return _DATES[name](cur.date())
        if name == "LARGER":
            return q.Larger(cur.number(NUMBER64_MAX))
        if name == "SMALLER":
            return q.Smaller(cur.number(NUMBER64_MAX))
        if name == "UID":
            return q.Uid(cur.sequence_set())
        if name == "OLDER":
            return q.Older(cur.nz_number())
        if name == "YOUNGER":
            return q.Younger(cur.nz_number())
        if name == "MODSEQ":
            return self._modseq()
        if name in ("EMAILID", "THREADID"):  # RFC 8474 §6
            objectid = cur.token(_OBJECTID, "objectid").decode("ascii")
            return q.EmailId(objectid) if name == "EMAILID" else q.ThreadId(objectid)
        raise cur.bad(f"unknown search key {name}")

    def _modseq(self) -> q.ModSeq:
        """MODSEQ [entry-name entry-type] value. RFC 7162 §3.1.5."""
        cur = self.cur
        if not cur.is_string():
            return q.ModSeq(cur.number(NUMBER64_MAX))
        entry = cur.string()
        cur.sp()
        entry_type = cur.atom().upper()
        if entry_type not in _ENTRY_TYPES:
            raise cur.bad("bad MODSEQ entry type")
        cur.sp()
        return q.ModSeq(cur.number(NUMBER64_MAX), entry, entry_type.lower())
