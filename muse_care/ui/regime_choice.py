"""The intake's regime, from the requester's address as it is typed.

The regime box follows the country and postcode (UK nation, EU/EEA state and German
Land, California…; muse_care.domain.jurisdiction) and says where its choice came from.
An agent who picks another regime is asked for the reason, which goes into the case's
history; with no regime for the address the organisation's default applies. Pure
computation on typed text: nothing here touches the database."""

from __future__ import annotations

from typing import Any

from muse_care.domain.jurisdiction import from_address
from muse_care.domain.regimes import REGIMES
from muse_care.ui.qt import QtCore, QtWidgets


class RegimeChoice(QtCore.QObject):
    """Attached to the intake form's ``regime_combo``, ``country_edit`` and ``postcode_edit``."""

    def __init__(self, ui: Any, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.ui = ui
        self.overridden = False
        self.found: Any = None
        form = ui.fields_form
        row, _role = form.getWidgetPosition(ui.regime_combo)
        self.hint = QtWidgets.QLabel(ui.fields, wordWrap=True)
        self.hint.setAccessibleName("Where the regime comes from")
        self.reason_edit = QtWidgets.QLineEdit(ui.fields)
        self.reason_edit.setPlaceholderText("Why this request falls under another regime than the address gives")
        self.reason_edit.setAccessibleName("Reason for another regime")
        self.reason_label = QtWidgets.QLabel("&Justify the regime:", ui.fields)
        self.reason_label.setBuddy(self.reason_edit)
        form.insertRow(row + 1, "", self.hint)
        form.insertRow(row + 2, self.reason_label, self.reason_edit)
        QtWidgets.QWidget.setTabOrder(ui.regime_combo, self.reason_edit)
        ui.regime_combo.activated.connect(self._picked)
        for edit in (ui.country_edit, ui.postcode_edit):
            edit.textChanged.connect(self.update)
        self.update()

    def _picked(self, _index: int) -> None:
        self.overridden = True
        self.update()

    def update(self, *_: Any) -> None:
        ui = self.ui
        country = ui.country_edit.text().strip().upper()
        self.found = from_address(country, ui.postcode_edit.text()) if len(country) == 2 else None
        if self.found is not None and not self.overridden:
            ui.regime_combo.setCurrentIndex(max(0, ui.regime_combo.findData(self.found.regime)))
        chosen = ui.regime_combo.currentData()
        differs = self.overridden and (self.found is None or chosen != self.found.regime)
        if self.found is not None:
            name = REGIMES[self.found.regime].name
            text = f"From the address: {name}, holidays of {self.found.holiday_region}."
            if differs:
                text += " You chose another regime: say why below (it goes into the history)."
        elif self.overridden:
            text = "No regime applies to the address; you chose this one."
        else:
            text = "No regime applies to the address: the organisation's default regime is used."
        self.hint.setText(text)
        needs_reason = bool(differs and self.found is not None)
        self.reason_label.setVisible(needs_reason)
        self.reason_edit.setVisible(needs_reason)

    def regime(self) -> str:
        """For the draft: '' (the address's, or the default) unless the agent picked one."""
        return (self.ui.regime_combo.currentData() or "") if self.overridden else ""

    def reason(self) -> str:
        return self.reason_edit.text() if self.reason_edit.isVisibleTo(self.ui.fields) else ""
