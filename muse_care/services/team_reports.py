"""What a team lead looks at: the dashboard's figures, each agent's workload, breach
warnings, a proposal to balance the queues, the team's audit trail, and the register
as CSV.

On PostgreSQL the database keeps the dashboard's counts as cases change (migration 0022,
``store/dashboard_sql.py``; docs/performance.md, "The lead's dashboard"): the open cases
by status, by combination of rights and by agent and due date, and the answered cases
per answer day; the dashboard sums those few hundred rows and applies its own date, so
overdue and due this week need no job to stay right. On SQLite the database counts the
open cases in one pass at read time, and the answers are read and counted here. The
results are plain frozen data: the widgets only draw them.

The on-time rate counts every answered case (responded or refused). Its answer date is
the first move to an answered status in the history; when the history has none (a case
imported or migrated as already answered) it is the first reply letter's dispatch (or
production) date; failing both, the case's last change. Every figure says how many cases
it rests on.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, or_, select, text, true

from muse_care.domain.case import RIGHT_LABELS, Status, label
from muse_care.domain.errors import ValidationError
from muse_care.domain.grammar import count
from muse_care.services.register import Register
from muse_care.services.respond_gate import ReplyFacts, reply_facts
from muse_care.services.team import LEAD_ROLES, require_role
from muse_care.store.history_sql import TAKE_WHAT
from muse_care.store.models import CaseRecord, HistoryRecord, LetterRecord
from muse_care.store.team_sql import approvals

ANSWERED = (Status.RESPONDED.value, Status.REFUSED.value)
#: Letters that answer the request (not the acknowledgement, nor asking for ID,
#: clarification or more time).
NOT_REPLIES = ("acknowledgement", "identity-request", "clarification-request", "extension")


@dataclass(frozen=True)
class MonthRate:
    month: str  # YYYY-MM
    answered: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.answered if self.answered else None


@dataclass(frozen=True)
class AgentLoad:
    agent: str  # "" = unassigned
    open: int
    overdue: int
    due_this_week: int


@dataclass(frozen=True)
class DashboardData:
    as_of: date
    open_total: int
    overdue: int
    due_this_week: int
    pending_approvals: int
    by_status: tuple[tuple[str, int], ...]
    by_right: tuple[tuple[str, int], ...]
    on_time_by_month: tuple[MonthRate, ...]
    load_per_agent: tuple[AgentLoad, ...]
    seal: str = ""
    """The history's seal (entry count and head hash; services/history.py)."""
    answered_cases: int = 0
    """Cases answered in the period: what the on-time rate rests on."""
    answered_on_time: int = 0
    names: tuple[tuple[str, str], ...] = ()
    """(login, display name) of the team, for labels."""

    @property
    def on_time_text(self) -> str:
        answered = sum(m.answered for m in self.on_time_by_month)
        on_time = sum(m.on_time for m in self.on_time_by_month)
        if not answered:
            return "no answered case in the period"
        return f"{on_time / answered:.0%} of {count(answered, 'answered case')}"

    def name_of(self, login: str) -> str:
        return dict(self.names).get(login, login) if login else "(unassigned)"


def _week_end(as_of: date) -> date:
    return as_of + timedelta(days=6 - as_of.weekday())


def _months_back(as_of: date, months: int) -> date:
    y, m = as_of.year, as_of.month - (months - 1)
    while m < 1:
        m += 12
        y -= 1
    return date(y, m, 1)


