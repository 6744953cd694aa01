"""Search: the query model, its evaluation, and the full-text index.

Invariants:
- ``query`` holds only values: frozen dataclasses, no store access, so a
  parsed query can be cached, compared and logged.
- A query means the same under every protocol that builds it; IMAP
  shortcuts (FROM, NEW, ...) are mapped onto the general keys by the parser.
"""
