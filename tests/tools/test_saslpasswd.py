"""`roost saslpasswd` / `roost sasldblistusers` (and their *2 aliases)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from roost.auth import SqliteCredentialStore
from roost.cli import main as roost


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    path = tmp_path / "imapd.conf"
    path.write_text(f"configdirectory: {tmp_path}\nsasl_scram_iterations: 4\n"
                    "virtdomains: userid\ndefaultdomain: example.com\n")
    return path


def feed_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def store(conf: Path) -> SqliteCredentialStore:
    return SqliteCredentialStore(conf.parent / "passwd.db")


def test_create_from_stdin_strips_the_newline(conf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    feed_stdin(monkeypatch, b"s3cret \n")
    assert roost(["saslpasswd", "-C", str(conf), "-c", "-p", "bob"]) == 0
    assert store(conf).verify_password("bob", "s3cret ")
    assert not store(conf).verify_password("bob", "s3cret \n")


def test_crlf_line_end_is_not_part_of_the_password(conf: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    feed_stdin(monkeypatch, b"pw\r\nignored\n")
    assert roost(["saslpasswd", "-C", str(conf), "-c", "-p", "bob"]) == 0
    assert store(conf).verify_password("bob", "pw")


def test_prompts_twice(conf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(["pw1", "pw1"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert roost(["saslpasswd2", "-C", str(conf), "-c", "bob"]) == 0
    assert store(conf).verify_password("bob", "pw1")


def test_prompts_must_match(conf: Path, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter(["pw1", "pw2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert roost(["saslpasswd", "-C", str(conf), "-c", "bob"]) == 1
    assert "don't match" in capsys.readouterr().err
    assert not store(conf).exists("bob")


def test_change_needs_existing_user_without_c(conf: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    feed_stdin(monkeypatch, b"pw\n")
    assert roost(["saslpasswd", "-C", str(conf), "-p", "bob"]) == 1
    assert "use -c" in capsys.readouterr().err
    store(conf).set_password("bob", "old")
    feed_stdin(monkeypatch, b"new\n")
    assert roost(["saslpasswd", "-C", str(conf), "-p", "bob"]) == 0
    assert store(conf).verify_password("bob", "new")


def test_realm_and_listing(conf: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["-u", "Other.ORG", "bob"], ["alice@other.org"], ["carol@example.com"]):
        feed_stdin(monkeypatch, b"pw\n")
        assert roost(["saslpasswd", "-C", str(conf), "-c", "-p", *args]) == 0
    capsys.readouterr()
    assert roost(["sasldblistusers2", "-C", str(conf)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "alice@other.org: userPassword", "bob@other.org: userPassword", "carol: userPassword"]


def test_delete(conf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store(conf).set_password("bob", "pw")
    assert roost(["saslpasswd", "-C", str(conf), "-d", "bob@example.com"]) == 0
    assert not store(conf).exists("bob")
    assert roost(["saslpasswd", "-C", str(conf), "-d", "bob"]) == 1
    assert "no such user" in capsys.readouterr().err


def test_file_flag(conf: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    other = conf.parent / "other.db"
    feed_stdin(monkeypatch, b"pw\n")
    assert roost(["saslpasswd", "-C", str(conf), "-f", str(other), "-c", "-p", "bob"]) == 0
    assert roost(["sasldblistusers", "-C", str(conf), "-f", str(other)]) == 0
    assert capsys.readouterr().out == "bob: userPassword\n"
    assert not (conf.parent / "passwd.db").exists()


@pytest.mark.parametrize(("stdin", "user"), [
    (b"\n", "bob"),                 # empty password
    (b"a\x07b\n", "bob"),           # SASLprep prohibits controls
    (b"\xff\n", "bob"),             # not UTF-8
    (b"pw\n", "b/ob"),              # not a user name
    (b"pw\n", "bob@bad..domain"),   # not a domain
])
def test_bad_input(conf: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str], stdin: bytes, user: str) -> None:
    feed_stdin(monkeypatch, stdin)
    assert roost(["saslpasswd", "-C", str(conf), "-c", "-p", user]) == 1
    assert capsys.readouterr().err.startswith("roost saslpasswd: ")
    assert store(conf).list_users() == []


def test_c_and_d_conflict(conf: Path) -> None:
    with pytest.raises(SystemExit):
        roost(["saslpasswd", "-C", str(conf), "-c", "-d", "bob"])


def test_missing_configdirectory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "imapd.conf"
    conf.write_text(f"configdirectory: {tmp_path / 'absent'}\n")
    assert roost(["sasldblistusers", "-C", str(conf)]) == 1
    assert "cannot open" in capsys.readouterr().err
    assert roost(["sasldblistusers", "-C", str(tmp_path / "nope.conf")]) == 1
