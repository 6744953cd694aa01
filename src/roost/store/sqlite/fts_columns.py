"""The text columns of the FTS5 tables `text` and `words`, and which one a
needle is looked up in.

`header` and `body` are what TEXT and BODY compare with; `fields` every
header field value together (a superset for any HEADER key); one column
per field of ``EXACT_FIELDS`` (SUBJECT, FROM, TO, CC, BCC) holds that
field's values alone, newline-joined (``Document.by_field``). A needle
holding no newline cannot span two values there, so a match in a field's
column is exactly HEADER's test (some value holds the needle, RFC 9051
§6.4.4): those needles are answered exactly, the rest by `fields`.
"""

from __future__ import annotations

from roost.search.index.api import EXACT_FIELDS, Document, Needle

FIELD_COLUMNS = tuple(f"f_{name}" for name in EXACT_FIELDS)
COLUMNS = ("header", "body", "fields", *FIELD_COLUMNS)
NAMES = ", ".join(COLUMNS)
"""The columns in order, for CREATE and INSERT."""
MARKS = ", ".join("?" * len(COLUMNS))
_WHERE = {"body": "body", "text": "{header body}", "header": "fields"}


def row(doc: Document) -> tuple[str, ...]:
    """A document's text in COLUMNS' order."""
    by_field = doc.by_field or ("",) * len(EXACT_FIELDS)
    return (doc.header, doc.body, doc.fields, *by_field)


def column_of(needle: Needle) -> tuple[str, bool]:
    """The FTS5 column filter a needle is looked up in, and whether a
    match there is exactly the key's (else a superset to confirm)."""
    if needle.where == "header" and needle.field in EXACT_FIELDS and "\n" not in needle.text:
        return f"f_{needle.field}", True
    return _WHERE[needle.where], needle.where != "header"
