"""Team mode timings on the real PostgreSQL server: take-next under contention, the
lead's dashboard and the CSV export over N demo cases.

    .venv/bin/python bench/bench_team.py [--cases 100000] [--agents 4]

Take-next is measured beside two floors run the same way (the same agents at once, the
same number of takes, fresh free cases): the bare statement on raw psycopg, ``SELECT id
... FOR UPDATE SKIP LOCKED`` and ``UPDATE ... SET assignee`` then COMMIT, on a plain copy
of the queue columns with no triggers; and the same on ``cases`` itself, where the
history triggers append to the one hash-chained history (under its advisory lock, held
until commit) as every write does.

Creates and drops its own database on MUSE_CARE_TEST_PG (default: the local server).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import row
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from muse_care.services import team
from muse_care.services.demo import generate
from muse_care.services.register import Actor, Register
from muse_care.services.team_reports import dashboard_data, export_register_csv
from muse_care.store import db

ADMIN = os.environ.get("MUSE_CARE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


NEXT_SQL = ("SELECT id FROM {table} WHERE assignee = '' AND is_open = true "
            "ORDER BY due_date ASC NULLS LAST, id LIMIT 1 FOR UPDATE SKIP LOCKED")


def bare_takes(url: str, agents: int, per: int, table: str) -> list[float]:
    """``agents`` raw psycopg connections taking ``per`` cases each, at once."""
    import psycopg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conns = [psycopg.connect(dsn) for _ in range(agents)]
    barrier = threading.Barrier(agents)

    def take(i: int) -> list[float]:
        conn, out = conns[i], []
        barrier.wait()
        for _ in range(per):
            s = time.perf_counter()
            with conn.cursor() as cur:
                cur.execute(NEXT_SQL.format(table=table))
                found = cur.fetchone()
                if found is not None:
                    cur.execute(f"UPDATE {table} SET assignee = %s WHERE id = %s", (f"bare{i}", found[0]))
            conn.commit()
            out.append(time.perf_counter() - s)
        return out

    try:
        with ThreadPoolExecutor(agents) as pool:
            return sorted(x for r in pool.map(take, range(agents)) for x in r)
    finally:
        for c in conns:
            c.close()


def median_p95(times: list[float]) -> tuple[float, float]:
    return 1000 * times[len(times) // 2], 1000 * times[int(len(times) * .95)]


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
        with lead.engine.begin() as conn:  # the plain copy for the first floor
            conn.exec_driver_sql("CREATE TABLE bare_queue AS SELECT id, assignee, is_open, due_date FROM cases")
            conn.exec_driver_sql("ALTER TABLE bare_queue ADD PRIMARY KEY (id)")
            conn.exec_driver_sql("CREATE INDEX ix_bare_queue ON bare_queue (assignee, is_open, due_date, id)")
            conn.exec_driver_sql("ANALYZE bare_queue")
        regs = [Register.open(url, Actor("postgres", f"Agent {i}", "agent"), migrate=False)
                for i in range(args.agents)]
        per = args.takes // args.agents
        bare = bare_takes(url, args.agents, per, "bare_queue")
        bare_cases = bare_takes(url, args.agents, per, "cases")
        barrier = threading.Barrier(args.agents)

        def take(reg: Register) -> list[float]:
            out = []
            barrier.wait()
            for _ in range(per):
                s = time.perf_counter()
                team.take_next_case(reg)
                out.append(time.perf_counter() - s)
            return out

        t = time.perf_counter()
        with ThreadPoolExecutor(args.agents) as pool:
            times = sorted(x for r in pool.map(take, regs) for x in r)
        wall = time.perf_counter() - t
        med, p95 = median_p95(times)
        floor, floor_p95 = median_p95(bare)
        chained, chained_p95 = median_p95(bare_cases)
        print(f"take next: {len(times)} takes by {args.agents} agents in {wall:.2f} s; "
              f"median {med:.1f} ms, p95 {p95:.1f} ms")
        print(f"  floor, bare SELECT ... FOR UPDATE SKIP LOCKED + UPDATE + COMMIT on a plain table: "
              f"median {floor:.1f} ms, p95 {floor_p95:.1f} ms")
        print(f"  floor, the same statements on cases (history triggers, one chain lock): "
              f"median {chained:.1f} ms, p95 {chained_p95:.1f} ms")
        row(f"team: take next, {args.agents} agents at once, {args.cases:,} cases (PostgreSQL)",
            f"{med:.1f} ms median (p95 {p95:.0f} ms)",
            f"bare SKIP LOCKED take {floor:.1f} ms; the same on cases, with the history chain, {chained:.1f} ms",
            med / chained if chained else None, "<= 20 ms", med <= 20)
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
