"""The case record and its view: loading a case, turning it into a :class:`CaseView`,
and the one way a case is changed (``_write``: one unit of work with its history).

These are the primitives the use cases build on. They live apart from
``services.cases`` so that the checks the case service runs (the Responded gate,
the Art. 19 recipients, the tasks) can use them without importing the case service
itself (``tests/test_architecture.py`` forbids import cycles).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from muse_care.domain.case import ActingFor, Channel, Right, Status
from muse_care.domain.case_views import CaseView, ClockEventView, IdentityCheckView, NoteView, Requester
from muse_care.domain.clock import (
    ClockEvent, ClockEventKind, ClockState, compute_clock, held_due, law_day, told_in_time, until_sent,
)
from muse_care.domain.errors import NotFound, StaleRecord
from muse_care.domain.identity import STEP_LABELS, CheckStep
from muse_care.domain.reference import normalise_reference
from muse_care.domain.regimes import get_regime
from muse_care.services.history import HistoryWriter, case_history, history_views
from muse_care.services.register import Register
from muse_care.store.models import CaseRecord, LetterRecord


# --- reading -------------------------------------------------------------------------

def _load(session: Session, ref: str | int, *, lock: bool = False) -> CaseRecord:
    if isinstance(ref, int):
        stmt = select(CaseRecord).where(CaseRecord.id == ref)
    else:
        canonical = normalise_reference(ref)
        if canonical is None:
            raise NotFound(f"'{ref}' is not a case reference (they look like MC-7KP-4QX9)")
        stmt = select(CaseRecord).where(CaseRecord.reference == canonical)
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    rec = session.execute(stmt).scalar_one_or_none()
    if rec is None:
        raise NotFound(f"no case {ref}")
    return rec


def _events(rec: CaseRecord) -> list[ClockEvent]:
    """The events that count: not those voided with their letter (docs/letters.md)."""
    return [ClockEvent(ClockEventKind(e.kind), e.on_date, e.reason, e.late_note or "")
            for e in rec.events if e.voided_on is None]


def _rights(rec: CaseRecord) -> list[str]:
    return [r for r in rec.rights.split(",") if r]


def _clock(rec: CaseRecord) -> ClockState:
    return compute_clock(get_regime(rec.regime), rec.received_date, _events(rec), rec.holiday_region,
                         rights=_rights(rec))


def law_today(register: Register, rec: Any) -> tuple[date, str]:
    """Today where the case's law applies, and that zone: the day of its clock events,
    replies and answers (docs/rules.md, "The day received"), not the organisation's."""
    regime = get_regime(rec.regime)
    return (law_day(regime, register.now(), rec.holiday_region, rec.country),
            regime.zone_for(rec.holiday_region, rec.country))


def to_view(session: Session, rec: CaseRecord, as_of: date, *, full: bool = True) -> CaseView:
    view = _row_view(rec, as_of)
    if not full:
        return view
    acknowledged = rec.acknowledge_by is not None and session.execute(  # sent, not only made: docs/rules.md, "CCPA"
        select(LetterRecord.id).where(LetterRecord.case_id == rec.id, LetterRecord.kind == "acknowledgement",
                                      LetterRecord.dispatched_on.is_not(None)).limit(1)).first() is not None
    return _with_details(
        view, rec, as_of, acknowledged,
        events=tuple(ClockEventView(e.id, e.kind, e.on_date, e.reason, e.recorded_by, e.recorded_at,
                                    e.late_note or "")
                     for e in rec.events if e.voided_on is None),
        checks=tuple(IdentityCheckView(c.step, STEP_LABELS.get(CheckStep(c.step), c.step), c.result,
                                       c.reason, c.checked_by, c.checked_at) for c in rec.checks),
        notes=tuple(NoteView(n.id, n.text, n.written_by, n.written_at) for n in rec.notes),
        history=case_history(session, rec.id))


