"""Four eyes on extensions, refusals and disclosures; the audit chain against direct
edits by a superuser."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy.engine import make_url

from muse_care.cli.main import main as cli_main
from muse_care.domain.errors import PermissionDenied, StaleRecord, ValidationError
from muse_care.services import cases, team
from muse_care.services.settings import set_setting
from team_support import add_cases


@pytest.mark.pg
def test_lead_approves_an_extension_and_is_recorded(make_login, client) -> None:
    agent, lead = make_login("agent"), make_login("lead")
    a, lead_reg = client(agent), client(lead)
    case_id = add_cases(a, 1)[0]
    assert team.four_eyes_enabled(a)
    assert not team.is_approved(a, case_id, "extension")
    with pytest.raises(PermissionDenied, match="approval"):
        team.require_approved(a, case_id, "extension")
    req = team.request_approval(a, case_id, "extension", "several requests from one person")
    with pytest.raises(ValidationError, match="already"):
        team.request_approval(a, case_id, "extension", "again")
    queue = team.approval_queue(lead_reg)
    assert [(q.id, q.kind, q.requested_by) for q in queue] == [(req.id, "extension", agent)]
    decided = team.decide_approval(lead_reg, req.id, "approve", "agreed")
    assert decided.decision == "approved" and decided.decided_by == lead
    assert team.is_approved(a, case_id, "extension")
    team.require_approved(a, case_id, "extension")
    assert not team.is_approved(a, case_id, "refusal")
    assert team.approval_queue(lead_reg) == []
    with pytest.raises(StaleRecord, match=lead):
        team.decide_approval(lead_reg, req.id, "rejected", "changed my mind")
    history = cases.get_case(a, case_id).history
    assert [h.what for h in history][-2:] == ["approval requested:extension", "approval:extension"]
    assert history[-1].actor == lead and history[-1].new == f"approved by {lead}: agreed"


@pytest.mark.pg
def test_a_lead_cannot_approve_their_own_request(make_login, client) -> None:
    lead = make_login("lead")
    reg = client(lead)
    case_id = add_cases(reg, 1)[0]
    req = team.request_approval(reg, case_id, "refusal", "manifestly unfounded")
    with pytest.raises(PermissionDenied, match="yourself"):
        team.decide_approval(reg, req.id, "approved")


@pytest.mark.pg
def test_rejection_needs_a_note_and_newest_decision_counts(make_login, client) -> None:
    agent, lead = make_login("agent"), make_login("lead")
    a, lead_reg = client(agent), client(lead)
    case_id = add_cases(a, 1)[0]
    req = team.request_approval(a, case_id, "disclosure", "reply with 3 recordings")
    with pytest.raises(ValidationError, match="note"):
        team.decide_approval(lead_reg, req.id, "rejected")
    team.decide_approval(lead_reg, req.id, "rejected", "redact the third party in recording 2")
    assert not team.is_approved(a, case_id, "disclosure")
    again = team.request_approval(a, case_id, "disclosure", "redacted now")
    team.decide_approval(lead_reg, again.id, "approved")
    assert team.is_approved(a, case_id, "disclosure")


def test_single_agent_on_sqlite_has_four_eyes_off_until_switched_on(sqlite_register) -> None:
    case_id = cases.add_case(sqlite_register, _draft()).id
    assert not team.four_eyes_enabled(sqlite_register)
    assert team.is_approved(sqlite_register, case_id, "refusal")
    set_setting(sqlite_register, "four_eyes", True)
    assert not team.is_approved(sqlite_register, case_id, "refusal")


def test_letter_kinds_map_to_approvals(sqlite_register) -> None:
    """With four eyes on, an extension, a refusal and a reply that discloses data each
    wait for the lead's approval of that kind; an acknowledgement waits for none."""
    from muse_care.services import letters

    set_setting(sqlite_register, "four_eyes", True)
    view = cases.add_case(sqlite_register, _draft(channel="post", address_lines=["1 High St"],
                                                  city="London", postcode="EC1Y 8SY", country="GB"))
    for kind, approval in (("extension", "extension"), ("refusal", "refusal"),
                           ("access-response", "disclosure")):
        with pytest.raises(PermissionDenied, match=rf"approval \({approval}\)"):
            letters.produce_letter(sqlite_register, view.id, kind)
    info = letters.produce_letter(sqlite_register, view.id, "acknowledgement")
    assert info.kind == "acknowledgement"
    req = team.request_approval(sqlite_register, view.id, "disclosure", "three recordings")
    assert not team.is_approved(sqlite_register, view.id, "disclosure")
    with pytest.raises(PermissionDenied, match="yourself"):  # four eyes: never one's own request
        team.decide_approval(sqlite_register, req.id, "approved")



def _draft(**kw):  # noqa: ANN202, ANN003
    from team_support import draft

    return draft(**kw)


def _superuser(url: str) -> psycopg.Connection:
    return psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=True)


def _audit_verify(url: str) -> int:
    """`muse-care audit verify`. The CLI's audit command leaves its engine to the garbage
    collector (psycopg then warns about an unclosed connection): collect it here."""
    import gc
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        code = cli_main(["--db", url, "audit", "verify"])
        gc.collect()
    return code


@pytest.mark.pg
@pytest.mark.parametrize("tamper", ["edit", "delete"])
def test_superuser_edit_is_caught_by_audit_verify(team_url, admin_register, capsys, tamper) -> None:
    ids = add_cases(admin_register, 3)
    cases.assign(admin_register, ids[1], "tom")
    assert _audit_verify(team_url) == 0
    with _superuser(team_url) as c:
        # the trigger stops even a superuser, until they switch triggers off
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            c.execute("UPDATE history SET new_value = 'mallory' WHERE what = 'assignee'")
        c.execute("SET session_replication_role = replica")
        if tamper == "edit":
            c.execute("UPDATE history SET new_value = 'mallory' WHERE what = 'assignee'")
        else:
            c.execute("DELETE FROM history WHERE id = (SELECT min(id) + 1 FROM history)")
    capsys.readouterr()
    assert _audit_verify(team_url) == 1
    out = capsys.readouterr().out
    assert "BROKEN" in out and ("changed" in out if tamper == "edit" else "removed" in out)
