"""How fast `muse-care demo --cases N` fills a fresh database, beside the floor of the same rows.

    .venv/bin/python bench/bench_demo.py [--full] [--cases N] [--pg-cases N] [--pg | --no-pg]
                                         [--one-process] [--verify] [--profile]

Quick sizes: 100,000 cases on SQLite and 10,000 on PostgreSQL; ``--full``: 1,000,000 on
each (issue 16's target). SQLite: a fresh migrated file in a temporary folder (deleted
afterwards); PostgreSQL: a fresh database on MUSE_CARE_TEST_PG (default: the local
server), dropped afterwards. ``--pg`` runs only PostgreSQL, ``--no-pg`` only SQLite.

The floor is the same rows (every table the load fills, the history's word and row
entries included) read back and written again, timed alone, into bare tables of the same
columns (no index, constraint or trigger): plain ``sqlite3`` ``executemany`` on SQLite,
psycopg ``COPY`` on PostgreSQL. ``--verify`` also checks the row counts, the history's
hash chain and a full-text search for one demo requester. ``--profile`` prints the top
of a cProfile run.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import row

from muse_care.services.demo import generate
from muse_care.services.history import verify_chain
from muse_care.services.register import Actor, Register
from muse_care.store import db

PG_ADMIN = os.environ.get("MUSE_CARE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


TABLES = ("cases", "clock_events", "identity_checks", "notes", "case_tasks", "case_recipients", "approvals",
          "history")
CHUNK = 20_000


def _columns(reg: Register, table: str) -> list[str]:
    """The table's stored columns (not the generated ones: the floor writes what a load writes)."""
    with reg.read() as s:
        if reg.dialect == "sqlite":
            return [r[1] for r in s.execute(text(f'PRAGMA table_xinfo("{table}")')) if r[6] == 0]
        return list(s.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = :t AND table_schema = 'public' "
            "AND is_generated = 'NEVER' ORDER BY ordinal_position"), {"t": table}).scalars())


def floor_sqlite(reg: Register) -> tuple[float, int]:
    """(seconds, rows): every loaded row written again with plain sqlite3 ``executemany``
    into bare tables in a fresh file; only the writes and the commit are timed."""
    import sqlite3

    path = db.sqlite_file(reg.url)
    src = sqlite3.connect(path)
    took, rows = 0.0, 0
    with tempfile.TemporaryDirectory() as d:
        con = sqlite3.connect(Path(d) / "floor.sqlite3")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=OFF")
        for table in TABLES:
            cols = _columns(reg, table)
            con.execute(f"CREATE TABLE {table} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in cols)})")
            sql = f"INSERT INTO {table} VALUES ({', '.join('?' * len(cols))})"
            cur = src.execute(f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in cols)} FROM {table}")
            while chunk := cur.fetchmany(CHUNK):
                started = time.perf_counter()
                con.executemany(sql, chunk)
                took += time.perf_counter() - started
                rows += len(chunk)
        started = time.perf_counter()
        con.commit()
        took += time.perf_counter() - started
        con.close()
    src.close()
    return took, rows


def floor_copy(reg: Register) -> tuple[float, int]:
    """(seconds, rows): every loaded row sent again with psycopg ``COPY`` into bare tables
    (``LIKE`` the real ones: columns only) in the same database; only COPY and the commit
    are timed, the bare tables dropped afterwards."""
    import psycopg

    url = make_url(reg.url)
    took, rows = 0.0, 0
    with psycopg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                         dbname=url.database) as src, \
            psycopg.connect(host=url.host, port=url.port, user=url.username, password=url.password,
                            dbname=url.database) as dst:
        for table in TABLES:
            cols = ", ".join(f'"{c}"' for c in _columns(reg, table))
            dst.execute(f'CREATE TABLE "floor_{table}" AS SELECT {cols} FROM "{table}" WITH NO DATA')
            dst.commit()
            with src.cursor(name=f"floor_{table}") as cur:
                cur.execute(f'SELECT {cols} FROM "{table}"')
                while chunk := cur.fetchmany(CHUNK):
                    started = time.perf_counter()
                    with dst.cursor().copy(f'COPY "floor_{table}" ({cols}) FROM STDIN') as copy:
                        for r in chunk:
                            copy.write_row(r)
                    took += time.perf_counter() - started
                    rows += len(chunk)
            started = time.perf_counter()
            dst.commit()
            took += time.perf_counter() - started
        for table in TABLES:
            dst.execute(f'DROP TABLE "floor_{table}"')
        dst.commit()
    return took, rows


