"""What a team set up as the README says ran into (issue: "Team mode as a team lead runs
it"), each on the real PostgreSQL server with real login roles."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import insert, text, update
from sqlalchemy.engine import make_url

from muse_care.cli.main import main as cli_main
from muse_care.domain.errors import PermissionDenied, ValidationError
from muse_care.services import cases, retrieval, team
from muse_care.services.register import Actor, Register
from muse_care.store.models import CaseRecord, LetterRecord

from team_support import add_cases, draft, fixed_now, url_for

pytestmark = pytest.mark.pg
RUN = uuid.uuid4().hex[:6]


def _server(url: str, user: str) -> team.ServerSettings:
    u = make_url(url)
    return team.ServerSettings(host=u.host or "127.0.0.1", port=u.port or 5432,
                               database=u.database or "", user=user, sslmode="disable")


# --- 1. defaults belong to team init, never to a reader --------------------------------

def test_an_agent_opens_a_case_on_a_new_team_database(make_login, client) -> None:
    agent = client(make_login("agent"))
    case_id = add_cases(agent, 1)[0]
    # what the case view's retrieval tab reads when a case is opened
    from muse_care.domain.systems import DEFAULT_SYSTEMS  # the sources are the policy's systems

    assert [s.code for s in retrieval.list_sources(agent)] == [s.code for s in DEFAULT_SYSTEMS]
    assert retrieval.retention_lines(agent, case_id) == []
    assert len(retrieval.coverage_lines(agent)) == 2


def test_an_agent_opens_a_case_on_a_migrated_team_database(sqlite_url, pg_url, make_login, client) -> None:
    single = Register.open(sqlite_url, Actor("aisha", "Aisha Khan"), migrate=False, now=fixed_now)
    case_id = add_cases(single, 1)[0]  # never opened the retrieval tab: no sources yet
    single.dispose()
    from muse_care.services.team_migrate import migrate_to

    migrate_to(sqlite_url, pg_url)
    team.init_team_database(pg_url)
    agent = client(make_login("agent"))
    assert retrieval.retention_lines(agent, case_id) == []
    from muse_care.domain.systems import DEFAULT_SYSTEMS  # the sources are the policy's systems

    assert {s.code for s in retrieval.list_sources(agent)} == {s.code for s in DEFAULT_SYSTEMS}


# --- 2. merge by field -------------------------------------------------------------------

def _uk_case(reg: Register) -> int:
    return cases.add_case(reg, draft(country="GB", city="Leeds", phone="+44 20 7946 0000",
                                     postcode="LS1 4DY", address_lines=["1 Park Row"])).id


def test_two_agents_editing_different_fields_both_keep_their_change(make_login, client) -> None:
    tom, aisha = make_login("agent", "Tom Reid"), make_login("agent", "Aisha Khan")
    reg_t, reg_a = client(tom), client(aisha)
    case_id = _uk_case(reg_t)
    seen_t, seen_a = cases.get_case(reg_t, case_id), cases.get_case(reg_a, case_id)
    cases.update_requester(reg_a, case_id, replace(seen_a.requester, phone="+44 20 7946 0999"),
                           seen_a.version, base=seen_a.requester)
    saved = cases.update_requester(reg_t, case_id, replace(seen_t.requester, city="York"),
                                   seen_t.version, base=seen_t.requester)
    assert saved.requester.city == "York"
    assert saved.requester.phone == "+442079460999"  # Aisha's change is kept
    toms = [h.what for h in saved.history if h.actor == tom and h.what.startswith("requester.")]
    assert toms == ["requester.city"]  # Tom's save wrote only the field he changed


def test_a_true_conflict_names_the_field_and_both_values(make_login, client) -> None:
    tom, aisha = make_login("agent", "Tom Reid"), make_login("agent", "Aisha Khan")
    reg_t, reg_a = client(tom), client(aisha)
    case_id = _uk_case(reg_t)
    seen_t, seen_a = cases.get_case(reg_t, case_id), cases.get_case(reg_a, case_id)
    cases.update_requester(reg_a, case_id, replace(seen_a.requester, city="Bradford"),
                           seen_a.version, base=seen_a.requester)
    mine = replace(seen_t.requester, city="York", postcode="YO1 7HH")
    with pytest.raises(cases.FieldConflict) as info:
        cases.update_requester(reg_t, case_id, mine, seen_t.version, base=seen_t.requester)
    conflict = info.value
    assert [(c.field, c.mine, c.theirs, c.changed_by) for c in conflict.conflicts] == [
        ("city", "York", "Bradford", aisha)]
    assert "city" in str(conflict) and "York" in str(conflict) and "Bradford" in str(conflict)
    assert cases.get_case(reg_t, case_id).requester.postcode == "LS1 4DY"  # nothing written
    # Tom keeps his city: the conflicting field's base becomes their value
    resolved = cases.update_requester(reg_t, case_id, mine, seen_t.version,
                                      base=replace(seen_t.requester, city="Bradford"))
    assert (resolved.requester.city, resolved.requester.postcode) == ("York", "YO1 7HH")


# --- 3. every CLI command uses the connected team server -------------------------------

def test_cli_uses_the_connected_team_server(team_url, make_login, client, capsys) -> None:
    agent = make_login("agent", "Aisha Khan")
    reg = client(agent)
    case_id = add_cases(reg, 2)[0]
    ref = cases.get_case(reg, case_id).reference
    team.save_server_settings(_server(team_url, agent))
    assert cli_main(["case", "list", "--json"]) == 0
    out = capsys.readouterr()
    assert len(json.loads(out.out)) == 2
    assert "team server" in out.err and agent in out.err
    assert cli_main(["case", "show", ref]) == 0
    assert ref in capsys.readouterr().out
    assert cli_main(["audit", "verify"]) == 0
    out = capsys.readouterr()
    with reg.read() as s:
        entries = s.execute(text("SELECT count(*) FROM history")).scalar_one()
    assert f"{entries} entries" in out.out and "team server" in out.err
    assert cli_main(["case", "note", ref, "called back"]) == 0
    assert cases.get_case(reg, case_id).notes[-1].written_by == agent


def test_db_option_still_wins_and_says_which(sqlite_url, team_url, make_login, capsys) -> None:
    team.save_server_settings(_server(team_url, make_login("agent")))
    assert cli_main(["--db", sqlite_url, "case", "list"]) == 0
    out = capsys.readouterr()
    assert "0 case(s)" in out.out and "sqlite" in out.err.lower()


# --- 5. the README's team set-up, as written ---------------------------------------------

def test_readme_team_setup_works_in_its_order(pg_url, sqlite_url, monkeypatch, capsys,
                                              logins_to_drop) -> None:
    aisha = logins_to_drop(f"t{RUN}_aisha")
    u = make_url(pg_url)
    single = Register.open(sqlite_url, Actor("aisha", "Aisha Khan"), migrate=False, now=fixed_now)
    ref = cases.add_case(single, draft()).reference
    single.dispose()
    monkeypatch.setenv("AISHA_PW", "correct horse battery")
    assert cli_main(["--db", pg_url, "team", "init"]) == 0
    assert cli_main(["--db", pg_url, "team", "add-user", aisha, "--role", "agent", "--name",
                     "Aisha Khan", "--password-env", "AISHA_PW"]) == 0
    out = capsys.readouterr().out
    assert "is an agent" in out and "with a password" in out
    # an agent cannot move a register in; the message says who can
    assert cli_main(["--db", sqlite_url, "db", "migrate-to", url_for(pg_url, aisha)]) == 2
    assert "needs an admin login" in capsys.readouterr().err
    # the admin can, after add-user (the users row does not make the server "not empty")
    assert cli_main(["--db", sqlite_url, "db", "migrate-to", pg_url]) == 0
    capsys.readouterr()
    assert cli_main(["team", "connect", "--host", u.host, "--port", str(u.port or 5432),
                     "--database", u.database, "--user", aisha, "--password-env", "AISHA_PW"]) == 0
    assert "Aisha Khan" in capsys.readouterr().out
    assert team.load_server_settings().sslmode == "prefer"  # a LAN server without TLS works
    assert cli_main(["case", "show", ref]) == 0  # Aisha, on the team server
    assert ref in capsys.readouterr().out
    assert cli_main(["team", "whoami"]) == 0
    assert "Aisha Khan" in capsys.readouterr().out
    reg = team.connect()
    try:
        assert reg.actor.display_name == "Aisha Khan"
        case = cases.get_case(reg, ref)
        assert retrieval.retention_lines(reg, case.id) == []
    finally:
        reg.dispose()


# --- 6. assignment -------------------------------------------------------------------------

def test_assignment_only_to_active_members_and_never_another_agents_case(
        team_url, make_login, client) -> None:
    a, b = make_login("agent", "Aisha Khan"), make_login("agent", "Tom Reid")
    lead = make_login("lead", "Sam Lead")
    gone = make_login("agent", "Left Already")
    team.deactivate_user(team_url, gone)
    reg_a, reg_b, reg_l = client(a), client(b), client(lead)
    case_id = add_cases(reg_a, 1)[0]
    members = team.team_members(reg_a)  # agents see the team for the picker
    assert {m.login for m in members if m.active} >= {a, b, lead}
    assert next(m for m in members if m.login == a).display_name == "Aisha Khan"
    with pytest.raises(ValidationError, match="nobody_xyz"):
        cases.assign(reg_l, case_id, "nobody_xyz")
    with pytest.raises(ValidationError, match="not active"):
        cases.assign(reg_l, case_id, gone)
    cases.assign(reg_a, case_id, a)
    with pytest.raises(PermissionDenied, match=a):
        cases.assign(reg_b, case_id, b)  # Tom cannot take Aisha's case
    assert cases.assign(reg_l, case_id, b).assignee == b  # a lead reassigns
    assert cases.assign(reg_b, case_id, "").assignee == ""  # Tom releases his own


# --- 7. the dashboard's figures -------------------------------------------------------------

def test_on_time_counts_every_answered_case_and_says_how_many(make_login, client, admin_register) -> None:
    from muse_care.services.team_reports import dashboard_data

    lead = client(make_login("lead"))
    ids = add_cases(admin_register, 4)
    eng = admin_register.engine
    with eng.begin() as conn:  # answered cases whose history has no status move (imported)
        for i, case_id in enumerate(ids[:3]):
            due = conn.execute(text("SELECT due_date FROM cases WHERE id = :i"), {"i": case_id}).scalar_one()
            conn.execute(update(CaseRecord.__table__).where(CaseRecord.__table__.c.id == case_id)
                         .values(status="responded"))
            sent = due if i < 2 else date(due.year + (due.month == 12), due.month % 12 + 1, 28)
            conn.execute(insert(LetterRecord.__table__).values(
                case_id=case_id, kind="access-response", layout="uk",
                generated_at=datetime(sent.year, sent.month, sent.day, 9, tzinfo=timezone.utc),
                generated_by="postgres", sha256="0" * 64, page_count=1, pdf=b"%PDF", dispatched_on=sent,
                recipient_name="", needs_approval=False, approved_by="", dispatch_method="",
                dispatched_by="", print_count=0, version=1))
    data = dashboard_data(lead, as_of=date(2027, 1, 31))
    assert data.answered_cases == 3 and data.answered_on_time == 2
    assert sum(m.answered for m in data.on_time_by_month) == 3
    assert data.open_total == 1


def test_awaiting_approval_needs_a_real_request(make_login, client) -> None:
    agent = client(make_login("agent"))
    case_id = add_cases(agent, 1, rights=["erasure"])[0]
    view = cases.get_case(agent, case_id)
    for c in view.checks:
        cases.record_check(agent, case_id, c.step, "passed")
    with pytest.raises(ValidationError, match="request"):
        cases.change_status(agent, case_id, "awaiting-approval")
    team.request_approval(agent, case_id, "refusal", "manifestly excessive")
    assert cases.change_status(agent, case_id, "awaiting-approval").status.value == "awaiting-approval"


# --- 8. smaller --------------------------------------------------------------------------------

def test_grammar_of_counts_and_articles(team_url, capsys, make_login, client) -> None:
    from muse_care.domain.grammar import a_or_an, count

    assert a_or_an("agent") == "an agent" and a_or_an("lead") == "a lead"
    assert a_or_an("extension letter") == "an extension letter"
    assert count(1, "approval") + " waiting" == "1 approval waiting"
    assert count(2, "approval") == "2 approvals"
    agent = client(make_login("agent"))
    case_id = add_cases(agent, 1)[0]
    team.request_approval(agent, case_id, "extension", "complex")
    with pytest.raises(ValidationError, match="an extension of"):
        team.request_approval(agent, case_id, "extension", "again")


def test_outage_probe_is_quick_while_idle() -> None:
    from muse_care.services.team_live import ConnectionMonitor

    assert ConnectionMonitor(lambda: None, lambda up, m: None).interval <= 3.0


def test_an_extension_letter_says_an(make_login, client) -> None:
    from muse_care.services import letters

    agent = client(make_login("agent"))
    case_id = add_cases(agent, 1)[0]
    with pytest.raises(PermissionDenied, match="^an extension letter for"):
        letters.produce_letter(agent, case_id, "extension")
