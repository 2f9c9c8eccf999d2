"""Settings declared once: the service, ``muse-care settings`` and the dialog are all
built from ``DECLARED``; a change on a team server reaches the other clients' caches."""

from __future__ import annotations

import json
import queue
from dataclasses import fields

import pytest

from muse_care.cli.main import main as cli_main
from muse_care.domain.errors import ValidationError
from muse_care.domain.organisation import FIELD_LABELS, OrganisationProfile
from muse_care.services import local_config, settings
from muse_care.services.register import Actor, Register
from muse_care.services.settings import DECLARED, MACHINE, get_setting, set_setting, set_settings
from muse_care.services.team_live import ChangeListener

# A value other than the default for each setting a person sets here: the test fails
# when a setting is declared without a way to set it from the command line.
OTHER_VALUES = {
    "organisation": '{"team_name": "Privacy Desk"}',
    "default_regime": "eu-gdpr",
    "holiday_regions": '{"uk-gdpr": "GB-SCT"}',
    "letter_layout": "din5008-b",
    "four_eyes": "on",
    "anonymise_after_years": "5",
    "retention_warn_days": "14",
    "evidence_keep_months": "3",
    "late_event_margin_days": "7",
    "retention_auto": "off",
    "display_name": "Aisha K.",
    "login": "aisha.k",
    "db": "other.sqlite3",
    "evidence_dir": "evidence-elsewhere",
}


def test_every_declaration_is_complete() -> None:
    for decl in DECLARED.values():
        assert decl.label and decl.description.endswith("."), decl.key
        assert decl.section in settings.SECTIONS, decl.key
        assert decl.set_by or decl.key in OTHER_VALUES, f"{decl.key}: no test value"
        decl.validate(decl.default())  # every default is a valid value of its own setting
    assert set(FIELD_LABELS) == {f.name for f in fields(OrganisationProfile)}


def test_every_setting_can_be_set_and_read_back_from_the_command_line(sqlite_url, capsys) -> None:
    for key, text in OTHER_VALUES.items():
        assert cli_main(["--db", sqlite_url, "settings", "set", key, text]) == 0, capsys.readouterr().err
        capsys.readouterr()
        assert cli_main(["--db", sqlite_url, "settings", "get", key, "--json"]) == 0
        value = json.loads(capsys.readouterr().out)
        expected = DECLARED[key].parse(text)
        if isinstance(expected, dict):
            assert expected.items() <= value.items(), key
        else:
            assert value == expected, key
    assert local_config.load()["display_name"] == "Aisha K."
    assert cli_main(["--db", sqlite_url, "settings", "list", "--json"]) == 0
    listed = {row["key"]: row for row in json.loads(capsys.readouterr().out)}
    assert set(listed) == set(DECLARED)
    assert listed["retention_warn_days"]["value"] == 14 and listed["retention_warn_days"]["bounds"] == "0 to 100"


def test_parts_of_an_object_setting_are_set_by_name(sqlite_url, sqlite_register, capsys) -> None:
    assert cli_main(["--db", sqlite_url, "settings", "set", "organisation.purposes", "Shipping.", "Returns."]) == 0
    assert cli_main(["--db", sqlite_url, "settings", "set", "holiday_regions.eu-gdpr", "DE"]) == 0
    assert settings.organisation(sqlite_register).purposes == ("Shipping.", "Returns.")
    assert get_setting(sqlite_register, "holiday_regions")["eu-gdpr"] == "DE"
    capsys.readouterr()
    assert cli_main(["--db", sqlite_url, "settings", "set", "organisation.nickname", "x"]) == 2
    assert "organisation.nickname" in capsys.readouterr().err


