"""Every write the window makes goes through here, and says what it changed.

Modelled on Anki's ``aqt.operations``: a :class:`CaseOp` runs one service call on the
database thread; on success its callback runs, then the change-set it produced, a
:class:`CaseChanges`, is emitted **once** on ``ctx.op_executed(changes, initiator)``.
Each widget asks "does this concern me?" and refreshes only that:

- the case pane shows ``changes.view`` when it is the shown case (no re-read);
- the queue replaces the one row when ``queue_row`` is set (and reloads only when the
  case may have moved or left the view: ``queue``);
- the saved views' counts are read again only when ``counts`` is set;
- the letters, retrieval and approvals tabs reload only on ``letters``,
  ``retrievals`` or ``approvals``.

What changed is worked out by comparing the case before and after the write
(:func:`changes_between`), so a note does not reload the queue and a status move
does refresh the counts without each call site having to remember.

A write that runs inside a bigger job (a letter produced in its dialog, a print run
marked dispatched, an approval decided) announces its change-set with :func:`announce`
once the job is done. The widget that made the write is the ``initiator``: it refreshes
itself, and the case pane does not refresh it a second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, Generic, TypeVar

from muse_care.domain.case_views import CaseView
from muse_care.ui.qt import QtCore

log = logging.getLogger("muse_care.ui.operations")

T = TypeVar("T")

# The fields of a case the queue's row shows, and those the saved views filter on.
_ROW_FIELDS = ("reference", "status", "rights", "channel", "received", "due_date", "assignee", "days_left")
_VIEW_FIELDS = ("status", "due_date", "assignee")
# What a letter is written from: a change to any of these can make a letter stale.
_LETTER_FIELDS = ("requester", "status", "rights", "checks", "due_date", "extended", "regime")


@dataclass(frozen=True)
class CaseChanges:
    """What one write changed. ``view`` is the case as the write left it."""

    case_id: int | None = None
    view: CaseView | None = None
    case: bool = False          # the case's own details (the pane)
    queue_row: bool = False     # what its queue row shows
    queue: bool = False         # which cases the queue holds, or their order
    counts: bool = False        # the saved views' counts
    letters: bool = False
    retrievals: bool = False
    approvals: bool = False

    def names(self) -> list[str]:
        return [f.name for f in fields(self) if f.type in ("bool", bool) and getattr(self, f.name)]

    def concerns(self, case_id: int | None) -> bool:
        return self.case_id is None or self.case_id == case_id

    def __str__(self) -> str:
        return f"case {self.case_id}: " + (", ".join(self.names()) or "nothing")


def changes_between(before: CaseView | None, after: CaseView, *, new_case: bool = False,
                    letters: bool = False, retrievals: bool = False, approvals: bool = False,
                    counts: bool = False) -> CaseChanges:
    """The change-set of a write that turned ``before`` into ``after``; ``counts``: the
    write changed what a saved view counts beyond the case's own fields (a task's
    assignee and the "My tasks" view)."""
    if before is None or before.id != after.id:
        return CaseChanges(case_id=after.id, view=after, case=True, queue_row=True, queue=new_case,
                           counts=True, letters=True, retrievals=retrievals, approvals=approvals)

    def differs(names: tuple[str, ...]) -> bool:
        return any(getattr(before, n) != getattr(after, n) for n in names)

    row = differs(_ROW_FIELDS) or before.requester.name != after.requester.name or retrievals
    return CaseChanges(
        case_id=after.id, view=after, case=True, queue_row=row,
        # a row whose view membership or sort position may have changed is re-read with
        # the queue; the queue decides whether one row suffices (QueueModel.refresh_case)
        queue=False, counts=counts or differs(_VIEW_FIELDS) or before.is_open != after.is_open,
        letters=letters or differs(_LETTER_FIELDS), retrievals=retrievals, approvals=approvals)


class CaseOp(Generic[T]):
    """One write on the database thread. ``write()`` returns a :class:`CaseView` or any
    other result; in the latter case the case ``case_id`` is read again in the same job
    (so the change-set always carries the fresh case).

    ``CaseOp(ctx, write, before=view).success(cb).failure(cb).run(initiator=self)``
    """

    def __init__(self, ctx: Any, write: Callable[[], T], *, before: CaseView | None = None,
                 case_id: int | None = None, new_case: bool = False, letters: bool = False,
                 retrievals: bool = False, approvals: bool = False, counts: bool = False,
                 what: str = "") -> None:
        self.ctx = ctx
        self._write = write
        self._before = before
        self._case_id = case_id if case_id is not None else (before.id if before is not None else None)
        self._flags = dict(new_case=new_case, letters=letters, retrievals=retrievals, approvals=approvals,
                           counts=counts)
        self._what = what or getattr(write, "__name__", "write")
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[BaseException], Any] | None = None

    def success(self, fn: Callable[[T], Any] | None) -> CaseOp[T]:
        self._success = fn
        return self

    def failure(self, fn: Callable[[BaseException], Any] | None) -> CaseOp[T]:
        self._failure = fn
        return self

    def run(self, *, initiator: QtCore.QObject | None = None) -> None:
        reg, write, case_id = self.ctx.register, self._write, self._case_id

        def job() -> tuple[T, CaseView | None]:
            result = write()
            if isinstance(result, CaseView):
                return result, result
            if case_id is None:
                return result, None
            from muse_care.services import cases

            return result, cases.get_case(reg, case_id)

        def done(out: tuple[T, CaseView | None]) -> None:
            result, view = out
            if view is None:
                changes = CaseChanges(case_id=case_id)
            else:
                changes = changes_between(self._before, view, **self._flags)
            try:
                if self._success is not None:
                    self._success(result)
            finally:
                log.info("%s %s", self._what, changes)
                self.ctx.op_executed.emit(changes, initiator)

        self.ctx.worker.submit(job, done, self._failure, owner=initiator)


def announce(ctx: Any, view: CaseView, *, before: CaseView | None = None, letters: bool = False,
             retrievals: bool = False, approvals: bool = False,
             initiator: QtCore.QObject | None = None) -> CaseChanges:
    """Emit the change-set of a write already made on the worker, which left the case as
    ``view`` (``before``: the case as the initiator showed it, if it did)."""
    changes = changes_between(before, view, letters=letters, retrievals=retrievals, approvals=approvals)
    log.info("announce %s", changes)
    ctx.op_executed.emit(changes, initiator)
    return changes


__all__ = ["CaseChanges", "CaseOp", "announce", "changes_between"]
