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
            values.append(value.color().name() if isinstance(value, QtGui.QBrush) else value)
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
    assert days.data(Qt.ItemDataRole.BackgroundRole).color() == CUE_OVERDUE[0]
    assert days.data(Qt.ItemDataRole.ForegroundRole).color() == CUE_OVERDUE[1]
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
