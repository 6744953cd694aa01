"""Servers measured one after the other in one run, and their figures side by side.

`run_in_turn` starts a side, runs an async measurement against it and
always stops it; a failure is a finding, printed with the server's log,
and leaves that server's figures empty. `ratio_table` prints each figure
per server and the first server's over the second's (below 1: the first,
Roost, is lower).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from bench.sides import Side

Figures = dict[str, float]


def run_in_turn(side: Side,
                measure: Callable[[Side], Coroutine[Any, Any, Figures]]) -> Figures:
    print(f"== {side.name}", flush=True)
    try:
        side.start()
        return asyncio.run(measure(side))
    except Exception as err:  # noqa: BLE001 -- a failure is a finding: print it, go on
        print(f"  {side.name} failed: {err!r}\n{side.log_tail()}", flush=True)
        return {}
    finally:
        side.stop()


def ratio_table(results: dict[str, Figures], title: str, *, width: int = 28,
                scale: float = 1.0, digits: int = 0) -> str:
    names = list(results)
    rows = [f"{title:<{width}}" + "".join(f"{n:>10}" for n in names)
            + ("" if len(names) < 2 else f"{names[0] + '/' + names[1]:>15}")]
    for label in dict.fromkeys(k for figures in results.values() for k in figures):
        values = [results[n].get(label, 0.0) for n in names]
        row = f"{label:<{width}}" + "".join(f"{v * scale:>10.{digits}f}" for v in values)
        if len(values) > 1 and values[0] and values[1]:
            row += f"{values[0] / values[1]:>15.2f}"
        rows.append(row)
    return "\n".join(rows)
