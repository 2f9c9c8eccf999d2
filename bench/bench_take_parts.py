"""Take-next taken apart, on a kept register (``bench_team.py --keep NAME``): the same
agents at once running each part of a take alone, in rounds that alternate, so every
part sees the same load (docs/performance.md, "Take-next toward its floor").

    .venv/bin/python bench/bench_take_parts.py NAME [--agents 8] [--per 25] [--rounds 3]
                                                 [--parts lock,chain,statement,read,take]
                                                 [--processes]

The parts, each timed per take, with this client's CPU and the server's (its backends'
CPU from ``/proc``, when the server runs on this machine) a take, and "every": the wall
time over the takes (the inverse of the throughput):

- ``lock``: an advisory lock, one small INSERT, COMMIT (the chain's own queue);
- ``chain``: the bare ``SELECT ... FOR UPDATE SKIP LOCKED`` + ``UPDATE`` + COMMIT on
  ``cases``, through its triggers and the history chain;
- ``statement``: ``team.take_next_statement`` on raw psycopg (the server's part);
- ``read``: the same and the window's read (``case_records.details_statement``), rows
  fetched, no view built;
- ``take``: ``team.take_next_case`` as the window calls it.

(CPU: each agent thread's own; the server's is counted in 10 ms ticks of ``/proc``.)

Takes go on down the free queue; only when fewer than a round needs are left are the
taken cases freed again (``UPDATE``, which writes row entries as any change). It takes
cases: use a register kept for measuring. No assertions: it prints.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy.engine import make_url

from muse_care.services import team
from muse_care.services.case_records import details_statement
from muse_care.services.register import Actor, Register

ADMIN = os.environ.get("MUSE_CARE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
NEXT = ("SELECT id FROM cases WHERE assignee = '' AND is_open = true "
        "ORDER BY due_date ASC NULLS LAST, id LIMIT 1 FOR UPDATE SKIP LOCKED")


def _urls(name: str) -> tuple[str, str]:
    url = make_url(ADMIN).set(database=name)
    return (url.render_as_string(hide_password=False),
            url.set(drivername="postgresql").render_as_string(hide_password=False))


def _statements() -> tuple[str, dict[str, Any], str]:
    from sqlalchemy.dialects import postgresql

    compiled = team.take_next_statement().compile(dialect=postgresql.dialect())
    return str(compiled), dict(compiled.params), str(details_statement().compile(dialect=postgresql.dialect()))


def _part(name: str) -> Callable[[Register, Any], None]:
    sql, params, details = _statements()

    def lock(_reg: Register, conn: Any) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(4243)")
            conn.execute("INSERT INTO take_parts_commits (v) VALUES ('x')")

    def chain(_reg: Register, conn: Any) -> None:
        with conn.transaction():
            found = conn.execute(NEXT).fetchone()
            if found is not None:  # each agent its own assignee, as agents are
                conn.execute("UPDATE cases SET assignee = %s WHERE id = %s", (f"parts{conn.info.backend_pid}", found[0]))

    def statement(_reg: Register, conn: Any) -> None:
        conn.execute(sql, {**params, "login": "postgres", "now": datetime.now(timezone.utc)}).fetchall()

    def read(_reg: Register, conn: Any) -> None:
        rows = conn.execute(sql, {**params, "login": "postgres", "now": datetime.now(timezone.utc)}).fetchall()
        if rows:
            conn.execute(details, {"id": rows[0][0]}).fetchall()

    def take(reg: Register, _conn: Any) -> None:
        team.take_next_case(reg)

    return {"lock": lock, "chain": chain, "statement": statement, "read": read, "take": take}[name]


def _cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return float("nan")
    return total


def _agent(db: str, part: str) -> tuple[Register, Any, list[int]]:
    import psycopg

    url, dsn = _urls(db)
    reg = Register.open(url, Actor("postgres", "Agent", "agent"), migrate=False)
    conn = psycopg.connect(dsn, autocommit=True)
    _part(part)(reg, conn)  # connected, statements prepared
    with reg.engine.connect() as c:
        pids = [int(c.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()), conn.info.backend_pid]
    return reg, conn, pids


def _loop(part: str, reg: Register, conn: Any, pids: list[int], per: int, barrier: Any) -> tuple[list[float], float, float]:
    one = _part(part)
    barrier.wait()
    server, cpu, out = _cpu(pids), time.thread_time(), []
    for _ in range(per):
        t = time.perf_counter()
        one(reg, conn)
        out.append(time.perf_counter() - t)
    return out, time.thread_time() - cpu, _cpu(pids) - server


def _threads(db: str, part: str, agents: int, per: int) -> tuple[list[Any], float]:
    ready = [_agent(db, part) for _ in range(agents)]
    barrier = threading.Barrier(agents + 1)
    with ThreadPoolExecutor(agents) as pool:
        futures = [pool.submit(_loop, part, *a, per, barrier) for a in ready]
        barrier.wait()
        t = time.perf_counter()
        results = [f.result() for f in futures]
        wall = time.perf_counter() - t
    for reg, conn, _ in ready:
        reg.dispose()
        conn.close()
    return results, wall


def _process(db: str, part: str, per: int, barrier: Any, out: Any) -> None:
    reg, conn, pids = _agent(db, part)
    out.put(_loop(part, reg, conn, pids, per, barrier))
    reg.dispose()
    conn.close()


def _processes(db: str, part: str, agents: int, per: int) -> tuple[list[Any], float]:
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(agents + 1), ctx.Queue()
    procs = [ctx.Process(target=_process, args=(db, part, per, barrier, out)) for _ in range(agents)]
    for p in procs:
        p.start()
    barrier.wait()
    t = time.perf_counter()
    results = [out.get(timeout=600) for _ in procs]
    wall = time.perf_counter() - t
    for p in procs:
        p.join()
    return results, wall


def _prepare(db: str, need: int) -> None:
    import psycopg

    with psycopg.connect(_urls(db)[1], autocommit=True) as c:
        c.execute("CREATE TABLE IF NOT EXISTS take_parts_commits (id bigserial PRIMARY KEY, v text)")
        if c.execute("SELECT count(*) FROM cases WHERE is_open AND assignee = ''").fetchone()[0] < need:
            print("(the taken cases freed again)")
            c.execute("UPDATE cases SET assignee = '' WHERE is_open AND assignee <> ''")
        c.execute("VACUUM cases")  # the free-queue index's dead entries (this server may run without autovacuum)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("db")
    p.add_argument("--agents", type=int, default=8)
    p.add_argument("--per", type=int, default=25)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--parts", default="lock,chain,statement,read,take")
    p.add_argument("--processes", action="store_true", help="each agent its own process (spawned)")
    args = p.parse_args()
    run = _processes if args.processes else _threads
    for _ in range(args.rounds):
        for part in args.parts.split(","):
            _prepare(args.db, 2 * args.agents * args.per)
            results, wall = run(args.db, part, args.agents, args.per)
            times = sorted(x for r in results for x in r[0])
            n = len(times)
            print(f"{part:10s} median {1000 * times[n // 2]:6.1f} ms  p90 {1000 * times[int(n * .9)]:6.1f}  "
                  f"every {1000 * wall / n:5.2f} ms  CPU a take: this client {1000 * sum(r[1] for r in results) / n:.2f}, "
                  f"the server {1000 * sum(r[2] for r in results) / n:.2f} ms  load {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
