"""Listener, TLS and connection plumbing shared by every protocol server.

A protocol (IMAP and LMTP now; POP3, ManageSieve and NNTP later) is a
sans-IO framer plus handlers, wrapped as a `loop.LineProtocol`; everything
about sockets lives here:

- `listener.LineServer`: accepting (TCP, unix, implicit TLS), counting
  connections across workers (`maxchild`), stopping with goodbyes;
- `connection.Connection`: reads bounded by three clocks (idle, one
  command, time to log in), STARTTLS;
- `output.Output`: the one ordered write path, with back-pressure and a
  write timeout;
- `loop.serve`: the loop itself, and the one log line a connection ends with;
- `shared_state`: the session registry workers (and, on PostgreSQL, nodes) share (sessions, failed logins, maildrop locks; `open_state` opens it);
- `logtext.clean`: client text made safe for log lines; `tls`: SSL contexts.

Invariants:
- Every byte to a client goes through its `Output`, in the order the
  protocol produced it (continuation requests included); nothing else
  writes to a socket.
- The loop flushes before every read, so pipelined commands get their
  replies in order and in as few writes as possible.
- No read waits without a deadline, and no write waits longer than
  `write_timeout` without progress; a client that stops reading is cut
  off and its buffers freed.
- A connection ends with exactly one log line; a client going away is
  `info`, never a traceback.
- Every byte both ways, as the protocol sees it (after TLS), reaches the
  connection's `roost.telemetry` session (`Connection.attach_telemetry`):
  the per-user protocol log starts there at login.
- Protocol servers get a ready `ssl.SSLContext` from `tls.py` (never build
  their own); listeners bind only what cyrus.conf or `roost serve` names.
"""
