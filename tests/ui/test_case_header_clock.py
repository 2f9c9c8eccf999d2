"""The case header shows the CCPA receipt confirmation date and flags it once late,
and the request's time in the zone its day is counted in (docs/rules.md)."""

from __future__ import annotations

from datetime import date, time

from tests.ui.conftest import add_case, wait_idle


def test_header_shows_the_receipt_confirmation_and_flags_it_late(qtbot, window, ctx) -> None:
    # Received Mon 2 Nov 2026: ten business days (Veterans Day, Wed 11 Nov, is federal
    # and Californian) end Tue 17 Nov; the window's 'now' is 25 Nov.
    view = add_case(ctx.register, regime="ccpa", country="US", postcode="94103", phone="",
                    city="San Francisco", address_lines=["1 Market St"], received=date(2026, 11, 2),
                    received_time=time(20, 0))
    window.open_case(view.id)
    ui = window.case_view.ui
    qtbot.waitUntil(lambda: window.case_view.view is not None and window.case_view.view.id == view.id,
                    timeout=10000)
    wait_idle(qtbot, ctx)
    assert ui.due_label.text() == "Due Thu 17 Dec 2026 · confirm receipt by Tue 17 Nov 2026 (OVERDUE)"
    assert ui.received_value.text() == "Mon 02 Nov 2026 20:00 America/Los_Angeles"
