"""Our own retention in the window: at start, and once a day while it stays open (a
team's windows all ask; the database's advisory lock and the retention log let only
one run it each day). Runs on the worker; the window only shows a line in the status
bar when something was removed. See muse_care/services/anonymise.py."""

from __future__ import annotations

from typing import Any

from muse_care.ui.qt import QtCore

DAY_MS = 24 * 60 * 60 * 1000


class RetentionSchedule(QtCore.QObject):
    def __init__(self, ctx: Any, parent: QtCore.QObject | None = None, *, show: Any = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._show = show
        self.last: Any = None
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(DAY_MS)
        self.timer.timeout.connect(self.run)

    def start(self) -> None:
        self.run()
        self.timer.start()

    def run(self) -> None:
        from muse_care.services.anonymise import at_start

        reg = self.ctx.register
        if reg is None:
            return
        self.ctx.worker.submit(lambda: at_start(reg), self._done, self._failed, owner=self)

    def _done(self, result: Any) -> None:
        self.last = result
        report = result.report
        if self._show is not None and report is not None and report.cases:
            self._show(f"Our own retention: {len(report.anonymised)} case(s) anonymised, "
                       f"{len(report.purged)} lost their evidence copies (muse-care retention log).")

    def _failed(self, exc: BaseException) -> None:
        self.last = exc  # never in the way of the work: it runs again tomorrow or at the next start
