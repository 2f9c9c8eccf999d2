"""The lead's dashboard and approval queue widgets: plain data in, signals out.
The widgets are grabbed into a temporary folder; docs/team/ is tools/team_screenshots.py's."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from muse_care.services.team import ApprovalView
from muse_care.services.team_reports import AgentLoad, DashboardData, MonthRate

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def sample_dashboard() -> DashboardData:
    rates = [(31, 30), (28, 27), (35, 33), (40, 39), (38, 34), (42, 41), (37, 36), (45, 43),
             (39, 38), (44, 43), (41, 37), (23, 22)]
    months = [f"2025-{m:02d}" for m in (12,)] + [f"2026-{m:02d}" for m in range(1, 12)]
    return DashboardData(
        as_of=date(2026, 11, 25), open_total=187, overdue=9, due_this_week=23, pending_approvals=4,
        by_status=(("new", 41), ("awaiting-identity", 38), ("in-progress", 79),
                   ("awaiting-clarification", 17), ("awaiting-approval", 12)),
        by_right=(("access", 96), ("erasure", 44), ("marketing-opt-out", 21), ("rectification", 14),
                  ("portability", 9), ("objection", 6), ("complaint", 4)),
        on_time_by_month=tuple(MonthRate(m, a, o) for m, (a, o) in zip(months, rates)),
        load_per_agent=(AgentLoad("aisha", 38, 3, 6), AgentLoad("tom", 33, 1, 5),
                        AgentLoad("lukasz", 29, 0, 4), AgentLoad("mei", 27, 2, 3),
                        AgentLoad("sara", 24, 0, 2), AgentLoad("", 36, 3, 3)),
    )


def sample_approvals() -> list[ApprovalView]:
    at = datetime(2026, 11, 24, 15, 5, tzinfo=timezone.utc)
    return [
        ApprovalView(1, 11, "MC-7KP-4QX9", "Łukasz Żółć", date(2026, 12, 1), "extension", "aisha", at,
                     "Three related requests from the same customer; 40 call recordings to review.",
                     None, None, None, ""),
        ApprovalView(2, 12, "MC-3RT-8WZD", "Mei Chen", date(2026, 11, 28), "disclosure", "tom", at,
                     "Access reply with chat transcripts (13 months) and order history.", None, None, None, ""),
        ApprovalView(3, 13, "MC-9HJ-2KLM", "Ahmed Raza", date(2026, 12, 3), "refusal", "lead_sam", at,
                     "Manifestly excessive: fifth identical request this month.", None, None, None, ""),
    ]


def test_dashboard_draws_the_data(qtbot, tmp_path) -> None:
    from muse_care.ui.dashboard import DashboardWidget

    w = DashboardWidget()
    qtbot.addWidget(w)
    w.resize(1200, 780)
    w.set_data(sample_dashboard())
    w.show()
    qtbot.waitExposed(w)
    assert w.tile_overdue.value.text() == "9" and w.tile_open.value.text() == "187"
    assert w.status_chart.series()[0].count() == 5
    assert len(w.on_time_chart.series()) == 2  # bars and the target line
    w.set_data(sample_dashboard())  # a refresh replaces, never adds
    assert len(w.on_time_chart.series()) == 2 and len(w.load_chart.axes()) == 2
    with qtbot.waitSignal(w.refreshRequested, timeout=1000):
        w.refresh.click()
    qtbot.wait(100)  # let the charts lay out their legends
    assert w.grab().save(str(tmp_path / "dashboard.png"))


def test_dashboard_with_no_cases(qtbot) -> None:
    from muse_care.ui.dashboard import DashboardWidget

    w = DashboardWidget()
    qtbot.addWidget(w)
    w.set_data(DashboardData(date(2026, 11, 25), 0, 0, 0, 0, (), (), (), ()))
    assert w.tile_open.value.text() == "0"


def test_approval_model(qtmodeltester) -> None:
    from muse_care.ui.approvals import ApprovalTableModel

    model = ApprovalTableModel()
    model.set_items(sample_approvals(), "lead_sam")
    qtmodeltester.check(model)
    assert model.rowCount() == 3


def test_approval_queue_signals_and_own_request(qtbot, tmp_path) -> None:
    from muse_care.ui.approvals import ApprovalQueueWidget

    w = ApprovalQueueWidget()
    qtbot.addWidget(w)
    w.resize(900, 420)
    w.set_items(sample_approvals(), "lead_sam")
    w.show()
    qtbot.waitExposed(w)
    w.table.selectRow(2)  # the lead's own request
    assert not w.approve.isEnabled() and "another lead" in w.status.text()
    w.table.selectRow(0)
    assert w.approve.isEnabled() and not w.reject.isEnabled()  # rejecting needs a note
    w.note.setPlainText("Agreed: complex, tell the customer by 1 Dec.")
    assert w.reject.isEnabled()
    with qtbot.waitSignal(w.approveRequested, timeout=1000) as sig:
        w.approve.click()
    assert sig.args == [1, "Agreed: complex, tell the customer by 1 Dec."]
    w.table.selectRow(1)
    w.note.setPlainText("Redact the courier's name in transcript 2.")
    assert w.grab().save(str(tmp_path / "approvals.png"))
    with qtbot.waitSignal(w.rejectRequested, timeout=1000) as sig:
        w.reject.click()
    assert sig.args[0] == 2
    w.set_busy(True, "the server is unavailable; retrying…")
    assert not w.approve.isEnabled()
    with qtbot.waitSignal(w.openCaseRequested, timeout=1000) as sig:
        w._open(w.model.index(0, 0))
    assert sig.args == [11]


def test_dashboard_labels_are_readable_at_the_opening_size(qtbot) -> None:
    """No axis label is elided to "…": each category axis keeps its labels whole and the
    load chart leaves room for the longest agent name at the window's opening size."""
    from muse_care.ui.dashboard import DashboardWidget
    from PySide6 import QtCharts as Charts
    from PySide6.QtGui import QFontMetrics

    w = DashboardWidget()
    qtbot.addWidget(w)
    em, line = w.fontMetrics().horizontalAdvance("M"), w.fontMetrics().lineSpacing()
    w.resize(em * 110, line * 58)  # DashboardWindow's opening size
    data = sample_dashboard()
    w.set_data(data)
    w.show()
    qtbot.waitExposed(w)
    qtbot.wait(50)
    for chart in (w.load_chart, w.on_time_chart, w.right_chart):
        axes = [a for a in chart.axes() if isinstance(a, Charts.QBarCategoryAxis)]
        assert axes and all(not a.truncateLabels() for a in axes)
    axis = next(a for a in w.load_chart.axes() if isinstance(a, Charts.QBarCategoryAxis))
    widest = max(QFontMetrics(axis.labelsFont()).horizontalAdvance(label) for label in axis.categories())
    assert w.load_chart.plotArea().left() >= widest
    assert "(unassigned)" in axis.categories()
    assert "of 443 answered cases" in w.rests_on.text()
    assert w.workload.rowCount() == len(data.load_per_agent)
    with qtbot.waitSignal(w.agentChosen, timeout=1000) as sig:
        w.workload.cellDoubleClicked.emit(1, 0)
    assert sig.args == ["tom"]
