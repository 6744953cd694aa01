"""THE login flow of every protocol: SASL exchanges (with SASL-IR) and
plain user/password logins (IMAP LOGIN, later POP3 USER/PASS), ending in
one `Identity`.

The protocol gives the flow its transport-free pieces (who the client is,
how to send a challenge and read the answer) and maps `LoginFailed` to its
own reply; the flow does, once for all protocols:

- canonicalisation of the login name (`identity.canonical_user`, after
  SASLprep; with `virtdomains: on` a name without a domain takes the one
  of the server address the client reached, `server_names`);
- the throttle (`throttle.LoginThrottle`): a wait before the credential is
  checked, failures counted across connections and workers, the pause
  after a failure;
- the credential check off the event loop (PBKDF2 costs milliseconds):
  mechanisms hand it back as `Verify` and it runs in a thread;
- `maxlogins_per_host` / `maxlogins_per_user`: logged-in sessions of the
  same service, counted as Cyrus counts them, refused with its words;
- the INBOX of a user logging in for the first time, when the site's
  `autocreate_*` options ask for it (roost.auth.autocreate);
- one log line per attempt in Cyrus's words (roost.telemetry.events: `login:`,
  `badlogin:`), which also starts the user's telemetry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from roost.auth.autocreate import autocreate_user
from roost.auth.credentials import CredentialSource, CredentialStore
from roost.auth.identity import Identity, canonical_user, identity_for
from roost.auth.outcomes import Challenge, Failure, Outcome, Success, Verify
from roost.auth.plain import password_check
from roost.auth.sasl import UnknownMechanism, mechanisms_offered, start
from roost.auth.server_names import AddressNames
from roost.auth.sources import open_credential_source
from roost.auth.throttle import LoginThrottle, throttle_keys
from roost.config import Config
from roost.net.logtext import clean
from roost.net.shared_state import SharedState
from roost.store.api import Store
from roost.telemetry import events

log = logging.getLogger(__name__)

#: Sends a challenge (raw bytes) and returns the client's decoded answer.
Exchange = Callable[[bytes], Awaitable[bytes]]


class LoginFailed(Exception):
    """The login did not succeed. `kind` picks the protocol's reply:

    - "failed": wrong credentials (IMAP `NO [AUTHENTICATIONFAILED]`);
    - "mechanism": the mechanism is not offered (IMAP `NO [CANNOT]`);
    - "throttled": too many recent failures, not checked (`NO [UNAVAILABLE]`);
    - "too-many": maxlogins_per_host/user (Cyrus: `NO Too many open connections`).
    """

    def __init__(self, kind: str, text: str) -> None:
        super().__init__(text)
        self.kind = kind
        self.text = text


@dataclass(frozen=True, slots=True)
class Client:
    """Who is logging in, as the protocol knows it."""

    service: str
    address: str | None  # None on a unix socket
    peer: str  # for log lines
    tls_active: bool
    session_key: int | None  # its `sessions` row, when connections are counted
    server_address: str | None = None  # the local address it connected to (virtdomains: on)


class LoginFlow:
    """Logins of one worker: its configuration, credentials and shared state.

    `creds` is the embedded store (the sasldb); the passwords are checked
    in the sources the site's sasl_pwcheck_method / sasl_auxprop_plugin
    name (roost.auth.sources), which include it by default. `store` is
    the mail store, where a first login's INBOX is autocreated.
    `server_names` names the server's addresses (the context's resolver).
    """

    def __init__(self, conf: Config, creds: CredentialStore, shared: SharedState,
                 store: Store | None = None, server_names: AddressNames | None = None) -> None:
        self.conf = conf
        self.creds: CredentialSource = open_credential_source(conf, creds)
        self.shared = shared
        self.store = store
        self.server_names = server_names or AddressNames(conf)
        self.throttle = LoginThrottle(shared, float(conf.failedloginpause))

    async def _canonicalizer(self, client: Client) -> Callable[[str], str]:
        """Login name -> record key for this client: with `virtdomains: on`
        the server address's domain is looked up once, before the exchange
        (Cyrus's canonify_userid asks getnameinfo at each name)."""
        domain = None
        if self.conf.virtdomains == "on":
            domain = await self.server_names.domain_of(client.server_address)
        return lambda name: canonical_user(name, self.conf, domain)

    async def password(self, client: Client, username: str, password: str) -> Identity:
        """A plain user name and password (IMAP LOGIN, RFC 9051 §6.2.3)."""
        canonical = await self._canonicalizer(client)
        outcome = password_check(self.creds, self.conf.is_admin, canonical,
                                 username, password, service=client.service)
        success = await self._conclude(client, outcome, "plaintext")
        return await self._identity(success.authzid)

    async def sasl(self, client: Client, mechanism: str, initial: bytes | None,
                   exchange: Exchange,
                   success_data: Callable[[bytes], None] | None = None, *,
                   login_name: Callable[[str], str] | None = None) -> Identity:
        """One SASL exchange (RFC 4422 §3); `initial` is the SASL-IR response
        (RFC 4959), None when the command had none. `success_data` takes
        the additional data of a success where the protocol puts it on its
        success reply (NNTP 283, RFC 4643 §2.4.1); without it the data goes
        as a last challenge. `login_name` rewrites each name the client
        gives before it is canonicalised (POP3's `user+folder` with
        popsubfolders, as Cyrus's popd_canon_user)."""
        if mechanism.upper() not in mechanisms_offered(self.conf, client.tls_active):
            raise LoginFailed("mechanism", f"Mechanism {clean(mechanism)} not available")
        canonical = await self._canonicalizer(client)
        try:
            mech = start(mechanism, self.creds, is_admin=self.conf.is_admin,
                         canonicalize=canonical if login_name is None
                         else lambda name: canonical(login_name(name)),
                         service=client.service)
        except UnknownMechanism:
            raise LoginFailed("mechanism", f"Mechanism {clean(mechanism)} not available") from None
        data = await exchange(b"") if initial is None else initial
        while True:
            outcome = await mech.begin(data)
            if not isinstance(outcome, Challenge):
                break
            data = await exchange(outcome.data)
        success = await self._conclude(client, outcome, mech.name)
        if success.final_data is not None and success_data is not None:
            success_data(success.final_data)
        elif success.final_data is not None:
            # RFC 4422 §3.6 additional data with success, sent as a last
            # challenge: every client takes that (IMAP could also put it on
            # the tagged OK, but only with SASL-IR, RFC 9051 §6.2.2).
            await exchange(success.final_data)
        return await self._identity(success.authzid)

    async def end_sessions_of(self, user: str) -> int:
        """End every logged-in session of `user`, in every worker and
        service, as Cyrus's proc_killuser does when a user is renamed: each
        says its goodbye (IMAP `* BYE`) at its next command. How many."""
        ended = await asyncio.to_thread(self.shared.end_sessions_of, user)
        if ended:
            log.info("ended %d session(s) of %s", ended, clean(user))
        return ended

    async def _identity(self, user: str) -> Identity:
        """The session's identity; its INBOX made first if autocreate says so."""
        identity = identity_for(user, self.conf)
        if self.store is not None:
            await autocreate_user(self.store, self.conf, identity)
        return identity

    async def _conclude(self, client: Client, outcome: Outcome, how: str) -> Success:
        """Throttle, check off the loop, count, log: the Success, or LoginFailed."""
        counted = False
        user = outcome.user if isinstance(outcome, Verify) else None
        if isinstance(outcome, Verify):
            result = await self.throttle.attempt(client.address, outcome.user, outcome.check)
            if result is None:
                # Debug only: the failures that started the throttle were
                # logged, and an attacker makes thousands of these a second.
                log.debug("badlogin: %s %s %s throttled", client.peer, how,
                          clean(outcome.user))
                raise LoginFailed("throttled", "Too many failed logins; try again later")
            outcome, counted = result, True
        if not isinstance(outcome, Success):
            reason = outcome.reason if isinstance(outcome, Failure) else "unexpected challenge"
            events.badlogin(client.service, client.address, how, user, reason)
            if not counted:  # no identity to check (a malformed exchange): the address
                await self.throttle.count_failure(throttle_keys(client.address, None))
            await self.throttle.pause_after_failure()
            raise LoginFailed("failed", "Authentication failed")
        await self.throttle.succeeded(outcome.authcid)
        if client.session_key is not None:
            await self._check_limits(client, outcome.authzid)
        await events.login(self.conf.configdirectory, client.service, client.address,
                           outcome.authzid, how, client.tls_active)
        return outcome

    async def _check_limits(self, client: Client, user: str) -> None:
        """Cyrus `maxlogins_per_host` / `maxlogins_per_user` (0: no limit)."""
        assert client.session_key is not None
        max_host, max_user = self.conf.maxlogins_per_host, self.conf.maxlogins_per_user
        refused = await asyncio.to_thread(self.shared.log_in, client.session_key, user,
                                          max_host, max_user)
        if refused is None:
            return
        parts = []
        if max_host:
            parts.append(f"{refused.host} of {max_host} from {client.address or 'local'}")
        if max_user:
            parts.append(f"{refused.user} of {max_user} for {user}")
        log.info("login refused: %s %s: too many sessions", client.peer, clean(user))
        raise LoginFailed("too-many", f"Too many open connections ({', '.join(parts)})")
