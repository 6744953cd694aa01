"""What Roost tells its administrator: protocol telemetry, log lines, metrics.

- `session`: one `SessionTelemetry` per client connection (made by
  `roost.net.listener`), reachable from the connection's task; it carries
  the session id, the service name for log lines, and the user's protocol
  log once the user has logged in.
- `protolog` and `mask`: Cyrus's per-user telemetry, a file per session
  under `<configdirectory>/log/<userid>/` when that directory exists,
  every line both ways (`<time<` client, `>time>` server), secrets masked.
- `events`: THE log lines an admin greps for, in Cyrus's words (`login:`,
  `badlogin:`, `Delivered:`, `Expunged`, `auditlog: append`); the
  protocols and the login flow call it, and it counts the matching metrics.
- `logsetup`: syslog (`syslog_facility`, `syslog_prefix`) or stderr.
- `metrics`: the Prometheus metrics of a worker; `roost.master.exporter`
  serves them.

Invariants:
- The event loop never waits on a telemetry file: lines are buffered and
  written by one writer thread per process, flushed at FLUSH_BYTES and at
  the session's end.
- No password, AUTHENTICATE response or SASL initial response reaches a
  telemetry file (`mask`).
- prometheus_client is imported only inside `metrics`, lazily, so the
  master can choose multiprocess mode before any metric exists.
- Client text in log lines goes through `roost.net.logtext.clean`.
"""
