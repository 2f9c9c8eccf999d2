"""Operations that say what changed (issue 9): a write emits one change-set, and the
window refreshes only what it names. The refreshes are read from the window's own log
lines (``muse_care.ui.*``), as a person reading the log would."""

from __future__ import annotations

import logging
import threading

import pytest

from tests.ui.conftest import add_case, wait_idle

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


def _open(qtbot, window, ctx, case_id: int) -> None:
    window.open_case(case_id)
    qtbot.waitUntil(lambda: window.case_view.view is not None and window.case_view.view.id == case_id,
                    timeout=10000)
    wait_idle(qtbot, ctx)


def _refreshes(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name in ("muse_care.ui.queue", "muse_care.ui.main_window")]


def test_a_note_refreshes_the_pane_only(qtbot, window, ctx, sqlite_register, caplog) -> None:
    from muse_care.ui.qt import Qt

    case = add_case(sqlite_register)
    add_case(sqlite_register, name="Olwen Marsh", email="om@example.org", phone="020 7946 0002")
    window.refresh()
    wait_idle(qtbot, ctx)
    _open(qtbot, window, ctx, case.id)
    seen: list[object] = []
    ctx.op_executed.connect(lambda changes, _i: seen.append(changes))
    loads: list[int] = []
    window.model.loaded.connect(loads.append)
    caplog.set_level(logging.INFO, logger="muse_care.ui")
    caplog.clear()
    cv = window.case_view
    qtbot.keyClicks(cv.ui.new_note_edit, "Rang back")
    qtbot.mouseClick(cv.ui.add_note_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cv.ui.notes_list.count() == 1, timeout=10000)
    wait_idle(qtbot, ctx)
    assert len(seen) == 1, seen  # emitted once
    changes = seen[0]
    assert changes.case_id == case.id and changes.case
    assert not (changes.queue or changes.queue_row or changes.counts or changes.letters or changes.retrievals)
    assert loads == [] and _refreshes(caplog) == []  # neither the queue nor the nine counts


def test_an_assignment_replaces_one_row_and_reads_the_counts(qtbot, window, ctx, sqlite_register, caplog) -> None:
    from muse_care.ui.qt import Qt

    case = add_case(sqlite_register)
    add_case(sqlite_register, name="Olwen Marsh", email="om@example.org", phone="020 7946 0002")
    window.refresh()
    wait_idle(qtbot, ctx)
    _open(qtbot, window, ctx, case.id)
    loads: list[int] = []
    window.model.loaded.connect(loads.append)
    caplog.set_level(logging.INFO, logger="muse_care.ui")
    caplog.clear()
    cv = window.case_view
    cv.ui.assignee_edit.setText("giulia")
    with qtbot.waitSignal(window.model.row_refreshed, timeout=10000) as refreshed:
        qtbot.mouseClick(cv.ui.assign_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, ctx)
    assert refreshed.args == [case.id]
    assert loads == []  # the queue was not read again: one row was
    row = window.model.row_of_case(case.id)
    from muse_care.ui.queue_model import column

    assert window.model.index(row, column("assignee")).data() == "giulia"
    lines = _refreshes(caplog)
    assert any("refreshed" in x for x in lines) and any("counts" in x for x in lines), lines
    assert not any("reading" in x for x in lines), lines


def test_a_case_that_leaves_the_view_reloads_the_queue(qtbot, window, ctx, sqlite_register) -> None:
    from muse_care.ui.qt import Qt

    case = add_case(sqlite_register)
    add_case(sqlite_register, name="Olwen Marsh", email="om@example.org", phone="020 7946 0002")
    # "My cases": assigning the case to someone else takes it out of the view
    window.ui.views_list.setCurrentRow([v.key for v in __import__("muse_care.services.queue", fromlist=["x"]).SAVED_VIEWS].index("mine"))
    qtbot.waitUntil(lambda: window.model.query.view == "mine" and window.model.rowCount() == 2, timeout=10000)
    _open(qtbot, window, ctx, case.id)
    cv = window.case_view
    cv.ui.assignee_edit.setText("giulia")
    with qtbot.waitSignal(window.model.loaded, timeout=10000):
        qtbot.mouseClick(cv.ui.assign_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, ctx)
    assert window.model.rowCount() == 1 and window.model.row_of_case(case.id) is None
    # the pane still shows the case, and no queue row claims to be it
    assert cv.view.id == case.id
    assert not window.ui.queue_table.selectionModel().hasSelection()


def test_output_work_runs_beside_a_busy_database_thread(qtbot, ctx) -> None:
    release = threading.Event()
    ctx.worker.submit(lambda: release.wait(30))
    done: list[str] = []
    ctx.worker.submit_output(lambda task: "pdf", done.append)
    qtbot.waitUntil(lambda: done == ["pdf"], timeout=10000)  # while the database job still runs
    assert not ctx.worker.db_idle
    release.set()
    qtbot.waitUntil(lambda: ctx.worker.idle, timeout=10000)


def test_a_long_output_job_shows_progress_and_cancels(qtbot, ctx) -> None:
    from muse_care.ui.qt import Qt, QtWidgets
    from muse_care.ui.worker import Cancelled

    parent = QtWidgets.QWidget()
    qtbot.addWidget(parent)
    parent.show()
    steps = threading.Event()

    def render(task) -> int:
        n = 0
        while n < 100_000:
            task.progress(n % 100, 100, f"Page {n}")
            task.check()
            n += 1
            steps.wait(0.01)
        return n

    failures: list[BaseException] = []
    task = ctx.worker.submit_output(render, lambda _r: None, failures.append, owner=parent, label="Printing")
    qtbot.waitUntil(lambda: any(isinstance(w, QtWidgets.QProgressDialog) and w.isVisible()
                                for w in QtWidgets.QApplication.topLevelWidgets() + parent.findChildren(QtWidgets.QProgressDialog)),
                    timeout=10000)
    dialog = parent.findChildren(QtWidgets.QProgressDialog)[0]
    assert dialog.windowTitle() == "Printing"
    button = next(b for b in dialog.findChildren(QtWidgets.QPushButton) if b.text() == "&Cancel")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(failures), timeout=10000)
    assert isinstance(failures[0], Cancelled) and task.cancelled
    qtbot.waitUntil(lambda: ctx.worker.idle, timeout=10000)
    from muse_care.ui.qt import isValid

    assert not isValid(dialog) or not dialog.isVisible()  # closed with the job
