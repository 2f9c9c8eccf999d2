"""The Recipients tab (GDPR Art. 19): an erasure, rectification or restriction is passed
on to every recipient of the organisation profile. Each row is marked *told* (the day
and how; the agent's login is recorded) or *not possible* (impossible or
disproportionate effort, with the reason). Until every one is settled, the case cannot
be marked responded. Database work runs on the worker; writes carry the case version."""

from __future__ import annotations

from datetime import date
from typing import Any

from muse_care.domain.case_views import CaseView
from muse_care.domain.errors import StaleRecord, ValidationError
from muse_care.services import recipients
from muse_care.ui.context import AppContext, stale_text
from muse_care.ui.intake import mark_error, qdate
from muse_care.ui.operations import CaseOp
from muse_care.ui.qt import QtGui, QtWidgets, Qt
from muse_care.ui.table_models import Column, RowsModel

STATE_LABELS = {"pending": "To be told", "told": "Told", "not-possible": "Not possible"}
METHODS = ("email", "post", "partner portal", "phone")


class RecipientsModel(RowsModel):
    """The case's recipients (plain :class:`recipients.RecipientView` rows); those still
    to be told are in bold."""

    COLUMNS = (
        Column("name", "Recipient", "Who we disclosed the data to (the organisation profile's list)"),
        Column("state", "State", "To be told, told, or not possible (with the reason)"),
        Column("on", "Told on", "The day they were told"),
        Column("method", "How", "How they were told"),
        Column("by", "By", "The login that recorded it"),
        Column("reason", "Reason", "Why telling them is impossible or disproportionate"),
    )

    def text(self, r: recipients.RecipientView, key: str) -> str:
        if key == "state":
            return STATE_LABELS.get(r.state, r.state)
        if key == "on":
            return f"{r.on:%d %b %Y}" if r.on else ""
        return str(getattr(r, key) or "")

    def role_data(self, r: recipients.RecipientView, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and key == "state" and r.state == "pending":
            font = QtGui.QFont()
            font.setBold(True)
            return font
        return None

    def position(self, name: str | None) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.name == name), None)