def dashboard_data(register: Register, as_of: date | None = None, months: int = 12) -> DashboardData:
    """Open cases by status and by right, overdue and due this week (today to Sunday),
    approvals waiting, the on-time rate for the last ``months`` months (answered, i.e.
    responded or refused, on or before the due date, in the organisation's time zone), and
    the load per agent."""
    require_role(register, *LEAD_ROLES)
    as_of = as_of or register.today()
    week_end = _week_end(as_of)
    tz = register.timezone()
    since = _months_back(as_of, months)
    by_status: Counter[str] = Counter()
    rights: Counter[str] = Counter()
    per_agent: dict[str, list[int]] = {}
    pg = register.dialect == "postgresql"
    zone = getattr(tz, "key", None) or "UTC"
    if pg:
        _kept_answers_in(register, zone)
    with register.read() as s:
        if pg:
            # the counts the database keeps (migration 0022, store/dashboard_sql.py): a few
            # hundred rows whatever the number of cases; the dates compared here
            for kind, key, due, n in s.execute(text("SELECT kind, key, due_date, n FROM open_case_counts")):
                if kind == "s":
                    by_status[key] += n
                elif kind == "r":
                    for r in key.split(","):
                        if r:
                            rights[r] += n
                else:
                    load = per_agent.setdefault(key, [0, 0, 0])
                    load[0] += n
                    if due is not None and due < as_of:
                        load[1] += n
                    elif due is not None and due <= week_end:
                        load[2] += n
        else:
            _count_open(s, as_of, week_end, by_status, rights, per_agent)
        loads = [AgentLoad(a, n, o, w) for a, (n, o, w) in per_agent.items()]
        pending = s.execute(select(func.count()).select_from(approvals)
                            .where(approvals.c.decision.is_(None))).scalar_one()
        months_list: list[str] = []
        d = since
        while d <= as_of:
            months_list.append(f"{d.year:04d}-{d.month:02d}")
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        per_month: dict[str, list[int]] = {m: [0, 0] for m in months_list}
        if pg:
            for key, n, on_time in _kept_answers_by_month(s, since):
                if key in per_month:
                    per_month[key] = [int(n), int(on_time)]
        else:
            for local, due in _answers(s, tz, since):
                key = f"{local.year:04d}-{local.month:02d}"
                if key in per_month:
                    per_month[key][0] += 1
                    if due is not None and local <= due:
                        per_month[key][1] += 1
        names = _names(s)
        seal = _seal_text(s)
    status_order = [st.value for st in Status]
    loads.sort(key=lambda x: (x.agent == "", -x.open, x.agent))
    return DashboardData(
        as_of=as_of,
        open_total=sum(by_status.values()),
        overdue=sum(x.overdue for x in loads),
        due_this_week=sum(x.due_this_week for x in loads),
        pending_approvals=int(pending),
        by_status=tuple((st, by_status[st]) for st in status_order if by_status.get(st)),
        by_right=tuple(sorted(((r, n) for r, n in rights.items()), key=lambda x: (-x[1], x[0]))),
        on_time_by_month=tuple(MonthRate(m, a, o) for m, (a, o) in per_month.items()),
        load_per_agent=tuple(loads),
        seal=seal,
        answered_cases=sum(a for a, _o in per_month.values()),
        answered_on_time=sum(o for _a, o in per_month.values()),
        names=names,
    )


def _count_open(s: Any, as_of: date, week_end: date, by_status: Counter[str], rights: Counter[str],
                per_agent: dict[str, list[int]]) -> None:
    """SQLite: the open cases counted now, in one pass for all three breakdowns: one row
    per (status, rights, assignee) present."""
    c = CaseRecord
    overdue_expr = func.sum(case((c.due_date < as_of, 1), else_=0))
    week_expr = func.sum(case((c.due_date.between(as_of, week_end), 1), else_=0))
    for status, combo, agent, n, o, w in s.execute(
            select(c.status, c.rights, c.assignee, func.count(), overdue_expr, week_expr)
            .where(c.is_open == true()).group_by(c.status, c.rights, c.assignee)):
        by_status[status] += n
        for r in combo.split(","):
            if r:
                rights[r] += n
        load = per_agent.setdefault(agent, [0, 0, 0])
        load[0] += n
        load[1] += int(o or 0)
        load[2] += int(w or 0)


def _kept_answers_in(register: Register, zone: str) -> None:
    """PostgreSQL: the kept answer days are in the organisation's zone ``zone``; when
    they are in another (the zone was changed in the settings) they are counted again,
    once, under the history's lock (``muse_answers_zone``, store/dashboard_sql.py)."""
    with register.read() as s:
        kept = s.execute(text("SELECT zone FROM answers_zone WHERE id = 1")).scalar()
    if kept != zone:
        with register.unit_of_work() as s:
            s.execute(text("SELECT muse_answers_zone(:zone)"), {"zone": zone})


def _kept_answers_by_month(s: Any, since: date) -> list[tuple[str, int, int]]:
    """PostgreSQL: (YYYY-MM, answered, on time) from the kept answer days (migration
    0022), as :func:`_answers` finds them (``tests/team/test_team_dashboard_counts.py``
    compares them with the count at read time this replaced)."""
    return [(str(m), int(n), int(o)) for m, n, o in s.execute(text(
        "SELECT to_char(day, 'YYYY-MM'), sum(answered), sum(on_time) FROM answers_by_day "
        "WHERE day >= :since GROUP BY 1"), {"since": since})]


