"""One serialized database worker (docs/architecture.md, "Workers"): every database
call runs on it, in order, and only its callbacks, delivered on the GUI thread, touch
widgets."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import shiboken6

from muse_care.ui.qt import QtCore, Signal

Callback = Callable[[Any], None]


class Worker(QtCore.QObject):
    """``submit(fn, on_success, on_failure)``: ``fn()`` runs on the worker thread; its
    result (or exception) is handed to the callback on the GUI thread.

    Without ``on_failure`` an exception goes to ``default_failure`` (the AppContext
    sets it to its classified error handler). ``idle`` is true when nothing is queued
    or running: tests wait on it with ``qtbot.waitUntil(lambda: worker.idle)``.
    """

    _done = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="muse-care-db")
        self._pending = 0
        self._closed = False
        self.default_failure: Callable[[BaseException], None] = _reraise
        self._done.connect(self._deliver, QtCore.Qt.ConnectionType.QueuedConnection)

    @property
    def idle(self) -> bool:
        return self._pending == 0

    def submit(self, fn: Callable[[], Any], on_success: Callback | None = None,
               on_failure: Callable[[BaseException], None] | None = None, *,
               owner: QtCore.QObject | None = None) -> Future[Any] | None:
        """``owner``: the widget the callbacks belong to (default: the object of a bound
        ``on_success``); if it has been deleted meanwhile the result is dropped."""
        if self._closed:
            return None
        if owner is None and isinstance(getattr(on_success, "__self__", None), QtCore.QObject):
            owner = on_success.__self__  # type: ignore[union-attr]
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)

        # Everything the job refers to travels back to the GUI thread with the result and
        # is released there: if the worker thread dropped the last reference to a widget
        # (held by a callback or by ``fn``), Qt would destroy it on the wrong thread.
        parcel = [fn, on_success, on_failure, owner]

        def run() -> None:
            job = parcel[0]
            try:
                outcome: tuple[bool, Any] = (True, job())
            except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
                outcome = (False, exc)
            del job
            ok = outcome[0]
            self._done.emit((ok, parcel[1] if ok else parcel[2], outcome[1], parcel[3], parcel[0]))
            parcel.clear()
            del outcome

        return self._pool.submit(run)

    def _deliver(self, item: tuple[bool, Any, Any, Any, Any]) -> None:
        ok, callback, value, owner, _job = item
        self._pending -= 1
        try:
            if owner is not None and not shiboken6.isValid(owner):
                return  # the window it was for has closed
            if ok:
                if callback is not None:
                    callback(value)
            else:
                (callback or self.default_failure)(value)
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)

    def shutdown(self) -> None:
        """Finish the job in hand (a write is never cut off), drop the queued ones."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)


def _reraise(exc: BaseException) -> None:
    raise exc
