"""IMAP tests run on asyncio's loop and on uvloop, as production does."""

from tests.harness.loops import pytest_asyncio_loop_factories

__all__ = ["pytest_asyncio_loop_factories"]
