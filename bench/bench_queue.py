"""The queue at 100,000 and 1,000,000 cases: time to first paint, to re-sort, to search
and to jump to the bottom, and the memory used, each beside the raw database query for
the same page, so the window's overhead is a ratio. No assertions: it prints.

    QT_QPA_PLATFORM=offscreen python bench/bench_queue.py            # 100k and 1M
    QT_QPA_PLATFORM=offscreen python bench/bench_queue.py --sizes 100000

Cases are written by a raw ``executemany`` bulk path (the fastest here: docs/machine.md, "Speed measurements")
into a temporary SQLite file migrated as the application would; the FTS triggers fire
as they do in real use. Pass ``--demo`` to use ``muse_care.services.demo`` instead.

The register has realistic cardinality: surnames and first names drawn from thousands
with a long-tailed (Zipf) spread, the commonest surname about 1% of cases as in the UK;
postcodes of a few households each at 1M cases; mobile numbers nearly unique; email
addresses at real providers, gmail.com for 30% of them: "gmail" is the term matching
30% of cases, typed one key at a time like every search.

Each window figure is timed from the action to the end of the first paint of the
table that shows its rows (the count follows it; the table is set up as the window's,
``configure_queue_table``), the median of five, beside its floor: the SQL statements the
action ran, captured as the window ran them and replayed on plain ``sqlite3`` (warm),
so the ratio is the window's own overhead: the worker round trip, SQLAlchemy, making
rows, painting. A bare repaint of the same visible rows is printed beside it (the SQL
plus one repaint is what no window can beat), and the GUI thread's CPU time. The first
paint is of All open chosen after another view (Closed), as an agent clicks it; a
re-sort orders the rows counted and, as the window does, shows them from the top.

Run it with ``--reuse FOLDER`` to keep the register it writes (or to use the one kept
there): two versions of the window measured on the same register, one after the other.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _table import row
from _window import Capture, queue_window, replay_both

REPEATS = 5  # each action measured this many times; the medians are printed
SYLLABLES = ["an", "ber", "cal", "dor", "el", "far", "gan", "hol", "ing", "jar", "kel", "lin", "mor", "nor",
             "ov", "pen", "quin", "ros", "sel", "tan", "ul", "ven", "wes", "yar", "zel", "ash", "brook",
             "ford", "ham", "ley", "ton", "wood", "well", "by", "worth", "son", "man", "ard", "ick", "ott"]
COMMON_LAST = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson",
               "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green",
               "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Khan", "Ali", "Hussain", "Rossi",
               "Schröder", "Żółć", "Nowak", "Silva", "Chen", "Wang", "Tanaka", "Adeyemi", "Okafor", "Murphy"]
COMMON_FIRST = ["Oliver", "Amelia", "George", "Olivia", "Harry", "Isla", "Jack", "Ava", "Muhammad", "Emily",
                "Noah", "Sophia", "Leo", "Grace", "Aisha", "Tom", "Li", "Giulia", "Jörg", "Chloë", "Fatima",
                "Hiroshi", "Ana", "Olu", "Priya", "Łukasz", "Sofia", "Wei", "Zainab", "James", "Mei", "Ahmed"]
DOMAINS = ["gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.co.uk", "icloud.com", "btinternet.com",
           "sky.com", "live.co.uk", "aol.com", "proton.me"]
DOMAIN_WEIGHTS = [30, 14, 12, 10, 8, 6, 5, 5, 3, 2]  # gmail.com: the term matching 30% of cases


def name_pool(rng: random.Random, common: list[str], n: int, offset: int) -> tuple[list[str], list[float]]:
    """``n`` distinct names, the common ones first, and their cumulative weights: a
    Zipf-like 1/(rank + offset), so the commonest is 1-3% and the tail long."""
    names = list(common)
    seen = set(names)
    while len(names) < n:
        made = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if made not in seen:
            seen.add(made)
            names.append(made)
    return names, list(itertools.accumulate(1 / (rank + offset) for rank in range(n)))


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
    # As the demo's bulk path does: the cases' secondary indexes and the search triggers
    # are dropped for the load and built after it, the search index in its key order
    # (store/search_index.py); row by row into 20 indexes and a prefix index, 1M cases
    # took most of an hour.
    from muse_care.store import search_index

    saved = con.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'cases' AND sql IS NOT NULL "
                        "AND ((type = 'index') OR (type = 'trigger' AND name IN (%s)))"
                        % ", ".join(f"'{t}'" for t in search_index.TRIGGERS)).fetchall()
    for kind, name, _sql in saved:
        con.execute(f'DROP {kind.upper()} "{name}"')
    first_id = (con.execute("SELECT max(id) FROM cases").fetchone()[0] or 0) + 1
    cols = ("reference, status, regime, holiday_region, channel, rights, received_at, received_date, "
            "requester_name, requester_email, requester_phone, address_lines, postcode, city, region, "
            "country, account_ref, acting_for, representative_name, representative_authority, assignee, "
            "clock_start, due_date, original_due, extended, waiting_for, due_explained, acknowledge_by, "
            "created_at, created_by, updated_at, updated_by, version")
    sql = f"INSERT INTO cases ({cols}) VALUES ({', '.join('?' * 33)})"
    seen: set[str] = set()
    batch: list[tuple[Any, ...]] = []
    lasts, last_w = name_pool(rng, COMMON_LAST, 20_000, 10)  # Smith ~1.3% of cases
    firsts, first_w = name_pool(rng, COMMON_FIRST, 2_000, 5)
    domain_w = list(itertools.accumulate(DOMAIN_WEIGHTS))
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
        first, last = rng.choices(firsts, cum_weights=first_w)[0], rng.choices(lasts, cum_weights=last_w)[0]
        local = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}{rng.randint(1, 99)}",
                            f"{last}.{first[0]}{rng.randint(60, 99)}"]).lower()
        email = f"{local}@{rng.choices(DOMAINS, cum_weights=domain_w)[0]}"
        batch.append((
            ref, status, "uk-gdpr", "GB-ENG", rng.choice(CHANNELS), rng.choice(RIGHTS),
            f"{received.isoformat()} 09:30:00.000000", received.isoformat(), f"{first} {last}",
            email, f"+447{rng.randint(100_000_000, 999_999_999)}",
            f"{rng.randint(1, 200)} High Street", postcode(rng), "London", "", "GB", "", "self", "",
            "", rng.choice(AGENTS), None if stopped else received.isoformat(),
            due.isoformat() if due else None, due.isoformat() if due else None, 0,
            "identity" if stopped else None, "", None, now, "bench", now, "bench", 1))
        if len(batch) == 20000:
            con.executemany(sql, batch)
            batch.clear()
    if batch:
        con.executemany(sql, batch)
    for kind, _name, ddl in saved:
        if kind == "index":
            con.execute(ddl)
    con.execute(search_index.fill_sql("c.id >= ?"), (first_id,))
    for kind, _name, ddl in saved:
        if kind == "trigger":
            con.execute(ddl)
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


def run(n: int, use_demo: bool, opens: int = 1000, reuse: Path | None = None) -> dict[str, Any]:
    from muse_care.services import queue
    from muse_care.services.queue import QueueQuery
    from muse_care.services.register import Actor, Register
    from muse_care.ui.context import AppContext
    from muse_care.ui.qt import QtCore, QtWidgets
    from muse_care.ui.queue_model import QueueModel

    _app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["bench"])  # kept alive for the run
    folder = Path(tempfile.mkdtemp(prefix="muse-care-bench-"))
    db = folder / "bench.sqlite3"
    if reuse is not None:  # a register written by an earlier run with --reuse, or written now and kept
        db = reuse / f"bench-{n}{'-demo' if use_demo else ''}.sqlite3"
        reuse.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{db}"
    fixed = datetime(2026, 11, 25, 10, tzinfo=UTC)
    written = db.exists()
    reg = Register.open(url, Actor("aisha", "Aisha Khan"), now=lambda: fixed)
    if written:
        write_s = 0.0
    elif use_demo:
        from muse_care.services.demo import generate

        t0 = time.perf_counter()
        generate(reg, n)
        write_s = time.perf_counter() - t0
    else:
        write_s = bulk_cases(db, n)
    reg.dispose()
    reg = Register.open(url, Actor("aisha", "Aisha Khan"), now=lambda: fixed)
    size_mb = db.stat().st_size / 1e6
    gc.collect()
    rss_before = rss_mb()

    con = sqlite3.connect(db)
    selective = con.execute("SELECT postcode FROM cases WHERE id = ?", (n // 2,)).fetchone()[0]
    common = "gmail"
    share = con.execute("SELECT count(*) FROM cases WHERE requester_email LIKE '%@gmail.com'").fetchone()[0] / n
    commonest = con.execute("SELECT count(*) FROM cases WHERE requester_name LIKE '% Smith'").fetchone()[0] / n

    # What the window's reads send to the database, captured as they run on the worker.
    cap = Capture(reg.engine)

    total = queue.count(reg, QueueQuery("all-open"))
    open_q = QueueQuery("all-open")

    ctx = AppContext(reg, reg.actor, settings=QtCore.QSettings(str(folder / "l.ini"),
                                                               QtCore.QSettings.Format.IniFormat))
    model = QueueModel(ctx)
    view, paint_ends, until = queue_window(ctx, model)

    def settle() -> None:
        """Wait for the reads and for the paints they cause (the count's rows inserted)."""
        until(lambda: ctx.worker.idle and model.count_known)
        loop = QtCore.QEventLoop()
        QtCore.QTimer.singleShot(30, loop.quit)
        loop.exec()

    firsts: list[float] = []  # each measured action's SQL, its first run on the raw connection

    def measured(action: Callable[[], None], done: Callable[[], bool]) -> tuple[float, float, float]:
        """From the action to the end of the first paint that shows its rows (the count
        may still follow), the GUI thread's CPU time meanwhile, and the floor: the
        statements it ran before that, replayed. Waits for the count after."""
        settle()
        cap.statements.clear()
        cap.on = True
        shown_at: list[int] = []
        paint_ends.clear()
        started, cpu = time.perf_counter(), time.thread_time()

        def rows_painted() -> bool:
            if not shown_at and done():
                shown_at.append(len(paint_ends))  # the rows are in the model: the next paint shows them
            return bool(shown_at) and len(paint_ends) > shown_at[0]

        action()
        until(rows_painted)
        window_ms = (paint_ends[shown_at[0]] - started) * 1000
        cpu_ms = (time.thread_time() - cpu) * 1000
        cap.on = False
        statements = list(cap.statements)
        until(lambda: ctx.worker.idle and model.count_known)
        first, warm = replay_both(con, statements)
        firsts.append(first)
        return window_ms, warm, cpu_ms

    shown: list[QueueQuery] = []
    top_on_shown: list[bool] = []  # a re-sort: the window shows its first rows (as below)

    def page_shown(_n: int) -> None:
        cap.on = False  # here, before the model asks for the count (not the page's SQL)
        shown.append(model.query)
        if top_on_shown:  # as MainWindow._model_first_page does after a click on a header:
            top_on_shown.clear()  # the re-sorted queue is shown from its first row (else the
            view.scrollToTop()  # table stays where it was, showing rows of a page not read)

    model.first_page_shown.connect(page_shown)

    def first_page(q: QueueQuery) -> tuple[float, float, float]:
        shown.clear()
        return measured(lambda: model.set_query(q), lambda: bool(shown) and shown[-1] == q)

    def resort(q: QueueQuery) -> tuple[float, float, float]:
        top_on_shown[:] = [True]
        return first_page(q)

    def median_of(runs: list[tuple[float, ...]]) -> tuple[float, ...]:
        return tuple(statistics.median(r[k] for r in runs) for k in range(len(runs[0])))

    closed_q, by_name = QueueQuery("closed"), QueueQuery("all-open", sort="requester")
    by_name_desc = QueueQuery("all-open", sort="requester", descending=True)
    first_page(closed_q)  # warm-up: imports, caches
    first_page(open_q)
    paints, resorts, descs, bottoms, middles = [], [], [], [], []
    for _ in range(REPEATS):
        first_page(closed_q)
        paints.append(first_page(open_q))  # another saved view chosen: its count follows
        resorts.append(resort(by_name))  # the same rows in another order, from the top
        descs.append(resort(by_name_desc))
        first_page(closed_q)
        first_page(open_q)
        view.scrollToTop()
        bottoms.append(measured(view.scrollToBottom, lambda: model.row_at(total - 1) is not None))
        first_page(closed_q)
        first_page(open_q)
        view.scrollToTop()
        middles.append(measured(lambda: view.scrollTo(model.index(total // 2, 0),
                                                      QtWidgets.QAbstractItemView.ScrollHint.PositionAtCenter),
                                lambda: model.row_at(total // 2) is not None))
    first_paint, resort, resort_desc = median_of(paints), median_of(resorts), median_of(descs)
    bottom, middle = median_of(bottoms), median_of(middles)

    def keystrokes(term: str) -> tuple[float, float, float]:
        """Type ``term`` one key at a time, each key's page painted before the next: the
        medians of the window, of the service call alone, and of the replayed floor."""
        window, service, floor = [], [], []
        for i in range(1, len(term) + 1):
            q = QueueQuery(search=term[:i])
            if queue.search_filter(reg, q.search) is None:
                continue
            w, f, _cpu = first_page(q)
            window.append(w)
            floor.append(f)
            service.append(timed(lambda q=q: queue.fetch_rows(reg, q, 0, queue.PAGE_SIZE))[0])
            keys.append((term, q.search, model.rowCount(), w, f, firsts[-1]))
        med = statistics.median
        return med(window), med(service), med(floor)

    keys: list[tuple[str, str, int, float, float, float]] = []  # each keystroke: term, typed, rows, window, SQL, its first run

    typing = {"selective": (selective, *keystrokes(selective)), "common": (common, *keystrokes(common))}

    # Typed faster than the reads: every key sent at once; only the last key's read runs.
    first_page(open_q)
    cap.statements.clear()
    cap.on = True
    shown.clear()
    for i in range(1, len(common) + 1):
        model.set_query(QueueQuery(search=common[:i]))
    until(lambda: ctx.worker.idle and model.count_known)
    cap.on = False
    burst = (sum("case_search MATCH" in sql and "count(" not in sql.lower() for sql, _ in cap.statements),
             len(common), [q.search for q in shown])

    # a repaint of the visible rows (the first page, All open), alone: the median of 11
    first_page(open_q)
    settle()
    repaints = []
    for _ in range(11):
        cpu = time.thread_time()
        wall = timed(view.viewport().repaint)[0]
        repaints.append((wall, (time.thread_time() - cpu) * 1000))
    repaint, repaint_cpu = median_of(repaints)
    qt_repaint = qt_table_repaint(model, view)
    cap.stop()
    rss_after = rss_mb()
    view.close()
    creep = open_many(ctx, until, opens)
    ctx.worker.shutdown()
    reg.dispose()
    return {
        "cases": n, "open": total, "write_s": write_s, "db_mb": size_mb,
        "rows": [
            ("first paint (All open, by due date)", *first_paint),
            ("re-sort by requester", *resort),
            ("re-sort descending", *resort_desc),
            ("jump to the bottom", *bottom),
            ("jump to the middle", *middle),
        ],
        "repaint_ms": repaint, "repaint_cpu_ms": repaint_cpu, "qt_repaint_ms": qt_repaint, "keys": keys, "rss_before": rss_before, "rss_after": rss_after,
        "typing": typing, "share": share, "commonest": commonest, "burst": burst, "creep": creep,
        "opens": opens,
        "folder": folder,
    }


def qt_table_repaint(model: Any, view: Any) -> float:
    """The toolkit's own floor for a repaint: Qt's table, model and delegate (C++, no
    Python called while it paints) holding the texts of the rows ``view`` shows, the
    same size and row height, repainted warm; the median of 11 (milliseconds)."""
    from muse_care.ui.qt import QtGui, QtWidgets

    rows, cols = min(model.rowCount(), 200), model.columnCount()
    plain = QtGui.QStandardItemModel(rows, cols)
    for r in range(rows):
        for c in range(cols):
            plain.setItem(r, c, QtGui.QStandardItem(str(model.index(r, c).data() or "")))
    table = QtWidgets.QTableView()
    table.setModel(plain)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(view.verticalHeader().defaultSectionSize())
    for c in range(cols):
        table.setColumnWidth(c, view.columnWidth(c))
    table.resize(view.size())
    table.show()
    QtWidgets.QApplication.processEvents()
    times = [timed(table.viewport().repaint)[0] for _ in range(12)][1:]
    table.close()
    return statistics.median(times)


def report(r: dict[str, Any]) -> None:
    print(f"\n{r['cases']:,} cases ({r['open']:,} open), written in {r['write_s']:.1f} s, "
          f"database {r['db_mb']:.0f} MB")
    rep, rep_cpu = r["repaint_ms"], r["repaint_cpu_ms"]
    print(f"  (medians of {REPEATS}; the window: from the action to the end of the first paint showing its rows)")
    print(f"  {'':38} {'window':>10} {'raw SQL':>10} {'ratio':>7} {'SQL+repaint':>12} {'ratio':>7} {'GUI CPU':>10}")
    for label, window_ms, raw_ms, cpu_ms in r["rows"]:
        ratio = window_ms / raw_ms if raw_ms else float("nan")
        print(f"  {label:38} {window_ms:8.1f} ms {raw_ms:8.1f} ms {ratio:6.1f}x {raw_ms + rep:9.1f} ms "
              f"{window_ms / (raw_ms + rep):6.1f}x {cpu_ms:7.1f} ms")
    print(f"  a bare repaint of the visible rows: {rep:.1f} ms (GUI CPU {rep_cpu:.1f} ms), median of 11; "
          f"Qt's own table (C++ model and delegate) repainting the same rows: {r['qt_repaint_ms']:.1f} ms")
    n = f"{r['cases']:,} cases"
    for label, window_ms, raw_ms, cpu_ms in r["rows"]:
        row(f"queue {label}, {n}", f"{window_ms:.1f} ms (GUI CPU {cpu_ms:.1f} ms)",
            f"its SQL on raw sqlite3 {raw_ms:.1f} ms; with a bare repaint of the rows {raw_ms + rep:.1f} ms",
            window_ms / raw_ms, "<= 1.5x", window_ms / raw_ms <= 1.5)
    print(f"  (the commonest surname, Smith, is {r['commonest']:.1%} of cases)")
    for kind, limit in (("selective", 5.0), ("common", 50.0)):
        term, page, service, floor = r["typing"][kind]
        what = "selective term" if kind == "selective" else f"term matching {r['share']:.0%} of cases"
        print(f"  search as you type, {what} '{term}': median per keystroke {page:.1f} ms to the first page "
              f"painted (service call {service:.1f} ms; its SQL on raw sqlite3 {floor:.1f} ms)")
        row(f"search as you type, {what} ('{term}'), {n}", f"{page:.1f} ms/keystroke (service {service:.1f} ms)",
            f"its SQL on raw sqlite3 {floor:.1f} ms", page / floor if floor else None, f"<= {limit:.0f} ms",
            page <= limit)
    for term, typed, rows, window_ms, sql_ms, first_ms in r["keys"]:
        print(f"    '{typed}' of '{term}': {rows:,} rows, {window_ms:.1f} ms to the first page painted "
              f"(its SQL {sql_ms:.1f} ms, {first_ms:.1f} ms run first; with Qt's own repaint of a full page "
              f"{sql_ms + r['qt_repaint_ms']:.1f} ms)"
              if rows >= 200 else f"    '{typed}' of '{term}': {rows:,} rows, {window_ms:.1f} ms (its SQL "
              f"{sql_ms:.1f} ms, {first_ms:.1f} ms run first)")
    ran, keys, shown = r["burst"]
    print(f"  '{r['typing']['common'][0]}' typed in one burst: {ran} of {keys} keystrokes' page reads ran; "
          f"pages shown: {shown}")
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
    parser.add_argument("--reuse", type=Path, help="a folder: use the register written there by an earlier run "
                        "(or write it there and keep it), to compare two versions of the window on one register")
    args = parser.parse_args(argv)
    for n in args.sizes:
        result = run(n, args.demo, min(args.opens, n), args.reuse)
        report(result)
        if not args.keep:
            import shutil

            shutil.rmtree(result["folder"], ignore_errors=True)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
