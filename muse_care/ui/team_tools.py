"""A team lead's tools in the window (and the parts every team member sees):

- the queue's **agent filter** (one agent's queue, or the unassigned pool);
- **breach warnings**: a banner below the queue for cases due within N working days with
  no reply letter and CCPA acknowledgements due (an agent sees their own, a lead sees
  everyone's), refreshed as changes arrive, and a **daily summary** the first time the
  window opens each day;
- **Team ▸ Team members** (login, name, role, active; admins add and deactivate),
  **Team ▸ Team audit** (every change across cases, filtered, exported to CSV, with the
  chain's verify result) and **Team ▸ Balance the queues** (a proposal the lead confirms).

All database work goes through ``ctx.worker``; installed by
``team_windows.install_team_mode``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from muse_care.domain.grammar import count
from muse_care.ui.context import AppContext
from muse_care.ui.qt import QtCore, QtWidgets, Qt, Signal
from muse_care.ui.window_keys import close_on_keys

WARN_WITHIN = 3  # working days
LEAD_ROLES = ("lead", "admin")


def _is_lead(ctx: AppContext) -> bool:
    return ctx.actor.role in LEAD_ROLES


# --- the agent filter on the queue ---------------------------------------------------------

class AgentFilter(QtWidgets.QComboBox):
    """Everyone / the unassigned pool / one member: narrows the queue's current view."""

    chosen = Signal(object)  # a login, "" for the pool, None for everyone

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Show the queue of")
        self.setToolTip("Show one agent's queue (or the unassigned pool) in the chosen view")
        self.set_members([])
        self.currentIndexChanged.connect(lambda _i: self.chosen.emit(self.currentData()))

    def set_members(self, members: list[Any]) -> None:
        current = self.currentData()
        self.blockSignals(True)
        self.clear()
        self.addItem("Everyone's cases", None)
        self.addItem("Unassigned pool", "")
        for m in members:
            if m.active:
                self.addItem(f"{m.display_name} ({m.login})", m.login)
        i = self.findData(current)
        self.setCurrentIndex(i if i >= 0 else 0)
        self.blockSignals(False)

    def choose(self, login: str | None) -> None:
        i = self.findData(login)
        if i >= 0:
            self.setCurrentIndex(i)


# --- breach warnings -----------------------------------------------------------------------

