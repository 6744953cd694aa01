"""POP3 (RFC 1939, with CAPA RFC 2449, STLS RFC 2595, AUTH RFC 5034,
response codes RFC 3206) over the same store as IMAP, as Cyrus's pop3d.

Invariants:
- Nothing reaches the store before QUIT enters UPDATE (RFC 1939 §6): DELE
  and RETR mark the session's maildrop; UPDATE expunges the marked
  messages in one store call. A session that ends any other way deletes
  nothing.
- Message numbers, sizes and unique ids are fixed at login for the whole
  session (RFC 1939 §4); a unique id is UIDVALIDITY.UID (Cyrus
  `uidl_format: cyrus`), so it never names another message.
- One POP3 session per maildrop at a time ([IN-USE], RFC 1939 §8), held
  by the connection's row in the shared state and released with it.
- Every login goes through `ctx.logins`, every rights decision through
  `ctx.access`; plaintext passwords only where `plaintext_allowed` says.
- Nothing the client sends raises out of the connection loop: a bad line
  gets -ERR and the next one is read; lines are bounded (255 octets,
  RFC 2449 §4), bodies are streamed, not built.
- `wire.py`, `parse.py`, `responses.py` do no I/O; `server.py` is the
  only module that touches the connection.

The master (cyrus.conf `cmd="pop3d"`, `pop3d -s` for POP3S) calls
`server.start_pop3(ctx, sock, implicit_tls=..., maxchild=...)`.
"""
