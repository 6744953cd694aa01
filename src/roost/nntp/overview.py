"""OVER lines (RFC 3977 §8.3.2), and the texts of the last bodies overviewed.

A line is the article number and a text that depends only on the body:
its five overview fields, its size and its line count. Bodies are
content-addressed (SHA-256 keys), so a text once made stays right for as
long as the body exists, in every group it is in. `OverviewCache` keeps
the texts of the last `CACHED` bodies of a worker: a reader entering a
group others read (or re-reading it) costs a dictionary lookup per
article instead of decoding its stored summary, as Cyrus's nntpd reads a
`cyrus.cache` the page cache keeps.

Invariants: a text is made from the store's summary of that very body and
never changed; the cache holds at most `CACHED` texts (least recently
used go first); an article with no stored summary gets no line.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

from roost.store.api import MessageRecord, MessageSummary, Store

FIELDS = ("subject", "from", "date", "message-id", "references")
#: RFC 3977 §8.3.2: TAB, CR and LF inside a field become spaces.
SANITIZE = bytes.maketrans(b"\t\r\n", b"   ")
#: About 200 bytes a text: some 5 MB a worker.
CACHED = 20_000


def overview_text(size: int, summary: MessageSummary) -> bytes:
    """The five fields, :bytes and :lines, TAB-separated (a line without its number).

    The fields are joined with NULs, cleaned as one string and the NULs
    made TABs: a tenth of the calls per line (a field holding a NUL
    itself has it made a space).
    """
    fields = dict(summary.summary_fields)
    values = [fields.get(name, "") for name in FIELDS]
    joined = "\0".join(values)
    if joined.count("\0") != len(values) - 1:
        joined = "\0".join(value.replace("\0", " ") for value in values)
    text = joined.encode("latin-1").translate(SANITIZE).replace(b"\0", b"\t")
    return b"%s\t%d\t%d" % (text, size, summary.body_lines)


def overview_line(number: int, record: MessageRecord, summary: MessageSummary) -> bytes:
    """RFC 3977 §8.3.2: the number, then the body's overview text."""
    return b"%d\t%s" % (number, overview_text(record.size, summary))


class OverviewCache:
    """The overview texts of the last bodies asked for, by body key."""

    def __init__(self, size: int = CACHED) -> None:
        self._size = size
        self._texts: OrderedDict[str, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._texts)

    async def lines(self, store: Store,
                    articles: Sequence[tuple[int, MessageRecord]]) -> list[bytes]:
        """The OVER line of each (number, record), in order; the summaries
        of bodies not cached are read in one store call."""
        texts = self._texts
        missing = {rec.blob: rec for _, rec in articles if rec.blob not in texts}
        made: dict[str, bytes] = {}
        if missing:
            summaries = await store.summaries_many(list(missing))
            made = {blob: overview_text(missing[blob].size, summary)
                    for blob, summary in summaries.items()}
        lines = []
        for number, rec in articles:
            text = made.get(rec.blob) or texts.get(rec.blob)
            if text is not None:
                lines.append(b"%d\t%s" % (number, text))
        for blob, text in made.items():
            texts[blob] = text
        for number, rec in articles:  # recently used: kept longest
            if rec.blob in texts:
                texts.move_to_end(rec.blob)
        while len(texts) > self._size:
            texts.popitem(last=False)
        return lines
