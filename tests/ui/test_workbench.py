"""The workbench driven as an agent would: intake of a phone request, identity checks,
the clock, search, sort and a conflicting save. Offscreen Qt on SQLite."""

from __future__ import annotations

from datetime import date

import pytest

from muse_care.ui.queue_model import column
from tests.ui.conftest import add_case, wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def _open(qtbot, window, ctx, case_id: int) -> None:
    window.open_case(case_id)
    qtbot.waitUntil(lambda: window.case_view.view is not None and window.case_view.view.id == case_id,
                    timeout=10000)
    wait_idle(qtbot, ctx)


def test_intake_of_a_phone_request_end_to_end(qtbot, window, ctx) -> None:
    from muse_care.ui.qt import Qt

    dialog = window.new_case()
    ui = dialog.ui
    assert ui.channel_combo.currentData() == "phone"
    dialog.show()
    qtbot.waitUntil(lambda: dialog.focusWidget() is ui.name_edit, timeout=5000)  # type as the caller speaks
    # Save with nothing typed: every problem shown at its field at once
    qtbot.mouseClick(dialog._save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ui.name_error.isVisible() and ui.rights_error.isVisible(), timeout=10000)
    assert "required" in ui.name_error.text()
    assert "right" in ui.rights_error.text()
    # type it as the caller speaks
    qtbot.keyClicks(ui.name_edit, "Margaret Jones")
    qtbot.keyClicks(ui.phone_edit, "020 7946 0958")
    qtbot.keyClicks(ui.email_edit, "margaret.jones@example.org")
    qtbot.keyClicks(ui.postcode_edit, "SW1A 9ZZZ")  # wrong: one character too many
    ui.address_edit.setPlainText("10 Downing Street")
    qtbot.keyClicks(ui.city_edit, "London")
    ui.rights_list.setCurrentRow(0)
    qtbot.keyClick(ui.rights_list, Qt.Key.Key_Space)  # space ticks "Access"
    assert ui.rights_list.item(0).checkState() == Qt.CheckState.Checked
    qtbot.mouseClick(dialog._save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ui.postcode_error.isVisible() and not ui.name_error.isVisible(), timeout=10000)
    assert "postcode" in ui.postcode_error.text() and "GB" in ui.postcode_error.text()
    assert ui.name_edit.text() == "Margaret Jones"  # nothing typed is lost
    ui.postcode_edit.clear()
    qtbot.keyClicks(ui.postcode_edit, "SW1A 2AA")
    with qtbot.waitSignal(dialog.saved, timeout=10000) as saved:
        qtbot.mouseClick(dialog._save_button, Qt.MouseButton.LeftButton)
    view = saved.args[0]
    assert view.requester.name == "Margaret Jones" and view.requester.postcode == "SW1A 2AA"
    # the case opens, and appears in the queue
    qtbot.waitUntil(lambda: window.case_view.view is not None and window.case_view.view.id == view.id,
                    timeout=10000)
    qtbot.waitUntil(lambda: window.model.row_of_case(view.id) is not None, timeout=10000)
    assert window.case_view.ui.reference_label.text() == view.reference
    # received today, 25 Nov: 25 Dec is Christmas, 26 a Saturday, 28 the Boxing Day substitute
    assert window.case_view.ui.due_label.text() == "Due Tue 29 Dec 2026"
    row = window.model.row_of_case(view.id)
    assert window.model.index(row, 0).data() == view.reference
    assert window.model.index(row, column("days_left")).data() == "34 days"


def test_duplicate_warning_links_to_the_open_case(qtbot, window, ctx, sqlite_register) -> None:
    existing = add_case(sqlite_register)
    dialog = window.new_case()
    qtbot.keyClicks(dialog.ui.email_edit, "margaret.jones@example.org")
    qtbot.waitUntil(lambda: dialog.ui.duplicate_label.isVisible(), timeout=10000)
    assert existing.reference in dialog.ui.duplicate_label.text()
    with qtbot.waitSignal(ctx.open_case, timeout=5000):
        dialog.ui.duplicate_label.linkActivated.emit(f"case:{existing.id}")
    qtbot.waitUntil(lambda: window.case_view.view is not None and window.case_view.view.id == existing.id,
                    timeout=10000)


