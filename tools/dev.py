#!/usr/bin/env python3
"""Set-up and everyday commands for a fresh machine with Python 3.11+.

    python3 tools/dev.py start   # installs into .venv, opens MUSE Care (demo data offered on first start)
    python3 tools/dev.py test    # installs into .venv, starts PostgreSQL if needed, runs every test
    python3 tools/dev.py bundle  # builds the PyInstaller app (build.spec) and runs its smoke test

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
