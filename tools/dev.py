#!/usr/bin/env python3
"""Set-up and everyday commands for a fresh machine with Python 3.11+.

    python3 tools/dev.py start   # installs into .venv, opens MUSE Care (demo data offered on first start)
    python3 tools/dev.py test    # installs into .venv, starts PostgreSQL if needed, runs every test
    python3 tools/dev.py bundle  # builds the PyInstaller app (build.spec) and runs its smoke test
    python3 tools/dev.py bench   # runs every benchmark in bench/ and prints one table (--full: issue 16's sizes)

Everything is installed into ``.venv`` beside this folder; nothing global is touched
except, on Debian/Ubuntu CI machines run as root, the PDF tools the letter tests read
PDFs back with (poppler-utils, qpdf).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def say(msg: str) -> None:
    print(f"[dev] {msg}", flush=True)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"MUSE Care needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        say(f"creating {VENV.name}")
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'app'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say("installing MUSE Care and its dependencies (first run takes a minute)")
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "-e", target], cwd=ROOT, check=True)
    stamp.write_text(digest)


def ensure_pdf_tools() -> None:
    missing = [t for t in ("pdftotext", "pdffonts", "pdftoppm", "qpdf") if shutil.which(t) is None]
    if not missing:
        return
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        say(f"installing PDF tools ({', '.join(missing)})")
        subprocess.run([apt, "update", "-qq"], check=False)
        subprocess.run([apt, "install", "-y", "-qq", "poppler-utils", "qpdf"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    else:
        sys.exit(f"the letter tests read PDFs back with {', '.join(missing)}: install poppler-utils and qpdf")


GUI_PACKAGES = ("xvfb", "xdotool", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0")


def ensure_gui_tools() -> None:
    """The real-window test (tests/ui/test_real_window.py) runs the app under Xvfb and
    types with xdotool; Qt's xcb plugin needs the icccm, keysyms and cursor libraries."""
    if sys.platform != "linux" or (shutil.which("Xvfb") and shutil.which("xdotool")):
        return
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        say(f"installing the real-window test's tools ({', '.join(GUI_PACKAGES)})")
        subprocess.run([apt, "update", "-qq"], check=False)
        subprocess.run([apt, "install", "-y", "-qq", *GUI_PACKAGES], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    else:
        sys.exit(f"the real-window test needs Xvfb and xdotool: apt-get install {' '.join(GUI_PACKAGES)}")


def pg_ready(host: str = "127.0.0.1") -> bool:
    probe = shutil.which("pg_isready")
    if probe:
        return subprocess.run([probe, "-h", host, "-U", "postgres", "-q"], check=False).returncode == 0
    import socket

    try:
        socket.create_connection((host, 5432), timeout=2).close()
        return True
    except OSError:
        return False


def ensure_postgres() -> None:
    """The tests need the real server; start the local cluster if it is installed but
    down. If it cannot be reached the PostgreSQL tests fail (they never skip)."""
    if os.environ.get("MUSE_CARE_TEST_PG") or pg_ready():
        return
    ctl = shutil.which("pg_ctlcluster")
    conf = Path("/etc/postgresql")
    if ctl and conf.is_dir():
        for version in sorted(p.name for p in conf.iterdir()):
            say(f"starting PostgreSQL {version}")
            subprocess.run([ctl, "--skip-systemctl-redirect", version, "main", "start"], check=False)
        for _ in range(30):
            if pg_ready():
                return
            time.sleep(1)
    say("PostgreSQL is not reachable at 127.0.0.1:5432: the PostgreSQL tests will FAIL. "
        "Start it, or point MUSE_CARE_TEST_PG at a server.")


def worktree_state(root: Path = ROOT) -> dict[str, str] | None:
    """``git status --porcelain`` lines of this checkout, each with a digest of the file
    as it is (so a test that rewrites a file already changed is caught too); None when
    this is not a git checkout."""
    try:
        done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=root,
                              capture_output=True, text=True, check=False)
    except OSError:
        return None
    if done.returncode:
        return None
    state = {}
    for line in done.stdout.splitlines():
        path = root / line[3:].split(" -> ")[-1].strip('"')
        state[line] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
    return state


def changed_by_tests(before: dict[str, str] | None, after: dict[str, str] | None) -> list[str]:
    """What the run changed: status lines that are new, gone, or whose file changed."""
    if before is None or after is None:
        return []
    return sorted({*[line for line in after if before.get(line) != after[line]],
                   *[f"{line} (no longer)" for line in before if line not in after]})


