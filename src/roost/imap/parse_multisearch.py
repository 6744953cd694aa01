"""ESEARCH (RFC 7377 §2, MULTISEARCH) -> ``commands.MultiSearch``.

``ESEARCH [IN (filter *(SP filter))] [RETURN (opts)] [CHARSET cs] keys``,
the filters of RFC 5465 §6 less ``selected-delayed``, plus
``subtree-one`` (RFC 7377 §2.2). No scope options are defined, so any is
refused; SAVE is valid only when the one source is ``selected``; UPDATE
(RFC 5267 §4.3) follows the selected mailbox only (RFC 7377 §2.2).
"""

from __future__ import annotations

from roost.imap import commands as c
from roost.imap.parse_lexer import Cursor
from roost.imap.parse_search import search_program

#: Filters that name no mailbox, and those followed by one or a list.
PLAIN_FILTERS = ("selected", "inboxes", "personal", "subscribed")
NAMED_FILTERS = ("subtree-one", "subtree", "mailboxes")


def parse_multisearch(cur: Cursor) -> c.MultiSearch:
    cur.sp()
    sources: list[tuple[str, tuple[str, ...]]] = []
    if cur.skip_word(b"IN"):
        cur.sp()
        cur.expect(b"(")
        sources.append(_filter(cur))
        while cur.skip(b" "):
            if cur.peek(b"("):
                raise cur.bad("no scope options are defined (RFC 7377 §2.2)")
            sources.append(_filter(cur))
        cur.expect(b")")
        cur.sp()
    returns, partial, charset, query = search_program(cur)
    if partial is not None:
        raise cur.bad("PARTIAL is for SEARCH in the selected mailbox")  # RFC 9394 §3.1
    sources = sources or [("selected", ())]
    if returns is not None and "SAVE" in returns and sources != [("selected", ())]:
        raise cur.bad("SAVE needs the selected mailbox as the only source")  # RFC 7377 §2.2
    return c.MultiSearch(cur.tag, tuple(sources), query, charset,
                         returns if returns is not None else frozenset({"ALL"}))


def _filter(cur: Cursor) -> tuple[str, tuple[str, ...]]:
    word = cur.atom().lower()
    if word in PLAIN_FILTERS:
        return word, ()
    if word not in NAMED_FILTERS:
        raise cur.bad(f"unknown mailbox filter {word}")
    cur.sp()
    if cur.peek(b"("):
        return word, tuple(cur.paren_list(cur.mailbox))
    return word, (cur.mailbox(),)
