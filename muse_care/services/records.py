"""The records a regulator asks for: the register of requests, and the yearly metrics.

- The register (``register_rows``): per request, the date received, rights, channel,
  regime, due date, date answered, outcome, the basis of any refusal and the systems
  searched. It reads only what anonymisation keeps (status moves, dates, rights, the
  tasks' systems and outcomes), so a case stays in the register for as long as the
  records must be kept (CCPA regulations §7101: 24 months), after its personal data
  has gone.
- The metrics (``metrics``): per request type, the number received, complied with in
  whole or in part, denied, and the median days to respond (CCPA regulations
  §7102(a)), with the GDPR equivalents (answered on time, late, still open and overdue,
  extended).

See docs/tasks.md, "Records and metrics".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import median
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select

from muse_care.domain.case import DISCLOSING_RIGHTS, RIGHT_LABELS, Right, Status
from muse_care.domain.errors import ValidationError
from muse_care.domain.regimes import get_regime
from muse_care.domain.private_files import check_destination
from muse_care.domain.systems import TaskStatus
from muse_care.services.register import Register
from muse_care.store.models import CaseRecord, CaseTaskRecord, HistoryRecord, SourceRecord

ANSWERS = (Status.RESPONDED.value, Status.REFUSED.value, Status.WITHDRAWN.value)


@dataclass(frozen=True)
class RegisterRow:
    reference: str
    received: date
    rights: tuple[str, ...]
    channel: str
    regime: str
    due: date | None
    answered: date | None
    outcome: str  # complied | denied | withdrawn | open
    refusal_basis: str
    systems_searched: tuple[str, ...]

    @property
    def days_to_answer(self) -> int | None:
        return (self.answered - self.received).days if self.answered else None

    @property
    def on_time(self) -> bool | None:
        if self.answered is None or self.due is None:
            return None
        return self.answered <= self.due


REGISTER_COLUMNS = ("reference", "received", "rights", "channel", "regime", "due_date", "answered",
                    "days_to_answer", "on_time", "outcome", "refusal_basis", "systems_searched")


def _check_range(date_from: date, date_to: date) -> None:
    if date_to < date_from:
        raise ValidationError("to", f"{date_to.isoformat()} is before {date_from.isoformat()}")


def register_rows(register: Register, date_from: date, date_to: date) -> list[RegisterRow]:
    """Every request received from ``date_from`` to ``date_to`` (both included), in
    order of receipt."""
    _check_range(date_from, date_to)
    c, h, t, s = CaseRecord, HistoryRecord, CaseTaskRecord, SourceRecord
    with register.read() as session:
        cases = session.execute(
            select(c.id, c.reference, c.received_date, c.rights, c.channel, c.regime, c.due_date, c.status,
                   c.holiday_region, c.country)
            .where(c.received_date.between(date_from, date_to)).order_by(c.received_date, c.id)).all()
        ids = [row.id for row in cases]
        # the day answered is read where the case's law applies, as its due date is
        # (docs/rules.md, "The day received"), not in the organisation's zone
        zones = {row.id: ZoneInfo(get_regime(row.regime).zone_for(row.holiday_region, row.country))
                 for row in cases}
        answers: dict[int, tuple[date, str]] = {}
        reasons: dict[int, str] = {}
        searched: dict[int, list[str]] = defaultdict(list)
        for chunk in _chunks(ids, 900):
            for case_id, at, new in session.execute(
                    select(h.case_id, h.at, h.new_value)
                    .where(h.case_id.in_(chunk), h.what == "status", h.new_value.in_(ANSWERS))
                    .order_by(h.case_id, h.id)):
                if case_id is not None:
                    answers.setdefault(case_id, (at.astimezone(zones[case_id]).date(), new))
            for case_id, value in session.execute(
                    select(h.case_id, h.new_value)
                    .where(h.case_id.in_(chunk), h.what == "status reason").order_by(h.id)):
                if case_id is not None:
                    reasons[case_id] = value
            for case_id, name in session.execute(
                    select(t.case_id, s.name).join(s, t.source_id == s.id)
                    .where(t.case_id.in_(chunk), t.right.in_(sorted(r.value for r in DISCLOSING_RIGHTS)),
                           t.status.in_((TaskStatus.DONE.value, TaskStatus.NOTHING_HELD.value)))
                    .order_by(t.id)):
                if name not in searched[case_id]:
                    searched[case_id].append(name)
    rows: list[RegisterRow] = []
    for row in cases:
        answered = answers.get(row.id)
        outcome = _outcome(answered[1] if answered else None, row.status)
        rows.append(RegisterRow(
            reference=row.reference, received=row.received_date,
            rights=tuple(r for r in row.rights.split(",") if r), channel=row.channel, regime=row.regime,
            due=row.due_date, answered=answered[0] if answered else None, outcome=outcome,
            refusal_basis=reasons.get(row.id, "") if outcome == "denied" else "",
            systems_searched=tuple(searched.get(row.id, ()))))
    return rows


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def _outcome(first_answer: str | None, status: str) -> str:
    if first_answer == Status.REFUSED.value:
        return "denied"
    if first_answer == Status.RESPONDED.value:
        return "complied"
    if first_answer == Status.WITHDRAWN.value:
        return "withdrawn"
    return "closed" if status == Status.CLOSED.value else "open"


def _register_cells(r: RegisterRow) -> list[object]:
    return [r.reference, r.received.isoformat(), " ".join(r.rights), r.channel, r.regime,
            r.due.isoformat() if r.due else "", r.answered.isoformat() if r.answered else "",
            "" if r.days_to_answer is None else r.days_to_answer,
            "" if r.on_time is None else ("yes" if r.on_time else "no"), r.outcome, r.refusal_basis,
            "; ".join(r.systems_searched)]


def export_register(register: Register, date_from: date, date_to: date, path: Path,
                    fmt: str = "csv") -> int:
    """Write the register to ``path`` as CSV or PDF (whole or not at all); returns the
    number of requests."""
    from muse_care.services.retrieval_docs import write_csv, write_table_pdf
    from muse_care.services.settings import organisation

    if fmt not in ("csv", "pdf"):
        raise ValidationError("format", f"'{fmt}' is not csv or pdf")
    check_destination(Path(path))
    rows = register_rows(register, date_from, date_to)
    cells = [_register_cells(r) for r in rows]
    if fmt == "csv":
        write_csv(Path(path), REGISTER_COLUMNS, cells)
        return len(rows)
    org = organisation(register)
    headings = ("Reference", "Received", "Rights", "Channel", "Regime", "Due", "Answered", "Days",
                "On time", "Outcome", "Refusal basis", "Systems searched")
    widths = (62, 50, 70, 42, 42, 50, 50, 28, 30, 44, 120, 182)
    write_table_pdf(
        Path(path), f"Register of data-protection requests, {date_from.isoformat()} to {date_to.isoformat()}",
        [f"{org.controller_name}, {org.team_name}: {len(rows)} request{'s' if len(rows) != 1 else ''} "
         "received in the period, with the answer, its outcome and the systems searched."],
        [("Requests", headings, [[str(c) for c in row] for row in cells], widths)], mono_columns=(0,))
    return len(rows)


# --- metrics ----------------------------------------------------------------------------

@dataclass(frozen=True)
class RightMetrics:
    right: str
    label: str
    received: int
    complied: int  # in whole or in part
    denied: int
    withdrawn: int
    open: int
    on_time: int
    late: int
    open_overdue: int
    extended: int
    median_days: float | None


@dataclass(frozen=True)
class Metrics:
    year: int
    rows: tuple[RightMetrics, ...]
    total_received: int

    def row(self, right: str) -> RightMetrics:
        return next(r for r in self.rows if r.right == right)


def metrics(register: Register, year: int, as_of: date | None = None) -> Metrics:
    """Requests received in ``year``, per right: the CCPA §7102 figures and their GDPR
    equivalents. A case asking for two rights counts once under each."""
    if not 2018 <= year <= 2100:
        raise ValidationError("year", f"{year} is not a year MUSE Care can report on")
    day = as_of or register.today()
    rows = register_rows(register, date(year, 1, 1), date(year, 12, 31))
    with register.read() as session:
        extended = set(session.execute(
            select(CaseRecord.reference).where(
                CaseRecord.received_date.between(date(year, 1, 1), date(year, 12, 31)),
                CaseRecord.extended.is_(True),
                # an extension that held: told in time (or extended before migration 0027)
                or_(CaseRecord.extension_told_on.is_not(None),
                    and_(CaseRecord.extended_to.is_(None), CaseRecord.due_date.is_not(None))))).scalars())
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    days: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        for right in r.rights:
            m = per[right]
            m["received"] += 1
            m[r.outcome if r.outcome in ("complied", "denied", "withdrawn") else "open"] += 1
            if r.on_time is True:
                m["on_time"] += 1
            elif r.on_time is False:
                m["late"] += 1
            elif r.answered is None and r.due is not None and r.due < day and r.outcome == "open":
                m["open_overdue"] += 1
            if r.reference in extended:
                m["extended"] += 1
            if r.outcome in ("complied", "denied") and r.days_to_answer is not None:
                days[right].append(r.days_to_answer)
    order = [x.value for x in Right]
    out = []
    for right in sorted(per, key=lambda x: (order.index(x) if x in order else len(order), x)):
        m = per[right]
        out.append(RightMetrics(
            right=right, label=_label(right), received=m["received"], complied=m["complied"],
            denied=m["denied"], withdrawn=m["withdrawn"], open=m["open"], on_time=m["on_time"],
            late=m["late"], open_overdue=m["open_overdue"], extended=m["extended"],
            median_days=float(median(days[right])) if days[right] else None))
    return Metrics(year, tuple(out), len(rows))


def _label(right: str) -> str:
    try:
        return RIGHT_LABELS[Right(right)]
    except ValueError:
        return right


METRICS_COLUMNS = ("right", "received", "complied_in_whole_or_part", "denied", "withdrawn", "open",
                   "answered_on_time", "answered_late", "open_overdue", "extended", "median_days_to_respond")


def metrics_cells(m: Metrics) -> list[list[object]]:
    return [[r.right, r.received, r.complied, r.denied, r.withdrawn, r.open, r.on_time, r.late,
             r.open_overdue, r.extended, "" if r.median_days is None else f"{r.median_days:g}"]
            for r in m.rows]


def export_metrics(m: Metrics, path: Path) -> None:
    from muse_care.services.retrieval_docs import write_csv

    write_csv(Path(check_destination(Path(path))), METRICS_COLUMNS, metrics_cells(m))
