"""Search: the query model, its evaluation, and the full-text index.

``query`` (keys as values) -> ``plan`` (the record-only parts decided for
the whole mailbox by set arithmetic) -> ``run`` (the rest decided a batch
of messages at a time, through ``evaluate``'s three-valued logic).
``text`` is what BODY and TEXT compare with, for the scan and the index
alike (``html``: a text/html part as a reader sees it). ``index`` is the
full-text index (interface, text extraction, the
indexer that follows the store); ``indexed`` rewrites a query with an
index answer into one that means the same; ``mailbox`` puts it together
for one mailbox of a store (IMAP SEARCH, ESEARCH, ``roost search``).

Invariants:
- ``query`` holds only values: frozen dataclasses, no store access, so a
  parsed query can be cached, compared and logged.
- A query means the same under every protocol that builds it; IMAP
  shortcuts (FROM, NEW, ...) are mapped onto the general keys by the parser.
- ``evaluate``, ``plan`` and ``run`` never touch the store (the caller
  passes loaders); ``mailbox`` and ``index.feed`` use only the Store API;
  no SQL here (the FTS5 engine is ``roost.store.sqlite.fts``).
- A run's cost is at most keys x messages cheap steps (the parser bounds
  the keys), and it yields to the event loop between batches.
- Whatever state the full-text index is in, a search gives the UIDs an
  unindexed search gives (FUZZY excepted: RFC 6203 lets it vary).
"""
