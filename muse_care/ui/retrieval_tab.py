"""The case view's "Retrieval log" tab: what was searched, found and retrieved, and how
long the retailer's systems still hold each interaction.

Everything that touches the database, a file or the evidence store's key runs on the
workbench's one worker (``ctx.worker.submit``); only the callbacks touch widgets.
Wiring (the workbench)::

    tab = RetrievalTab(ctx)
    case_view.set_extra_tab("Retrieval log", tab)   # then show_case(view) on every case

Built in code rather than from a Designer form: the add form's fields are generated from
the service's data (sources, results), and the tab has to stay usable without the
compiled forms package while the workbench is being written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from muse_care.domain.case_views import CaseView
from muse_care.domain.dates import fmt_day
from muse_care.domain.errors import ValidationError
from muse_care.services import retrieval as rt
from muse_care.ui.qt import QtCore, QtGui, QtWidgets, Qt, Signal
from muse_care.ui.table_models import RowsModel

StoreOpener = Callable[[Any, "str | None"], Any]


def default_open_store(register: Any, passphrase: str | None) -> Any:
    from muse_care.services.evidence_service import open_store

    return open_store(register, passphrase=passphrase)


def ask_passphrase_dialog(parent: QtWidgets.QWidget, prompt: str) -> str | None:
    text, ok = QtWidgets.QInputDialog.getText(parent, "Evidence store passphrase", prompt,
                                              QtWidgets.QLineEdit.EchoMode.Password)
    return text if ok and text else None


def choose_directory_dialog(parent: QtWidgets.QWidget) -> str | None:
    path = QtWidgets.QFileDialog.getExistingDirectory(parent, "Export the disclosure bundle into an empty folder")
    return path or None


def ask_text_dialog(parent: QtWidgets.QWidget, title: str, prompt: str) -> str | None:
    text, ok = QtWidgets.QInputDialog.getText(parent, title, prompt)
    return text.strip() if ok and text.strip() else None


def ask_bundle_password_dialog(parent: QtWidgets.QWidget) -> str | None:
    """The bundle's password, typed twice; "" for an unprotected folder; None to cancel.
    It is passed to the export and never stored."""
    echo = QtWidgets.QLineEdit.EchoMode.Password
    first, ok = QtWidgets.QInputDialog.getText(
        parent, "Protect the bundle", "Password for the bundle (AES-256; at least 12 characters; send it to the "
        "requester separately). Leave empty only for files that stay on this machine:", echo)
    if not ok:
        return None
    if not first:
        return ""
    again, ok = QtWidgets.QInputDialog.getText(parent, "Protect the bundle", "Type the password again:", echo)
    if not ok:
        return None
    if again != first:
        QtWidgets.QMessageBox.warning(parent, "Protect the bundle", "The two passwords differ; nothing was made.")
        return None
    return first


def confirm_dialog(parent: QtWidgets.QWidget, text: str) -> bool:
    answer = QtWidgets.QMessageBox.question(parent, "MUSE Care", text)
    return answer == QtWidgets.QMessageBox.StandardButton.Yes


def choose_file_dialog(parent: QtWidgets.QWidget) -> str | None:
    path, _ = QtWidgets.QFileDialog.getOpenFileName(parent, "Attach the retrieved file")
    return path or None


# --- the table ----------------------------------------------------------------------------

class RetrievalTableModel(RowsModel):
    """The case's retrieval entries (plain :class:`RetrievalView` rows)."""

    COLUMNS = ("#", "Source", "Interaction", "Result", "Identifier", "Item ref", "File", "Purged on",
               "Redaction", "Disclosed")

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._problems: dict[int, str] = {}

    def set_entries(self, rows: list[rt.RetrievalView]) -> None:
        self.set_rows(rows)

    def set_problems(self, problems: dict[int, str]) -> None:
        self._problems = dict(problems)
        if self._rows:
            col = self.COLUMNS.index("File")
            self.dataChanged.emit(self.index(0, col), self.index(len(self._rows) - 1, col))

    def entry(self, row: int) -> rt.RetrievalView:
        return self.row(row)  # type: ignore[no-any-return]

    def text(self, e: rt.RetrievalView, column: str) -> str:
        if column == "#":
            return str(e.id)
        if column == "Source":
            return e.source_name
        if column == "Interaction":
            if e.interaction_date is None:
                if e.period_from and e.period_to:
                    return f"searched {e.period_from:%d %b %Y}–{e.period_to:%d %b %Y}"
                return ""
            return fmt_day(e.interaction_date) + (f" {e.interaction_time}" if e.interaction_time else "")
        if column == "Result":
            return e.result_label
        if column == "Identifier":
            return e.identifier
        if column == "Item ref":
            return e.item_ref
        if column == "File":
            if e.id in self._problems:
                return f"PROBLEM: {e.file_name}"
            return f"{e.file_name} ({_size(e.file_size)})" if e.has_file else ""
        if column == "Purged on":
            return fmt_day(e.purge_on) if e.purge_on else ""
        if column == "Redaction":
            return ("done" if e.redaction_done else "NEEDED") if e.redaction_needed else ""
        if column == "Disclosed":
            return e.disclosed_in
        return ""

    def role_data(self, e: rt.RetrievalView, column: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "File" and e.id in self._problems:
                return self._problems[e.id]
            if column == "File" and e.has_file:
                return f"SHA-256 {e.sha256}\n{e.file_size:,} bytes"
            return e.notes or None
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == "File" and e.id in self._problems:
                return QtGui.QBrush(QtGui.QColor("#f4c7c3"))
            if column == "Redaction" and e.redaction_needed and not e.redaction_done:
                return QtGui.QBrush(QtGui.QColor("#fde4b8"))
            return None
        return None


def _size(n: int | None) -> str:
    if n is None:
        return ""
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return ""


# --- retention lines ----------------------------------------------------------------------

#: (background, label) per state: the label says it in words for whoever cannot tell colours apart.
LINE_STYLES: dict[str, tuple[str, str]] = {
    "purged": ("#e0e0e0", "PURGED"),
    "at-risk": ("#f8c9c4", "RETRIEVE NOW"),
    "held": ("#fff3c4", "STILL HELD"),
    "secured": ("#cfe8cf", "RETRIEVED"),
}


def line_state(line: rt.RetentionLine) -> str:
    return "secured" if line.secured else line.severity.value


# --- the add form -------------------------------------------------------------------------

class AddRetrievalDialog(QtWidgets.QDialog):
    """The "Add retrieval…" form. ``save_requested`` carries a :class:`RetrievalDraft`;
    the tab saves it on the worker and calls :meth:`show_error` or closes the form."""

    save_requested = Signal(object)

    def __init__(self, sources: list[rt.SourceView], today: date, parent: QtWidgets.QWidget | None = None,
                 choose_file: Callable[[QtWidgets.QWidget], str | None] = choose_file_dialog) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add retrieval")
        self._choose_file = choose_file
        form = QtWidgets.QFormLayout()
        self.source = QtWidgets.QComboBox()
        for s in sources:
            kept = f"{s.retention_months} months" if s.retention_months else "no retention period"
            self.source.addItem(f"{s.name} ({kept}, by {s.identifier_kind})", s.code)
        self.source.setAccessibleName("Source")
        form.addRow("&Source", self.source)
        self.identifier = QtWidgets.QLineEdit()
        self.identifier.setPlaceholderText("default: the requester's phone, email or account")
        self.identifier.setAccessibleName("Identifier searched")
        form.addRow("&Identifier searched", self.identifier)
        qtoday = QtCore.QDate(today.year, today.month, today.day)

        def date_edit(name: str) -> QtWidgets.QDateEdit:
            edit = QtWidgets.QDateEdit(qtoday)
            edit.setCalendarPopup(True)
            # no weekday section: typed digits go to the day, month and year as expected
            # (a "ddd" section made a typed past day hard to enter)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setMaximumDate(qtoday)
            edit.setAccessibleName(name)
            return edit

        self.period = QtWidgets.QCheckBox("Period searched")
        self.period_from = date_edit("Period searched from")
        self.period_to = date_edit("Period searched to")
        period_row = QtWidgets.QHBoxLayout()
        for w in (self.period, self.period_from, QtWidgets.QLabel("to"), self.period_to):
            period_row.addWidget(w)
        form.addRow("Period", period_row)
        self.has_interaction = QtWidgets.QCheckBox("known")
        self.has_interaction.setChecked(True)
        self.interaction_date = date_edit("Interaction date")
        self.has_time = QtWidgets.QCheckBox("at")
        self.interaction_time = QtWidgets.QTimeEdit(QtCore.QTime(12, 0))
        self.interaction_time.setDisplayFormat("HH:mm")
        self.interaction_time.setAccessibleName("Interaction time")
        when_row = QtWidgets.QHBoxLayout()
        for when in (self.has_interaction, self.interaction_date, self.has_time, self.interaction_time):
            when_row.addWidget(when)
        form.addRow("Interaction &date", when_row)
        self._buddy(form, when_row, self.interaction_date)
        self.result_box = QtWidgets.QComboBox()
        for result, label in rt.RESULT_LABELS.items():
            self.result_box.addItem(label, result.value)
        self.result_box.setAccessibleName("Result")
        form.addRow("&Result", self.result_box)
        self.item_ref = QtWidgets.QLineEdit()
        self.item_ref.setMaxLength(rt.MAX_ITEM_REF)
        self.item_ref.setAccessibleName("Item reference in the source system")
        form.addRow("Item &reference", self.item_ref)
        self.file = QtWidgets.QLineEdit()
        self.file.setPlaceholderText("no file")
        self.file.setAccessibleName("File")
        browse = QtWidgets.QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        file_row = QtWidgets.QHBoxLayout()
        file_row.addWidget(self.file)
        file_row.addWidget(browse)
        form.addRow("&File", file_row)
        self._buddy(form, file_row, self.file)
        self.redaction_needed = QtWidgets.QCheckBox("Redaction needed (it contains others' data)")
        self.redaction_done = QtWidgets.QCheckBox("Redaction done")
        form.addRow("", self.redaction_needed)
        form.addRow("", self.redaction_done)
        self.notes = QtWidgets.QPlainTextEdit()
        self.notes.setMaximumHeight(60)
        self.notes.setTabChangesFocus(True)
        form.addRow("&Notes", self.notes)
        self.error = QtWidgets.QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a00000;")
        self.error.setAccessibleName("Problem")
        self.buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Save
                                                  | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.period.toggled.connect(self._sync)
        self.has_interaction.toggled.connect(self._sync)
        self.has_time.toggled.connect(self._sync)
        self._sync()

    @staticmethod
    def _buddy(form: QtWidgets.QFormLayout, row: QtWidgets.QLayout, field: QtWidgets.QWidget) -> None:
        """A row holding a layout gets a label with no buddy, which shows its '&' as it is:
        point the label at the row's main field, so Alt+key works and no '&' shows."""
        label = form.labelForField(row)
        if isinstance(label, QtWidgets.QLabel):
            label.setBuddy(field)

    def _sync(self) -> None:
        self.period_from.setEnabled(self.period.isChecked())
        self.period_to.setEnabled(self.period.isChecked())
        self.interaction_date.setEnabled(self.has_interaction.isChecked())
        self.has_time.setEnabled(self.has_interaction.isChecked())
        self.interaction_time.setEnabled(self.has_interaction.isChecked() and self.has_time.isChecked())

    def _browse(self) -> None:
        path = self._choose_file(self)
        if path:
            self.file.setText(path)
            if self.result_box.currentData() == rt.Result.TO_RETRIEVE.value:
                self.result_box.setCurrentIndex(self.result_box.findData(rt.Result.FOUND.value))

    @staticmethod
    def _day(edit: QtWidgets.QDateEdit) -> date:
        d = edit.date()
        return date(d.year(), d.month(), d.day())

    def draft(self) -> rt.RetrievalDraft:
        t = self.interaction_time.time()
        return rt.RetrievalDraft(
            source=str(self.source.currentData() or ""), result=str(self.result_box.currentData() or ""),
            identifier=self.identifier.text(),
            period_from=self._day(self.period_from) if self.period.isChecked() else None,
            period_to=self._day(self.period_to) if self.period.isChecked() else None,
            interaction_date=self._day(self.interaction_date) if self.has_interaction.isChecked() else None,
            interaction_time=time(t.hour(), t.minute()) if (self.has_interaction.isChecked()
                                                             and self.has_time.isChecked()) else None,
            item_ref=self.item_ref.text(), file=self.file.text().strip() or None,
            redaction_needed=self.redaction_needed.isChecked(), redaction_done=self.redaction_done.isChecked(),
            notes=self.notes.toPlainText())

    def _save(self) -> None:
        self.error.clear()
        self.buttons.setEnabled(False)
        self.save_requested.emit(self.draft())

    def show_error(self, message: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(message)


# --- the tab ------------------------------------------------------------------------------

class _StoreBox:
    """The open evidence store, shared with the worker thread (which alone uses it)."""

    def __init__(self) -> None:
        self.store: Any = None


@dataclass(frozen=True)
class _Loaded:
    case_id: int
    entries: list[rt.RetrievalView]
    lines: list[rt.RetentionLine]
    coverage: list[rt.CoverageLine]
    holds: tuple[Any, ...] = ()
    may_erase: bool = False


class RetrievalTab(QtWidgets.QWidget):
    """The retrieval log of the shown case. ``ctx`` is the workbench's AppContext (it needs
    ``register``, ``worker.submit``, ``report_error`` and ``op_executed``)."""

    loaded = Signal()
    status_changed = Signal(str)

    def __init__(self, ctx: Any, parent: QtWidgets.QWidget | None = None, *,
                 open_store: StoreOpener = default_open_store,
                 ask_passphrase: Callable[[QtWidgets.QWidget, str], str | None] = ask_passphrase_dialog,
                 choose_directory: Callable[[QtWidgets.QWidget], str | None] = choose_directory_dialog,
                 choose_file: Callable[[QtWidgets.QWidget], str | None] = choose_file_dialog,
                 ask_text: Callable[[QtWidgets.QWidget, str, str], str | None] = ask_text_dialog,
                 ask_bundle_password: Callable[[QtWidgets.QWidget], str | None] = ask_bundle_password_dialog,
                 confirm: Callable[[QtWidgets.QWidget, str], bool] = confirm_dialog) -> None:
        super().__init__(parent)
        self._ask_text = ask_text
        self._ask_bundle_password = ask_bundle_password
        self._confirm = confirm
        self._holds: list[Any] = []
        self.ctx = ctx
        self._open_store = open_store
        self._ask_passphrase = ask_passphrase
        self._choose_directory = choose_directory
        self._choose_file = choose_file
        self._passphrase: str | None = None
        self._store = _StoreBox()  # its content is touched on the worker thread only
        self.view: CaseView | None = None
        self.dialog: AddRetrievalDialog | None = None

        self.model = RetrievalTableModel(self)
        self.table = QtWidgets.QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Retrieval entries")

        self.lines = QtWidgets.QListWidget()
        self.lines.setAccessibleName("Retention")
        self.lines.setWordWrap(True)
        self.coverage = QtWidgets.QLabel()
        self.coverage.setWordWrap(True)
        self.coverage.setStyleSheet("color: #444;")
        self.coverage.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Minimum)

        self.add_button = QtWidgets.QPushButton("&Add retrieval…")
        self.verify_button = QtWidgets.QPushButton("Verify fi&les")
        self.bundle_button = QtWidgets.QPushButton("E&xport bundle…")
        self.hold_button = QtWidgets.QPushButton("Le&gal hold…")
        self.hold_button.setToolTip("Keep this case from anonymisation (a complaint to the regulator, a legal "
                                    "claim); press again to release it")
        self.erase_button = QtWidgets.QPushButton("E&rase now…")
        self.erase_button.setToolTip("Anonymise this ended case now, keeping the minimal record "
                                     "(team lead or admin)")
        self.add_button.clicked.connect(self.open_add_form)
        self.verify_button.clicked.connect(self.verify_files)
        self.bundle_button.clicked.connect(self.export_bundle)
        self.hold_button.clicked.connect(self.toggle_hold)
        self.erase_button.clicked.connect(self.erase_case)
        buttons = QtWidgets.QHBoxLayout()
        for b in (self.add_button, self.verify_button, self.bundle_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.hold_button)
        buttons.addWidget(self.erase_button)
        self.hold_label = QtWidgets.QLabel()
        self.hold_label.setWordWrap(True)
        self.hold_label.setAccessibleName("Legal hold")
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Retrieval status")

        layout = QtWidgets.QVBoxLayout(self)
        heading = QtWidgets.QLabel("<b>Retention</b>: what the retailer's systems still hold, and until when")
        layout.addWidget(heading)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.coverage)
        layout.addWidget(QtWidgets.QLabel("<b>Retrieval log</b>"))
        layout.addWidget(self.table, 3)
        layout.addLayout(buttons)
        layout.addWidget(self.hold_label)
        layout.addWidget(self.status)
        self._set_enabled(False)
        ctx.op_executed.connect(self._op_executed)

    # --- the case ---------------------------------------------------------------------
    def show_case(self, view: CaseView) -> None:
        changed = self.view is None or self.view.id != view.id
        self.view = view
        if changed:
            self.model.set_entries([])
            self.model.set_problems({})
            self.lines.clear()
            self.status.clear()
        self._set_enabled(True)
        self.refresh()

    def _set_enabled(self, on: bool) -> None:
        for b in (self.add_button, self.verify_button, self.bundle_button, self.hold_button):
            b.setEnabled(on)
        if not on:
            self.erase_button.setEnabled(False)

    def refresh(self) -> None:
        if self.view is None:
            return
        reg, case_id = self.ctx.register, self.view.id

        def load() -> _Loaded:
            from muse_care.services import anonymise as an

            return _Loaded(case_id, rt.list_retrievals(reg, case_id), rt.retention_lines(reg, case_id),
                           rt.coverage_lines(reg), tuple(an.list_holds(reg, case_id)), an.may_anonymise(reg))

        self.ctx.worker.submit(load, self._loaded, self._failed, owner=self)

    def _loaded(self, data: _Loaded) -> None:
        if self.view is None or data.case_id != self.view.id:
            return  # an answer for a case no longer shown
        self.model.set_entries(data.entries)
        self.table.resizeColumnsToContents()
        self.lines.clear()
        for line in data.lines:
            state = line_state(line)
            colour, label = LINE_STYLES[state]
            item = QtWidgets.QListWidgetItem(f"{label}: {line.text}")
            item.setBackground(QtGui.QBrush(QtGui.QColor(colour)))
            item.setForeground(QtGui.QBrush(QtGui.QColor("#000000")))
            item.setData(Qt.ItemDataRole.UserRole, state)
            item.setToolTip(f"Retention rule of {line.source_name}: {line.rule}")
            self.lines.addItem(item)
        if not data.lines:
            self.lines.addItem("No interactions logged yet: add the calls and chats the request covers.")
        self.coverage.setText("\n".join(c.text for c in data.coverage))
        self.coverage.setMinimumHeight(self.coverage.heightForWidth(max(self.coverage.width(), 400)))
        self._holds = list(data.holds)
        if self._holds:
            h = self._holds[-1]
            self.hold_label.setStyleSheet("color: #7a4a00;")
            self.hold_label.setText(f"Legal hold by {h.placed_by} on {fmt_day(h.placed_at.date())}"
                                    + (f" until {fmt_day(h.until)}" if h.until else " until released")
                                    + f": {h.reason}. This case is not anonymised while it stands.")
            self.hold_button.setText("Release &hold")
        else:
            self.hold_label.setText("")
            self.hold_button.setText("Le&gal hold…")
        ended = self.view is not None and not self.view.is_open
        self.erase_button.setEnabled(bool(data.may_erase and ended and not self._holds))
        self.loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        self.ctx.report_error(exc, retry=self.refresh, parent=self)

    def _set_status(self, text: str, ok: bool = True) -> None:
        self.status.setStyleSheet("" if ok else "color: #a00000;")
        self.status.setText(text)
        self.status_changed.emit(text)

    def case_updated(self, view: CaseView, changes: Any) -> None:
        """A write to the shown case (from the case pane): this tab reloads only when
        the change-set names retrievals, which ``_op_executed`` sees by itself."""
        self.view = view

    def _op_executed(self, changes: Any, _initiator: object) -> None:
        if self.view is None or changes.case_id != self.view.id or not changes.retrievals:
            return
        if changes.view is not None:
            self.view = changes.view
        self.refresh()

    def _write_op(self, write: Callable[[], Any], on_success: Callable[[Any], None],
                  on_failure: Callable[[BaseException], None] | None, what: str) -> None:
        """A write to this case's retrieval log, as an operation that says so."""
        from muse_care.ui.operations import CaseOp

        assert self.view is not None
        CaseOp(self.ctx, write, before=self.view, retrievals=True, what=what) \
            .success(on_success).failure(on_failure or self._failed).run(initiator=self)

    # --- the evidence store (opened on the worker) ------------------------------------
    def _with_store(self, job: Callable[[Any], Any], on_success: Callable[[Any], None],
                    on_failure: Callable[[BaseException], None] | None = None, *, writes: str = "") -> None:
        """Run ``job(store)`` on the database thread; ``writes``: it changes the
        retrieval log (named so), and goes as an operation."""
        # The worker thread must not touch this widget: it gets plain objects only.
        reg, passphrase, box, opener = self.ctx.register, self._passphrase, self._store, self._open_store

        def run() -> Any:
            if box.store is None:
                box.store = opener(reg, passphrase)
            return job(box.store)

        def failed(exc: BaseException) -> None:
            from muse_care.evidence import KeychainUnavailable, WrongPassphrase
            from muse_care.services.evidence_service import PassphraseRequired

            prompt = None
            if isinstance(exc, PassphraseRequired) or isinstance(exc, WrongPassphrase):
                prompt = f"{exc}\n\nPassphrase:"
            elif isinstance(exc, KeychainUnavailable):
                prompt = (f"{exc}\n\nTo use a passphrase instead, type one (at least 12 characters; "
                          "everyone who opens these files will need it):")
            if prompt is not None:
                typed = self._ask_passphrase(self, prompt)
                if typed:
                    self._passphrase = typed
                    self._with_store(job, on_success, on_failure, writes=writes)
                    return
                self._set_status("The evidence store is locked; nothing was done.", ok=False)
                return
            (on_failure or self._failed)(exc)

        if writes:
            self._write_op(run, on_success, failed, writes)
        else:
            self.ctx.worker.submit(run, on_success, failed, owner=self)

    # --- actions ----------------------------------------------------------------------
    def open_add_form(self) -> None:
        if self.view is None:
            return
        reg = self.ctx.register
        self.ctx.worker.submit(lambda: (rt.list_sources(reg), reg.today()), self._show_form, self._failed,
                               owner=self)

    def _show_form(self, loaded: tuple[list[rt.SourceView], date]) -> None:
        sources, today = loaded
        self.dialog = AddRetrievalDialog(sources, today, self, choose_file=self._choose_file)
        self.dialog.save_requested.connect(self._save_draft)
        self.dialog.open()

    def _save_draft(self, draft: rt.RetrievalDraft) -> None:
        if self.view is None or self.dialog is None:
            return
        reg, case_id, dialog = self.ctx.register, self.view.id, self.dialog

        def done(entry: rt.RetrievalView) -> None:
            dialog.accept()
            self._set_status(f"Entry #{entry.id} logged: {entry.source_name}, {entry.result_label}"
                             + (f", {entry.file_name} stored ({_size(entry.file_size)})" if entry.has_file else ""))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                dialog.show_error(str(exc))
            else:
                dialog.show_error("Not saved.")
                self._failed(exc)

        if draft.file:
            self._with_store(lambda store: rt.add_retrieval(reg, case_id, draft, store), done, failed,
                             writes="add retrieval")
        else:
            self._write_op(lambda: rt.add_retrieval(reg, case_id, draft, None), done, failed, "add retrieval")

    def verify_files(self) -> None:
        if self.view is None:
            return
        from muse_care.services.evidence_service import verify_evidence

        reg, case_id = self.ctx.register, self.view.id
        self._set_status("Checking the files…")
        self._with_store(lambda store: verify_evidence(reg, store, case_id), self._verified)

    def _verified(self, report: Any) -> None:
        self.model.set_problems({p.retrieval_id: p.problem for p in report.problems})
        if report.ok:
            self._set_status(f"{report.checked} file(s) checked: all intact.")
        else:
            lines = "; ".join(f"#{p.retrieval_id} {p.file_name}: {p.problem}" for p in report.problems)
            self._set_status(f"{len(report.problems)} of {report.checked} file(s) failed their check and "
                             f"will not be served: {lines}", ok=False)

    def export_bundle(self) -> None:
        if self.view is None:
            return
        folder = self._choose_directory(self)
        if not folder:
            return
        from muse_care.services.bundle import BundleFailed, export_bundle

        reg, case_id = self.ctx.register, self.view.id

        def done(report: Any) -> None:
            self._set_status(f"Bundle written to {report.directory}: {len(report.disclosed)} file(s) with "
                             "index.pdf and index.csv.")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, BundleFailed):
                self.model.set_problems({p.retrieval_id: p.problem for p in exc.problems})
                self._set_status(str(exc), ok=False)
            elif isinstance(exc, ValidationError):
                self._set_status(str(exc), ok=False)
            else:
                self._failed(exc)

        password = self._ask_bundle_password(self)
        if password is None:
            return
        if password:
            from muse_care.services.bundle import check_password

            try:
                check_password(password)
            except ValidationError as exc:
                self._set_status(str(exc), ok=False)
                return

        def done_protected(report: Any) -> None:
            if report.archive is None:
                done(report)
                return
            self._set_status(f"Encrypted bundle written to {report.directory}: {report.archive.name} "
                             f"({len(report.disclosed)} file(s)), index.pdf and README.txt. Send the password "
                             "separately: it is not kept anywhere.")

        self._with_store(lambda store: export_bundle(reg, store, case_id, Path(folder),
                                                     password=password or None), done_protected, failed,
                         writes="export bundle")

    # --- our own retention: a legal hold, erasing one case now -----------------------
    def toggle_hold(self) -> None:
        if self.view is None:
            return
        from muse_care.services import anonymise as an

        reg, case_id = self.ctx.register, self.view.id
        held = bool(self._holds)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self._set_status(str(exc), ok=False)
            else:
                self._failed(exc)

        def done(_result: Any) -> None:
            self._set_status("Legal hold released." if held else "Legal hold placed: this case is not "
                             "anonymised while it stands.")

        if held:
            self._write_op(lambda: an.release_hold(reg, case_id), done, failed, "release legal hold")
            return
        reason = self._ask_text(self, "Legal hold", "Why must this case be kept (a complaint to the regulator, "
                                "a legal claim)? Write it without the requester's name:")
        if not reason:
            return
        self._write_op(lambda: an.place_hold(reg, case_id, reason), done, failed, "place legal hold")

    def erase_case(self) -> None:
        if self.view is None:
            return
        from muse_care.services import anonymise as an

        reason = self._ask_text(self, "Erase this case now", "Why is this case erased now (for example, the "
                                "requester asked and no exemption applies)? The minimal record is kept:")
        if not reason:
            return
        if not self._confirm(self, f"Erase {self.view.reference} now? The requester's details, notes, letters "
                             "and evidence copies are removed for good; only the minimal record stays."):
            return
        reg, case_id, reference = self.ctx.register, self.view.id, self.view.reference

        def done(report: Any) -> None:
            extra = "".join(f" Backup {p} still holds it: replace it." for p in report.backups_holding)
            self._set_status(f"{reference} is erased; the minimal record is kept.{extra}")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self._set_status(str(exc), ok=False)
            else:
                self._failed(exc)

        self._with_store(lambda store: an.erase_case(reg, store, case_id, reason), done, failed,
                         writes="erase case")


__all__ = ["RetrievalTab", "RetrievalTableModel", "AddRetrievalDialog", "LINE_STYLES"]
