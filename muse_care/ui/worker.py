"""Two executors (docs/architecture.md, "Workers"): every database call runs on the one *database* thread,
in order; PDF rendering, printing and file exports run on a second, *output* thread,
so a print run never holds up paging or search. Only callbacks, delivered on the GUI
thread, touch widgets.

``worker.submit(fn, on_success, on_failure)``
    database work: ``fn()`` runs on the database thread.
``worker.submit_idle(fn, on_success, key=...)``
    database work that may wait (the saved views' counts): handed to the database
    thread only when it has nothing else queued, so it never holds up a page or a
    search; a job not started yet is replaced by a newer one with the same ``key``.
``start = worker.submit_soon(fn, on_success, within_ms=...)``
    database work that should not start at once (the queue's count, after the first
    page's paint): counted as pending from now (``idle`` stays false), handed to the
    database thread when ``start()`` is called or after ``within_ms``, whichever is first.
``worker.submit_output(fn, on_success, on_failure, label=..., parent=...)``
    output work: ``fn(task)`` runs on the output thread and may call
    ``task.progress(done, total, text)`` and ``task.check()`` (raises
    :class:`Cancelled` once the agent pressed Cancel). A job still running after
    ``PROGRESS_AFTER_MS`` shows a progress dialog with Cancel over ``parent``. A
    cancelled job calls ``on_failure`` with :class:`Cancelled` (or drops it silently
    when there is no ``on_failure``).

Output jobs must not call services that write the database; read what they need on
the database thread first (``submit``), then hand plain bytes or objects over.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from muse_care.ui.qt import QtCore, QtWidgets, Signal, isValid

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

Callback = Callable[[Any], None]
PROGRESS_AFTER_MS = 1000  # "longer than a second": then the agent sees progress and Cancel


class Cancelled(Exception):
    """The agent cancelled an output job."""

    def __init__(self, label: str = "") -> None:
        super().__init__(f"{label or 'The job'} was cancelled.")


class Task(QtCore.QObject):
    """The handle an output job gets (on its thread) and its progress dialog watches
    (on the GUI thread). ``progress`` and ``cancel`` are safe from either thread."""

    progressed = Signal(int, int, str)

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self._cancel = threading.Event()
        self.done = 0
        self.total = 0
        self.text = ""

    def progress(self, done: int, total: int = 0, text: str = "") -> None:
        self.done, self.total, self.text = done, total, text
        self.progressed.emit(done, total, text)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Call between steps: raises :class:`Cancelled` once Cancel was pressed."""
        if self._cancel.is_set():
            raise Cancelled(self.label)


