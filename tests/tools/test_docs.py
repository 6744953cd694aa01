"""The generated reference pages in docs/ match the code."""

from pathlib import Path

import pytest

from roost.tools.docs import PAGES, render

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_generated_page_is_current(name: str) -> None:
    assert (DOCS / name).read_text() == render(name), f"run `roost docs` to refresh docs/{name}"
