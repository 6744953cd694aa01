"""`roost config` lists a site's values, partitions expanded, with the marks of the docs."""

from pathlib import Path

import pytest

from roost.tools.config import main


def test_lists_values_partitions_and_marks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "imapd.conf"
    conf.write_text("partition-spool2: /srv/spool2\ntimeout: 45\nimapmagicplus: yes\n")
    assert main(["-C", str(conf)]) == 0
    lines = {line[2:].split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert lines["partition-spool2"][2:].split()[1] == "/srv/spool2"
    assert lines["timeout"].startswith("* timeout") and " 45 " in lines["timeout"]
    assert "not yet acted on" in lines["imapmagicplus"]
    assert "not yet acted on" not in lines["timeout"]


def test_bad_file_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf = tmp_path / "imapd.conf"
    conf.write_text("timeout: soon\n")
    assert main(["-C", str(conf)]) == 1
    assert f"{conf}:1: timeout takes a whole number" in capsys.readouterr().err
