"""The queue at 100,000 and 1,000,000 cases: time to first paint, to re-sort, to search
and to jump to the bottom, and the memory used, each beside the raw database query for
the same page, so the window's overhead is a ratio. No assertions: it prints.

    QT_QPA_PLATFORM=offscreen python bench/bench_queue.py            # 100k and 1M
    QT_QPA_PLATFORM=offscreen python bench/bench_queue.py --sizes 100000

Cases are written by a raw ``executemany`` bulk path (the fastest here: docs/machine.md, "Speed measurements")
into a temporary SQLite file migrated as the application would; the FTS triggers fire
as they do in real use. Pass ``--demo`` to use ``muse_care.services.demo`` instead
(realistic, slower).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _table import row  # noqa: E402

FIRST = ["Aisha", "Tom", "Li", "Giulia", "Jörg", "Chloë", "Muhammad", "Fatima", "Hiroshi", "Ana", "Olu",
         "Priya", "Łukasz", "Sofia", "Wei", "Zainab", "James", "Mei", "Ahmed", "Nadia"]
LAST = ["Khan", "Baker", "Wei", "Rossi", "Schröder", "Smith", "Ali", "Hussain", "Tanaka", "Silva",
        "Adeyemi", "Patel", "Żółć", "Bianchi", "Chen", "Malik", "Jones", "Wong", "Hassan", "Novak"]
POSTCODES = ["SW1A 2AA", "EC1A 1BB", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "BS1 4DJ",
             "LS1 4AP", "G1 1XQ", "00184", "20121", "10115", "54770"]
STATUSES = ["new", "awaiting-identity", "in-progress", "awaiting-clarification", "awaiting-approval",
            "responded", "closed", "refused", "withdrawn"]
RIGHTS = ["access", "erasure", "rectification", "marketing-opt-out", "portability", "objection",
          "access,erasure", "restriction"]
CHANNELS = ["phone", "email", "post", "live-chat", "my-account"]
AGENTS = ["aisha", "tom", "li.wei", "giulia", ""]


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def postcode(rng: random.Random) -> str:
    """A UK-shaped postcode of realistic cardinality (a handful of households each at
    1M cases), not one of a few shared by 7% of the register."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return (f"{rng.choice(['SW', 'EC', 'M', 'B', 'LS', 'G', 'BS', 'CR', 'DN', 'W'])}{rng.randint(1, 20)} "
            f"{rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}")


def bulk_cases(path: Path, n: int, seed: int = 7) -> float:
    """Write ``n`` plausible cases with raw executemany; returns seconds."""
    from muse_care.domain.reference import ALPHABET, _check_char

    rng = random.Random(seed)
    today = date(2026, 11, 25)
    now = "2026-11-25 10:00:00.000000"
    started = time.perf_counter()
    from muse_care.store.history_sql import register_sqlite_functions

    con = sqlite3.connect(path)
    # the history triggers call our functions; a bulk load pauses their row entries
    register_sqlite_functions(con, {"bulk": True})
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    cols = ("reference, status, regime, holiday_region, channel, rights, received_at, received_date, "
            "requester_name, requester_email, requester_phone, address_lines, postcode, city, region, "
            "country, account_ref, acting_for, representative_name, representative_authority, assignee, "
            "clock_start, due_date, original_due, extended, waiting_for, due_explained, acknowledge_by, "
            "created_at, created_by, updated_at, updated_by, version")
    sql = f"INSERT INTO cases ({cols}) VALUES ({', '.join('?' * 33)})"
    seen: set[str] = set()
    batch: list[tuple[Any, ...]] = []
    for i in range(n):
        while True:
            body = "".join(rng.choice(ALPHABET) for _ in range(6))
            full = body + _check_char(body)
            ref = f"MC-{full[:3]}-{full[3:]}"
            if ref not in seen:
                seen.add(ref)
                break
        status = rng.choices(STATUSES, weights=[8, 10, 12, 4, 3, 20, 35, 4, 4])[0]
        received = today - timedelta(days=rng.randint(0, 400))
        stopped = status == "awaiting-identity" and rng.random() < 0.7
        due = None if stopped else received + timedelta(days=30 + rng.randint(0, 3))
        # one requester in three is a Smith: the "term matching 30% of cases" of issue 16
        first, last = rng.choice(FIRST), ("Smith" if rng.random() < 0.3 else rng.choice(LAST))
        batch.append((
            ref, status, "uk-gdpr", "GB-ENG", rng.choice(CHANNELS), rng.choice(RIGHTS),
            f"{received.isoformat()} 09:30:00.000000", received.isoformat(), f"{first} {last}",
            f"{first.lower()}.{last.lower()}{i}@example.com", f"+4479{rng.randint(0, 99_999_999):08d}",
            f"{rng.randint(1, 200)} High Street", postcode(rng), "London", "", "GB", "", "self", "",
            "", rng.choice(AGENTS), None if stopped else received.isoformat(),
            due.isoformat() if due else None, due.isoformat() if due else None, 0,
            "identity" if stopped else None, "", None, now, "bench", now, "bench", 1))
        if len(batch) == 20000:
            con.executemany(sql, batch)
            batch.clear()
    if batch:
        con.executemany(sql, batch)
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return time.perf_counter() - started


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return (time.perf_counter() - started) * 1000, result


