"""The new-case dialog, built for a phone call: keyboard first, the form in the order
the caller gives the details, every wrong field marked with its reason at once, and a
warning (with a link) when the same email or phone already has an open case."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo
from html import escape

from muse_care.domain.case import CHANNEL_LABELS, RIGHT_LABELS, Right
from muse_care.domain.regimes import REGIMES
from muse_care.services import cases
from muse_care.services.queue import status_text
from muse_care.ui.context import AppContext
from muse_care.ui.forms.ui_intake_dialog import Ui_IntakeDialog
from muse_care.ui.operations import CaseOp
from muse_care.ui.qt import QtCore, QtWidgets, Qt, Signal

ERROR_LABELS = {  # InvalidInput field -> the label under the field that shows it
    "name": "name_error", "country": "country_error", "phone": "phone_error", "email": "email_error",
    "postcode": "postcode_error", "address_lines": "address_lines_error", "city": "city_error",
    "region": "city_error", "rights": "rights_error", "channel": "channel_error",
    "received": "received_error", "received_time": "received_error", "regime": "regime_error",
    "holiday_region": "regime_error", "account_ref": "account_ref_error",
    "acting_for": "representative_name_error", "representative_name": "representative_name_error",
    "representative_authority": "representative_authority_error", "assignee": "assignee_error",
    "note": "note_error", "regime_reason": "regime_error",
}
FIELD_WIDGETS = {
    "name": "name_edit", "country": "country_edit", "phone": "phone_edit", "email": "email_edit",
    "postcode": "postcode_edit", "address_lines": "address_edit", "city": "city_edit",
    "rights": "rights_list", "channel": "channel_combo", "received": "received_date",
    "received_time": "received_time", "regime": "regime_combo", "account_ref": "account_edit",
    "representative_name": "representative_edit", "representative_authority": "authority_edit",
    "assignee": "assignee_edit", "note": "note_edit",
}


def qdate(d: date) -> QtCore.QDate:
    return QtCore.QDate(d.year, d.month, d.day)


def mark_error(label: QtWidgets.QLabel, message: str | None) -> None:
    """Show (or clear) a field's reason under it: a warning sign and words, no colour."""
    label.setText(f"⚠ {message}" if message else "")
    label.setVisible(bool(message))
    font = label.font()
    font.setBold(bool(message))
    label.setFont(font)


