"""The application context handed to every window, tab and dialog.

Other engineers' tabs (letters, retrieval log, team dashboard, approvals) take an
:class:`AppContext` and use only this:

``ctx.register``
    the open :class:`muse_care.services.register.Register` (database, actor, clock).
    Never call services with it on the GUI thread: go through ``ctx.worker``.
``ctx.worker.submit(fn, on_success, on_failure=None)``
    run ``fn()`` on the one database thread; the callbacks run on the GUI thread.
    Without ``on_failure`` errors go to ``ctx.report_error`` (classified below).
``ctx.actor``
    who is working (login, display name, role).
``ctx.settings``
    a ``QSettings`` for this person's window layout (not organisation settings: those
    are ``muse_care.services.settings`` on the worker).
``ctx.op_executed``  (Signal(object, object): a ``CaseChanges`` and the initiator)
    emitted once after every write made through ``muse_care.ui.operations.CaseOp``;
    each widget refreshes only what the change-set names.
    A write made inside a bigger worker job announces its change-set with
    ``muse_care.ui.operations.announce`` instead.
``ctx.open_case``  (Signal(int): a case id)
    ask the main window to show a case.
``ctx.report_error(exc, retry=None, parent=None)``
    the classified error display: ``ValidationError``/``NotFound`` → a message;
    ``StaleRecord`` → "changed by X at HH:MM"; ``StorageUnavailable`` → a message with
    Retry (calls ``retry``); anything else → a crash dialog naming the log file written
    by ``local_config.log_crash``.

An extra case tab is added with ``CaseViewWidget.set_extra_tab(name, widget)``; the
widget gets ``show_case(view: CaseView)`` each time the shown case changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from muse_care.domain.actor import Actor
from muse_care.domain.errors import MuseCareError, NotFound, StaleRecord, StorageUnavailable, ValidationError
from muse_care.ui.qt import QtCore, QtWidgets, Signal
from muse_care.ui.worker import Worker

if TYPE_CHECKING:  # the window starts before SQLAlchemy has loaded (docs/performance.md, "Start-up")
    from muse_care.services.register import Register


def stale_text(exc: StaleRecord) -> str:
    when = exc.changed_at.astimezone().strftime("%H:%M") if exc.changed_at else "just now"
    return f"This case was changed by {exc.changed_by} at {when} while you were editing."


class AppContext(QtCore.QObject):
    op_executed = Signal(object, object)
    open_case = Signal(int)
    message_shown = Signal(str)

    def __init__(self, register: Register | None, actor: Actor, worker: Worker | None = None,
                 settings: QtCore.QSettings | None = None, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.register = register  # set once the database is open
        self.actor = actor
        self.worker = worker or Worker(self)
        self.worker.default_failure = self.report_error
        self.settings = settings or QtCore.QSettings("THE MUSE-LVM", "MUSE Care")
        self.last_message = ""
        self.open_boxes: list[QtWidgets.QMessageBox] = []

    def report_error(self, exc: BaseException, retry: Callable[[], Any] | None = None,
                     parent: QtWidgets.QWidget | None = None) -> None:
        parent = parent or QtWidgets.QApplication.activeWindow()
        if isinstance(exc, StorageUnavailable):
            box = self._box(parent, QtWidgets.QMessageBox.Icon.Warning, "Database unavailable", str(exc))
            if retry is not None:
                box.setStandardButtons(QtWidgets.QMessageBox.StandardButton.Retry
                                       | QtWidgets.QMessageBox.StandardButton.Cancel)
                box.accepted.connect(retry)
            box.open()
        elif isinstance(exc, StaleRecord):
            self._box(parent, QtWidgets.QMessageBox.Icon.Information, "Changed meanwhile",
                      stale_text(exc) + " Reload to see their change.").open()
        elif isinstance(exc, (ValidationError, NotFound, MuseCareError)):
            self._box(parent, QtWidgets.QMessageBox.Icon.Information, "Cannot do that", str(exc)).open()
        else:
            from muse_care.services.local_config import log_crash

            try:
                raise exc
            except BaseException:  # noqa: BLE001 - to write its traceback
                path = log_crash()
            box = self._box(parent, QtWidgets.QMessageBox.Icon.Critical, "Something went wrong",
                            "MUSE Care hit an internal error; what you typed is still on screen.\n"
                            f"Details were written to {path}. Please send that file to support.")
            box.setDetailedText(f"{type(exc).__name__}: {exc}")
            box.open()

    def _box(self, parent: QtWidgets.QWidget | None, icon: QtWidgets.QMessageBox.Icon, title: str,
             text: str) -> QtWidgets.QMessageBox:
        box = QtWidgets.QMessageBox(icon, title, text, QtWidgets.QMessageBox.StandardButton.Ok, parent)
        box.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setAccessibleName(title)
        self.last_message = text
        self.open_boxes = [b for b in self.open_boxes if _alive(b)] + [box]
        self.message_shown.emit(text)
        return box


def _alive(obj: QtCore.QObject) -> bool:
    try:
        obj.objectName()
    except RuntimeError:
        return False
    return True
