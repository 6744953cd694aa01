"""SCRAM secrets and the arithmetic of RFC 5802 §3, shared by the
credential store (which derives secrets) and the SCRAM mechanism (which
checks proofs).

Only StoredKey and ServerKey are kept: they let the server check a client
proof and sign its answer, but are not enough to log in as the user
(RFC 5802 §9).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

#: SCRAM hash names (as in the mechanism names) -> hashlib names.
HASHES: dict[str, str] = {"SHA-1": "sha1", "SHA-256": "sha256"}
SALT_BYTES = 16
MIN_ITERATIONS = 1


@dataclass(frozen=True, slots=True)
class ScramSecrets:
    """What the server keeps for one user and one hash (RFC 5802 §3)."""

    hash_name: str
    salt: bytes
    iterations: int
    stored_key: bytes
    server_key: bytes


def _hmac(hash_name: str, key: bytes, msg: bytes) -> bytes:
    return hmac.new(key, msg, HASHES[hash_name]).digest()


def _digest(hash_name: str, data: bytes) -> bytes:
    return hashlib.new(HASHES[hash_name], data).digest()


def salted_password(hash_name: str, password: str, salt: bytes, iterations: int) -> bytes:
    """Hi(Normalize(password), salt, i), i.e. PBKDF2 (RFC 5802 §2.2).

    `password` must already be SASLprep'd.
    """
    return hashlib.pbkdf2_hmac(HASHES[hash_name], password.encode("utf-8"), salt, iterations)


def derive_secrets(hash_name: str, password: str, salt: bytes, iterations: int) -> ScramSecrets:
    """StoredKey and ServerKey of a prepared password (RFC 5802 §3)."""
    if hash_name not in HASHES:
        raise ValueError(f"unknown SCRAM hash {hash_name!r}")
    if iterations < MIN_ITERATIONS:
        raise ValueError("iteration count must be positive")
    salted = salted_password(hash_name, password, salt, iterations)
    client_key = _hmac(hash_name, salted, b"Client Key")
    return ScramSecrets(
        hash_name=hash_name,
        salt=salt,
        iterations=iterations,
        stored_key=_digest(hash_name, client_key),
        server_key=_hmac(hash_name, salted, b"Server Key"),
    )


def password_matches(secrets: ScramSecrets, password: str) -> bool:
    """Whether a prepared password derives `secrets.stored_key` (constant time)."""
    candidate = derive_secrets(secrets.hash_name, password, secrets.salt, secrets.iterations)
    return hmac.compare_digest(candidate.stored_key, secrets.stored_key)


def proof_matches(secrets: ScramSecrets, auth_message: bytes, client_proof: bytes) -> bool:
    """RFC 5802 §3: ClientKey = ClientProof XOR ClientSignature must hash to
    StoredKey. Compared in constant time."""
    signature = _hmac(secrets.hash_name, secrets.stored_key, auth_message)
    if len(client_proof) != len(signature):
        return False
    client_key = bytes(a ^ b for a, b in zip(client_proof, signature))
    return hmac.compare_digest(_digest(secrets.hash_name, client_key), secrets.stored_key)


def server_signature(secrets: ScramSecrets, auth_message: bytes) -> bytes:
    """ServerSignature := HMAC(ServerKey, AuthMessage) (RFC 5802 §3)."""
    return _hmac(secrets.hash_name, secrets.server_key, auth_message)
