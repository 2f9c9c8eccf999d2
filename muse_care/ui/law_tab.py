"""The "Law & linked" tab: the regime the case is under (changeable, with the reason
kept in the history), the supervisory authorities its letters name (the requester's own
first, Art. 77(1)), and the other requests of the same person (same email, phone or
account), each a link that opens it. Database work runs on the worker."""

from __future__ import annotations

from html import escape
from typing import Any

from muse_care.domain.authorities import complaint_authorities
from muse_care.domain.case_views import CaseView
from muse_care.domain.errors import StaleRecord, ValidationError
from muse_care.domain.regimes import REGIMES
from muse_care.services import cases
from muse_care.ui.context import AppContext, stale_text
from muse_care.ui.intake import mark_error
from muse_care.ui.operations import CaseOp
from muse_care.ui.qt import QtWidgets, Qt


class LawTab(QtWidgets.QWidget):
    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: CaseView | None = None
        self.linked: list[CaseView] = []
        self._generation = 0
        layout = QtWidgets.QVBoxLayout(self)

        regime_box = QtWidgets.QGroupBox("Regime")
        rl = QtWidgets.QGridLayout(regime_box)
        self.regime_label = QtWidgets.QLabel(wordWrap=True)
        self.regime_label.setAccessibleName("Regime of the case")
        rl.addWidget(self.regime_label, 0, 0, 1, 4)
        self.regime_combo = QtWidgets.QComboBox()
        self.regime_combo.setAccessibleName("Another regime")
        for code, regime in REGIMES.items():
            self.regime_combo.addItem(regime.name, code)
        self.region_combo = QtWidgets.QComboBox()
        self.region_combo.setAccessibleName("Holiday region")
        self.regime_combo.currentIndexChanged.connect(self._fill_regions)
        self.reason_edit = QtWidgets.QLineEdit(placeholderText="Why this request falls under that regime")
        self.reason_edit.setAccessibleName("Reason for the regime change")
        self.change_button = QtWidgets.QPushButton("Change re&gime")
        self.change_button.clicked.connect(self.change_regime)
        to_label = QtWidgets.QLabel("U&nder:")
        to_label.setBuddy(self.regime_combo)
        why_label = QtWidgets.QLabel("&Reason:")
        why_label.setBuddy(self.reason_edit)
        rl.addWidget(to_label, 1, 0)
        rl.addWidget(self.regime_combo, 1, 1)
        rl.addWidget(self.region_combo, 1, 2)
        rl.addWidget(why_label, 2, 0)
        rl.addWidget(self.reason_edit, 2, 1, 1, 2)
        rl.addWidget(self.change_button, 2, 3)
        rl.setColumnStretch(1, 1)
        self.error = QtWidgets.QLabel(visible=False, wordWrap=True)
        self.error.setAccessibleName("Regime change problem")
        rl.addWidget(self.error, 3, 0, 1, 4)
        layout.addWidget(regime_box)

        auth_box = QtWidgets.QGroupBox("Supervisory authorities the letters name")
        al = QtWidgets.QVBoxLayout(auth_box)
        self.authorities_label = QtWidgets.QLabel(wordWrap=True)
        self.authorities_label.setAccessibleName("Supervisory authorities")
        self.authorities_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        al.addWidget(self.authorities_label)
        layout.addWidget(auth_box)

        linked_box = QtWidgets.QGroupBox("Linked requests (same email, phone or account)")
        ll = QtWidgets.QVBoxLayout(linked_box)
        self.linked_list = QtWidgets.QListWidget()
        self.linked_list.setAccessibleName("Other requests from the same person")
        self.linked_list.itemActivated.connect(self._open)
        self.linked_list.itemDoubleClicked.connect(self._open)
        ll.addWidget(self.linked_list)
        self.linked_note = QtWidgets.QLabel(wordWrap=True)
        ll.addWidget(self.linked_note)
        layout.addWidget(linked_box, 1)

    # --- showing ----------------------------------------------------------------------
    def show_case(self, view: CaseView) -> None:
        self.view = view
        regime = REGIMES.get(view.regime)
        if regime is not None:
            rule = regime.period_words + (f", extendable {regime.extension_words}" if regime.extension_words else "")
            self.regime_label.setText(f"<b>{escape(regime.name)}</b> · holidays of {escape(view.holiday_region)} "
                                      f"· {escape(rule)}")
        else:
            self.regime_label.setText(escape(view.regime))
        self.regime_combo.setCurrentIndex(max(0, self.regime_combo.findData(view.regime)))
        self._fill_regions()
        self.change_button.setEnabled(view.is_open)
        reg = self.ctx.register
        if reg is None:
            return
        self._generation += 1
        gen, case_id = self._generation, view.id

        def job() -> tuple[list[CaseView], str]:
            from muse_care.services.settings import organisation

            return cases.linked_cases(reg, case_id), organisation(reg).eu_establishment

        self.ctx.worker.submit(job, lambda result: self._loaded(gen, view, *result), owner=self)

    def _loaded(self, gen: int, view: CaseView, linked: list[CaseView], establishment: str) -> None:
        if gen != self._generation:
            return
        rq = view.requester
        found = complaint_authorities(view.regime, rq.country, rq.postcode, rq.region, establishment)
        self.authorities_label.setText("<br>".join(
            f"<b>{escape(a.name)}</b>, {escape(', '.join(a.address_lines))}, {escape(a.website)}" for a in found)
            or "None in the table for this regime.")
        self.linked = linked
        self.linked_list.clear()
        for other in linked:
            item = QtWidgets.QListWidgetItem(
                f"{other.reference} · {other.status.value} · received {other.received:%d %b %Y} · "
                f"{', '.join(r.value for r in other.rights)}")
            item.setData(Qt.ItemDataRole.UserRole, other.id)
            self.linked_list.addItem(item)
        self.linked_note.setText(
            "No other requests from this person." if not linked else
            f"{len(linked)} other request(s) from this person: double-click to open. An extension for "
            "several requests, or a refusal of a repeated one, names them in the letter.")

    def _fill_regions(self, *_: Any) -> None:
        self.region_combo.clear()
        regime = REGIMES.get(self.regime_combo.currentData())
        if regime is None:
            return
        self.region_combo.addItem("From the address", "")
        for region in regime.holiday_regions:
            self.region_combo.addItem(region, region)
        if self.view is not None and self.view.regime == regime.code:
            self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(self.view.holiday_region)))

    def _open(self, item: QtWidgets.QListWidgetItem) -> None:
        self.ctx.open_case.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    # --- writing ----------------------------------------------------------------------
    def change_regime(self) -> None:
        if self.view is None or self.ctx.register is None:
            return
        reason = self.reason_edit.text()
        if not reason.strip():
            mark_error(self.error, "a regime change needs its reason (it goes into the history)")
            self.reason_edit.setFocus()
            return
        reg, v = self.ctx.register, self.view
        code, region = self.regime_combo.currentData(), self.region_combo.currentData() or ""

        def ok(view: CaseView) -> None:
            mark_error(self.error, None)
            self.reason_edit.clear()
            self.show_case(view)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, StaleRecord):
                mark_error(self.error, stale_text(exc) + " Reload the case and try again.")
            elif isinstance(exc, ValidationError):
                mark_error(self.error, exc.message)
            else:
                self.ctx.report_error(exc, parent=self)

        CaseOp(self.ctx, lambda: cases.change_regime(reg, v.id, code, region, reason, v.version),
               before=v, letters=True, what="change regime").success(ok).failure(failed).run(initiator=self)
