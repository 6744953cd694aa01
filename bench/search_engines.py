"""Embedded full-text engines side by side, on the bench/search_corpus mail.

The text each engine gets is the same: the folded header and body text
SEARCH confirms on (roost.search.evaluate.fold of roost.message.header_text
/ body_text), extracted once, so the figures are the engines' own. For each:
documents indexed per second, index bytes per mail byte, and the median
time of a query for a common word, a rare word, a substring inside a word
(RFC 9051 §6.4.4: `BODY "ell"` matches "hello"), a phrase and a CJK run,
with how many candidates it returns against the true count (a term
engine cannot find a substring inside a word: "misses").

Xapian is Debian's python3-xapian (what Cyrus's search_engine: xapian
uses), imported from the system's dist-packages when the venv lacks it.

    python -m bench.search_engines --count 20000
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.search_corpus import messages
from roost.message import body_text, header_text
from roost.search.evaluate import fold

QUERIES = {"common word": "meeting", "rarer word": "quarterly", "rare word": "server",
           "substring": "nvoic", "phrase": "invoice meeting", "cyrillic": "привет",
           "cjk run": "東京"}
RUNS = 7


def _xapian() -> object | None:
    try:
        import xapian  # type: ignore[import-not-found]
    except ImportError:
        sys.path.append("/usr/lib/python3/dist-packages")
        try:
            import xapian
        except ImportError:
            return None
    return xapian


def _fts5(tokenizer: str) -> Callable[[Path, list[tuple[str, str]]], Callable[[str], int]]:
    def build(path: Path, docs: list[tuple[str, str]]) -> Callable[[str], int]:
        db = sqlite3.connect(path / "fts.db", isolation_level=None)
        db.execute(f"CREATE VIRTUAL TABLE t USING fts5(header, body, content='', "
                   f"tokenize='{tokenizer}')")
        db.execute("BEGIN")
        db.executemany("INSERT INTO t (rowid, header, body) VALUES (?, ?, ?)",
                       ((i, h, b) for i, (h, b) in enumerate(docs)))
        db.execute("COMMIT")
        db.execute("INSERT INTO t (t) VALUES ('optimize')")

        def query(needle: str) -> int:
            phrase = '"' + needle.replace('"', '""') + '"'
            return len(db.execute("SELECT rowid FROM t WHERE t MATCH ?", (phrase,)).fetchall())
        return query
    return build


def _xapian_build(path: Path, docs: list[tuple[str, str]]) -> Callable[[str], int]:
    xapian: object = _xapian()
    x = xapian  # type: ignore[assignment]
    db = x.WritableDatabase(str(path / "xapian"), x.DB_CREATE_OR_OVERWRITE)  # type: ignore[attr-defined]
    gen = x.TermGenerator()  # type: ignore[attr-defined]
    gen.set_stemmer(x.Stem("none"))  # type: ignore[attr-defined]
    for header, body in docs:
        doc = x.Document()  # type: ignore[attr-defined]
        gen.set_document(doc)
        gen.index_text(header)
        gen.increase_termpos()
        gen.index_text(body)
        db.add_document(doc)
    db.commit()
    parser = x.QueryParser()  # type: ignore[attr-defined]
    parser.set_database(db)
    enquire = x.Enquire(db)  # type: ignore[attr-defined]

    def query(needle: str) -> int:
        enquire.set_query(parser.parse_query(f'"{needle}"', parser.FLAG_PHRASE))
        return int(enquire.get_mset(0, len(docs)).size())
    return query


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    raws = messages(args.count, args.seed)
    mail_bytes = sum(map(len, raws))
    docs = [(fold(header_text(r)), fold(body_text(r))) for r in raws]
    truth = {name: sum(1 for h, b in docs if fold(n) in h or fold(n) in b)
             for name, n in QUERIES.items()}
    engines: dict[str, Callable[[Path, list[tuple[str, str]]], Callable[[str], int]]] = {
        "fts5 trigram": _fts5("trigram case_sensitive 1"),
        "fts5 unicode61": _fts5("unicode61 remove_diacritics 0"),
    }
    if _xapian() is not None:
        engines["xapian"] = _xapian_build
    print(f"{args.count} messages, {mail_bytes / 1e6:.1f} MB of mail, "
          f"{sum(len(h) + len(b) for h, b in docs) / 1e6:.1f} M characters of text")
    for name, build in engines.items():
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            query = build(Path(tmp), docs)
            took = time.perf_counter() - start
            size = _size(Path(tmp))
            print(f"\n{name}: {args.count / took:,.0f} docs/s, index {size / 1e6:.1f} MB "
                  f"= {size / mail_bytes:.2f} x mail")
            for qname, needle in QUERIES.items():
                times = []
                for _ in range(RUNS):
                    t0 = time.perf_counter()
                    found = query(fold(needle))
                    times.append(time.perf_counter() - t0)
                print(f"  {qname:<12} {needle!r:<18} median {statistics.median(times) * 1e3:7.2f} ms"
                      f"  candidates {found:>6}  true {truth[qname]:>6}"
                      + ("  MISSES" if found < truth[qname] else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
