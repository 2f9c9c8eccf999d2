"""Settings, built from their declarations (``muse_care.services.settings.DECLARED``).

Every declared setting gets one editor, chosen once by its type (a spin box with its
bounds, a combo box of its choices, a check or three-way box, a line edit) or, for the
two object settings, by its key (the organisation profile's fields; a holiday region
per regime). Each editor loads and returns a value; the dialog loads all of them on
the worker, and saves the changed ones in one action (``set_settings``). A setting
declared tomorrow appears here without a change to this file; its description is the
hint under it. The form (``forms/settings_dialog.ui``) is only the dialog's frame.
"""

from __future__ import annotations

from typing import Any

from muse_care.domain.organisation import FIELD_LABELS, OrganisationProfile
from muse_care.domain.regimes import REGIMES
from muse_care.services import settings as declared_settings
from muse_care.services.settings import DECLARED, SECTIONS, Setting
from muse_care.ui.context import AppContext
from muse_care.ui.forms.ui_settings_dialog import Ui_SettingsDialog
from muse_care.ui.intake import mark_error
from muse_care.ui.qt import QtWidgets, Signal

RESTART_HINT = "Takes effect when MUSE Care next starts."


def _choice_text(key: str, value: str) -> str:
    """How a choice reads in a combo box."""
    if key == "default_regime" and value in REGIMES:
        return REGIMES[value].name
    if key == "letter_layout":
        from muse_care.ui.letters_tab import LAYOUT_LABELS

        return LAYOUT_LABELS.get(value, value)
    return value


class Editor:
    """One setting's widget: ``load(value)`` shows a value, ``value()`` reads it back."""

    def __init__(self, setting: Setting, widget: QtWidgets.QWidget) -> None:
        self.setting, self.widget = setting, widget
        widget.setObjectName(f"setting_{setting.key}")
        widget.setAccessibleName(setting.label)
        widget.setToolTip(setting.description)

    def load(self, value: Any) -> None:
        raise NotImplementedError

    def value(self) -> Any:
        raise NotImplementedError

    def focus(self, part: str = "") -> None:
        self.widget.setFocus()


class LineEditor(Editor):
    def __init__(self, setting: Setting) -> None:
        super().__init__(setting, QtWidgets.QLineEdit())
        self.edit: QtWidgets.QLineEdit = self.widget  # type: ignore[assignment]
        self.edit.setPlaceholderText(setting.default() or "")

    def load(self, value: Any) -> None:
        self.edit.setText(str(value or ""))

    def value(self) -> Any:
        return self.edit.text().strip()


class FileEditor(LineEditor):
    """A path or URL with a Browse… button (the database file, the evidence folder)."""

    def __init__(self, setting: Setting, folder: bool) -> None:
        super().__init__(setting)
        self.folder = folder
        self.row = QtWidgets.QWidget()
        layout = QtWidgets.QHBoxLayout(self.row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        browse = QtWidgets.QPushButton("Browse…")  # two on one page: no Alt key, Tab reaches it
        browse.setAccessibleName(f"Choose: {setting.label}")
        browse.clicked.connect(self._browse)
        layout.addWidget(browse)

    def _browse(self) -> None:
        if self.folder:
            path = QtWidgets.QFileDialog.getExistingDirectory(self.row, self.setting.label, self.edit.text())
        else:
            path, _ = QtWidgets.QFileDialog.getSaveFileName(
                self.row, self.setting.label, self.edit.text(), "SQLite database (*.sqlite3 *.db)",
                options=QtWidgets.QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.edit.setText(path)


class NumberEditor(Editor):
    def __init__(self, setting: Setting) -> None:
        super().__init__(setting, QtWidgets.QSpinBox())
        self.spin: QtWidgets.QSpinBox = self.widget  # type: ignore[assignment]
        self.spin.setRange(setting.minimum if setting.minimum is not None else -(2 ** 31),
                           setting.maximum if setting.maximum is not None else 2 ** 31 - 1)

    def load(self, value: Any) -> None:
        self.spin.setValue(int(value))

    def value(self) -> Any:
        return self.spin.value()


class ChoiceEditor(Editor):
    """A combo box of the declared choices, or On / Off (and Automatic when optional)."""

    def __init__(self, setting: Setting) -> None:
        super().__init__(setting, QtWidgets.QComboBox())
        self.combo: QtWidgets.QComboBox = self.widget  # type: ignore[assignment]
        if setting.type is bool:
            if setting.optional:
                self.combo.addItem("Automatic", None)
            self.combo.addItem("On", True)
            self.combo.addItem("Off", False)
        else:
            for choice in (setting.choices() if setting.choices else ()):
                self.combo.addItem(_choice_text(setting.key, choice), choice)

    def load(self, value: Any) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(value)))

    def value(self) -> Any:
        return self.combo.currentData()


