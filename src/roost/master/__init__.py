"""The service supervisor driven by cyrus.conf (Cyrus's `master`).

Invariants: the parent binds every listening socket and never opens the
store (so forking is safe); each worker process runs one event loop that
serves every service on the inherited sockets; START and EVENTS jobs are
separate programs whose pids are kept apart from the workers', so a job's
end is logged and never replaced by a worker; SIGTERM is handled from the
first step of start-up, drains the workers (roost.master.shutdown) and
exits 0, with SIGKILL only for a child still running after the grace
period; a worker that stops sending heartbeats is killed and replaced.
"""