def open_many(ctx: Any, until: Callable[..., None], opens: int) -> tuple[float, float]:
    """Open ``opens`` cases one after another in the main window (as Down-arrowing
    through the queue does); the RSS after a warm-up of 50 and at the end."""
    from muse_care.ui.main_window import MainWindow

    window = MainWindow(ctx)
    window.show()
    shown: list[Any] = []
    window.case_view.case_shown.connect(shown.append)
    before = 0.0
    for i in range(opens + 50):
        if i == 50:
            gc.collect()
            before = rss_mb()
        window.case_view.load(1 + (i * 7919) % opens)
        until(lambda i=i: len(shown) > i and ctx.worker.idle)
    gc.collect()
    after = rss_mb()
    window.close()
    return before, after


def run(n: int, use_demo: bool, opens: int = 1000) -> dict[str, Any]:
    from muse_care.services import queue
    from muse_care.services.queue import QueueQuery
    from muse_care.services.register import Actor, Register
    from muse_care.ui.context import AppContext
    from muse_care.ui.qt import QtCore, QtWidgets
    from muse_care.ui.queue_model import QueueModel

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["bench"])
    folder = Path(tempfile.mkdtemp(prefix="muse-care-bench-"))
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    fixed = datetime(2026, 11, 25, 10, tzinfo=timezone.utc)
    reg = Register.open(url, Actor("aisha", "Aisha Khan"), now=lambda: fixed)
    if use_demo:
        from muse_care.services.demo import generate

        t0 = time.perf_counter()
        generate(reg, n)
        write_s = time.perf_counter() - t0
    else:
        write_s = bulk_cases(folder / "bench.sqlite3", n)
    reg.dispose()
    reg = Register.open(url, Actor("aisha", "Aisha Khan"), now=lambda: fixed)
    size_mb = (folder / "bench.sqlite3").stat().st_size / 1e6
    gc.collect()
    rss_before = rss_mb()

    # raw: the same queries called directly, no Qt, no worker (second run: warm cache)
    def raw(q: QueueQuery) -> float:
        timed(lambda: queue.first_page(reg, q))
        return timed(lambda: queue.first_page(reg, q))[0]

    con = sqlite3.connect(folder / "bench.sqlite3")
    selective = con.execute("SELECT postcode FROM cases WHERE id = ?", (n // 2,)).fetchone()[0]
    common = "Smith"
    share = con.execute("SELECT count(*) FROM cases WHERE requester_name LIKE '% Smith'").fetchone()[0] / n

    def raw_page(q: QueueQuery) -> float:
        """The floor: the page's own statement, compiled once, run on plain sqlite3."""
        sql = str(queue.page_statement(reg, q).compile(reg.engine, compile_kwargs={"literal_binds": True}))
        con.execute(sql).fetchall()
        return timed(lambda: con.execute(sql).fetchall())[0]

    def keystrokes(term: str) -> tuple[float, float, float]:
        """Type ``term`` one character at a time: the median over keystrokes of the first
        page the window asks for (queue.first_page, which also counts), of the page
        alone, and of the raw statement."""
        page, rows_only, floor = [], [], []
        for i in range(1, len(term) + 1):
            q = QueueQuery(search=term[:i])
            if not queue.search_filter(reg, q.search) is not None:
                continue
            page.append(timed(lambda: queue.first_page(reg, q))[0])
            rows_only.append(timed(lambda: queue.fetch_rows(reg, q, 0, queue.PAGE_SIZE, total=queue.PAGE_SIZE))[0])
            floor.append(raw_page(q))
        med = statistics.median
        return med(page), med(rows_only), med(floor)

    typing = {"selective": (selective, *keystrokes(selective)), "common": (common, *keystrokes(common))}

    open_q = QueueQuery("all-open")
    raw_first = raw(open_q)
    raw_sort = raw(QueueQuery("all-open", sort="requester"))
    raw_sort_desc = raw(QueueQuery("all-open", sort="requester", descending=True))
    raw_search = raw(QueueQuery(search=selective))
    total = queue.count(reg, open_q)
    raw_bottom = timed(lambda: queue.fetch_rows(reg, open_q, total - 200, 200, total=total))[0]
    raw_middle = timed(lambda: queue.fetch_rows(reg, open_q, total // 2 - 100, 200, total=total))[0]

    ctx = AppContext(reg, reg.actor, settings=QtCore.QSettings(str(folder / "l.ini"),
                                                               QtCore.QSettings.Format.IniFormat))
    model = QueueModel(ctx)
    view = QtWidgets.QTableView()
    view.setModel(model)
    view.resize(1200, 700)
    view.show()

    def until(cond: Callable[[], bool], timeout: float = 120) -> None:
        """Run the event loop (sleeping, as the real window does) until ``cond``: a busy
        processEvents loop would hold the GIL and slow the worker thread down."""
        if cond():
            return
        loop = QtCore.QEventLoop()
        timer = QtCore.QTimer(interval=1)
        timer.timeout.connect(lambda: cond() and loop.quit())
        end = time.perf_counter() + timeout
        timer.timeout.connect(lambda: time.perf_counter() > end and loop.quit())
        timer.start()
        loop.exec()
        timer.stop()
        if not cond():
            raise TimeoutError

    def painted(action: Callable[[], None], check: Callable[[], bool]) -> float:
        """From the action to the first visible rows fetched and painted."""
        loads = []
        model.loaded.connect(loads.append)
        started = time.perf_counter()
        action()
        until(lambda: bool(loads) and ctx.worker.idle and check())
        view.viewport().repaint()
        app.processEvents()
        model.loaded.disconnect(loads.append)
        return (time.perf_counter() - started) * 1000

    first_paint = painted(lambda: model.set_query(open_q), lambda: model.row_at(0) is not None)
    resort = painted(lambda: model.sort(1, QtCore.Qt.SortOrder.AscendingOrder), lambda: model.row_at(0) is not None)
    resort_desc = painted(lambda: model.sort(1, QtCore.Qt.SortOrder.DescendingOrder),
                          lambda: model.row_at(0) is not None)
    search = painted(lambda: model.set_query(QueueQuery(search=selective)),
                     lambda: model.rowCount() == 0 or model.row_at(0) is not None)
    model.set_query(open_q)
    until(lambda: model.rowCount() == total and model.row_at(0) is not None and ctx.worker.idle)
    started = time.perf_counter()
    view.scrollToBottom()
    app.processEvents()
    until(lambda: model.row_at(total - 1) is not None and ctx.worker.idle)
    bottom = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    view.scrollTo(model.index(total // 2, 0), QtWidgets.QAbstractItemView.ScrollHint.PositionAtCenter)
    app.processEvents()
    until(lambda: model.row_at(total // 2) is not None and ctx.worker.idle)
    middle = (time.perf_counter() - started) * 1000
    # a repaint of the visible rows
    repaint = timed(lambda: (view.viewport().repaint(), app.processEvents()))[0]
    rss_after = rss_mb()
    view.close()
    creep = open_many(ctx, until, opens)
    ctx.worker.shutdown()
    reg.dispose()
    return {
        "cases": n, "open": total, "write_s": write_s, "db_mb": size_mb,
        "rows": [
            ("first paint (All open, by due date)", first_paint, raw_first),
            ("re-sort by requester", resort, raw_sort),
            ("re-sort descending", resort_desc, raw_sort_desc),
            (f"search '{selective}'", search, raw_search),
            ("jump to the bottom", bottom, raw_bottom),
            ("jump to the middle", middle, raw_middle),
        ],
        "repaint_ms": repaint, "rss_before": rss_before, "rss_after": rss_after,
        "typing": typing, "share": share, "creep": creep, "opens": opens,
        "folder": folder,
    }


def report(r: dict[str, Any]) -> None:
    print(f"\n{r['cases']:,} cases ({r['open']:,} open), written in {r['write_s']:.1f} s, "
          f"database {r['db_mb']:.0f} MB")
    print(f"  {'':38} {'window':>10} {'raw query':>10} {'ratio':>7}")
    for label, window_ms, raw_ms in r["rows"]:
        ratio = window_ms / raw_ms if raw_ms else float("nan")
        print(f"  {label:38} {window_ms:8.1f} ms {raw_ms:8.1f} ms {ratio:6.1f}x")
    print(f"  repaint of the visible rows: {r['repaint_ms']:.1f} ms")
    n = f"{r['cases']:,} cases"
    for label, window_ms, raw_ms in r["rows"]:
        if label.startswith("search"):
            continue
        row(f"queue {label}, {n}", f"{window_ms:.1f} ms", f"raw query {raw_ms:.1f} ms", window_ms / raw_ms,
            "<= 1.5x", window_ms / raw_ms <= 1.5)
    for kind, limit in (("selective", 5.0), ("common", 50.0)):
        term, page, rows_only, floor = r["typing"][kind]
        what = "selective term" if kind == "selective" else f"term matching {r['share']:.0%} of cases"
        print(f"  search as you type, {what} '{term}': median per keystroke {page:.1f} ms "
              f"(page without the count {rows_only:.1f} ms; raw page statement {floor:.1f} ms)")
        row(f"search as you type, {what}, {n}", f"{page:.1f} ms/keystroke (page alone {rows_only:.1f} ms)",
            f"raw page statement {floor:.1f} ms", page / floor if floor else None, f"<= {limit:.0f} ms",
            page <= limit)
    before, after = r["creep"]
    per10k = (after - before) * 10_000 / r["opens"]
    print(f"  opening {r['opens']:,} cases in the window: RSS {before:.0f} -> {after:.0f} MB "
          f"({after - before:+.1f} MB; {per10k:+.1f} MB per 10,000)")
    row(f"memory creep, {r['opens']:,} cases opened one after another", f"{after - before:+.1f} MB "
        f"({per10k:+.1f} MB per 10,000)", "", None, "<= 20 MB per 10,000", per10k <= 20)
    row(f"RSS with the queue open, {n}", f"{r['rss_after']:.0f} MB", "", None, "< 150 MB", r["rss_after"] < 150)
    print(f"  memory (RSS): {r['rss_before']:.0f} MB with the database open, {r['rss_after']:.0f} MB "
          f"after the window ran ({r['rss_after'] - r['rss_before']:+.0f} MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="queue benchmark")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--demo", action="store_true", help="use muse_care.services.demo (slower)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary databases")
    parser.add_argument("--opens", type=int, default=10_000, help="cases opened one after another (memory creep)")
    args = parser.parse_args(argv)
    for n in args.sizes:
        result = run(n, args.demo, min(args.opens, n))
        report(result)
        if not args.keep:
            import shutil

            shutil.rmtree(result["folder"], ignore_errors=True)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
