"""What the queue benchmarks (bench_queue.py on SQLite, bench_team_queue.py on
PostgreSQL) share: the window's queue table that notes when each paint of its rows
ends, an event loop run until a condition holds, and the SELECTs the window's reads
send, captured so that the floor can replay them on a raw connection."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


class Capture:
    """The SELECT statements sent through ``engine`` while ``on`` is set."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.on = False
        self.statements: list[tuple[str, Any]] = []
        self.engine = engine
        event.listen(engine, "before_cursor_execute", self._capture)

    def stop(self) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._capture)

    def _capture(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if self.on and statement.lstrip().upper().startswith("SELECT"):
            self.statements.append((statement, parameters))


def replay(con: Any, statements: list[tuple[str, Any]]) -> float:
    """The floor: ``statements`` on the raw connection ``con`` (sqlite3 or psycopg), warm
    (milliseconds of the second of two runs)."""
    return replay_both(con, statements)[1]


def replay_both(con: Any, statements: list[tuple[str, Any]]) -> tuple[float, float]:
    """``statements`` run twice on ``con``: the milliseconds of the first run (as the
    window ran them: the first time for this term, the connection warm from the ones
    before) and of the second (warm)."""
    def once() -> float:
        started = time.perf_counter()
        for sql, params in statements:
            con.execute(sql, params).fetchall()
        return 1000 * (time.perf_counter() - started)
    first = once()
    return first, once()


def queue_window(ctx: Any, model: Any, default_timeout: float = 120) -> tuple[Any, list[float],
                                                                            Callable[..., None]]:
    """The queue table on ``model`` set up as the window sets it up, shown; the list of
    the times each paint of its rows ended; and ``until(cond, timeout)``."""
    from muse_care.ui.qt import QtCore, QtWidgets
    from muse_care.ui.queue_look import configure_queue_table

    paint_ends: list[float] = []  # when each paint of the table's rows ended
    waiting: list[Callable[[], None]] = []  # the checks of the until() running

    class Table(QtWidgets.QTableView):
        """The window's queue table, noting when each paint of its rows ends."""

        def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
            super().paintEvent(event)
            paint_ends.append(time.perf_counter())
            for check in list(waiting):
                check()

    view = Table()
    view.setModel(model)
    configure_queue_table(view)  # as the window sets it up (ui/queue_look.py)
    view.setAlternatingRowColors(True)  # and as its form does
    view.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
    view.resize(1200, 700)
    view.show()

    def until(cond: Callable[[], bool], timeout: float = default_timeout) -> None:
        """Run the event loop (sleeping, as the real window does) until ``cond``, checked
        after each paint, each worker result and every 20 ms: a busy processEvents loop,
        or a 1 ms timer, would take the GIL from the worker thread and slow it down."""
        if cond():
            return
        loop = QtCore.QEventLoop()
        end = time.perf_counter() + timeout

        def check(*_args: Any) -> None:
            if cond() or time.perf_counter() > end:
                loop.quit()

        signals = (ctx.worker.busy_changed, model.first_page_shown, model.dataChanged, model.loaded)
        for signal in signals:
            signal.connect(check)
        timer = QtCore.QTimer(interval=20)
        timer.timeout.connect(check)
        timer.start()
        waiting.append(check)
        while not cond() and time.perf_counter() <= end:  # (a quit lets the loop finish its round)
            loop.exec()
        waiting.remove(check)
        timer.stop()
        for signal in signals:
            signal.disconnect(check)
        if not cond():
            raise TimeoutError

    return view, paint_ends, until
