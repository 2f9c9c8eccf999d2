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
