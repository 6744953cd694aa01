"""A SCRAM client for tests (RFC 5802 §3 and §7), written from the RFC
independently of roost.auth.scram so the two check each other.

`imaplib_authobject()` plugs into `imaplib.IMAP4.authenticate`, which calls
it with each decoded server challenge and sends back what it returns.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable

from roost.auth.saslprep import saslprep


class ScramClient:
    """One client side of a SCRAM-SHA-1 or SCRAM-SHA-256 exchange."""

    def __init__(self, hash_name: str, username: str, password: str, *,
                 authzid: str = "", nonce: str | None = None, gs2_flag: str = "n") -> None:
        self.digest = {"SHA-1": "sha1", "SHA-256": "sha256"}[hash_name]
        self.username = username
        self.password = saslprep(password, allow_unassigned=True)
        self.nonce = nonce or secrets.token_urlsafe(18)
        authzid_field = f"a={_saslname(authzid)}" if authzid else ""
        self.gs2_header = f"{gs2_flag},{authzid_field},"
        self.first_bare = f"n={_saslname(username)},r={self.nonce}"
        self.server_signature = b""

    def first(self) -> bytes:
        """client-first-message."""
        return (self.gs2_header + self.first_bare).encode()

    def final(self, server_first: bytes) -> bytes:
        """client-final-message answering server-first-message."""
        text = server_first.decode()
        attrs = dict(item.split("=", 1) for item in text.split(","))
        if not attrs["r"].startswith(self.nonce):
            raise ValueError("server nonce does not extend ours")
        salted = hashlib.pbkdf2_hmac(self.digest, self.password.encode(),
                                     base64.b64decode(attrs["s"]), int(attrs["i"]))
        client_key = self._hmac(salted, b"Client Key")
        stored_key = hashlib.new(self.digest, client_key).digest()
        channel = base64.b64encode(self.gs2_header.encode()).decode()
        without_proof = f"c={channel},r={attrs['r']}"
        auth_message = f"{self.first_bare},{text},{without_proof}".encode()
        signature = self._hmac(stored_key, auth_message)
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_key = self._hmac(salted, b"Server Key")
        self.server_signature = self._hmac(server_key, auth_message)
        return f"{without_proof},p={base64.b64encode(proof).decode()}".encode()

    def verify(self, server_final: bytes) -> bool:
        """Whether server-final-message carries the expected signature."""
        expected = b"v=" + base64.b64encode(self.server_signature)
        return hmac.compare_digest(server_final, expected)

    def imaplib_authobject(self) -> Callable[[bytes], bytes]:
        """The callable `imaplib.IMAP4.authenticate` wants."""
        replies = iter((lambda _: self.first(), self.final, self._check_final))

        def answer(challenge: bytes) -> bytes:
            return next(replies)(challenge)

        return answer

    def _check_final(self, server_final: bytes) -> bytes:
        if not self.verify(server_final):
            raise ValueError("server signature does not verify")
        return b""

    def _hmac(self, key: bytes, msg: bytes) -> bytes:
        return hmac.new(key, msg, self.digest).digest()


def _saslname(name: str) -> str:
    """RFC 5802 §5.1: ',' and '=' are sent as '=2C' and '=3D'."""
    return name.replace("=", "=3D").replace(",", "=2C")
