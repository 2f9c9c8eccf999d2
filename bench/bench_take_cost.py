"""One take's own cost on two (or more) kept registers side by side, e.g. one at
migration 0021 and one at 0022 (``bench_team.py --keep NAME``; a copy of it made with
``CREATE DATABASE b TEMPLATE a`` and downgraded), alternating so that both see the same
load:

- the take statement alone (``team.take_next_statement``), one agent, autocommit:
  five rounds of 100 takes on each register in turn, median and p90;
- the server time of each trigger on a take-like UPDATE (EXPLAIN ANALYZE's trigger
  lines, 60 free cases, rolled back).

    .venv/bin/python bench/bench_take_cost.py NAME_A NAME_B

It takes cases (the first part writes). No assertions: it prints.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from datetime import datetime, timezone

from sqlalchemy.engine import make_url

ADMIN = os.environ.get("MUSE_CARE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def main(names: list[str]) -> None:
    import psycopg
    from sqlalchemy.dialects import postgresql

    from muse_care.services import team

    def dsn(name: str) -> str:
        return make_url(ADMIN).set(drivername="postgresql", database=name).render_as_string(hide_password=False)

    compiled = team.take_next_statement().compile(dialect=postgresql.dialect())
    sql = str(compiled)
    conns = {n: psycopg.connect(dsn(n), autocommit=True) for n in names}
    times: dict[str, list[float]] = {n: [] for n in names}
    for _ in range(5):
        for n, c in conns.items():
            for _ in range(100):
                params = {**compiled.params, "login": "postgres", "now": datetime.now(timezone.utc)}
                t = time.perf_counter()
                c.execute(sql, params).fetchall()
                times[n].append(time.perf_counter() - t)
    print(f"load {os.getloadavg()[0]:.2f}")
    for n, xs in times.items():
        xs.sort()
        print(f"{n}: the take statement alone, one agent: median {1000 * xs[len(xs) // 2]:.2f} ms, "
              f"p90 {1000 * xs[int(len(xs) * .9)]:.2f} ms ({len(xs)} takes)")
    for c in conns.values():
        c.close()
    for n in names:
        c = psycopg.connect(dsn(n))
        ids = [r[0] for r in c.execute("SELECT id FROM cases WHERE is_open AND assignee = '' "
                                       "ORDER BY id LIMIT 60 OFFSET 1000")]
        triggers: dict[str, list[float]] = {}
        total = []
        for i in ids:
            for (line,) in c.execute("EXPLAIN ANALYZE UPDATE cases SET assignee = 'bench', updated_at = now() "
                                     "WHERE id = %s", (i,)).fetchall():
                m = re.match(r"Trigger (\S+): time=([\d.]+) calls=(\d+)", line)
                if m:
                    triggers.setdefault(m.group(1), []).append(float(m.group(2)))
                m = re.match(r"Execution Time: ([\d.]+)", line)
                if m:
                    total.append(float(m.group(1)))
            c.rollback()
        each = ", ".join(f"{k} {statistics.median(v):.3f} ms" for k, v in sorted(triggers.items()))
        print(f"{n}: a take-like UPDATE, server time median {statistics.median(total):.3f} ms; its triggers: {each}")
        c.close()


if __name__ == "__main__":
    main(sys.argv[1:])
