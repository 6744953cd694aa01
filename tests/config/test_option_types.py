"""Options read from a Config are typed for mypy, and an unknown name is a mypy error.

This is what replaced `Config.__getattr__ -> Any`: a misspelt option in
code must fail `mypy src`, not read a default at run time.
"""

from pathlib import Path

from mypy import api

SNIPPET = """\
from roost.config import parse_config
conf = parse_config("")
reveal_type(conf.timeout)
reveal_type(conf.admins)
reveal_type(conf.partitions)
reveal_type(conf.serverinfo)
conf.tiemout
conf.timeout = 5
"""


def test_reads_are_typed_and_unknown_names_fail(tmp_path: Path) -> None:
    snippet = tmp_path / "snippet.py"
    snippet.write_text(SNIPPET)
    out, _err, status = api.run(["--strict", "--cache-dir", str(tmp_path / "cache"), str(snippet)])
    revealed = [line.split("Revealed type is ")[1] for line in out.splitlines() if "Revealed" in line]
    assert revealed == ['"int"', '"tuple[str, ...]"', '"typing.Mapping[str, str]"', '"str"'], out
    assert '"Config" has no attribute "tiemout"' in out
    assert 'Incompatible types in assignment (expression has type "int", variable has type "Never")' in out
    assert status == 1, out
