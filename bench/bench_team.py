"""Team mode timings on the real PostgreSQL server: take-next under contention, the
lead's dashboard and the CSV export over N demo cases.

    .venv/bin/python bench/bench_team.py [--cases 100000] [--agents 4] [--processes]
    .venv/bin/python bench/bench_team.py --cases 20000 --copies 50   # 1,000,000 cases

Take-next is measured beside two floors run the same way (the same agents at once, the
same number of takes, fresh free cases): the bare statement on raw psycopg, ``SELECT id
... FOR UPDATE SKIP LOCKED`` and ``UPDATE ... SET assignee`` then COMMIT, on a plain copy
of the queue columns with no triggers; and the same on ``cases`` itself, where the
history triggers append to the one hash-chained history (under its advisory lock, held
until commit) as every write does. A third floor is MUSE Care's own take statement
(``team.take_next_statement``: the take and its word entry in one statement, its own
transaction) on raw psycopg, without reading the case for the window: what the server
and the chain's lock cost; the rest of a take is this client's (its CPU time per take
is printed, and the server's, read from ``/proc`` when the server runs on this machine:
the agents here are threads of one Python process, so it queues for the GIL too). A
fourth floor is the same statement followed by the window's read of the case it hands
out (``case_records.details_statement``), its rows fetched but no view built: the take's
server time and round trips without the Python work. Both are printed as ``BENCH-ROW``
lines of their own (docs/performance.md, "Take-next toward its floor"). ``--processes`` runs the same takes once more with each agent in its own
process, as agents work on their own computers (here they still share its cores).

``--copies N`` loads the demo once and then copies its cases N - 1 times in SQL (new ids,
references with a ``-k`` suffix, the same dates, statuses, rights and assignees) with
the status moves of their history, which the dashboard's on-time rate reads (each
copy's hash is a hash of the original's and the copy's number: the hashes are unique); the copy
runs with the triggers off (``session_replication_role = replica``), so the copies
have no row entries and the seal does not count them, and the dashboard's kept counts
(migration 0022, if present) are filled afterwards the way the upgrade fills them (timed).
That builds 1,000,000 cases in minutes instead of the hours a demo load of that size
takes. The CSV export is skipped then.

The lowest floor is the chain's queue itself: the same agents each taking one advisory
lock, inserting one small row into a plain table and committing (the lock held until
the commit has reached the disk, as the chain's lock is). No history, no case: what any
history that is one hash chain written by the transactions themselves costs, whatever
else is made faster; with N agents at once a take waits for about N such commits.

Before each run the queue's tables are vacuumed: a take leaves its case's entry in the
free-queue index dead until VACUUM, and every later take walks past those entries
(this server may run without autovacuum), so without it each run would pay for the
takes of the runs before it.

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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

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


def _at_once(url: str, agents: int, per: int, one: Callable[[Any, int], None], *,
             autocommit: bool = False) -> list[float]:
    """``agents`` raw psycopg connections, each timing ``one(conn, agent)`` ``per``
    times, all started at once; the sorted seconds."""
    import psycopg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conns = [psycopg.connect(dsn, autocommit=autocommit) for _ in range(agents)]
    barrier = threading.Barrier(agents)

    def run(i: int) -> list[float]:
        conn, out = conns[i], []
        barrier.wait()
        for _ in range(per):
            s = time.perf_counter()
            one(conn, i)
            out.append(time.perf_counter() - s)
        return out

    try:
        with ThreadPoolExecutor(agents) as pool:
            return sorted(x for r in pool.map(run, range(agents)) for x in r)
    finally:
        for c in conns:
            c.close()


def bare_takes(url: str, agents: int, per: int, table: str) -> list[float]:
    """``agents`` raw psycopg connections taking ``per`` cases each, at once."""

    def take(conn: Any, i: int) -> None:
        with conn.cursor() as cur:
            cur.execute(NEXT_SQL.format(table=table))
            found = cur.fetchone()
            if found is not None:
                cur.execute(f"UPDATE {table} SET assignee = %s WHERE id = %s", (f"bare{i}", found[0]))
        conn.commit()

    return _at_once(url, agents, per, take)


def lock_commits(url: str, agents: int, per: int) -> list[float]:
    """The chain's own floor: one advisory lock, one small INSERT, COMMIT; at once."""

    def one(conn: Any, _i: int) -> None:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(4242)")  # not the chain's key: nothing waits on it but these
            cur.execute("INSERT INTO bench_commits (v) VALUES ('x')")
        conn.commit()

    return _at_once(url, agents, per, one)