# Every benchmark with its quick sizes (a few minutes in all on two shared cores) and
# the sizes issue 16's targets are stated at (--full: expect most of an hour).
BENCHES = (
    ("bench_queue.py", ["--sizes", "100000", "--opens", "1000"], ["--sizes", "1000000", "--opens", "10000"]),
    ("bench_startup.py", ["--cases", "100000", "--runs", "3"], ["--cases", "1000000", "--runs", "5"]),
    ("bench_print_run.py", ["--letters", "300"], ["--letters", "1000"]),
    ("bench_demo.py", [], ["--full"]),
    ("bench_team.py", ["--cases", "20000", "--agents", "8", "--takes", "200"],
     ["--cases", "1000000", "--agents", "8", "--takes", "400"]),
    ("bench_evidence.py", ["--mib", "128"], ["--mib", "512"]),
)


def bench_table(rows: list[dict]) -> str:
    """The rows the benchmarks printed (``BENCH-ROW`` lines) as one Markdown table."""
    out = ["| work | MUSE Care | floor in the same run | ratio | target | met |", "|---|---|---|---|---|---|"]
    for r in rows:
        ratio = "" if r.get("ratio") is None else f"{r['ratio']:.1f}x"
        met = {True: "yes", False: "**no**", None: ""}[r.get("met")]
        out.append(f"| {r['work']} | {r['figure']} | {r.get('floor') or '—'} | {ratio or '—'} | {r['target']} | {met} |")
    return "\n".join(out)


def run_benches(full: bool, only: list[str]) -> int:
    import json

    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    env.setdefault("MUSE_CARE_TEST_PG", DEFAULT_PG)
    rows: list[dict] = []
    failed = []
    for script, quick, big in BENCHES:
        if only and not any(o in script for o in only):
            continue
        args = big if full else quick
        say(f"bench/{script} {' '.join(args)}")
        proc = subprocess.Popen([sys.executable if sys.prefix != sys.base_prefix else str(PY), str(ROOT / "bench" / script), *args],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("BENCH-ROW "):
                rows.append(json.loads(line[len("BENCH-ROW "):]))
            else:
                print(f"    {line}", end="", flush=True)
        if proc.wait():
            failed.append(script)
    print()
    print(bench_table(rows))
    for script in failed:
        say(f"bench/{script} FAILED (its rows are missing above)")
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    rest = argv[1:]
    if command == "start":
        ensure_venv("")
        return subprocess.run([str(BIN / "muse-care"), *rest], check=False).returncode
    if command == "test":
        ensure_venv("test")
        ensure_pdf_tools()
        ensure_gui_tools()
        ensure_postgres()
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        env.setdefault("MUSE_CARE_TEST_PG", DEFAULT_PG)
        before = worktree_state()
        code = subprocess.run([str(PY), "-m", "pytest", *rest], cwd=ROOT, env=env, check=False).returncode
        if code == 5:
            say("FAILED: pytest collected no tests (exit 5); a test run that tests nothing does not pass")
        changed = changed_by_tests(before, worktree_state())
        if changed:
            say("FAILED: the test run changed files in the repository (tests write only to tmp_path):")
            for line in changed:
                print(f"    {line}")
            return code or 1
        return code
    if command == "bench":
        if sys.prefix == sys.base_prefix:  # run from a venv: use it; else this folder's .venv
            ensure_venv("test")
        return run_benches("--full" in rest, [a for a in rest if not a.startswith("--")])
    if command == "bundle":
        ensure_venv("test,build")
        build = subprocess.run([str(BIN / "pyinstaller"), "--noconfirm", "--log-level", "WARN",
                                "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
                                str(ROOT / "build.spec")], cwd=ROOT, check=False)
        if build.returncode:
            return build.returncode
        app = ROOT / "dist" / "muse-care" / ("muse-care.exe" if os.name == "nt" else "muse-care")
        if sys.platform == "darwin":
            app = ROOT / "dist" / "MUSE Care.app" / "Contents" / "MacOS" / "muse-care"
        say(f"smoke test of the built app: {app.relative_to(ROOT)} --smoke-test")
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        smoke = subprocess.run([str(app), "--smoke-test"], env=env, check=False, timeout=300)
        say("built app smoke test " + ("passed" if smoke.returncode == 0 else f"FAILED ({smoke.returncode})"))
        return smoke.returncode
    print(__doc__)
    return 0 if command == "help" else 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
