"""Breach 1 of issue 11: after a write the case pane must keep showing the case the
agent is working on. The selection follows the case id, never a row index.

The sequence an agent reported: find a case (Ctrl+F, one row shows), Ctrl+T (take the
next unassigned case, which is not in the search result), type a note on the Request
tab and save it; then add a clock event. Every note and event must land on the taken
case, and the pane must go on showing it."""

from __future__ import annotations

from datetime import date

import pytest

from tests.ui.conftest import add_case, wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def _key(qtbot, widget, key, modifier=None) -> None:
    from muse_care.ui.qt import Qt

    qtbot.keyClick(widget, key, modifier or Qt.KeyboardModifier.NoModifier)


def test_the_pane_stays_on_the_case_after_a_note_and_an_event(qtbot, window, ctx, sqlite_register) -> None:
    from muse_care.services import cases
    from muse_care.ui.qt import Qt, QtWidgets

    found = add_case(sqlite_register, name="Zebedee Quantock", email="zq@example.org", phone="020 7946 0001")
    taken = add_case(sqlite_register, name="Olwen Marsh", email="om@example.org", phone="020 7946 0002",
                     assignee="", received=date(2026, 11, 2))
    window.refresh()
    wait_idle(qtbot, ctx)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)

    # Ctrl+F, type the name: one row, and the pane shows it
    _key(qtbot, window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.ui.search_edit.hasFocus()
    qtbot.keyClicks(window.ui.search_edit, "Quantock")
    qtbot.waitUntil(lambda: window.model.query.search == "Quantock" and window.model.rowCount() == 1,
                    timeout=10000)
    qtbot.waitUntil(lambda: window.case_view.view is not None and window.case_view.view.id == found.id,
                    timeout=10000)
    wait_idle(qtbot, ctx)

    # Ctrl+T: the next unassigned case is now ours, and shown
    _key(qtbot, window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.case_view.view is not None and window.case_view.view.id == taken.id,
                    timeout=10000)
    wait_idle(qtbot, ctx)
    assert taken.reference in window.statusBar().currentMessage()

    # a note on the Request tab, saved
    cv = window.case_view
    cv.ui.tabs.setCurrentWidget(cv.ui.request_page)
    cv.ui.new_note_edit.setFocus()
    qtbot.keyClicks(cv.ui.new_note_edit, "Called back, asked for the order number")
    qtbot.mouseClick(cv.ui.add_note_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cv.ui.notes_list.count() == 1, timeout=10000)
    wait_idle(qtbot, ctx)
    qtbot.wait(50)
    wait_idle(qtbot, ctx)
    assert cv.view.id == taken.id, f"the pane jumped to {cv.view.reference}"
    assert cv.ui.reference_label.text() == taken.reference

    # Clock > Add event on what the pane shows
    cv.ui.tabs.setCurrentWidget(cv.ui.clock_page)
    qtbot.keyClicks(cv.ui.event_reason_edit, "asked for ID by phone")
    qtbot.mouseClick(cv.ui.add_event_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cv.ui.events_tree.topLevelItemCount() == 1, timeout=10000)
    wait_idle(qtbot, ctx)
    qtbot.wait(50)
    wait_idle(qtbot, ctx)
    assert cv.view.id == taken.id, f"the pane jumped to {cv.view.reference}"

    # a second note: still the same customer
    cv.ui.tabs.setCurrentWidget(cv.ui.request_page)
    qtbot.keyClicks(cv.ui.new_note_edit, "Second note")
    qtbot.mouseClick(cv.ui.add_note_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cv.ui.notes_list.count() == 2, timeout=10000)
    wait_idle(qtbot, ctx)

    # the database agrees: everything went on the taken case, nothing on the found one
    on_taken = cases.get_case(sqlite_register, taken.id)
    on_found = cases.get_case(sqlite_register, found.id)
    assert [n.text for n in on_taken.notes] == ["Called back, asked for the order number", "Second note"]
    assert len(on_taken.events) == 1 and on_taken.events[0].reason == "asked for ID by phone"
    assert on_found.notes == () or list(on_found.notes) == []
    assert list(on_found.events) == []
    assert cv.view.id == taken.id
    assert isinstance(window, QtWidgets.QMainWindow)
