"""The mailroom's print run: the day's letters waiting to be posted, one PDF built from
them (a cover sheet, then each letter starting on a front side), previewed, printed
double-sided at 100 %, saved, and, once in the envelopes, marked dispatched in one
action.

The main window opens it from a menu action::

    window = PrintRunWindow(ctx)   # a top-level window; keep a reference
    window.show()

Every database and PDF job goes through ``ctx.worker``; only the callbacks touch widgets.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from muse_care.domain.case_views import CaseView
from muse_care.domain.dates import fmt_day
from muse_care.domain.errors import NotFound, ValidationError
from muse_care.services import cases, letters
from muse_care.services.letters import LetterInfo, PrintRun
from muse_care.ui.context import AppContext
from muse_care.ui.forms.ui_print_run_window import Ui_PrintRunWindow
from muse_care.ui.letters_tab import KIND_LABELS, LAYOUT_SHORT, WithdrawDialog, short_day, when_text, write_pdf_file
from muse_care.ui.operations import announce
from muse_care.ui.pdf_preview import PdfPreview, PrintError, QPrintDialog, QPrinter, make_printer, print_pdf
from muse_care.ui.qt import QtCore, QtGui, QtWidgets, Qt, Signal
from muse_care.ui.table_models import Column, RowsModel

PAPERS = ("A4", "US Letter")


def plural(n: int, word: str) -> str:
    """'1 letter', '2 letters'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


RUN_COLUMNS = (
    Column("reference", "Case", "Case reference (printed on the cover sheet and the letter)"),
    Column("recipient", "Recipient", "Who the letter is addressed to"),
    Column("kind", "Letter", "Kind of letter"),
    Column("pages", "Pages", "Pages in the letter (padded to an even count in the run)", numeric=True),
    Column("layout", "Paper", "Paper and envelope window"),
    Column("country", "Country", "The recipient's country (on the cover sheet too)"),
    Column("produced", "Produced at", "When the letter was produced (on the run's day)"),
    Column("sent", "Sent", "Marked dispatched"),
)


def qdate(d: date) -> QtCore.QDate:
    return QtCore.QDate(d.year, d.month, d.day)


