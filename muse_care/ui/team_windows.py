"""Team mode in the window: the lead's approval queue and dashboard, a case's own
approvals tab, and live updates from the shared server.

The widgets in ``approvals.py`` and ``dashboard.py`` take plain data and emit signals;
this module fetches their data and carries out their requests on ``ctx.worker``.
"""

from __future__ import annotations

from typing import Any

from muse_care.domain.case_views import CaseView
from muse_care.ui.context import AppContext
from muse_care.ui.operations import announce
from muse_care.ui.qt import QtCore, QtWidgets, Qt, Signal
from muse_care.ui.window_keys import close_on_keys


def is_lead(ctx: AppContext) -> bool:
    """See ``muse_care.services.team.is_lead``."""
    from muse_care.services.team import is_lead as register_is_lead

    return register_is_lead(ctx.register)


class ApprovalsWindow(QtWidgets.QWidget):
    """The lead's queue of extensions, refusals and disclosing replies to approve."""

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        from muse_care.ui.approvals import ApprovalQueueWidget

        self.ctx = ctx
        self.setWindowTitle("Approvals — MUSE Care")
        self.setAccessibleName("Approvals")
        self.queue = ApprovalQueueWidget(self)
        QtWidgets.QVBoxLayout(self).addWidget(self.queue)
        self.queue.refreshRequested.connect(self.reload)
        self.queue.approveRequested.connect(lambda i, note: self._decide(i, "approved", note))
        self.queue.rejectRequested.connect(lambda i, note: self._decide(i, "rejected", note))
        self.queue.openCaseRequested.connect(ctx.open_case.emit)
        self.resize(self.fontMetrics().horizontalAdvance("M") * 90, self.fontMetrics().lineSpacing() * 30)
        close_on_keys(self)

    def reload(self) -> None:
        from muse_care.services import team

        reg = self.ctx.register
        self.queue.set_busy(True)
        self.ctx.worker.submit(lambda: team.approval_queue(reg), self._show, self._failed, owner=self)

    def _show(self, items: list[Any]) -> None:
        self.queue.set_items(items, self.ctx.actor.login)
        self.queue.set_busy(False)

    def _failed(self, exc: BaseException) -> None:
        self.queue.set_busy(False, str(exc))
        self.ctx.report_error(exc, retry=self.reload, parent=self)

    def _decide(self, approval_id: int, decision: str, note: str) -> None:
        from muse_care.services import cases, team

        reg = self.ctx.register
        self.queue.set_busy(True)

        def decide() -> Any:
            decided = team.decide_approval(reg, approval_id, decision, note)
            return cases.get_case(reg, decided.case_id)

        def done(case: Any) -> None:
            self.reload()
            announce(self.ctx, case, approvals=True, letters=True, initiator=self)

        self.ctx.worker.submit(decide, done, self._failed, owner=self)


class DashboardWindow(QtWidgets.QWidget):
    """The lead's dashboard: charts of the register, fetched on the worker."""

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        from muse_care.ui.dashboard import DashboardWidget

        self.ctx = ctx
        self.setWindowTitle("Lead's dashboard — MUSE Care")
        self.setAccessibleName("Lead's dashboard")
        self.dashboard = DashboardWidget(self)
        from muse_care.ui.records_window import RecordsWindow

        # the year's records and metrics (CCPA regs §7102, GDPR) beside the team's figures
        self.records = RecordsWindow(ctx, self, embedded=True)
        self.pages = QtWidgets.QTabWidget(self)
        self.pages.addTab(self.dashboard, "Team")
        self.pages.addTab(self.records, "Records and metrics")
        self.pages.currentChanged.connect(lambda i: self.records.reload() if i == 1 else None)
        QtWidgets.QVBoxLayout(self).addWidget(self.pages)
        self.dashboard.refreshRequested.connect(self.reload)
        # the workload table's agent: that agent's queue in the main window
        self.dashboard.agentChosen.connect(
            lambda login: parent.team_tools.show_queue_of(login) if hasattr(parent, "team_tools") else None)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 110, self.fontMetrics().lineSpacing() * 58)
        close_on_keys(self)

    def reload(self) -> None:
        from muse_care.services.team_reports import dashboard_data

        reg = self.ctx.register
        self.ctx.worker.submit(lambda: dashboard_data(reg), self.dashboard.set_data, owner=self)


