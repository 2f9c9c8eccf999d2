"""Start-up: from launch to the main window with the first page of the queue painted,
on a real X server (Xvfb), measured from outside the process, beside a bare Qt main
window started the same way (the floor). No assertions: it prints.

    xvfb-run -a python bench/bench_startup.py [--cases 1000000] [--runs 5]

Without a DISPLAY it re-runs itself under ``xvfb-run -a``. Each child is started with
QT_QPA_PLATFORM=xcb; the clock runs from just before the process is spawned until it
prints that it has painted (MUSE Care: the first queue page, when MUSE_CARE_BENCH_STARTUP
is set; the floor: its first paint of a QMainWindow with a table). The register is a
migrated SQLite file filled by the queue benchmark's raw bulk path.
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

BARE = """
import sys
from PySide6 import QtCore, QtWidgets
app = QtWidgets.QApplication(sys.argv[:1])
w = QtWidgets.QMainWindow()
t = QtWidgets.QTableWidget(30, 6)
w.setCentralWidget(t)
w.resize(1200, 700)
w.show()
def painted():
    t.viewport().repaint()
    print("MUSE-CARE-PAINTED", flush=True)
    app.exit(0)
QtCore.QTimer.singleShot(0, painted)
app.exec()
"""


def launch(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            cwd=ROOT)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("MUSE-CARE-PAINTED"):
            took = time.perf_counter() - started
            break
    else:
        proc.wait()
        raise RuntimeError(f"{cmd[:3]} exited ({proc.returncode}) before it painted")
    proc.wait(timeout=60)
    return took


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5)
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
        url = f"sqlite:///{folder / 'start.sqlite3'}"
        engine = db.make_engine(url)
        db.upgrade(engine)
        engine.dispose()
        write_s = bulk_cases(folder / "start.sqlite3", args.cases)
        print(f"{args.cases:,} cases written in {write_s:.1f} s")
        home = folder / "home"
        home.mkdir()
        env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
               "XDG_DATA_HOME": str(home / ".local"), "MUSE_CARE_BENCH_STARTUP": "1",
               "MUSE_CARE_USER": "aisha", "PYTHONPATH": str(ROOT)}
        ours_cmd = [sys.executable, "-m", "muse_care", "--db", url]
        bare_cmd = [sys.executable, "-c", BARE]
        launch(ours_cmd, env)  # warm the page cache once for both
        launch(bare_cmd, env)
        ours, bare = [], []
        for _ in range(args.runs):  # interleaved, so machine noise falls on both
            ours.append(launch(ours_cmd, env))
            bare.append(launch(bare_cmd, env))
        o, b = statistics.median(ours), statistics.median(bare)
        print(f"launch to first queue page painted: median {o * 1000:.0f} ms over {args.runs} runs "
              f"({', '.join(f'{x * 1000:.0f}' for x in ours)})")
        print(f"bare Qt main window, same way:      median {b * 1000:.0f} ms "
              f"({', '.join(f'{x * 1000:.0f}' for x in bare)})")
        print(f"ratio: {o / b:.1f}x")
        row(f"start-up to first queue page painted, {args.cases:,} cases (Xvfb)", f"{o * 1000:.0f} ms",
            f"bare Qt main window {b * 1000:.0f} ms", o / b, "<= 1.5x", o / b <= 1.5)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