def history_seal_text(register: Register) -> str:
    with register.read() as s:
        return _seal_text(s)


def _seal_text(s: Any) -> str:
    from muse_care.services.history import current_seal

    seal = current_seal(s)
    return str(seal) if seal else ""


def _names(s: Any) -> tuple[tuple[str, str], ...]:
    from muse_care.services.members import _members

    return tuple((m.login, m.display_name) for m in _members(s.connection()))


def _answers(s: Any, tz: Any, since: date) -> list[tuple[date, date | None]]:
    """(answer day in the organisation's zone, due date) of every case answered on or
    after ``since``; see the module's note for where the answer day comes from."""
    c, h, lt = CaseRecord, HistoryRecord, LetterRecord
    first_move = (select(h.case_id, func.min(h.at).label("at"))
                  .where(h.what == "status", h.new_value.in_(ANSWERED), h.case_id.is_not(None))
                  .group_by(h.case_id).subquery())
    first_letter = (select(lt.case_id, func.min(lt.dispatched_on).label("sent"),
                           func.min(lt.generated_at).label("made"))
                    .where(lt.kind.not_in(NOT_REPLIES)).group_by(lt.case_id).subquery())
    rows = s.execute(
        select(c.due_date, c.updated_at, first_move.c.at, first_letter.c.sent, first_letter.c.made)
        .outerjoin(first_move, first_move.c.case_id == c.id)
        .outerjoin(first_letter, first_letter.c.case_id == c.id)
        .where(or_(c.status.in_(ANSWERED), first_move.c.at.is_not(None)))).all()
    out: list[tuple[date, date | None]] = []
    for due, updated_at, moved_at, sent, made in rows:
        if moved_at is not None:
            day = _local_day(moved_at, tz)
        elif sent is not None:
            day = sent
        elif made is not None:
            day = _local_day(made, tz)
        else:
            day = _local_day(updated_at, tz)
        if day >= since:
            out.append((day, due))
    return out


def _local_day(at: datetime, tz: Any) -> date:
    from datetime import timezone as _tz

    if at.tzinfo is None:
        at = at.replace(tzinfo=_tz.utc)
    return at.astimezone(tz).date()


def right_label(value: str) -> str:
    return label(value, RIGHT_LABELS)


# --- the register as CSV ---------------------------------------------------------------

CSV_COLUMNS = ("reference", "received", "channel", "rights", "regime", "status", "assignee",
               "requester", "country", "clock_start", "due_date", "original_due", "extended",
               "answered_on", "on_time", "updated_at", "updated_by")


