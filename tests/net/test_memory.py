"""The worker fixes glibc's mmap threshold (this test machine has glibc)."""

from roost.net.memory import return_large_buffers


def test_threshold_is_set() -> None:
    assert return_large_buffers()