class BreachBanner(QtWidgets.QFrame):
    """"⚠ 3 cases need a reply within 3 working days" with the list on Show."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("breach_banner")
        self.setAccessibleName("Breach warnings")
        self.setStyleSheet("#breach_banner { background: #FFF4E5; border: 1px solid #E8A33D; "
                           "border-radius: 4px; } QLabel { color: #7A4B00; }")
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.label = QtWidgets.QLabel("")
        self.label.setWordWrap(True)
        self.show_button = QtWidgets.QPushButton("Show")
        self.show_button.setAccessibleName("Show the breach warnings")
        layout.addWidget(self.label, 1)
        layout.addWidget(self.show_button)
        self.warnings: list[Any] = []
        self.setVisible(False)

    def set_warnings(self, warnings: list[Any], mine_only: bool) -> None:
        self.warnings = list(warnings)
        if not warnings:
            self.setVisible(False)
            return
        overdue = sum(1 for w in warnings if w.working_days_left < 0)
        replies = sum(1 for w in warnings if w.kind == "reply")
        notices = sum(1 for w in warnings if w.kind == "extension")
        acks = len(warnings) - replies - notices
        parts = []
        if replies:
            parts.append(f"{count(replies, 'reply', 'replies')} due within {WARN_WITHIN} working days "
                         "with no reply letter")
        if notices:
            parts.append(f"{count(notices, 'extension notice')} to send")
        if acks:
            parts.append(f"{count(acks, 'CCPA acknowledgement')} due")
        whose = "Your cases" if mine_only else "The team"
        self.label.setText(f"⚠ {whose}: " + "; ".join(parts)
                           + (f" ({overdue} already overdue)" if overdue else "")
                           + f". First: {warnings[0].text}.")
        self.setVisible(True)


def warnings_text(warnings: list[Any]) -> str:
    return "\n".join(w.text + (f" — {w.assignee}" if w.assignee else " — unassigned") for w in warnings)


class TeamTools(QtCore.QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.ctx: AppContext = window.ctx
        self.members: list[Any] = []
        self.summary_box: QtWidgets.QMessageBox | None = None
        ui = window.ui
        # the agent filter beside the search
        self.agent_filter = AgentFilter(ui.queue_panel)
        ui.search_row.insertWidget(ui.search_row.indexOf(ui.count_label), self.agent_filter)
        self.agent_filter.chosen.connect(self._filter)
        # the breach banner below the queue: it comes a moment after the first page, and
        # above the table it pushed the rows down under the agent's pointer, so a click
        # then landed on another case's row (an outside tester); below, the rows stay put
        self.banner = BreachBanner(ui.queue_panel)
        ui.queue_layout.addWidget(self.banner)
        self.banner.show_button.clicked.connect(self.show_warnings)
        self._warn_timer = QtCore.QTimer(self, singleShot=True, interval=1500)
        self._warn_timer.timeout.connect(self.refresh_warnings)
        self._hourly = QtCore.QTimer(self, interval=3600 * 1000)
        self._hourly.timeout.connect(self.refresh_warnings)
        self._hourly.start()
        if window.live is not None:
            window.live.case_changed_elsewhere.connect(lambda _c: self._warn_timer.start())
        # a write here that moved a case's status or due date may start or end a warning
        self.ctx.op_executed.connect(
            lambda changes, _initiator: self._warn_timer.start() if changes.queue_row or changes.counts else None)
        # the Team menu
        menu = ui.menu_team
        menu.addSeparator()
        self.action_warnings = menu.addAction("&Breach warnings…")
        self.action_warnings.triggered.connect(self.show_warnings)
        self.action_members = menu.addAction("Team &members…")
        self.action_members.triggered.connect(self.open_members)
        self.action_audit = menu.addAction("Team a&udit…")
        self.action_audit.triggered.connect(self.open_audit)
        self.action_balance = menu.addAction("Ba&lance the queues…")
        self.action_balance.triggered.connect(self.open_balance)
        lead = _is_lead(self.ctx)
        for a in (self.action_members, self.action_audit, self.action_balance):
            a.setEnabled(lead)
        self.members_window: Any = None
        self.audit_window: Any = None
        self.balance_dialog: Any = None
        self.reload_members()
        self.refresh_warnings(summary=True)

    # --- members, filter ---------------------------------------------------------------
    def reload_members(self) -> None:
        from muse_care.services import team

        reg = self.ctx.register

        def got(members: list[Any]) -> None:
            self.members = members
            self.agent_filter.set_members(members)

        self.ctx.worker.submit(lambda: team.team_members(reg), got, owner=self)

    def _filter(self, login: str | None) -> None:
        from dataclasses import replace

        model = self.window.model
        model.set_query(replace(model.query, assignee=login))

    def show_queue_of(self, login: str) -> None:
        """From the dashboard's workload table: that agent's open cases."""
        self.agent_filter.choose(login)
        self.window._raise(self.window)

    # --- warnings ----------------------------------------------------------------------
    def refresh_warnings(self, summary: bool = False) -> None:
        from muse_care.services.team_reports import breach_warnings

        reg = self.ctx.register
        mine = None if _is_lead(self.ctx) else self.ctx.actor.login

        def got(warnings: list[Any]) -> None:
            self.banner.set_warnings(warnings, mine is not None)
            if summary:
                self._daily_summary(warnings)

        self.ctx.worker.submit(lambda: breach_warnings(reg, within=WARN_WITHIN, for_login=mine), got,
                               lambda exc: None, owner=self)

    def _daily_summary(self, warnings: list[Any]) -> None:
        today = date.today().isoformat()
        key = f"team/summary_shown/{self.ctx.actor.login}"
        if not warnings or self.ctx.settings.value(key) == today:
            return
        self.ctx.settings.setValue(key, today)
        self.summary_box = self._warnings_box("Today's breach warnings", warnings)
        self.summary_box.open()

    def _warnings_box(self, title: str, warnings: list[Any]) -> QtWidgets.QMessageBox:
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, title,
                                    self.banner.label.text() if warnings else "No case is close to "
                                    "its deadline without a reply.",
                                    QtWidgets.QMessageBox.StandardButton.Ok, self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if warnings:
            box.setDetailedText(warnings_text(warnings))
        box.setAccessibleName(title)
        return box

    def show_warnings(self) -> None:
        self._warnings_box("Breach warnings", self.banner.warnings).open()

    # --- the lead's windows ------------------------------------------------------------
    def open_members(self) -> Any:
        if self.members_window is None:
            self.members_window = TeamMembersWindow(self.ctx, self.window)
            self.members_window.changed.connect(self.reload_members)
        self.members_window.reload()
        self.window._raise(self.members_window)
        return self.members_window

    def open_audit(self) -> Any:
        if self.audit_window is None:
            self.audit_window = TeamAuditWindow(self.ctx, self.window)
        self.audit_window.reload()
        self.window._raise(self.audit_window)
        return self.audit_window

    def open_balance(self) -> Any:
        dialog = BalanceDialog(self.ctx, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.applied.connect(lambda: (self.window.model.reload(), self.window.refresh_counts()))
        dialog.propose()
        dialog.open()
        self.balance_dialog = dialog
        return dialog


def install_team_tools(window: Any) -> TeamTools:
    window.team_tools = TeamTools(window)
    return window.team_tools


# --- Team members ----------------------------------------------------------------------------

class TeamMembersWindow(QtWidgets.QWidget):
    """The team: login, name, role, active. An admin whose login may create roles adds
    people (with a password) and deactivates them here."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.setWindowTitle("Team members — MUSE Care")
        self.setAccessibleName("Team members")
        layout = QtWidgets.QVBoxLayout(self)
        self.table = QtWidgets.QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(["Login", "Name", "Role", "Active"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Members of the team")
        layout.addWidget(self.table, 1)
        admin = ctx.actor.role == "admin"
        self.add_box = QtWidgets.QGroupBox("Add a member (admins)", self)
        form = QtWidgets.QFormLayout(self.add_box)
        self.login = QtWidgets.QLineEdit()
        self.login.setPlaceholderText("aisha (lower case, digits, _)")
        self.name = QtWidgets.QLineEdit()
        self.role = QtWidgets.QComboBox()
        for r in ("agent", "lead", "admin"):
            self.role.addItem(r.capitalize(), r)
        self.password = QtWidgets.QLineEdit()
        self.password.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("they connect with it (team connect); kept nowhere here")
        for label, w in (("&Login", self.login), ("&Name", self.name), ("&Role", self.role),
                         ("&Password", self.password)):
            form.addRow(label, w)
        buttons = QtWidgets.QHBoxLayout()
        self.add_button = QtWidgets.QPushButton("&Add member")
        self.deactivate_button = QtWidgets.QPushButton("&Deactivate selected")
        buttons.addStretch(1)
        buttons.addWidget(self.deactivate_button)
        buttons.addWidget(self.add_button)
        form.addRow(buttons)
        layout.addWidget(self.add_box)
        self.add_box.setVisible(admin)
        self.message = QtWidgets.QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Team members message")
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.add)
        self.deactivate_button.clicked.connect(self.deactivate)
        self.members: list[Any] = []
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 50, self.fontMetrics().lineSpacing() * 28)

    def reload(self) -> None:
        from muse_care.services import team

        reg = self.ctx.register
        self.ctx.worker.submit(lambda: team.team_members(reg), self._show, owner=self)

    def _show(self, members: list[Any]) -> None:
        self.members = members
        self.table.setRowCount(len(members))
        for row, m in enumerate(members):
            for col, value in enumerate((m.login, m.display_name, m.role, "active" if m.active else "inactive")):
                item = QtWidgets.QTableWidgetItem(value)
                if not m.active:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #a33;" if error else "color: #2E6B3A;")
        self.message.setText(text)

    def add(self) -> None:
        from muse_care.services import team

        reg = self.ctx.register
        login, name, role, pw = (self.login.text(), self.name.text(), self.role.currentData(),
                                 self.password.text())

        def done(user: Any) -> None:
            self.password.clear()
            self.login.clear()
            self.name.clear()
            self._say(f"{user.display_name} ({user.login}) can now connect as {team.a_or_an(user.role)}.")
            self.reload()
            self.changed.emit()

        self.ctx.worker.submit(lambda: team.add_user(reg, login, role, name, pw or None), done,
                               lambda exc: self._say(str(exc), True), owner=self)

    def deactivate(self) -> None:
        from muse_care.services import team

        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self._say("Choose the member to deactivate first.", True)
            return
        login = self.members[rows[0].row()].login
        reg = self.ctx.register

        def done(_r: Any) -> None:
            self._say(f"{login} can no longer connect; their name stays on everything they did.")
            self.reload()
            self.changed.emit()

        self.ctx.worker.submit(lambda: team.deactivate_user(reg, login), done,
                               lambda exc: self._say(str(exc), True), owner=self)


