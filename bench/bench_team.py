"""Team mode timings on the real PostgreSQL server: take-next under contention, the
lead's dashboard and the CSV export over N demo cases.

    .venv/bin/python bench/bench_team.py [--cases 100000] [--agents 4]

Creates and drops its own database on MUSE_CARE_TEST_PG (default: the local server).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import row  # noqa: E402
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from muse_care.services import team
from muse_care.services.demo import generate
from muse_care.services.register import Actor, Register
from muse_care.services.team_reports import dashboard_data, export_register_csv
from muse_care.store import db

ADMIN = os.environ.get("MUSE_CARE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--agents", type=int, default=4)
    p.add_argument("--takes", type=int, default=200)
    args = p.parse_args()
    name = f"muse_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN).set(database=name).render_as_string(hide_password=False)
    try:
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
        lead = Register.open(url, Actor("postgres", "Lead", "lead"), migrate=False)
        t = time.perf_counter()
        generate(lead, args.cases)
        print(f"{args.cases:,} demo cases loaded in {time.perf_counter() - t:.1f} s")
        with lead.engine.begin() as conn:  # hand every open case back to the queue
            conn.exec_driver_sql("UPDATE cases SET assignee = '' WHERE is_open")
            conn.exec_driver_sql("ANALYZE")
        regs = [Register.open(url, Actor("postgres", f"Agent {i}", "agent"), migrate=False)
                for i in range(args.agents)]
        per = args.takes // args.agents

        def take(reg: Register) -> list[float]:
            out = []
            for _ in range(per):
                s = time.perf_counter()
                team.take_next_case(reg)
                out.append(time.perf_counter() - s)
            return out

        t = time.perf_counter()
        with ThreadPoolExecutor(args.agents) as pool:
            times = sorted(x for r in pool.map(take, regs) for x in r)
        wall = time.perf_counter() - t
        print(f"take next: {len(times)} takes by {args.agents} agents in {wall:.2f} s; "
              f"median {1000 * times[len(times) // 2]:.1f} ms, p95 {1000 * times[int(len(times) * .95)]:.1f} ms")
        med = 1000 * times[len(times) // 2]
        row(f"team: take next, {args.agents} agents at once, {args.cases:,} cases (PostgreSQL)", f"{med:.1f} ms median",
            "", None, "<= 20 ms", med <= 20)
        for _ in range(2):
            t = time.perf_counter()
            data = dashboard_data(lead)
            dash = 1000 * (time.perf_counter() - t)
            print(f"dashboard: {dash:.0f} ms ({data.open_total:,} open)")
        row(f"team: the lead's dashboard, {args.cases:,} cases", f"{dash:.0f} ms", "", None, "<= 100 ms", dash <= 100)
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter()
            n = export_register_csv(lead, data.as_of.replace(year=data.as_of.year - 3), data.as_of,
                                    os.path.join(d, "r.csv"))
            print(f"export: {n:,} cases in {time.perf_counter() - t:.2f} s")
        for r in [lead, *regs]:
            r.dispose()
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
