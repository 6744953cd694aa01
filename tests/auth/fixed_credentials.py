"""An in-memory CredentialStore with chosen salts, for known-answer tests
(the RFC examples fix the salt) and for mechanism tests that should not
pay for SQLite."""

from __future__ import annotations

import os

from roost.auth.credentials import NoSuchUser, record_key
from roost.auth.saslprep import SaslprepError, saslprep
from roost.auth.scram import ScramSecrets, derive_secrets, password_matches


class FixedCredentials:
    """CredentialStore keeping secrets in a dict; `salts` pins salts per hash."""

    def __init__(self, iterations: int = 4096, salts: dict[str, bytes] | None = None) -> None:
        self._iterations = iterations
        self._salts = salts or {}
        self._records: dict[str, dict[str, ScramSecrets]] = {}

    @property
    def iterations(self) -> int:
        return self._iterations

    @property
    def has_secrets(self) -> bool:
        return True

    async def check_password(self, user: str, password: str, service: str) -> bool:
        return self.verify_password(user, password)

    def set_password(self, user: str, password: str, realm: str | None = None) -> None:
        prepared = saslprep(password)
        self._records[record_key(user, realm)] = {
            name: derive_secrets(name, prepared, self._salts.get(name, os.urandom(16)),
                                 self._iterations)
            for name in ("SHA-1", "SHA-256")
        }

    def delete(self, user: str, realm: str | None = None) -> None:
        if self._records.pop(record_key(user, realm), None) is None:
            raise NoSuchUser(user)

    def exists(self, user: str) -> bool:
        return user in self._records

    def rename(self, old: str, new: str) -> bool:
        record = self._records.pop(old, None)
        if record is None or new in self._records:
            return False
        self._records[new] = record
        return True

    def list_users(self) -> list[str]:
        return sorted(self._records)

    def verify_password(self, user: str, password: str) -> bool:
        secrets = self._records.get(user, {}).get("SHA-256")
        try:
            prepared = saslprep(password, allow_unassigned=True)
        except SaslprepError:
            return False
        return secrets is not None and password_matches(secrets, prepared)

    async def scram_secrets(self, user: str, hash_name: str) -> ScramSecrets | None:
        return self._records.get(user, {}).get(hash_name)
