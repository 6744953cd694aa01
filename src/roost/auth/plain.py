"""PLAIN (RFC 4616) and LOGIN (draft-murchison-sasl-login): the password
travels in the clear, so `mechanisms_offered` hides both on unencrypted
connections unless allowplaintext says otherwise.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

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
from roost.auth.saslprep import saslprep

#: RFC 4616 §2 asks servers to accept 255 octets per field; we allow more
#: but bound the whole message so a client cannot make us hash megabytes.
MAX_MESSAGE = 2048


def _text(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def password_check(creds: CredentialSource, is_admin: IsAdmin, canonicalize: Canonicalize,
                   authcid: str, password: str, authzid: str = "",
                   service: str = "imap") -> Verify | Failure:
    """The check of a user name and password, however they came (PLAIN,
    LOGIN, IMAP LOGIN, POP3 USER/PASS): one canonicalisation for all;
    `service` is what saslauthd is told (Cyrus: `imap`, `pop`, `sieve`)."""
    if not authcid or not password:
        return Failure("empty authentication identity or password")
    try:
        # RFC 4616 §2: authcid is compared after SASLprep, as SCRAM's is.
        user = canonicalize(saslprep(authcid, allow_unassigned=True))
        target = canonicalize(authzid) if authzid else ""
    except ValueError as err:  # SaslprepError and BadUsername are ValueErrors
        return Failure(f"bad identity: {err}")

    async def check() -> Success | Failure:
        if not await creds.check_password(user, password, service):
            return Failure(f"wrong password for {user}")
        return authorize(user, target, is_admin)

    return Verify(user, check)


class _PasswordMechanism(ABC):
    """What PLAIN and LOGIN share: canonicalize, check the password, authorize."""

    name = ""

    def __init__(self, creds: CredentialSource, is_admin: IsAdmin, canonicalize: Canonicalize,
                 service: str = "imap"):
        self._creds = creds
        self._is_admin = is_admin
        self._canonicalize = canonicalize
        self._service = service
        self._done = False

    def _finish(self, authzid: str, authcid: str, password: str) -> Outcome:
        self._done = True
        return password_check(self._creds, self._is_admin, self._canonicalize,
                              authcid, password, authzid, self._service)

    @abstractmethod
    async def begin(self, client_data: bytes) -> Outcome:
        """The mechanism's own message format (Plain, Login)."""

    def step(self, client_data: bytes) -> Challenge | Success | Failure:
        return resolve(self.begin(client_data))


class Plain(_PasswordMechanism):
    """RFC 4616 §2: message = [authzid] NUL authcid NUL passwd."""

    name = "PLAIN"

    def __init__(self, creds: CredentialSource, is_admin: IsAdmin, canonicalize: Canonicalize,
                 service: str = "imap"):
        super().__init__(creds, is_admin, canonicalize, service)
        self._prompted = False

    async def begin(self, client_data: bytes) -> Outcome:
        if self._done:
            return Failure("exchange already complete")
        if not client_data and not self._prompted:
            # RFC 4422 §5 item 2a: no initial response, so an empty challenge.
            self._prompted = True
            return Challenge(b"")
        self._done = True
        if len(client_data) > MAX_MESSAGE:
            return Failure("PLAIN message too long")
        fields = client_data.split(b"\0")
        if len(fields) != 3:
            return Failure("PLAIN message needs exactly two NUL separators")
        texts = [_text(field) for field in fields]
        authzid, authcid, password = texts
        if authzid is None or authcid is None or password is None:
            return Failure("PLAIN message is not UTF-8")
        return self._finish(authzid, authcid, password)


class Login(_PasswordMechanism):
    """The LOGIN mechanism: the server prompts "Username:" then "Password:".

    A client may send the user name as initial response (the draft allows
    it); then only the password prompt follows. LOGIN has no authzid.
    """

    name = "LOGIN"

    def __init__(self, creds: CredentialSource, is_admin: IsAdmin, canonicalize: Canonicalize,
                 service: str = "imap"):
        super().__init__(creds, is_admin, canonicalize, service)
        self._started = False
        self._username: str | None = None

    async def begin(self, client_data: bytes) -> Outcome:
        if self._done:
            return Failure("exchange already complete")
        if len(client_data) > MAX_MESSAGE:
            self._done = True
            return Failure("LOGIN response too long")
        if not self._started:
            self._started = True
            if not client_data:
                return Challenge(b"Username:")
        if self._username is None:
            username = _text(client_data)
            if username is None:
                self._done = True
                return Failure("LOGIN user name is not UTF-8")
            self._username = username
            return Challenge(b"Password:")
        password = _text(client_data)
        if password is None:
            self._done = True
            return Failure("LOGIN password is not UTF-8")
        return self._finish("", self._username, password)
