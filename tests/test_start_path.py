"""The window's start path (docs/performance.md, "Start-up"): ``muse-care`` reads the
window's options without the whole command-line parser; the window is painted with the
register's real first page before SQLAlchemy, Alembic, reportlab, pypdf, keyring or
the Qt add-ons load; the queue model then takes over with the same rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from muse_care.entry import window_args

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("sqlalchemy", "alembic", "reportlab", "pypdf", "keyring", "psycopg")
IDLE_UNUSED = ("alembic", "reportlab", "pypdf", "pikepdf", "keyring", "cryptography", "psycopg")
LATER = ("muse_care.domain.case_views", "concurrent.futures")
"""What the first paint does without, though the complete window needs it: the case
pane's data classes (each compiled at import) and the worker's thread pool, made with
its first job (docs/performance.md, "Fourth round")."""
QT_ADDONS = ("PySide6.QtCharts", "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtPrintSupport")
"""What the complete window, idle on a local register, never needed: the evidence store's
keychain and ciphers load when it is opened, the letters tab's PDF preview and printing
when the tab is first shown, the charts with the lead's dashboard (docs/performance.md, "Memory")."""


@pytest.mark.parametrize("argv", [
    [], ["--db", "x.sqlite3"], ["--db=sqlite:////tmp/a b.sqlite3"], ["--smoke-test"],
    ["--as-user", "aisha", "--db", "x.db"], ["--db", "x.db", "--smoke-test", "--as-user=tom"], ["--db="],
])
def test_the_window_options_are_read_as_the_cli_reads_them(argv: list[str]) -> None:
    from muse_care.cli.main import build_parser

    fast = window_args(argv)
    assert fast is not None
    full = vars(build_parser().parse_args(argv))
    assert full["command"] is None
    assert {k: full[k] for k in vars(fast)} == vars(fast)


@pytest.mark.parametrize("argv", [
    ["--help"], ["case", "list"], ["--db", "a", "--db", "b"], ["--d", "x"], ["--db"], ["--db", "--smoke-test"],
    ["--smoke-test", "--smoke-test"], ["--version"], ["x.sqlite3"],
])
def test_anything_else_goes_to_the_cli(argv: list[str]) -> None:
    assert window_args(argv) is None


PROBE = """
import json, sys
from muse_care.ui import app

HEAVY, ADDONS, IDLE_UNUSED, LATER = {heavy!r}, {addons!r}, {idle!r}, {later!r}
painted = app.Starter._bench_painted
marks = {{}}

def at_paint(self):
    fp = self.window.first_page
    # PySide6 classes whose enums the first paint does without (docs/performance.md,
    # "Start-up"); looked up in the modules' dicts, which builds nothing
    built = [name for module, name in (("QtCore", "Qt"), ("QtWidgets", "QStyle"), ("QtGui", "QBrush"))
             if name in vars(sys.modules["PySide6." + module])]
    header = self.window.ui.queue_table.horizontalHeader()
    labels = [header.model().horizontalHeaderItem(i).text() for i in range(header.count())] \
        if hasattr(header.model(), "horizontalHeaderItem") else None
    arrow = header.sortIndicatorSection() if header.isSortIndicatorShown() else None
    marks["paint"] = dict(built=built, header=labels, arrow=arrow,
        loaded=sorted({{m for m in sys.modules if m.split(".")[0] in HEAVY or m.startswith(ADDONS)}}),
        later=sorted({{m for m in sys.modules if m in LATER}}),
        views=[n for n in ("CaseView", "Requester") for m in (sys.modules.get("muse_care.domain.case"),
               sys.modules.get("muse_care.domain.case_views")) if m is not None and n in vars(m)],
        from_start=fp.shown, completed=self.window.completed, total=self.window.ui.queue_table.model().rowCount(),
        rows=[[r.reference, r.requester_name, r.days_left] for r in fp.rows],
        title=self.window.windowTitle())
    if self.window.completed:
        return done(self)
    app.QtCore.QTimer.singleShot(0, lambda: wait_complete(self))

def wait_complete(self):
    if not (self.window.completed and self.ctx.worker.idle and self.window.ui.queue_table.model() is self.window.model):
        return app.QtCore.QTimer.singleShot(50, lambda: wait_complete(self))
    done(self)

def done(self):
    m = self.window.model
    marks["complete"] = dict(total=m.rowCount() if m is not None else None,
                             loaded=sorted({{n for n in sys.modules if n.split(".")[0] in IDLE_UNUSED
                                             or n.startswith(ADDONS)}}),
                             rows=[[r.reference, r.requester_name, r.days_left]
                                   for r in (m.row_at(i) for i in range(min(200, m.rowCount())))],
                             title=self.window.windowTitle(),
                             sources_read=sorted(__import__("linecache").cache))
    print("PROBE " + json.dumps(marks), flush=True)
    painted(self)

app.Starter._bench_painted = at_paint
from muse_care.entry import main
sys.exit(main(sys.argv[1:]))
"""