def vacuum(url: str) -> None:
    """VACUUM the queue's tables: the dead entries earlier takes left in their indexes."""
    import psycopg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM cases")
        conn.execute("VACUUM bare_queue")


def statement_takes(url: str, agents: int, per: int, *, read: bool = False) -> list[float]:
    """The third floor: ``team.take_next_statement`` alone, autocommit, at once; with
    ``read``, and the window's read of the case it hands out (``details_statement``),
    its rows fetched but no view built: what the server and the round trips cost."""
    from datetime import datetime, timezone

    from sqlalchemy.dialects import postgresql

    try:
        from muse_care.services.case_records import details_statement
    except ImportError:  # a version before it (measured with --no-upgrade)
        if read:
            return []
    compiled = team.take_next_statement().compile(dialect=postgresql.dialect())
    sql = str(compiled)
    details = str(details_statement().compile(dialect=postgresql.dialect())) if read else ""

    def take(conn: Any, _i: int) -> None:
        params = {**compiled.params, "login": "postgres", "now": datetime.now(timezone.utc)}
        rows = conn.execute(sql, params).fetchall()
        if read and rows:
            conn.execute(details, {"id": rows[0][0]}).fetchall()

    return _at_once(url, agents, per, take, autocommit=True)


def backend_pids(reg: Register) -> list[int]:
    """The server processes of ``reg``'s pooled connections (one: its takes run one
    after another)."""
    with reg.engine.connect() as conn:
        return [int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())]


def server_cpu(pids: list[int]) -> float | None:
    """CPU seconds the server's processes ``pids`` have used; None unless the server
    runs on this machine (Linux ``/proc``)."""
    total = 0.0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None
    return total


def _agent_process(url: str, i: int, per: int, barrier: Any, out: Any) -> None:
    """One agent in its own process (``--processes``): its own register, as each agent
    runs MUSE Care on their own computer; puts (take times, CPU seconds) on ``out``."""
    reg = Register.open(url, Actor("postgres", f"Agent {i}", "agent"), migrate=False)
    team.take_next_case(reg)  # connected, its statements prepared, as a running app is
    times = []
    barrier.wait()
    cpu = time.process_time()
    for _ in range(per):
        s = time.perf_counter()
        team.take_next_case(reg)
        times.append(time.perf_counter() - s)
    out.put((times, time.process_time() - cpu))
    reg.dispose()


