"""Client text in log lines: short, printable, never a second line."""

from __future__ import annotations

import pytest

from roost.net.logtext import LOG_LIMIT, clean


@pytest.mark.parametrize(("text", "logged"), [
    ("bob", "bob"),
    ("bob\nlogin: admin", "bob\\x0alogin: admin"),
    ("a\\x0ab", "a\\\\x0ab"),  # a literal backslash cannot pass for an escape
    ("é\u2028", "\\xe9\\u2028"),
    (b"\xff\x00ok", "\\xff\\x00ok"),
])
def test_clean_escapes(text: str | bytes, logged: str) -> None:
    assert clean(text) == logged


def test_clean_truncates_with_the_length() -> None:
    huge = "x" * 200_000_000
    assert clean(huge) == "x" * LOG_LIMIT + "...(200000000 chars)"
    assert len(clean("\n" * 1000)) < LOG_LIMIT + 40
