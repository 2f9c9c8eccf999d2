"""Settings: the organisation profile (the policy's controller details by default),
the default regime and its holiday region (organisation-wide, in the database), and
this computer's database location and the agent's display name (local config file;
the database takes effect on restart)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from muse_care.domain.regimes import REGIMES
from muse_care.services import local_config
from muse_care.services import settings as org_settings
from muse_care.ui.context import AppContext
from muse_care.ui.forms.ui_settings_dialog import Ui_SettingsDialog
from muse_care.ui.intake import mark_error
from muse_care.ui.qt import QtWidgets, Signal

ORG_EDITS = {
    "controller_name": "org_name_edit", "team_name": "org_team_edit", "city": "org_city_edit",
    "postcode": "org_postcode_edit", "region": "org_region_edit", "country": "org_country_edit",
    "email": "org_email_edit", "phone": "org_phone_edit", "website": "org_website_edit",
    "timezone": "org_timezone_edit",
}


class SettingsDialog(QtWidgets.QDialog):
    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = Ui_SettingsDialog()
        self.ui.setupUi(self)
        self._profile: Any = None
        self._regions: dict[str, str] = {}
        for code, regime in REGIMES.items():
            self.ui.default_regime_combo.addItem(regime.name, code)
        self.ui.default_regime_combo.currentIndexChanged.connect(self._regime_changed)
        self.ui.button_box.accepted.connect(self.save)
        self.ui.button_box.rejected.connect(self.reject)
        self.ui.browse_button.clicked.connect(self._browse)
        cfg = local_config.load()
        self.ui.display_name_edit.setText(str(cfg.get("display_name") or ctx.actor.display_name))
        self.ui.database_edit.setText(str(cfg.get("db") or ""))
        self.ui.database_edit.setPlaceholderText("Default: your user data folder")
        self.ui.org_address_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        self.setEnabled(False)
        reg = ctx.register
        if reg is not None:
            ctx.worker.submit(lambda: (org_settings.organisation(reg),
                                       org_settings.get_setting(reg, "default_regime"),
                                       dict(org_settings.get_setting(reg, "holiday_regions"))),
                              self._loaded, owner=self)

    def _loaded(self, values: tuple[Any, str, dict[str, str]]) -> None:
        profile, regime, regions = values
        self._profile, self._regions = profile, regions
        for fieldname, edit in ORG_EDITS.items():
            getattr(self.ui, edit).setText(getattr(profile, fieldname))
        self.ui.org_address_edit.setPlainText("\n".join(profile.address_lines))
        self.ui.default_regime_combo.setCurrentIndex(max(0, self.ui.default_regime_combo.findData(regime)))
        self._regime_changed()
        self.setEnabled(True)

    def _regime_changed(self, *_: Any) -> None:
        code = self.ui.default_regime_combo.currentData()
        combo = self.ui.holiday_region_combo
        combo.clear()
        regime = REGIMES.get(code)
        if regime is None:
            return
        for region in regime.holiday_regions:
            combo.addItem(region, region)
        combo.setCurrentIndex(max(0, combo.findData(self._regions.get(code, regime.default_holiday_region))))

    def _browse(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(
            self, "Database file", self.ui.database_edit.text(), "SQLite database (*.sqlite3 *.db)",
            options=QtWidgets.QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.ui.database_edit.setText(path)

    def save(self) -> None:
        if self._profile is None or self.ctx.register is None:
            return
        values: dict[str, Any] = {f: getattr(self.ui, e).text().strip() for f, e in ORG_EDITS.items()}
        values["address_lines"] = tuple(x.strip() for x in self.ui.org_address_edit.toPlainText().splitlines()
                                        if x.strip())
        profile = replace(self._profile, **values)
        code = self.ui.default_regime_combo.currentData()
        regions = {**self._regions, code: self.ui.holiday_region_combo.currentData()}
        local = {"display_name": self.ui.display_name_edit.text().strip(),
                 "db": self.ui.database_edit.text().strip()}
        reg = self.ctx.register

        def write() -> None:
            from muse_care.domain.organisation import OrganisationProfile
            from muse_care.store.db import resolve_url

            OrganisationProfile.from_dict(profile.to_dict())
            if local["db"]:
                resolve_url(local["db"])  # a bad URL is refused before it is kept
            org_settings.set_setting(reg, "organisation", profile.to_dict())
            org_settings.set_setting(reg, "default_regime", code)
            org_settings.set_setting(reg, "holiday_regions", regions)
            local_config.save(local)

        self.ctx.worker.submit(write, lambda _r: self._saved(), self._failed, owner=self)

    def _saved(self) -> None:
        self.saved.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from muse_care.domain.errors import ValidationError

        if isinstance(exc, ValidationError):
            mark_error(self.ui.settings_error, str(exc))
        else:
            self.ctx.report_error(exc, retry=self.save, parent=self)
