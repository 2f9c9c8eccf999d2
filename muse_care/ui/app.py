"""Start the window: ``run_app(args)`` from ``muse-care`` with no sub-command.

The database is opened (and migrated) on the worker, never on the GUI thread; the
first start on a new database offers demo data, generated on the worker with progress.
``--smoke-test`` runs all of it offscreen on a temporary database and exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from muse_care.ui.qt import QtCore, QtGui, QtWidgets

DEMO_CASES = 2000
DEMO_STEPS = 10


def load_fonts() -> int:
    """Register the shipped fonts (Arabic script, CJK, Latin) so Urdu and Chinese names
    render on every machine, not only where the system has those fonts."""
    try:
        from muse_care.letters.resources import fonts_dir

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
    # draw dark; Fusion can, with the palette Qt derives from the system scheme.
    if app.styleHints().colorScheme() == QtCore.Qt.ColorScheme.Dark and \
            app.style().name().lower() == "windowsvista":
        app.setStyle("Fusion")
    return app  # type: ignore[return-value]


def database_url(args: argparse.Namespace) -> str:
    from muse_care.services import local_config
    from muse_care.store.db import resolve_url

    return resolve_url(getattr(args, "db", None) or local_config.load().get("db") or None)


def open_register(url: str | None, actor: Any, team_server: Any = None) -> Any:
    """Open (and migrate) the register, on the worker. A saved team server is reached
    with the password from the keychain; on any PostgreSQL database the login and role
    come from the server, not from this machine's config."""
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
    return register


class Starter(QtCore.QObject):
    """Opens the database on the worker, then shows the window."""

    def __init__(self, app: QtWidgets.QApplication, url: str, actor: Any, *, smoke: bool) -> None:
        super().__init__()
        from muse_care.ui.context import AppContext
        from muse_care.store.db import sqlite_file

        self.app, self.url, self.smoke = app, url, smoke
        path = sqlite_file(url)
        self.first_start = path is not None and not path.exists()
        settings = None
        if smoke:
            settings = QtCore.QSettings(str(Path(tempfile.mkdtemp()) / "layout.ini"),
                                        QtCore.QSettings.Format.IniFormat)
        self.ctx = AppContext(None, actor, settings=settings)
        self.team_server: Any = None
        self.window: Any = None
        self.exit_code = 0

    def start(self) -> None:
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
            if box.exec() == QtWidgets.QMessageBox.StandardButton.Retry:
                self.start()
                return
            self.exit_code = 3
            self.app.exit(3)
        else:
            self.ctx.report_error(exc)
            self.exit_code = 1

    def _opened(self, register: Any) -> None:
        from muse_care.ui.main_window import MainWindow

        self.ctx.register = register
        self.ctx.actor = register.actor  # on a team server: who the server says we are
        self.window = MainWindow(self.ctx)
        self.window.show()
        self.window.start()
        if not self.smoke:  # our own retention: at start, then daily (services/anonymise.py)
            from muse_care.ui.retention_jobs import RetentionSchedule

            bar = self.window.statusBar()
            self.retention = RetentionSchedule(self.ctx, self.window, show=lambda t: bar.showMessage(t, 60_000))
            self.retention.start()
        if os.environ.get("MUSE_CARE_BENCH_STARTUP"):  # bench/bench_startup.py times launch to here
            self.window.model.loaded.connect(lambda _n: QtCore.QTimer.singleShot(0, self._bench_painted))
        if self.smoke:
            self.window.model.loaded.connect(lambda _n: QtCore.QTimer.singleShot(50, self._smoke_done))
        elif self.first_start:
            QtCore.QTimer.singleShot(0, self.offer_demo)

    def _bench_painted(self) -> None:
        """The first queue page is in the model: paint it now, say so on stdout, quit."""
        self.window.ui.queue_table.viewport().repaint()
        print("MUSE-CARE-PAINTED", flush=True)
        self.window.close()
        self.app.exit(0)

    def _smoke_done(self, waits: int = 0) -> None:
        if not self.ctx.worker.idle and waits < 600:  # the view counts follow the queue's page
            QtCore.QTimer.singleShot(50, lambda: self._smoke_done(waits + 1))
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


def run_app(args: argparse.Namespace) -> int:
    from muse_care.domain.errors import ValidationError
    from muse_care.services.local_config import current_actor

    smoke = bool(getattr(args, "smoke_test", False))
    try:
        if smoke:
            folder = Path(tempfile.mkdtemp(prefix="muse-care-smoke-"))
            url = f"sqlite:///{folder / 'smoke.sqlite3'}"
        else:
            url = database_url(args)
        actor = current_actor(getattr(args, "as_user", None))
    except ValidationError as exc:
        print(f"muse-care: {exc}", file=sys.stderr)
        return 2
    app = make_application(sys.argv[:1])
    starter = Starter(app, url, actor, smoke=smoke)
    if not smoke and not getattr(args, "db", None) and not os.environ.get("MUSE_CARE_DB"):
        from muse_care.services import local_config, team

        if not local_config.load().get("db"):
            starter.team_server = team.load_server_settings()  # `muse-care team connect` saved one
            if starter.team_server is not None:
                starter.first_start = False  # never offer demo data on a team's server
    if smoke:
        QtCore.QTimer.singleShot(60_000, lambda: app.exit(4))  # never hang a CI job
    QtCore.QTimer.singleShot(0, starter.start)
    code = app.exec()
    starter.ctx.worker.shutdown()
    if starter.ctx.register is not None:
        starter.ctx.register.dispose()
    return code or starter.exit_code
