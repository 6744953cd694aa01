"""LMTP DATA on a full disk: 452 4.3.1 for each recipient (RFC 3463 X.3.1),
and nothing stored."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.harness.fullfs import fill, tiny_filesystem
from tests.lmtp.conftest import Bodies
from tests.lmtp.lmtp_client import Transcript
from tests.lmtp.test_lmtp_delivery import LHLO


@pytest.fixture
def spool(tmp_path: Path) -> Iterator[Path]:
    """The partition on a tiny file system (the store fixture creates its dirs in it)."""
    with tiny_filesystem(tmp_path / "spool") as path:
        yield path


async def test_delivery_on_a_full_disk_is_452_4_3_1(spool: Path, lmtp: Transcript,
                                                    bodies: Bodies) -> None:
    fill(spool)
    await lmtp.play(LHLO + """
        C: MAIL FROM:<sender@example.org>
        S: 250 2.1.0 Sender OK
        C: RCPT TO:<bob>
        S: 250 2.1.5 Recipient OK
        C: RCPT TO:<alice>
        S: 250 2.1.5 Recipient OK
        C: DATA
        S: 354 {…}
        C: Subject: hello
        C:
        C: Hi.
        C: .
        S: 452 4.3.1 Insufficient system storage
        S: 452 4.3.1 Insufficient system storage
    """)
    assert await bodies("user.bob") == [] and await bodies("user.alice") == []
    assert [p for p in spool.rglob("*") if p.is_file() and p.name != ".filler"] == []