def _row_view(rec: Any, as_of: date) -> CaseView:
    """The view of the case's own row (a ``CaseRecord``, or a Row of the cases table's
    columns): everything but its events, checks, notes and history."""
    days_left = (rec.due_date - as_of).days if rec.due_date else None
    requester = Requester(
        name=rec.requester_name, email=rec.requester_email, phone=rec.requester_phone,
        address_lines=tuple(x for x in rec.address_lines.split("\n") if x), postcode=rec.postcode,
        city=rec.city, region=rec.region, country=rec.country, account_ref=rec.account_ref,
        acting_for=ActingFor(rec.acting_for), representative_name=rec.representative_name,
        representative_authority=rec.representative_authority)
    status = Status(rec.status)
    open_ = rec.is_open if rec.is_open is not None else status in (Status.NEW,)
    view = CaseView(
        id=rec.id, reference=rec.reference, status=status, regime=rec.regime,
        holiday_region=rec.holiday_region,
        rights=tuple(Right(r) for r in rec.rights.split(",") if r), channel=Channel(rec.channel),
        received_at=rec.received_at, received=rec.received_date, requester=requester,
        assignee=rec.assignee, version=rec.version, clock_start=rec.clock_start,
        due_date=rec.due_date, original_due=rec.original_due, extended=rec.extended,
        waiting_for=rec.waiting_for, due_explained=rec.due_explained,
        acknowledge_by=rec.acknowledge_by, as_of=as_of, days_left=days_left,
        overdue=bool(open_ and days_left is not None and days_left < 0),
        updated_at=rec.updated_at, updated_by=rec.updated_by)
    regime = get_regime(rec.regime)
    return replace(view, received_zone=regime.zone_for(rec.holiday_region, rec.country),
                   extended_to=getattr(rec, "extended_to", None),
                   extension_told_on=getattr(rec, "extension_told_on", None))


def _with_details(view: CaseView, rec: Any, as_of: date, acknowledged: bool, *, events: tuple[Any, ...],
                  checks: tuple[Any, ...], notes: tuple[Any, ...], history: tuple[Any, ...]) -> CaseView:
    open_ = rec.is_open if rec.is_open is not None else Status(rec.status) in (Status.NEW,)
    return replace(
        view,
        acknowledged=acknowledged,
        acknowledge_overdue=bool(open_ and rec.acknowledge_by is not None and not acknowledged
                                 and as_of > rec.acknowledge_by),
        events=events, checks=checks, notes=notes, history=history)


# PostgreSQL: everything a full view adds to the case's row, in one statement, in the
# order its relationships and the history are read (by id).
_DETAILS_SQL = """
SELECT 0 AS part, e.id, to_jsonb(e) FROM clock_events e WHERE e.case_id = :id AND e.voided_on IS NULL
UNION ALL SELECT 1, c.id, to_jsonb(c) FROM identity_checks c WHERE c.case_id = :id
UNION ALL SELECT 2, n.id, to_jsonb(n) FROM notes n WHERE n.case_id = :id
UNION ALL SELECT 3, h.id, jsonb_build_object({history}) FROM history h WHERE h.case_id = :id
UNION ALL SELECT 4, 0, to_jsonb(EXISTS (SELECT 1 FROM letters l WHERE l.case_id = :id
                                        AND l.kind = 'acknowledgement' AND l.dispatched_on IS NOT NULL))
ORDER BY 1, 2
"""


def to_view_in_one_read(conn: Session | Connection, rec: Any, as_of: date, on_driver: Any = None) -> CaseView:
    """PostgreSQL: :func:`to_view` with its events, checks, notes, history and the
    acknowledgement read in one statement, not five (take-next shows the case it hands
    out this way: docs/performance.md, "Team take-next"). ``rec`` is a ``CaseRecord`` or
    a Row of the cases table's columns (take-next's, read on a Connection). The same
    view: ``tests/team/test_team_side_by_side.py`` compares the two. ``on_driver``: the
    read as a ``db.DriverStatement`` of :func:`details_statement`, run on the driver."""
    from types import SimpleNamespace

    parts: dict[int, list[Any]] = {0: [], 1: [], 2: [], 3: [], 4: []}
    rows: Any
    if on_driver is not None:
        rows = on_driver.rows(conn, id=rec.id)
    else:
        rows = conn.execute(details_statement(), {"id": rec.id})
    for part, _id, value in rows:
        parts[part].append(value)
    view = _row_view(rec, as_of)
    return _with_details(
        view, rec, as_of, rec.acknowledge_by is not None and bool(parts[4] and parts[4][0]),
        events=tuple(ClockEventView(e["id"], e["kind"], date.fromisoformat(e["on_date"]), e["reason"],
                                    e["recorded_by"], _at(e["recorded_at"]), e["late_note"] or "")
                     for e in parts[0]),
        checks=tuple(IdentityCheckView(c["step"], STEP_LABELS.get(CheckStep(c["step"]), c["step"]), c["result"],
                                       c["reason"], c["checked_by"], _utc(c["checked_at"])) for c in parts[1]),
        notes=tuple(NoteView(n["id"], n["text"], n["written_by"], _at(n["written_at"])) for n in parts[2]),
        history=history_views([SimpleNamespace(**{**h, "at": _at(h["at"])}) for h in parts[3]]))