class ReadOnlyEditor(Editor):
    """A setting another command writes (``set_by``): shown, not edited here."""

    def __init__(self, setting: Setting) -> None:
        super().__init__(setting, QtWidgets.QLabel())
        self.label: QtWidgets.QLabel = self.widget  # type: ignore[assignment]
        self.label.setWordWrap(True)
        self._value: Any = None

    def load(self, value: Any) -> None:
        self._value = value
        shown = ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else (value or "—")
        self.label.setText(f"{shown} (set with {self.setting.set_by})")

    def value(self) -> Any:
        return self._value


class RegionsEditor(Editor):
    """``holiday_regions``: for each regime, whose public holidays move a due date."""

    def __init__(self, setting: Setting) -> None:
        super().__init__(setting, QtWidgets.QWidget())
        form = QtWidgets.QFormLayout(self.widget)
        form.setContentsMargins(0, 0, 0, 0)
        self.combos: dict[str, QtWidgets.QComboBox] = {}
        for code, regime in REGIMES.items():
            combo = QtWidgets.QComboBox()
            combo.setAccessibleName(f"Holiday region for {regime.name}")
            for region in regime.holiday_regions:
                combo.addItem(region, region)
            self.combos[code] = combo
            form.addRow(f"{regime.name}:", combo)

    def load(self, value: Any) -> None:
        for code, combo in self.combos.items():
            combo.setCurrentIndex(max(0, combo.findData(value.get(code, REGIMES[code].default_holiday_region))))

    def value(self) -> Any:
        return {code: combo.currentData() for code, combo in self.combos.items()}

    def focus(self, part: str = "") -> None:
        next(iter(self.combos.values())).setFocus()


class OrganisationEditor(Editor):
    """The organisation profile: a line per text, a box with one item per line per list."""

    def __init__(self, setting: Setting) -> None:
        super().__init__(setting, QtWidgets.QWidget())
        form = QtWidgets.QFormLayout(self.widget)
        form.setContentsMargins(0, 0, 0, 0)
        self.fields: dict[str, QtWidgets.QLineEdit | QtWidgets.QPlainTextEdit] = {}
        lines = self.widget.fontMetrics().lineSpacing()
        for name, value in OrganisationProfile.from_dict({}).to_dict().items():
            edit: QtWidgets.QLineEdit | QtWidgets.QPlainTextEdit
            if isinstance(value, list):
                edit = QtWidgets.QPlainTextEdit()
                edit.setTabChangesFocus(True)
                edit.setMaximumHeight(lines * 5)
                edit.setToolTip("One item per line.")
            else:
                edit = QtWidgets.QLineEdit()
            edit.setObjectName(f"organisation_{name}")
            label_text = FIELD_LABELS.get(name, name)
            edit.setAccessibleName(f"Organisation: {label_text.replace('&', '')}")
            label = QtWidgets.QLabel(f"{label_text}:")
            label.setBuddy(edit)
            form.addRow(label, edit)
            self.fields[name] = edit

    def load(self, value: Any) -> None:
        for name, edit in self.fields.items():
            item = value.get(name, "")
            if isinstance(edit, QtWidgets.QPlainTextEdit):
                edit.setPlainText("\n".join(item))
            else:
                edit.setText(str(item))

    def value(self) -> Any:
        out: dict[str, Any] = {}
        for name, edit in self.fields.items():
            if isinstance(edit, QtWidgets.QPlainTextEdit):
                out[name] = [x.strip() for x in edit.toPlainText().splitlines() if x.strip()]
            else:
                out[name] = edit.text().strip()
        return out

    def focus(self, part: str = "") -> None:
        (self.fields.get(part) or next(iter(self.fields.values()))).setFocus()


