"""A lead's tools on the real server: bulk reassignment, balancing, breach warnings, the
team's audit trail."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest

from muse_care.domain.errors import PermissionDenied, ValidationError
from muse_care.services import cases, team
from muse_care.services.team_reports import (
    AuditFilter, audit_entries, audit_people_and_kinds, breach_warnings, export_audit_csv,
    propose_balance,
)
from team_support import add_cases

pytestmark = pytest.mark.pg


def test_bulk_reassign_and_release_one_history_entry_each(make_login, client) -> None:
    a, b, lead = make_login("agent"), make_login("agent"), make_login("lead")
    reg_a, reg_b, reg_l = client(a), client(b), client(lead)
    ids = add_cases(reg_l, 4)
    done = team.reassign_many(reg_l, ids[:3], a)
    assert done.changed == 3
    assert team.reassign_many(reg_l, ids[:3], a).unchanged == 3  # nothing twice
    with pytest.raises(PermissionDenied):
        team.reassign_many(reg_b, ids[:2], b)  # an agent cannot grab another's cases
    assert [cases.get_case(reg_l, i).assignee for i in ids[:2]] == [a, a]  # all or nothing
    with pytest.raises(ValidationError, match="nobody"):
        team.reassign_many(reg_l, ids, "nobody")
    released = team.reassign_many(reg_a, ids[:2], "")  # Aisha releases two of hers
    assert released.changed == 2
    for i in ids[:2]:
        entries = [h for h in cases.get_case(reg_l, i).history if h.what == "assignee"]
        assert [(h.actor, h.old, h.new) for h in entries] == [(lead, "", a), (a, a, "")]
    team.reassign_many(reg_l, [(ids[2], b), (ids[3], b)])  # a confirmed proposal
    assert cases.get_case(reg_l, ids[3]).assignee == b


def test_balance_proposes_moving_unstarted_cases_from_the_busiest(make_login, client) -> None:
    a, b, lead = make_login("agent"), make_login("agent"), make_login("lead")
    reg_l = client(lead)
    ids = add_cases(reg_l, 6)
    team.reassign_many(reg_l, ids, a)  # all six on Aisha, none on Tom
    proposal = propose_balance(reg_l)
    assert len(proposal) == 3 and {p.to_agent for p in proposal} == {b}
    dues = [p.due_date for p in proposal]
    assert dues == sorted(dues)  # the soonest due move first
    with pytest.raises(PermissionDenied):
        propose_balance(client(a))
    team.reassign_many(reg_l, [(p.case_id, p.to_agent) for p in proposal])
    assert propose_balance(reg_l) == []  # balanced now


def test_breach_warnings_for_the_assignee_and_the_leads(make_login, client) -> None:
    a, b = make_login("agent"), make_login("agent")
    reg_a, reg_b = client(a), client(b)
    # received 2 Nov 2026 (UK GDPR): due Wed 2 Dec; today is 25 Nov (fixed)
    soon = cases.add_case(reg_a, _draft(received=date(2026, 11, 2))).id
    later = cases.add_case(reg_a, _draft(received=date(2026, 11, 20))).id
    ccpa = cases.add_case(reg_b, _draft(received=date(2026, 11, 12), regime="ccpa", country="US")).id
    cases.assign(reg_a, soon, a)
    cases.assign(reg_b, ccpa, b)
    mine = breach_warnings(reg_a, within=5, for_login=a)
    assert [(w.case_id, w.kind) for w in mine] == [(soon, "reply")]
    assert "working days left" in mine[0].text
    everyone = breach_warnings(reg_a, within=5)
    assert (ccpa, "acknowledgement") in {(w.case_id, w.kind) for w in everyone}
    assert later not in {w.case_id for w in everyone}


def _draft(**kw):  # noqa: ANN003, ANN202
    from team_support import draft

    return draft(**kw)


def test_team_audit_filters_and_exports_with_the_verify_result(make_login, client, tmp_path) -> None:
    a, lead = make_login("agent"), make_login("lead")
    reg_a, reg_l = client(a), client(lead)
    ids = add_cases(reg_a, 2)
    cases.add_note(reg_a, ids[0], "called back")
    cases.assign(reg_l, ids[1], a)
    ref0 = cases.get_case(reg_l, ids[0]).reference
    everything = audit_entries(reg_l)
    assert len(everything) >= 4
    by_agent = audit_entries(reg_l, AuditFilter(actor=a))
    assert by_agent and all(e.actor == a for e in by_agent)
    notes = audit_entries(reg_l, AuditFilter(kind="note", case=ref0))
    assert [(e.what, e.new, e.case_reference) for e in notes] == [("note", "called back", ref0)]
    # the entries carry the server's time, not the client's (docs/security.md)
    tz = reg_l.timezone()
    first, last = (min(e.at for e in everything).astimezone(tz).date(),
                   max(e.at for e in everything).astimezone(tz).date())
    assert audit_entries(reg_l, AuditFilter(date_to=first - timedelta(days=1))) == []
    on_the_day = audit_entries(reg_l, AuditFilter(date_from=first, date_to=last))
    assert {e.what for e in on_the_day} >= {"created", "note", "assignee"}
    people, kinds = audit_people_and_kinds(reg_l)
    assert {a, lead} <= set(people) and {"note", "assignee", "created"} <= set(kinds)
    with pytest.raises(PermissionDenied):
        audit_entries(reg_a)
    out = tmp_path / "audit.csv"
    n = export_audit_csv(reg_l, out, AuditFilter(actor=a))
    with out.open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][:4] == ["id", "at", "actor", "what"] and len(rows) == n + 2
    assert rows[-1][3] == "verify" and rows[-1][6].startswith("history intact")