class _Lane:
    """One single-threaded executor whose results come back on the GUI thread."""

    def __init__(self, worker: Worker, name: str) -> None:
        self.worker = worker
        self.name = name
        self._pool: ThreadPoolExecutor | None = None
        self.pending = 0

    @property
    def pool(self) -> ThreadPoolExecutor:
        """Its thread, made with the first job: the window is painted before any job,
        and ``concurrent.futures`` costs ~5 ms of the start's CPU to import
        (docs/performance.md, "Fourth round")."""
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)
        return self._pool

    def shutdown(self) -> None:
        """Finish the job in hand, drop the queued ones (a lane never used has no thread)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, job: Callable[[], Any], on_success: Callback | None,
               on_failure: Callable[[BaseException], None] | None, owner: QtCore.QObject | None,
               extra: Any = None) -> Future[Any]:
        worker = self.worker
        worker.connect_done()  # before the job can finish
        self.pending += 1
        worker._count(+1)
        # Everything the job refers to travels back to the GUI thread with the result and
        # is released there: if the worker thread dropped the last reference to a widget
        # (held by a callback or by ``job``), Qt would destroy it on the wrong thread.
        parcel = [job, on_success, on_failure, owner, extra]

        def run() -> None:
            fn = parcel[0]
            try:
                outcome: tuple[bool, Any] = (True, fn())
            except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
                outcome = (False, exc)
            del fn
            ok = outcome[0]
            worker._done.emit((self, ok, parcel[1] if ok else parcel[2], outcome[1], parcel[3],
                               parcel[0], parcel[4]))
            parcel.clear()
            del outcome

        return self.pool.submit(run)


class Worker(QtCore.QObject):
    """``submit`` for the database, ``submit_output`` for PDFs, printing and exports.

    Without ``on_failure`` a database job's exception goes to ``default_failure`` (the
    AppContext sets it to its classified error handler). ``idle`` is true when nothing
    is queued or running on either thread: tests wait on it with
    ``qtbot.waitUntil(lambda: worker.idle)``; ``db_idle`` and ``output_idle`` tell
    them apart.
    """

    _done = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._db = _Lane(self, "muse-care-db")
        self._output = _Lane(self, "muse-care-output")
        self._pending = 0
        self._closed = False
        self._tasks: set[Task] = set()
        self._waiting: dict[object, tuple[Any, ...]] = {}  # submit_idle jobs, oldest first
        self.default_failure: Callable[[BaseException], None] = _reraise
        self._connected = False  # _done to _deliver, at the first job (connect_done)

    def connect_done(self) -> None:
        """Results come back to the GUI thread through a queued connection, made with
        the first job: naming its type builds the Qt namespace's enums, which the
        window's first paint does without (docs/performance.md, "Start-up")."""
        if not self._connected:
            self._connected = True
            self._done.connect(self._deliver, QtCore.Qt.ConnectionType.QueuedConnection)

    @property
    def idle(self) -> bool:
        return self._pending == 0

    @property
    def db_idle(self) -> bool:
        return self._db.pending == 0

    @property
    def output_idle(self) -> bool:
        return self._output.pending == 0

    def _count(self, delta: int) -> None:
        self._pending += delta
        if delta > 0 and self._pending == 1:
            self.busy_changed.emit(True)
        elif delta < 0 and self._pending == 0:
            self.busy_changed.emit(False)

    @staticmethod
    def _owner(owner: QtCore.QObject | None, on_success: Any) -> QtCore.QObject | None:
        if owner is None and isinstance(getattr(on_success, "__self__", None), QtCore.QObject):
            return on_success.__self__  # type: ignore[no-any-return]
        return owner

    def submit(self, fn: Callable[[], Any], on_success: Callback | None = None,
               on_failure: Callable[[BaseException], None] | None = None, *,
               owner: QtCore.QObject | None = None) -> Future[Any] | None:
        """Database work. ``owner``: the widget the callbacks belong to (default: the
        object of a bound ``on_success``); if it has been deleted meanwhile the result
        is dropped."""
        if self._closed:
            return None
        return self._db.submit(fn, on_success, on_failure, self._owner(owner, on_success))

    def submit_idle(self, fn: Callable[[], Any], on_success: Callback | None = None,
                    on_failure: Callable[[BaseException], None] | None = None, *,
                    owner: QtCore.QObject | None = None, key: object = None) -> None:
        """Database work that waits until the database thread has nothing else queued
        (docs/architecture.md, "Workers"). A waiting job with the same ``key`` is
        replaced: the newer one reads the same things, later."""
        if self._closed:
            return
        key = object() if key is None else key
        if self._waiting.pop(key, None) is None:
            self._count(+1)
        self._waiting[key] = (fn, on_success, on_failure, self._owner(owner, on_success))
        self._start_waiting()

    def _start_waiting(self) -> None:
        if self._closed or self._db.pending or not self._waiting:
            return
        key = next(iter(self._waiting))
        fn, on_success, on_failure, owner = self._waiting.pop(key)
        self._db.submit(fn, on_success, on_failure, owner)
        self._count(-1)  # (after the lane counted it: busy never flickers off)

    def submit_soon(self, fn: Callable[[], Any], on_success: Callback | None = None,
                    on_failure: Callable[[BaseException], None] | None = None, *,
                    owner: QtCore.QObject | None = None, within_ms: int = 20) -> Callable[[], None]:
        """Database work to start soon, not now (docs/performance.md, "Queue paint toward
        its floor"): pending from now on, so that ``idle`` stays false; it goes to the
        database thread when the returned ``start()`` is first called, or after
        ``within_ms`` at the latest."""
        if self._closed:
            return _nothing
        owner = self._owner(owner, on_success)
        self._count(+1)
        started = False

        def start() -> None:
            nonlocal started
            if started:
                return
            started = True
            if not self._closed:
                self._db.submit(fn, on_success, on_failure, owner)
            self._count(-1)  # (after the lane counted it: busy never flickers off)

        QtCore.QTimer.singleShot(within_ms, self, start)
        return start

    def submit_output(self, fn: Callable[[Task], Any], on_success: Callback | None = None,
                      on_failure: Callable[[BaseException], None] | None = None, *,
                      owner: QtCore.QObject | None = None, label: str = "Working",
                      parent: QtWidgets.QWidget | None = None) -> Task | None:
        """Output work (render, print, export): ``fn(task)`` on the output thread. The
        returned :class:`Task` can be cancelled; a progress dialog with Cancel appears
        over ``parent`` (default: the owner, if it is a widget) once the job has run for
        ``PROGRESS_AFTER_MS``."""
        if self._closed:
            return None
        owner = self._owner(owner, on_success)
        task = Task(label)
        if parent is None and isinstance(owner, QtWidgets.QWidget):
            parent = owner
        dialog = _ProgressDialog(task, parent)
        self._tasks.add(task)
        self._output.submit(lambda: fn(task), on_success, on_failure, owner, (task, dialog))
        return task

    def _deliver(self, item: tuple[Any, ...]) -> None:
        lane, ok, callback, value, owner, _job, extra = item
        lane.pending -= 1
        try:
            if extra is not None:
                self._tasks.discard(extra[0])
                extra[1].finish()
            if owner is not None and not isValid(owner):
                return  # the window it was for has closed
            if ok:
                if callback is not None:
                    callback(value)
            elif isinstance(value, Cancelled) and callback is None:
                return
            else:
                (callback or self.default_failure)(value)
        finally:
            if lane is self._db:
                self._start_waiting()
            self._count(-1)

    def shutdown(self) -> None:
        """Finish the database job in hand (a write is never cut off), drop the queued
        ones; ask a running output job to stop."""
        self._closed = True
        for _ in range(len(self._waiting)):
            self._count(-1)
        self._waiting.clear()
        for task in list(self._tasks):
            task.cancel()
        self._db.shutdown()
        self._output.shutdown()