class IntakeDialog(QtWidgets.QDialog):
    """``saved(CaseView)`` is emitted when the case is written; the dialog then closes.
    ``open_case(int)`` when the agent follows a duplicate's link."""

    saved = Signal(object)
    open_case = Signal(int)

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = Ui_IntakeDialog()
        self.ui.setupUi(self)
        ui = self.ui
        self.setWindowTitle("New case — take in a request")
        for right in Right:
            item = QtWidgets.QListWidgetItem(RIGHT_LABELS[right])
            item.setData(Qt.ItemDataRole.UserRole, right.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            ui.rights_list.addItem(item)
        ui.rights_list.setSizeAdjustPolicy(QtWidgets.QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        ui.rights_list.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        ui.rights_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it hid the last right
        # Space (and the check box) ticks a right; Enter is left to the dialog: it saves,
        # and never unticks the right that has the focus.
        for channel, text in CHANNEL_LABELS.items():
            ui.channel_combo.addItem(text, channel.value)
        for code, regime in REGIMES.items():
            ui.regime_combo.addItem(regime.name, code)
        reg = ctx.register
        # The request is dated where the law applies, in the chosen regime's zone
        # (docs/rules.md, "The day received"), whatever this computer's zone is: default
        # to now, there; changing the regime shows the same moment in the new zone.
        self._zone: ZoneInfo | None = None
        now = reg.now() if reg is not None else datetime.now().astimezone()
        ui.received_date.setDate(qdate(now.date()))
        ui.received_time.setTime(QtCore.QTime(now.hour, now.minute))
        self._latest = now
        ui.regime_combo.currentIndexChanged.connect(self._show_zone)
        self._show_zone()
        ui.assignee_edit.setText(ctx.actor.login)
        ui.country_edit.setText("GB")
        ui.country_edit.setMaxLength(2)
        from muse_care.ui.regime_choice import RegimeChoice

        self.regime_choice = RegimeChoice(ui, self)  # the regime follows the address
        ui.representative_check.toggled.connect(self._representative_toggled)
        self._representative_toggled(False)
        ui.address_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        ui.note_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 6)
        ui.duplicate_label.linkActivated.connect(self._follow_link)
        ui.button_box.accepted.connect(self.save)
        ui.button_box.rejected.connect(self.reject)
        self._save_button = ui.button_box.button(QtWidgets.QDialogButtonBox.StandardButton.Save)
        self._save_button.setText("&Save case")
        self._dup_timer = QtCore.QTimer(self, singleShot=True, interval=350)
        self._dup_timer.timeout.connect(self._check_duplicates)
        for edit in (ui.email_edit, ui.phone_edit, ui.country_edit):
            edit.textEdited.connect(lambda _t: self._dup_timer.start())
        self._dup_generation = 0
        self.duplicates: list[object] = []
        self._recheck_timer = QtCore.QTimer(self, singleShot=True, interval=300)
        self._recheck_timer.timeout.connect(self._recheck_errors)
        self._recheck_generation = 0
        for name in FIELD_WIDGETS.values():
            widget = getattr(ui, name)
            for signal in ("textEdited", "textChanged", "itemChanged", "currentIndexChanged", "dateChanged",
                           "timeChanged"):
                if hasattr(widget, signal):
                    getattr(widget, signal).connect(self._field_edited)
                    break
        self.discard_box: QtWidgets.QMessageBox | None = None
        self._untouched = self.draft()
        ui.name_edit.setFocus()

    def fit_rights(self) -> None:
        """Every right on screen at once (the form scrolls, the list never does)."""
        rights = self.ui.rights_list
        rows = sum(rights.sizeHintForRow(i) for i in range(rights.count()))
        rights.setMinimumHeight(rows + 2 * rights.frameWidth() + rights.spacing() * rights.count() + 4)

    def fit_to_screen(self) -> None:
        """Never taller than the screen (1366x768 included): the form scrolls inside."""
        self.fit_rights()
        screen = self.screen() or QtWidgets.QApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        hint = self.sizeHint()
        # as wide as the form inside the scroll area wants (with its scroll bar), not the
        # scroll area's own small hint: it opened with the fields cut off (an outside tester)
        scroll = self.ui.scroll
        form = scroll.widget().sizeHint().width() + scroll.verticalScrollBar().sizeHint().width() \
            + 2 * scroll.frameWidth() + self.layout().contentsMargins().left() + self.layout().contentsMargins().right()
        width = max(hint.width(), form, self.fontMetrics().horizontalAdvance("M") * 48)
        self.resize(min(width, room.width()), min(hint.height(), room.height() - 40))

    def showEvent(self, event: QtCore.QEvent) -> None:  # type: ignore[override]
        self.fit_to_screen()
        super().showEvent(event)  # type: ignore[arg-type]

    # --- leaving ----------------------------------------------------------------------
    def typed_anything(self) -> bool:
        return self.draft() != self._untouched

    def reject(self) -> None:
        """Escape or Cancel: with details typed, ask before they are thrown away."""
        if not self.typed_anything() or self.discard_box is not None:
            if self.discard_box is not None:
                return
            super().reject()
            return
        box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Icon.Question, "Discard this request?",
                                    "The details you typed are not saved. Discard them?",
                                    QtWidgets.QMessageBox.StandardButton.Discard
                                    | QtWidgets.QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.setAccessibleName("Discard this request?")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: QtWidgets.QAbstractButton) -> None:
            self.discard_box = None
            if box.standardButton(button) == QtWidgets.QMessageBox.StandardButton.Discard:
                QtWidgets.QDialog.reject(self)

        box.buttonClicked.connect(answered)
        box.rejected.connect(lambda: setattr(self, "discard_box", None))
        self.discard_box = box
        box.open()

    # --- errors that clear themselves ---------------------------------------------------
    def _field_edited(self, *_args: object) -> None:
        if any(getattr(self.ui, label).isVisible() for label in set(ERROR_LABELS.values())):
            self._recheck_timer.start()

    def _recheck_errors(self) -> None:
        """Validate again (on the worker) and clear each error whose field is now right;
        no new error appears before the agent saves."""
        if self.ctx.register is None:
            return
        draft, reg = self.draft(), self.ctx.register
        self._recheck_generation += 1
        gen = self._recheck_generation

        def check() -> dict[str, str]:
            try:
                cases.validate_draft(reg, draft)
            except cases.InvalidInput as exc:
                return dict(exc.problems)
            except cases.ValidationError as exc:
                return {exc.field: exc.message}
            return {}

        self.ctx.worker.submit(check, lambda problems: self._clear_fixed(gen, problems), lambda _e: None,
                               owner=self)

    def _clear_fixed(self, gen: int, problems: dict[str, str]) -> None:
        if gen != self._recheck_generation:
            return
        still = {ERROR_LABELS[f] for f in problems if f in ERROR_LABELS}
        for label in set(ERROR_LABELS.values()) - still:
            if getattr(self.ui, label).isVisible():
                mark_error(getattr(self.ui, label), None)

    # --- helpers ----------------------------------------------------------------------
    def _show_zone(self, _index: int = 0) -> None:
        """Show the received date and time in the chosen regime's zone, labelled."""
        ui = self.ui
        regime = REGIMES.get(ui.regime_combo.currentData() or "")
        if regime is None:
            return
        zone = ZoneInfo(regime.zone_for(country=ui.country_edit.text()))
        shown = datetime.combine(ui.received_date.date().toPython(), ui.received_time.time().toPython(),
                                 self._zone or zone)
        moment = shown.astimezone(zone)
        self._zone = zone
        ui.received_date.setMaximumDate(qdate(self._latest.astimezone(zone).date()))
        ui.received_date.setDate(qdate(moment.date()))
        ui.received_time.setTime(QtCore.QTime(moment.hour, moment.minute))
        ui.received_time_label.setText(f"at ({zone.key} time)")
        ui.received_time.setToolTip(f"The time the request came in, in {zone.key} time")

    def _toggle_right(self, item: QtWidgets.QListWidgetItem) -> None:
        item.setCheckState(Qt.CheckState.Unchecked if item.checkState() == Qt.CheckState.Checked
                           else Qt.CheckState.Checked)

    def _representative_toggled(self, on: bool) -> None:
        for w in (self.ui.representative_edit, self.ui.authority_edit, self.ui.representative_label,
                  self.ui.authority_label):
            w.setEnabled(on)

    def set_rights(self, rights: list[str]) -> None:
        for i in range(self.ui.rights_list.count()):
            item = self.ui.rights_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in rights
                               else Qt.CheckState.Unchecked)

    def draft(self) -> cases.CaseDraft:
        ui = self.ui
        rights = [ui.rights_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(ui.rights_list.count())
                  if ui.rights_list.item(i).checkState() == Qt.CheckState.Checked]
        rep = ui.representative_check.isChecked()
        return cases.CaseDraft(
            name=ui.name_edit.text(), rights=rights, channel=ui.channel_combo.currentData() or "",
            received=ui.received_date.date().toPython(), received_time=ui.received_time.time().toPython(),
            regime=self.regime_choice.regime(), regime_reason=self.regime_choice.reason(),
            email=ui.email_edit.text(), phone=ui.phone_edit.text(),
            address_lines=[x for x in ui.address_edit.toPlainText().splitlines() if x.strip()],
            postcode=ui.postcode_edit.text(), city=ui.city_edit.text(), country=ui.country_edit.text(),
            account_ref=ui.account_edit.text(), acting_for="representative" if rep else "self",
            representative_name=ui.representative_edit.text() if rep else "",
            representative_authority=ui.authority_edit.text() if rep else "",
            assignee=ui.assignee_edit.text(), note=ui.note_edit.toPlainText())

    def show_problems(self, problems: dict[str, str]) -> None:
        shown: dict[str, list[str]] = {}
        general = []
        for fieldname, message in problems.items():
            label = ERROR_LABELS.get(fieldname)
            if label:
                shown.setdefault(label, []).append(message)
            else:
                general.append(f"{fieldname}: {message}")
        for label in set(ERROR_LABELS.values()):
            mark_error(getattr(self.ui, label), "; ".join(shown.get(label, [])) or None)
        mark_error(self.ui.general_error, "; ".join(general) or None)
        # the first wrong field in the order of the form, not of the message
        first = next((w for f, w in FIELD_WIDGETS.items() if f in problems), None)
        if first:
            widget = getattr(self.ui, first)
            widget.setFocus()
            self.ui.scroll.ensureWidgetVisible(widget)

    # --- saving -----------------------------------------------------------------------
    def save(self) -> None:
        if self.ctx.register is None:
            return
        draft, reg = self.draft(), self.ctx.register
        self._save_button.setEnabled(False)
        CaseOp(self.ctx, lambda: cases.add_case(reg, draft), new_case=True, what="new case") \
            .success(self._saved).failure(self._failed).run(initiator=self)

    def _saved(self, view: object) -> None:
        self._save_button.setEnabled(True)
        self.saved.emit(view)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._save_button.setEnabled(True)
        if isinstance(exc, cases.InvalidInput):
            self.show_problems(exc.problems)
        elif isinstance(exc, cases.ValidationError):
            self.show_problems({exc.field: exc.message})
        else:
            self.ctx.report_error(exc, retry=self.save, parent=self)

    # --- duplicates -------------------------------------------------------------------
    def _check_duplicates(self) -> None:
        if self.ctx.register is None:
            return
        email, phone, country = self.ui.email_edit.text(), self.ui.phone_edit.text(), self.ui.country_edit.text()
        self._dup_generation += 1
        gen, reg = self._dup_generation, self.ctx.register
        self.ctx.worker.submit(lambda: cases.open_duplicates(reg, email, phone, country),
                               lambda found: self._show_duplicates(gen, found),
                               lambda exc: None, owner=self)

    def _show_duplicates(self, gen: int, found: list) -> None:
        if gen != self._dup_generation:
            return
        self.duplicates = found
        label = self.ui.duplicate_label
        if not found:
            label.setVisible(False)
            label.setText("")
            return
        links = ", ".join(f'<a href="case:{v.id}">{escape(v.reference)}</a> ({escape(v.requester.name)}, '
                          f'{escape(status_text(v.status).lower())})' for v in found[:5])
        label.setText(f"⚠ <b>Already an open case for this email or phone:</b> {links}. "
                      "Open it instead of taking a duplicate?")
        label.setVisible(True)

    def _follow_link(self, href: str) -> None:
        if href.startswith("case:"):
            self.open_case.emit(int(href.split(":", 1)[1]))
            self.ctx.open_case.emit(int(href.split(":", 1)[1]))
