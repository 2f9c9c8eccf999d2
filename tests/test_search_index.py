"""The SQLite full-text index kept in the queue's due order (store/search_index.py,
migration 0020): its rows follow the cases through every write that moves a due date
or changes a searched field; a search page read from it in key order is the page the
cases' own due dates give, by position and by keyset, both ways; its plan sorts
nothing; and the migration moves an existing register's index over and back."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import select, text

from muse_care.services import cases, queue
from muse_care.services.case_records import get_case
from muse_care.services.queue import QueueQuery
from muse_care.store import search_index
from muse_care.store.models import CaseRecord


def _add(register, name: str, *, email: str = "", phone: str = "", postcode: str = "",
         received: date = date(2026, 11, 20)):
    return cases.add_case(register, cases.CaseDraft(
        name=name, rights=["access"], channel="phone", received=received, email=email, phone=phone,
        postcode=postcode, country="GB", address_lines=["1 High Street"], city="London"))


def _index_rows(register) -> set[tuple[int, int]]:
    with register.read() as s:
        return {(int(k), int(i)) for k, i in s.execute(text("SELECT rowid, case_id FROM case_search"))}


def _expected_rows(register) -> set[tuple[int, int]]:
    with register.read() as s:
        return {(search_index.due_key(due, cid), cid)
                for cid, due in s.execute(select(CaseRecord.id, CaseRecord.due_date))}


def test_due_key_orders_as_the_queue_and_matches_its_sql(sqlite_register) -> None:
    dues = [date(2026, 12, 1), date(2026, 11, 30), None, date(1999, 1, 1), date(2100, 2, 28), None]
    keys = [search_index.due_key(d, i) for i, d in enumerate(dues, start=1)]
    wanted = sorted(range(len(dues)), key=lambda i: (dues[i] is None, dues[i] or date.min, i + 1))
    assert sorted(range(len(dues)), key=lambda i: keys[i]) == wanted
    with sqlite_register.read() as s:
        for i, due in enumerate(dues, start=1):
            got = s.execute(text(f"SELECT {search_index.due_key_sql('t')} FROM "
                                 "(SELECT :due AS due_date, :id AS id) AS t"),
                            {"due": due.isoformat() if due else None, "id": i}).scalar_one()
            assert got == keys[i - 1], due


def test_index_rows_follow_every_write(sqlite_register) -> None:
    reg = sqlite_register
    a = _add(reg, "Olive Hart", email="olive@gmail.com", postcode="BS1 4DJ")
    b = _add(reg, "Owen Hart", email="owen@gmail.com", received=date(2026, 11, 2))
    assert _index_rows(reg) == _expected_rows(reg)
    # the clock stops (identity asked) and starts again: the due date goes and comes back
    cases.record_event(reg, a.reference, "id-requested", date(2026, 11, 21))
    with reg.read() as s:
        assert s.get(CaseRecord, a.id).due_date is None
    assert _index_rows(reg) == _expected_rows(reg)
    cases.record_event(reg, a.reference, "id-received", date(2026, 11, 25))
    assert _index_rows(reg) == _expected_rows(reg)
    # a searched field changes: found by the new name, no longer by the old
    view = get_case(reg, b.reference)
    cases.update_requester(reg, b.reference, dataclasses.replace(view.requester, name="Owena Price"),
                           view.version)
    assert _index_rows(reg) == _expected_rows(reg)
    assert [r.id for r in queue.fetch_rows(reg, QueueQuery(search="owena"), 0, 10)] == [b.id]
    assert queue.fetch_rows(reg, QueueQuery(search="owen hart"), 0, 10) == []
    with reg.read() as s:
        assert s.execute(text("SELECT count(*) FROM case_search")).scalar_one() == 2


@pytest.fixture
def searched(sqlite_register):
    from muse_care.services.demo import generate

    generate(sqlite_register, 500, seed=11)
    for i in range(12):  # due dates shared by several cases, and stopped clocks among the matches
        case = _add(sqlite_register, f"Gwen Tie{i}", email=f"gt{i}@gmail.com", received=date(2026, 11, 20))
        if i % 4 == 0:
            cases.record_event(sqlite_register, case.reference, "id-requested", date(2026, 11, 21))
    return sqlite_register


def _truth(register, typed: str, descending: bool) -> list[int]:
    """The matching cases in the queue's due order, from the cases' own due dates."""
    with register.read() as s:
        found = s.execute(select(CaseRecord.id, CaseRecord.due_date)
                          .where(queue.search_filter(register, typed))).all()
    ordered = sorted(found, key=lambda r: (r.due_date is None, r.due_date or date.min, r.id))
    return [r.id for r in (ordered[::-1] if descending else ordered)]


@pytest.mark.parametrize("typed", ["g", "gm", "gmail", "gwen", "gwen tie1", "s", "bs1", "zz-nobody"])
@pytest.mark.parametrize("sort", ["due", "days_left"])
@pytest.mark.parametrize("descending", [False, True])
def test_search_pages_from_the_index_are_the_due_order(searched, typed: str, sort: str, descending: bool) -> None:
    reg = searched
    q = QueueQuery(search=typed, sort=sort, descending=descending)
    assert queue.fts_in_due_order(reg, q) is not None
    want = _truth(reg, typed, descending)
    total = queue.count(reg, q)
    assert total == len(want)
    assert [r.id for r in queue.fetch_rows(reg, q, 0, 40)] == want[:40]
    paged: list[int] = []
    for offset in range(0, total, 29):  # by position; the second half read from the end
        paged += [r.id for r in queue.fetch_rows(reg, q, offset, 29, total=total)]
    assert paged == want
    whole = queue.fetch_rows(reg, q, 0, total, total=total)
    for offset in {1, 29, total // 2 + 1, total - 5} - {0}:
        if not 0 < offset < total:
            continue
        after = queue.sort_key(whole[offset - 1], sort)
        assert [r.id for r in queue.fetch_rows(reg, q, offset, 29, total=total, after=after)] \
            == want[offset:offset + 29]
        end = min(offset + 29, total)
        if end < total:
            before = queue.sort_key(whole[end], sort)
            assert [r.id for r in queue.fetch_rows(reg, q, offset, end - offset, total=total,
                                                   before=before)] == want[offset:end]


def test_other_sorts_and_one_assignee_still_search_through_the_cases(searched) -> None:
    reg = searched
    for q in (QueueQuery(search="gmail", sort="requester"), QueueQuery(search="gmail", assignee="aisha"),
              QueueQuery(search=get_case(reg, 1).reference)):
        assert queue.fts_in_due_order(reg, q) is None
    got = [r.id for r in queue.fetch_rows(reg, QueueQuery(search="gmail", sort="requester"), 0, 1000)]
    assert sorted(got) == sorted(_truth(reg, "gmail", False))


def test_the_page_plan_sorts_nothing(searched) -> None:
    """The first page of a common term reads the index in its key order: no temporary
    B-tree sorts the matches (the 30% term's cost before this index)."""
    reg = searched
    fts = queue.fts_in_due_order(reg, QueueQuery(search="gmail"))
    with reg.engine.connect() as conn:
        plan = " | ".join(str(r[-1]) for r in conn.exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT case_id FROM case_search WHERE case_search MATCH ? "
            "ORDER BY rowid LIMIT 200", (fts,)))
    assert "VIRTUAL TABLE INDEX" in plan and "TEMP B-TREE" not in plan, plan


