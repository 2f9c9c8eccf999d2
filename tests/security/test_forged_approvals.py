"""Finding 5: forged approval requests. An agent's raw INSERT of an approval whose
payload named a status the case never had ('closed') closed the case when a lead
rejected it; and an agent could ask for a refusal of a colleague's case. Now the
decision takes only an open status the case could return to, acts only on a case that
is awaiting approval, and approvals are requested only for one's own or free cases
(row-level security and the service both)."""

from __future__ import annotations

import json

import pytest
from psycopg import errors

from muse_care.domain.errors import PermissionDenied
from muse_care.services import cases, team
from support import raw, some_cases

pytestmark = pytest.mark.pg


def test_a_forged_payload_never_sets_the_status(team_url, make_login, client) -> None:
    agent, lead = make_login("agent"), make_login("lead")
    a, lead_reg = client(agent), client(lead)
    case_id = some_cases(a, 1)[0]
    before = cases.get_case(a, case_id)
    cases.record_event(a, case_id, "extended", a.today(), "complex: 12 years of orders")
    assert cases.get_case(a, case_id).status.value == "awaiting-approval"
    payload = json.dumps({"on": "2026-11-11", "reason": "complex", "previous_status": "closed"})
    with raw(team_url, agent) as c:
        forged = c.execute(
            "INSERT INTO approvals (case_id, kind, requested_by, requested_at, reason, note, payload) "
            "VALUES (%s, 'refusal', %s, now(), 'second', '', %s) RETURNING id",
            (case_id, agent, payload)).fetchone()[0]
    team.decide_approval(lead_reg, forged, "rejected", "no")
    after = cases.get_case(a, case_id)
    assert after.status.value != "closed" and after.is_open
    # the real request is still waiting: the case stays awaiting approval
    assert after.status.value == "awaiting-approval"
    real = [r for r in team.approval_queue(lead_reg) if r.case_id == case_id][0]
    team.decide_approval(lead_reg, real.id, "rejected", "answer it in time")
    assert cases.get_case(a, case_id).status.value == before.status.value


def test_a_forged_approval_on_a_case_not_awaiting_changes_nothing(team_url, make_login, client) -> None:
    agent, lead = make_login("agent"), make_login("lead")
    a, lead_reg = client(agent), client(lead)
    case_id = some_cases(a, 1)[0]
    before = cases.get_case(a, case_id)
    payload = json.dumps({"on": before.received.isoformat(), "reason": "x", "previous_status": "closed"})
    with raw(team_url, agent) as c:
        forged = c.execute(
            "INSERT INTO approvals (case_id, kind, requested_by, requested_at, reason, note, payload) "
            "VALUES (%s, 'refusal', %s, now(), 'x', '', %s) RETURNING id", (case_id, agent, payload)).fetchone()[0]
    team.decide_approval(lead_reg, forged, "approved", "looks fine")
    after = cases.get_case(a, case_id)
    assert (after.status, after.due_date, after.extended) == (before.status, before.due_date, before.extended)


def test_agent_cannot_request_approval_for_a_colleagues_case(team_url, make_login, client) -> None:
    a_login, b_login, lead = make_login("agent"), make_login("agent"), make_login("lead")
    a, lead_reg = client(a_login), client(lead)
    case_id = some_cases(a, 1)[0]
    cases.assign(lead_reg, case_id, b_login)
    ref = cases.get_case(a, case_id).reference
    with pytest.raises(PermissionDenied, match=f"{ref} is assigned to {b_login}"):
        team.request_approval(a, ref, "refusal", "manifestly excessive")
    with raw(team_url, a_login) as c:
        with pytest.raises(errors.InsufficientPrivilege):
            c.execute("INSERT INTO approvals (case_id, kind, requested_by, requested_at, reason, note, payload) "
                      "VALUES (%s, 'refusal', %s, now(), 'x', '', '')", (case_id, a_login))
    assert team.approval_queue(lead_reg) == []
    # B, whose case it is, may; so may A for a free case
    assert team.request_approval(client(b_login), ref, "refusal", "manifestly excessive").kind == "refusal"
    free = some_cases(a, 1)[0]
    assert team.request_approval(a, free, "disclosure", "orders").kind == "disclosure"
