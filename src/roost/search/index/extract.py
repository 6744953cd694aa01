"""What a message gives the index: the very text SEARCH confirms on.

``header`` and ``body`` are what ``roost.search.mailbox`` folds for
TEXT and BODY (RFC 9051 §6.4.4): the decoded top-level header lines (RFC
2047) and every text/* part decoded by transfer encoding and charset,
HTML reduced to what a reader sees (``roost.search.text``); ``fields`` the
decoded field values HEADER keys match (RFC 2047 and 2231, from the
parse-once summary), all together; ``by_field`` those of Subject, From,
To, Cc and Bcc, one field apart, each value folded as ``evaluate`` folds
it and joined by newlines. Because the strings are identical, a trigram
match on ``body`` or ``header`` *is* the substring match, and so is one
on a field's text for a needle without a newline (which cannot span two
values): the index decides BODY, TEXT, SUBJECT, FROM, TO, CC and BCC
alone for the messages it covers.

``attachments``, text a converter drew from non-text parts, feeds only
FUZZY: SEARCH BODY does not read attachments, and neither does its index.

Change any of these functions (or those they call) and bump TEXT_VERSION:
an index of another version is ignored until ``roost squatter`` rebuilds it
(tests/search/test_fts.py pins the text of a sample message).
"""

from __future__ import annotations

from collections.abc import Callable

from roost.message import ParsedMessage
from roost.search.evaluate import fold
from roost.search.index.api import EXACT_FIELDS, Document
from roost.search.text import body_text, header_text

TEXT_VERSION = 5
"""Version of the text the index holds; stored with every index. 2: folded
by i;unicode-casemap (NFKD, was NFKC), quoted-printable decoded per RFC 2045
§6.7 (trailing white space dropped, hard line breaks as CRLF). 3: address
fields also as parsed addresses. 4: HTML as a reader sees it, through a
real parser (``roost.search.html``: inline tags join, white space collapsed)."""

MAX_TEXT = 8 << 20
"""Characters of text above which a body is kept as unindexable (searched
directly) rather than filling the index: Cyrus cuts at search_maxsize
(4 MiB a part) and then misses matches; Roost never does."""

#: Text of a message's non-text parts (search_attachment_extractor_url).
Extractor = Callable[[bytes], str]


def document(blob: str, raw: bytes, parsed: ParsedMessage,
             extractor: Extractor | None = None) -> Document:
    """The index document of one body."""
    header = fold(header_text(raw))
    body = fold(body_text(raw))
    fields = "\n".join(fold(value) for _, value in parsed.headers_for_search)
    by_field = tuple("\n".join(fold(value) for name, value in parsed.headers_for_search
                               if name == wanted) for wanted in EXACT_FIELDS)
    attachments = fold(extractor(raw)) if extractor is not None else ""
    if len(header) + len(body) + len(fields) > MAX_TEXT or not _storable(header, body, fields):
        return Document(blob, "", "", "", exact=False)
    return Document(blob, header, body, fields, attachments, by_field=by_field)


def _storable(*texts: str) -> bool:
    """SQLite keeps text as UTF-8: a lone surrogate cannot be stored."""
    try:
        for text in texts:
            text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
