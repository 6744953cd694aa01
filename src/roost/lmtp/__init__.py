"""LMTP (RFC 2033): how mail from the MTA reaches the store.

Invariants:
- A 250 for a recipient after DATA is sent only once that recipient's copy
  is durable; after DATA there is exactly one reply per accepted
  recipient, in RCPT order (RFC 2033 §4.2), whatever happened.
- Every message goes through `roost.delivery.deliver` (one body for all
  recipients); this package never calls the store's write methods.
- Nothing the client sends raises out of the connection loop: malformed
  input gets a 5xx reply and the next command is read normally. Command
  lines are bounded (`wire.MAX_COMMAND_LINE`), messages by
  `maxmessagesize`, idle time by `lmtp_timeout`.
- `wire.py`, `parse.py`, `responses.py` do no I/O; `server.py` is the only
  module that touches sockets.
- Delivery failures become replies in one table (`errors.py`).

Start it with `LmtpService(conf, store, tls_context).start_tcp(host, port)`,
`.start_unix(path)` or `.start_socket(sock)`; stop it with `.close()`. The
master (cyrus.conf `cmd="lmtpd"`) calls `server.start_lmtp(ctx, sock, ...)`.
"""

from roost.lmtp.server import LmtpService

__all__ = ["LmtpService"]