@functools.cache
def details_statement() -> Any:
    """The read of :func:`to_view_in_one_read` (``:id`` the case's id)."""
    from sqlalchemy import text

    from muse_care.services.history import HISTORY_VIEW_COLUMNS

    return text(_DETAILS_SQL.format(history=", ".join(f"'{c}', h.{c}" for c in HISTORY_VIEW_COLUMNS)))


def _at(value: str) -> datetime:
    """A timestamp as the JSON of PostgreSQL writes it, aware and in UTC (as ``UTCDateTime``
    reads it)."""
    return datetime.fromisoformat(value).astimezone(timezone.utc)


def _utc(value: str | None) -> datetime | None:
    return None if value is None else _at(value)


def get_case(register: Register, ref: str | int, as_of: date | None = None) -> CaseView:
    with register.read() as session:
        rec = _load(session, ref)
        return to_view(session, rec, as_of or register.today())


# --- writing -------------------------------------------------------------------------

@dataclass
class _Change:
    register: Register
    session: Session
    rec: CaseRecord
    history: HistoryWriter
    changed: list[str] = field(default_factory=list)

    def set(self, attr: str, value: Any, what: str | None = None) -> None:
        old = getattr(self.rec, attr)
        if old != value:
            setattr(self.rec, attr, value)
            self.history.add(self.rec.id, what or attr, old, value)
            self.changed.append(attr)


def _unsent(ch: _Change) -> set[int]:
    """Ids of the case's counting events whose request letter has not gone out."""
    mine = {e.id: e.letter_id for e in ch.rec.events if e.voided_on is None and e.letter_id is not None}
    if not mine:
        return set()
    sent = set(ch.session.execute(select(LetterRecord.id).where(
        LetterRecord.id.in_(set(mine.values())), LetterRecord.dispatched_on.is_not(None))).scalars())
    return {event_id for event_id, letter_id in mine.items() if letter_id not in sent}


def _apply_clock(ch: _Change) -> None:
    state = _clock(ch.rec)
    # an extension holds once the requester is told of it, in time (domain/clock.held_due).
    # While the clock is stopped the told day is kept: a stop that is voided (its letter
    # withdrawn) returns to the same period and its notice; a restart clears it.
    told_on = ch.rec.extension_told_on
    told = told_on if told_in_time(state, told_on) or state.start is None else None
    due, note = held_due(state, told)
    unsent = _unsent(ch)
    if unsent:
        events = [e for e in ch.rec.events if e.voided_on is None]
        until, said = until_sent(get_regime(ch.rec.regime), ch.rec.received_date, _events(ch.rec),
                                 [e.id in unsent for e in events], ch.rec.holiday_region, _rights(ch.rec), told_on)
        if until is not None:
            due, note = until, note + said
    ch.set("clock_start", state.start)
    ch.set("due_date", due, "due date")
    ch.set("original_due", state.original_due)
    ch.set("extended", state.extended)
    ch.set("extended_to", state.due if state.extended else None, "extended to")
    ch.set("extension_told_on", told, "extension told")
    ch.set("waiting_for", state.waiting_for)
    ch.set("acknowledge_by", state.acknowledge_by)
    explanation = state.explanation + note
    if ch.rec.due_explained != explanation:
        ch.rec.due_explained = explanation


def _write(register: Register, ref: str | int, expected_version: int | None, action: Any) -> CaseView:
    now = register.now()
    with register.unit_of_work() as session:
        rec = _load(session, ref, lock=True)
        if expected_version is not None and rec.version != expected_version:
            raise StaleRecord(f"case {rec.reference}", rec.updated_by, rec.updated_at)
        ch = _Change(register, session, rec, HistoryWriter(session, register.actor.login, now))
        action(ch)
        if ch.changed or session.dirty or session.new:
            rec.updated_at = now
            rec.updated_by = register.actor.login
        session.flush()
        return to_view(session, rec, register.today())
