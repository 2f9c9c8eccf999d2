"""What each role can do by direct SQL, as its own login role: the database enforces it,
so a modified client cannot do more."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import errors
from sqlalchemy.engine import make_url

from muse_care.services import cases, team
from muse_care.store import db
from team_support import add_cases

pytestmark = pytest.mark.pg


def raw(url: str, login: str) -> psycopg.Connection:
    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port or 5432, dbname=u.database, user=login,
                           autocommit=True, connect_timeout=5)


def denied(conn: psycopg.Connection, sql: str, params: tuple = ()) -> str:
    with pytest.raises((errors.InsufficientPrivilege, errors.CheckViolation)) as info:
        conn.execute(sql, params)
    return str(info.value)


def test_agent_cannot_read_admin_tables_or_touch_history(team_url, make_login, admin_register) -> None:
    add_cases(admin_register, 2)
    agent = make_login("agent")
    with raw(team_url, agent) as c:
        assert "permission denied for table users" in denied(c, "SELECT * FROM users")
        assert "history" in denied(c, "UPDATE history SET new_value = 'x'")
        assert "history" in denied(c, "DELETE FROM history")
        assert "history" in denied(c, "TRUNCATE history")
        assert "settings" in denied(c, "INSERT INTO settings (key, value, updated_at, updated_by, version) "
                                       "VALUES ('four_eyes', 'false', now(), %s, 1)", (agent,))
        assert "settings" in denied(c, "UPDATE settings SET value = 'x'")
        assert "cases" in denied(c, "DELETE FROM cases")
        # may work cases and read history and settings
        assert c.execute("SELECT count(*) FROM cases").fetchone()[0] == 2
        assert c.execute("SELECT count(*) FROM history").fetchone()[0] >= 2
        c.execute("SELECT * FROM settings").fetchall()
        # cannot write history at all, in anyone's name: the database's functions do
        # (tests/security/test_server_evidence.py)
        for actor in ("someone_else", agent):
            with pytest.raises(errors.InsufficientPrivilege, match="permission denied for table history"):
                c.execute("INSERT INTO history (case_id, at, actor, what, old_value, new_value, prev_hash, hash) "
                          "VALUES (NULL, now(), %s, 'forged', '', '', '', 'x')", (actor,))
        # cannot become a lead
        with pytest.raises(errors.InsufficientPrivilege):
            c.execute("SET ROLE muse_lead")


def test_agent_cannot_approve_by_sql_lead_can_but_not_own(team_url, make_login, client) -> None:
    agent, lead, lead2 = make_login("agent"), make_login("lead"), make_login("lead")
    agent_reg = client(agent)
    case_id = add_cases(agent_reg, 1)[0]
    request = team.request_approval(agent_reg, case_id, "extension", "complex: 40 call recordings")
    lead_req = team.request_approval(client(lead), case_id, "refusal", "manifestly excessive")
    decide = ("UPDATE approvals SET decided_by = session_user, decided_at = now(), decision = 'approved' "
              "WHERE id = %s")
    with raw(team_url, agent) as c:
        assert "approvals" in denied(c, decide, (request.id,))
        # nor can an agent insert a request in another's name, or pre-decided
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            c.execute("INSERT INTO approvals (case_id, kind, requested_by, requested_at, reason, note, "
                      "decided_by, decision) VALUES (%s, 'extension', %s, now(), 'x', '', %s, 'approved')",
                      (case_id, agent, agent))
    with raw(team_url, lead) as c:
        # a lead can read the team and approve by SQL, but not their own request
        assert c.execute("SELECT count(*) FROM users").fetchone()[0] >= 3
        assert c.execute(decide, (lead_req.id,)).rowcount == 0  # RLS hides own request from UPDATE
        assert c.execute(decide, (request.id,)).rowcount == 1
        assert "users" in denied(c, "UPDATE users SET role = 'admin'")
        assert "history" in denied(c, "DELETE FROM history")
    with raw(team_url, lead2) as c:
        assert c.execute(decide, (lead_req.id,)).rowcount == 1
    assert team.is_approved(agent_reg, case_id, "extension")


def test_nobody_updates_history_not_even_owner_or_superuser_unless_trigger_disabled(
        team_url, admin_register) -> None:
    add_cases(admin_register, 1)
    with psycopg.connect(make_url(team_url).set(drivername="postgresql").render_as_string(
            hide_password=False), autocommit=True) as c:
        for role in ("muse_owner", "muse_admin", "muse_lead", "muse_agent"):
            for priv in ("UPDATE", "DELETE", "TRUNCATE"):
                assert c.execute("SELECT has_table_privilege(%s, 'history', %s)", (role, priv)).fetchone()[0] \
                    is False, (role, priv)
            # (nor INSERT, but for the owner of the functions that append)
            assert c.execute("SELECT has_table_privilege(%s, 'history', 'INSERT')", (role,)).fetchone()[0] \
                is (role == "muse_owner"), role
        assert c.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'history'").fetchone()[0] \
            == "muse_owner"
        # even the superuser meets the trigger
        with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
            c.execute("UPDATE history SET new_value = 'x'")
        with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
            c.execute("DELETE FROM history")
        with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
            c.execute("TRUNCATE history")


def test_services_check_roles_too(team_url, make_login, client) -> None:
    agent, lead = make_login("agent"), make_login("lead")
    agent_reg, lead_reg = client(agent), client(lead)
    assert (agent_reg.actor.role, lead_reg.actor.role) == ("agent", "lead")
    case_id = add_cases(agent_reg, 1)[0]
    req = team.request_approval(agent_reg, case_id, "disclosure", "access reply with call recordings")
    with pytest.raises(team.PermissionDenied):
        team.decide_approval(agent_reg, req.id, "approved")
    with pytest.raises(team.PermissionDenied):
        team.list_users(agent_reg)
    assert {u.login for u in team.list_users(lead_reg)} >= {agent, lead}
    view = team.decide_approval(lead_reg, req.id, "approved", "redactions checked")
    assert view.decided_by == lead and view.decision == "approved"
    hist = cases.get_case(agent_reg, case_id).history
    assert any(h.what == "approval:disclosure" and h.actor == lead and "approved by" in h.new for h in hist)


def test_team_init_is_idempotent(team_url) -> None:
    from muse_care.store import db

    again = team.init_team_database(team_url)
    assert again.revision == db.head_revision()
