"""Start-up: from launch to the main window with the first page of the queue painted,
on a real X server (Xvfb), measured from outside the process, beside a bare Qt main
window started the same way (the floor). No assertions: it prints.

    xvfb-run -a python bench/bench_startup.py [--cases 1000000] [--runs 5]
        [--register FILE] [--shot FILE.png]

Without a DISPLAY it re-runs itself under ``xvfb-run -a``. Each child is started with
QT_QPA_PLATFORM=xcb; the clock runs from just before the process is spawned until it
prints that it has painted (MUSE Care: the first queue page, when MUSE_CARE_BENCH_STARTUP
is set; the floor: its first paint of a QMainWindow with a table). A second floor,
printed beside, is a bare window that reads and shows the same first page (the open
count and 50 rows through ``sqlite3`` on a thread, a ``QStandardItemModel``): what any
program must do for the target, so what MUSE Care adds above it is ours. MUSE Care then
also says when the window is complete (the database open, the case pane built, the
queue model holding the table): printed beside, not the target. The register is a
migrated SQLite file filled by the queue benchmark's raw bulk path; ``--register``
keeps it in FILE and reuses it when it is there (a million cases take a while to
write). ``--shot`` saves the window as it is at that first paint.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from _table import row  # noqa: E402

# Both bare windows end the same way: shown, their table painted, the paint line printed.
_PAINTED = """
w.show()
def painted():
    t.viewport().repaint()
    print("MUSE-CARE-PAINTED", flush=True)
    app.exit(0)
QtCore.QTimer.singleShot(0, painted)
app.exec()
"""

BARE = """
import sys
from PySide6 import QtCore, QtWidgets
app = QtWidgets.QApplication(sys.argv[:1])
w = QtWidgets.QMainWindow()
t = QtWidgets.QTableWidget(30, 6)
w.setCentralWidget(t)
w.resize(1200, 700)
""" + _PAINTED

# The second floor: the least a program can do to show the queue's first page, written
# without any code of ours. A thread reads the open count and the first page (the same
# statements as muse_care/store/first_page.py, handed in by the environment) through
# sqlite3 while PySide6 loads; a QStandardItemModel holds the rows' texts in a
# QTableView of the window's size. What MUSE Care's start adds above this is its own.
BARE_PAGE = """
import os, sqlite3, sys, threading
from datetime import date, timedelta
found = {}
def read():
    con = sqlite3.connect("file:" + os.environ["BENCH_PAGE_DB"] + "?mode=ro", uri=True)
    found["total"] = con.execute(os.environ["BENCH_COUNT_SQL"]).fetchone()[0]
    today = date.today()
    found["rows"] = con.execute(os.environ["BENCH_PAGE_SQL"],
                                (today.isoformat(), (today + timedelta(days=30)).isoformat(), 50)).fetchall()
reader = threading.Thread(target=read)
reader.start()
from PySide6 import QtCore, QtGui, QtWidgets
app = QtWidgets.QApplication(sys.argv[:1])
w = QtWidgets.QMainWindow()
t = QtWidgets.QTableView()
m = QtGui.QStandardItemModel(0, 8)
m.setHorizontalHeaderLabels(["Reference", "Requester", "Rights", "Channel", "Status", "Received", "Due", "Assignee"])
t.setModel(m)
w.setCentralWidget(t)
w.resize(1200, 700)
reader.join()
for r in found["rows"]:
    m.appendRow([QtGui.QStandardItem("" if x is None else str(x)) for x in r[1:9]])
w.statusBar().showMessage(f"{found['total']:,} cases in this view")
""" + _PAINTED


def launch(cmd: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """Seconds from spawning ``cmd`` to its first paint, and to its complete window (if
    it says so)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=ROOT)
    assert proc.stdout is not None
    painted = complete = None
    for line in proc.stdout:
        if line.startswith("MUSE-CARE-PAINTED"):
            painted = time.perf_counter() - started
        elif line.startswith("MUSE-CARE-COMPLETE"):
            complete = time.perf_counter() - started
            break
    proc.wait(timeout=120)
    if painted is None:
        raise RuntimeError(f"{cmd[:3]} exited ({proc.returncode}) before it painted")
    return painted, complete


def rss_of(cmd: list[str], env: dict[str, str]) -> float | None:
    """The RSS the window reports once it is complete and its worker has been idle for
    two seconds (Linux)."""
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("MUSE-CARE-RSS "):
            return float(line.split()[1]) or None
    return None