def test_a_failed_identity_check(qtbot, window, ctx, sqlite_register) -> None:
    case = add_case(sqlite_register)
    _open(qtbot, window, ctx, case.id)
    ui = window.case_view.ui
    ui.tabs.setCurrentWidget(ui.identity_page)
    ui.check_step_combo.setCurrentIndex(ui.check_step_combo.findData("order-number"))
    ui.check_result_combo.setCurrentIndex(ui.check_result_combo.findData("failed"))
    qtbot.keyClicks(ui.check_reason_edit, "order number given does not exist")
    ui.record_check_button.click()
    qtbot.waitUntil(lambda: any(c.step == "order-number" and c.result == "failed"
                                for c in window.case_view.view.checks), timeout=10000)
    rows = [ui.checks_tree.topLevelItem(i) for i in range(ui.checks_tree.topLevelItemCount())]
    failed = [r for r in rows if r.text(1) == "failed"]
    assert failed and failed[0].text(2) == "order number given does not exist"
    assert "1 failed" in ui.identity_summary.text()
    assert ui.status_label.text() == "· Awaiting identity"
    # a waiver without a reason is refused at the field, the choice kept
    ui.check_result_combo.setCurrentIndex(ui.check_result_combo.findData("waived"))
    ui.record_check_button.click()
    qtbot.waitUntil(lambda: ui.check_error.isVisible(), timeout=10000)
    assert "reason" in ui.check_error.text()


def test_id_requested_then_received_moves_the_due_date_on_screen(qtbot, window, ctx, sqlite_register) -> None:
    from muse_care.ui.intake import qdate

    case = add_case(sqlite_register)  # received Fri 20 Nov 2026: due Mon 21 Dec
    _open(qtbot, window, ctx, case.id)
    ui = window.case_view.ui
    assert ui.due_label.text() == "Due Mon 21 Dec 2026"
    ui.tabs.setCurrentWidget(ui.clock_page)
    ui.event_kind_combo.setCurrentIndex(ui.event_kind_combo.findData("id-requested"))
    ui.event_date.setDate(qdate(date(2026, 11, 21)))
    qtbot.keyClicks(ui.event_reason_edit, "asked for the order number by email")
    ui.add_event_button.click()
    qtbot.waitUntil(lambda: ui.due_label.text() == "Clock stopped", timeout=10000)
    assert ui.days_left_label.text().strip() == "clock stopped"
    assert ui.events_tree.topLevelItemCount() == 1
    ui.event_kind_combo.setCurrentIndex(ui.event_kind_combo.findData("id-received"))
    ui.event_date.setDate(qdate(date(2026, 11, 24)))
    ui.add_event_button.click()
    qtbot.waitUntil(lambda: ui.due_label.text() == "Due Thu 24 Dec 2026", timeout=10000)
    assert "24 Nov" in ui.explanation_label.text() or "24" in ui.explanation_label.text()
    assert ui.events_tree.topLevelItemCount() == 2
    # the queue row follows
    qtbot.waitUntil(lambda: window.model.row_of_case(case.id) is not None and
                    window.model.index(window.model.row_of_case(case.id), column("due")).data() == "2026-12-24",
                    timeout=10000)


def test_search_finds_the_callers_case_by_postcode(qtbot, window, ctx, sqlite_register) -> None:
    from muse_care.services.demo import generate

    generate(sqlite_register, 300, seed=11)
    case = add_case(sqlite_register, postcode="SW1A 2AA", email="caller@example.org", phone="")
    window.refresh()
    wait_idle(qtbot, ctx)
    window.ui.action_find.trigger()
    assert window.ui.search_edit.hasFocus()
    with qtbot.waitSignal(window.model.loaded, timeout=10000):
        qtbot.keyClicks(window.ui.search_edit, "SW1A 2AA")
    qtbot.waitUntil(lambda: window.model.query.search == "SW1A 2AA", timeout=5000)
    wait_idle(qtbot, ctx)
    qtbot.waitUntil(lambda: window.model.row_of_case(case.id) is not None, timeout=10000)
    assert "found for “SW1A 2AA”" in window.ui.count_label.text()
    # the agent opens it with the keyboard
    window.ui.queue_table.setFocus()
    window.step_case(0)
    qtbot.waitUntil(lambda: window.case_view.view is not None, timeout=10000)
    assert window.case_view.view.requester.postcode == "SW1A 2AA"


