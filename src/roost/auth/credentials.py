"""The credential store interface: what SASL mechanisms and the admin tools
need from wherever passwords live.

A record is keyed by the canonical login identity: `user`, or
`user@realm` (see roost.auth.identity.canonical_user).

Two interfaces: `CredentialSource` is what a login needs (check a
password; SCRAM secrets where the source keeps them), and every source
the site chooses with Cyrus's options implements it (roost.auth.sources:
the embedded store, saslauthd, SQL). `CredentialStore` is the embedded
store the admin tools write (saslpasswd2): a source that also keeps records.

What runs where: a login runs on a worker's event loop, and the embedded
store may be across the network (PostgreSQL, with `store_backend:
postgres`), so everything a login asks (`check_password`,
`scram_secrets`) is async: a source awaits its query and hands PBKDF2 to
a thread, and the loop never waits on a round trip. The record keeping
(`set_password` ... `verify_password`) stays synchronous and may block:
its callers are the command-line tools, which have no loop, and a user
RENAME, which runs it in a thread (roost.store.user_rename). Making those
async would buy nothing and turn every tool into an event loop.
"""

from __future__ import annotations

from typing import Protocol

from roost.auth.scram import ScramSecrets


class CredentialError(Exception):
    """A credential operation that cannot be done; the message says why."""


class BadPassword(CredentialError):
    """A password that is empty or that SASLprep prohibits (RFC 4013 §2.3)."""


class BadUserKey(CredentialError):
    """A user key that is empty or contains control characters."""


class NoSuchUser(CredentialError):
    """The operation needs a record that does not exist."""


def record_key(user: str, realm: str | None = None) -> str:
    """The key of `user` in `realm`: `user@realm`, or `user` without a realm."""
    if not user or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in user + (realm or "")):
        raise BadUserKey(f"not a usable user name: {user!r}")
    if realm is not None and not realm:
        raise BadUserKey("empty realm")
    return f"{user}@{realm}" if realm else user


class CredentialSource(Protocol):
    """Where a login's password is checked and SCRAM secrets are found.

    `check_password` is async and never blocks the event loop (a source
    runs its PBKDF2 or its database query in a thread, or talks to its
    socket asynchronously). `has_secrets` is False for a source that can
    only check a plaintext password (saslauthd, SQL): then no SCRAM
    mechanism is offered, since SCRAM needs the stored keys (RFC 5802 §3).
    """

    @property
    def iterations(self) -> int:
        """PBKDF2 iterations used for new secrets (and for the salts
        invented for unknown users, so they look like real ones)."""

    @property
    def has_secrets(self) -> bool:
        """Whether `scram_secrets` can return anything."""

    async def check_password(self, user: str, password: str, service: str) -> bool:
        """Whether `password` is the password of canonical user `user`;
        `service` is the protocol's SASL service name (`imap`, `pop`...)."""

    async def scram_secrets(self, user: str, hash_name: str) -> ScramSecrets | None:
        """The SCRAM secrets of `user` for "SHA-1" or "SHA-256", or None."""


class CredentialStore(CredentialSource, Protocol):
    """The embedded store: a source whose records the admin tools write.

    Invariant: no implementation keeps or returns plaintext passwords.
    The methods below block (see the module docstring): never call them
    on an event loop.
    """

    def set_password(self, user: str, password: str, realm: str | None = None) -> None:
        """Create or replace the record of `user` (in `realm`)."""

    def set_secrets(self, user: str, secrets: list[ScramSecrets]) -> None:
        """Create or replace the record of key `user` with `secrets` as they
        are (SHA-1's, then SHA-256's: a record copied from another store by
        `roost migrate`, its password never known)."""

    def delete(self, user: str, realm: str | None = None) -> None:
        """Remove the record; NoSuchUser if there is none."""

    def exists(self, user: str) -> bool:
        """Whether a record with key `user` exists."""

    def rename(self, old: str, new: str) -> bool:
        """The record of `old` becomes `new`'s (a RENAME of the user), unless
        `new` has one already: then that one stays and `old`'s goes, so no
        password is left for a user who no longer exists. Whether a record
        moved."""

    def list_users(self) -> list[str]:
        """Every record key, sorted (`user` or `user@realm`)."""

    def verify_password(self, user: str, password: str) -> bool:
        """Whether `password` is the password of record key `user` (blocking)."""