def cases_in(path: Path) -> int | None:
    import sqlite3

    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return int(con.execute("SELECT count(*) FROM cases").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return None


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--register", type=Path, help="keep the register in this file; reuse it if it is there")
    p.add_argument("--shot", type=Path, help="save the window as painted at the first queue page")
    args = p.parse_args()
    if not os.environ.get("DISPLAY"):
        if not shutil.which("xvfb-run"):
            sys.exit("bench_startup needs an X server: apt-get install xvfb")
        return subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, *sys.argv],
                              check=False).returncode

    from bench_queue import bulk_cases

    from muse_care.store import db

    folder = Path(tempfile.mkdtemp(prefix="muse-care-bench-start-"))
    try:
        path = args.register.resolve() if args.register else folder / "start.sqlite3"
        url = f"sqlite:///{path}"
        if not path.exists() or cases_in(path) != args.cases:
            path.unlink(missing_ok=True)
            engine = db.make_engine(url)
            db.upgrade(engine)
            engine.dispose()
            write_s = bulk_cases(path, args.cases)
            print(f"{args.cases:,} cases written in {write_s:.1f} s")
        else:
            engine = db.make_engine(url)
            db.upgrade(engine)  # at the head already: nothing to do
            engine.dispose()
            print(f"{args.cases:,} cases in {path} (reused)")
        home = folder / "home"
        home.mkdir()
        env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
               "XDG_DATA_HOME": str(home / ".local"), "MUSE_CARE_BENCH_STARTUP": "1",
               "MUSE_CARE_USER": "aisha", "PYTHONPATH": str(ROOT),
               # Both children with byte-code caches, as an installed app or the bundle
               # runs (pip and PyInstaller compile the modules): a machine that sets
               # PYTHONDONTWRITEBYTECODE would otherwise time compiling every module of
               # ours from source at every start. The caches go to the temporary folder,
               # never into the checkout; the warm-up launches below fill them.
               "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        ours_cmd = [sys.executable, "-m", "muse_care", "--db", url]
        bare_cmd = [sys.executable, "-c", BARE]
        from muse_care.store.first_page import COUNT_SQL, PAGE_SQL

        page_cmd = [sys.executable, "-c", BARE_PAGE]
        page_env = {**env, "BENCH_PAGE_DB": str(path), "BENCH_COUNT_SQL": COUNT_SQL, "BENCH_PAGE_SQL": PAGE_SQL}
        launch(ours_cmd, {**env, **({"MUSE_CARE_BENCH_SHOT": str(args.shot.resolve())} if args.shot else {})})
        launch(bare_cmd, env)  # (and these warm the page cache for all three)
        launch(page_cmd, page_env)
        ours, bare, paged, complete = [], [], [], []
        for _ in range(args.runs):  # interleaved, so machine noise falls on all three
            painted, done = launch(ours_cmd, env)
            ours.append(painted)
            complete.append(done)
            bare.append(launch(bare_cmd, env)[0])
            paged.append(launch(page_cmd, page_env)[0])
        o, b, pg = statistics.median(ours), statistics.median(bare), statistics.median(paged)
        print(f"launch to first queue page painted: median {o * 1000:.0f} ms over {args.runs} runs "
              f"({', '.join(f'{x * 1000:.0f}' for x in ours)})")
        print(f"bare Qt main window, same way:      median {b * 1000:.0f} ms "
              f"({', '.join(f'{x * 1000:.0f}' for x in bare)})")
        print(f"bare window showing the same page (no code of ours): median {pg * 1000:.0f} ms "
              f"({', '.join(f'{x * 1000:.0f}' for x in paged)}): {pg / b:.2f}x the bare window")
        print(f"ratio: {o / b:.2f}x the bare window; {o / pg:.2f}x the bare window showing the page")
        row(f"start-up to first queue page painted, {args.cases:,} cases (Xvfb)", f"{o * 1000:.0f} ms",
            f"bare Qt main window {b * 1000:.0f} ms; the same showing the page read raw {pg * 1000:.0f} ms "
            f"({pg / b:.2f}x)", o / b, "<= 1.5x", o / b <= 1.5)
        rss = rss_of(ours_cmd, {**env, "MUSE_CARE_BENCH_STARTUP": "rss"})
        if rss is not None:
            print(f"RSS of the window once started and idle (queue open, All open): {rss:.0f} MB")
            row(f"RSS with the queue open, the real window, {args.cases:,} cases", f"{rss:.0f} MB", "", None,
                "< 150 MB", rss < 150)
        if all(c is not None for c in complete):
            c = statistics.median([x for x in complete if x is not None])
            print(f"launch to window complete (database open, case pane, queue model): median {c * 1000:.0f} ms "
                  f"({', '.join(f'{x * 1000:.0f}' for x in complete if x is not None)})")
            row(f"start-up to window complete (not a target), {args.cases:,} cases (Xvfb)", f"{c * 1000:.0f} ms",
                f"bare Qt main window {b * 1000:.0f} ms", c / b, "", None)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
