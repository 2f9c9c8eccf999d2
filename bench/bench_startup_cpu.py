"""Start-up in CPU time: the main thread's and the whole process's CPU from interpreter
start to the first queue page painted, beside a bare Qt main window's, on Xvfb. CPU
time moves far less with the machine's load than the wall clock ``bench_startup.py``
measures, so two trees can be compared on a busy machine. No assertions: it prints.

    python bench/bench_startup_cpu.py --register FILE [--runs 12] [--tree OTHER_CHECKOUT ...]

Each child is the real ``python -m muse_care --db FILE`` (with MUSE_CARE_BENCH_STARTUP
set, so it prints when the page is painted) under a small wrapper that watches its
standard output for that line and then reports ``time.thread_time()`` and
``time.process_time()``. ``--tree`` adds another checkout (its ``muse_care`` first on
PYTHONPATH); runs alternate between the trees and the bare window. The register is made
by ``bench_startup.py --register FILE``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_startup import BARE  # noqa: E402  (the floor both benchmarks measure)

WATCH = """
import os, runpy, sys, time
class Out:
    def __init__(self, s): self.s = s
    def write(self, x):
        if "MUSE-CARE-PAINTED" in x:
            self.s.write(f"CPU {time.thread_time() * 1000:.2f} {time.process_time() * 1000:.2f}\\n")
            self.s.flush()
            os._exit(0)
        return self.s.write(x)
    def flush(self): self.s.flush()
sys.stdout = Out(sys.stdout)
if sys.argv[1] == "--bare":  # bench_startup.py's bare window, written beside this file
    sys.argv = sys.argv[:1]
    runpy.run_path(sys.argv[0].replace("watch.py", "bare.py"), run_name="__main__")
else:
    sys.argv = ["muse_care", "--db", sys.argv[1]]
    runpy.run_module("muse_care", run_name="__main__", alter_sys=True)
"""


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--register", type=Path, required=True, help="a register made by bench_startup.py --register")
    p.add_argument("--runs", type=int, default=12)
    p.add_argument("--tree", type=Path, action="append", default=[], help="another checkout to compare")
    args = p.parse_args()
    if not os.environ.get("DISPLAY"):
        if not shutil.which("xvfb-run"):
            sys.exit("bench_startup_cpu needs an X server: apt-get install xvfb")
        return subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, *sys.argv],
                              check=False).returncode
    folder = Path(tempfile.mkdtemp(prefix="muse-care-bench-cpu-"))
    try:
        watch = folder / "watch.py"
        watch.write_text(WATCH, encoding="utf-8")
        (folder / "bare.py").write_text(BARE, encoding="utf-8")
        home = folder / "home"
        home.mkdir()
        env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
               "XDG_DATA_HOME": str(home / ".local"), "MUSE_CARE_BENCH_STARTUP": "1", "MUSE_CARE_USER": "aisha",
               "PYTHONPYCACHEPREFIX": str(folder / "pycache")}  # byte-code caches, as bench_startup.py
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        url = f"sqlite:///{args.register.resolve()}"
        trees = [ROOT, *[t.resolve() for t in args.tree]]
        runs: dict[str, tuple[list[float], list[float]]] = {"bare": ([], [])}
        runs.update({str(t): ([], []) for t in trees})
        for i in range(args.runs + 1):  # the first round warms the caches and is not counted
            for name in runs:
                argv = ["--bare"] if name == "bare" else [url]
                path = str(ROOT) if name == "bare" else name
                out = subprocess.run([sys.executable, str(watch), *argv], env={**env, "PYTHONPATH": path},
                                     capture_output=True, text=True, timeout=120, cwd=folder, check=False).stdout
                line = next((x for x in out.splitlines() if x.startswith("CPU ")), None)
                if line is None:
                    raise SystemExit(f"{name}: no paint ({out[-500:]})")
                if i:
                    runs[name][0].append(float(line.split()[1]))
                    runs[name][1].append(float(line.split()[2]))
        bare = statistics.median(runs["bare"][0])
        for name, (main_cpu, process_cpu) in runs.items():
            m = statistics.median(main_cpu)
            print(f"{name}: main-thread CPU to the first paint median {m:.1f} ms (min {min(main_cpu):.1f}), "
                  f"process {statistics.median(process_cpu):.1f} ms; {m / bare:.2f}x the bare window's")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
