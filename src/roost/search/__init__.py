"""Search: the query model, its evaluation, and the full-text index.

``query`` (keys as values) -> ``plan`` (the record-only parts decided for
the whole mailbox by set arithmetic) -> ``run`` (the rest decided a batch
of messages at a time, through ``evaluate``'s three-valued logic).

Invariants:
- ``query`` holds only values: frozen dataclasses, no store access, so a
  parsed query can be cached, compared and logged.
- A query means the same under every protocol that builds it; IMAP
  shortcuts (FROM, NEW, ...) are mapped onto the general keys by the parser.
- Nothing here touches the store: callers pass loaders. A run's cost is
  at most keys x messages cheap steps (the parser bounds the keys), and it
  yields to the event loop between batches.
"""