def test_sort_by_requester_then_descending(qtbot, window, ctx, sqlite_register) -> None:
    from muse_care.services.demo import generate

    generate(sqlite_register, 250, seed=5)
    window.refresh()
    wait_idle(qtbot, ctx)
    header = window.ui.queue_table.horizontalHeader()
    with qtbot.waitSignal(window.model.loaded, timeout=10000):
        header.setSortIndicator(1, header.sortIndicatorOrder().AscendingOrder)
    wait_idle(qtbot, ctx)
    assert window.model.query.sort == "requester" and not window.model.query.descending
    names = [window.model.row_at(i).requester_name for i in range(50)]
    assert names == sorted(names)
    from muse_care.ui.qt import Qt

    with qtbot.waitSignal(window.model.loaded, timeout=10000):
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    names = [window.model.row_at(i).requester_name for i in range(50)]
    assert names == sorted(names, reverse=True)
    # days left column: ascending by due date, with text and a cue on overdue rows
    with qtbot.waitSignal(window.model.loaded, timeout=10000):
        header.setSortIndicator(7, Qt.SortOrder.AscendingOrder)
    texts = [window.model.index(i, column("days_left")).data() for i in range(window.model.rowCount())]
    overdue = [t for t in texts if t.endswith("overdue")]
    assert overdue
    i = texts.index(overdue[0])
    assert window.model.index(i, column("days_left")).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_scrolling_fetches_pages_on_the_worker(qtbot, window, ctx, sqlite_register) -> None:
    from muse_care.services.demo import generate

    generate(sqlite_register, 900, seed=9)
    window.ui.views_list.setCurrentRow(window.ui.views_list.count() - 1)  # Closed
    from muse_care.services.queue import VIEW_KEYS

    window.ui.views_list.setCurrentRow(VIEW_KEYS.index("all-open"))
    qtbot.waitUntil(lambda: window.model.rowCount() > 400, timeout=10000)
    last = window.model.rowCount() - 1
    assert window.model.index(last, 0).data() == "…"  # not fetched yet: never blocks
    window.ui.queue_table.scrollToBottom()
    qtbot.waitUntil(lambda: window.model.row_at(last) is not None, timeout=10000)
    window.ui.queue_table.selectRow(last)
    assert window.model.index(last, 0).data().startswith("MC-")


def test_stale_record_conflict_keeps_the_agents_text(qtbot, window, ctx, sqlite_register, sqlite_url) -> None:
    from muse_care.domain.case_views import Requester
    from muse_care.services import cases
    from muse_care.services.register import Actor, Register
    from tests.conftest import FIXED_NOW

    case = add_case(sqlite_register)
    _open(qtbot, window, ctx, case.id)
    ui = window.case_view.ui
    ui.rq_name_edit.clear()
    qtbot.keyClicks(ui.rq_name_edit, "Margaret A. Jones")
    assert window.case_view.dirty
    # meanwhile Tom, on another machine, corrects the email
    other = Register.open(sqlite_url, Actor("tom", "Tom Baker"), migrate=False, now=lambda: FIXED_NOW)
    try:
        theirs = cases.get_case(other, case.id)
        rq = theirs.requester
        cases.update_requester(other, case.id, Requester(**{**rq.__dict__, "email": "mj@example.org"}),
                               theirs.version)
    finally:
        other.dispose()
    # different fields: merged, both kept, no question asked
    window.ui.action_save.trigger()
    qtbot.waitUntil(lambda: not window.case_view.dirty, timeout=10000)
    saved = cases.get_case(sqlite_register, case.id)
    assert (saved.requester.name, saved.requester.email) == ("Margaret A. Jones", "mj@example.org")
    assert not ui.conflict_frame.isVisible()
    # the same field: the agent is asked, with both values, and keeps the typed text
    ui.rq_name_edit.clear()
    qtbot.keyClicks(ui.rq_name_edit, "Margaret Jones-Smith")
    other = Register.open(sqlite_url, Actor("tom", "Tom Baker"), migrate=False, now=lambda: FIXED_NOW)
    try:
        theirs = cases.get_case(other, case.id)
        cases.update_requester(other, case.id, Requester(**{**theirs.requester.__dict__, "name": "M. Jones"}),
                               theirs.version, base=theirs.requester)
    finally:
        other.dispose()
    window.ui.action_save.trigger()
    qtbot.waitUntil(lambda: ui.conflict_frame.isVisible(), timeout=10000)
    text = ui.conflict_label.text()
    assert "tom saved" in text and "Margaret Jones-Smith" in text and "M. Jones" in text
    assert ui.rq_name_edit.text() == "Margaret Jones-Smith"  # the agent's text is kept
    assert window.case_view.dirty
    ui.keep_mine_button.click()  # keeps the typed name and saves
    qtbot.waitUntil(lambda: not window.case_view.dirty, timeout=10000)
    wait_idle(qtbot, ctx)
    saved = cases.get_case(sqlite_register, case.id)
    assert saved.requester.name == "Margaret Jones-Smith"


