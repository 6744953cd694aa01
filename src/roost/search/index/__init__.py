"""The full-text index: candidates for SEARCH that never change its answer.

``api`` is the interface (``FullTextIndex``: a search server can stand in
for the embedded engine later); ``extract`` what a message gives the index;
``feed`` the indexer that follows the store (``roost squatter``); the
SQLite FTS5 engine is ``roost.store.sqlite.fts`` (all SQL stays in the store).
``roost.search.indexed`` turns an index answer into a query that means the
same as the one asked.

Invariants:
- The index text of a body is exactly the text SEARCH confirms on:
  ``fold(header_text(raw))``, ``fold(body_text(raw))`` of ``roost.search.text``,
  recorded with ``TEXT_VERSION``; an index of another version is no index.
- Per mailbox, a mark ``upto``: every UID at or below it has its body's
  document in the index (or was expunged). UIDs above it, and documents
  kept as unindexable, are searched directly, so a stale, half-built or
  missing index gives the same UIDs as none at all.
- A document is keyed by body (SHA-256): copies are indexed once per owner.
- A rebuild (``roost squatter`` without ``-i``) is built beside the live
  index and swapped in by one transaction: a reader sees the old or the
  new one, never a part.
"""
