"""Run a test directory's async tests on both event loops: asyncio's, and
uvloop, which production runs on (`roost.master.worker`).

A conftest imports this hook; pytest-asyncio then runs every async test of
that directory once per loop (test ids end in [asyncio] / [uvloop]).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

import pytest
import uvloop


def pytest_asyncio_loop_factories(
        config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    return {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}
