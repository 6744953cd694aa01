"""Load generators and side-by-side comparisons of Roost, Cyrus and Dovecot.

Invariants: every benchmark talks to 127.0.0.1 only, runs for a bounded
time or a bounded number of operations, and uses only the standard library
(plus uvloop when present) so the same client measures every server.
Run the modules with `python -m bench.NAME` from the repository root.
"""
