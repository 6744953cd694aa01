"""The `engine` fixture: the index tests run on each full-text engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.search.engines import ENGINES, Engine


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "postgres":
        return Engine("postgres", tmp_path, request.getfixturevalue("postgres").new_schema())
    return Engine("sqlite", tmp_path)