def process_takes(url: str, agents: int, per: int) -> tuple[list[float], float]:
    """``agents`` processes taking ``per`` cases each, at once: (times, CPU per take)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(agents), ctx.Queue()
    procs = [ctx.Process(target=_agent_process, args=(url, i, per, barrier, out)) for i in range(agents)]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    times = sorted(x for r, _c in results for x in r)
    return times, sum(c for _r, c in results) / max(1, len(times))


def copy_register(engine: Any, copies: int) -> None:
    """Copy every case ``copies - 1`` times, and the status moves of their history (see
    the module's note); prints how long each part took."""
    from muse_care.store.models import CaseRecord, HistoryRecord

    cols = ", ".join(c.name for c in CaseRecord.__table__.c if c.name not in ("id", "is_open", "reference"))
    hcols = ", ".join(c.name for c in HistoryRecord.__table__.c if c.name not in ("id", "case_id", "hash"))
    with engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")  # no triggers
        top = conn.exec_driver_sql("SELECT max(id) FROM cases").scalar()
        t = time.perf_counter()
        n = conn.exec_driver_sql(
            f"INSERT INTO cases (id, reference, {cols}) SELECT c.id + k * {top}, c.reference || '-' || k, {cols} "
            f"FROM cases c, generate_series(1, {copies - 1}) k WHERE c.id <= {top} ORDER BY k, c.id").rowcount
        print(f"  {n:,} cases copied in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        n = conn.exec_driver_sql(
            f"INSERT INTO history (case_id, hash, {hcols}) SELECT h.case_id + k * {top}, "
            f"encode(sha256(convert_to(h.hash || '/' || k, 'UTF8')), 'hex'), {hcols} "
            f"FROM history h, generate_series(1, {copies - 1}) k "
            f"WHERE h.what = 'status' AND h.case_id <= {top} ORDER BY k, h.id").rowcount
        print(f"  {n:,} status moves copied in {time.perf_counter() - t:.1f} s")
        conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))")
        fill = conn.exec_driver_sql("SELECT to_regproc('muse_dashboard_fill')").scalar()
        if fill:
            t = time.perf_counter()
            conn.exec_driver_sql("SELECT muse_dashboard_fill()")
            print(f"  the dashboard's kept counts filled (as migration 0022 does) in {time.perf_counter() - t:.1f} s")