# --- Team audit ------------------------------------------------------------------------------

class TeamAuditWindow(QtWidgets.QWidget):
    """Every change across cases, newest first, filtered by person, case, kind and date;
    Export writes the filtered trail to CSV with the verify result; the chain's verify
    result is shown above the list."""

    AUDIT_COLUMNS = ("When", "Who", "What", "Case", "Before", "After")

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.setWindowTitle("Team audit — MUSE Care")
        self.setAccessibleName("Team audit")
        close_on_keys(self)
        layout = QtWidgets.QVBoxLayout(self)
        self.verify = QtWidgets.QLabel("Checking the history's hash chain…")
        self.verify.setAccessibleName("History verify result")
        layout.addWidget(self.verify)
        filters = QtWidgets.QHBoxLayout()
        self.person = QtWidgets.QComboBox()
        self.person.setAccessibleName("Person")
        self.case = QtWidgets.QLineEdit()
        self.case.setPlaceholderText("MC-7KP-4QX9")
        self.case.setAccessibleName("Case reference")
        self.kind = QtWidgets.QComboBox()
        self.kind.setAccessibleName("Kind of change")
        for combo in (self.person, self.kind):
            combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMinimumContentsLength(12)
        self.use_dates = QtWidgets.QCheckBox("&From")
        self.date_from = QtWidgets.QDateEdit(calendarPopup=True)
        self.date_to = QtWidgets.QDateEdit(calendarPopup=True)
        today = QtCore.QDate.currentDate()  # until the organisation's day is read (_show)
        self.date_from.setDate(today.addDays(-30))
        self.date_to.setDate(today)
        for w, label in ((self.person, "&Person"), (self.case, "&Case"), (self.kind, "&Kind")):
            lab = QtWidgets.QLabel(label)
            lab.setBuddy(w)
            filters.addWidget(lab)
            filters.addWidget(w)
        filters.addWidget(self.use_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QtWidgets.QLabel("to"))
        filters.addWidget(self.date_to)
        self.apply_button = QtWidgets.QPushButton("&Show")
        self.export_button = QtWidgets.QPushButton("&Export CSV…")
        filters.addWidget(self.apply_button)
        filters.addStretch(1)
        filters.addWidget(self.export_button)
        layout.addLayout(filters)
        self.table = QtWidgets.QTableWidget(0, len(self.AUDIT_COLUMNS), self)
        self.table.setHorizontalHeaderLabels(self.AUDIT_COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Changes")
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 6)
        layout.addWidget(self.table, 1)
        self.status = QtWidgets.QLabel("")
        layout.addWidget(self.status)
        self.apply_button.clicked.connect(self.reload)
        self.case.returnPressed.connect(self.reload)
        self.export_button.clicked.connect(self.export)
        self.export_path: str | None = None  # set by tests and scripts to skip the file dialog
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 100, self.fontMetrics().lineSpacing() * 36)
        self._lists_loaded = False

    def audit_filter(self) -> Any:
        from muse_care.services.team_reports import AuditFilter

        dates = self.use_dates.isChecked()
        return AuditFilter(actor=self.person.currentData() or "", case=self.case.text(),
                           kind=self.kind.currentData() or "",
                           date_from=self.date_from.date().toPython() if dates else None,
                           date_to=self.date_to.date().toPython() if dates else None)

    def reload(self) -> None:
        from muse_care.services import team_reports as tr

        reg = self.ctx.register
        try:
            f = self.audit_filter()
        except Exception as exc:  # noqa: BLE001
            self.status.setText(str(exc))
            return
        load_lists = not self._lists_loaded

        def fetch() -> Any:
            lists = (tr.audit_people_and_kinds(reg), reg.today()) if load_lists else None
            return lists, tr.audit_entries(reg, f), tr.verify_history(reg)

        self.status.setText("Loading…")
        self.ctx.worker.submit(fetch, self._show, lambda exc: self.status.setText(str(exc)), owner=self)

    def _show(self, result: Any) -> None:
        lists, entries, check = result
        if lists is not None:
            (people, kinds), today = lists
            # the filter's days are the organisation's (services/team_reports.py): so are
            # the defaults, not this computer's day (which can be a day behind it)
            self.date_to.setDate(QtCore.QDate(today.year, today.month, today.day))
            self.date_from.setDate(self.date_to.date().addDays(-30))
            self.person.addItem("Everyone", "")
            for p in people:
                self.person.addItem(p, p)
            self.kind.addItem("Every kind", "")
            for k in kinds:
                self.kind.addItem(k, k)
            self._lists_loaded = True
        self.verify.setText(("✔ " if check.ok else "✖ ") + check.text)
        self.verify.setStyleSheet("color: #2E6B3A; font-weight: bold;" if check.ok
                                  else "color: #B00020; font-weight: bold;")
        self.entries = entries
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            values = (f"{e.at.astimezone():%Y-%m-%d %H:%M}", e.actor, e.what, e.case_reference,
                      e.old.replace("\n", " "), e.new.replace("\n", " "))
            for col, value in enumerate(values):
                self.table.setItem(row, col, QtWidgets.QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.status.setText(f"{count(len(entries), 'change')} shown (newest first)")

    def export(self) -> None:
        from muse_care.services.team_reports import export_audit_csv

        path = self.export_path or QtWidgets.QFileDialog.getSaveFileName(
            self, "Export the audit trail", "team-audit.csv", "CSV (*.csv)")[0]
        if not path:
            return
        reg, f = self.ctx.register, self.audit_filter()
        self.ctx.worker.submit(lambda: export_audit_csv(reg, path, f),
                               lambda n: self.status.setText(f"{count(n, 'change')} written to {path}"),
                               lambda exc: self.status.setText(str(exc)), owner=self)


# --- Balance ---------------------------------------------------------------------------------

class BalanceDialog(QtWidgets.QDialog):
    """The proposal of ``team_reports.propose_balance``, each move ticked; Confirm moves
    the ticked cases (one history entry each)."""

    applied = Signal()

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Balance the queues")
        layout = QtWidgets.QVBoxLayout(self)
        self.explain = QtWidgets.QLabel(
            "Unstarted cases (status New), soonest due first, move from the busiest agent to "
            "the least busy until loads differ by at most one. Untick any you want to keep.")
        self.explain.setWordWrap(True)
        layout.addWidget(self.explain)
        self.include_pool = QtWidgets.QCheckBox("Also hand out the unassigned pool's new cases")
        self.include_pool.toggled.connect(lambda _c: self.propose())
        layout.addWidget(self.include_pool)
        self.table = QtWidgets.QTableWidget(0, 4, self)
        self.table.setHorizontalHeaderLabels(["Case", "Due", "From", "To"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.message = QtWidgets.QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                                  | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).setText("&Confirm moves")
        self.buttons.accepted.connect(self.confirm)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.proposal: list[Any] = []
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 48, self.fontMetrics().lineSpacing() * 26)

    def propose(self) -> None:
        from muse_care.services.team_reports import propose_balance

        reg, pool = self.ctx.register, self.include_pool.isChecked()
        self.ctx.worker.submit(lambda: propose_balance(reg, include_unassigned=pool), self._show,
                               lambda exc: self.message.setText(str(exc)), owner=self)

    def _show(self, proposal: list[Any]) -> None:
        self.proposal = proposal
        self.table.setRowCount(len(proposal))
        for row, p in enumerate(proposal):
            ref = QtWidgets.QTableWidgetItem(p.reference)
            ref.setFlags(ref.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ref.setCheckState(Qt.CheckState.Checked)
            self.table.setItem(row, 0, ref)
            for col, value in ((1, f"{p.due_date:%a %d %b}" if p.due_date else "—"),
                               (2, p.from_agent or "(unassigned)"), (3, p.to_agent)):
                self.table.setItem(row, col, QtWidgets.QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self.message.setText(f"{count(len(proposal), 'move')} proposed." if proposal
                             else "The queues are balanced: nothing to move.")

    def ticked(self) -> list[tuple[int, str]]:
        return [(p.case_id, p.to_agent) for row, p in enumerate(self.proposal)
                if self.table.item(row, 0).checkState() == Qt.CheckState.Checked]

    def confirm(self) -> None:
        from muse_care.services import team

        moves = self.ticked()
        if not moves:
            self.reject()
            return
        reg = self.ctx.register

        def done(result: Any) -> None:
            self.message.setText(f"{count(result.changed, 'case')} moved.")
            self.applied.emit()
            self.accept()

        self.ctx.worker.submit(lambda: team.reassign_many(reg, moves), done,
                               lambda exc: self.message.setText(str(exc)), owner=self)
