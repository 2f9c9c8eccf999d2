"""The Recipients and "Regime and links" tabs, driven as an agent would, offscreen."""

from __future__ import annotations

from datetime import date

import pytest

from tests.ui.conftest import add_case, ctx, wait_idle, window  # noqa: F401 (fixtures)

pytestmark = pytest.mark.gui


def test_recipients_tab_marks_each_recipient_and_gates_responded(qtbot, window, ctx) -> None:
    from muse_care.services import cases, recipients

    view = add_case(ctx.register, rights=["erasure"])
    for check in view.checks:
        cases.record_check(ctx.register, view.reference, check.step, "passed")
    window.open_case(view.id)
    wait_idle(qtbot, ctx)
    tab = window.case_view._extra["Recipients"]
    wait_idle(qtbot, ctx)
    names = [tab.model.data(tab.model.index(i, 0)) for i in range(tab.model.rowCount())]
    assert names[:3] == ["DHL", "FedEx", "TCS"]
    assert "still to be told" in tab.summary.text()
    tab.table.selectRow(0)
    tab.told_date.setDate(tab.told_date.date().addDays(-2))
    tab.method_combo.setCurrentText("email")
    tab.mark_told()
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: tab.model.data(tab.model.index(0, 1)) == "Told", timeout=5000)
    assert tab.model.data(tab.model.index(0, 3)) == "email" and tab.model.data(tab.model.index(0, 4)) == "aisha"
    tab.table.selectRow(1)
    tab.mark_not_possible()  # no reason: refused in the tab, nothing written
    assert not tab.error.isHidden() and "disproportionate" in tab.error.text()
    tab.reason_edit.setText("FedEx never carried an order of this customer")
    tab.mark_not_possible()
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: tab.model.data(tab.model.index(1, 1)) == "Not possible", timeout=5000)
    states = {r.name: r.state for r in recipients.list_recipients(ctx.register, view.id)}
    assert states["DHL"] == "told" and states["FedEx"] == "not-possible" and states["TCS"] == "pending"
    with pytest.raises(Exception, match="TCS"):
        cases.change_status(ctx.register, view.id, "responded")


def test_regime_tab_shows_authorities_links_and_changes_the_regime(qtbot, window, ctx) -> None:
    from muse_care.services import cases

    first = add_case(ctx.register, name="Jürgen Müller", country="DE", postcode="80331", city="München",
                     phone="", email="j.mueller@example.de", address_lines=["Marienplatz 8"])
    second = add_case(ctx.register, name="Jürgen Müller", country="DE", postcode="80331", city="München",
                      phone="", email="j.mueller@example.de", address_lines=["Marienplatz 8"],
                      received=date(2026, 11, 21))
    window.open_case(second.id)
    wait_idle(qtbot, ctx)
    tab = window.case_view._extra["Regime and links"]
    wait_idle(qtbot, ctx)
    assert "EU GDPR" in tab.regime_label.text() and "DE-BY" in tab.regime_label.text()
    assert "Bayerisches Landesamt" in tab.authorities_label.text()
    assert "Garante" in tab.authorities_label.text()
    assert tab.linked_list.count() == 1 and first.reference in tab.linked_list.item(0).text()
    with qtbot.waitSignal(ctx.open_case, timeout=2000) as opened:
        tab.linked_list.itemActivated.emit(tab.linked_list.item(0))
    assert opened.args == [first.id]
    window.open_case(second.id)
    wait_idle(qtbot, ctx)
    tab.regime_combo.setCurrentIndex(tab.regime_combo.findData("uk-gdpr"))
    tab.change_regime()  # no reason
    assert not tab.error.isHidden() and "reason" in tab.error.text()
    tab.reason_edit.setText("moved to London; German address is out of date")
    tab.change_regime()
    wait_idle(qtbot, ctx)
    after = cases.get_case(ctx.register, second.id)
    assert (after.regime, after.holiday_region) == ("uk-gdpr", "GB-ENG")
    assert any(h.what == "regime reason" and "moved to London" in h.new for h in after.history)


def test_intake_regime_follows_the_address_and_another_needs_a_reason(qtbot, ctx) -> None:
    from muse_care.ui.intake import IntakeDialog

    dialog = IntakeDialog(ctx)
    qtbot.addWidget(dialog)
    ui = dialog.ui
    assert ui.regime_combo.currentData() == "uk-gdpr" and "GB-ENG" in dialog.regime_choice.hint.text()
    ui.country_edit.setText("DE")
    ui.postcode_edit.setText("80331")
    assert ui.regime_combo.currentData() == "eu-gdpr" and "DE-BY" in dialog.regime_choice.hint.text()
    assert dialog.draft().regime == ""  # the service takes the address's
    ui.name_edit.setText("Jürgen Müller")
    ui.email_edit.setText("j@example.de")
    ui.channel_combo.setCurrentIndex(ui.channel_combo.findData("email"))
    dialog.set_rights(["access"])
    ui.regime_combo.setCurrentIndex(ui.regime_combo.findData("uk-gdpr"))
    ui.regime_combo.activated.emit(ui.regime_combo.currentIndex())
    assert dialog.regime_choice.reason_edit.isVisibleTo(ui.fields)
    dialog.save()
    wait_idle(qtbot, ctx)
    assert not ui.regime_error.isHidden() and "say why" in ui.regime_error.text()
    dialog.regime_choice.reason_edit.setText("lives in London now")
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        dialog.save()
    view = saved.args[0]
    assert view.regime == "uk-gdpr"
    assert any(h.what == "regime reason" and "lives in London now" in h.new for h in view.history)
