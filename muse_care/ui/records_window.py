"""Records and metrics, for a team lead: a year's figures per request type (CCPA
regulations §7102 and the GDPR equivalents) as a table and a chart, the open tasks per
system, and exports of the register (CSV or PDF) and the metrics (CSV).

The data comes from ``muse_care.services.records`` and ``muse_care.services.tasks`` on
the worker; the window only draws it. Team ▸ Records and metrics… opens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from muse_care.services import records, tasks
from muse_care.ui.qt import QtCharts, QtGui, QtWidgets, Qt, Signal
from muse_care.ui.window_keys import close_on_keys

GREEN, RED, BLUE = "#3BA55C", "#D64545", "#4C78A8"


@dataclass(frozen=True)
class _Loaded:
    metrics: records.Metrics
    systems: list[tasks.SystemSummary]


def save_file_dialog(parent: QtWidgets.QWidget, title: str, suggested: str, filters: str) -> str | None:
    path, _ = QtWidgets.QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return path or None


class RecordsWindow(QtWidgets.QMainWindow):
    loaded = Signal()
    exported = Signal(str)

    def __init__(self, ctx: Any, parent: QtWidgets.QWidget | None = None, *,
                 save_file: Any = save_file_dialog, embedded: bool = False) -> None:
        super().__init__(parent)
        if embedded:  # a page of the lead's dashboard, not a window of its own
            self.setWindowFlags(Qt.WindowType.Widget)
        self.ctx = ctx
        self._save_file = save_file
        self.setWindowTitle("Records and metrics — MUSE Care")
        central = QtWidgets.QWidget()
        self.setCentralWidget(central)
        layout = QtWidgets.QVBoxLayout(central)

        top = QtWidgets.QHBoxLayout()
        self.year = QtWidgets.QSpinBox()
        self.year.setRange(2018, 2100)
        self.year.setValue(date.today().year)
        self.year.setAccessibleName("Year")
        label = QtWidgets.QLabel("&Year received")
        label.setBuddy(self.year)
        top.addWidget(label)
        top.addWidget(self.year)
        self.year.valueChanged.connect(lambda _v: self.reload())
        top.addStretch(1)
        self.export_register_button = QtWidgets.QPushButton("Export the &register…")
        self.export_metrics_button = QtWidgets.QPushButton("Export the &metrics…")
        self.export_register_button.clicked.connect(self.export_register)
        self.export_metrics_button.clicked.connect(self.export_metrics)
        top.addWidget(self.export_register_button)
        top.addWidget(self.export_metrics_button)
        layout.addLayout(top)

        self.caption = QtWidgets.QLabel()
        self.caption.setWordWrap(True)
        self.caption.setAccessibleName("Figures summary")
        layout.addWidget(self.caption)
        self.table = QtWidgets.QTableWidget(0, 9)
        self.table.setHorizontalHeaderLabels(["Request type", "Received", "Complied (whole or part)", "Denied",
                                              "Open", "On time", "Late", "Open overdue", "Median days"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName("Metrics per request type")
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 2)

        self.chart = QtCharts.QChart()
        self.chart.setTitle("Requests received per type: complied, denied, open")
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_view = QtCharts.QChartView(self.chart)
        self.chart_view.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(260)
        layout.addWidget(self.chart_view, 3)

        layout.addWidget(QtWidgets.QLabel("<b>Open tasks per system</b>"))
        self.systems = QtWidgets.QListWidget()
        self.systems.setAccessibleName("Open tasks per system")
        layout.addWidget(self.systems, 2)
        self.status = QtWidgets.QLabel()
        self.status.setAccessibleName("Records status")
        layout.addWidget(self.status)
        if not embedded:
            close_on_keys(self)
            self.resize(1000, 760)

    # --- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        reg, year = self.ctx.register, self.year.value()
        self.status.setText("Counting…")

        def load() -> _Loaded:
            return _Loaded(records.metrics(reg, year), tasks.system_summary(reg))

        self.ctx.worker.submit(load, self._loaded, self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("")
        self.ctx.report_error(exc, retry=self.reload, parent=self)

    def _loaded(self, data: _Loaded) -> None:
        m = data.metrics
        if m.year != self.year.value():
            return  # a count for a year no longer chosen
        self.caption.setText(f"{m.total_received:,} request{'s' if m.total_received != 1 else ''} received in "
                             f"{m.year}. A request for two rights counts under each. “Complied” is in whole "
                             "or in part; days to respond are counted from receipt to the first answer.")
        self.table.setRowCount(len(m.rows))
        for i, r in enumerate(m.rows):
            values = [r.label, r.received, r.complied, r.denied, r.open, r.on_time, r.late, r.open_overdue,
                      "–" if r.median_days is None else f"{r.median_days:g}"]
            for j, value in enumerate(values):
                item = QtWidgets.QTableWidgetItem(f"{value:,}" if isinstance(value, int) else str(value))
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self._draw(m)
        self.systems.clear()
        for line in data.systems:
            self.systems.addItem(line.text)
        if not data.systems:
            self.systems.addItem("No open tasks.")
        self.status.setText("")
        self.loaded.emit()

    def _draw(self, m: records.Metrics) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        series = QtCharts.QHorizontalStackedBarSeries()
        for name, colour, attr in (("Complied", GREEN, "complied"), ("Denied", RED, "denied"),
                                   ("Open", BLUE, "open")):
            bars = QtCharts.QBarSet(name)
            bars.setColor(QtGui.QColor(colour))
            for r in m.rows:
                bars.append(getattr(r, attr))
            series.append(bars)
        self.chart.addSeries(series)
        categories = QtCharts.QBarCategoryAxis()
        categories.append([r.label for r in m.rows] or ["(none)"])
        values = QtCharts.QValueAxis()
        values.setLabelFormat("%d")
        top = max([r.received for r in m.rows] + [1])
        values.setRange(0, top)
        if top <= 10:
            values.setTickCount(top + 1)  # whole numbers only: 0, 1, 2…
        else:
            values.applyNiceNumbers()
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)

    # --- exports ------------------------------------------------------------------------
    def export_register(self) -> None:
        year = self.year.value()
        path = self._save_file(self, "Export the register", f"register-{year}.pdf",
                               "PDF (*.pdf);;CSV (*.csv)")
        if not path:
            return
        reg, target = self.ctx.register, Path(path)
        fmt = "pdf" if target.suffix.lower() == ".pdf" else "csv"

        def write() -> int:
            return records.export_register(reg, date(year, 1, 1), date(year, 12, 31), target, fmt)

        self.ctx.worker.submit(write, lambda n: self._exported(f"{n:,} requests written to {target.name}"),
                               self._failed, owner=self)

    def export_metrics(self) -> None:
        year = self.year.value()
        path = self._save_file(self, "Export the metrics", f"metrics-{year}.csv", "CSV (*.csv)")
        if not path:
            return
        reg, target = self.ctx.register, Path(path)

        def write() -> str:
            records.export_metrics(records.metrics(reg, year), target)
            return target.name

        self.ctx.worker.submit(write, lambda name: self._exported(f"metrics written to {name}"),
                               self._failed, owner=self)

    def _exported(self, message: str) -> None:
        self.status.setText(message)
        self.exported.emit(message)


__all__ = ["RecordsWindow"]
