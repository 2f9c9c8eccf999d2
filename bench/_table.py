"""One line per measured target, read by ``tools/dev.py bench`` into one table.

Each benchmark prints its own figures for people, and for every target of issue 16 one
machine-readable line: ``BENCH-ROW {json}`` with the work, the MUSE Care figure, the
floor measured in the same run, the ratio, the target and whether it is met. Nothing
here asserts: a benchmark prints, it never fails on time.
"""

from __future__ import annotations

import json
import sys

PREFIX = "BENCH-ROW "


def row(work: str, figure: str, floor: str = "", ratio: float | None = None, target: str = "",
        met: bool | None = None) -> None:
    print(PREFIX + json.dumps({"work": work, "figure": figure, "floor": floor,
                               "ratio": None if ratio is None else round(ratio, 2),
                               "target": target, "met": met}, ensure_ascii=False), flush=True)
    sys.stdout.flush()
