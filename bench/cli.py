"""What every side-by-side benchmark's command line shares.

Each benchmark runs the same workload against Roost and the servers beside
it (`--servers`), repeats it (`--runs`) on a seeded corpus (`--seed`) and can
write its medians (`--json`); ports come from `free_port` because another
benchmark may hold the sides' usual ones.
"""

from __future__ import annotations

import argparse
import json
import socket
from collections.abc import Mapping, Sequence


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def side_parser(doc: str | None, *, runs: int, seed: int,
                servers: Sequence[str] = ("roost", "cyrus"),
                json_help: str | None = "write the medians to this file",
                ) -> argparse.ArgumentParser:
    """A parser with --runs, --seed, --servers (one of `servers`, all by
    default) and, unless `json_help` is None, --json FILE; the benchmark adds
    its own workload options."""
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--seed", type=int, default=seed)
    parser.add_argument("--servers", nargs="+", default=list(servers), choices=list(servers))
    if json_help is not None:
        parser.add_argument("--json", help=json_help)
    return parser


def save_medians(path: str | None, results: Mapping[str, object]) -> None:
    """Write each server's figures to `path` (--json), if one was given."""
    if path:
        with open(path, "w") as f:
            json.dump(results, f, indent=2)