class _ProgressDialog(QtCore.QObject):
    """Shows a :class:`QProgressDialog` for a task that has run for a second."""

    def __init__(self, task: Task, parent: QtWidgets.QWidget | None) -> None:
        super().__init__()
        self.task = task
        self.parent_widget = parent
        self.dialog: QtWidgets.QProgressDialog | None = None
        self.timer = QtCore.QTimer(self, singleShot=True, interval=PROGRESS_AFTER_MS)
        self.timer.timeout.connect(self._show)
        task.progressed.connect(self._update, QtCore.Qt.ConnectionType.QueuedConnection)
        self.timer.start()

    def _show(self) -> None:
        if self.parent_widget is not None and not isValid(self.parent_widget):
            return
        task = self.task
        dialog = QtWidgets.QProgressDialog(task.label + "…", "&Cancel", 0, task.total, self.parent_widget)
        dialog.setWindowTitle(task.label)
        dialog.setAccessibleName(f"{task.label}: progress")
        dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(task.cancel)
        dialog.setValue(task.done)
        dialog.show()
        self.dialog = dialog

    def _update(self, done: int, total: int, text: str) -> None:
        dialog = self.dialog  # setValue may run the event loop, which may finish the job
        if dialog is not None and isValid(dialog):
            if text:
                dialog.setLabelText(text)
            dialog.setMaximum(total)
            dialog.setValue(done)

    def finish(self) -> None:
        self.timer.stop()
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.canceled.disconnect(self.task.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = None


def _nothing() -> None:
    return None


def _reraise(exc: BaseException) -> None:
    raise exc
