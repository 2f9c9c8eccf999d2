"""What a queue cell answers for each role, read from the row's record made on the
worker: the text (shown and spoken), the due-date tooltip, the days-left cue as a
background and its own text colour, the case id; other roles nothing. The start's
first-page model answers the same."""

from __future__ import annotations

from datetime import date

import pytest

from muse_care.services import queue
from muse_care.services.queue import QueueQuery
from muse_care.ui.qt import QtGui, Qt
from muse_care.ui.queue_look import FirstPageModel
from muse_care.ui.queue_model import CUE_OVERDUE, QueueModel, column

from .conftest import add_case, wait_idle

pytestmark = pytest.mark.gui

ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole,
         Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.UserRole,
         Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.TextAlignmentRole,
         Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.SizeHintRole)


def _answers(model, row: int) -> list[list[object]]:
    out = []
    for col in range(model.columnCount()):
        values = []
        for role in ROLES:
            value = model.index(row, col).data(role)
            values.append(value.name() if isinstance(value, QtGui.QColor) else value)
        out.append(values)
    return out


def test_an_overdue_row_answers_each_role_from_its_record(qtbot, ctx) -> None:
    late = add_case(ctx.register, "Late Person", received=date(2026, 9, 1))  # due long ago
    model = QueueModel(ctx)
    with qtbot.waitSignal(model.loaded, timeout=15000):
        model.set_query(QueueQuery("all-open"))
    wait_idle(qtbot, ctx)
    row = model.row_of_case(late.id)
    assert row is not None
    days = model.index(row, column("days_left"))
    assert days.data().endswith("overdue")
    assert days.data(Qt.ItemDataRole.AccessibleTextRole) == days.data()
    assert days.data(Qt.ItemDataRole.ToolTipRole).startswith(f"Due {model.row_at(row).due_date:%a %d %b %Y}: ")
    assert days.data(Qt.ItemDataRole.BackgroundRole) == CUE_OVERDUE[0]
    assert days.data(Qt.ItemDataRole.ForegroundRole) == CUE_OVERDUE[1]
    name = model.index(row, column("requester"))
    assert name.data() == "Late Person"
    for role in ROLES[2:5] + ROLES[6:]:
        assert name.data(role) is None, role
    assert {model.index(row, c).data(Qt.ItemDataRole.UserRole) for c in range(model.columnCount())} == {late.id}
    assert model.index(row, model.columnCount()).data() is None
    assert model.index(-1, 0).data() is None
    # the start's first page shows the same cells
    first = FirstPageModel()
    first.show_page(model.rowCount(), [model.row_at(i) for i in range(model.rowCount())])
    assert _answers(first, row) == _answers(model, row)


def test_a_row_not_read_yet_shows_an_ellipsis_and_nothing_else(qtbot, ctx) -> None:
    from muse_care.services.demo import generate

    generate(ctx.register, 2 * queue.PAGE_SIZE + 50, seed=5)
    big = max(("all-open", "closed"), key=lambda v: queue.count(ctx.register, QueueQuery(v)))
    model = QueueModel(ctx)
    with qtbot.waitSignal(model.loaded, timeout=15000):
        model.set_query(QueueQuery(big))
    last = model.rowCount() - 1
    assert last >= queue.PAGE_SIZE
    answers = _answers(model, last)
    assert all(values[0] == "…" and not any(v is not None for v in values[1:]) for values in answers)
    wait_idle(qtbot, ctx)  # the page it asked for
    assert model.index(last, 0).data().startswith("MC-")


def _rows():
    from muse_care.domain.case import CaseRow, Channel, Right, Status

    today = date(2026, 11, 25)
    out = []
    for i, (status, days) in enumerate([(Status.NEW, -5), (Status.IN_PROGRESS, 0), (Status.NEW, 2),
                                        (Status.AWAITING_IDENTITY, None), (Status.CLOSED, 12), (Status.NEW, 20)]):
        due = None if days is None else date.fromordinal(today.toordinal() + days)
        out.append(CaseRow(id=i + 1, reference=f"MC-ABC-DEF{i}", requester_name="Bartholomew Featherstonehaugh-" * (i % 2 + 1),
                           rights=(Right.ACCESS, Right.ERASURE), channel=Channel.LIVE_CHAT, status=status,
                           received=date(2026, 11, 1), due_date=due, days_left=days, overdue=days is not None and days < 0,
                           assignee="giulia" if i % 2 else "", retention_at_risk=i == 2))
    return out


def _table(qtbot, delegate: bool):
    from muse_care.ui.qt import QtWidgets
    from muse_care.ui.queue_look import QueueDelegate, configure_queue_table

    model = FirstPageModel()
    model.show_page(8, _rows())  # two rows not read yet
    table = QtWidgets.QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    configure_queue_table(table)
    table.setAlternatingRowColors(True)
    if not delegate:
        table.setItemDelegate(QtWidgets.QStyledItemDelegate(table))
    assert isinstance(table.itemDelegate(), QueueDelegate) == delegate
    table.setColumnWidth(1, 90)  # the long names are elided
    table.resize(900, 260)
    table.show()
    qtbot.waitExposed(table)
    table._model = model  # kept alive with the table
    return table


def test_the_queue_delegate_paints_the_cells_as_the_style_does(qtbot) -> None:
    """The delegate lays each text out once and paints it itself; what it paints is the
    style's own picture: cue backgrounds and colours, elided text, the rows not read
    yet, the selected row; and again after the font changes."""
    from muse_care.ui.qt import QtGui

    ours, styles = _table(qtbot, True), _table(qtbot, False)
    for step in ("plain", "selected", "bigger font"):
        if step == "selected":
            for table in (ours, styles):
                table.selectRow(1)
        if step == "bigger font":
            for table in (ours, styles):
                font = QtGui.QFont(table.font())
                font.setPointSizeF(font.pointSizeF() * 1.4)
                table.setFont(font)
        a, b = ours.viewport().grab().toImage(), styles.viewport().grab().toImage()
        assert a.size() == b.size()
        assert a == b, step


def test_the_start_paths_roles_are_qts_own() -> None:
    """ui/qt.Role gives the item roles the start path asks for as ints, so that using one
    builds no Qt enum before the first paint; they must be Qt's own values."""
    from muse_care.ui.qt import Qt, Role

    role = Qt.ItemDataRole
    assert (Role.DISPLAY, Role.TOOLTIP, Role.BACKGROUND, Role.FOREGROUND, Role.ACCESSIBLE_TEXT, Role.USER) == \
        (role.DisplayRole.value, role.ToolTipRole.value, role.BackgroundRole.value, role.ForegroundRole.value,
         role.AccessibleTextRole.value, role.UserRole.value)
