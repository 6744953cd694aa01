"""SCRAM-SHA-1 and SCRAM-SHA-256, server side (RFC 5802 §5 and §7, RFC 7677).

Channel binding is not offered (no -PLUS mechanisms), so a client that asks
for it ("p=") fails and "y" is accepted (RFC 5802 §6). An unknown user gets
a salt that is stable per user name and the site's iteration count, so the
server's first message does not tell who exists; the exchange then fails at
the proof, as for a wrong password.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import os
import re
import secrets as random_tokens
from collections.abc import Callable

from roost.auth.credentials import CredentialSource
from roost.auth.outcomes import (
    Canonicalize,
    Challenge,
    Failure,
    IsAdmin,
    Outcome,
    Success,
    Verify,
    authorize,
    resolve,
)
from roost.auth.saslprep import SaslprepError, saslprep
from roost.auth.scram import SALT_BYTES, ScramSecrets, proof_matches, server_signature

MAX_MESSAGE = 4096
#: Keys the decoy salts of unknown users; fresh per process.
_DECOY_KEY = os.urandom(32)
# RFC 5802 §7: printable = %x21-2B / %x2D-7E (no comma).
_NONCE = re.compile(r"[\x21-\x2b\x2d-\x7e]+")
_SASLNAME_ESCAPE = re.compile(r"=(2C|3D)?")


class ScramFailure(Exception):
    """Ends the exchange; the message names the RFC 5802 §7 server-error."""


def default_nonce() -> str:
    """The server's part of the nonce: 144 random bits, URL-safe base64."""
    return random_tokens.token_urlsafe(18)


def decode_saslname(text: str) -> str:
    """RFC 5802 §5.1: ',' and '=' arrive as '=2C' and '=3D'; any other '='
    MUST fail the authentication."""

    def unescape(match: re.Match[str]) -> str:
        if match.group(1) is None:
            raise ScramFailure("invalid-encoding")
        return "," if match.group(1) == "2C" else "="

    return _SASLNAME_ESCAPE.sub(unescape, text)


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ScramFailure("invalid-encoding") from None


