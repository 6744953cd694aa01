"""The login flow itself: the credential check runs off the event loop,
both login forms end in one Identity."""

from __future__ import annotations

import base64
import threading
from pathlib import Path

import pytest

from roost.auth.login import Client, LoginFailed, LoginFlow
from roost.auth.sqlite_credentials import SqliteCredentialStore
from roost.config import parse_config
from roost.store.sqlite.shared_state import SqliteSharedState


class RecordingStore(SqliteCredentialStore):
    """The real credential store, noting which thread checks passwords."""

    threads: list[int]

    def verify_password(self, user: str, password: str) -> bool:
        self.threads.append(threading.get_ident())
        return super().verify_password(user, password)


@pytest.fixture
def flow(tmp_path: Path) -> tuple[LoginFlow, RecordingStore]:
    conf = parse_config(f"configdirectory: {tmp_path}\nfailedloginpause: 0\n"
                        "allowplaintext: yes\nadmins: admin\n")
    creds = RecordingStore(tmp_path / "passwd.db", iterations=64)
    creds.threads = []
    creds.set_password("bob", "secret")
    return LoginFlow(conf, creds, SqliteSharedState.in_directory(str(tmp_path))), creds


CLIENT = Client("imap", "192.0.2.7", "[192.0.2.7]:4000", False, None)


async def test_password_is_checked_off_the_event_loop(
        flow: tuple[LoginFlow, RecordingStore]) -> None:
    logins, creds = flow
    identity = await logins.password(CLIENT, "bob", "secret")
    assert (identity.user, identity.is_admin) == ("bob", False)
    assert creds.threads and threading.get_ident() not in creds.threads


async def test_sasl_plain_gives_the_same_identity(flow: tuple[LoginFlow, RecordingStore]) -> None:
    logins, creds = flow

    async def no_challenges(challenge: bytes) -> bytes:
        raise AssertionError("PLAIN with an initial response needs no challenge")

    identity = await logins.sasl(CLIENT, "PLAIN", b"\0bob\0secret", no_challenges)
    assert identity == await logins.password(CLIENT, "bob", "secret")
    assert threading.get_ident() not in creds.threads
    with pytest.raises(LoginFailed) as failed:
        await logins.sasl(CLIENT, "PLAIN", base64.b64decode("AGJvYgB3cm9uZw=="), no_challenges)
    assert failed.value.kind == "failed"
