"""The word path of the FTS5 index: a needle made of word characters is
looked up by its words, not by its trigrams, with the same answer.

Why: the trigram phrase match of a common word decodes the position
lists of each of its trigrams in every candidate ("ing", "tin" are in
most bodies): 100 ms for "meeting" at 100,000 messages. A word's posting
list is only as long as the word is common, and needs no positions.

Why it is still the substring match (RFC 9051 §6.4.4): the `words` table
uses FTS5's `ascii` tokenizer, whose tokens are the maximal runs of ASCII
letters and digits and of every non-ASCII character. Folded text can
still hold ASCII capitals (NFKD makes "TEL" of "℡"), which that tokenizer
would lower-case, so `words` is given the text with every ASCII capital
made a space: its tokens are then the text's maximal runs of `WORDLIKE`
characters, verbatim. A needle made only of such characters can occur
only inside one run, and a run is a piece of the text, so a body holds
the needle exactly when one of its tokens does. Which tokens hold it is
asked of `vocab`, a trigram table over every token the index has seen
(`terms`), whose phrase match is the substring test on one token; the
bodies are then the `words` postings of those tokens, ORed.

Fallbacks to the trigram table (same answer, old speed): a needle with
any other character (space, ASCII punctuation, a capital), one held by
more than `MAX_TERMS` tokens ("ing"), or one held by a token of
`LONG_TOKEN` bytes or more (FTS5 truncates tokens at 32,768 bytes, so a
long token's postings are not its own).

Invariants: every token of every document in `words` is in `terms` (they
are written in one transaction); `terms` only grows (a token no body
holds any more costs an empty OR branch, never an answer).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

from roost.search.index.api import Document
from roost.store.sqlite import fts_columns

TABLES = ("words", "terms", "vocab")
WORDLIKE = re.compile(r"[0-9a-z\x80-\U0010ffff]+")
"""A token of `words`, and a needle the word path can answer."""
_CAPITALS = {c: " " for c in range(ord("A"), ord("Z") + 1)}
_CAPITAL = re.compile("[A-Z]")
MAX_TERMS = 200
LONG_TOKEN = 30_000
SHORTEST = 3  # a shorter token cannot hold a needle the index looks up
_CHUNK = 500


def schema(suffix: str) -> list[str]:
    return [
        (f"CREATE VIRTUAL TABLE words{suffix} USING fts5({fts_columns.NAMES}, content='',"
         " detail=column, tokenize='ascii')"),
        f"CREATE TABLE terms{suffix} (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE)",
        (f"CREATE VIRTUAL TABLE vocab{suffix} USING fts5(term, content='',"
         " tokenize='trigram case_sensitive 1')"),
    ]


def add(db: sqlite3.Connection, suffix: str, added: Sequence[tuple[int, Document]]) -> None:
    """Put the documents (docid, text) into `words`, and their new tokens
    into `terms` and `vocab`, inside the caller's transaction."""
    texts = [(docid, _texts(doc)) for docid, doc in added]
    db.executemany(f"INSERT INTO words{suffix} (rowid, {fts_columns.NAMES})"
                   f" VALUES (?, {fts_columns.MARKS})", ((d, *t) for d, t in texts))
    fresh = sorted({t for _, row in texts for text in row for t in WORDLIKE.findall(text)
                    if len(t) >= SHORTEST})
    known: set[str] = set()
    for at in range(0, len(fresh), _CHUNK):
        part = fresh[at:at + _CHUNK]
        known.update(t for (t,) in db.execute(
            f"SELECT term FROM terms{suffix} WHERE term IN ({','.join('?' * len(part))})", part))
    for term in fresh:
        if term not in known:
            rowid = db.execute(f"INSERT INTO terms{suffix} (term) VALUES (?)", (term,)).lastrowid
            db.execute(f"INSERT INTO vocab{suffix} (rowid, term) VALUES (?, ?)", (rowid, term))


def delete(db: sqlite3.Connection, docid: int, doc: Document) -> None:
    """Take a document out of `words`, repeating its text (contentless)."""
    db.execute(f"INSERT INTO words (words, rowid, {fts_columns.NAMES})"
               f" VALUES ('delete', ?, {fts_columns.MARKS})", (docid, *_texts(doc)))


def match(db: sqlite3.Connection, columns: str, needle: str) -> str | None:
    """The `words` MATCH string that finds the bodies holding `needle`;
    "" when no token holds it (nothing matches); None when the word path
    cannot answer (the caller asks the trigram table)."""
    if not WORDLIKE.fullmatch(needle):
        return None
    terms = [t for (t,) in db.execute(
        "SELECT t.term FROM vocab CROSS JOIN terms t ON t.id = vocab.rowid"
        " WHERE vocab MATCH ? LIMIT ?", (_quoted(needle), MAX_TERMS + 1))]
    if len(terms) > MAX_TERMS or any(len(t.encode("utf-8")) >= LONG_TOKEN for t in terms):
        return None
    if not terms:
        return ""
    return f"{columns} : ({' OR '.join(map(_quoted, terms))})"


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _texts(doc: Document) -> tuple[str, ...]:
    """What `words` is given of a document: its ASCII capitals made spaces.
    str.translate is fast on ASCII text only; on any other it looks up every
    character in Python's loop (0.7 ms for 7,000 Cyrillic characters),
    where the regular expression passes over it in C (0.04 ms)."""
    return tuple(text.translate(_CAPITALS) if text.isascii() else _CAPITAL.sub(" ", text)
                 for text in fts_columns.row(doc))
