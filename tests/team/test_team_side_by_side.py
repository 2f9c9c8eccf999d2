"""Two agents on one server: saving the same case, taking the next case, and seeing each
other's changes through LISTEN/NOTIFY."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from muse_care.domain.case import Requester
from muse_care.domain.errors import StaleRecord
from muse_care.services import cases, team
from muse_care.services.team_live import ChangeListener
from team_support import add_cases

pytestmark = pytest.mark.pg


def test_two_agents_save_the_same_case_one_is_told_who_and_when(make_login, client) -> None:
    a, b = make_login("agent", "Aisha Khan"), make_login("agent", "Tom Reid")
    reg_a, reg_b = client(a), client(b)
    case_id = add_cases(reg_a, 1)[0]
    seen_a, seen_b = cases.get_case(reg_a, case_id), cases.get_case(reg_b, case_id)
    assert seen_a.version == seen_b.version
    barrier = threading.Barrier(2)

    def save(reg, seen, name):  # noqa: ANN001, ANN202
        barrier.wait(5)
        edited = Requester(**{**seen.requester.__dict__, "name": name})
        return cases.update_requester(reg, case_id, edited, expected_version=seen.version)

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(save, reg_a, seen_a, "Ann Lee-Smith"),
                   pool.submit(save, reg_b, seen_b, "Anne Lee")]
        outcomes = []
        for f in futures:
            try:
                outcomes.append(f.result(30))
            except StaleRecord as exc:
                outcomes.append(exc)
    stale = [o for o in outcomes if isinstance(o, StaleRecord)]
    saved = [o for o in outcomes if not isinstance(o, StaleRecord)]
    assert len(stale) == 1 and len(saved) == 1
    winner = saved[0].updated_by
    assert stale[0].changed_by == winner and winner in (a, b)
    assert stale[0].changed_at is not None and winner in str(stale[0])
    assert cases.get_case(reg_a, case_id).version > seen_a.version


def test_take_next_never_hands_the_same_case_to_two_agents(make_login, client, admin_register) -> None:
    ids = add_cases(admin_register, 12)
    cases.assign(admin_register, ids[0], "someone")  # already assigned: never handed out
    agents = [make_login("agent") for _ in range(3)]
    regs = [client(x) for x in agents]
    barrier = threading.Barrier(len(regs))

    def take_all(reg):  # noqa: ANN001, ANN202
        barrier.wait(5)
        got = []
        while (view := team.take_next_case(reg)) is not None:
            assert view.assignee == reg.actor.login
            got.append(view.id)
        return got

    with ThreadPoolExecutor(len(regs)) as pool:
        results = [f.result(60) for f in [pool.submit(take_all, r) for r in regs]]
    taken = [i for r in results for i in r]
    assert len(taken) == len(set(taken)) == 11
    assert set(taken) == set(ids[1:])
    for reg, got in zip(regs, results):
        for cid in got:
            assert cases.get_case(reg, cid).assignee == reg.actor.login


def test_take_next_gives_the_oldest_due_first(sqlite_register) -> None:
    new = cases.add_case(sqlite_register, _draft(received="2026-11-20"))
    old = cases.add_case(sqlite_register, _draft(received="2026-10-02"))
    first = team.take_next_case(sqlite_register)
    assert first is not None and first.id == old.id and first.assignee == "aisha"
    second = team.take_next_case(sqlite_register)
    assert second is not None and second.id == new.id
    assert team.take_next_case(sqlite_register) is None
    assert any(h.what == "assignee" for h in cases.get_case(sqlite_register, old.id).history)


def _draft(received: str):  # noqa: ANN202
    from datetime import date

    from team_support import draft

    return draft(received=date.fromisoformat(received))


def test_a_change_reaches_another_clients_listener(make_login, client) -> None:
    a, b = make_login("agent"), make_login("agent")
    reg_a, reg_b = client(a), client(b)
    case_id = add_cases(reg_a, 1)[0]
    got: queue.Queue = queue.Queue()
    approvals_seen: queue.Queue = queue.Queue()
    listener = ChangeListener.for_register(reg_b, lambda cid, ver: got.put((cid, ver)),
                                           on_approval=lambda aid, cid: approvals_seen.put((aid, cid)))
    listener.start()
    try:
        assert listener.connected.wait(10)
        view = cases.assign(reg_a, case_id, a)  # takes it (only a lead hands cases to others)
        assert got.get(timeout=5) == (case_id, view.version)
        req = team.request_approval(reg_a, case_id, "extension", "complex")
        assert approvals_seen.get(timeout=5) == (req.id, case_id)
    finally:
        listener.stop()


def test_take_next_reads_the_oldest_due_free_case_off_its_index(admin_register) -> None:
    """The candidate is the first entry of an index range (no sort of every free case),
    which keeps take-next fast at a million cases (docs/performance.md)."""
    add_cases(admin_register, 30)
    stmt = team.next_case_select(admin_register)
    sql = str(stmt.compile(admin_register.engine, compile_kwargs={"literal_binds": True}))
    with admin_register.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # as the planner does at a million rows
        plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))
    assert "ix_cases_assignee_open_due" in plan and "Sort" not in plan, plan
    assert "SKIP LOCKED" in sql.upper()
