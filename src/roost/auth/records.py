"""What one sasldb record holds, whichever database keeps it (SQLite's
passwd.db, or PostgreSQL's `credentials` table): the SCRAM-SHA-1 and
SCRAM-SHA-256 secrets of a password, each with its own random salt, and
the check of an offered password against them."""

from __future__ import annotations

import os

from roost.auth.credentials import BadPassword, CredentialError
from roost.auth.saslprep import SaslprepError, saslprep
from roost.auth.scram import HASHES, SALT_BYTES, ScramSecrets, derive_secrets, password_matches

#: The column prefix of each hash's four columns (`sha1_salt`...).
COLUMNS = {"SHA-1": "sha1", "SHA-256": "sha256"}


class KeepsSecrets:
    """What every sasldb shares: it keeps SCRAM secrets, made with the
    site's `sasl_scram_iterations`."""

    def __init__(self, iterations: int) -> None:
        if iterations < 1:
            raise CredentialError("sasl_scram_iterations must be positive")
        self._iterations = iterations

    @property
    def iterations(self) -> int:
        return self._iterations

    @property
    def has_secrets(self) -> bool:
        return True


def column_of(hash_name: str) -> str:
    """The column prefix of `hash_name`; ValueError for a hash SCRAM lacks."""
    if hash_name not in HASHES:
        raise ValueError(f"unknown SCRAM hash {hash_name!r}")
    return COLUMNS[hash_name]


def record_values(password: str, iterations: int) -> list[object]:
    """The eight secret columns of a new record, in COLUMNS order (salt,
    iterations, StoredKey, ServerKey each); BadPassword."""
    try:
        prepared = saslprep(password)
    except SaslprepError as err:
        raise BadPassword(f"password not allowed: {err}") from None
    if not prepared:
        # RFC 4013 §2.1 maps soft hyphens and the like to nothing: a
        # password of only those is empty, which verify refuses.
        raise BadPassword("empty password")
    return secret_values([derive_secrets(hash_name, prepared, os.urandom(SALT_BYTES), iterations)
                          for hash_name in COLUMNS])


def secret_values(secrets: list[ScramSecrets]) -> list[object]:
    """The eight secret columns of a record holding `secrets` (one per
    hash of COLUMNS, in its order): what `set_secrets` copies as it is."""
    if [one.hash_name for one in secrets] != list(COLUMNS):
        raise ValueError(f"a record holds the secrets of {', '.join(COLUMNS)}, in that order")
    values: list[object] = []
    for one in secrets:
        values += [one.salt, one.iterations, one.stored_key, one.server_key]
    return values


def matches(secrets: ScramSecrets | None, password: str, iterations: int) -> bool:
    """Whether `password` derives the SHA-256 `secrets` (blocking: PBKDF2).

    The password is prepared as a query string (RFC 4013 §2.5 via
    RFC 3454 §7): an unassigned code point cannot match but is no error.
    No record costs the same work, so timing does not tell who exists.
    """
    try:
        prepared = saslprep(password, allow_unassigned=True)
    except SaslprepError:
        return False
    if secrets is None:
        password_matches(_decoy(iterations), prepared)
        return False
    return bool(prepared) and password_matches(secrets, prepared)


def _decoy(iterations: int) -> ScramSecrets:
    return ScramSecrets("SHA-256", bytes(SALT_BYTES), iterations, bytes(32), bytes(32))