def test_migration_moves_an_existing_index_over_and_back(tmp_path) -> None:
    """A register at 0015 (rowid = the case's id) gets the keyed index with its cases in
    it; going back to 0015 gives the old layout with the same cases."""
    from alembic import command

    from muse_care.services.register import Actor, Register
    from muse_care.store import db

    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    engine = db.make_engine(url)
    with engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), "0015")
    from tests.conftest import add_case_as_then

    reg = Register(engine, Actor("aisha", "Aisha Khan"))
    made = [add_case_as_then(reg, cases.CaseDraft(
        name=f"Maud Gonne{i}", rights=["access"], channel="phone", received=date(2026, 11, 20),
        email=f"m{i}@gmail.com", country="GB", address_lines=["1 High Street"], city="London"))
        for i in range(3)]
    with reg.read() as s:
        assert {r[0] for r in s.execute(text("SELECT rowid FROM case_search"))} == {c.id for c in made}
    db.upgrade(engine)
    assert db.current_revision(engine) == db.head_revision()
    assert _index_rows(reg) == _expected_rows(reg)
    assert sorted(r.id for r in queue.fetch_rows(reg, QueueQuery(search="maud"), 0, 10)) == [c.id for c in made]
    with engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0015")
    with reg.read() as s:
        assert {r[0] for r in s.execute(text("SELECT rowid FROM case_search WHERE case_search MATCH 'maud*'"))} \
            == {c.id for c in made}
        cols = [r[1] for r in s.execute(text("PRAGMA table_info(case_search)"))]
    assert "case_id" not in cols
    engine.dispose()
