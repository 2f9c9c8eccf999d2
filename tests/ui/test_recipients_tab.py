"""The Recipients tab (Art. 19), offscreen: the list from the organisation profile, told
and not-possible marked from the tab, the reason kept at the field when missing, the
next recipient still to be told selected after each, one change-set per write."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from muse_care.services import cases, recipients
from muse_care.services.cases import CaseDraft

pytestmark = [pytest.mark.gui]


@pytest.fixture
def ctx(qtbot, sqlite_register, tmp_path: Path):  # noqa: ANN001, ANN201
    from muse_care.services.register import Actor
    from muse_care.ui.context import AppContext
    from muse_care.ui.qt import QtCore

    settings = QtCore.QSettings(str(tmp_path / "layout.ini"), QtCore.QSettings.Format.IniFormat)
    context = AppContext(sqlite_register, Actor("aisha", "Aisha Khan"), settings=settings)
    yield context
    qtbot.waitUntil(lambda: context.worker.idle, timeout=10000)
    context.worker.shutdown()


def test_recipients_are_told_from_the_tab(qtbot, ctx, sqlite_register) -> None:  # noqa: ANN001
    from muse_care.ui.recipients_tab import RecipientsTab

    view = cases.add_case(sqlite_register, CaseDraft(
        name="Giulia Rossi", rights=["erasure"], channel="email", received=date(2026, 11, 2),
        regime="uk-gdpr", email="giulia@example.com", country="GB"))
    names = [r.name for r in recipients.list_recipients(sqlite_register, view.id)]
    assert len(names) >= 2
    tab = RecipientsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(900, 500)
    tab.show()
    tab.show_case(view)
    qtbot.waitUntil(lambda: tab.model.rowCount() == len(names), timeout=10000)
    assert [tab.model.data(tab.model.index(i, 0)) for i in range(len(names))] == names
    assert tab.model.data(tab.model.index(0, 1)) == "To be told"
    assert tab.selected_name() == names[0]
    assert f"{len(names)} of {len(names)} recipients still to be told" in tab.summary.text()

    seen: list[object] = []
    ctx.op_executed.connect(lambda changes, initiator: seen.append((changes.case_id, initiator)))
    tab.method_combo.setCurrentText("partner portal")
    tab.told_button.click()
    qtbot.waitUntil(lambda: tab.model.rowCount() and tab.model.data(tab.model.index(0, 1)) == "Told",
                    timeout=10000)
    assert seen == [(view.id, tab)]
    told = recipients.list_recipients(sqlite_register, view.id)[0]
    assert (told.state, told.method, told.by) == ("told", "partner portal", "aisha")
    assert tab.selected_name() == names[1]  # the next still to be told

    # "not possible" without a reason: a message at the field, nothing written
    tab.not_possible_button.click()
    assert tab.error.isVisible() and "say why" in tab.error.text()
    assert recipients.list_recipients(sqlite_register, view.id)[1].state == "pending"
    tab.reason_edit.setText("The partner went into liquidation in 2025.")
    tab.not_possible_button.click()
    qtbot.waitUntil(lambda: tab.model.data(tab.model.index(1, 1)) == "Not possible", timeout=10000)
    second = recipients.list_recipients(sqlite_register, view.id)[1]
    assert second.state == "not-possible" and "liquidation" in second.reason
    assert tab.reason_edit.text() == ""