def test_status_moves_only_allowed_and_final_ones_confirmed(qtbot, window, ctx, sqlite_register) -> None:
    from muse_care.domain.case import Status

    case = add_case(sqlite_register)
    _open(qtbot, window, ctx, case.id)
    cv = window.case_view
    enabled = {a.data() for a in cv._status_menu.actions() if a.isEnabled()}
    assert enabled == {s.value for s in (Status.AWAITING_IDENTITY, Status.IN_PROGRESS,
                                         Status.AWAITING_CLARIFICATION, Status.REFUSED, Status.WITHDRAWN)}
    dialog = cv.ask_status(Status.REFUSED)
    assert "cannot be undone" in dialog.message.text()
    dialog.accept()  # no reason: refused at the field, dialog stays
    assert dialog.error.isVisible() and dialog.isVisible()
    dialog.reason.setPlainText("Manifestly excessive: the fifth identical request this month.")
    dialog.accept()
    qtbot.waitUntil(lambda: cv.view.status is Status.REFUSED, timeout=10000)
    assert cv.ui.status_label.text() == "· Refused"


def test_notes_and_non_ascii_names_render(qtbot, window, ctx, sqlite_register) -> None:
    case = add_case(sqlite_register, name="محمد علی", email="ali@example.org", phone="")
    _open(qtbot, window, ctx, case.id)
    ui = window.case_view.ui
    assert ui.rq_name_edit.text() == "محمد علی"
    ui.new_note_edit.setPlainText("Caller asked for call recordings from 3 March; 李伟 is her son.")
    ui.add_note_button.click()
    qtbot.waitUntil(lambda: ui.notes_list.count() == 1, timeout=10000)
    assert "李伟" in ui.notes_list.item(0).text()


def test_storage_error_is_a_message_with_retry_and_a_bug_is_a_crash_dialog(qtbot, ctx, tmp_path) -> None:
    from muse_care.domain.errors import StorageUnavailable

    retried = []
    ctx.report_error(StorageUnavailable("the database is busy (locked by another program)"),
                     retry=lambda: retried.append(1))
    assert "busy" in ctx.last_message
    box = ctx.open_boxes[-1]
    box.accept()
    assert retried == [1]
    ctx.report_error(ZeroDivisionError("boom"))
    assert "Details were written to" in ctx.last_message
    path = ctx.last_message.split("written to ", 1)[1].split(". Please", 1)[0]
    from pathlib import Path

    assert "ZeroDivisionError" in Path(path).read_text(encoding="utf-8")


def test_layout_is_remembered(qtbot, ctx) -> None:
    from muse_care.ui.main_window import MainWindow

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.resize(1111, 777)
    win.ui.main_splitter.setSizes([300, 800])
    win.save_layout()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.ui.main_splitter.sizes()[0] == win.ui.main_splitter.sizes()[0]
    wait_idle(qtbot, ctx)