class Scram:
    """One SCRAM exchange: client-first -> server-first -> client-final ->
    server-final (the "v=" signature, returned as Success.final_data)."""

    def __init__(self, hash_name: str, creds: CredentialSource, is_admin: IsAdmin,
                 canonicalize: Canonicalize, nonce: Callable[[], str] = default_nonce):
        self.name = f"SCRAM-{hash_name}"
        self._hash_name = hash_name
        self._creds = creds
        self._is_admin = is_admin
        self._canonicalize = canonicalize
        self._nonce = nonce
        self._state = "first"
        self._prompted = False
        self._gs2_header = ""
        self._authcid = ""
        self._authzid = ""
        self._first_bare = ""
        self._server_first = ""
        self._combined_nonce = ""
        self._secrets: ScramSecrets | None = None

    def step(self, client_data: bytes) -> Challenge | Success | Failure:
        return resolve(self.begin(client_data))

    async def begin(self, client_data: bytes) -> Outcome:
        state, self._state = self._state, "done"
        if state == "first" and not client_data and not self._prompted:
            # RFC 4422 §5 item 2a: client-first, so an empty challenge first.
            self._state, self._prompted = "first", True
            return Challenge(b"")
        if state == "done":
            return Failure("exchange already complete")
        if len(client_data) > MAX_MESSAGE:
            return Failure("SCRAM message too long")
        try:
            text = client_data.decode("utf-8")
            if state == "first":
                challenge = await self._client_first(text)
                self._state = "final"
                return challenge
            return self._client_final(text)
        except UnicodeDecodeError:
            return Failure("invalid-encoding")
        except ScramFailure as err:
            return Failure(str(err))

    async def _client_first(self, text: str) -> Challenge:
        """RFC 5802 §7: gs2-header client-first-message-bare."""
        parts = text.split(",", 2)
        if len(parts) != 3:
            raise ScramFailure("invalid-encoding")
        flag, authzid_field, bare = parts
        if flag.startswith("p="):
            raise ScramFailure("channel-binding-not-supported")
        if flag not in ("n", "y"):
            raise ScramFailure("invalid-encoding")
        if authzid_field and not authzid_field.startswith("a="):
            raise ScramFailure("invalid-encoding")
        self._gs2_header = f"{flag},{authzid_field},"
        attrs = bare.split(",")
        if attrs[0].startswith("m="):
            # RFC 5802 §5.1: a mandatory extension we do not know.
            raise ScramFailure("extensions-not-supported")
        if len(attrs) < 2 or not attrs[0].startswith("n=") or not attrs[1].startswith("r="):
            raise ScramFailure("invalid-encoding")
        client_nonce = attrs[1][2:]
        if not _NONCE.fullmatch(client_nonce):
            raise ScramFailure("invalid-encoding")
        self._authcid = self._identity(decode_saslname(attrs[0][2:]))
        if authzid_field:
            self._authzid = self._identity(decode_saslname(authzid_field[2:]))
        self._first_bare = bare
        self._secrets = await self._creds.scram_secrets(self._authcid, self._hash_name)
        salt, iterations = self._salt_and_iterations()
        self._combined_nonce = client_nonce + self._nonce()
        salt_text = base64.b64encode(salt).decode("ascii")
        self._server_first = f"r={self._combined_nonce},s={salt_text},i={iterations}"
        return Challenge(self._server_first.encode("ascii"))

    def _identity(self, name: str) -> str:
        """RFC 5802 §5.1: SASLprep as a query string; failure or an empty
        result aborts. Then the site's canonical form (virtdomains)."""
        try:
            prepared = saslprep(name, allow_unassigned=True)
            if not prepared:
                raise ScramFailure("invalid-username-encoding")
            return self._canonicalize(prepared)
        except (SaslprepError, ValueError):
            raise ScramFailure("invalid-username-encoding") from None

    def _salt_and_iterations(self) -> tuple[bytes, int]:
        if self._secrets is not None:
            return self._secrets.salt, self._secrets.iterations
        decoy = hmac.new(_DECOY_KEY, self._authcid.encode("utf-8"), hashlib.sha256).digest()
        return decoy[:SALT_BYTES], self._creds.iterations

    def _client_final(self, text: str) -> Outcome:
        """RFC 5802 §7: channel-binding "," nonce ["," extensions] "," proof."""
        without_proof, sep, proof_field = text.rpartition(",")
        attrs = without_proof.split(",")
        if not sep or not proof_field.startswith("p=") or len(attrs) < 2:
            raise ScramFailure("invalid-encoding")
        if not attrs[0].startswith("c=") or not attrs[1].startswith("r="):
            raise ScramFailure("invalid-encoding")
        # Without channel binding, c= carries exactly the gs2 header (§5.1).
        if _b64decode(attrs[0][2:]) != self._gs2_header.encode("utf-8"):
            raise ScramFailure("channel-bindings-dont-match")
        # RFC 5802 §5.1: the nonce MUST be the one the server sent.
        if attrs[1][2:] != self._combined_nonce:
            raise ScramFailure("invalid-proof")
        proof = _b64decode(proof_field[2:])
        auth_message = f"{self._first_bare},{self._server_first},{without_proof}".encode()
        async def check() -> Success | Failure:
            # HMACs over the stored keys: microseconds, fine on the loop.
            return self._check_proof(auth_message, proof)

        return Verify(self._authcid, check)

    def _check_proof(self, auth_message: bytes, proof: bytes) -> Success | Failure:
        if self._secrets is None:
            return Failure(f"unknown-user {self._authcid}")
        if not proof_matches(self._secrets, auth_message, proof):
            return Failure(f"invalid-proof for {self._authcid}")
        outcome = authorize(self._authcid, self._authzid, self._is_admin)
        if isinstance(outcome, Failure):
            return outcome
        verifier = base64.b64encode(server_signature(self._secrets, auth_message))
        return dataclasses.replace(outcome, final_data=b"v=" + verifier)
