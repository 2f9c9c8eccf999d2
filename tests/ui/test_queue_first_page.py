"""The queue paints its first page before the count, and a stale read (an earlier
keystroke, another view) never runs ahead of the newer one nor shows its rows over
it; the saved views' counts wait until the queue's own reads are done."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event

from muse_care.services import queue
from muse_care.services.queue import PAGE_SIZE, QueueQuery
from muse_care.ui.qt import Qt, QtWidgets
from muse_care.ui.queue_model import QueueModel

from .conftest import wait_idle

pytestmark = pytest.mark.gui


@pytest.fixture
def many(ctx):
    from muse_care.services.demo import generate

    generate(ctx.register, 2 * PAGE_SIZE + 50, seed=5)
    return ctx


def _statements(register):
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_rest) -> None:
        seen.append(statement)

    event.listen(register.engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(register.engine, "before_cursor_execute", record)


def _block(ctx) -> threading.Event:
    """Hold the database thread until the returned event is set."""
    gate = threading.Event()
    ctx.worker.submit(lambda: gate.wait(10), lambda _r: None)
    return gate


def test_the_first_page_is_shown_before_the_count_and_the_rows_after_it_follow(qtbot, many) -> None:
    ctx = many
    model = QueueModel(ctx)
    view = QtWidgets.QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    events: list[tuple[str, int, bool]] = []
    model.first_page_shown.connect(lambda n: events.append(("page", model.rowCount(), model.count_known)))
    model.loaded.connect(lambda n: events.append(("loaded", n, model.count_known)))
    q = QueueQuery("all-open", sort="requester")
    total = queue.count(ctx.register, q)
    assert total > PAGE_SIZE
    with qtbot.waitSignal(model.loaded, timeout=15000):
        model.set_query(q)
    assert events == [("page", PAGE_SIZE, False), ("loaded", total, True)]
    assert model.rowCount() == total
    expected = [r.id for r in queue.fetch_rows(ctx.register, q, 0, total, total=total)]
    for i in range(total):
        model.data(model.index(i, 0))  # asks for the page
    wait_idle(qtbot, ctx)
    assert [model.row_at(i).id for i in range(total)] == expected


def test_a_page_that_is_not_full_needs_no_count(qtbot, many) -> None:
    ctx = many
    model = QueueModel(ctx)
    seen, stop = _statements(ctx.register)
    try:
        with qtbot.waitSignal(model.loaded, timeout=15000) as got:
            model.set_query(QueueQuery("awaiting-approval"))
        wait_idle(qtbot, ctx)
    finally:
        stop()
    n = queue.count(ctx.register, QueueQuery("awaiting-approval"))
    assert got.args == [n] and model.rowCount() == n < PAGE_SIZE
    assert not any("count(" in s.lower() for s in seen)


def test_only_the_latest_keystroke_runs_and_is_shown(qtbot, many) -> None:
    ctx = many
    model = QueueModel(ctx)
    shown: list[str] = []
    model.first_page_shown.connect(lambda _n: shown.append(model.query.search))
    seen, stop = _statements(ctx.register)
    try:
        gate = _block(ctx)  # the keystrokes queue up behind a slow read
        for typed in ("S", "Sm", "Smi", "Smith"):
            model.set_query(QueueQuery(search=typed))
        gate.set()
        with qtbot.waitSignal(model.loaded, timeout=15000):
            pass
        wait_idle(qtbot, ctx)
    finally:
        stop()
    assert shown == ["Smith"]
    assert sum("case_search MATCH" in s for s in seen) == 1 + (model.rowCount() >= PAGE_SIZE)
    expected = queue.fetch_rows(ctx.register, QueueQuery(search="Smith"), 0, PAGE_SIZE)
    assert [model.row_at(i).id for i in range(min(model.rowCount(), PAGE_SIZE))] == [r.id for r in expected]


def test_a_stale_count_is_never_shown_over_a_newer_view(qtbot, many) -> None:
    ctx = many
    sizes = {v: queue.count(ctx.register, QueueQuery(v)) for v in ("all-open", "closed")}
    big, small = sorted(sizes, key=sizes.get, reverse=True)
    assert sizes[big] > PAGE_SIZE
    model = QueueModel(ctx)
    loads: list[int] = []
    model.loaded.connect(loads.append)
    with qtbot.waitSignal(model.first_page_shown, timeout=15000):
        model.set_query(QueueQuery(big))
    model.set_query(QueueQuery(small))  # before the big view's count arrived
    qtbot.waitUntil(lambda: bool(loads), timeout=15000)
    wait_idle(qtbot, ctx)
    assert loads == [sizes[small]] and model.rowCount() == sizes[small]


def test_the_view_counts_wait_for_the_queue_reads(qtbot, window, ctx, monkeypatch) -> None:
    order: list[str] = []
    real = queue.view_counts

    def counting(register):
        order.append("counts read")
        return real(register)

    monkeypatch.setattr(queue, "view_counts", counting)
    window.model.loaded.connect(lambda _n: order.append("queue shown"))
    gate = _block(ctx)
    window.refresh_counts()
    window.refresh_counts()  # coalesced: one read of the counts
    window.model.reload()
    window.counts = {}
    gate.set()
    qtbot.waitUntil(lambda: bool(window.counts), timeout=15000)
    wait_idle(qtbot, ctx)
    assert order == ["queue shown", "counts read"]
    assert window.counts == real(ctx.register)


def test_the_service_stops_a_cancelled_query(many, monkeypatch) -> None:
    reg = many.register
    with pytest.raises(queue.QueryCancelled):
        queue.fetch_rows(reg, QueueQuery(search="Smith"), 0, cancelled=lambda: True)
    with pytest.raises(queue.QueryCancelled):
        queue.count(reg, QueueQuery("all-open"), cancelled=lambda: True)
    # turned stale while the query runs: SQLite's progress handler interrupts it
    monkeypatch.setattr(queue, "INTERRUPT_STEPS", 10)
    calls = []

    def stale_soon() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(queue.QueryCancelled):
        queue.count(reg, QueueQuery("all-open", search="a"), cancelled=stale_soon)
    assert len(calls) > 3
    # and the connection is fine afterwards, without the handler
    assert queue.count(reg, QueueQuery("all-open")) > 0
    assert len(queue.fetch_rows(reg, QueueQuery("all-open"), 0, 10, cancelled=lambda: False)) == 10


def test_a_re_sort_keeps_the_count_and_resets_once_to_the_full_length(qtbot, many) -> None:
    ctx = many
    model = QueueModel(ctx)
    with qtbot.waitSignal(model.loaded, timeout=15000):
        model.set_query(QueueQuery("all-open"))
    wait_idle(qtbot, ctx)
    total = model.rowCount()
    assert total > PAGE_SIZE
    events: list[tuple[str, int, bool]] = []
    model.modelReset.connect(lambda: events.append(("reset", model.rowCount(), model.count_known)))
    model.rowsInserted.connect(lambda *_a: events.append(("inserted", model.rowCount(), model.count_known)))
    model.loaded.connect(lambda n: events.append(("loaded", n, model.count_known)))
    seen, stop = _statements(ctx.register)
    try:
        for sort, descending in (("requester", False), ("requester", True)):
            q = QueueQuery("all-open", sort=sort, descending=descending)
            with qtbot.waitSignal(model.loaded, timeout=15000):
                model.sort(1, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
            wait_idle(qtbot, ctx)
            expected = queue.fetch_rows(ctx.register, q, 0, PAGE_SIZE)
            assert [model.row_at(i).id for i in range(PAGE_SIZE)] == [r.id for r in expected]
    finally:
        stop()
    # the same rows in another order: no count read, one reset straight to the full length
    assert not any("count(" in s.lower() for s in seen)
    assert events == [("reset", total, True), ("loaded", total, True)] * 2
    # another view is counted again
    with qtbot.waitSignal(model.loaded, timeout=15000):
        model.set_query(QueueQuery("closed"))
    assert model.rowCount() == queue.count(ctx.register, QueueQuery("closed"))


def test_a_re_sort_counts_again_when_the_first_page_says_the_rows_changed(qtbot, ctx) -> None:
    from .conftest import add_case

    for i in range(3):
        add_case(ctx.register, f"Person {i}")
    model = QueueModel(ctx)
    with qtbot.waitSignal(model.loaded, timeout=15000):
        model.set_query(QueueQuery("all-open"))
    assert model.rowCount() == 3
    add_case(ctx.register, "Someone New")  # written behind the model's back
    with qtbot.waitSignal(model.loaded, timeout=15000) as got:
        model.sort(1)
    assert got.args == [4] and model.rowCount() == 4


def test_the_window_shows_a_re_sorted_queue_from_its_first_row(qtbot, window, ctx) -> None:
    from muse_care.services.demo import generate

    generate(ctx.register, 2 * PAGE_SIZE + 50, seed=5)
    big = max(("all-open", "closed"), key=lambda v: queue.count(ctx.register, QueueQuery(v)))
    with qtbot.waitSignal(window.model.loaded, timeout=15000):
        if big == window.model.query.view:
            window.refresh()
        else:
            window.ui.views_list.setCurrentRow(queue.VIEW_KEYS.index(big))
    assert window.model.rowCount() > PAGE_SIZE
    table = window.ui.queue_table
    table.scrollToBottom()
    qtbot.waitUntil(lambda: window.model.row_at(window.model.rowCount() - 1) is not None, timeout=15000)
    assert table.verticalScrollBar().value() > 0
    with qtbot.waitSignal(window.model.loaded, timeout=15000):
        table.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
    assert window.model.query.sort == "requester"
    assert table.verticalScrollBar().value() == 0 and table.rowAt(0) == 0
