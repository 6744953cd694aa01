"""Listener, TLS and connection plumbing shared by every protocol server.

Invariants: protocol servers get a ready `ssl.SSLContext` from `tls.py`
(never build their own); listeners bind only what cyrus.conf or `roost
serve` names.
"""
