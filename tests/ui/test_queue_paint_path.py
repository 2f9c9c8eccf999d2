"""The queue's way to its paint (docs/performance.md, "Queue paint toward its floor"):
a page is kept as the service's plain lines and its records made from them show what
the rows' CaseRows show; a full first page's count waits for that page's paint; a
jump to rows not read yet paints them once, when they are in (or as "…" if they are
slow to come); the statements compiled once still answer for the day, the agent and
the settings of each read."""

from __future__ import annotations

import itertools
import threading
from datetime import date, datetime, timedelta, timezone

import pytest

from muse_care.domain.case import Channel, Status
from muse_care.services import queue
from muse_care.services.queue import PAGE_SIZE, QueueQuery
from muse_care.ui.qt import QtWidgets
from muse_care.ui.queue_look import PLACEHOLDER, QueueDelegate, configure_queue_table, row_record
from muse_care.ui.queue_model import QueueModel, line_record

from .conftest import add_case, wait_idle

pytestmark = pytest.mark.gui


@pytest.fixture
def many(ctx):
    from muse_care.services.demo import generate

    generate(ctx.register, 2 * PAGE_SIZE + 50, seed=5)
    return ctx


def test_a_line_makes_the_record_its_case_row_makes() -> None:
    """Every status, days left around each cue's edge, no due date, rights and channels
    as stored, retention at risk or not, an assignee or none."""
    today = date(2026, 11, 25)
    rights = ["access", "access,erasure", "marketing-opt-out", "rectification,restriction,portability"]
    n = 0
    for status, days, right, channel, risk, assignee in itertools.product(
            Status, [-12, -2, -1, 0, 1, 2, 3, 4, 31, None], rights, list(Channel), (False, True), ("", "giulia")):
        n += 1
        due = None if days is None else today + timedelta(days=days)
        is_open = status.value in {"new", "awaiting-identity", "in-progress", "awaiting-clarification",
                                   "awaiting-approval"}
        line = (n, f"MC-ABC-{n:04d}", f"Person {n}", right, channel.value, status.value, date(2026, 10, 1), due,
                assignee, is_open, risk, days)
        assert line_record(line) == row_record(queue.row_of(line)), line
    assert n == 10_080


def test_the_count_of_a_full_first_page_waits_for_its_paint(qtbot, many) -> None:
    big = max(("all-open", "closed"), key=lambda v: queue.count(many.register, QueueQuery(v)))
    model = QueueModel(many)
    with qtbot.waitSignal(model.first_page_shown, timeout=15000):
        model.set_query(QueueQuery(big))
    assert model.rowCount() == PAGE_SIZE and not model.count_known
    # nothing on the database thread: the count waits, counted as pending work
    assert many.worker.db_idle and not many.worker.idle
    model.index(0, 0).data()  # a view painting the page asks for its cells...
    with qtbot.waitSignal(model.loaded, timeout=15000):  # ...and the count starts after that paint
        pass
    assert model.rowCount() == queue.count(many.register, QueueQuery(big))
    # with no view painting it, the count comes all the same
    other = "closed" if big == "all-open" else "all-open"
    with qtbot.waitSignal(model.loaded, timeout=15000):
        model.set_query(QueueQuery(other))
    wait_idle(qtbot, many)
    assert model.count_known and model.rowCount() == queue.count(many.register, QueueQuery(other))


def _painted_table(qtbot, ctx):
    """A queue table on a QueueModel of the larger view, and the records its delegate
    paints (placeholders included)."""
    big = max(("all-open", "closed"), key=lambda v: queue.count(ctx.register, QueueQuery(v)))
    model = QueueModel(ctx)
    table = QtWidgets.QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    configure_queue_table(table)
    table.resize(900, 300)
    table.show()
    qtbot.waitExposed(table)
    with qtbot.waitSignal(model.loaded, timeout=15000):
        model.set_query(QueueQuery(big))
    wait_idle(qtbot, ctx)
    painted: list[object] = []
    record = model.record

    def noted(row: int):
        found = record(row)
        painted.append(found)
        return found

    model.record = noted  # what the delegate reads for each cell it paints
    table.viewport().repaint()
    assert painted and PLACEHOLDER not in painted
    painted.clear()
    return table, model, painted


def test_a_jump_to_rows_not_read_yet_paints_them_once_they_are_in(qtbot, many) -> None:
    table, model, painted = _painted_table(qtbot, many)
    last = model.rowCount() - 1
    assert model.row_at(last) is None
    table.scrollToBottom()
    qtbot.waitUntil(lambda: model.row_at(last) is not None, timeout=15000)
    qtbot.waitUntil(lambda: any(r is not PLACEHOLDER for r in painted), timeout=15000)
    wait_idle(qtbot, many)
    assert PLACEHOLDER not in painted  # never painted as "…": one paint, with the rows
    assert table.viewport().grab().toImage() == _fresh_grab(table)


def _fresh_grab(table):
    table.viewport().repaint()
    return table.viewport().grab().toImage()


