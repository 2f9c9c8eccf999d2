"""The lead's dashboard figures and the register as CSV."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from muse_care.domain.errors import PermissionDenied
from muse_care.services import cases, team
from muse_care.services.team_reports import dashboard_data, export_register_csv
from team_support import draft


def _fill(reg) -> list:  # noqa: ANN001
    a = cases.add_case(reg, draft(received=date(2026, 10, 1), name="=HYPERLINK(1)"))  # overdue
    b = cases.add_case(reg, draft(received=date(2026, 10, 27), rights=["access", "erasure"]))  # due 27 Nov
    c = cases.add_case(reg, draft(received=date(2026, 11, 20), rights=["erasure"]))
    cases.assign(reg, a.id, "tom")
    return [a, b, c]


def _as_lead(register):  # noqa: ANN001, ANN202
    from muse_care.services.register import Actor, Register

    return Register(register.engine, Actor("aisha", "Aisha Khan", "lead"), register._now)


def test_dashboard_counts(register) -> None:
    register = _as_lead(register)
    a, b, c = _fill(register)
    data = dashboard_data(register, as_of=date(2026, 11, 25))
    assert data.open_total == 3 and data.overdue == 1 and data.due_this_week == 1
    assert dict(data.by_status) == {"new": 3}
    assert dict(data.by_right) == {"access": 2, "erasure": 2}
    loads = {x.agent: (x.open, x.overdue) for x in data.load_per_agent}
    assert loads == {"tom": (1, 1), "": (2, 0)}
    assert len(data.on_time_by_month) == 12 and data.on_time_by_month[-1].month == "2026-11"


def test_export_csv_for_a_date_range(register, tmp_path) -> None:
    register = _as_lead(register)
    _fill(register)
    out = tmp_path / "register.csv"
    n = export_register_csv(register, date(2026, 10, 1), date(2026, 10, 31), out)
    assert n == 2
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["received"] for r in rows] == ["2026-10-01", "2026-10-27"]
    assert rows[0]["requester"] == "'=HYPERLINK(1)"  # no formula reaches a spreadsheet
    assert rows[1]["rights"] == "access erasure" and "email" not in rows[0]


@pytest.mark.pg
def test_agents_do_not_get_the_lead_dashboard(make_login, client) -> None:
    reg = client(make_login("agent"))
    with pytest.raises(PermissionDenied):
        dashboard_data(reg)
    with pytest.raises(PermissionDenied):
        export_register_csv(reg, date(2026, 1, 1), date(2026, 12, 31), "x.csv")
    assert team.four_eyes_enabled(reg)


@pytest.mark.pg
def test_the_servers_on_time_counts_are_the_ones_counted_here(admin_register) -> None:
    """On PostgreSQL the on-time rate is counted by the server, per month of the answer
    day in the organisation's zone (``answers_by_month``, the read path before migration
    0022, tests/team/dashboard_oracle.py); it counts what ``_answers``
    (the SQLite path) counts, at the month and period edges and for every fallback."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from sqlalchemy import insert, text

    import dashboard_oracle
    from muse_care.services import team_reports
    from muse_care.store.models import LetterRecord
    from team_support import add_cases

    utc = timezone.utc
    ids = add_cases(admin_register, 9)
    moves = {  # case -> [(status, at)]: word entries as MUSE Care writes them
        0: [("responded", datetime(2026, 11, 2, 10, tzinfo=utc)), ("closed", datetime(2026, 11, 9, tzinfo=utc))],
        1: [("refused", datetime(2026, 10, 20, 9, tzinfo=utc))],
        2: [("responded", datetime(2026, 10, 31, 23, 30, tzinfo=utc))],  # 1 Nov 00:30 in Berlin
        3: [("responded", datetime(2025, 11, 30, 23, 30, tzinfo=utc))],  # 1 Dec 2025 in Berlin: in
        4: [("responded", datetime(2025, 11, 30, 22, 30, tzinfo=utc)),  # 30 Nov 2025 in Berlin: out
            ("responded", datetime(2026, 1, 5, tzinfo=utc))],  # (its first answer counts)
        5: [("in-progress", datetime(2026, 11, 1, tzinfo=utc))],  # not an answer
    }
    with admin_register.engine.begin() as conn:
        for i, steps in moves.items():
            for status, at in steps:
                conn.execute(text("SELECT muse_history_word(:c, 'status', 'in-progress', :s, 'postgres', :t)"),
                             {"c": ids[i], "s": status, "t": at})
                conn.execute(text("UPDATE cases SET status = :s WHERE id = :c"), {"c": ids[i], "s": status})
        # answered with no move (imported): the reply's dispatch, its production, the last change
        for i, status in ((6, "responded"), (7, "refused"), (8, "responded")):
            conn.execute(text("UPDATE cases SET status = :s, updated_at = :u WHERE id = :c"),
                         {"c": ids[i], "s": status, "u": datetime(2026, 6, 1, 12, tzinfo=utc)})
        for i, sent, made in ((6, date(2026, 11, 3), datetime(2026, 10, 30, 9, tzinfo=utc)),
                              (7, None, datetime(2026, 10, 31, 23, 30, tzinfo=utc))):
            conn.execute(insert(LetterRecord.__table__).values(
                case_id=ids[i], kind="access-response", layout="uk", generated_at=made,
                generated_by="postgres", sha256="0" * 64, page_count=1, pdf=b"%PDF", dispatched_on=sent,
                recipient_name="", needs_approval=False, approved_by="", dispatch_method="",
                dispatched_by="", print_count=0, version=1))
    since = date(2025, 12, 1)
    for zone in ("Europe/Berlin", "Pacific/Auckland", "America/Los_Angeles"):
        tz = ZoneInfo(zone)
        with admin_register.read() as s:
            here = team_reports._answers(s, tz, since)
            server = dashboard_oracle.answers_by_month(s, tz, since)
        counted: dict[str, list[int]] = {}
        for day, due in here:
            m = counted.setdefault(f"{day:%Y-%m}", [0, 0])
            m[0] += 1
            m[1] += int(due is not None and day <= due)
        assert {m: (n, o) for m, n, o in server} == {m: tuple(v) for m, v in counted.items()}, zone
    # Berlin, by hand: cases 0, 1, 2, 3 by their first move, 6, 7, 8 by the fallbacks; not 4
    with admin_register.read() as s:
        server = {m: n for m, n, _o in dashboard_oracle.answers_by_month(s, ZoneInfo("Europe/Berlin"), since)}
    assert server == {"2025-12": 1, "2026-06": 1, "2026-10": 1, "2026-11": 4}
