"""The failed-login table: slots are spaced, quiet keys are forgotten."""

from __future__ import annotations

from pathlib import Path

from roost.store.sqlite.shared_state import SqliteSharedState

FORGET = 900.0


def test_attempts_get_spaced_slots(tmp_path: Path) -> None:
    state = SqliteSharedState.in_directory(str(tmp_path))
    keys = ("addr:192.0.2.1", "user:bob")
    thresholds = {"addr:192.0.2.1": 2, "user:bob": 1}
    assert state.reserve_attempt(thresholds, 1000.0, 3.0, FORGET, 30.0) == 0.0  # no failures
    state.record_failure(keys, 1000.0, 3.0, FORGET)
    waits = [state.reserve_attempt(thresholds, 1000.0, 3.0, FORGET, 30.0) for _ in range(4)]
    assert waits == [3.0, 6.0, 9.0, 12.0]
    assert state.failures("user:bob") == (1, 1015.0)
    # The address, below its threshold, was not queued.
    assert state.failures("addr:192.0.2.1") == (1, 1003.0)
    # A queue longer than the longest wait is refused and reserves nothing.
    assert state.reserve_attempt(thresholds, 1000.0, 3.0, FORGET, 10.0) is None
    assert state.failures("user:bob") == (1, 1015.0)
    state.close()


def test_quiet_keys_are_forgotten(tmp_path: Path) -> None:
    state = SqliteSharedState.in_directory(str(tmp_path))
    state.record_failure(("user:ghost1",), 1000.0, 3.0, FORGET)
    state.record_failure(("user:bob",), 1000.0 + 2 * FORGET, 3.0, FORGET)
    assert state.failures("user:ghost1") == (0, 0.0)
    assert state.reserve_attempt({"user:ghost1": 1}, 1000.0 + 2 * FORGET, 3.0, FORGET,
                                 30.0) == 0.0
    assert state.failures("user:bob")[0] == 1
    state.close()
