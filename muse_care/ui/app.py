"""Start the window: ``run_app(args)`` from ``muse-care`` with no sub-command.

The start path (docs/performance.md, "Start-up"): ``muse_care.ui.launch`` decides the
database and begins reading the queue's first page through ``sqlite3`` on a thread
before Qt loads; here the window is built without the database (``MainWindow(ctx,
skeleton=True)``), shows that page and is painted; only then does the worker load
SQLAlchemy and open (and migrate) the database, never on the GUI thread, while the
modules of the case pane are imported there too; then the window is completed and
the queue read again through the service. The first start on a new database offers
demo data, generated on the worker with progress. ``--smoke-test`` runs all of it
offscreen on a temporary database and exits 0.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from muse_care.ui.launch import Launch, PageRead, prepare
from muse_care.ui.qt import QtCore, QtGui, QtWidgets, Signal

DEMO_CASES = 2000
DEMO_STEPS = 10


def load_fonts() -> int:
    """Register the shipped fonts (Arabic script, CJK, Latin) so Urdu and Chinese names
    render on every machine, not only where the system has those fonts."""
    try:
        from muse_care.resource_paths import fonts_dir  # not through letters: docs/performance.md

        folder = fonts_dir()
    except Exception:  # noqa: BLE001 - fonts are a comfort, not a requirement
        folder = Path(__file__).resolve().parents[2] / "resources" / "fonts"
    loaded = 0
    if folder.is_dir():
        for path in sorted(folder.glob("*.ttf")):
            if QtGui.QFontDatabase.addApplicationFont(str(path)) >= 0:
                loaded += 1
    return loaded


def make_application(argv: list[str] | None = None) -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(argv or ["muse-care"])
    app.setOrganizationName("THE MUSE-LVM")
    app.setApplicationName("MUSE Care")
    app.setApplicationDisplayName("MUSE Care")
    from muse_care.ui.main_window import icon

    app.setWindowIcon(icon("muse-care"))
    load_fonts()
    # Follow the system's light or dark mode (Qt 6.5+). The classic Windows style cannot
    # draw dark; Fusion can, with the palette Qt derives from the system scheme. Asked
    # only on Windows: the scheme is a Qt enum, and the style a QStyle, whose enums the
    # first paint does without elsewhere (docs/performance.md, "Start-up").
    if sys.platform == "win32" and app.style().name().lower() == "windowsvista" and \
            app.styleHints().colorScheme() == QtCore.Qt.ColorScheme.Dark:
        app.setStyle("Fusion")
    return app  # type: ignore[return-value]


log = logging.getLogger("muse_care.ui.app")
SMOKE_IDLE_MS = 20_000
FIRST_PAGE_WAIT_MS = 1000
FIRST_PAINT_WAIT_MS = 300
"""How long the database waits for the first page read at start to come, and then to
be painted, before it opens anyway (a slow disk; a window that is never exposed)."""

WINDOW_MODULES = ("muse_care.services.queue", "muse_care.ui.queue_model", "muse_care.ui.case_view",
                  "muse_care.ui.letters_tab", "muse_care.ui.retrieval_tab", "muse_care.ui.tasks_tab",
                  "muse_care.ui.team_windows", "muse_care.ui.operations")
"""What ``MainWindow.complete`` imports: imported on the worker (modules only, no
widget is made there), so the GUI thread does not stop for them."""


def open_register(url: str | None, actor: Any, team_server: Any = None) -> Any:
    """Open (and migrate) the register, on the worker. A saved team server is reached
    with the password from the keychain; on any PostgreSQL database the login and role
    come from the server, not from this machine's config. The window's remaining
    modules are imported here too."""
    import importlib

    from muse_care.services import team
    from muse_care.services.register import Register
    from muse_care.store.db import is_sqlite

    if team_server is not None:
        register = team.connect(team_server)
    else:
        assert url is not None
        register = Register.open(url, actor)
        if not is_sqlite(url):
            register = Register(register.engine, team.actor_from_database(register), register.now)
    register.timezone()  # reads the organisation's settings here, not later on the GUI thread
    for name in WINDOW_MODULES:
        importlib.import_module(name)
    return register


class Starter(QtCore.QObject):
    """Shows the window with the first page read at start, then opens the database on
    the worker and completes the window."""

    page_read = Signal(object)  # the first-page future, done (from its thread)

    def __init__(self, app: QtWidgets.QApplication, url: str, actor: Any, *, smoke: bool,
                 launch: Launch | None = None) -> None:
        super().__init__()
        from muse_care.ui.context import AppContext
        from muse_care.store.db import sqlite_file

        self.app, self.url, self.smoke = app, url, smoke
        path = sqlite_file(url)
        self.first_start = launch.first_start if launch is not None else path is not None and not path.exists()
        settings = None
        if smoke:
            settings = QtCore.QSettings(str(Path(tempfile.mkdtemp()) / "layout.ini"),
                                        QtCore.QSettings.Format.IniFormat)
        self.ctx = AppContext(None, actor, settings=settings)
        self.team_server: Any = launch.team_server if launch is not None else None
        self.first_page: PageRead | None = launch.first_page if launch is not None else None
        self.window: Any = None
        self.exit_code = 0
        self._started = False
        self._paint_watch: Any = None

    def show_window(self) -> None:
        """The window at once, with the first page if it has been read already (then the
        very first paint has it); the database opens once that page is painted."""
        from muse_care.ui.main_window import MainWindow

        self.window = MainWindow(self.ctx, skeleton=True)
        if os.environ.get("MUSE_CARE_BENCH_STARTUP"):  # bench/bench_startup.py times launch to here
            self.window.first_page_shown.connect(lambda _n: QtCore.QTimer.singleShot(0, self._bench_painted))
        future = self.first_page
        if future is not None and future.done():
            self._page_read(future)
        elif future is not None:
            self.page_read.connect(self._page_read)
            future.add_done_callback(self.page_read.emit)
        self.window.show()
        if future is None:
            self.start()
        else:  # a page that does not come does not hold the database up
            QtCore.QTimer.singleShot(FIRST_PAGE_WAIT_MS, self.start)

    def _page_read(self, future: PageRead) -> None:
        try:
            page = future.result()
        except Exception:  # the queue model reads the page once the register is open
            log.exception("start: the first page could not be read through sqlite3")
            page = None
        if self.window is None or self._started or not self.window.show_first_page(page):
            if not self._started:
                self.start()
            return
        self._paint_watch = _FirstPaint(self.window.ui.queue_table.viewport(), self.start)
        QtCore.QTimer.singleShot(FIRST_PAINT_WAIT_MS, self.start)

    def start(self) -> None:
        """Open the database on the worker (once; again after Retry)."""
        if self._started:
            return
        self._started = True
        if self.window is not None:  # what the table's first paint did without
            self.window.finish_table()
        if self._paint_watch is not None:
            self._paint_watch.stop()
            self._paint_watch = None
        url, actor, team_server = self.url, self.ctx.actor, self.team_server
        self.ctx.worker.submit(lambda: open_register(url, actor, team_server), self._opened, self._failed)

    def _failed(self, exc: BaseException) -> None:
        from muse_care.domain.errors import MuseCareError
        from muse_care.store.db import redact

        if self.smoke:
            print(f"muse-care: smoke test failed: {exc}", file=sys.stderr)
            self.exit_code = 3
            self.app.exit(3)
            return
        if isinstance(exc, MuseCareError):
            box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Critical, "Cannot open the database",
                                        f"{exc}\n\nDatabase: {redact(self.url)}\nChange it with "
                                        "muse-care --db, or in Settings once it opens.")
            box.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Retry
                                   | QtWidgets.QMessageBox.StandardButton.Close)
            if self.window is not None:  # nothing of a database that did not open stays on screen
                self.window.hide()
                self.window.first_page.clear()
            if box.exec() == QtWidgets.QMessageBox.StandardButton.Retry:
                self._started = False
                self.start()
                return
            self.exit_code = 3
            self.app.exit(3)
        else:
            if self.window is not None:
                self.window.hide()
            self.ctx.report_error(exc)
            self.exit_code = 1

    def _opened(self, register: Any) -> None:
        from muse_care.ui.main_window import MainWindow

        self.ctx.register = register
        self.ctx.actor = register.actor  # on a team server: who the server says we are
        if self.window is None:
            self.window = MainWindow(self.ctx, skeleton=True)
        self.window.complete(load=False)
        self.window.show()
        self.window.start()
        if not self.smoke:  # our own retention: at start, then daily (services/anonymise.py)
            from muse_care.ui.retention_jobs import RetentionSchedule

            bar = self.window.statusBar()
            self.retention = RetentionSchedule(self.ctx, self.window, show=lambda t: bar.showMessage(t, 60_000))
            self.retention.start()
        if self.smoke:
            self.window.model.loaded.connect(lambda _n: QtCore.QTimer.singleShot(50, self._smoke_done))
        elif self.first_start:
            QtCore.QTimer.singleShot(0, self.offer_demo)

    def _bench_painted(self) -> None:
        """The first queue page is in the table: paint it now, say so on stdout; then
        say when the window is complete (the queue model has the table), and quit."""
        self.window.ui.queue_table.viewport().repaint()
        print("MUSE-CARE-PAINTED", flush=True)
        shot = os.environ.get("MUSE_CARE_BENCH_SHOT")  # bench_startup.py --shot: the window as painted
        if shot:
            self.window.grab().save(shot)
        self._bench_complete()

    def _bench_complete(self) -> None:
        window = self.window
        if not (window.completed and window.ui.queue_table.model() is window.model):
            QtCore.QTimer.singleShot(50, self._bench_complete)
            return
        window.ui.queue_table.viewport().repaint()
        print("MUSE-CARE-COMPLETE", flush=True)
        if os.environ.get("MUSE_CARE_BENCH_STARTUP") == "rss":  # and the memory once the start's work is done
            self._bench_rss(0)
            return
        window.close()
        self.app.exit(0)

    def _bench_rss(self, idle_ms: int) -> None:
        idle_ms = idle_ms + 100 if self.ctx.worker.idle else 0
        if idle_ms < 2000:
            QtCore.QTimer.singleShot(100, lambda: self._bench_rss(idle_ms))
            return
        status = Path("/proc/self/status")
        rss = next((int(line.split()[1]) / 1024 for line in status.read_text().splitlines()
                    if line.startswith("VmRSS:")), 0.0) if status.exists() else 0.0
        print(f"MUSE-CARE-RSS {rss:.1f}", flush=True)
        if os.environ.get("MUSE_CARE_BENCH_MODULES"):  # which packages the idle window holds
            tops = sorted({name.split(".")[0] for name in sys.modules} | {n for n in sys.modules if n.startswith("PySide6.")})
            print("MUSE-CARE-MODULES " + " ".join(tops), flush=True)
        self.window.close()
        self.app.exit(0)

    def _smoke_done(self, waited_ms: int = 0) -> None:
        """Passes once the window is shown and the worker has finished what the start
        asked of it (the queue, the views' counts); those may take a while on a busy
        machine, so it waits for them (up to SMOKE_IDLE_MS) rather than a fixed time."""
        if not self.ctx.worker.idle and waited_ms < SMOKE_IDLE_MS:
            QtCore.QTimer.singleShot(50, lambda: self._smoke_done(waited_ms + 50))
            return
        ok = self.window.isVisible() and self.ctx.worker.idle
        print(f"muse-care smoke test: window shown, database migrated at {self.url}: "
              f"{'ok' if ok else 'FAILED'}")
        self.exit_code = 0 if ok else 1
        self.window.close()
        self.app.exit(self.exit_code)

    def offer_demo(self) -> None:
        answer = QtWidgets.QMessageBox.question(
            self.window, "A new, empty database",
            f"This is a new database. Add {DEMO_CASES:,} made-up demo cases to try MUSE Care out?\n"
            "(Do not do this on the database your team uses for real requests.)",
            QtWidgets.QMessageBox.StandardButton.Yes | QtWidgets.QMessageBox.StandardButton.No,
            QtWidgets.QMessageBox.StandardButton.No)
        if answer == QtWidgets.QMessageBox.StandardButton.Yes:
            self.generate_demo(DEMO_CASES)

    def generate_demo(self, n: int) -> QtWidgets.QProgressDialog:
        from muse_care.services.demo import generate

        progress = QtWidgets.QProgressDialog("Writing demo cases…", "", 0, DEMO_STEPS, self.window)
        progress.setCancelButton(None)
        progress.setWindowTitle("Demo data")
        progress.setMinimumDuration(0)
        progress.setValue(0)
        reg = self.ctx.register
        step = max(1, n // DEMO_STEPS)
        for i in range(DEMO_STEPS):
            def done(_r: Any, i: int = i) -> None:
                progress.setValue(i + 1)
                if i + 1 == DEMO_STEPS:
                    self.window.refresh()
            self.ctx.worker.submit(lambda i=i: generate(reg, step, seed=7 + i), done)
        return progress


class _FirstPaint(QtCore.QObject):
    """Calls ``then`` once ``widget`` has painted (the first page is on screen), through
    the event loop, so the worker's imports never slow that first paint."""

    def __init__(self, widget: QtWidgets.QWidget, then: Any) -> None:
        super().__init__(widget)
        self.widget, self.then = widget, then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:
        if watched is self.widget and event.type() == QtCore.QEvent.Type.Paint:
            self.stop()
            QtCore.QTimer.singleShot(0, self.then)
        return False

    def stop(self) -> None:
        self.widget.removeEventFilter(self)


def run_app(args: argparse.Namespace, launch: Launch | None = None) -> int:
    """Run the window. ``launch``: what ``muse_care.ui.launch.prepare`` decided before Qt
    loaded (``muse_care.entry`` passes it); decided here when not given."""
    launch = launch or prepare(args)
    if launch is None:
        return 2
    smoke = launch.smoke
    app = make_application(sys.argv[:1])
    starter = Starter(app, launch.url, launch.actor, smoke=smoke, launch=launch)
    if smoke:
        QtCore.QTimer.singleShot(60_000, lambda: app.exit(4))  # never hang a CI job
    starter.show_window()
    code = app.exec()
    starter.ctx.worker.shutdown()
    if starter.ctx.register is not None:
        starter.ctx.register.dispose()
    return code or starter.exit_code
