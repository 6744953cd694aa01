"""The service supervisor driven by cyrus.conf (Cyrus's `master`).

Invariants: the parent binds every listening socket and never opens the
store (so forking is safe); each worker process runs one event loop that
serves every service on the inherited sockets; SIGTERM to the parent stops
the workers and exits 0.
"""