def test_settings_dialog_saves_the_organisation_and_local_config(qtbot, window, ctx, sqlite_register) -> None:
    from muse_care.services import local_config, settings

    dialog = window.open_settings()
    qtbot.waitUntil(dialog.isEnabled, timeout=10000)
    org = dialog.editor("organisation").fields
    assert org["controller_name"].text() == "THE MUSE/LVM"
    org["team_name"].setText("Customer Care, Privacy Desk")
    regime = dialog.editor("default_regime").combo
    regime.setCurrentIndex(regime.findData("eu-gdpr"))
    region = dialog.editor("holiday_regions").combos["eu-gdpr"]
    region.setCurrentIndex(region.findData("DE"))
    dialog.editor("display_name").edit.setText("Aisha K.")
    with qtbot.waitSignal(dialog.saved, timeout=10000):
        dialog.save()
    assert dialog.restart_needed  # the display name is read when MUSE Care starts
    assert settings.organisation(sqlite_register).team_name == "Customer Care, Privacy Desk"
    assert settings.get_setting(sqlite_register, "default_regime") == "eu-gdpr"
    assert settings.get_setting(sqlite_register, "holiday_regions")["eu-gdpr"] == "DE"
    assert local_config.load()["display_name"] == "Aisha K."


def test_intake_dates_the_request_now_in_the_regimes_time_zone(qtbot, window, ctx) -> None:
    """The register's 'now' (10:00 UTC) where the law applies (docs/rules.md, "The day
    received"), not in the organisation's zone (Asia/Karachi) or this computer's: 10:00
    in London for UK GDPR, the same moment in Los Angeles for the CCPA."""
    dialog = window.new_case()
    ui = dialog.ui
    ui.regime_combo.setCurrentIndex(ui.regime_combo.findData("uk-gdpr"))
    assert ui.received_time.time().toPython().strftime("%H:%M") == "10:00"
    assert ui.received_date.date().toPython().isoformat() == "2026-11-25"
    assert "Europe/London" in ui.received_time_label.text()
    ui.regime_combo.setCurrentIndex(ui.regime_combo.findData("ccpa"))
    assert ui.received_time.time().toPython().strftime("%H:%M") == "02:00"
    assert "America/Los_Angeles" in ui.received_time_label.text()
    dialog.reject()


def test_a_new_letter_says_the_requesters_unsaved_edits_are_not_in_it(qtbot, window, ctx, sqlite_register) -> None:
    """Found by an outside tester: a city typed in the Requester tab and not saved, then
    New letter…: the form named the saved address and said nothing. The letter is made
    from the case as saved, and the form now says so while edits wait."""
    from muse_care.ui.letters_tab import LetterDialog

    case = add_case(sqlite_register, city="Leeds", postcode="LS1 4DY", address_lines=["14 Station Road"],
                    channel="post")
    _open(qtbot, window, ctx, case.id)
    tab = window.case_view._extra["Letters"]
    try:
        for typed in (False, True):
            if typed:
                qtbot.keyClicks(window.case_view.ui.rq_city_edit, " Central")
                assert window.case_view.dirty
            tab.new_letter()
            qtbot.waitUntil(lambda: tab.dialog is not None, timeout=10000)
            header = tab.dialog.ui.header_label.text()
            tab.dialog.reject()
            assert ("Leeds" in header) and ((LetterDialog.UNSAVED in header) == typed)
            qtbot.waitUntil(lambda: tab.dialog is None, timeout=5000)
    finally:
        window.case_view._set_dirty(False)  # closing the window would ask about the edits


def _skeleton_page(ctx):
    """The window as the start builds it (before the register is open), and the first
    page the start reads through sqlite3 for ``ctx``'s register."""
    from muse_care.store.db import sqlite_file
    from muse_care.store.first_page import read_first_page
    from muse_care.ui.main_window import MainWindow

    page = read_first_page(sqlite_file(ctx.register.url), 200)
    return MainWindow(ctx, skeleton=True), page


