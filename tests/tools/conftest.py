"""The tools' site on each backend: `site` is parameterised, so every tool
test runs on the embedded SQLite index and on PostgreSQL (the run's
throwaway cluster, a fresh schema per test)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.harness.site import Site, make_site

BACKENDS = ("sqlite", "postgres")


@pytest.fixture(params=BACKENDS)
def site(request: pytest.FixtureRequest, tmp_path: Path, cert_dir: Path) -> Site:
    if request.param == "postgres":
        dsn = request.getfixturevalue("postgres").new_schema()
        return make_site(tmp_path / "site", cert_dir,
                         f"store_backend: postgres\nstore_dsn: {dsn}\n")
    return make_site(tmp_path / "site", cert_dir)
