"""Team mode's queue at first paint on PostgreSQL: the real queue model and table
(offscreen) on a register kept by ``bench_team.py --keep NAME`` (e.g. 1,000,000 cases:
``bench_team.py --cases 20000 --copies 50 --keep NAME``), timed from choosing a view to
the end of the first paint of its rows, beside the floor: the SELECT statements the
model ran before that paint, captured as it ran them and replayed on raw psycopg (warm),
so the ratio is the window's own overhead (worker round trip, SQLAlchemy, rows, paint);
beside it ``queue.fetch_rows`` called alone and a bare repaint of the same visible rows
(the raw SQL plus one repaint is what no window can beat).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_team_queue.py --db NAME

Each figure is the median of five; the view before each is Closed, as an agent clicks
from one saved view to another. Nothing here writes to the register.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _table import row
from _window import Capture, queue_window, replay

ADMIN = os.environ.get("MUSE_CARE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REPEATS = 5


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", required=True, help="the database kept by bench_team.py --keep")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each captured statement")
    args = p.parse_args(argv)

    import psycopg
    from sqlalchemy.engine import make_url

    from muse_care.services.queue import QueueQuery
    from muse_care.services.register import Actor, Register
    from muse_care.ui.context import AppContext
    from muse_care.ui.qt import QtCore, QtWidgets
    from muse_care.ui.queue_model import QueueModel

    url = make_url(ADMIN).set(database=args.db).render_as_string(hide_password=False)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    _app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["bench"])  # kept alive
    reg = Register.open(url, Actor("postgres", "Agent", "agent"), migrate=False)
    raw = psycopg.connect(dsn, autocommit=True)
    total = raw.execute("SELECT count(*) FROM cases WHERE is_open").fetchone()[0]

    cap = Capture(reg.engine)

    folder = tempfile.mkdtemp(prefix="muse-care-bench-")
    ctx = AppContext(reg, reg.actor, settings=QtCore.QSettings(os.path.join(folder, "l.ini"),
                                                               QtCore.QSettings.Format.IniFormat))
    model = QueueModel(ctx)
    view, paint_ends, until = queue_window(ctx, model, default_timeout=300)

    shown: list[QueueQuery] = []

    def page_shown(_n: int) -> None:
        cap.on = False  # the page's statements only, not the count that follows
        shown.append(model.query)

    model.first_page_shown.connect(page_shown)

    def first_page(q: QueueQuery) -> tuple[float, float, list[tuple[str, Any]]]:
        until(lambda: ctx.worker.idle and model.count_known)
        cap.statements.clear()
        shown.clear()
        paint_ends.clear()
        cap.on = True
        at: list[int] = []
        started = time.perf_counter()

        def painted() -> bool:
            if not at and shown and shown[-1] == q:
                at.append(len(paint_ends))
            return bool(at) and len(paint_ends) > at[0]

        model.set_query(q)
        until(painted)
        window = (paint_ends[at[0]] - started) * 1000
        cap.on = False
        statements = list(cap.statements)
        until(lambda: ctx.worker.idle and model.count_known)
        return window, replay(raw, statements), statements

    closed = QueueQuery("closed")
    views = [("all open", QueueQuery("all-open")), ("the unassigned pool", QueueQuery("unassigned")),
             ("mine", QueueQuery("mine"))]
    first_page(closed)  # warm-up
    for _label, q in views:
        first_page(q)
    from muse_care.services import queue

    def repaint() -> float:
        """A repaint of the visible rows alone (SQL plus one of these: what no window beats)."""
        times = []
        for _ in range(11):
            t = time.perf_counter()
            view.viewport().repaint()
            times.append(1000 * (time.perf_counter() - t))
        return statistics.median(times)

    def service(q: QueueQuery) -> float:
        """``queue.fetch_rows`` for the page, called here (no worker, no model, no paint)."""
        times = []
        for _ in range(5):
            t = time.perf_counter()
            queue.fetch_rows(reg, q, 0, queue.PAGE_SIZE)
            times.append(1000 * (time.perf_counter() - t))
        return statistics.median(times)

    load = os.getloadavg()[0]
    for label, q in views:
        runs = []
        for _ in range(REPEATS):
            first_page(closed)
            runs.append(first_page(q))
        win = statistics.median(r[0] for r in runs)
        floor = statistics.median(r[1] for r in runs)
        bare = repaint()
        alone = service(q)
        print(f"first paint, {label}: {win:.1f} ms; the page's statements on raw psycopg {floor:.1f} ms "
              f"({len(runs[-1][2])} statements); queue.fetch_rows alone {alone:.1f} ms; a bare repaint of "
              f"the rows {bare:.1f} ms; raw SQL + repaint {floor + bare:.1f} ms ({win / (floor + bare):.2f}x); "
              f"load {load:.2f}")
        if args.explain:
            for sql, params in runs[-1][2]:
                print("  ", " ".join(sql.split())[:300])
                for (line,) in raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).fetchall():
                    print("     ", line)
        row(f"team queue: first paint of {label}, {total:,} open cases (PostgreSQL)", f"{win:.0f} ms",
            f"the page's statements on raw psycopg {floor:.1f} ms; with a bare repaint of the rows "
            f"{floor + bare:.1f} ms", win / floor if floor else None,
            "<= 1.5x the raw page query", floor > 0 and win <= 1.5 * floor)
    model.deleteLater()
    ctx.worker.shutdown()
    raw.close()
    reg.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
