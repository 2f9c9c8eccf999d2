"""Tasks in team mode, on the real PostgreSQL server with real login roles: an agent
settles the tasks of a case (each in the history), cannot change the systems, and
cannot rewrite a task's history; a lead exports the register."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import select
from sqlalchemy.engine import make_url

from muse_care.domain.errors import PermissionDenied
from muse_care.domain.systems import DEFAULT_SYSTEMS, System, TaskStatus
from muse_care.services import cases, records, tasks
from muse_care.services.cases import CaseDraft
from muse_care.store.models import HistoryRecord

pytestmark = pytest.mark.pg


def test_agent_settles_tasks_lead_reports_agent_cannot_change_systems(
        team_url, make_login, client, tmp_path: Path) -> None:  # noqa: ANN001
    agent = client(make_login("agent"))
    lead = client(make_login("lead"))
    view = cases.add_case(agent, CaseDraft(name="Giulia Rossi", rights=["marketing-opt-out"], channel="email",
                                           received=date(2026, 11, 2), regime="uk-gdpr",
                                           email="giulia@example.com", country="GB"))
    listed = tasks.list_tasks(agent, view.reference)
    assert [t.system for t in listed] == [s.code for s in DEFAULT_SYSTEMS if s.action_for("marketing-opt-out")]
    done = tasks.settle_task(agent, listed[0].id, "done", notes="unsubscribed in the platform")
    assert done.status is TaskStatus.DONE and done.done_by == agent.actor.login
    with agent.read() as s:
        whats = list(s.execute(select(HistoryRecord.what).where(HistoryRecord.case_id == view.id)).scalars())
    assert "task" in whats and "task note" in whats
    with pytest.raises(PermissionDenied, match="needs a team admin"):
        tasks.save_system(agent, System("new-crm", "New CRM", "IT", "", "email", "", {}))
    assert records.export_register(lead, date(2026, 1, 1), date(2026, 12, 31), tmp_path / "r.csv") == 1
    u = make_url(team_url)
    with psycopg.connect(host=u.host, port=u.port or 5432, dbname=u.database, user=agent.actor.login,
                         autocommit=True) as raw:
        with pytest.raises(errors.InsufficientPrivilege):
            raw.execute("UPDATE sources SET actions = '{}'")
        with pytest.raises((errors.InsufficientPrivilege, errors.RaiseException)):
            raw.execute("DELETE FROM history WHERE what = 'task'")