def _cell(value: object) -> str:
    """Text for a spreadsheet; a leading = + - @ is neutralised (CSV formula injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def export_register_csv(register: Register, date_from: date, date_to: date, path: str | Path) -> int:
    """Write the cases received from ``date_from`` to ``date_to`` (both included), in
    order of receipt, to a UTF-8 CSV file (written whole or not at all). Returns the
    number of cases. Contact details (email, phone, address) are left out."""
    require_role(register, *LEAD_ROLES)
    if date_to < date_from:
        raise ValidationError("to", f"{date_to.isoformat()} is before {date_from.isoformat()}")
    path = Path(path)
    tz = register.timezone()
    c, h = CaseRecord, HistoryRecord
    answered = (select(h.case_id, func.min(h.at).label("at"))
                .where(h.what == "status", h.new_value.in_(ANSWERED))
                .group_by(h.case_id).subquery())
    stmt = (select(c.reference, c.received_date, c.channel, c.rights, c.regime, c.status, c.assignee,
                   c.requester_name, c.country, c.clock_start, c.due_date, c.original_due, c.extended,
                   answered.c.at, c.updated_at, c.updated_by)
            .outerjoin(answered, answered.c.case_id == c.id)
            .where(c.received_date.between(date_from, date_to))
            .order_by(c.received_date, c.id))
    import io

    from muse_care.domain.private_files import atomic_private_file, private_dir

    if not path.parent.exists():
        private_dir(path.parent)
    count = 0
    # private (0600), through an unpredictable temporary name, renamed when complete
    with register.read() as s, atomic_private_file(path) as handle:
        f = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        try:
            w = csv.writer(f)
            w.writerow(CSV_COLUMNS)
            for row in s.execute(stmt.execution_options(yield_per=2000)):
                (ref, received, channel, rights, regime, status, assignee, name, country, start,
                 due, original, extended, answered_at, updated_at, updated_by) = row
                answered_on = answered_at.astimezone(tz).date() if answered_at else None
                on_time = None if answered_on is None or due is None else answered_on <= due
                w.writerow([_cell(x) for x in (
                    ref, received, channel, rights.replace(",", " "), regime, status, assignee, name,
                    country, start, due, original, extended, answered_on, on_time,
                    updated_at, updated_by)])
                count += 1
        finally:
            f.flush()
            f.detach()
    return count


# --- breach warnings ---------------------------------------------------------------------

@dataclass(frozen=True)
class BreachWarning:
    case_id: int
    reference: str
    requester: str
    assignee: str
    kind: str  # "reply" | "acknowledgement" | "extension" (the notice of an extension)
    due: date
    working_days_left: int  # negative: overdue by that many working days
    note: str = ""  # what stands in the way, when something is done already

    @property
    def text(self) -> str:
        what = {"reply": "reply", "extension": "extension notice (the requester told of the extension)"}.get(
            self.kind, "acknowledgement (CCPA: receipt confirmed)")
        if self.working_days_left < 0:
            when = f"overdue since {self.due:%a %d %b}"
        elif self.working_days_left == 0:
            when = "due today"
        else:
            when = f"due {self.due:%a %d %b}, {count(self.working_days_left, 'working day')} left"
        return f"{self.reference} {self.requester}: {what} {when}" + (f" ({self.note})" if self.note else "")


def _is_working(d: date, region: str) -> bool:
    from muse_care.domain.workdays import is_working_day

    try:
        return is_working_day(d, region)
    except Exception:  # noqa: BLE001 - a region we have no holidays for: weekdays only
        return d.weekday() < 5


def _working_days_between(start: date, end: date, region: str) -> int:
    """Working days after ``start`` up to ``end`` (negative when ``end`` is earlier)."""
    step = 1 if end >= start else -1
    n, d = 0, start
    while d != end:
        d += timedelta(days=step)
        if _is_working(d, region):
            n += step
    return n


def breach_warnings(register: Register, *, within: int = 3, as_of: date | None = None,
                    for_login: str | None = None, limit: int = 500) -> list[BreachWarning]:
    """Open cases whose reply is due within ``within`` working days (or overdue) with no
    reply given yet (as Responded counts it: ``respond_gate.reply_facts``), and CCPA acknowledgements due with no acknowledgement letter sent;
    ``for_login``: only that person's cases (what an agent is warned about), else all
    (what leads are warned about). Most urgent first.

    An extended case whose extension notice has not gone out is warned of by its
    original due date, the day the requester must be told by (Art. 12(3); docs/rules.md,
    "Extension"): before it, the notice is due; after it, the extension does not hold and
    the reply was due that day (found by an outside tester: the extended date was all
    anyone saw)."""
    as_of = as_of or register.today()
    c, lt = CaseRecord, LetterRecord
    horizon = as_of + timedelta(days=within * 2 + 10)  # a coarse bound; exact per region below
    acknowledged = select(lt.case_id).where(lt.kind == "acknowledgement", lt.dispatched_on.is_not(None))
    # told of the extension (cases.extension_told_on, set when its notice goes out in time);
    # a case extended before migration 0027: a notice posted within the period the
    # extension extends, not one sent before the clock restarted
    told = or_(c.extension_told_on.is_not(None), and_(c.extended_to.is_(None), select(lt.case_id).where(
        lt.kind == "extension", lt.dispatched_on.is_not(None), lt.case_id == c.id,
        lt.dispatched_on <= c.original_due, lt.dispatched_on >= c.clock_start).exists()))
    cond: list[Any] = [c.is_open.is_(True)]
    if for_login is not None:
        cond.append(c.assignee == for_login)
    out: list[BreachWarning] = []
    with register.read() as s:
        rows = s.execute(
            select(c.id, c.reference, c.requester_name, c.assignee, c.due_date, c.acknowledge_by,
                   c.holiday_region, c.channel, c.id.in_(acknowledged),
                   and_(c.extended.is_(True), c.original_due.is_not(None), ~told), c.original_due, c.extended_to)
            .where(*cond, or_(and_(c.due_date.is_not(None), c.due_date <= horizon),
                              and_(c.acknowledge_by.is_not(None), c.acknowledge_by <= horizon),
                              and_(c.extended.is_(True), c.original_due <= horizon, ~told)))
            .order_by(c.due_date, c.id).limit(limit * 2)).all()
        # A reply counts once it is given as Responded asks (services/respond_gate.py):
        # a letter made and never posted, or a closing letter, answers nobody.
        facts = reply_facts(s, [r.id for r in rows if r.due_date is not None])
    for cid, ref, name, assignee, due, ack_by, region, channel, has_ack, untold, told_by, extended_to in rows:
        reply = facts.get(cid, ReplyFacts())
        has_reply = reply.given(channel)
        untold_note, notice_due = "", False
        if untold and not has_reply:
            if as_of <= told_by:
                left = _working_days_between(as_of, told_by, region)
                if left <= within:
                    # the notice, or the reply itself, by that day: one warning, not two
                    out.append(BreachWarning(cid, ref, name, assignee, "extension", told_by, left,
                                             f"extended to {extended_to or due:%a %d %b} only once the "
                                             "requester is told; otherwise reply by then"))
                notice_due = True
            else:  # never told: the extension does not hold, the reply was due then
                due = told_by
                untold_note = (f"extended, but no extension notice went out by {told_by:%a %d %b}: the "
                               "extension does not hold")
        for kind, day, done in (("reply", due, has_reply or notice_due), ("acknowledgement", ack_by, has_ack)):
            if day is None or done:
                continue
            left = _working_days_between(as_of, day, region)
            if left <= within:
                note = (f"letter {', '.join(str(i) for i in reply.made)} made, not yet posted in a dispatched "
                        "print run") if kind == "reply" and reply.made else ""
                note = "; ".join(x for x in (untold_note if kind == "reply" else "", note) if x)
                out.append(BreachWarning(cid, ref, name, assignee, kind, day, left, note))
    out.sort(key=lambda w: (w.working_days_left, w.due, w.reference))
    return out[:limit]


# --- balancing the queues --------------------------------------------------------------------

@dataclass(frozen=True)
class Reassignment:
    case_id: int
    reference: str
    due_date: date | None
    from_agent: str  # "" = the unassigned pool
    to_agent: str


def propose_balance(register: Register, *, include_unassigned: bool = False,
                    agents: list[str] | None = None) -> list[Reassignment]:
    """A proposal (nothing is written) to even out the agents' open cases: unstarted
    cases (status *new*) move, soonest due first, from the busiest agent to the least busy
    while they differ by two or more; with ``include_unassigned`` the unassigned pool's
    new cases are handed out too. The lead confirms it with ``team.reassign_many``."""
    from muse_care.services.members import team_members

    require_role(register, *LEAD_ROLES)
    if agents is None:
        agents = [m.login for m in team_members(register, active_only=True) if m.role == "agent"]
    if not agents:
        return []
    c = CaseRecord
    with register.read() as s:
        load = {a: 0 for a in agents}
        for who, n in s.execute(select(c.assignee, func.count()).where(c.is_open.is_(True))
                                .group_by(c.assignee)):
            if who in load:
                load[who] = int(n)
        movable = s.execute(
            select(c.id, c.reference, c.due_date, c.assignee)
            .where(c.is_open.is_(True), c.status == Status.NEW.value,
                   c.assignee.in_(agents + ([""] if include_unassigned else [])))
            .order_by(c.due_date.asc().nulls_last(), c.id)).all()
    out: list[Reassignment] = []
    for cid, ref, due, owner in movable:
        best = min(agents, key=lambda a: (load[a], a))
        if owner == "":
            load[best] += 1
        elif load[owner] - load[best] >= 2:
            load[owner] -= 1
            load[best] += 1
        else:
            continue
        out.append(Reassignment(cid, ref, due, owner, best))
    return out


# --- the team's audit trail ------------------------------------------------------------------

@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    what: str
    case_reference: str  # "" for register-wide entries (sources, settings)
    old: str
    new: str


@dataclass(frozen=True)
class AuditFilter:
    actor: str = ""
    case: str = ""  # a case reference
    kind: str = ""  # "status", "requester", "approval", "assignee", "check", "event", "note", …
    date_from: date | None = None
    date_to: date | None = None


def _audit_select(register: Register, f: AuditFilter) -> Any:
    from muse_care.domain.reference import normalise_reference
    from muse_care.store.models import HistoryRecord as H

    tz = register.timezone()
    stmt = (select(H.id, H.at, H.actor, H.what, CaseRecord.reference, H.old_value, H.new_value,
                   H.redacted)
            .outerjoin(CaseRecord, CaseRecord.id == H.case_id))
    if f.actor.strip():
        stmt = stmt.where(H.actor == f.actor.strip())
    if f.case.strip():
        ref = normalise_reference(f.case)
        if ref is None:
            raise ValidationError("case", f"'{f.case}' is not a case reference (they look like MC-7KP-4QX9)")
        stmt = stmt.where(CaseRecord.reference == ref)
    if f.kind.strip():
        k = f.kind.strip()
        kinds = [H.what == k, H.what.like(f"{k}:%"), H.what.like(f"{k}.%"), H.what.like(f"{k} %")]
        if k == "assignee":  # a take-next's one entry is its row entry (migration 0024)
            kinds.append(H.what == TAKE_WHAT)
        stmt = stmt.where(or_(*kinds))
    if f.date_from and f.date_to and f.date_to < f.date_from:
        raise ValidationError("to", f"{f.date_to.isoformat()} is before {f.date_from.isoformat()}")
    if f.date_from:
        stmt = stmt.where(H.at >= datetime.combine(f.date_from, datetime.min.time(), tz))
    if f.date_to:
        stmt = stmt.where(H.at < datetime.combine(f.date_to + timedelta(days=1), datetime.min.time(), tz))
    return stmt


def _audit_entry(row: Any) -> AuditEntry:
    from muse_care.services.history import REDACTED_TEXT

    hid, at, actor, what, ref, old, new, redacted = row
    if what == TAKE_WHAT:  # shown in words, as the take's word entry was before migration 0024
        what = "assignee"
    if redacted:
        old, new = "", REDACTED_TEXT
    return AuditEntry(hid, at, actor, what, ref or "", old or "", new or "")


def audit_entries(register: Register, f: AuditFilter = AuditFilter(), *, limit: int = 2000) -> list[AuditEntry]:
    """Every change across cases (newest first), filtered by person, case, kind and date;
    for leads."""
    from muse_care.store.models import HistoryRecord as H

    require_role(register, *LEAD_ROLES)
    stmt = _audit_select(register, f).order_by(H.id.desc()).limit(limit)
    with register.read() as s:
        return [_audit_entry(r) for r in s.execute(stmt)]


def audit_people_and_kinds(register: Register) -> tuple[list[str], list[str]]:
    """Who appears in the history, and the kinds of change, for the filter lists."""
    from muse_care.store.models import HistoryRecord as H

    require_role(register, *LEAD_ROLES)
    with register.read() as s:
        people = sorted(s.execute(select(H.actor).distinct()).scalars())
        whats = set(s.execute(select(H.what).distinct()).scalars())
    kinds = sorted({w.replace(".", ":").split(":")[0] for w in whats} | ({"assignee"} if TAKE_WHAT in whats else set()))
    return people, kinds


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    problem: str

    @property
    def text(self) -> str:
        return (f"history intact: {count(self.entries, 'entry', 'entries')}, every hash matches"
                if self.ok else f"history BROKEN after {self.entries} good entries: {self.problem}")


def verify_history(register: Register) -> ChainCheck:
    from muse_care.services.history import verify_chain

    with register.read() as s:
        report = verify_chain(s)
    return ChainCheck(bool(report.ok), int(report.entries), str(report.problem or ""))


AUDIT_COLUMNS = ("id", "at", "actor", "what", "case", "old", "new")


def export_audit_csv(register: Register, path: str | Path, f: AuditFilter = AuditFilter()) -> int:
    """The filtered audit trail as UTF-8 CSV (oldest first), written whole or not at all,
    ending with the chain's verify result. Returns the number of entries."""
    from muse_care.store.models import HistoryRecord as H

    require_role(register, *LEAD_ROLES)
    path = Path(path)
    tz = register.timezone()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    n = 0
    try:
        with register.read() as s, open(tmp, "w", encoding="utf-8-sig", newline="") as out:
            w = csv.writer(out)
            w.writerow(AUDIT_COLUMNS)
            stmt = _audit_select(register, f).order_by(H.id)
            for row in s.execute(stmt.execution_options(yield_per=2000)):
                e = _audit_entry(row)
                w.writerow([_cell(x) for x in (e.id, e.at.astimezone(tz).isoformat(timespec="seconds"),
                                               e.actor, e.what, e.case_reference, e.old, e.new)])
                n += 1
        check = verify_history(register)
        with open(tmp, "a", encoding="utf-8", newline="") as out:
            csv.writer(out).writerow(["", "", "", "verify", "", "", check.text])
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return n