def median_p95(times: list[float]) -> tuple[float, float]:
    return 1000 * times[len(times) // 2], 1000 * times[int(len(times) * .95)]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=100_000)
    p.add_argument("--agents", type=int, default=4)
    p.add_argument("--takes", type=int, default=200)
    p.add_argument("--copies", type=int, default=1,
                   help="copy the loaded cases in SQL until there are COPIES times as many")
    p.add_argument("--processes", action="store_true",
                   help="also run each agent in its own process (as on their own computers)")
    p.add_argument("--keep", metavar="NAME", default="",
                   help="build the register in database NAME and keep it (bench_team_queue.py --db NAME)")
    p.add_argument("--reuse", metavar="NAME", default="",
                   help="measure on the register kept in database NAME (--keep), upgraded to this "
                        "version's schema first (timed), and keep it")
    p.add_argument("--no-upgrade", action="store_true",
                   help="with --reuse: measure the register's schema as it is (another version's)")
    p.add_argument("--takes-only", action="store_true", help="measure take-next only")
    args = p.parse_args()
    name = args.reuse or args.keep or f"muse_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    if not args.reuse:
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN).set(database=name).render_as_string(hide_password=False)
    try:
        engine = db.make_engine(url)
        t = time.perf_counter()
        if not args.no_upgrade:
            db.upgrade(engine)
        if args.reuse:
            print(f"reused {name} at revision {db.current_revision(engine)} "
                  f"({time.perf_counter() - t:.1f} s to upgrade it)")
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS bare_queue")
                conn.exec_driver_sql("DROP TABLE IF EXISTS bench_commits")
                conn.exec_driver_sql("UPDATE cases SET assignee = '' WHERE is_open AND assignee <> ''")
        engine.dispose()
        lead = Register.open(url, Actor("postgres", "Lead", "lead"), migrate=False)
        if not args.reuse:
            t = time.perf_counter()
            generate(lead, args.cases)
            print(f"{args.cases:,} demo cases loaded in {time.perf_counter() - t:.1f} s")
            with lead.engine.begin() as conn:  # hand every open case back to the queue
                conn.exec_driver_sql("UPDATE cases SET assignee = '' WHERE is_open")
        if args.copies > 1 and not args.reuse:
            t = time.perf_counter()
            copy_register(lead.engine, args.copies)
            print(f"copied to {args.cases * args.copies:,} cases in {time.perf_counter() - t:.1f} s")
        with lead.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # as autovacuum leaves it (index-only scans); a reused register: the last run's takes
            conn.exec_driver_sql("VACUUM ANALYZE cases" if args.reuse else "VACUUM ANALYZE")
        with lead.engine.begin() as conn:  # the plain copy for the first floor
            conn.exec_driver_sql("CREATE TABLE bare_queue AS SELECT id, assignee, is_open, due_date FROM cases")
            conn.exec_driver_sql("ALTER TABLE bare_queue ADD PRIMARY KEY (id)")
            conn.exec_driver_sql("CREATE INDEX ix_bare_queue ON bare_queue (assignee, is_open, due_date, id)")
            conn.exec_driver_sql("ANALYZE bare_queue")
            conn.exec_driver_sql("CREATE TABLE bench_commits (id bigserial PRIMARY KEY, v text)")
        regs = [Register.open(url, Actor("postgres", f"Agent {i}", "agent"), migrate=False)
                for i in range(args.agents)]
        per = args.takes // args.agents
        commits = lock_commits(url, args.agents, per)
        vacuum(url)
        bare = bare_takes(url, args.agents, per, "bare_queue")
        vacuum(url)
        bare_cases = bare_takes(url, args.agents, per, "cases")
        vacuum(url)
        own = statement_takes(url, args.agents, per) if hasattr(team, "take_next_statement") else []
        vacuum(url)
        own_read = statement_takes(url, args.agents, per, read=True) if hasattr(team, "take_next_statement") else []
        vacuum(url)
        for r in regs:  # connected, its statements prepared, as a running app is
            team.take_next_case(r)
        pids = [p for r in regs for p in backend_pids(r)]
        barrier = threading.Barrier(args.agents)

        def take(reg: Register) -> list[float]:
            out = []
            barrier.wait()
            for _ in range(per):
                s = time.perf_counter()
                team.take_next_case(reg)
                out.append(time.perf_counter() - s)
            return out

        t, cpu, server0 = time.perf_counter(), time.process_time(), server_cpu(pids)
        with ThreadPoolExecutor(args.agents) as pool:
            times = sorted(x for r in pool.map(take, regs) for x in r)
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        server1 = server_cpu(pids)
        server = None if server0 is None or server1 is None else (server1 - server0) / len(times)
        med, p95 = median_p95(times)
        floor, floor_p95 = median_p95(bare)
        chained, chained_p95 = median_p95(bare_cases)
        queue, queue_p95 = median_p95(commits)
        print(f"take next: {len(times)} takes by {args.agents} agents in {wall:.2f} s; "
              f"median {med:.1f} ms, p95 {p95:.1f} ms; this client's CPU {1000 * cpu / len(times):.2f} ms a take"
              + ("" if server is None else f", the server's {1000 * server:.2f} ms (its {len(pids)} backends); "
                 f"load {os.getloadavg()[0]:.2f}"))
        print(f"  floor, the chain's queue alone: one advisory lock + one small INSERT + COMMIT, at once: "
              f"median {queue:.1f} ms, p95 {queue_p95:.1f} ms")
        print(f"  floor, bare SELECT ... FOR UPDATE SKIP LOCKED + UPDATE + COMMIT on a plain table: "
              f"median {floor:.1f} ms, p95 {floor_p95:.1f} ms")
        print(f"  floor, the same statements on cases (history triggers, one chain lock): "
              f"median {chained:.1f} ms, p95 {chained_p95:.1f} ms")
        if own:
            own_med, own_p95 = median_p95(own)
            read_med, read_p95 = median_p95(own_read) if own_read else (float("nan"), float("nan"))
            print(f"  floor, MUSE Care's take statement alone (its own transaction, no window read): "
                  f"median {own_med:.1f} ms, p95 {own_p95:.1f} ms")
            print(f"  floor, the same and the window's read of the case (rows fetched, no view built): "
                  f"median {read_med:.1f} ms, p95 {read_p95:.1f} ms")
            # the floors a take is measured against (docs/performance.md, "Take-next toward
            # its floor"): the server's part, raw psycopg, no Python work around it
            row(f"team: take next floor, the take statement alone, {args.agents} agents at once (PostgreSQL; "
                "raw psycopg, no window read)", f"{own_med:.1f} ms median (p95 {own_p95:.0f} ms)",
                f"the same on cases, with the history chain, {chained:.1f} ms", own_med / chained if chained else None,
                "<= 20 ms", own_med <= 20)
            if own_read:
                row(f"team: take next floor, the take and the window's read, {args.agents} agents at once "
                    "(PostgreSQL; raw psycopg, no view built)", f"{read_med:.1f} ms median (p95 {read_p95:.0f} ms)",
                    f"the take statement alone {own_med:.1f} ms", read_med / own_med if own_med else None,
                    "<= 20 ms", read_med <= 20)
        row(f"team: take next, {args.agents} agents at once, {args.cases * args.copies:,} cases (PostgreSQL)",
            f"{med:.1f} ms median (p95 {p95:.0f} ms)",
            f"bare SKIP LOCKED take {floor:.1f} ms; the same on cases, with the history chain, {chained:.1f} ms; "
            f"a lock held across one commit {queue:.1f} ms"
            + (f"; MUSE Care's take statement alone {median_p95(own)[0]:.1f} ms" if own else "")
            + ("" if server is None else f"; CPU a take: this client {1000 * cpu / len(times):.2f} ms, "
               f"the server {1000 * server:.2f} ms"),
            med / chained if chained else None, "<= 20 ms", med <= 20)
        if args.processes:
            vacuum(url)
            ptimes, pcpu = process_takes(url, args.agents, per)
            pmed, pp95 = median_p95(ptimes)
            print(f"take next, each agent its own process: median {pmed:.1f} ms, p95 {pp95:.1f} ms; "
                  f"CPU {1000 * pcpu:.1f} ms a take in each")
            row(f"team: take next, {args.agents} agents at once, each its own process, {args.cases * args.copies:,} cases "
                "(PostgreSQL)", f"{pmed:.1f} ms median (p95 {pp95:.0f} ms)",
                f"the same on cases, with the history chain, {chained:.1f} ms",
                pmed / chained if chained else None, "<= 20 ms", pmed <= 20)
        for _ in range(0 if args.takes_only else 2):
            t = time.perf_counter()
            data = dashboard_data(lead)
            dash = 1000 * (time.perf_counter() - t)
            print(f"dashboard: {dash:.0f} ms ({data.open_total:,} open)")
        if args.takes_only:
            for r in [lead, *regs]:
                r.dispose()
            return
        with lead.engine.connect() as conn:  # what reading the figures would cost
            t = time.perf_counter()
            conn.exec_driver_sql("SELECT count(*) FROM cases WHERE is_open").scalar()
            floor_open = 1000 * (time.perf_counter() - t)
            t = time.perf_counter()
            conn.exec_driver_sql("SELECT count(*) FROM history WHERE what = 'status' "
                                 "AND new_value IN ('responded', 'refused')").scalar()
            floor_moves = 1000 * (time.perf_counter() - t)
        print(f"  floor: counting the open cases {floor_open:.0f} ms, the answered moves {floor_moves:.0f} ms")
        total = args.cases * args.copies
        row(f"team: the lead's dashboard, {total:,} cases", f"{dash:.0f} ms",
            f"count(*) of the open cases {floor_open:.0f} ms", dash / floor_open if floor_open else None,
            "<= 100 ms", dash <= 100)
        if args.copies > 1:
            print("export: skipped (--copies)")
        else:
            with tempfile.TemporaryDirectory() as d:
                t = time.perf_counter()
                n = export_register_csv(lead, data.as_of.replace(year=data.as_of.year - 3), data.as_of,
                                        os.path.join(d, "r.csv"))
                print(f"export: {n:,} cases in {time.perf_counter() - t:.2f} s")
        for r in [lead, *regs]:
            r.dispose()
    finally:
        with admin.connect() as c:
            if args.keep or args.reuse:
                print(f"kept: database {name}")
            else:
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
