"""Tasks: what each right of a case asks of each of the organisation's systems.

A case gets its tasks when it is created (one per system and right that the system
declares an action for; see muse_care/domain/systems.py). Each task is settled as
done, nothing held, kept under a named legal basis, or not applicable with a reason;
every change is one unit of work with its history entry on the case. A case cannot be
marked responded while a task is open (``unsettled``), and the reply letters list what
the tasks found (``letter_fields``). The searches of an access task are the retrievals
logged against that system for that case: one list, not two.

See docs/tasks.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from muse_care.domain.case import DISCLOSING_RIGHTS
from muse_care.domain.errors import NotFound, PermissionDenied, StaleRecord, ValidationError
from muse_care.domain.systems import (
    ACTION_LABELS,
    Action,
    System,
    TaskStatus,
    TaskView,
    check_settlement,
    check_systems,
    task_due,
    task_status,
    tasks_for,
)
from muse_care.domain import validation as v
from muse_care.services.history import HistoryWriter
from muse_care.services.register import Register
from muse_care.store.models import CaseRecord, CaseTaskRecord, RetrievalRecord, SourceRecord

MAX_TEXT = 2000
_OPEN = TaskStatus.TODO.value


# --- systems ----------------------------------------------------------------------------

def system_from_record(rec: SourceRecord) -> System:
    try:
        actions = json.loads(rec.actions or "{}")
    except ValueError:
        actions = {}
    return System.from_dict({
        "code": rec.code, "name": rec.name, "owner": rec.owner, "holds": rec.holds,
        "identifier": rec.identifier_kind, "retention": rec.retention_text, "actions": actions,
        "retention_months": rec.retention_months,
        "keeps_under": rec.keeps_under,
    })


def list_systems(register: Register, *, include_inactive: bool = False) -> list[System]:
    with register.read() as session:
        stmt = select(SourceRecord).order_by(SourceRecord.id)
        if not include_inactive:
            stmt = stmt.where(SourceRecord.active.is_(True))
        return [system_from_record(r) for r in session.execute(stmt).scalars()]


def _describe(system: System) -> str:
    acts = "; ".join(f"{right}: {ACTION_LABELS[a]}" for right, a in system.actions.items())
    return f"{system.code}: {system.name} ({system.owner}); {acts}"


def save_system(register: Register, system: System) -> System:
    """Add a system or change one (an admin on a team; anyone on a single-user file,
    where there is nobody else). The change is in the history."""
    if register.dialect != "sqlite" and register.actor.role != "admin":
        raise PermissionDenied(f"{register.actor.login} is {register.actor.role or 'no member'}; "
                               "changing the systems needs a team admin")
    check_systems([system])
    v.clean_text("name", system.name, max_len=120, required=True)
    v.clean_text("owner", system.owner, max_len=120)
    v.clean_text("retention", system.retention, max_len=200)
    if system.identifier not in ("email", "phone", "account"):
        raise ValidationError("identifier", f"'{system.identifier}' is not one of email, phone, account")
    if system.retention_months is not None and not 0 < system.retention_months <= 1200:
        raise ValidationError("retention_months", f"{system.retention_months} is out of range (1 to 1200)")
    now = register.now()
    actions = json.dumps({r: a.value for r, a in system.actions.items()}, sort_keys=True)
    with register.unit_of_work() as session:
        rec = session.execute(select(SourceRecord).where(SourceRecord.code == system.code)).scalar_one_or_none()
        old = _describe(system_from_record(rec)) if rec is not None else ""
        if rec is None:
            rec = SourceRecord(code=system.code, identifier_kind=system.identifier, active=True)
            session.add(rec)
        rec.name, rec.owner, rec.holds = system.name, system.owner, system.holds
        rec.identifier_kind, rec.retention_text = system.identifier, system.retention
        rec.retention_months, rec.actions = system.retention_months, actions
        rec.keeps_under = system.keeps_under
        new = _describe(system)
        if old != new:
            HistoryWriter(session, register.actor.login, now).add(None, "system", old, new)
    return system


# --- creating tasks ---------------------------------------------------------------------

def create_for_case(session: Session, case: CaseRecord, history: HistoryWriter | None, now: datetime) -> int:
    """Create the tasks the case's rights ask for, in every active system, that it does
    not have yet. Returns how many were created. Part of the caller's unit of work; a
    history entry is written when ``history`` is given (at intake the tasks follow from
    the rights the "created" entry records, so none is needed)."""
    sources = list(session.execute(
        select(SourceRecord).where(SourceRecord.active.is_(True)).order_by(SourceRecord.id)).scalars())
    systems = [system_from_record(s) for s in sources]
    by_code = {s.code: s for s in sources}
    have = {(t.source_id, t.right) for t in session.execute(
        select(CaseTaskRecord).where(CaseTaskRecord.case_id == case.id)).scalars()}
    created = 0
    for spec in tasks_for([r for r in case.rights.split(",") if r], systems):
        source = by_code[spec.system]
        if (source.id, spec.right) in have:
            continue
        session.add(CaseTaskRecord(case_id=case.id, source_id=source.id, right=spec.right,
                                   action=spec.action.value, status=_OPEN, created_at=now,
                                   assignee=case.assignee or ""))
        created += 1
    if created and history is not None:
        history.add(case.id, "tasks created", "", f"{created} task{'s' if created != 1 else ''}")
    return created


def ensure_tasks(register: Register, ref: str | int) -> list[TaskView]:
    """Create a case's missing tasks (for a case made before tasks existed, or after its
    rights or the systems changed); returns its tasks."""
    now = register.now()
    with register.unit_of_work() as session:
        case = _case(session, ref, lock=True)
        if create_for_case(session, case, HistoryWriter(session, register.actor.login, now), now):
            case.updated_at, case.updated_by = now, register.actor.login
    return list_tasks(register, ref)


# --- reading ----------------------------------------------------------------------------

def _case(session: Session, ref: str | int, *, lock: bool = False) -> CaseRecord:
    from muse_care.services.case_records import _load

    return _load(session, ref, lock=lock)


def _purges(session: Session, case_id: int) -> dict[int, date]:
    """Per system, the earliest purge date of an item still held there for this case."""
    rows = session.execute(
        select(RetrievalRecord.source_id, func.min(RetrievalRecord.purge_on))
        .where(RetrievalRecord.case_id == case_id, RetrievalRecord.purge_on.is_not(None),
               RetrievalRecord.result == "to-retrieve")
        .group_by(RetrievalRecord.source_id))
    return {source_id: purge for source_id, purge in rows if purge is not None}


def _searches(session: Session, case_id: int) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for r in session.execute(select(RetrievalRecord).where(RetrievalRecord.case_id == case_id)
                             .order_by(RetrievalRecord.id)).scalars():
        period = ""
        if r.period_from or r.period_to:
            period = f" ({r.period_from.isoformat() if r.period_from else '…'} to " \
                     f"{r.period_to.isoformat() if r.period_to else '…'})"
        out.setdefault(r.source_id, []).append(f"{r.result}{period}")
    return out


def _view(t: CaseTaskRecord, source: SourceRecord, case: CaseRecord, purge: date | None,
          searches: Sequence[str], zone_text: Any) -> TaskView:
    return TaskView(
        id=t.id, case_id=t.case_id, reference=case.reference, system=source.code,
        system_name=source.name, right=t.right, action=Action(t.action), status=TaskStatus(t.status),
        basis=t.basis, reason=t.reason, notes=t.notes, assignee=t.assignee, done_by=t.done_by,
        done_at_text=zone_text(t.done_at) if t.done_at else "", due=task_due(case.due_date, purge),
        version=t.version, searches=tuple(searches))


def _time_text(register: Register) -> Any:
    tz = register.timezone()

    def text(at: datetime) -> str:
        local = at.astimezone(tz)
        return f"{local:%Y-%m-%d %H:%M} {tz.key}"

    return text


def _views(register: Register, session: Session, case: CaseRecord) -> list[TaskView]:
    purges = _purges(session, case.id)
    searches = _searches(session, case.id)
    rows = session.execute(
        select(CaseTaskRecord, SourceRecord).join(SourceRecord, CaseTaskRecord.source_id == SourceRecord.id)
        .where(CaseTaskRecord.case_id == case.id).order_by(CaseTaskRecord.id)).all()
    text = _time_text(register)
    return [_view(t, s, case, purges.get(s.id), searches.get(s.id, []) if t.right in DISCLOSING_RIGHTS
                  else [], text) for t, s in rows]


def list_tasks(register: Register, ref: str | int) -> list[TaskView]:
    with register.read() as session:
        return _views(register, session, _case(session, ref))


def get_task(register: Register, task_id: int) -> TaskView:
    with register.read() as session:
        task = session.get(CaseTaskRecord, task_id)
        if task is None:
            raise NotFound(f"no task {task_id}")
        case = session.get(CaseRecord, task.case_id)
        assert case is not None
        return next(t for t in _views(register, session, case) if t.id == task_id)


def unsettled(session: Session, case_id: int) -> list[str]:
    """The open tasks of a case, as 'system: right' texts (empty when all are settled)."""
    rows = session.execute(
        select(SourceRecord.name, CaseTaskRecord.right)
        .join(SourceRecord, CaseTaskRecord.source_id == SourceRecord.id)
        .where(CaseTaskRecord.case_id == case_id, CaseTaskRecord.status == _OPEN)
        .order_by(CaseTaskRecord.id))
    return [f"{name} ({right})" for name, right in rows]


# --- writing ----------------------------------------------------------------------------

def _load_task(session: Session, task_id: int) -> tuple[CaseTaskRecord, SourceRecord, CaseRecord]:
    task = session.get(CaseTaskRecord, task_id)
    if task is None:
        raise NotFound(f"no task {task_id}")
    source = session.get(SourceRecord, task.source_id)
    case = _case(session, task.case_id, lock=True)
    assert source is not None
    return task, source, case


def _summary(source: SourceRecord, task: CaseTaskRecord) -> str:
    text = f"{source.code}/{task.right}: {task.status}"
    if task.basis:
        text += f" (basis: {task.basis})"
    if task.reason:
        text += f" (reason: {task.reason})"
    return text


def settle_task(register: Register, task_id: int, status: str, *, basis: str = "", reason: str = "",
                notes: str | None = None, expected_version: int | None = None) -> TaskView:
    """Record a task's outcome (or set it back to 'todo'). One unit of work, one history
    entry; a stale ``expected_version`` is refused with who changed it."""
    wanted = task_status(status)
    basis = v.clean_text("basis", basis, max_len=MAX_TEXT)
    reason = v.clean_text("reason", reason, max_len=MAX_TEXT)
    notes_text = v.clean_text("notes", notes, max_len=MAX_TEXT, multiline=True) if notes is not None else None
    check_settlement(wanted, basis, reason)
    now = register.now()
    with register.unit_of_work() as session:
        task, source, case = _load_task(session, task_id)
        if expected_version is not None and task.version != expected_version:
            raise StaleRecord(f"task {source.name} ({task.right})", task.done_by or case.updated_by,
                              task.done_at or case.updated_at)
        if wanted is TaskStatus.KEPT and Action(task.action) not in (Action.KEEP_LEGAL_DUTY, Action.DELETE):
            raise ValidationError("status", f"'kept under a legal basis' is for erasure tasks; this task is "
                                  f"to {ACTION_LABELS[Action(task.action)]}")
        old = _summary(source, task)
        task.status = wanted.value
        task.basis = basis if wanted is TaskStatus.KEPT else ""
        task.reason = reason if wanted is TaskStatus.NOT_APPLICABLE else ""
        if notes_text is not None:
            task.notes = notes_text
        if wanted is TaskStatus.TODO:
            task.done_by, task.done_at = "", None
        else:
            task.done_by, task.done_at = register.actor.login, now
        history = HistoryWriter(session, register.actor.login, now)
        history.add(case.id, "task", old, _summary(source, task))
        if notes_text:
            history.add(case.id, "task note", "", f"{source.code}/{task.right}: {notes_text}")
        case.updated_at, case.updated_by = now, register.actor.login
        session.flush()
        return next(t for t in _views(register, session, case) if t.id == task_id)


def assign_task(register: Register, task_id: int, assignee: str) -> TaskView:
    """Give a task to another person (e.g. the marketing platform's administrator)."""
    who = v.clean_text("assignee", assignee, max_len=100)
    now = register.now()
    with register.unit_of_work() as session:
        task, source, case = _load_task(session, task_id)
        if task.assignee != who:
            HistoryWriter(session, register.actor.login, now).add(
                case.id, "task assignee", f"{source.code}/{task.right}: {task.assignee or '-'}",
                f"{source.code}/{task.right}: {who or '-'}")
            task.assignee = who
            case.updated_at, case.updated_by = now, register.actor.login
        session.flush()
        return next(t for t in _views(register, session, case) if t.id == task_id)


def redact_tasks(session: Session, case_id: int) -> int:
    """For anonymisation: blank the tasks' notes and reasons (they may name the person);
    the system, right, status, legal basis and dates stay, for the register of requests
    (see docs/tasks.md, "Records and metrics"). Part of the caller's unit of work."""
    rows = session.execute(select(CaseTaskRecord).where(CaseTaskRecord.case_id == case_id)).scalars().all()
    for t in rows:
        t.notes = ""
        t.reason = ""
    return len(rows)


# --- what the letters say ---------------------------------------------------------------

def letter_fields(register: Register, ref: str | int) -> dict[str, str]:
    """The reply letters' lists, from the tasks: the systems searched and what was found
    (access), what was erased, and what was kept and on which basis (erasure). Keys are
    absent where there is nothing to say. (The recipients told under Art. 19 come from
    the case's recipients: services/recipients.py.)"""
    with register.read() as session:
        case = _case(session, ref)
        tasks = _views(register, session, case)
    out: dict[str, list[str]] = {}
    for t in tasks:
        if t.right in DISCLOSING_RIGHTS and t.status in (TaskStatus.DONE, TaskStatus.NOTHING_HELD):
            found = "data found and enclosed" if t.status is TaskStatus.DONE else "nothing held about you"
            out.setdefault("systems_searched", []).append(f"{t.system_name}: {found}")
        elif t.right == "erasure":
            if t.status is TaskStatus.DONE:
                out.setdefault("erased", []).append(t.system_name)
            elif t.status is TaskStatus.NOTHING_HELD:
                out.setdefault("erased", []).append(f"{t.system_name} (nothing was held)")
            elif t.status is TaskStatus.KEPT:
                out.setdefault("retained", []).append(t.system_name)
                out.setdefault("legal_basis", []).append(t.basis)
    fields = {key: "\n".join(dict.fromkeys(items)) for key, items in out.items()}
    if "legal_basis" in fields:  # one sentence: "We are keeping it because …"
        fields["legal_basis"] = "; ".join(dict.fromkeys(out["legal_basis"]))
    return fields


# --- across cases -----------------------------------------------------------------------

@dataclass(frozen=True)
class SystemSummary:
    """Open tasks in one system for one right: 'erasure tasks in the marketing platform:
    14 open, oldest 9 days' (the age of the oldest request still waiting there)."""

    system: str
    system_name: str
    right: str
    open: int
    oldest_days: int
    overdue: int

    @property
    def text(self) -> str:
        return (f"{self.right} tasks in {self.system_name}: {self.open} open, oldest "
                f"{self.oldest_days} day{'s' if self.oldest_days != 1 else ''}"
                + (f", {self.overdue} overdue" if self.overdue else ""))


def system_summary(register: Register, as_of: date | None = None) -> list[SystemSummary]:
    day = as_of or register.today()
    with register.read() as session:
        rows = session.execute(
            select(SourceRecord.code, SourceRecord.name, CaseTaskRecord.right,
                   func.count(CaseTaskRecord.id), func.min(CaseRecord.received_date),
                   func.sum(_overdue_case(day)))
            .join(SourceRecord, CaseTaskRecord.source_id == SourceRecord.id)
            .join(CaseRecord, CaseTaskRecord.case_id == CaseRecord.id)
            .where(CaseTaskRecord.status == _OPEN, CaseRecord.is_open.is_(True))
            .group_by(SourceRecord.code, SourceRecord.name, CaseTaskRecord.right)
            .order_by(func.count(CaseTaskRecord.id).desc(), SourceRecord.code)).all()
    out = []
    for code, name, right, count, oldest, overdue in rows:
        out.append(SystemSummary(code, name, right, int(count), max(0, (day - (oldest or day)).days),
                                 int(overdue or 0)))
    return out


def _overdue_case(day: date) -> Any:
    from sqlalchemy import case as sql_case

    return sql_case((CaseRecord.due_date < day, 1), else_=0)


def my_tasks(register: Register, login: str | None = None, as_of: date | None = None) -> list[TaskView]:
    """Open tasks assigned to ``login`` (default: the acting person), soonest due first."""
    who = login or register.actor.login
    with register.read() as session:
        case_ids = list(session.execute(
            select(CaseTaskRecord.case_id).join(CaseRecord, CaseTaskRecord.case_id == CaseRecord.id)
            .where(CaseTaskRecord.status == _OPEN, CaseTaskRecord.assignee == who,
                   CaseRecord.is_open.is_(True)).distinct()).scalars())
        out: list[TaskView] = []
        for case_id in case_ids:
            case = session.get(CaseRecord, case_id)
            assert case is not None
            out.extend(t for t in _views(register, session, case)
                       if t.status is TaskStatus.TODO and t.assignee == who)
    return sorted(out, key=lambda t: (t.due or date.max, t.reference, t.id))
