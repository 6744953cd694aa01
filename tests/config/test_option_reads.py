"""Every option's mark in the table matches what src/ does with it.

An option documented as acted on must be read somewhere in src/ as
`conf.NAME` (any expression ending in `conf`, or `self` inside the Config
class); one marked NOT_YET or NOT_NEEDED must be read nowhere, so the
marks users read in docs/options.md stay true both ways.
"""

import ast
from pathlib import Path

import pytest

from roost.config import OPTIONS, Declared, Effect

SRC = Path(__file__).resolve().parents[2] / "src" / "roost"


def _is_config(expr: ast.expr, in_config: bool) -> bool:
    if isinstance(expr, ast.Name):
        return expr.id == "conf" or (in_config and expr.id == "self")
    return isinstance(expr, ast.Attribute) and expr.attr == "conf"


def option_reads(tree: ast.AST) -> set[str]:
    """Attribute names read from a config in `tree`."""
    reads: set[str] = set()
    config_classes = [node for node in ast.walk(tree)
                      if isinstance(node, ast.ClassDef) and node.name == "Config"]
    inside = {id(n) for cls in config_classes for n in ast.walk(cls)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)
                and _is_config(node.value, id(node) in inside)):
            reads.add(node.attr)
    return reads


def src_reads() -> set[str]:
    reads: set[str] = set()
    for path in sorted(SRC.rglob("*.py")):
        reads |= option_reads(ast.parse(path.read_text(), str(path)))
    return reads


READS = src_reads()


def test_the_scan_sees_reads_and_only_reads() -> None:
    tree = ast.parse(
        '"""conf.quotawarn in a docstring is not a read."""\n'
        "def f(s, conf):\n"
        "    os.fsync(3)\n"
        "    return conf.timeout + s.conf.maxliteral\n"
        "class Config:\n"
        "    def g(self):\n"
        "        return self.admins\n"
        "class Other:\n"
        "    def h(self):\n"
        "        return self.postuser\n"
    )
    assert option_reads(tree) == {"timeout", "maxliteral", "admins"}


@pytest.mark.parametrize("opt", OPTIONS, ids=lambda opt: opt.name)
def test_mark_matches_the_code(opt: Declared) -> None:
    read = opt.attr in READS
    if opt.effect is Effect.ACTED_ON:
        assert read, (f"{opt.name} is documented as acted on, but src/ never reads conf.{opt.attr}:"
                      " use it, or mark it NOT_YET in src/roost/config/options.py")
    else:
        assert not read, (f"{opt.name} is marked {opt.effect.name} but src/ reads conf.{opt.attr}:"
                          " drop the mark in src/roost/config/options.py and run `roost docs`")
