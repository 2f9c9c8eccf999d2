"""The case view's "Tasks" tab, offscreen: keyboard-first settling, the next open task
selected after each, errors kept at the field; the model through qtmodeltester."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from muse_care.domain.systems import TaskStatus  # noqa: E402
from muse_care.services import cases, tasks  # noqa: E402
from muse_care.services.cases import CaseDraft  # noqa: E402

pytestmark = [pytest.mark.gui]


@pytest.fixture
def keep():  # noqa: ANN201
    held: list[object] = []
    yield held
    held.clear()


@pytest.fixture
def ctx(qtbot, keep, sqlite_register, tmp_path: Path):  # noqa: ANN001, ANN201
    from muse_care.services.register import Actor
    from muse_care.ui.context import AppContext
    from muse_care.ui.qt import QtCore

    settings = QtCore.QSettings(str(tmp_path / "layout.ini"), QtCore.QSettings.Format.IniFormat)
    context = AppContext(sqlite_register, Actor("aisha", "Aisha Khan"), settings=settings)
    yield context
    context.worker.shutdown()


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread(qtbot):  # noqa: ANN001, ANN201
    yield
    import gc

    from muse_care.ui.qt import QtCore, QtWidgets

    QtWidgets.QApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    gc.collect()


def erasure_case(register):  # noqa: ANN001, ANN201
    return cases.add_case(register, CaseDraft(
        name="Giulia Rossi", rights=["erasure"], channel="email", received=date(2026, 11, 2),
        regime="uk-gdpr", email="giulia@example.com", country="GB"))


def open_tab(qtbot, ctx, keep, view):  # noqa: ANN001, ANN201
    from muse_care.ui.tasks_tab import TasksTab

    tab = TasksTab(ctx)
    keep.append(tab)
    qtbot.addWidget(tab)
    tab.resize(900, 500)
    tab.show()
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.show_case(view)
    return tab


def test_settling_from_the_keyboard_moves_to_the_next_open_task(qtbot, ctx, keep, sqlite_register) -> None:
    from muse_care.ui.qt import Qt

    view = erasure_case(sqlite_register)
    tab = open_tab(qtbot, ctx, keep, view)
    first = tab.current_task()
    assert first is not None and first.system == "call-recording" and not first.settled
    tab.table.setFocus()
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        qtbot.keyClick(tab, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert tasks.get_task(sqlite_register, first.id).status is TaskStatus.DONE
    nxt = tab.current_task()
    assert nxt is not None and nxt.system == "live-chat" and not nxt.settled
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        qtbot.keyClick(tab, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert tasks.get_task(sqlite_register, nxt.id).status is TaskStatus.NOTHING_HELD
    assert tab.current_task().system == "web-shop"
    assert "8 of 10 tasks open" in tab.summary.text()


def test_kept_needs_a_basis_and_a_refusal_keeps_what_was_typed(qtbot, ctx, keep, sqlite_register) -> None:
    view = erasure_case(sqlite_register)
    tab = open_tab(qtbot, ctx, keep, view)
    row = next(i for i in range(tab.model.rowCount()) if tab.model.task(i).system == "web-shop")
    tab.table.selectRow(row)
    shop = tab.current_task()
    assert tab.text.text().startswith("tax and accounting law")  # the system's declared duty
    tab.text.setText("")
    tab.notes.setText("orders 2019–2026 checked by Marco")
    tab.buttons["kept"].click()
    qtbot.waitUntil(lambda: "legal basis" in tab.status.text(), timeout=10000)
    assert tab.notes.text() == "orders 2019–2026 checked by Marco"
    assert tasks.get_task(sqlite_register, shop.id).status is TaskStatus.TODO
    tab.text.setText("tax law: billing records kept 7 years")
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.buttons["kept"].click()
    done = tasks.get_task(sqlite_register, shop.id)
    assert (done.status, done.basis, done.notes) == (TaskStatus.KEPT, "tax law: billing records kept 7 years",
                                                     "orders 2019–2026 checked by Marco")


def test_an_older_case_gets_its_list_from_the_button(qtbot, ctx, keep, sqlite_register) -> None:
    from tests.tasks.test_tasks_service import without_systems

    view = without_systems(sqlite_register, lambda: erasure_case(sqlite_register))
    tab = open_tab(qtbot, ctx, keep, view)
    assert tab.model.rowCount() == 0 and not tab.create_button.isHidden()
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        tab.create_button.click()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 10, timeout=10000)


def test_tasks_model_passes_qtmodeltester(qtmodeltester, sqlite_register) -> None:
    from muse_care.ui.tasks_tab import TasksModel

    view = erasure_case(sqlite_register)
    model = TasksModel()
    model.set_tasks(tasks.list_tasks(sqlite_register, view.reference), date(2026, 11, 25))
    qtmodeltester.check(model)


def test_records_window_shows_the_years_figures_and_exports(qtbot, ctx, keep, sqlite_register,
                                                            tmp_path: Path) -> None:
    from muse_care.ui.records_window import RecordsWindow

    for n, right in enumerate(["access", "erasure", "access"]):
        cases.add_case(sqlite_register, CaseDraft(
            name=f"Person {n}", rights=[right], channel="email", received=date(2026, 11, 2 + n),
            regime="uk-gdpr", email=f"p{n}@example.com", country="GB"))
    target = tmp_path / "register-2026.csv"
    window = RecordsWindow(ctx, save_file=lambda *_a: str(target))
    keep.append(window)
    qtbot.addWidget(window)
    window.year.blockSignals(True)
    window.year.setValue(2026)
    window.year.blockSignals(False)
    with qtbot.waitSignal(window.loaded, timeout=10000):
        window.reload()
    rows = {window.table.item(i, 0).text(): window.table.item(i, 1).text() for i in range(window.table.rowCount())}
    assert rows == {"Access (copy of data)": "2", "Erasure": "1"}
    assert "3 requests received in 2026" in window.caption.text()
    assert any("erasure tasks in" in window.systems.item(i).text() for i in range(window.systems.count()))
    with qtbot.waitSignal(window.exported, timeout=10000):
        window.export_register()
    assert target.read_text(encoding="utf-8-sig").count("\n") == 4


def test_the_leads_dashboard_shows_the_records_and_metrics(qtbot, ctx, keep, sqlite_register) -> None:
    from muse_care.ui.team_windows import DashboardWindow

    cases.add_case(sqlite_register, CaseDraft(
        name="Person", rights=["erasure"], channel="email", received=date(2026, 11, 2),
        regime="uk-gdpr", email="p@example.com", country="GB"))
    window = DashboardWindow(ctx)
    keep.append(window)
    qtbot.addWidget(window)
    window.records.year.blockSignals(True)
    window.records.year.setValue(2026)
    window.records.year.blockSignals(False)
    with qtbot.waitSignal(window.records.loaded, timeout=10000):
        window.pages.setCurrentIndex(1)
    assert window.pages.tabText(1) == "Records and metrics"
    assert window.records.table.item(0, 0).text() == "Erasure" and window.records.table.item(0, 1).text() == "1"
    assert any("erasure tasks in" in window.records.systems.item(i).text()
               for i in range(window.records.systems.count()))


def test_a_settled_task_announces_one_change_set_naming_the_case_and_its_counts(
        qtbot, ctx, keep, sqlite_register) -> None:  # noqa: ANN001
    """The tab's write is an operation: one change-set, with the case as the write left it,
    naming the counts (the My tasks view) and the tab as the one that made it."""
    from muse_care.ui.qt import Qt

    view = erasure_case(sqlite_register)
    tab = open_tab(qtbot, ctx, keep, view)
    seen: list[tuple[object, object]] = []
    ctx.op_executed.connect(lambda changes, initiator: seen.append((changes, initiator)))
    tab.table.setFocus()
    with qtbot.waitSignal(tab.loaded, timeout=10000):
        qtbot.keyClick(tab, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    assert len(seen) == 1, seen
    changes, initiator = seen[0]
    assert initiator is tab
    assert changes.case_id == view.id and changes.view is not None and changes.view.id == view.id
    assert changes.counts and changes.case and not changes.queue and not changes.letters
    assert len(changes.view.history) > len(view.history)  # read again after the write, not the old view