def test_a_jump_whose_rows_are_slow_to_come_paints_them_as_ellipses_meanwhile(qtbot, many) -> None:
    table, model, painted = _painted_table(qtbot, many)
    last = model.rowCount() - 1
    gate = threading.Event()
    many.worker.submit(lambda: gate.wait(10), lambda _r: None)  # the database thread is busy
    try:
        table.scrollToBottom()
        qtbot.waitUntil(lambda: PLACEHOLDER in painted, timeout=2000)  # after QueueDelegate.HOLD_MS
        assert model.row_at(last) is None
    finally:
        gate.set()
    held = len(painted)
    qtbot.waitUntil(lambda: model.row_at(last) is not None, timeout=15000)
    qtbot.waitUntil(lambda: any(r is not PLACEHOLDER for r in painted[held:]), timeout=15000)  # painted again
    wait_idle(qtbot, many)
    assert PLACEHOLDER not in painted[-10:]


def test_a_held_paint_is_let_go_when_the_model_resets(qtbot, many) -> None:
    table, model, painted = _painted_table(qtbot, many)
    gate = threading.Event()
    many.worker.submit(lambda: gate.wait(10), lambda _r: None)
    delegate = table.itemDelegate()
    assert isinstance(delegate, QueueDelegate)
    try:
        table.scrollToBottom()
        assert delegate._held is model
        model.beginResetModel()
        model.endResetModel()
        assert delegate._held is None
    finally:
        gate.set()
    wait_idle(qtbot, many)


def test_the_compiled_pages_answer_for_the_day_and_the_agent(qtbot, ctx) -> None:
    from muse_care.services.register import Actor, Register

    reg = ctx.register
    add_case(reg, "Due Soon", received=date(2026, 10, 28), assignee="aisha")  # due late November
    add_case(reg, "Tom's Case", received=date(2026, 11, 20), assignee="tom")
    clock = [datetime(2026, 11, 25, 10, tzinfo=timezone.utc)]
    aisha = Register(reg.engine, Actor("aisha", "Aisha Khan"), now=lambda: clock[0])
    tom = Register(reg.engine, Actor("tom", "Tom"), now=lambda: clock[0])

    def names(r, view: str) -> list[str]:
        return [x.requester_name for x in queue.fetch_rows(r, QueueQuery(view), 0, 50)]

    assert names(aisha, "mine") == ["Due Soon"] and names(tom, "mine") == ["Tom's Case"]
    soon = names(aisha, "due-7")
    assert "Due Soon" in soon
    days = queue.fetch_rows(aisha, QueueQuery("all-open"), 0, 50)
    clock[0] += timedelta(days=40)  # another day: the same query, other dates in it
    assert "Due Soon" not in names(aisha, "due-7")
    later = {r.id: r.days_left for r in queue.fetch_rows(aisha, QueueQuery("all-open"), 0, 50)}
    assert all(later[r.id] == r.days_left - 40 for r in days if r.days_left is not None)


def test_the_page_after_a_retention_setting_changes_says_so(qtbot, ctx) -> None:
    from muse_care.services.settings import set_setting
    from muse_care.store.models import RetrievalRecord, SourceRecord

    reg = ctx.register
    case = add_case(reg, "Rosa Luxembourg")
    with reg.unit_of_work() as s:
        src = SourceRecord(code="calls", name="Call recordings", retention_months=6, identifier_kind="phone")
        s.add(src)
        s.flush()
        s.add(RetrievalRecord(case_id=case.id, source_id=src.id, result="found", retrieved_by="aisha",
                              retrieved_at=datetime.now(timezone.utc), purge_on=reg.today() + timedelta(days=12)))

    def at_risk() -> bool:
        return next(r for r in queue.fetch_rows(reg, QueueQuery("all-open"), 0, 50) if r.id == case.id) \
            .retention_at_risk

    assert at_risk()
    set_setting(reg, "retention_warn_days", 7)
    assert not at_risk()


def test_a_job_submitted_soon_starts_once_and_at_the_latest_after_its_wait(qtbot, ctx) -> None:
    worker = ctx.worker
    ran: list[int] = []
    start = worker.submit_soon(lambda: ran.append(1) or 1, lambda _r: None, within_ms=10_000)
    assert not worker.idle and worker.db_idle and ran == []
    start()
    start()
    wait_idle(qtbot, ctx)
    assert ran == [1]
    worker.submit_soon(lambda: ran.append(2) or 2, lambda _r: None, within_ms=5)  # never started by hand
    wait_idle(qtbot, ctx)
    assert ran == [1, 2]


def test_a_drag_of_the_scroll_bar_is_painted_at_each_step_never_held(qtbot, many) -> None:
    """Holding each step's paint while its rows came made a drag show an empty table for
    20-110 ms at each step (an outside tester); a drag paints at once, "…" until the rows
    come, and the rows then."""
    table, model, painted = _painted_table(qtbot, many)
    last = model.rowCount() - 1
    bar = table.verticalScrollBar()
    bar.setSliderDown(True)
    try:
        bar.setValue(bar.maximum())
        table.viewport().repaint()
        assert PLACEHOLDER in painted  # painted at once, not held
    finally:
        bar.setSliderDown(False)
    qtbot.waitUntil(lambda: model.row_at(last) is not None, timeout=15000)
    wait_idle(qtbot, many)
