"""The case's Letters tab: the letters produced for the case, a new letter, the
preview, printing at 100 % through the system dialog, reprints with a reason, and
"Save PDF…" with an optional password.

The tab is added to the case view by the main window::

    tab = LettersTab(ctx)
    case_view.set_extra_tab("Letters", tab)   # the case view calls tab.show_case(view)

Every database and PDF job goes through ``ctx.worker``; only the callbacks touch
widgets. After a letter is produced the tab announces the change-set (the case as it now
is, letters changed; an identity or clarification request also pauses the clock), so
the case pane and the queue refresh what it names.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from muse_care.domain.case_views import CaseView
from muse_care.domain.dates import fmt_day
from muse_care.domain.errors import PermissionDenied, ValidationError
from muse_care.letters import kinds
from muse_care.letters.model import LAYOUTS, date_style_for, field_spec
from muse_care.services import cases, letters
from muse_care.services.letters import LetterInfo
from muse_care.ui.context import AppContext
from muse_care.ui.forms.ui_letter_dialog import Ui_LetterDialog
from muse_care.ui.forms.ui_letter_tab import Ui_LetterTab
from muse_care.ui.operations import announce
from muse_care.ui.qt import QtGui, QtWidgets, Qt, Signal
from muse_care.ui.table_models import Column, RowsModel

if TYPE_CHECKING:
    from muse_care.ui.pdf_preview import PdfPreview, QPrinter

KIND_LABELS: Mapping[str, str] = kinds.TITLES  # declared once, in letters/kinds.py
LAYOUT_LABELS: dict[str, str] = {k: info.title for k, info in LAYOUTS.items()}
LAYOUT_SHORT: dict[str, str] = {k: info.short for k, info in LAYOUTS.items()}


def field_label(kind: str, name: str) -> str:
    """The form's label for a field of ``kind`` (declared with the kind)."""
    spec = kinds.find(kind)
    found = spec.field(name) if spec else None
    return found.label if found else name.replace("_", " ").capitalize()


REPRINT_REASONS = ("Lost in the post", "Returned: envelope damaged", "Spoiled in printing",
                   "The requester asked for another copy")
WITHDRAW_REASONS = ("It promises a reply by a day that has passed", "Made in error",
                    "The request was withdrawn", "Replaced by a reply sent another way")


def style_of(country: str) -> str:
    """The date style of a letter to ``country`` (``derived_fields``'s ``style``):
    English dates are written the recipient's way, whatever the layout."""
    return date_style_for(country)


def short_day(d: date) -> str:
    """'29 Oct 2026': compact, for table cells (the weekday is in the tooltip)."""
    return fmt_day(d).split(" ", 1)[1]


def when_text(moment: datetime) -> str:
    local = moment.astimezone() if moment.tzinfo else moment
    return f"{short_day(local.date())} {local:%H:%M}"


def mark_error(label: QtWidgets.QLabel, message: str | None) -> None:
    """A field's reason under it: a warning sign and words in bold (no colour alone)."""
    label.setText(f"⚠ {message}" if message else "")
    label.setVisible(bool(message))
    font = label.font()
    font.setBold(bool(message))
    label.setFont(font)


def write_pdf_file(path: str | Path, data: bytes) -> Path:
    """Write atomically: a half-written letter never sits under the final name."""
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    if not target.parent.is_dir():
        raise ValidationError("file", f"the folder {target.parent} does not exist")
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ValidationError("file", f"{target.name} could not be written: {exc.strerror or exc}") from exc
    return target


# --- the table --------------------------------------------------------------------------

LETTER_COLUMNS = (
    Column("kind", "Letter", "Kind of letter"),
    Column("layout", "Layout", "Paper and envelope window"),
    Column("produced", "Produced", "When the letter was produced"),
    Column("by", "By", "Who produced it"),
    Column("pages", "Pages", "Pages in the letter", numeric=True),
    Column("sent", "Sent", "Day it was dispatched, and how"),
    Column("prints", "Prints", "How often it has been printed (print runs and reprints)", numeric=True),
)


