"""Identities, the credential store and server-side SASL mechanisms.

Invariants:
- No plaintext password is stored or returned: a record holds SCRAM
  secrets (salt, iterations, StoredKey, ServerKey) for SHA-1 and SHA-256;
  PLAIN and LOGIN derive from the stored salt and compare in constant time.
- Passwords are SASLprep'd (RFC 4013) before they are hashed; stored ones
  as stored strings, offered ones as query strings.
- Mechanisms are sans-IO: raw bytes in, Challenge / Verify / Success /
  Failure out; a credential is checked only through `Verify.check`, which
  the login flow runs in a thread after the throttle let it through.
- Every protocol logs in through `login.LoginFlow` (SASL or user and
  password): one canonicalisation, one throttle (`throttle.py`, failures
  per address and per account across workers), one Identity at the end;
  base64 and the wire belong to the protocol layer.
- A login name reaches the store only in canonical form (`user` or
  `user@domain`, see identity.canonical_user).
- Acting as another identity (authzid) is for administrators only.
- Rights are decided in one place, `rights.Access`, from the mailbox's
  stored ACL (`acl`: RFC 4314 letters, `c`/`d` expanded on the way in and
  shown on the way out) and the identity's groups (`groups`).
"""

from roost.auth.credentials import (
    BadPassword,
    BadUserKey,
    CredentialError,
    CredentialStore,
    NoSuchUser,
    record_key,
)
from roost.auth.identity import BadUsername, canonical_user, split_user, validate_user
from roost.auth.open_credentials import open_credential_store
from roost.auth.outcomes import Challenge, Failure, Mechanism, Outcome, Success
from roost.auth.sasl import UnknownMechanism, mechanisms_offered, start
from roost.auth.scram import ScramSecrets
from roost.auth.sqlite_credentials import SqliteCredentialStore

__all__ = [
    "BadPassword",
    "BadUserKey",
    "BadUsername",
    "Challenge",
    "CredentialError",
    "CredentialStore",
    "Failure",
    "Mechanism",
    "NoSuchUser",
    "Outcome",
    "ScramSecrets",
    "SqliteCredentialStore",
    "Success",
    "UnknownMechanism",
    "canonical_user",
    "mechanisms_offered",
    "open_credential_store",
    "record_key",
    "split_user",
    "start",
    "validate_user",
]
