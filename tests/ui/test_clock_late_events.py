"""The Clock tab and events recorded late (docs/rules.md, "Events recorded late"):
an event dated back asks for the reason it is late and shows the note; a date before
the request was received is refused in words; no future date can be chosen."""

from __future__ import annotations

from datetime import date

from tests.ui.conftest import add_case, wait_idle


def _open(qtbot, window, ctx, view):
    window.open_case(view.id)
    qtbot.waitUntil(lambda: window.case_view.view is not None and window.case_view.view.id == view.id,
                    timeout=10000)
    wait_idle(qtbot, ctx)
    pane = window.case_view
    pane.ui.tabs.setCurrentWidget(pane.ui.clock_page)
    return pane


def test_a_dated_back_event_asks_for_the_reason_and_the_explanation_shows_it(qtbot, window, ctx) -> None:
    from muse_care.ui.intake import qdate

    # received Mon 2 Nov 2026 (the window's today is Wed 25 Nov): due Wed 2 Dec
    view = add_case(ctx.register, received=date(2026, 11, 2))
    pane = _open(qtbot, window, ctx, view)
    ui = pane.ui
    assert not pane.late_reason_edit.isVisible()
    assert ui.event_date.maximumDate() == qdate(date(2026, 11, 25))  # no future day to choose
    ui.event_kind_combo.setCurrentIndex(ui.event_kind_combo.findData("id-requested"))
    ui.event_date.setDate(qdate(date(2026, 11, 3)))
    ui.add_event_button.click()
    qtbot.waitUntil(lambda: pane.late_reason_edit.isVisible(), timeout=10000)
    assert "id-requested dated Tue 3 Nov 2026 is recorded late (22 days after its date)" in ui.event_error.text()
    assert pane.late_reason_edit.hasFocus() or not window.isActiveWindow()
    assert pane.view is not None and pane.view.events == ()
    pane.late_reason_edit.setText("sent from the shared mailbox, logged today")
    ui.add_event_button.click()
    qtbot.waitUntil(lambda: pane.view is not None and len(pane.view.events) == 1, timeout=10000)
    wait_idle(qtbot, ctx)
    assert "recorded Wed 25 Nov 2026 by aisha (agent), 22 days after its date: sent from the shared " \
           "mailbox, logged today" in ui.explanation_label.text()
    row = ui.events_tree.topLevelItem(0)
    assert "recorded Wed 25 Nov 2026" in row.text(2)
    assert not pane.late_reason_edit.isVisible() and pane.late_reason_edit.text() == ""


def test_a_date_before_the_request_was_received_is_refused_in_words(qtbot, window, ctx) -> None:
    from muse_care.ui.intake import qdate

    view = add_case(ctx.register, received=date(2026, 11, 20))
    pane = _open(qtbot, window, ctx, view)
    ui = pane.ui
    ui.event_kind_combo.setCurrentIndex(ui.event_kind_combo.findData("id-requested"))
    ui.event_date.setDate(qdate(date(2026, 11, 19)))
    ui.add_event_button.click()
    qtbot.waitUntil(lambda: "before the request was received" in ui.event_error.text(), timeout=10000)
    assert "id-requested dated Thu 19 Nov 2026 is before the request was received (Fri 20 Nov 2026)" \
        in ui.event_error.text()
    assert not pane.late_reason_edit.isVisible()
    assert pane.view is not None and pane.view.events == ()


def test_the_latest_day_offered_is_today_where_the_cases_law_applies(qtbot, window, ctx) -> None:
    """At 01:30 on Thu 5 Feb 2026 in Lahore (the organisation's zone) it is Wed 4 Feb in
    London: a UK case's event is offered 4 Feb, and 5 Feb cannot be chosen
    (docs/rules.md, "The day received")."""
    from datetime import UTC, datetime

    from muse_care.ui.intake import qdate

    moment = datetime(2026, 2, 4, 20, 30, tzinfo=UTC)
    ctx.register._now = lambda: moment
    assert ctx.register.today() == date(2026, 2, 5)
    view = add_case(ctx.register, received=date(2026, 1, 20))
    pane = _open(qtbot, window, ctx, view)
    ui = pane.ui
    assert ui.event_date.maximumDate() == qdate(date(2026, 2, 4))
    assert ui.event_date.date() == qdate(date(2026, 2, 4))
    ui.event_date.setDate(qdate(date(2026, 2, 5)))  # clamped by the field
    assert ui.event_date.date() == qdate(date(2026, 2, 4))
    ui.event_kind_combo.setCurrentIndex(ui.event_kind_combo.findData("clarification-requested"))
    ui.add_event_button.click()
    qtbot.waitUntil(lambda: pane.view is not None and len(pane.view.events) == 1, timeout=10000)
    assert pane.view.events[0].on == date(2026, 2, 4)