def test_a_layout_saved_sorted_by_another_column_does_not_show_the_starts_page(qtbot, ctx) -> None:
    """The start's first page is All open by due date, ascending. A layout saved sorted
    otherwise is restored with its sort (read from the layout, not from the header's
    Qt enums), and that page is not shown under it."""
    from muse_care.ui.main_window import MainWindow, column
    from muse_care.ui.qt import QtCore

    add_case(ctx.register, "Sorted Person", received=date(2026, 11, 2))
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.ui.queue_table.horizontalHeader().setSortIndicator(column("requester"), QtCore.Qt.SortOrder.DescendingOrder)
    win.save_layout()
    assert ctx.settings.value("main/sort") == "requester desc"
    wait_idle(qtbot, ctx)
    again, page = _skeleton_page(ctx)
    qtbot.addWidget(again)
    header = again.ui.queue_table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == \
        (column("requester"), QtCore.Qt.SortOrder.DescendingOrder)
    assert header.isSortIndicatorShown()  # the restored arrow is on screen from the first frame
    assert page is not None and page.total == 1
    assert not again.show_first_page(page)
    assert again.ui.queue_table.model().rowCount() == 0
    # an older layout, saved before the sort was written beside it: the header is asked
    ctx.settings.remove("main/sort")
    older, page = _skeleton_page(ctx)
    qtbot.addWidget(older)
    assert not older.show_first_page(page)
    # sorted by due date again: the page is shown, under the names of the queue's columns
    win.ui.queue_table.horizontalHeader().setSortIndicator(column("due"), QtCore.Qt.SortOrder.AscendingOrder)
    win.save_layout()
    assert ctx.settings.value("main/sort") == "due asc"
    fits, page = _skeleton_page(ctx)
    qtbot.addWidget(fits)
    assert fits.show_first_page(page)
    table = fits.ui.queue_table
    assert table.model().rowCount() == 1
    assert [table.horizontalHeader().model().headerData(i, QtCore.Qt.Orientation.Horizontal)
            for i in range(2)] == [win.model.headerData(i, QtCore.Qt.Orientation.Horizontal) for i in range(2)]


def test_the_starts_table_gets_the_queue_delegate_and_sort_indicator_after_its_first_paint(qtbot, ctx) -> None:
    from muse_care.ui.main_window import column
    from muse_care.ui.qt import QtCore
    from muse_care.ui.queue_look import QueueDelegate

    win, page = _skeleton_page(ctx)
    qtbot.addWidget(win)
    table = win.ui.queue_table
    assert not isinstance(table.itemDelegate(), QueueDelegate)  # Qt's own, until the first paint
    assert not table.horizontalHeader().isSortIndicatorShown()  # no arrow on another column meanwhile
    win.finish_table()
    assert isinstance(table.itemDelegate(), QueueDelegate)
    header = table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == \
        (column("due"), QtCore.Qt.SortOrder.AscendingOrder)
    assert header.isSortIndicatorShown()
    win.complete()
    assert table.model() is win.model and isinstance(table.itemDelegate(), QueueDelegate)
    wait_idle(qtbot, ctx)


def test_a_window_closed_before_its_first_paint_saves_the_queues_own_sort(qtbot, ctx) -> None:
    """Before the first paint the header has no sort indicator yet (its own default is
    the first column); the layout saved then is the queue's order, so the next start
    shows its first page."""
    add_case(ctx.register, "Early Quitter", received=date(2026, 11, 3))
    win, _page = _skeleton_page(ctx)
    qtbot.addWidget(win)
    win.save_layout()
    assert ctx.settings.value("main/sort") == "due asc"
    again, page = _skeleton_page(ctx)
    qtbot.addWidget(again)
    assert again.show_first_page(page)
    wait_idle(qtbot, ctx)


