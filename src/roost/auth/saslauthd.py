"""Passwords checked by Cyrus SASL's `saslauthd` over its unix socket
(`sasl_pwcheck_method: saslauthd`, socket `sasl_saslauthd_path`).

The wire protocol (saslauthd/ipc_unix.c, the same as libsasl's
checkpw.c speaks): the client sends four counted strings, login,
password, service, realm, each a 2-octet network-order length and the
octets; saslauthd answers one counted string, "OK ..." or "NO ...", and
closes. saslauthd refuses a string over 256 octets (`MAX_REQ_LEN`), so
longer ones are refused here without asking it.

The exchange is asyncio (never blocking the loop, never holding a
thread while saslauthd waits for PAM or a remote server) and bounded by
TIMEOUT. saslauthd checks a plaintext password only: it has no SCRAM
secrets, so with it only PLAIN and LOGIN are offered.
"""

from __future__ import annotations

import asyncio
import logging
import struct
from dataclasses import dataclass

from roost.auth.scram import ScramSecrets
from roost.net.logtext import clean

log = logging.getLogger(__name__)

#: saslauthd's own bound on each request string (saslauthd.h MAX_REQ_LEN).
MAX_FIELD = 256
#: Seconds one exchange may take, connecting included.
TIMEOUT = 15.0


class SaslauthdError(Exception):
    """saslauthd could not be asked (no socket, refused, timed out, garbled)."""


def _counted(text: str) -> bytes:
    raw = text.encode("utf-8")
    if len(raw) > MAX_FIELD:
        raise ValueError("saslauthd takes at most 256 octets per field")
    return struct.pack("!H", len(raw)) + raw


def request(login: str, password: str, service: str, realm: str) -> bytes:
    """The four counted strings of one question."""
    return b"".join(_counted(field) for field in (login, password, service, realm))


async def ask(path: str, login: str, password: str, service: str, realm: str,
              timeout: float = TIMEOUT) -> str:
    """saslauthd's answer ("OK ..." / "NO ...") to one question.

    Raises ValueError for a field saslauthd would refuse, SaslauthdError
    when the socket does not answer properly.
    """
    question = request(login, password, service, realm)
    try:
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_unix_connection(path)
            try:
                writer.write(question)
                await writer.drain()
                (length,) = struct.unpack("!H", await reader.readexactly(2))
                answer = await reader.readexactly(length)
            finally:
                writer.close()
    except TimeoutError:
        raise SaslauthdError(f"{path}: no answer in {timeout:g} s") from None
    except (OSError, asyncio.IncompleteReadError) as err:
        raise SaslauthdError(f"{path}: {err}") from None
    return answer.decode("utf-8", "replace")


@dataclass(frozen=True)
class SaslauthdSource:
    """CredentialSource asking saslauthd at `path`.

    The canonical user `bob@example.com` goes as login `bob` and realm
    `example.com` (saslauthd -r joins them again); a user without a
    domain goes with an empty realm, as Cyrus imapd sends it.
    """

    path: str
    iterations: int = 4096
    timeout: float = TIMEOUT

    @property
    def has_secrets(self) -> bool:
        return False

    async def scram_secrets(self, user: str, hash_name: str) -> ScramSecrets | None:
        return None

    async def check_password(self, user: str, password: str, service: str) -> bool:
        login, _, realm = user.partition("@")
        try:
            answer = await ask(self.path, login, password, service, realm, self.timeout)
        except ValueError:
            return False
        except SaslauthdError as err:
            # A failed login to the client; the admin learns why here.
            log.error("saslauthd: %s", clean(str(err)))
            return False
        return answer.startswith("OK")