@pytest.mark.parametrize(("key", "text", "words"), [
    ("retention_warn_days", "101", "out of range (0 to 100)"),
    ("anonymise_after_years", "-1", "out of range"),
    ("letter_layout", "a5", "not one of"),
    ("four_eyes", "maybe", "not on or off"),
    ("holiday_regions", '{"uk-gdpr": "IT"}', "not a holiday region"),
    ("db", "mysql://x/y", "db"),
    ("team_server", "{}", "team connect"),
])
def test_a_bad_value_is_refused_in_one_line_naming_the_setting(sqlite_url, sqlite_register, capsys,
                                                               key, text, words) -> None:
    before = get_setting(sqlite_register, key)
    assert cli_main(["--db", sqlite_url, "settings", "set", key, text]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and key in err and words in err
    sqlite_register.forget_settings()
    assert get_setting(sqlite_register, key) == before


def test_several_settings_are_kept_all_or_none(sqlite_register) -> None:
    with pytest.raises(ValidationError, match="retention_warn_days"):
        set_settings(sqlite_register, {"default_regime": "eu-gdpr", "display_name": "Tom",
                                       "retention_warn_days": 1000})
    sqlite_register.forget_settings()
    assert get_setting(sqlite_register, "default_regime") == "uk-gdpr"
    assert "display_name" not in local_config.load()
    set_settings(sqlite_register, {"default_regime": "eu-gdpr", "retention_warn_days": 7})
    other = Register(sqlite_register.engine, sqlite_register.actor)
    assert (get_setting(other, "default_regime"), get_setting(other, "retention_warn_days")) == ("eu-gdpr", 7)


def test_machine_settings_need_no_database() -> None:
    for decl in DECLARED.values():
        if decl.scope == MACHINE and not decl.set_by:
            set_setting(None, decl.key, decl.parse(OTHER_VALUES[decl.key]))
    assert local_config.load()["login"] == "aisha.k"
    assert local_config.current_actor().login == "aisha"  # MUSE_CARE_USER (conftest) wins over the file


@pytest.fixture
def dialog(qtbot, sqlite_register, tmp_path):  # noqa: ANN001, ANN201
    """The settings dialog on the SQLite register, loaded."""
    from muse_care.ui.context import AppContext
    from muse_care.ui.qt import QtCore
    from muse_care.ui.settings_dialog import SettingsDialog

    ctx = AppContext(sqlite_register, sqlite_register.actor,
                     settings=QtCore.QSettings(str(tmp_path / "l.ini"), QtCore.QSettings.Format.IniFormat))
    try:
        shown = SettingsDialog(ctx)
        qtbot.addWidget(shown)
        shown.show()
        qtbot.waitUntil(shown.isEnabled, timeout=10000)
        yield shown
    finally:
        ctx.worker.shutdown()


@pytest.mark.gui
def test_the_dialog_has_an_editor_for_every_setting_and_saves_what_changed(qtbot, dialog, sqlite_register) -> None:
    assert set(dialog.editors) == set(DECLARED)
    assert dialog.changed() == {}  # loading and reading back is the identity
    spin = dialog.editor("retention_warn_days").spin
    assert (spin.minimum(), spin.maximum()) == (0, 100)
    spin.setValue(12)
    four_eyes = dialog.editor("four_eyes").combo
    four_eyes.setCurrentIndex(four_eyes.findData(True))
    assert dialog.changed() == {"retention_warn_days": 12, "four_eyes": True}
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save()
    assert not dialog.restart_needed
    assert get_setting(sqlite_register, "retention_warn_days") == 12
    assert get_setting(sqlite_register, "four_eyes") is True


@pytest.mark.gui
def test_the_dialog_shows_a_refused_value_on_its_tab(qtbot, dialog, sqlite_register) -> None:
    dialog.ui.settings_tabs.setCurrentIndex(2)
    dialog.editor("organisation").fields["country"].setText("Pakistan")
    dialog.save()
    qtbot.waitUntil(dialog.ui.settings_error.isVisible, timeout=10000)
    assert "organisation.country" in dialog.ui.settings_error.text()
    assert dialog.ui.settings_tabs.currentIndex() == 0
    assert settings.organisation(sqlite_register).country == "PK"


@pytest.mark.pg
def test_a_change_by_another_team_client_reaches_this_clients_cache(pg_url) -> None:
    mine = Register.open(pg_url, Actor("aisha", "Aisha"), migrate=False)
    theirs = Register.open(pg_url, Actor("tom", "Tom"), migrate=False)
    heard: queue.Queue = queue.Queue()
    listener = ChangeListener.for_register(mine, lambda *_: None,
                                           on_setting=lambda key: (mine.forget_settings(key), heard.put(key)))
    listener.start()
    try:
        assert listener.connected.wait(10)
        assert get_setting(mine, "retention_warn_days") == 30  # now cached here
        set_setting(theirs, "retention_warn_days", 9)
        assert heard.get(timeout=10) == "retention_warn_days"
        assert get_setting(mine, "retention_warn_days") == 9
    finally:
        listener.stop()
        mine.dispose()
        theirs.dispose()


@pytest.mark.pg
def test_the_listener_for_a_register_drops_its_cached_settings_by_itself(pg_url) -> None:
    mine = Register.open(pg_url, Actor("aisha", "Aisha"), migrate=False)
    theirs = Register.open(pg_url, Actor("tom", "Tom"), migrate=False)
    listener = ChangeListener.for_register(mine, lambda *_: None)
    listener.start()
    try:
        assert listener.connected.wait(10)
        assert get_setting(mine, "default_regime") == "uk-gdpr"
        set_setting(theirs, "default_regime", "ccpa")
        for _ in range(100):
            if get_setting(mine, "default_regime") == "ccpa":
                break
            listener._stop.wait(0.1)
        assert get_setting(mine, "default_regime") == "ccpa"
    finally:
        listener.stop()
        mine.dispose()
        theirs.dispose()


def test_the_register_zone_follows_a_change_of_the_organisation_setting(sqlite_register) -> None:
    """``Register.timezone`` keeps the zone of the setting object it read (take-next asks
    for "today" on every take): a guard that a changed setting gives the new zone at once."""
    from muse_care.services.settings import get_setting, set_setting

    reg = sqlite_register
    assert reg.timezone() == reg.timezone()
    for zone in ("Pacific/Kiritimati", "America/Los_Angeles"):
        org = dict(get_setting(reg, "organisation"))
        org["timezone"] = zone
        set_setting(reg, "organisation", org)
        assert reg.timezone().key == zone