def test_a_case_opens_when_its_row_is_selected_not_when_only_the_current_row_moves(qtbot, window, ctx) -> None:
    """Qt moves the current index, unselected, to the first row when the table gets the
    focus (the click that activates the window, then a click on a header): that opened
    the first row's case although the agent had chosen none, and no row was highlighted
    (found by an outside tester). Only a selected row opens its case."""
    from muse_care.ui.qt import QtCore

    for i, name in enumerate(["Zed Last", "Amy First"]):
        add_case(ctx.register, name, received=date(2026, 11, 1 + i))
    with qtbot.waitSignal(window.model.loaded, timeout=15000):
        window.refresh()
    wait_idle(qtbot, ctx)
    table = window.ui.queue_table
    table.selectionModel().setCurrentIndex(window.model.index(0, 0), QtCore.QItemSelectionModel.SelectionFlag.NoUpdate)
    qtbot.wait(50)
    wait_idle(qtbot, ctx)
    assert window.case_view.view is None
    assert table.selectionModel().selectedRows() == []
    table.selectRow(1)  # as a click or the keyboard does
    qtbot.waitUntil(lambda: window.case_view.view is not None, timeout=10000)
    assert window.case_view.view.id == window.model.row_at(1).id
    wait_idle(qtbot, ctx)


def test_a_selected_row_whose_page_is_on_its_way_opens_when_it_comes(qtbot, window, ctx) -> None:
    """Ctrl+End on a long queue selects the last row before its page is read; its case
    opens when the page comes, so the pane and the highlighted row agree (the pane kept
    the previous case: found by an outside tester)."""
    from muse_care.services.demo import generate
    from muse_care.services.queue import PAGE_SIZE

    generate(ctx.register, 2 * PAGE_SIZE + 30, seed=11)
    with qtbot.waitSignal(window.model.loaded, timeout=15000):
        window.refresh()
    wait_idle(qtbot, ctx)
    table = window.ui.queue_table
    last = window.model.rowCount() - 1
    assert last > PAGE_SIZE and window.model.row_at(last) is None  # not read yet
    table.selectRow(2)
    qtbot.waitUntil(lambda: window.case_view.view is not None, timeout=10000)
    table.selectRow(last)
    qtbot.waitUntil(lambda: window.model.row_at(last) is not None, timeout=15000)
    qtbot.waitUntil(lambda: window.case_view.view.id == window.model.row_at(last).id, timeout=10000)
    assert [i.row() for i in table.selectionModel().selectedRows()] == [last]
    wait_idle(qtbot, ctx)


@pytest.mark.parametrize("name", ["TeamAuditWindow", "DashboardWindow", "ApprovalsWindow", "RecordsWindow"])
def test_a_window_of_its_own_closes_on_escape_and_the_close_key(qtbot, ctx, name) -> None:
    """As the print run does (the Team audit and the dashboard did not: an outside
    tester)."""
    from muse_care.ui import records_window, team_tools, team_windows
    from muse_care.ui.qt import QtCore, QtGui

    cls = {"TeamAuditWindow": team_tools.TeamAuditWindow, "DashboardWindow": team_windows.DashboardWindow,
           "ApprovalsWindow": team_windows.ApprovalsWindow, "RecordsWindow": records_window.RecordsWindow}[name]
    close = QtGui.QKeySequence(QtGui.QKeySequence.StandardKey.Close)[0]
    for key, modifiers in ((QtCore.Qt.Key.Key_Escape, QtCore.Qt.KeyboardModifier.NoModifier),
                           (close.key(), close.keyboardModifiers())):
        win = cls(ctx)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow, timeout=5000)
        qtbot.keyClick(win, key, modifiers)
        qtbot.waitUntil(lambda: not win.isVisible(), timeout=5000)
    wait_idle(qtbot, ctx)


def test_the_team_audits_default_dates_are_the_organisations_days(qtbot, ctx) -> None:
    """The audit's date filter counts the organisation's days; its defaults were this
    computer's, a day behind in a zone ahead of it, so ticking From hid today's changes
    (an outside tester, organisation in Asia/Karachi, computer on UTC)."""
    from muse_care.services import settings
    from muse_care.ui.team_tools import TeamAuditWindow

    org = settings.get_setting(ctx.register, "organisation")
    settings.set_setting(ctx.register, "organisation", {**org, "timezone": "Pacific/Kiritimati"})  # UTC+14
    add_case(ctx.register, "Today Person")
    win = TeamAuditWindow(ctx)
    qtbot.addWidget(win)
    win.reload()
    qtbot.waitUntil(lambda: win.table.rowCount() > 0, timeout=10000)
    assert win.date_to.date().toPython() == ctx.register.today()  # (this register's clock is fixed)
    shown = win.table.rowCount()
    win.use_dates.setChecked(True)
    win.reload()
    qtbot.waitUntil(lambda: win.status.text().endswith("(newest first)"), timeout=10000)
    qtbot.waitUntil(lambda: win.table.rowCount() == shown, timeout=10000)  # today's changes included
    wait_idle(qtbot, ctx)


