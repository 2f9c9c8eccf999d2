"""The team lead's dashboard: a few numbers in large type and four charts.

Data in, nothing out: :meth:`DashboardWidget.set_data` takes a
:class:`~muse_care.services.team_reports.DashboardData` that the main window's worker
fetched (``team_reports.dashboard_data``); this widget does no database work.
``refreshRequested`` asks the window to fetch again.
"""

from __future__ import annotations

from muse_care.domain.case import STATUS_LABELS, label
from muse_care.services.team_reports import DashboardData, right_label
from muse_care.ui.qt import QtCharts, QtCore, QtGui, QtWidgets, Qt, Signal

STATUS_COLOURS = {
    "new": "#5B8DEF", "awaiting-identity": "#F2A93B", "in-progress": "#3BB273",
    "awaiting-clarification": "#9B6DD6", "awaiting-approval": "#E46A6A",
}
BLUE, RED, AMBER, GREEN, GREY = "#4C78A8", "#D64545", "#E8A33D", "#3BA55C", "#9AA0A6"
ON_TIME_TARGET = 0.95


class _Tile(QtWidgets.QFrame):
    """One number a lead reads at a glance, with its label."""

    def __init__(self, label: str, colour: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tile")
        self.setFrameShape(QtWidgets.QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"#tile {{ border: 1px solid #d0d4da; border-left: 6px solid {colour}; "
                           "border-radius: 6px; background: white; }")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.value = QtWidgets.QLabel("–")
        font = self.value.font()
        font.setPointSize(26)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setStyleSheet(f"color: {colour};")
        self.caption = QtWidgets.QLabel(label)
        self.caption.setStyleSheet("color: #555;")
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set_value(self, value: int) -> None:
        self.value.setText(f"{value:,}")


def _category_axis(labels: list[str]) -> QtCharts.QBarCategoryAxis:
    """A category axis whose labels are never elided to "…": they are short (a month,
    a name) and the chart makes room for them."""
    axis = QtCharts.QBarCategoryAxis()
    axis.append(labels)
    axis.setTruncateLabels(False)
    return axis


def _view(chart: QtCharts.QChart) -> QtCharts.QChartView:
    chart.setBackgroundRoundness(6)
    chart.setMargins(QtCore.QMargins(6, 6, 6, 6))
    font = chart.titleFont()
    font.setPointSize(11)
    font.setBold(True)
    chart.setTitleFont(font)
    view = QtCharts.QChartView(chart)
    view.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    view.setMinimumSize(360, 240)
    return view


class DashboardWidget(QtWidgets.QWidget):
    refreshRequested = Signal()
    agentChosen = Signal(str)  # a login ("" = the unassigned pool): show that queue

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.data: DashboardData | None = None
        outer = QtWidgets.QVBoxLayout(self)
        header = QtWidgets.QHBoxLayout()
        self.title = QtWidgets.QLabel("Team dashboard")
        f = self.title.font()
        f.setPointSize(15)
        f.setBold(True)
        self.title.setFont(f)
        self.as_of = QtWidgets.QLabel("")
        self.as_of.setStyleSheet("color: #666;")
        self.refresh = QtWidgets.QPushButton("Refresh")
        self.refresh.clicked.connect(self.refreshRequested)
        header.addWidget(self.title)
        header.addSpacing(12)
        header.addWidget(self.as_of)
        header.addStretch(1)
        header.addWidget(self.refresh)
        outer.addLayout(header)

        tiles = QtWidgets.QHBoxLayout()
        self.tile_open = _Tile("open cases", BLUE)
        self.tile_overdue = _Tile("overdue", RED)
        self.tile_week = _Tile("due this week", AMBER)
        self.tile_approvals = _Tile("approvals waiting", "#7A5BC7")
        self.rests_on = QtWidgets.QLabel("")
        self.rests_on.setStyleSheet("color: #555;")
        self.rests_on.setWordWrap(True)
        for t in (self.tile_open, self.tile_overdue, self.tile_week, self.tile_approvals):
            tiles.addWidget(t)
        outer.addLayout(tiles)
        outer.addWidget(self.rests_on)

        grid = QtWidgets.QGridLayout()
        self.status_chart = QtCharts.QChart()
        self.right_chart = QtCharts.QChart()
        self.on_time_chart = QtCharts.QChart()
        self.load_chart = QtCharts.QChart()
        self.status_view = _view(self.status_chart)
        self.right_view = _view(self.right_chart)
        self.on_time_view = _view(self.on_time_chart)
        self.load_view = _view(self.load_chart)
        grid.addWidget(self.status_view, 0, 0)
        grid.addWidget(self.on_time_view, 0, 1)
        grid.addWidget(self.load_view, 1, 0)
        grid.addWidget(self.right_view, 1, 1)
        outer.addLayout(grid, 1)
        # the history's seal (docs/security.md, "The seal"): a lead notes it, `muse-care
        # audit verify --seal COUNT:HASH` later proves nothing before it was rewritten
        self.seal = QtWidgets.QLabel("")
        self.seal.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.seal.setStyleSheet("color: #666; font-family: monospace;")
        self.seal.setAccessibleName("History seal")
        outer.addWidget(self.seal)
        # each agent's workload in figures (the chart above shows its shape)
        self.workload = QtWidgets.QTableWidget(0, 4, self)
        self.workload.setAccessibleName("Workload per agent")
        self.workload.setHorizontalHeaderLabels(["Agent", "Open", "Due this week", "Overdue"])
        self.workload.verticalHeader().setVisible(False)
        self.workload.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.workload.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.workload.horizontalHeader().setSectionResizeMode(0, QtWidgets.QHeaderView.ResizeMode.Stretch)
        self.workload.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        self.workload.setToolTip("Double-click an agent to show their queue")
        self.workload.cellDoubleClicked.connect(self._agent_chosen)
        outer.addWidget(self.workload)

    # --- data in -------------------------------------------------------------------
    def set_data(self, data: DashboardData) -> None:
        self.data = data
        self.as_of.setText(f"as of {data.as_of:%a %d %b %Y}")
        self.tile_open.set_value(data.open_total)
        self.tile_overdue.set_value(data.overdue)
        self.tile_week.set_value(data.due_this_week)
        self.tile_approvals.set_value(data.pending_approvals)
        self.seal.setText(f"History seal: {data.seal}" if data.seal else "")
        self.tile_approvals.caption.setText("approval waiting" if data.pending_approvals == 1
                                            else "approvals waiting")
        self.tile_open.caption.setText("open case" if data.open_total == 1 else "open cases")
        self.rests_on.setText(
            f"On time: {data.on_time_text} in the last {len(data.on_time_by_month)} months "
            "(answer date from the history, else the first reply letter, else the case's last change). "
            "Open figures rest on "
            f"{data.open_total:,} open cases; approvals count requests waiting for a lead.")
        self._workload(data)
        self._status(data)
        self._on_time(data)
        self._load(data)
        self._rights(data)

    @staticmethod
    def _reset(chart: QtCharts.QChart, title: str) -> None:
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        chart.setTitle(title)

    def _status(self, data: DashboardData) -> None:
        chart = self.status_chart
        self._reset(chart, f"Open cases by status ({data.open_total:,})")
        series = QtCharts.QPieSeries()
        series.setHoleSize(0.45)
        for status, n in data.by_status:
            sl = series.append(f"{label(status, STATUS_LABELS)}: {n:,}", n)
            sl.setColor(QtGui.QColor(STATUS_COLOURS.get(status, GREY)))
            sl.setBorderColor(QtGui.QColor("white"))
        chart.addSeries(series)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)

    def _on_time(self, data: DashboardData) -> None:
        chart = self.on_time_chart
        answered = sum(m.answered for m in data.on_time_by_month)
        on_time = sum(m.on_time for m in data.on_time_by_month)
        overall = f"{on_time / answered:.0%}" if answered else "no answers yet"
        self._reset(chart, f"Answered on time, by month ({overall} of {answered:,} answered)")
        good, late = QtCharts.QBarSet("on time"), QtCharts.QBarSet("late")
        good.setColor(QtGui.QColor(GREEN))
        late.setColor(QtGui.QColor(RED))
        months = []
        for m in data.on_time_by_month:
            months.append(QtCore.QDate(int(m.month[:4]), int(m.month[5:]), 1).toString("MMM")[:3])
            rate = m.rate
            good.append(100 * rate if rate is not None else 0)
            late.append(100 * (1 - rate) if rate is not None else 0)
        series = QtCharts.QStackedBarSeries()
        series.append(good)
        series.append(late)
        series.setBarWidth(0.7)
        chart.addSeries(series)
        x = _category_axis(months)
        y = QtCharts.QValueAxis()
        y.setRange(0, 100)
        y.setLabelFormat("%d%%")
        y.setTickCount(6)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        target = QtCharts.QLineSeries()
        target.setName(f"target {ON_TIME_TARGET:.0%}")
        pen = QtGui.QPen(QtGui.QColor("#333"))
        pen.setStyle(Qt.PenStyle.DashLine)
        pen.setWidth(2)
        target.setPen(pen)
        n = max(len(months), 1)
        target.append(-0.5, 100 * ON_TIME_TARGET)
        target.append(n - 0.5, 100 * ON_TIME_TARGET)
        chart.addSeries(target)
        tx = QtCharts.QValueAxis()
        tx.setRange(-0.5, n - 0.5)
        tx.setVisible(False)
        chart.addAxis(tx, Qt.AlignmentFlag.AlignTop)
        target.attachAxis(tx)
        target.attachAxis(y)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)

    def _load(self, data: DashboardData) -> None:
        chart = self.load_chart
        self._reset(chart, "Load per agent (open cases)")
        overdue, week, rest = (QtCharts.QBarSet("overdue"), QtCharts.QBarSet("due this week"),
                               QtCharts.QBarSet("later"))
        overdue.setColor(QtGui.QColor(RED))
        week.setColor(QtGui.QColor(AMBER))
        rest.setColor(QtGui.QColor(BLUE))
        names = []
        # horizontal bars are drawn bottom-up: reverse so the busiest is on top
        for a in reversed(data.load_per_agent[:12]):
            names.append(_short(data.name_of(a.agent)))
            overdue.append(a.overdue)
            week.append(a.due_this_week)
            rest.append(max(a.open - a.overdue - a.due_this_week, 0))
        series = QtCharts.QHorizontalStackedBarSeries()
        for s in (overdue, week, rest):
            series.append(s)
        series.setBarWidth(0.7)
        chart.addSeries(series)
        y = _category_axis(names)
        x = QtCharts.QValueAxis()
        x.setLabelFormat("%d")
        top = max((a.open for a in data.load_per_agent), default=0)
        x.setRange(0, max(top, 1))
        x.applyNiceNumbers()
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y)
        series.attachAxis(x)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)

    def _rights(self, data: DashboardData) -> None:
        chart = self.right_chart
        self._reset(chart, "Open cases by right")
        bars = QtCharts.QBarSet("open cases")
        bars.setColor(QtGui.QColor("#5B8DEF"))
        labels = []
        for right, n in reversed(data.by_right):
            labels.append(_short(right_label(right).split(" (")[0].split(" to ")[0], 22))
            bars.append(n)
        series = QtCharts.QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QtCharts.QAbstractBarSeries.LabelsPosition.LabelsInsideEnd)
        bars.setLabelColor(QtGui.QColor("white"))
        chart.addSeries(series)
        y = _category_axis(labels)
        x = QtCharts.QValueAxis()
        x.setLabelFormat("%d")
        x.setRange(0, max((n for _r, n in data.by_right), default=1))
        x.applyNiceNumbers()
        chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(y)
        series.attachAxis(x)
        chart.legend().setVisible(False)

    def _workload(self, data: DashboardData) -> None:
        self.workload.setRowCount(0)
        for a in data.load_per_agent:
            row = self.workload.rowCount()
            self.workload.insertRow(row)
            shown = data.name_of(a.agent)
            name = QtWidgets.QTableWidgetItem(shown + (f" ({a.agent})" if a.agent and shown != a.agent else ""))
            name.setData(Qt.ItemDataRole.UserRole, a.agent)
            self.workload.setItem(row, 0, name)
            name.setToolTip("Double-click to show this queue")
            for col, n in ((1, a.open), (2, a.due_this_week), (3, a.overdue)):
                item = QtWidgets.QTableWidgetItem(f"{n:,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col == 3 and n:
                    item.setForeground(QtGui.QColor(RED))
                self.workload.setItem(row, col, item)

    def _agent_chosen(self, row: int, _column: int) -> None:
        item = self.workload.item(row, 0)
        if item is not None:
            self.agentChosen.emit(item.data(Qt.ItemDataRole.UserRole) or "")


def _short(text: str, limit: int = 16) -> str:
    """A label short enough for a chart axis, cut at a word where possible."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return (cut if len(cut) >= limit // 2 else text[:limit]).rstrip() + "."
