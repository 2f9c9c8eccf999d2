"""How fast `muse-care demo --cases N` fills a fresh database.

    .venv/bin/python bench/bench_demo.py [--cases 1000000] [--pg] [--verify] [--profile]

SQLite: a fresh migrated file in a temporary folder (deleted afterwards).
``--pg``: a fresh database on MUSE_CARE_TEST_PG (default: the local server), dropped
afterwards. ``--verify`` also checks the row counts, the history's hash chain and a
full-text search for one demo requester. ``--profile`` prints the top of a cProfile run.
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


def raw_executemany(n: int) -> float:
    """The floor: ``n`` rows of 33 columns into a bare table with plain sqlite3."""
    import sqlite3

    with tempfile.TemporaryDirectory() as d:
        con = sqlite3.connect(Path(d) / "raw.sqlite3")
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, " + ", ".join(f"c{i}" for i in range(33)) + ")")
        sql = "INSERT INTO t VALUES (NULL, " + ", ".join("?" * 33) + ")"
        started = time.perf_counter()
        for start in range(0, n, 20_000):
            con.executemany(sql, [(f"MC-{i:09d}", "new", "uk-gdpr", "Aisha Khan", f"a{i}@example.com", i,
                                   *(["x" * 12] * 27)) for i in range(start, min(n, start + 20_000))])
        con.commit()
        took = time.perf_counter() - started
        con.close()
    return took


def _run(url: str, args: argparse.Namespace) -> None:
    engine = db.make_engine(url)
    db.upgrade(engine)
    engine.dispose()
    reg = Register.open(url, Actor("postgres", "Bench"), migrate=False, now=lambda: NOW)
    try:
        kwargs = {} if args.threshold is None else {"large_threshold": args.threshold}
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
        started = time.perf_counter()
        report = generate(reg, args.cases, seed=args.seed, **kwargs)
        wall = time.perf_counter() - started
        if args.profile:
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
        print(f"{reg.dialect}: {report.cases:,} demo cases in {wall:.1f} s "
              f"({report.cases / wall:,.0f} cases/s)")
        path = db.sqlite_file(url)
        if path is not None:
            floor = raw_executemany(args.cases)
            print(f"raw executemany of {args.cases:,} rows of the same width: {floor:.1f} s")
            projected = wall * 1_000_000 / report.cases
            row(f"demo data, {report.cases:,} cases on SQLite", f"{wall:.1f} s ({report.cases / wall:,.0f} cases/s; "
                f"1M in ~{projected:.0f} s)", f"raw executemany {floor:.1f} s", wall / floor,
                "1M in <= 30 s", projected <= 30)
            print(f"file: {path.stat().st_size / 1e6:,.0f} MB")
        if args.verify:
            with reg.read() as s:
                counts = {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                          for t in ("cases", "history", "identity_checks", "clock_events", "notes")}
                print("rows:", counts)
                postcode = s.execute(text("SELECT postcode FROM cases ORDER BY id DESC LIMIT 1")).scalar()
                if reg.dialect == "sqlite":
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
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--pg", action="store_true", help="PostgreSQL instead of SQLite")
    p.add_argument("--threshold", type=int, default=None,
                   help="large_threshold passed to generate (default: its own)")
    p.add_argument("--verify", action="store_true")
    p.add_argument("--profile", action="store_true")
    args = p.parse_args()
    logging.basicConfig(format="  %(message)s")
    logging.getLogger("muse_care.services.demo").setLevel(logging.INFO)
    if not args.pg:
        with tempfile.TemporaryDirectory() as d:
            _run(f"sqlite:///{Path(d) / 'bench.sqlite3'}", args)
        return
    name = f"muse_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        _run(make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False), args)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