def _run(url: str, cases: int, args: argparse.Namespace) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    reg = Register.open(url, Actor("postgres", "Bench"), migrate=False, now=lambda: NOW)
    try:
        kwargs = {} if args.threshold is None else {"large_threshold": args.threshold}
        if args.one_process:
            kwargs["child_threshold"] = cases + 1
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
        started = time.perf_counter()
        report = generate(reg, cases, seed=args.seed, **kwargs)
        wall = time.perf_counter() - started
        if args.profile:
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        rate = report.cases / wall
        print(f"{reg.dialect}: {report.cases:,} demo cases in {wall:.1f} s ({rate:,.0f} cases/s)")
        sqlite = reg.dialect == "sqlite"
        floor, rows = floor_sqlite(reg) if sqlite else floor_copy(reg)
        how = "raw executemany" if sqlite else "raw COPY"
        print(f"{how} of the same {rows:,} rows into bare tables: {floor:.1f} s")
        projected = wall * 1_000_000 / report.cases
        where = "SQLite" if sqlite else "PostgreSQL (COPY)"
        row(f"demo data, {report.cases:,} cases on {where}",
            f"{wall:.1f} s ({rate:,.0f} cases/s; 1M in ~{projected:.0f} s)",
            f"{how} of the same {rows:,} rows {floor:.1f} s", wall / floor if floor else None,
            "1M in <= 30 s" if sqlite else "about SQLite's rate", projected <= 30 if sqlite else None)
        path = db.sqlite_file(url)
        if path is not None:
            print(f"file: {path.stat().st_size / 1e6:,.0f} MB")
        if args.verify:
            with reg.read() as s:
                counts = {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in TABLES}
                print("rows:", counts)
                postcode = s.execute(text("SELECT postcode FROM cases ORDER BY id DESC LIMIT 1")).scalar()
                if sqlite:
                    hits = s.execute(text("SELECT count(*) FROM case_search WHERE case_search MATCH :q"),
                                     {"q": f'postcode:"{postcode}"'}).scalar()
                else:
                    hits = s.execute(text("SELECT count(*) FROM cases WHERE postcode = :q"),
                                     {"q": postcode}).scalar()
                print(f"search for postcode {postcode}: {hits:,} cases")
                t = time.perf_counter()
                chain = verify_chain(s)
                print(f"audit verify: ok={chain.ok} entries={chain.entries:,} "
                      f"({time.perf_counter() - t:.1f} s) {chain.problem}")
    finally:
        reg.dispose()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--full", action="store_true", help="issue 16's sizes: 1,000,000 cases on each")
    p.add_argument("--cases", type=int, default=None, help="cases on SQLite (quick 100,000; --full 1,000,000)")
    p.add_argument("--pg-cases", type=int, default=None,
                   help="cases on PostgreSQL (quick 10,000; --full 1,000,000)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--pg", action="store_true", help="only PostgreSQL")
    which.add_argument("--no-pg", action="store_true", help="only SQLite")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--threshold", type=int, default=None,
                   help="large_threshold passed to generate (default: its own)")
    p.add_argument("--one-process", action="store_true",
                   help="draw the rows in this process too (as before the worker process: for a before/after)")
    p.add_argument("--verify", action="store_true")
    p.add_argument("--profile", action="store_true")
    args = p.parse_args()
    logging.basicConfig(format="  %(message)s")
    logging.getLogger("muse_care.services.demo").setLevel(logging.INFO)
    if not args.pg:
        with tempfile.TemporaryDirectory() as d:
            _run(f"sqlite:///{Path(d) / 'bench.sqlite3'}",
                 args.cases or (1_000_000 if args.full else 100_000), args)
    if args.no_pg:
        return
    name = f"muse_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        _run(make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False),
             args.pg_cases or (1_000_000 if args.full else 10_000), args)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