class CaseApprovalsTab(QtWidgets.QWidget):
    """A case's approvals: what was asked of a lead, the decision, and a way to ask."""

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: CaseView | None = None
        layout = QtWidgets.QVBoxLayout(self)
        self.explain = QtWidgets.QLabel(
            "Extensions, refusals and replies that disclose data need a team lead's approval "
            "before their letter can be produced.")
        self.explain.setWordWrap(True)
        layout.addWidget(self.explain)
        self.list = QtWidgets.QListWidget(self)
        self.list.setAccessibleName("Approval requests of this case")
        layout.addWidget(self.list, 1)
        form = QtWidgets.QFormLayout()
        self.kind = QtWidgets.QComboBox(self)
        self.kind.setAccessibleName("What needs approval")
        for value, label in (("extension", "Extension"), ("refusal", "Refusal"),
                             ("disclosure", "Reply that discloses data")):
            self.kind.addItem(label, value)
        self.reason = QtWidgets.QPlainTextEdit(self)
        self.reason.setAccessibleName("Why (for the team lead)")
        self.reason.setPlaceholderText("What the lead needs to know to decide")
        self.reason.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        form.addRow("&Approval of", self.kind)
        form.addRow("&Reason", self.reason)
        layout.addLayout(form)
        self.error = QtWidgets.QLabel(self)
        self.error.setAccessibleName("Approval request problem")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.request_button = QtWidgets.QPushButton("Ask a team &lead", self)
        self.request_button.setAccessibleName("Ask a team lead for approval")
        self.request_button.clicked.connect(self.request)
        layout.addWidget(self.request_button, 0, Qt.AlignmentFlag.AlignRight)

    def show_case(self, view: CaseView) -> None:
        from muse_care.services import team

        self.view = view
        reg = self.ctx.register
        case_id = view.id
        self.ctx.worker.submit(lambda: team.case_approvals(reg, case_id), self._show, owner=self)

    def _show(self, items: list[Any]) -> None:
        self.list.clear()
        if not items:
            self.list.addItem("No approval requested for this case.")
        for a in items:
            state = (f"{a.decision} by {a.decided_by} on {a.decided_at:%d %b %Y %H:%M}"
                     + (f": {a.note}" if a.note else "")) if a.decision else "waiting for a team lead"
            self.list.addItem(f"{a.kind}: asked by {a.requested_by} on {a.requested_at:%d %b %Y %H:%M} "
                              f"— {a.reason}\n    {state}")

    def request(self) -> None:
        from muse_care.services import team

        if self.view is None:
            return
        reg, ref = self.ctx.register, self.view.id
        kind, reason = self.kind.currentData(), self.reason.toPlainText()
        self.request_button.setEnabled(False)

        def done(_a: Any) -> None:
            self.request_button.setEnabled(True)
            self.reason.clear()  # sent: only now is the typed text let go
            self.error.hide()
            if self.view is not None:
                self.show_case(self.view)

        def failed(exc: BaseException) -> None:
            self.request_button.setEnabled(True)
            self.error.setText(str(exc))
            self.error.show()

        self.ctx.worker.submit(lambda: team.request_approval(reg, ref, kind, reason), done, failed, owner=self)


class LiveUpdates(QtCore.QObject):
    """Other people's changes and the server's health, as Qt signals on the GUI thread.

    ``case_changed_elsewhere(case_id or None)``: a case another client saved (None: many,
    or the connection came back and notifications may have been missed).
    ``connection_changed(up, message)``.
    """

    case_changed_elsewhere = Signal(object)
    connection_changed = Signal(bool, str)
    approval_changed = Signal(int, int)  # approval id, case id: a request or a decision

    def __init__(self, ctx: AppContext, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        from muse_care.services.team_live import ChangeListener, ConnectionMonitor, register_probe

        reg = ctx.register
        self.listener = ChangeListener.for_register(
            reg, lambda case_id, _version: self.case_changed_elsewhere.emit(case_id),
            on_approval=lambda approval_id, case_id: self.approval_changed.emit(approval_id, case_id),
            on_status=lambda up: self.case_changed_elsewhere.emit(None) if up else None)
        self.monitor = ConnectionMonitor(register_probe(reg),
                                         lambda up, msg: self.connection_changed.emit(up, msg))

    def start(self) -> None:
        self.listener.start()
        self.monitor.start()

    def stop(self) -> None:
        self.listener.stop()
        self.monitor.stop()

    def report_failure(self) -> None:
        self.monitor.report_failure()


def install_team_mode(window: Any) -> None:
    """Team mode in the main window (called by ``MainWindow.start`` on a team server):
    live case and approval updates, the outage banner and the retry of a save lost to it,
    the assignee picker, the queue's bulk actions and agent filter, breach warnings, and
    the lead's Team menu (members, audit, balance)."""
    ctx = window.ctx
    live = LiveUpdates(ctx, window)
    window.live = live
    live.case_changed_elsewhere.connect(window._remote_change)
    live.connection_changed.connect(window._connection_changed)
    live.approval_changed.connect(lambda _a, case_id: _approval_changed(window, case_id))
    window.case_view.auto_retry = True
    live.connection_changed.connect(lambda up, _m: window.case_view.retry_pending_save() if up else None)
    live.start()
    window.server_label.setText(f"Team server · {ctx.actor.display_name} ({ctx.actor.role})")
    from muse_care.ui.bulk_actions import install_bulk_actions
    from muse_care.ui.member_picker import install_member_picker
    from muse_care.ui.team_tools import install_team_tools

    install_member_picker(window.case_view, ctx)
    install_bulk_actions(window)
    install_team_tools(window)


def _approval_changed(window: Any, case_id: int) -> None:
    """A request or a decision, from any window: the lead's queue, the case's approvals
    tab and the dashboard's count follow within the notification's round trip."""
    for attr in ("approvals_window", "dashboard_window"):
        w = getattr(window, attr, None)
        if w is not None and w.isVisible():
            w.reload()
    view = window.case_view.view
    if view is not None and view.id == case_id:
        tab = window.case_view._extra.get("Approvals")
        if tab is not None:
            tab.show_case(view)