def editor_for(setting: Setting) -> Editor:
    """The one place that maps a setting to its widget."""
    if setting.set_by:
        return ReadOnlyEditor(setting)
    if setting.key == "organisation":
        return OrganisationEditor(setting)
    if setting.key == "holiday_regions":
        return RegionsEditor(setting)
    if setting.key in ("db", "evidence_dir"):
        return FileEditor(setting, folder=setting.key == "evidence_dir")
    if setting.type is bool or setting.choices is not None:
        return ChoiceEditor(setting)
    if setting.type is int:
        return NumberEditor(setting)
    return LineEditor(setting)


class SettingsDialog(QtWidgets.QDialog):
    saved = Signal()

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = Ui_SettingsDialog()
        self.ui.setupUi(self)
        self.editors: dict[str, Editor] = {}
        self._pages: dict[str, int] = {}
        self._loaded_values: dict[str, Any] = {}
        self.restart_needed = False
        self._build_pages()
        self.ui.button_box.accepted.connect(self.save)
        self.ui.button_box.rejected.connect(self.reject)
        self.setEnabled(False)
        reg = ctx.register
        ctx.worker.submit(lambda: {key: declared_settings.get_setting(reg, key) for key in self.editors},
                          self._loaded, owner=self)

    def editor(self, key: str) -> Editor:
        return self.editors[key]

    def _build_pages(self) -> None:
        forms: dict[str, QtWidgets.QFormLayout] = {}
        usable = [s for s in DECLARED.values() if self.ctx.register is not None or s.scope == "machine"]
        for section, title in SECTIONS.items():
            if not any(s.section == section for s in usable):
                continue
            page = QtWidgets.QWidget()
            page.setObjectName(f"{section}_page")
            forms[section] = QtWidgets.QFormLayout(page)
            scroll = QtWidgets.QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QtWidgets.QFrame.Shape.NoFrame)
            scroll.setWidget(page)
            self._pages[section] = self.ui.settings_tabs.addTab(scroll, title)
        for setting in usable:
            editor = editor_for(setting)
            self.editors[setting.key] = editor
            form = forms[setting.section]
            field = getattr(editor, "row", editor.widget)
            if isinstance(editor, OrganisationEditor):
                form.addRow(field)
            else:
                label = QtWidgets.QLabel(f"{setting.label}:")
                label.setBuddy(editor.widget)
                form.addRow(label, field)
            hint = QtWidgets.QLabel(setting.description + (f" {RESTART_HINT}" if setting.restart else ""))
            hint.setWordWrap(True)
            hint.setObjectName(f"hint_{setting.key}")
            font = hint.font()
            font.setPointSizeF(font.pointSizeF() * 0.9)
            hint.setFont(font)
            form.addRow("", hint)
        from muse_care.ui.mnemonics import make_unique

        buttons = [b.text() for b in self.findChildren(QtWidgets.QAbstractButton)
                   if not self.ui.settings_tabs.isAncestorOf(b)]
        make_unique(self.ui.settings_tabs, buttons)

    def _loaded(self, values: dict[str, Any]) -> None:
        self._loaded_values = values
        for key, value in values.items():
            self.editors[key].load(value)
        self.setEnabled(True)

    def changed(self) -> dict[str, Any]:
        """The settings whose editor now shows another value than was loaded."""
        out = {}
        for key, editor in self.editors.items():
            if editor.setting.set_by:
                continue
            value = editor.value()
            if value != self._loaded_values.get(key):
                out[key] = value
        return out

    def save(self) -> None:
        if not self._loaded_values:
            return
        values = self.changed()
        self.restart_needed = any(DECLARED[k].restart for k in values)
        reg = self.ctx.register
        self.ctx.worker.submit(lambda: declared_settings.set_settings(reg, values),
                               lambda _r: self._saved(), self._failed, owner=self)

    def _saved(self) -> None:
        self.saved.emit()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        from muse_care.domain.errors import ValidationError

        if not isinstance(exc, ValidationError):
            self.ctx.report_error(exc, retry=self.save, parent=self)
            return
        mark_error(self.ui.settings_error, str(exc))
        key, _, part = exc.field.partition(".")
        editor = self.editors.get(key)
        if editor is not None:
            self.ui.settings_tabs.setCurrentIndex(self._pages[editor.setting.section])
            editor.focus(part)
