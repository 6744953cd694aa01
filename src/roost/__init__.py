"""Roost: a mail store server that does the job of Cyrus IMAP.

Invariants: data flows one way, socket bytes -> sans-IO protocol parser ->
command handler -> mail store; nothing in `store/` knows a protocol, and no
protocol package touches SQL or files.
"""

__version__ = "0.1.0"
