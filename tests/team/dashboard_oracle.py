"""The lead's dashboard as it was counted before migration 0022 kept its figures: the
oracle the kept figures are compared with (tests/team/test_team_dashboard_counts.py)."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, text, true

from muse_care.domain.case import Status
from muse_care.services.register import Register
from muse_care.services.team import LEAD_ROLES, require_role
from muse_care.services.team_reports import (
    ANSWERED, NOT_REPLIES, AgentLoad, DashboardData, MonthRate, _answers, _months_back, _names, _seal_text,
    _week_end,
)
from muse_care.store.models import CaseRecord
from muse_care.store.team_sql import approvals


def old_dashboard_data(register: Register, as_of: date | None = None, months: int = 12) -> DashboardData:
    """MUSE Care's dashboard before migration 0022, counted at read time (the oracle). Open cases by status and by right, overdue and due this week (today to Sunday),
    approvals waiting, the on-time rate for the last ``months`` months (answered, i.e.
    responded or refused, on or before the due date, in the organisation's time zone), and
    the load per agent."""
    require_role(register, *LEAD_ROLES)
    as_of = as_of or register.today()
    week_end = _week_end(as_of)
    tz = register.timezone()
    since = _months_back(as_of, months)
    c = CaseRecord
    overdue_expr = func.sum(case((c.due_date < as_of, 1), else_=0))
    week_expr = func.sum(case((c.due_date.between(as_of, week_end), 1), else_=0))
    by_status: Counter[str] = Counter()
    rights: Counter[str] = Counter()
    per_agent: dict[str, list[int]] = {}
    with register.read() as s:
        # one pass over the open cases for all three breakdowns (docs/performance.md,
        # "The lead's dashboard"): one row per (status, rights, assignee) present
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
        loads = [AgentLoad(a, n, o, w) for a, (n, o, w) in per_agent.items()]
        pending = s.execute(select(func.count()).select_from(approvals)
                            .where(approvals.c.decision.is_(None))).scalar_one()
        months_list: list[str] = []
        d = since
        while d <= as_of:
            months_list.append(f"{d.year:04d}-{d.month:02d}")
            d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
        per_month: dict[str, list[int]] = {m: [0, 0] for m in months_list}
        if s.get_bind().dialect.name == "postgresql":
            for key, n, on_time in answers_by_month(s, tz, since):
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



_ANSWERED_SQL = ", ".join(f"'{v}'" for v in ANSWERED)
_NOT_REPLIES_SQL = ", ".join(f"'{v}'" for v in NOT_REPLIES)
ANSWERS_BY_MONTH = f"""
WITH first_move AS (
    SELECT case_id, min(at) AS at FROM history
    WHERE what = 'status' AND new_value IN ({_ANSWERED_SQL}) AND case_id IS NOT NULL
    GROUP BY case_id
    HAVING min(at) >= :from_at),
unmoved AS MATERIALIZED (
    SELECT c.id FROM cases c
    WHERE c.status IN ({_ANSWERED_SQL})
      AND NOT EXISTS (SELECT 1 FROM history h WHERE h.case_id = c.id AND h.what = 'status'
                      AND h.new_value IN ({_ANSWERED_SQL}))),
answer AS (
    SELECT (m.at AT TIME ZONE :tz)::date AS day, c.due_date
    FROM first_move m JOIN cases c ON c.id = m.case_id
    UNION ALL
    SELECT coalesce(l.sent, (l.made AT TIME ZONE :tz)::date, (c.updated_at AT TIME ZONE :tz)::date),
           c.due_date
    FROM unmoved u JOIN cases c ON c.id = u.id
    LEFT JOIN LATERAL (SELECT min(lt.dispatched_on) AS sent, min(lt.generated_at) AS made FROM letters lt
                       WHERE lt.case_id = c.id AND lt.kind NOT IN ({_NOT_REPLIES_SQL})) l ON true)
SELECT to_char(day, 'YYYY-MM'), count(*), count(*) FILTER (WHERE due_date IS NOT NULL AND day <= due_date)
FROM answer WHERE day >= :since GROUP BY 1
"""
"""PostgreSQL: :func:`_answers` counted by the server, per month of the answer day
(answered, on time). The first moves come off ``ix_history_answers`` (migration 0021)
without reading the history's rows; ``from_at``, a day before the period's first
midnight anywhere, only spares the join for cases answered long before."""


def answers_by_month(s: Any, tz: Any, since: date) -> list[tuple[str, int, int]]:
    """(YYYY-MM, answered, on time) of the cases answered on or after ``since``, as
    :func:`_answers` would count them (``tests/team/test_team_reports.py`` compares them)."""
    from datetime import time, timezone as _tz

    zone = getattr(tz, "key", None) or "UTC"
    from_at = datetime.combine(since, time(0), tzinfo=_tz.utc) - timedelta(days=2)
    return [(str(m), int(n), int(o)) for m, n, o in s.execute(
        text(ANSWERS_BY_MONTH), {"tz": zone, "since": since, "from_at": from_at})]