class RunLettersModel(RowsModel):
    """Letters waiting for the post, each with a check box (all ticked when listed)."""

    COLUMNS = RUN_COLUMNS
    IdRole = RowsModel.ID_ROLE
    checked_changed = Signal()

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._checked: set[int] = set()

    def set_letters(self, rows: Sequence[LetterInfo], checked: bool = True) -> None:
        self._checked = {r.id for r in rows if r.dispatched_on is None} if checked else set()
        self.set_rows(rows)
        self.checked_changed.emit()

    def update_letters(self, updated: Sequence[LetterInfo]) -> None:
        """Replace rows by fresh copies (after dispatch); sent letters are no longer ticked."""
        self._checked -= {u.id for u in updated if u.dispatched_on is not None}
        self.replace_rows(updated)
        self.checked_changed.emit()

    def letters(self) -> list[LetterInfo]:
        return self.rows()

    def letter_at(self, row: int) -> LetterInfo | None:
        return self.row_at(row)  # type: ignore[no-any-return]

    def checked_ids(self) -> list[int]:
        return [r.id for r in self._rows if r.id in self._checked]

    def set_all_checked(self, on: bool) -> None:
        self._checked = {r.id for r in self._rows if r.dispatched_on is None} if on else set()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0),
                                  [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()

    def flags(self, index: QtCore.QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        row = self.letter_at(index.row())
        if index.column() == 0 and row is not None and row.dispatched_on is None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def role_data(self, info: LetterInfo, key: str, role: int) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and key == "reference":
            return Qt.CheckState.Checked if info.id in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Letter {info.id}, SHA-256 {info.sha256[:16]}…, printed {info.print_count} time(s)"
        return None

    def setData(self, index: QtCore.QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        info = self.letter_at(index.row())
        if info is None or info.dispatched_on is not None:
            return False
        on = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        (self._checked.add if on else self._checked.discard)(info.id)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()
        return True

    def text(self, info: LetterInfo, key: str) -> str:
        if key == "reference":
            return info.reference
        if key == "recipient":
            return info.recipient_name
        if key == "kind":
            return KIND_LABELS.get(info.kind, info.kind)
        if key == "pages":
            return str(info.page_count)
        if key == "layout":
            return LAYOUT_SHORT.get(info.layout, info.layout)
        if key == "country":
            return info.country
        if key == "produced":
            return when_text(info.generated_at).rsplit(" ", 1)[1]
        if key == "sent":
            return f"{short_day(info.dispatched_on)}, {info.dispatch_method}" if info.dispatched_on else ""
        return ""


class PrintRunWindow(QtWidgets.QWidget):
    """The mailroom's window. Signals: ``run_built(PrintRun)``, ``printed(int pages)``,
    ``dispatched(list[LetterInfo])``. ``message`` is the last thing said to the user."""

    run_built = Signal(object)
    printed = Signal(int)
    dispatched = Signal(object)

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.ctx = ctx
        self.ui = Ui_PrintRunWindow()
        self.ui.setupUi(self)
        ui = self.ui
        self.model = RunLettersModel(self)
        ui.letters_table.setModel(self.model)
        header = ui.letters_table.horizontalHeader()
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.preview = PdfPreview(self)
        ui.preview_layout.insertWidget(1, self.preview, 1)  # between the run's summary and its buttons
        ui.splitter.setStretchFactor(0, 1)
        ui.splitter.setStretchFactor(1, 1)
        ui.splitter.setSizes([600, 560])
        self.run: PrintRun | None = None
        self.printed_pages = 0
        self.message = ""
        self.confirm: QtWidgets.QMessageBox | None = None
        self._generation = 0
        self._today: date | None = None
        ui.date_edit.setEnabled(False)
        for paper in PAPERS:
            ui.paper_combo.addItem(paper, paper)
        self._papers_waiting: dict[str, int] = {}
        self.earlier_note = ""
        self._paper_chosen = False  # the mailroom picked one: do not switch it for them
        ui.paper_combo.activated.connect(lambda _i: (setattr(self, "_paper_chosen", True), self.load()))
        ui.reprint_edit.editingFinished.connect(self._reprint_changed)
        ui.close_button.clicked.connect(self.close)
        for keys in (QtGui.QKeySequence(Qt.Key.Key_Escape), QtGui.QKeySequence.StandardKey.Close,
                     QtGui.QKeySequence("Ctrl+W")):
            shortcut = QtGui.QShortcut(keys, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.close)
        self.again_prompt: QtWidgets.QMessageBox | None = None
        self._last_reprint = ""
        ui.date_edit.dateChanged.connect(lambda _d: self.load())
        ui.refresh_button.clicked.connect(self.load)
        ui.select_all_button.clicked.connect(lambda: self.model.set_all_checked(True))
        ui.select_none_button.clicked.connect(lambda: self.model.set_all_checked(False))
        ui.build_button.clicked.connect(self.build)
        ui.print_button.clicked.connect(self.print_run)
        ui.save_button.clicked.connect(self.save_run)
        ui.dispatch_button.clicked.connect(self.ask_dispatch)
        self.model.checked_changed.connect(self._update_buttons)
        self._say("")
        self._update_buttons()
        self._start()

    # --- the day's letters ------------------------------------------------------------------
    def _start(self) -> None:
        """Today is the organisation's today (a setting): ask the worker, then list."""
        if self.ctx.register is None:
            return
        reg = self.ctx.register
        self.ctx.worker.submit(reg.today, self._got_today)

    def _got_today(self, today: date) -> None:
        self._today = today
        edit = self.ui.date_edit
        edit.blockSignals(True)
        edit.setMaximumDate(qdate(today))
        edit.setDate(qdate(today))
        edit.blockSignals(False)
        edit.setEnabled(True)
        self.load()

    def day(self) -> date:
        return self.ui.date_edit.date().toPython()

    def set_day(self, day: date) -> None:
        self.ui.date_edit.setDate(qdate(day))  # lists that day's letters

    def paper(self) -> str:
        return str(self.ui.paper_combo.currentData())

    def set_paper(self, paper: str) -> None:
        self._paper_chosen = True
        self.ui.paper_combo.setCurrentIndex(self.ui.paper_combo.findData(paper))
        self.load()

    def reprint_reason(self) -> str:
        return self.ui.reprint_edit.text().strip()

    def set_reprint_reason(self, reason: str) -> None:
        self.ui.reprint_edit.setText(reason)
        self._reprint_changed()

    def _reprint_changed(self) -> None:
        if self.reprint_reason() != self._last_reprint:
            self._last_reprint = self.reprint_reason()
            self.load()

    def load(self, keep_message: bool = False) -> None:
        """List the day's letters waiting on the chosen paper (not printed yet; with a
        reprint reason also those printed but not dispatched)."""
        if self.ctx.register is None or self._today is None:
            return
        self._generation += 1
        gen, reg, day, reprints = self._generation, self.ctx.register, self.day(), bool(self.reprint_reason())
        self._drop_run()

        def job() -> tuple[list[LetterInfo], dict[str, int], str]:
            rows = letters.letters_for_run(reg, day, reprints=reprints)
            counts: dict[str, int] = {}
            for r in rows:
                counts[r.paper] = counts.get(r.paper, 0) + 1
            return rows, counts, letters.left_over_note(reg, letters.left_over(reg, day))

        self.ctx.worker.submit(job, lambda result: self._listed(gen, day, *result, keep_message=keep_message),
                               owner=self)

    def _listed(self, gen: int, day: date, rows: list[LetterInfo], counts: dict[str, int] | None = None,
                earlier: str = "", keep_message: bool = False) -> None:
        if gen != self._generation:
            return
        self.earlier_note = earlier  # letters of earlier days never printed (services/letters.left_over)
        counts = counts or {}
        self._papers_waiting = counts
        if not self._paper_chosen and counts and counts.get(self.paper(), 0) == 0:
            # Show the paper that has letters waiting (without moving the user's choice).
            combo = self.ui.paper_combo
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(next(p for p in PAPERS if counts.get(p))))
            combo.blockSignals(False)
        paper = self.paper()
        rows = [r for r in rows if r.paper == paper]
        self.model.set_letters(rows)
        pages = sum(r.page_count for r in rows)
        others = [f"{plural(n, 'letter')} on {p}" for p, n in counts.items() if p != paper and n]
        also = f" (also waiting: {', '.join(others)}: a separate run)" if others else ""
        if rows:
            self.ui.count_label.setText(f"{plural(len(rows), 'letter')} on {paper} waiting, "
                                        f"{plural(pages, 'page')}{also}")
            if not keep_message:
                self._say(f"{earlier}." if earlier else "", error=bool(earlier))
        else:
            self.ui.count_label.setText(also.strip(" ()"))
            if not keep_message:
                self._say(f"No letters on {paper} waiting to be printed for {fmt_day(day)}."
                          + (f" {earlier}." if earlier else ""), error=bool(earlier))
        self._update_buttons()

    # --- building -----------------------------------------------------------------------------
    def build(self) -> None:
        ids = self.model.checked_ids()
        if self.ctx.register is None:
            return
        if not ids:
            self._say("Tick the letters to put in the print run." if self.model.rowCount()
                      else f"No letters waiting to be printed for {fmt_day(self.day())}.")
            return
        reg, day, paper, reason = self.ctx.register, self.day(), self.paper(), self.reprint_reason()
        self._drop_run()
        self.ui.build_button.setEnabled(False)
        self._say(f"Building the print run of {plural(len(ids), 'letter')}…")
        self.ctx.worker.submit(lambda: letters.build_print_run(reg, day, ids, paper=paper, reprint_reason=reason),
                               self._built, self._build_failed)

    def _built(self, run: PrintRun) -> None:
        self.run = run
        self.printed_pages = 0
        self.model.update_letters(run.letters)
        shown = self.preview.set_pdf(run.pdf)
        n = len(run.letters)
        self.ui.run_label.setText(
            f"Print run #{run.id} of {fmt_day(run.run_date)} on {run.paper}: {plural(n, 'letter')}, "
            f"{plural(run.pages, 'page')} (cover sheet first; each letter starts on a front side). "
            f"Load {run.paper} paper; print double-sided at 100 %.")
        self._say("" if shown == run.pages else
                  f"⚠ The preview shows {shown} pages but the run has {run.pages}: do not print it; build it again.",
                  error=shown != run.pages)
        self._update_buttons()
        self.run_built.emit(run)

    def _build_failed(self, exc: BaseException) -> None:
        self._update_buttons()
        if isinstance(exc, letters.StaleLetter):
            # The address changed since the letter was produced: nothing is printed. The
            # run stops at the first such letter; the offer covers every ticked one.
            self._say(f"⚠ The print run was not built: {exc.message}", error=True)
            first = [(exc.letter_id, exc.reference, "; ".join(exc.changes))]
            reg, ids = self.ctx.register, self.model.checked_ids()
            if reg is None:
                return
            self.ctx.worker.submit(lambda: letters.stopped_letters(reg, ids),
                                   lambda found: self.offer_again(found or first, exc.message),
                                   lambda _e: self.offer_again(first, exc.message), owner=self)
        elif isinstance(exc, letters.PastPromiseLetter):
            # never to be posted, nor produced again: offered to be withdrawn, so that it
            # leaves the day's list (docs/letters.md, "Withdrawing a letter")
            self._say(f"⚠ The print run was not built: {exc.message}", error=True)
            self.offer_withdraw(exc.letter_id, exc.message)
        elif isinstance(exc, ValidationError):
            # A tampered or misaddressed letter is named by the service; nothing is printed.
            self._say(f"⚠ The print run was not built: {exc.message}", error=True)
        elif isinstance(exc, NotFound):
            self._say(f"⚠ The print run was not built: {exc}. Show the letters again.", error=True)
        else:
            self._say("⚠ The print run was not built.", error=True)
            self.ctx.report_error(exc, retry=self.build, parent=self)

    def _drop_run(self) -> None:
        self.run = None
        self.printed_pages = 0
        self.preview.clear("Build the print run to see it here.")
        self.ui.run_label.setText("No print run built yet.")
        self._update_buttons()

    def offer_again(self, stopped: Sequence[tuple[int, str, str]], why: str) -> None:
        """Ask whether to produce the stopped letters ((letter id, case, what changed))
        again with their cases' current addresses."""
        ids = [letter_id for letter_id, _ref, _changes in stopped]
        if len(ids) == 1:
            text = (f"{why}.\n\nProduce letter {ids[0]} again from the case as it is now "
                    "and list it for this run? The old letter will never print.")
            label = "Produce &again"
        else:
            cases_text = "\n".join(f"• letter {letter_id} for {ref}: {changes}" for letter_id, ref, changes in stopped)
            text = (f"{len(ids)} letters of this run were stopped: their case's address changed since they "
                    f"were produced.\n\n{cases_text}\n\nProduce all {len(ids)} again from the cases as they "
                    "are now and list them for this run? The old letters will never print.")
            label = f"Produce {len(ids)} &again"
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, "Letters stopped" if len(ids) > 1 else
                                    "Letter stopped", text, QtWidgets.QMessageBox.StandardButton.Cancel, self)
        yes = box.addButton(label, QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self.produce_again(ids) if button is yes else None)
        box.destroyed.connect(lambda *_: setattr(self, "again_prompt", None))
        self.again_prompt = box
        box.open()

    def offer_withdraw(self, letter_id: int, why: str) -> None:
        """Offer to set the stopped letter aside for good (it never prints, and leaves the
        list); the reason is asked next."""
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Warning, "Letter stopped",
                                    f"{why}.\n\nWithdraw letter {letter_id}? It is kept on its case, never "
                                    "prints and leaves this list; untick it to build the run without it "
                                    "for now.", QtWidgets.QMessageBox.StandardButton.Cancel, self)
        yes = box.addButton("With&draw…", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(yes)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self.ask_withdraw(letter_id) if button is yes else None)
        box.destroyed.connect(lambda *_: setattr(self, "again_prompt", None))
        self.again_prompt = box
        box.open()

    def ask_withdraw(self, letter_id: int) -> None:
        info = next((x for x in (self.model.letter_at(r) for r in range(self.model.rowCount()))
                     if x is not None and x.id == letter_id), None)
        if info is None:
            return
        ask = WithdrawDialog(info, self)
        if ask.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.withdraw(letter_id, ask.text())

    def withdraw(self, letter_id: int, reason: str) -> None:
        """Withdraw the letter (on the worker), then list the day's letters again."""
        if self.ctx.register is None:
            return
        reg = self.ctx.register

        def job() -> CaseView:
            return cases.get_case(reg, letters.withdraw_letter(reg, letter_id, reason).case_id)

        def done(view: CaseView) -> None:
            announce(self.ctx, view, letters=True, initiator=self)
            self.load(keep_message=True)
            self._say(f"Letter {letter_id} withdrawn: it will never print or be sent. Build the run again.")

        def failed(exc: BaseException) -> None:
            if isinstance(exc, (ValidationError, NotFound)):
                self._say(f"⚠ Letter {letter_id} was not withdrawn: {exc}", error=True)
            else:
                self.ctx.report_error(exc, parent=self)

        self.ctx.worker.submit(job, done, failed, owner=self)

    def produce_again(self, letter_ids: int | Sequence[int]) -> None:
        """Make the letters afresh from their cases (services.produce_again_many: rendered
        by worker processes, on the worker thread, so the window never waits), then list
        the day's letters again. A letter that could not be made is named with its case."""
        if self.ctx.register is None:
            return
        reg = self.ctx.register
        ids = [letter_ids] if isinstance(letter_ids, int) else list(letter_ids)
        self._say(f"Producing {plural(len(ids), 'letter')} again…")

        def job() -> tuple[letters.Produced, list[CaseView]]:
            made = letters.produce_again_many(reg, ids)
            case_ids = dict.fromkeys(info.case_id for _old, info in made.letters)
            return made, [cases.get_case(reg, case_id) for case_id in case_ids]

        def done(result: tuple[letters.Produced, list[CaseView]]) -> None:
            made, views = result
            if len(made.letters) == 1 and not made.failed:
                old, info = made.letters[0]
                text = f"Letter {old} produced again as letter {info.id} with the current address; build the run again."
            elif made.letters:
                pairs = ", ".join(f"{old} as {info.id}" for old, info in made.letters)
                text = (f"{plural(len(made.letters), 'letter')} produced again with the current addresses "
                        f"({pairs}); build the run again.")
            else:
                text = ""
            for letter_id, ref, why in made.failed:
                text += f"\n⚠ Letter {letter_id} for {ref} was not produced again: {why}"
            for view in views:
                announce(self.ctx, view, letters=True, initiator=self)
            if made.letters and self._today is not None and self.day() != self._today:  # new letters are today's
                self.ui.date_edit.blockSignals(True)
                self.ui.date_edit.setDate(qdate(self._today))
                self.ui.date_edit.blockSignals(False)
            self.load(keep_message=True)
            self._say(text.strip(), error=bool(made.failed))

        def failed(exc: BaseException) -> None:
            if isinstance(exc, (ValidationError, NotFound)):
                self._say(f"⚠ The letters were not produced again: {exc}", error=True)
            else:
                self.ctx.report_error(exc, parent=self)

        self.ctx.worker.submit(job, done, failed, owner=self)

    # --- printing and saving -------------------------------------------------------------------
    def print_run(self) -> None:
        run = self.run
        if run is None:
            return
        printer = make_printer(f"Print run {run.run_date.isoformat()}", duplex=True)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the run at 100 %, double-sided")
        dialog.setMinMax(1, run.pages)
        if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted:
            self.print_to(printer, run)

    def print_to(self, printer: QPrinter, chosen: PrintRun | None = None) -> None:
        """Send the built run to ``printer`` (already chosen) at 100 %, on the worker;
        ``chosen``: the run the print dialog was for, printed only if it is still the
        run shown (as the letters tab does for a letter)."""
        run = self.run
        if run is None:
            return
        if chosen is not None and chosen is not run:
            self._say("⚠ Not printed: the print run shown changed while the print dialog was open. "
                      "Nothing was sent; print it again.", error=True)
            return
        self.ui.print_button.setEnabled(False)
        self._say(f"Printing {run.pages} pages…")

        def done(pages: int) -> None:
            self.printed_pages = pages
            self._say(f"{pages} pages sent to {printer.printerName() or printer.outputFileName() or 'the printer'}. "
                      "When the letters are in their envelopes, mark them dispatched.")
            self._update_buttons()
            self.printed.emit(pages)

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            if isinstance(exc, PrintError):
                self._say(f"⚠ Not printed: {exc}", error=True)
            else:
                self._say("⚠ Not printed.", error=True)
                self.ctx.report_error(exc, parent=self)

        self.ctx.worker.submit(lambda: print_pdf(run.pdf, printer), done, failed, owner=self)

    def save_run(self) -> None:
        if self.run is None:
            return
        suggested = str(Path.home() / f"print-run-{self.run.run_date.isoformat()}.pdf")
        path, _filter = QtWidgets.QFileDialog.getSaveFileName(self, "Save the print run", suggested,
                                                              "PDF files (*.pdf)")
        if path:
            self.save_to(path)

    def save_to(self, path: str) -> None:
        run = self.run
        if run is None:
            return

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError):
                self._say(f"⚠ Not saved: {exc.message}", error=True)
            else:
                self.ctx.report_error(exc, parent=self)

        self.ctx.worker.submit(lambda: str(write_pdf_file(path, run.pdf)),
                               lambda written: self._say(f"Print run saved to {written}."), failed, owner=self)

    # --- dispatch --------------------------------------------------------------------------------
    def run_ids(self) -> list[int]:
        return [x.id for x in self.run.letters if x.dispatched_on is None] if self.run else []

    def ask_dispatch(self) -> None:
        ids = self.run_ids()
        if not ids or self.run is None:
            return
        n = len(ids)
        text = f"Mark the {plural(n, 'letter')} of print run #{self.run.id} as dispatched by post today?"
        if not self.printed_pages:
            text += "\n\nThis run has not been printed from this window (it may have been saved and printed elsewhere)."
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Question, "Mark dispatched", text,
                                    QtWidgets.QMessageBox.StandardButton.Cancel, self)
        yes = box.addButton(f"Mark {n} dispatched", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self.dispatch_now() if button is yes else None)
        box.destroyed.connect(lambda *_: setattr(self, "confirm", None))
        self.confirm = box
        box.open()

    def dispatch_now(self, method: str = "post") -> None:
        """Mark exactly the letters of the built run dispatched (services.dispatch_run, one
        unit of work), then list what still waits."""
        if self.ctx.register is None or self.run is None or not self.run_ids():
            return
        reg, run_id = self.ctx.register, self.run.id

        def job() -> tuple[list[LetterInfo], list[tuple[int, str]], list[CaseView]]:
            done, held = letters.dispatch_run(reg, run_id, method)
            views = [cases.get_case(reg, case_id) for case_id in dict.fromkeys(x.case_id for x in done)]
            return done, held, views

        def finished(result: tuple[list[LetterInfo], list[tuple[int, str]], list[CaseView]]) -> None:
            done, held, views = result
            n = len(done)
            text = (f"{plural(n, 'letter')} of print run #{run_id} marked dispatched by {method} on "
                    f"{fmt_day(done[0].dispatched_on) if done and done[0].dispatched_on else 'today'}.")
            for letter_id, why in held:
                text += f"\n⚠ Letter {letter_id} held back: {why}."
            self.dispatched.emit(done)
            for view in views:  # each case's letters (and status, if the reply went) changed
                announce(self.ctx, view, letters=True, initiator=self)
            self.load(keep_message=True)  # what still waits (the run's letters are done)
            self._say(text, error=bool(held))

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            if isinstance(exc, (ValidationError, NotFound)):
                self._say(f"⚠ Nothing was marked dispatched: {exc}", error=True)
            else:
                self.ctx.report_error(exc, retry=lambda: self.dispatch_now(method), parent=self)

        self.ui.dispatch_button.setEnabled(False)
        self.ctx.worker.submit(job, finished, failed, owner=self)

    def keyPressEvent(self, event: QtGui.QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """Escape and Ctrl+W close the window (also when the shortcut map is bypassed)."""
        if event.key() == Qt.Key.Key_Escape or event.matches(QtGui.QKeySequence.StandardKey.Close) or (
                event.key() == Qt.Key.Key_W and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            event.accept()
            self.close()
            return
        super().keyPressEvent(event)

    # --- state --------------------------------------------------------------------------------
    def _say(self, text: str, *, error: bool = False) -> None:
        self.message = text
        label = self.ui.message_label
        label.setText(text)
        label.setVisible(bool(text))
        font = label.font()
        font.setBold(error)
        label.setFont(font)

    def _update_buttons(self) -> None:
        has_run = self.run is not None
        self.ui.build_button.setEnabled(bool(self.model.checked_ids()))
        self.ui.print_button.setEnabled(has_run)
        self.ui.save_button.setEnabled(has_run)
        self.ui.dispatch_button.setEnabled(bool(self.run_ids()))
        n = len(self.run_ids())
        self.ui.dispatch_button.setText(f"&Mark {n} dispatched…" if n else "&Mark dispatched…")