class RecipientsTab(QtWidgets.QWidget):
    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: CaseView | None = None
        self.rows: list[recipients.RecipientView] = []
        self._generation = 0
        self._advance = False  # after a write, select the next recipient still to be told
        layout = QtWidgets.QVBoxLayout(self)
        self.summary = QtWidgets.QLabel(wordWrap=True)
        self.summary.setAccessibleName("Recipients summary")
        layout.addWidget(self.summary)
        self.model = RecipientsModel(self)
        self.table = QtWidgets.QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Recipients of the case")
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        layout.addWidget(self.table)

        form = QtWidgets.QGridLayout()
        self.told_date = QtWidgets.QDateEdit(calendarPopup=True, displayFormat="dd MMM yyyy")
        self.told_date.setAccessibleName("Day the recipient was told")
        self.method_combo = QtWidgets.QComboBox(editable=True)
        self.method_combo.addItems(METHODS)
        self.method_combo.setAccessibleName("How the recipient was told")
        self.told_button = QtWidgets.QPushButton("&Mark told")
        self.told_button.clicked.connect(self.mark_told)
        on_label = QtWidgets.QLabel("Told &on:")
        on_label.setBuddy(self.told_date)
        how_label = QtWidgets.QLabel("&By (how):")
        how_label.setBuddy(self.method_combo)
        form.addWidget(on_label, 0, 0)
        form.addWidget(self.told_date, 0, 1)
        form.addWidget(how_label, 0, 2)
        form.addWidget(self.method_combo, 0, 3)
        form.addWidget(self.told_button, 0, 4)
        self.reason_edit = QtWidgets.QLineEdit(placeholderText="Why it is impossible or disproportionate")
        self.reason_edit.setAccessibleName("Reason the recipient cannot be told")
        reason_label = QtWidgets.QLabel("&Reason:")
        reason_label.setBuddy(self.reason_edit)
        self.not_possible_button = QtWidgets.QPushButton("Not &possible")
        self.not_possible_button.clicked.connect(self.mark_not_possible)
        form.addWidget(reason_label, 1, 0)
        form.addWidget(self.reason_edit, 1, 1, 1, 3)
        form.addWidget(self.not_possible_button, 1, 4)
        form.setColumnStretch(3, 1)
        layout.addLayout(form)
        self.error = QtWidgets.QLabel(visible=False, wordWrap=True)
        self.error.setAccessibleName("Recipients problem")
        layout.addWidget(self.error)
        self._set_enabled(False)

    # --- showing ----------------------------------------------------------------------
    def show_case(self, view: CaseView) -> None:
        other_case = self.view is None or self.view.id != view.id
        self.view = view
        self.told_date.setMaximumDate(qdate(view.as_of))
        if other_case:  # a new case starts at today; the same case keeps the agent's date
            self.told_date.setDate(qdate(view.as_of))
        if not recipients.needs_recipients(view.rights):
            self.rows = []
            self._fill()
            self.summary.setText("This case has no erasure, rectification or restriction: there is "
                                 "nothing to pass on to recipients.")
            return
        reg = self.ctx.register
        if reg is None:
            return
        self._generation += 1
        gen, case_id = self._generation, view.id
        self.ctx.worker.submit(lambda: recipients.list_recipients(reg, case_id),
                               lambda rows: self._loaded(gen, rows), owner=self)

    def _loaded(self, gen: int, rows: list[recipients.RecipientView]) -> None:
        if gen != self._generation:
            return
        self.rows = rows
        self._fill()

    def _fill(self) -> None:
        selected = self.selected_name()
        self.model.set_rows(self.rows)
        self.table.resizeColumnsToContents()
        at = self.model.position(selected)
        pending = [i for i, r in enumerate(self.rows) if not r.settled]
        if at is not None and self._advance and self.rows[at].settled and pending:
            # just settled: on to the next one still to be told (after it, then from the top)
            self.table.selectRow(next((i for i in pending if i > at), pending[0]))
        elif at is not None:
            self.table.selectRow(at)
        elif self.rows:
            self.table.selectRow(pending[0] if pending else 0)
        self._advance = False
        left = sum(not r.settled for r in self.rows)
        if self.rows:
            self.summary.setText(
                f"⚠ {left} of {len(self.rows)} recipients still to be told (Art. 19). The case cannot be "
                "marked responded until each is told, or recorded as not possible with the reason."
                if left else f"All {len(self.rows)} recipients are settled; the reply letter lists those told.")
        self._set_enabled(bool(self.rows) and self.view is not None)

    def _set_enabled(self, on: bool) -> None:
        for w in (self.told_button, self.not_possible_button, self.told_date, self.method_combo, self.reason_edit):
            w.setEnabled(on)

    def selected_name(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        found = self.model.row_at(rows[0].row()) if rows else None
        return found.name if found is not None else None

    # --- writing ----------------------------------------------------------------------
    def mark_told(self) -> None:
        name = self.selected_name()
        if self.view is None or self.ctx.register is None or name is None:
            return
        reg, v = self.ctx.register, self.view
        on: date = self.told_date.date().toPython()
        method = self.method_combo.currentText()
        self._write(lambda: recipients.mark_told(reg, v.id, name, on, method, v.version))

    def mark_not_possible(self) -> None:
        name = self.selected_name()
        if self.view is None or self.ctx.register is None or name is None:
            return
        reason = self.reason_edit.text()
        if not reason.strip():
            mark_error(self.error, "say why telling this recipient is impossible or would involve "
                       "disproportionate effort")
            self.reason_edit.setFocus()
            return
        reg, v = self.ctx.register, self.view
        self._write(lambda: recipients.mark_not_possible(reg, v.id, name, reason, v.version),
                    self.reason_edit.clear)

    def _write(self, fn: Any, after: Any = None) -> None:
        def ok(view: CaseView) -> None:
            mark_error(self.error, None)
            if after:
                after()
            self._advance = True
            self.show_case(view)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, StaleRecord):
                mark_error(self.error, stale_text(exc) + " Reload the case and try again.")
            elif isinstance(exc, ValidationError):
                mark_error(self.error, exc.message)
            else:
                self.ctx.report_error(exc, parent=self)

        CaseOp(self.ctx, fn, before=self.view, what="recipient").success(ok).failure(failed).run(initiator=self)