class LettersModel(RowsModel):
    """The letters of one case (plain :class:`LetterInfo` rows, newest last)."""

    COLUMNS = LETTER_COLUMNS
    IdRole = RowsModel.ID_ROLE

    def set_letters(self, rows: Sequence[LetterInfo]) -> None:
        self.set_rows(rows)

    def letter_at(self, row: int) -> LetterInfo | None:
        return self.row_at(row)  # type: ignore[no-any-return]

    def letters(self) -> list[LetterInfo]:
        return self.rows()

    def role_data(self, info: LetterInfo, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            sent = f"sent {fmt_day(info.dispatched_on)} by {info.dispatch_method}" if info.dispatched_on else "not sent"
            if info.withdrawn_on is not None:
                sent = f"withdrawn {fmt_day(info.withdrawn_on)}: {info.withdrawn_reason}"
            return (f"Letter {info.id} to {info.recipient_name}, {sent}\nSHA-256 {info.sha256}\n"
                    f"Layout: {LAYOUT_LABELS.get(info.layout, info.layout)}")
        return None

    def text(self, info: LetterInfo, key: str) -> str:
        if key == "kind":
            return KIND_LABELS.get(info.kind, info.kind)
        if key == "layout":
            return LAYOUT_SHORT.get(info.layout, info.layout)
        if key == "produced":
            return when_text(info.generated_at)
        if key == "by":
            return info.generated_by
        if key == "pages":
            return str(info.page_count)
        if key == "sent":
            if info.withdrawn_on is not None:
                return f"withdrawn {short_day(info.withdrawn_on)}"
            return f"{short_day(info.dispatched_on)}, {info.dispatch_method}" if info.dispatched_on else "not sent"
        if key == "prints":
            return str(info.print_count)
        return ""


# --- the new-letter dialog ------------------------------------------------------------------

class LetterDialog(QtWidgets.QDialog):
    """Choose the kind and layout, fill in the kind's fields, produce on the worker.

    ``derived`` maps ``(kind, style)`` to the fields the case provides (pre-filled);
    what the agent types is kept per field name across kind and layout changes, and
    stays on screen when producing fails. ``produced(LetterInfo, CaseView)`` is emitted
    when the letter is stored; the dialog then closes.
    """

    produced = Signal(object, object)

    UNSAVED = ("⚠ The Requester tab has changes that are not saved. This letter is made from the case as "
               "saved: the name and address above. Save the changes first if the letter should use them.")

    def warn_unsaved(self) -> None:
        """Say, above the form, that the requester's unsaved edits are not in the letter."""
        self.ui.header_label.setText(f"{self.ui.header_label.text()}\n{self.UNSAVED}")
        self.ui.header_label.setWordWrap(True)

    def __init__(self, ctx: AppContext, view: CaseView, derived: dict[tuple[str, str], dict[str, str]],
                 default_layout: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.view, self.derived = ctx, view, derived
        self.ui = Ui_LetterDialog()
        self.ui.setupUi(self)
        ui = self.ui
        self.setWindowTitle(f"New letter — {view.reference}")
        rq = view.requester
        ui.header_label.setText(f"Case {view.reference}: to {rq.name}"
                                + (f", {rq.city}" if rq.city else "") + (f" ({rq.country})" if rq.country else ""))
        asked = {r.value for r in view.rights}
        for spec in kinds.all_kinds():  # the kinds that answer what this case asks
            if spec.serves(asked, view.regime):
                ui.kind_combo.addItem(spec.title, spec.id)
        for layout, info in LAYOUTS.items():  # every layout the setting accepts, no other
            ui.layout_combo.addItem(info.title, layout)
        ui.layout_combo.setCurrentIndex(max(0, ui.layout_combo.findData(default_layout)))
        ui.enclosures_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        ui.fields_form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        font = ui.header_label.font()
        font.setBold(True)
        ui.header_label.setFont(font)
        self.produce_button = ui.button_box.button(QtWidgets.QDialogButtonBox.StandardButton.Ok)
        self.produce_button.setText("&Produce letter")
        ui.button_box.accepted.connect(self.produce)
        ui.button_box.rejected.connect(self.reject)
        self.editors: dict[str, QtWidgets.QLineEdit | QtWidgets.QPlainTextEdit] = {}
        self.error_labels: dict[str, QtWidgets.QLabel] = {}
        self.typed: dict[str, str] = {}
        self._filling = False
        self._busy = False
        mark_error(ui.enclosures_error, None)
        mark_error(ui.general_error, None)
        ui.kind_combo.currentIndexChanged.connect(lambda _i: self._build_fields())
        ui.layout_combo.currentIndexChanged.connect(lambda _i: self._refill())
        self._build_fields()
        ui.kind_combo.setFocus()

    # --- the form --------------------------------------------------------------------------
    def kind(self) -> str:
        return str(self.ui.kind_combo.currentData())

    def layout_choice(self) -> str:
        return str(self.ui.layout_combo.currentData())

    def set_kind(self, kind: str) -> None:
        self.ui.kind_combo.setCurrentIndex(self.ui.kind_combo.findData(kind))

    def _derived_now(self) -> dict[str, str]:
        return self.derived.get((self.kind(), style_of(self.view.requester.country)), {})

    def _build_fields(self) -> None:
        form = self.ui.fields_form
        while form.rowCount():
            form.removeRow(0)
        self.editors.clear()
        self.error_labels.clear()
        spec = field_spec(self.kind())
        kind_spec = kinds.get(self.kind())
        derived = self._derived_now()
        line_height = self.fontMetrics().lineSpacing()
        for name in (*spec.required, *spec.optional):
            required = name in spec.required
            title = field_label(self.kind(), name)
            label = QtWidgets.QLabel(f"{title} *" if required else title)
            if required:
                font = label.font()
                font.setBold(True)
                label.setFont(font)
            editor: QtWidgets.QLineEdit | QtWidgets.QPlainTextEdit
            declared = kind_spec.field(name)
            multi = declared is not None and declared.shape in ("list", "text")
            if multi:
                editor = QtWidgets.QPlainTextEdit()
                editor.setTabChangesFocus(True)
                editor.setFixedHeight(line_height * 3 + 12)
                if name in spec.lists:
                    editor.setPlaceholderText("One item per line")
                editor.textChanged.connect(lambda n=name, e=editor: self._edited(n, e.toPlainText()))
            else:
                editor = QtWidgets.QLineEdit()
                editor.textEdited.connect(lambda text, n=name: self._edited(n, text))
            editor.setObjectName(f"field_{name}")
            editor.setAccessibleName(title + (" (required)" if required else ""))
            if name in letters.CLOCK_FIELDS:
                # the case's own dates (docs/letters.md, "The case's dates")
                editor.setReadOnly(True)
                editor.setToolTip("From the case's clock: record a clock event to change it")
            label.setBuddy(editor)
            error = QtWidgets.QLabel()
            error.setWordWrap(True)
            error.setObjectName(f"error_{name}")
            mark_error(error, None)
            holder = QtWidgets.QWidget()
            holder.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Fixed)
            box = QtWidgets.QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(editor)
            box.addWidget(error)
            form.addRow(label, holder)
            self.editors[name] = editor
            self.error_labels[name] = error
            self._set_text(editor, self.typed.get(name, derived.get(name, "")))
        encl_required = spec.needs_enclosures
        self.ui.enclosures_label.setText("&Enclosures (one per line) *" if encl_required
                                         else "&Enclosures (one per line)")
        font = self.ui.enclosures_label.font()
        font.setBold(encl_required)
        self.ui.enclosures_label.setFont(font)
        mark_error(self.ui.enclosures_error, None)
        mark_error(self.ui.general_error, None)

    def _refill(self) -> None:
        """A layout change changes the date style: refresh what the agent did not type."""
        derived = self._derived_now()
        for name, editor in self.editors.items():
            if name not in self.typed:
                self._set_text(editor, derived.get(name, ""))

    def _set_text(self, editor: QtWidgets.QLineEdit | QtWidgets.QPlainTextEdit, text: str) -> None:
        self._filling = True
        try:
            if isinstance(editor, QtWidgets.QPlainTextEdit):
                editor.setPlainText(text)
            else:
                editor.setText(text)
        finally:
            self._filling = False

    def _edited(self, name: str, text: str) -> None:
        if not self._filling:
            self.typed[name] = text
            if name in self.error_labels:
                mark_error(self.error_labels[name], None)

    def set_field(self, name: str, text: str) -> None:
        """Type into a field (tests; also keeps it as typed)."""
        editor = self.editors[name]
        if isinstance(editor, QtWidgets.QPlainTextEdit):
            editor.setPlainText(text)
        else:
            editor.setText(text)
        self.typed[name] = text

    def field_text(self, name: str) -> str:
        editor = self.editors[name]
        return editor.toPlainText() if isinstance(editor, QtWidgets.QPlainTextEdit) else editor.text()

    def values(self) -> dict[str, str]:
        return {name: self.field_text(name) for name in self.editors if self.field_text(name).strip()}

    def enclosures(self) -> list[str]:
        return [line.strip() for line in self.ui.enclosures_edit.toPlainText().splitlines() if line.strip()]

    # --- producing ---------------------------------------------------------------------------
    def show_problems(self, problems: dict[str, str]) -> None:
        """Each message at its field; anything without a field in the general line."""
        general = []
        encl = None
        for name, label in self.error_labels.items():
            mark_error(label, problems.get(name))
        for name, message in problems.items():
            if name in ("enclosure", "enclosures"):
                encl = message
            elif name not in self.error_labels:
                general.append(message if name in message else f"{name}: {message}")
        mark_error(self.ui.enclosures_error, encl)
        mark_error(self.ui.general_error, " ".join(general) or None)
        first = next((n for n in self.editors if n in problems), None)
        if first is not None:
            self.editors[first].setFocus()
            self.ui.fields_scroll.ensureWidgetVisible(self.editors[first])
        elif encl:
            self.ui.enclosures_edit.setFocus()

    def missing(self) -> dict[str, str]:
        """What the form can tell before asking the service: every empty required field."""
        kind = self.kind()
        spec = field_spec(kind)
        values = self.values()
        # a date from the case's clock, missing, is the service's to explain (its clock's state)
        problems = {n: f"“{field_label(kind, n)}” is required for this letter"
                    for n in spec.required if n not in values and n not in letters.CLOCK_FIELDS}
        for given, needed in spec.implies:
            if given in values and needed not in values:
                problems[needed] = (f"“{field_label(kind, given)}” is filled in, so the letter must "
                                    f"give “{field_label(kind, needed)}”")
        if spec.needs_enclosures and not self.enclosures():
            problems["enclosures"] = "list what is enclosed, one item per line"
        return problems

    def produce(self) -> None:
        if self._busy or self.ctx.register is None:
            return
        problems = self.missing()
        if problems:
            self.show_problems(problems)
            return
        self.show_problems({})
        reg, case_id = self.ctx.register, self.view.id
        kind, layout, fields, encl = self.kind(), self.layout_choice(), self.values(), self.enclosures()

        def job() -> tuple[LetterInfo, CaseView]:
            info = letters.produce_letter(reg, case_id, kind, layout=layout, fields=fields, enclosures=encl)
            return info, cases.get_case(reg, case_id)

        self._set_busy(True)
        self.ctx.worker.submit(job, self._produced, self._failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.produce_button.setEnabled(not busy)
        self.produce_button.setText("Producing…" if busy else "&Produce letter")
        self.ui.button_box.button(QtWidgets.QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)

    def reject(self) -> None:
        if not self._busy:  # a letter being stored is not abandoned half-way by Esc
            super().reject()

    def _produced(self, result: tuple[LetterInfo, CaseView]) -> None:
        self._set_busy(False)
        self.produced.emit(*result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, PermissionDenied):
            self.show_problems({"approval": f"Needs a team lead's approval first: {exc}"})
        elif isinstance(exc, ValidationError):
            self.show_problems({exc.field: exc.message if exc.field in self.editors else str(exc)})
        else:
            self.ctx.report_error(exc, retry=self.produce, parent=self)


# --- small dialogs ------------------------------------------------------------------------

class ReasonDialog(QtWidgets.QDialog):
    """Why a step is taken on a letter; the reason goes into the case's history. A
    reprint and a withdrawal ask it this way."""

    def __init__(self, title: str, intro: str, reasons: Sequence[str], what: str, ok_text: str,
                 needed: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._needed = needed
        layout = QtWidgets.QVBoxLayout(self)
        label_intro = QtWidgets.QLabel(intro)
        label_intro.setWordWrap(True)
        layout.addWidget(label_intro)
        self.reason = QtWidgets.QComboBox(self)
        self.reason.setEditable(True)
        self.reason.addItems(list(reasons))
        self.reason.setCurrentText("")
        self.reason.setAccessibleName(what)
        label = QtWidgets.QLabel("&Reason", self)
        label.setBuddy(self.reason)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        self.error = QtWidgets.QLabel(self)
        mark_error(self.error, None)
        layout.addWidget(self.error)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        buttons.setAccessibleName("Go on or cancel")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def text(self) -> str:
        return self.reason.currentText().strip()

    def _accept(self) -> None:
        if not self.text():
            mark_error(self.error, self._needed)
            return
        self.accept()


class ReprintDialog(ReasonDialog):
    """Why the letter is printed again."""

    def __init__(self, info: LetterInfo, parent: QtWidgets.QWidget | None = None) -> None:
        sent = f", sent {fmt_day(info.dispatched_on)}" if info.dispatched_on else ""
        super().__init__(f"Reprint letter {info.id}",
                         f"{KIND_LABELS.get(info.kind, info.kind)} for {info.reference}, printed "
                         f"{info.print_count} time(s){sent}. The same document is printed again; "
                         "say why (it is recorded on the case).", REPRINT_REASONS, "Reason for the reprint",
                         "Choose &printer…", "say why the letter is printed again", parent)


class WithdrawDialog(ReasonDialog):
    """Why the letter is set aside for good (docs/letters.md, "Withdrawing a letter")."""

    def __init__(self, info: LetterInfo, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(f"Withdraw letter {info.id}",
                         f"{KIND_LABELS.get(info.kind, info.kind)} for {info.reference} will never print or be "
                         "sent, and leaves the mailroom's print list. It is kept on the case. Say why (it is "
                         "recorded on the case).", WITHDRAW_REASONS, "Reason for withdrawing the letter",
                         "&Withdraw", "say why the letter is withdrawn", parent)


class SavePdfDialog(QtWidgets.QDialog):
    """Where to save the letter, and an optional password (AES-256) for emailed copies."""

    def __init__(self, suggested: str, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save letter as PDF")
        form = QtWidgets.QFormLayout(self)
        row = QtWidgets.QHBoxLayout()
        self.path_edit = QtWidgets.QLineEdit(suggested, self)
        self.path_edit.setAccessibleName("File")
        self.path_edit.setMinimumWidth(340)
        browse = QtWidgets.QPushButton("&Browse…", self)
        browse.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        file_label = QtWidgets.QLabel("&File", self)  # a row of a layout gets no buddy from addRow
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, row)
        self.protect = QtWidgets.QCheckBox("&Protect with a password (for copies sent by email)", self)
        form.addRow(self.protect)
        self.password = QtWidgets.QLineEdit(self)
        self.password.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.repeat = QtWidgets.QLineEdit(self)
        self.repeat.setEchoMode(QtWidgets.QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName("Password again")
        form.addRow("Pass&word", self.password)
        form.addRow("&Again", self.repeat)
        hint = QtWidgets.QLabel("Tell the requester the password another way (by phone or text), "
                                "never in the same email.", self)
        hint.setWordWrap(True)
        form.addRow(hint)
        self.error = QtWidgets.QLabel(self)
        mark_error(self.error, None)
        form.addRow(self.error)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Save
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel, self)
        buttons.setAccessibleName("Save or cancel")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.protect.toggled.connect(self._protect_toggled)
        self._protect_toggled(False)

    def _protect_toggled(self, on: bool) -> None:
        for w in (self.password, self.repeat):
            w.setEnabled(on)
            if not on:
                w.clear()

    def _browse(self) -> None:
        path, _filter = QtWidgets.QFileDialog.getSaveFileName(self, "Save letter as PDF", self.path_edit.text(),
                                                              "PDF files (*.pdf)")
        if path:
            self.path_edit.setText(path)

    def path(self) -> str:
        return self.path_edit.text().strip()

    def chosen_password(self) -> str:
        return self.password.text() if self.protect.isChecked() else ""

    def _accept(self) -> None:
        if not self.path():
            mark_error(self.error, "choose a file")
        elif self.protect.isChecked() and not self.password.text():
            mark_error(self.error, "type a password, or untick the box")
        elif self.protect.isChecked() and self.password.text() != self.repeat.text():
            mark_error(self.error, "the two passwords differ")
        else:
            self.accept()


# --- the tab -------------------------------------------------------------------------------

class LettersTab(QtWidgets.QWidget):
    """The Letters tab of a case. ``show_case(view)`` shows that case's letters.

    Signals: ``letter_produced(LetterInfo)``; ``printed(int letter_id, int pages)``;
    ``saved(str path)``. ``message`` is the last thing said in the tab's message line.
    """

    letter_produced = Signal(object)
    printed = Signal(int, int)
    saved = Signal(str)

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = Ui_LetterTab()
        self.ui.setupUi(self)
        self.model = LettersModel(self)
        self.ui.letters_table.setModel(self.model)
        header = self.ui.letters_table.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        # The preview (QtPdf, QtPrintSupport: ~7 MB) is made when the tab is first shown
        # or asked for; until then what it would show waits in _pending
        # (docs/performance.md, "Memory").
        self._preview: PdfPreview | None = None
        self._pending: tuple[bytes | None, str] = (None, "")
        self.unsaved_requester: Callable[[], bool] = lambda: False
        """Whether the case pane holds requester edits not saved yet (set by the case
        view): a letter is made from the saved case, and the form says so."""
        self.ui.splitter.setStretchFactor(0, 1)
        self.ui.splitter.setStretchFactor(1, 1)
        self.ui.splitter.setSizes([500, 700])
        self.view: CaseView | None = None
        self.dialog: LetterDialog | None = None
        self.message = ""
        self._list_generation = 0
        self._preview_generation = 0
        self._select_id: int | None = None
        self._shown_id: int | None = None
        self.ui.new_button.clicked.connect(self.new_letter)
        self.ui.print_button.clicked.connect(self.print_letter)
        self.ui.reprint_button.clicked.connect(self.reprint_letter)
        self.ui.save_button.clicked.connect(self.save_letter)
        # Shown when the selected letter no longer matches the case (its address changed)
        # or was produced again: the stored PDF must not print.
        self.again_button = QtWidgets.QPushButton("Produce &again", self)
        self.again_button.setObjectName("again_button")
        self.again_button.setToolTip("Make this letter afresh from the case as it is now (current name and "
                                     "address); the old letter never prints again")
        self.again_button.clicked.connect(lambda: self.produce_again())
        self.ui.actions_layout.insertWidget(self.ui.actions_layout.indexOf(self.ui.save_button) + 1,
                                            self.again_button)
        self.again_prompt: QtWidgets.QMessageBox | None = None
        # A letter that must never go out leaves the print list for good, with the reason.
        self.withdraw_button = QtWidgets.QPushButton("With&draw…", self)
        self.withdraw_button.setObjectName("withdraw_button")
        self.withdraw_button.setToolTip("Set this letter aside for good: it never prints or goes out, and "
                                        "leaves the print list (the reason is recorded on the case)")
        self.withdraw_button.clicked.connect(lambda: self.withdraw_letter())
        self.ui.actions_layout.insertWidget(self.ui.actions_layout.indexOf(self.again_button) + 1,
                                            self.withdraw_button)
        self._stale: dict[int, str] = {}  # letter id -> why it must not print
        self._final: set[int] = set()  # of those, the ones not to be produced again either
        self.ui.letters_table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._selected(cur.row()))
        self._say("")
        self._update_buttons()

    # --- showing --------------------------------------------------------------------------
    @property
    def preview(self) -> PdfPreview:
        """The letter's preview, made on first use with what it should show by then."""
        if self._preview is None:
            from muse_care.ui.pdf_preview import PdfPreview

            self._preview = PdfPreview(self)
            self.ui.preview_layout.addWidget(self._preview)
            pdf, text = self._pending
            self._pending = (None, "")
            if pdf is not None:
                self._preview.set_pdf(pdf)
            else:
                self._preview.clear(text)
        return self._preview

    def showEvent(self, event: QtGui.QShowEvent) -> None:
        self.preview  # noqa: B018 - made now, so the tab is never shown without it
        super().showEvent(event)

    def _preview_pdf(self, pdf: bytes) -> None:
        if self._preview is None and not self.isVisible():
            self._pending = (pdf, "")
        else:
            self.preview.set_pdf(pdf)

    def _preview_clear(self, text: str = "") -> None:
        if self._preview is None and not self.isVisible():
            self._pending = (None, text)
        else:
            self.preview.clear(text)

    def _preview_pages(self) -> int:
        if self._preview is None:
            pdf = self._pending[0]
            return 1 if pdf else 0  # a letter is waiting for the preview: it is shown
        return self._preview.page_count()

    def show_case(self, view: CaseView | None) -> None:
        changed = self.view is None or view is None or view.id != self.view.id
        self.view = view
        if changed:
            self._shown_id = None
            self.model.set_letters([])
            self._preview_clear()
            self._say("")
        self.reload()

    def reload(self) -> None:
        self._list_generation += 1
        gen = self._list_generation
        if self.view is None or self.ctx.register is None:
            self._update_buttons()
            return
        reg, case_id = self.ctx.register, self.view.id
        self.ctx.worker.submit(lambda: letters.list_letters(reg, case_id), lambda rows: self._listed(gen, rows),
                               owner=self)

    def _listed(self, gen: int, rows: list[LetterInfo]) -> None:
        if gen != self._list_generation:
            return
        keep = self._select_id or self._shown_id
        self.model.set_letters(rows)
        self.ui.count_label.setText(f"{len(rows)} letter{'s' if len(rows) != 1 else ''}")
        row = self.model.row_of(keep) if keep is not None else None
        if row is None and rows:
            row = len(rows) - 1
        if row is not None:
            self._select_id = None
            self.ui.letters_table.selectRow(row)
            self._selected(row)
        else:
            self._preview_clear("No letters yet. Use “New letter…” to produce one.")
        self._update_buttons()

    def current(self) -> LetterInfo | None:
        return self.model.letter_at(self.ui.letters_table.currentIndex().row())

    def _selected(self, row: int) -> None:
        info = self.model.letter_at(row)
        self._update_buttons()
        if info is None or self.ctx.register is None:
            return
        if info.id == self._shown_id and self._preview_pages():
            return
        self._preview_generation += 1
        gen, reg = self._preview_generation, self.ctx.register
        def job() -> tuple[bytes, str, bool]:
            pdf = letters.letter_pdf(reg, info.id, for_print=False)  # shown, even when it may not print
            try:
                letters.check_printable(reg, info.id)
            except (letters.StaleLetter, letters.SupersededLetter) as exc:
                return pdf, exc.message, False
            except (letters.PastPromiseLetter, letters.WithdrawnLetter) as exc:  # never again, either
                return pdf, exc.message, True
            return pdf, "", False

        self.ctx.worker.submit(job, lambda result: self._show_pdf(gen, info.id, *result),
                               lambda exc: self._pdf_failed(gen, exc), owner=self)

    def _show_pdf(self, gen: int, letter_id: int, pdf: bytes, problem: str = "", final: bool = False) -> None:
        if gen != self._preview_generation:
            return
        self._shown_id = letter_id
        self._preview_pdf(pdf)
        if problem:
            self._stale[letter_id] = problem
            self._say(f"⚠ {problem}", error=True)
        else:
            self._stale.pop(letter_id, None)
        (self._final.add if final else self._final.discard)(letter_id)
        self._update_buttons()

    def _pdf_failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._preview_generation:
            return
        self._shown_id = None
        if isinstance(exc, ValidationError):
            self._preview_clear("This letter cannot be shown or printed.")
            self._say(f"⚠ {exc.message}", error=True)
            self._update_buttons()
        else:
            self.ctx.report_error(exc, parent=self)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message = text
        self.ui.message_label.setText(text)
        self.ui.message_label.setVisible(bool(text))
        font = self.ui.message_label.font()
        font.setBold(error)
        self.ui.message_label.setFont(font)

    def _update_buttons(self) -> None:
        info = self.current()
        ready = info is not None and info.id == self._shown_id
        printed_before = info is not None and (info.print_count > 0 or info.dispatched_on is not None)
        self.ui.new_button.setEnabled(self.view is not None)
        stale = info is not None and info.id in self._stale
        superseded = info is not None and info.superseded_by is not None
        withdrawn = info is not None and info.withdrawn_on is not None
        self.ui.print_button.setEnabled(ready and not printed_before and not stale and not withdrawn)
        self.ui.reprint_button.setEnabled(ready and printed_before and not stale and not withdrawn)
        self.ui.save_button.setEnabled(ready)
        self.again_button.setVisible(stale and not superseded and info is not None and info.dispatched_on is None
                                     and info.id not in self._final and not withdrawn)
        self.withdraw_button.setEnabled(info is not None and info.dispatched_on is None and not superseded
                                        and not withdrawn)

    # --- a new letter -------------------------------------------------------------------------
    def new_letter(self) -> None:
        """Read the default layout and what the case provides (on the worker), then open the form."""
        if self.view is None or self.ctx.register is None:
            return
        reg, case_id = self.ctx.register, self.view.id
        self.ui.new_button.setEnabled(False)

        def job() -> tuple[CaseView, dict[tuple[str, str], dict[str, str]], str]:
            from muse_care.services.settings import get_setting

            view = cases.get_case(reg, case_id)
            style = style_of(view.requester.country)
            derived = {(k, style): letters.case_fields(reg, view, k, style) for k in kinds.kind_ids()}
            return view, derived, str(get_setting(reg, "letter_layout"))

        def failed(exc: BaseException) -> None:
            self.ui.new_button.setEnabled(True)
            self.ctx.report_error(exc, parent=self)

        self.ctx.worker.submit(job, lambda r: self._open_dialog(*r), failed, owner=self)

    def _open_dialog(self, view: CaseView, derived: dict[tuple[str, str], dict[str, str]], layout: str) -> None:
        self.ui.new_button.setEnabled(True)
        self.view = view
        dialog = LetterDialog(self.ctx, view, derived, layout, self)
        if self.unsaved_requester():
            dialog.warn_unsaved()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.produced.connect(self._produced)
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def _produced(self, info: LetterInfo, view: CaseView) -> None:
        self._select_id = info.id
        self._say(f"{KIND_LABELS.get(info.kind, info.kind)} produced: letter {info.id}, "
                  f"{info.page_count} page{'s' if info.page_count != 1 else ''}. It waits for the mailroom's "
                  "print run unless you print it here.")
        self.letter_produced.emit(info)
        before, self.view = self.view, view
        announce(self.ctx, view, before=before, letters=True, initiator=self)  # the pane and the queue
        self.reload()

    # --- printing ----------------------------------------------------------------------------
    def _print_dialog(self, info: LetterInfo) -> QPrinter | None:
        from muse_care.ui.pdf_preview import QPrintDialog, make_printer

        printer = make_printer(f"{info.reference} {info.kind} (letter {info.id})")
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print letter {info.id} at 100 %")
        dialog.setMinMax(1, max(1, info.page_count))
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return None
        return printer

    def print_letter(self) -> None:
        """First print of a letter: the system dialog, then 100 % pages on the worker."""
        info = self.current()
        if info is None:
            return
        if info.print_count > 0 or info.dispatched_on is not None:
            self.reprint_letter()
            return
        printer = self._print_dialog(info)
        if printer is not None:
            self.print_to(printer, letter=info)

    def reprint_letter(self) -> None:
        info = self.current()
        if info is None:
            return
        ask = ReprintDialog(info, self)
        if ask.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return
        printer = self._print_dialog(info)
        if printer is not None:
            self.print_to(printer, reason=ask.text(), letter=info)

    def _still_chosen(self, letter: LetterInfo | None, what: str) -> LetterInfo | None:
        """The letter a dialog was opened for (``letter``; None: the selected one), if it
        is still the selected letter of the case on screen; else None, having said why.
        A dialog is modal but the case pane is not: a case asked for just before the
        click (Find, Enter) can arrive while the dialog is open, and the agent confirmed
        the dialog for the letter it named, not for what is selected now."""
        current = self.current()
        if letter is None:
            return current
        if current is None or current.id != letter.id or self.view is None or self.view.id != letter.case_id:
            shown = f"{self.view.reference} is on screen now" if self.view is not None else "no case is on screen now"
            self._say(f"⚠ Not {what}: the dialog was for letter {letter.id} of {letter.reference}, and {shown}. "
                      "Nothing was sent; choose the letter again.", error=True)
            return None
        return current

    def print_to(self, printer: QPrinter, reason: str | None = None, letter: LetterInfo | None = None) -> None:
        """Print the selected letter on ``printer`` (already chosen): the stored,
        hash-checked PDF; with ``reason`` it is recorded as a reprint. ``letter``: the
        letter the print dialog was for; nothing prints unless it is still the one
        selected, on the case on screen."""
        from muse_care.ui.pdf_preview import PrintError, print_pdf

        info = self._still_chosen(letter, "printed")
        if info is None or self.ctx.register is None:
            return
        reg = self.ctx.register

        def job() -> int:
            if reason is not None:
                return print_pdf(letters.reprint(reg, info.id, reason), printer)
            pages = print_pdf(letters.letter_pdf(reg, info.id), printer)  # checked: hash, address
            # Counted once it has printed: the mailroom's run then shows it was printed.
            letters.record_print(reg, info.id)
            return pages

        def done(pages: int) -> None:
            what = "Reprinted" if reason is not None else "Printed"
            self._say(f"{what} letter {info.id}: {pages} page{'s' if pages != 1 else ''} sent to "
                      f"{printer.printerName() or printer.outputFileName() or 'the printer'} at 100 %.")
            self.printed.emit(info.id, pages)
            self.reload()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, letters.StaleLetter):
                self._stale[info.id] = exc.message
                self._say(f"⚠ Not printed: {exc.message}", error=True)
                self._update_buttons()
                self.offer_again(info.id, exc.message)
            elif isinstance(exc, letters.PastPromiseLetter):
                self._stale[info.id] = exc.message
                self._final.add(info.id)
                self._say(f"⚠ {exc.message}", error=True)
                self._update_buttons()
            elif isinstance(exc, ValidationError):
                self._say(f"⚠ Not printed: {exc.message}", error=True)
            elif isinstance(exc, PrintError):
                self._say(f"⚠ Not printed: {exc}", error=True)
            else:
                self._say("⚠ Not printed.", error=True)
                self.ctx.report_error(exc, parent=self)

        self._say(f"Printing letter {info.id}…")
        self.ctx.worker.submit(job, done, failed, owner=self)

    # --- withdrawing a letter ------------------------------------------------------------------
    def withdraw_letter(self) -> None:
        """Ask why, then set the selected letter aside for good (on the worker)."""
        info = self.current()
        if info is None or self.ctx.register is None:
            return
        ask = WithdrawDialog(info, self)
        if ask.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return
        self.withdraw(ask.text(), letter=info)

    def withdraw(self, reason: str, letter: LetterInfo | None = None) -> None:
        """Withdraw ``letter`` (the one the dialog was for) with ``reason``, if it is still
        the selected letter of the case on screen."""
        info = self._still_chosen(letter, "withdrawn")
        if info is None or self.ctx.register is None:
            return
        reg = self.ctx.register

        def job() -> tuple[LetterInfo, CaseView]:
            done = letters.withdraw_letter(reg, info.id, reason)
            return done, cases.get_case(reg, done.case_id)

        def done(result: tuple[LetterInfo, CaseView]) -> None:
            withdrawn, view = result
            self._stale.pop(withdrawn.id, None)
            self._final.discard(withdrawn.id)
            said = f"Letter {withdrawn.id} withdrawn: it will never print or be sent ({reason})."
            if self.view is not None and self.view.waiting_for and not view.waiting_for:
                # the request it made was never sent (services/letter_events.py)
                said += (f" It asked for {self.view.waiting_for}, a request never sent: the clock runs again"
                         + (f", due {fmt_day(view.due_date)}." if view.due_date else "."))
            self._say(said)
            self._select_id = withdrawn.id
            before, self.view = self.view, view
            announce(self.ctx, view, before=before, letters=True, initiator=self)
            self.reload()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self._say(f"⚠ Not withdrawn: {exc.message}", error=True)
            else:
                self._say("⚠ Not withdrawn.", error=True)
                self.ctx.report_error(exc, parent=self)

        self._say(f"Withdrawing letter {info.id}…")
        self.ctx.worker.submit(job, done, failed, owner=self)

    # --- producing a stale letter again --------------------------------------------------------
    def offer_again(self, letter_id: int, why: str) -> None:
        """Ask whether to produce the stopped letter again with the case's current address."""
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, "Letter not printed",
                                    f"{why}.\n\nProduce letter {letter_id} again from the case as it is now? "
                                    "The old letter will never print.", QtWidgets.QMessageBox.StandardButton.Cancel,
                                    self)
        yes = box.addButton("Produce &again", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self.produce_again(letter_id) if button is yes else None)
        box.destroyed.connect(lambda *_: setattr(self, "again_prompt", None))
        self.again_prompt = box
        box.open()

    def produce_again(self, letter_id: int | None = None) -> None:
        """Make the letter afresh (services.produce_again) on the worker, then show the new one."""
        if letter_id is None:
            info = self.current()
            letter_id = info.id if info is not None else None
        if letter_id is None or self.ctx.register is None:
            return
        reg, wanted = self.ctx.register, letter_id

        def job() -> tuple[LetterInfo, CaseView]:
            info = letters.produce_again(reg, wanted)
            return info, cases.get_case(reg, info.case_id)

        def done(result: tuple[LetterInfo, CaseView]) -> None:
            info, view = result
            self._stale.pop(wanted, None)
            self._select_id = info.id
            self._say(f"Letter {wanted} produced again as letter {info.id} with the current address; "
                      f"letter {wanted} will not print.")
            before, self.view = self.view, view
            announce(self.ctx, view, before=before, letters=True, initiator=self)
            self.reload()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, (ValidationError, PermissionDenied)):
                self._say(f"⚠ Not produced again: {exc}", error=True)
            else:
                self.ctx.report_error(exc, parent=self)

        self._say(f"Producing letter {wanted} again…")
        self.ctx.worker.submit(job, done, failed, owner=self)

    # --- saving ------------------------------------------------------------------------------
    def save_letter(self) -> None:
        info = self.current()
        if info is None:
            return
        suggested = str(Path.home() / f"{info.reference}-{info.kind}-{info.id}.pdf")
        ask = SavePdfDialog(suggested, self)
        if ask.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.save_to(ask.path(), ask.chosen_password(), letter=info)

    def save_to(self, path: str, password: str = "", letter: LetterInfo | None = None) -> None:
        """Save the selected letter's stored PDF to ``path`` (AES-256 if ``password``).
        ``letter``: the letter the dialog was for (see ``print_to``)."""
        info = self._still_chosen(letter, "saved")
        if info is None or self.ctx.register is None:
            return
        reg = self.ctx.register

        def job() -> str:
            pdf = letters.letter_pdf(reg, info.id, for_print=False)
            if password:
                from muse_care.letters.batch import encrypt_pdf

                pdf = encrypt_pdf(pdf, password)
            return str(write_pdf_file(path, pdf))

        def done(written: str) -> None:
            self._say(f"Saved letter {info.id} to {written}" + (" (password protected)." if password else "."))
            self.saved.emit(written)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self._say(f"⚠ Not saved: {exc.message}", error=True)
            else:
                self.ctx.report_error(exc, parent=self)

        self.ctx.worker.submit(job, done, failed, owner=self)

