"""What every store test shares: small distinct messages and two body
partitions under the test's temp directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest


def message(n: int = 0, body: str = "Hello") -> bytes:
    """A small distinct RFC 5322 message."""
    return (f"From: a@example.com\r\nTo: bob@example.com\r\nSubject: test {n}\r\n"
            f"Message-ID: <{n}@example.com>\r\n\r\n{body} {n}\r\n").encode()


@pytest.fixture
def make_message() -> Callable[..., bytes]:
    return message


@pytest.fixture
def partitions(tmp_path: Path) -> dict[str, Path]:
    parts = {"default": tmp_path / "spool", "big": tmp_path / "big"}
    for path in parts.values():
        path.mkdir()
    return parts
