"""roost sievec and roost sieve-test."""

from __future__ import annotations

from pathlib import Path

import pytest

from roost.cli import main
from roost.sieve import SieveOptions, load_compiled


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_sievec_compiles_and_writes_output(tmp_path: Path) -> None:
    script = write(tmp_path, "ok.sieve", 'require "fileinto"; fileinto "x";\n')
    out = tmp_path / "ok.bc"
    assert main(["sievec", script, str(out)]) == 0
    load_compiled(out.read_bytes(), Path(script).read_bytes(), SieveOptions())


def test_sievec_reports_every_error_with_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = write(tmp_path, "bad.sieve", 'fileinto "x";\nif header :is "a" { keep; }\n')
    assert main(["sievec", script]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].endswith(":1:1: 'fileinto' needs require \"fileinto\"")
    assert ":2:4: 'header' takes 2 positional argument(s), got 1" in err[1]


def test_sievec_reads_sieve_extensions_from_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = write(tmp_path, "imapd.conf", "sieve_extensions: fileinto\n")
    script = write(tmp_path, "v.sieve", 'require "vacation";\n')
    assert main(["sievec", "-C", conf, script]) == 1
    assert "not enabled" in capsys.readouterr().err


def test_sievec_missing_file(tmp_path: Path) -> None:
    assert main(["sievec", str(tmp_path / "nope.sieve")]) == 2


def test_sieve_test_prints_actions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = write(tmp_path, "s.sieve", 'require ["fileinto", "envelope"];\n'
                   'if envelope :domain "from" "example.org" { fileinto "org"; }\n')
    message = write(tmp_path, "m.eml", "From: a@example.org\nSubject: x\n\nbody\n")
    assert main(["sieve-test", script, message, "--from", "a@example.org"]) == 0
    assert capsys.readouterr().out == "fileinto mailbox='org'\n"


def test_sieve_test_reports_runtime_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = write(tmp_path, "s.sieve", 'require "ihave"; error "boom";\n')
    message = write(tmp_path, "m.eml", "Subject: x\n\nbody\n")
    assert main(["sieve-test", script, message]) == 1
    captured = capsys.readouterr()
    assert "boom" in captured.err and captured.out == "keep implicit\n"
