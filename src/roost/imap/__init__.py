"""IMAP4rev1 / IMAP4rev2 protocol (RFC 3501, RFC 9051).

Input side: ``wire`` -> ``parse*`` -> ``commands``; then ``dispatch`` (THE
table of handlers and states) runs ``handlers/*`` against the store, and
``server`` is the asyncio glue. ``session`` and ``selected`` hold one
connection's state.

Invariants:
- ``wire`` and ``parse*`` never do I/O: bytes in, events and commands out.
- The only exception the parsers raise is ``Bad`` (its subclass
  ``UnknownCharset`` asks for NO [BADCHARSET] instead); every malformed
  input maps onto it, carrying the tag when it could be read, else ``*``.
- ``Wire`` memory is bounded by its limits, and after any ``TooLong`` it
  resynchronises on the next command without closing the connection.
- Commands are frozen values; mailbox names stay raw IMAP strings
  (decode with ``mutf7``), except that INBOX is always spelt ``INBOX``.
- Handlers never check state, catch errors or write the tag: dispatch does.
- Untagged updates of other sessions' changes come from the store's MODSEQ
  (``Store.changes_since``) after each command, never from anywhere else.
"""