def _start(tmp_path: Path, url: str) -> dict:
    script = tmp_path / "probe.py"
    script.write_text(PROBE.format(heavy=HEAVY, addons=QT_ADDONS, idle=IDLE_UNUSED, later=LATER), encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MUSE_CARE_BENCH_STARTUP": "1",
           "MUSE_CARE_CONFIG_DIR": str(tmp_path / "config"), "MUSE_CARE_USER": "aisha",
           "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / ".config"), "PYTHONPATH": str(ROOT)}
    env.pop("MUSE_CARE_DB", None)
    done = subprocess.run([sys.executable, str(script), "--db", url], env=env, capture_output=True, text=True,
                          timeout=240, cwd=tmp_path, check=False)
    probes = [line for line in done.stdout.splitlines() if line.startswith("PROBE ")]
    assert done.returncode == 0 and probes, done.stdout[-2000:] + done.stderr[-4000:]
    return json.loads(probes[0][len("PROBE "):])


def test_the_first_page_is_painted_before_sqlalchemy_loads_and_the_model_takes_over(sqlite_url, tmp_path) -> None:
    from muse_care.services import cases, queue
    from muse_care.services.register import Actor, Register

    reg = Register.open(sqlite_url, Actor("aisha", "Aisha Khan"), migrate=False)
    try:
        for i, name in enumerate(("Zoë Ærøskøbing", "محمد علی خان", "王小明", "Ngọc Ánh Nguyễn", "Margaret Jones")):
            cases.add_case(reg, cases.CaseDraft(
                name=name, rights=["access"], channel="phone", received=date(2026, 10, 1 + i),
                email=f"p{i}@example.org", country="GB", postcode="SW1A 2AA", address_lines=["1 High Street"],
                city="London"))
        total, rows = queue.first_page(reg, queue.QueueQuery())
    finally:
        reg.dispose()
    expected = [[r.reference, r.requester_name, r.days_left] for r in rows]
    marks = _start(tmp_path, sqlite_url)
    paint = marks["paint"]
    assert paint["from_start"] and not paint["completed"]
    assert paint["loaded"] == []  # no SQLAlchemy, Alembic, reportlab, pypdf, keyring or Qt add-on yet
    assert paint["later"] == [] and paint["views"] == []  # nor the case pane's data classes, nor the worker's pool
    assert paint["total"] == total == 5 and paint["rows"] == expected
    assert paint["title"] != "MUSE Care"  # says it is still opening the database
    # nothing before that paint built the Qt namespace's enums, QStyle's or QBrush's
    # (12-25 ms of CPU at start), and the header has the queue's names all the same
    assert paint["built"] == []
    from muse_care.services.queue_columns import COLUMN_LOOKS

    assert paint["header"] == [c.header for c in COLUMN_LOOKS]
    # no sort arrow on the first frame but the queue's own (by due date), or none yet
    assert paint["arrow"] in (None, [c.key for c in COLUMN_LOOKS].index("due"))
    complete = marks["complete"]
    assert complete["total"] == total and complete["rows"] == expected and complete["title"] == "MUSE Care"
    assert complete["loaded"] == []  # the idle window: no keychain, ciphers, letter renderer or PDF view
    # PySide6 reads the whole source of every module imported after it, unless told not
    # to (ui/qt.py): ~360 files kept in linecache, ~20 MB of the idle window and ~45 ms
    sources = [name for name in complete["sources_read"] if name.endswith(".py")]
    assert len(sources) < 10, sources


def test_a_new_database_is_opened_first_then_painted(tmp_path) -> None:
    """No register yet (a first start): nothing is read through sqlite3 (the file is not
    created by it); the window shows the queue once the worker has made the database."""
    url = f"sqlite:///{tmp_path / 'new' / 'first.sqlite3'}"
    marks = _start(tmp_path, url)
    paint = marks["paint"]
    assert not paint["from_start"] and paint["completed"] and paint["total"] == 0
    assert "sqlalchemy" in paint["loaded"]


def test_opening_a_register_at_the_head_does_not_load_alembic(sqlite_url) -> None:
    code = ("import sys; from muse_care.services.register import Actor, Register; "
            f"r = Register.open({sqlite_url!r}, Actor('aisha', 'Aisha Khan')); r.timezone(); r.dispose(); "
            "assert 'alembic' not in sys.modules, 'Alembic loaded'; "
            "assert 'sqlalchemy' in sys.modules")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_first_page_read_holds_its_page_or_its_error_for_callbacks_added_before_or_after() -> None:
    import threading

    from muse_care.ui.launch import PageRead

    read, seen = PageRead(), []
    assert not read.done()
    with pytest.raises(RuntimeError):
        read.result()  # not read yet: never a None that looks like "no page"
    read.add_done_callback(seen.append)  # before: called on the reading thread
    reader = threading.Thread(target=read.finish, args=("page",))
    reader.start()
    reader.join()
    read.add_done_callback(seen.append)  # after: called at once
    assert read.done() and read.result() == "page" and seen == [read, read]

    failed = PageRead()
    failed.finish(error=OSError("disk"))
    with pytest.raises(OSError, match="disk"):
        failed.result()  # the window then waits for the register (Starter._page_read)