def test_choosing_a_view_during_a_search_clears_the_field_and_its_clear_button(qtbot, window, ctx) -> None:
    from muse_care.ui.qt import QtWidgets

    edit = window.ui.search_edit

    def clear_button_shown() -> bool:  # Qt's own clear button: its action's object name
        return any(b.isVisibleTo(edit) for b in edit.findChildren(QtWidgets.QToolButton)
                   if b.defaultAction() is not None and b.defaultAction().objectName() == "_q_qlineeditclearaction")

    edit.setText("jones")
    qtbot.waitUntil(lambda: window.model.query.search == "jones", timeout=10000)
    qtbot.waitUntil(clear_button_shown, timeout=5000)  # shown while there is text
    window.ui.views_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: window.model.query.search == "", timeout=10000)
    assert edit.text() == ""
    qtbot.waitUntil(lambda: not clear_button_shown(), timeout=5000)
    wait_idle(qtbot, ctx)


def test_the_breach_banner_does_not_move_the_queues_rows(qtbot, window, ctx) -> None:
    """The banner comes a moment after the first page; above the table it pushed the rows
    down ~45 px under the agent's pointer, so a click then landed on another case's row
    (an outside tester, team window)."""
    from types import SimpleNamespace

    from muse_care.ui.qt import QtCore
    from muse_care.ui.team_tools import install_team_tools

    add_case(ctx.register, "Banner Person")
    with qtbot.waitSignal(window.model.loaded, timeout=15000):
        window.refresh()
    tools = install_team_tools(window)
    table = window.ui.queue_table
    qtbot.wait(50)
    first_row = table.viewport().mapTo(window, QtCore.QPoint(0, table.rowViewportPosition(0)))
    tools.banner.set_warnings([SimpleNamespace(working_days_left=1, kind="reply", text="MC-AAA-AAAA due Fri",
                                               assignee="")], mine_only=False)
    qtbot.waitUntil(tools.banner.isVisible, timeout=5000)
    qtbot.wait(50)
    assert table.viewport().mapTo(window, QtCore.QPoint(0, table.rowViewportPosition(0))) == first_row
    wait_idle(qtbot, ctx)


def test_the_starts_page_hands_over_only_a_row_the_agent_selected(qtbot, ctx) -> None:
    """While the start's page is shown, a row selected stays selected and opens when the
    queue model takes over; a row that is only current (Qt's focus default, unselected)
    opens nothing."""
    from muse_care.ui.qt import QtCore

    add_case(ctx.register, "Start Person", received=date(2026, 11, 4))
    add_case(ctx.register, "Second Person", received=date(2026, 11, 5))
    for select, opened in ((False, None), (True, 0)):
        win, page = _skeleton_page(ctx)
        qtbot.addWidget(win)
        assert win.show_first_page(page)
        table = win.ui.queue_table
        flag = QtCore.QItemSelectionModel.SelectionFlag
        table.selectionModel().setCurrentIndex(table.model().index(0, 0),
                                               flag.ClearAndSelect | flag.Rows if select else flag.NoUpdate)
        expected = page.rows[opened].id if opened is not None else None
        win.complete()
        qtbot.waitUntil(lambda: table.model() is win.model, timeout=15000)
        wait_idle(qtbot, ctx)
        if expected is None:
            assert win.case_view.view is None
        else:
            qtbot.waitUntil(lambda: win.case_view.view is not None and win.case_view.view.id == expected, timeout=10000)
        win.case_view._set_dirty(False)
