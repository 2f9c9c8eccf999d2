"""The queue service: saved views and counts, database-side sorting, paging by keyset
and by position, search by reference, name, email, phone and postcode; on SQLite and
on the real PostgreSQL server."""

from __future__ import annotations

from datetime import date

import pytest

from muse_care.domain.case import Status
from muse_care.services import cases, queue
from muse_care.services.queue import QueueQuery


def _add(register, name: str, *, email: str = "", phone: str = "", postcode: str = "",
         country: str = "GB", received: date = date(2026, 11, 20), assignee: str = "",
         rights=("access",), channel: str = "phone", address=("1 High Street",), city: str = "London"):
    return cases.add_case(register, cases.CaseDraft(
        name=name, rights=list(rights), channel=channel, received=received, email=email, phone=phone,
        postcode=postcode, country=country, assignee=assignee, address_lines=list(address), city=city))


@pytest.fixture
def filled(register):
    from muse_care.services.demo import generate

    generate(register, 600, seed=3)
    caller = _add(register, "Margaret Thatcher-Jones", email="mtj@example.org",
                  phone="020 7946 0958", postcode="SW1A 2AA", assignee="aisha")
    return register, caller


def _all_ids(register, q: QueueQuery) -> list[int]:
    total = queue.count(register, q)
    return [r.id for r in queue.fetch_rows(register, q, 0, total + 10, total=total)]


def test_view_counts_match_the_rows(filled) -> None:
    register, _ = filled
    counts = queue.view_counts(register)
    assert set(counts) == set(queue.VIEW_KEYS)
    assert counts["all-open"] + counts["closed"] == 601
    for key in queue.VIEW_KEYS:
        q = QueueQuery(view=key)
        assert len(_all_ids(register, q)) == counts[key] == queue.count(register, q), key
    today = register.today()
    for row in queue.fetch_rows(register, QueueQuery("overdue"), 0, 500):
        assert row.overdue and row.days_left is not None and row.days_left < 0
    for row in queue.fetch_rows(register, QueueQuery("due-7"), 0, 500):
        assert row.due_date is not None and 0 <= (row.due_date - today).days <= 7
    for row in queue.fetch_rows(register, QueueQuery("mine"), 0, 500):
        assert row.assignee == "aisha" and row.status not in (Status.CLOSED, Status.REFUSED)
    assert all(r.status is Status.AWAITING_IDENTITY
               for r in queue.fetch_rows(register, QueueQuery("awaiting-identity"), 0, 500))


@pytest.mark.parametrize("sort", list(queue.SORT_COLUMNS))
@pytest.mark.parametrize("descending", [False, True])
def test_every_column_sorts_in_the_database_and_pages_agree(filled, sort: str, descending: bool) -> None:
    register, _ = filled
    q = QueueQuery("all-open", sort=sort, descending=descending)
    total = queue.count(register, q)
    whole = queue.fetch_rows(register, q, 0, total, total=total)
    keys = [queue.sort_key(r, sort) for r in whole]
    non_null = [k for k in keys if k[0] is not None]
    assert non_null == sorted(non_null, reverse=descending)
    ids = [r.id for r in whole]
    # by position, forward and (second half) from the end
    paged = []
    for offset in range(0, total, 37):
        paged += [r.id for r in queue.fetch_rows(register, q, offset, 37, total=total)]
    assert paged == ids
    # by keyset: after the previous page's last row, and before the next page's first
    for offset in (37, 100, total // 2 + 3, total - 40):
        after = queue.sort_key(whole[offset - 1], sort)
        assert [r.id for r in queue.fetch_rows(register, q, offset, 37, total=total, after=after)] \
            == ids[offset:offset + 37]
        if offset + 37 < total:
            before = queue.sort_key(whole[offset + 37], sort)
            assert [r.id for r in queue.fetch_rows(register, q, offset, 37, total=total, before=before)] \
                == ids[offset:offset + 37]


@pytest.mark.parametrize("typed", ["SW1A 2AA", "sw1a", "mtj@example.org", "mtj@exa", "Thatcher",
                                   "marg thatch", "020 7946 0958", "+44 20 7946 0958", "02079460958"])
def test_search_finds_the_caller(filled, typed: str) -> None:
    register, caller = filled
    q = QueueQuery(view="closed", search=typed)  # search looks in every case, whatever the view
    assert caller.id in _all_ids(register, q)


def test_search_by_reference_is_exact_and_forgiving(filled) -> None:
    register, caller = filled
    for typed in (caller.reference, caller.reference.lower(), caller.reference.replace("-", " ")):
        assert _all_ids(register, QueueQuery(search=typed)) == [caller.id]


def test_search_with_nothing_searchable_finds_nothing(filled) -> None:
    register, _ = filled
    assert queue.count(register, QueueQuery(search="  --  ")) == 0
    assert queue.count(register, QueueQuery(search='"*')) == 0
    assert queue.count(register, QueueQuery(search="zzqxw")) == 0


def test_rows_are_plain_data_with_days_left(filled) -> None:
    register, caller = filled
    row = queue.fetch_rows(register, QueueQuery(search=caller.reference), 0, 5)[0]
    assert row.reference == caller.reference
    assert row.due_date == caller.due_date
    assert row.days_left == (caller.due_date - register.today()).days
    assert row.retention_at_risk is False


def test_retention_at_risk_flag(sqlite_register) -> None:
    from datetime import datetime, timedelta, timezone

    from muse_care.store.models import RetrievalRecord, SourceRecord

    reg = sqlite_register
    case = _add(reg, "Rosa Luxembourg", email="rosa@example.org")
    with reg.unit_of_work() as s:
        src = SourceRecord(code="calls", name="Call recordings", retention_months=6, identifier_kind="phone")
        s.add(src)
        s.flush()
        s.add(RetrievalRecord(case_id=case.id, source_id=src.id, result="found", retrieved_by="aisha",
                              retrieved_at=datetime.now(timezone.utc),
                              purge_on=reg.today() + timedelta(days=12)))
    row = queue.fetch_rows(reg, QueueQuery(search=case.reference), 0, 5)[0]
    assert row.retention_at_risk is True
    # Once the recording is secured in our evidence store, its purge loses nothing.
    with reg.unit_of_work() as s:
        s.query(RetrievalRecord).filter_by(case_id=case.id).update({"evidence_id": "a" * 32})
    row = queue.fetch_rows(reg, QueueQuery(search=case.reference), 0, 5)[0]
    assert row.retention_at_risk is False


def test_phone_digits() -> None:
    assert queue.phone_digits("020 7946 0958") == "442079460958"
    assert queue.phone_digits("+39 06 6988 4000") == "390669884000"
    assert queue.phone_digits("SW1A 2AA") is None
    assert queue.phone_digits("12") is None


@pytest.mark.parametrize("view", ["all-open", "closed", "overdue", "due-7", "mine", "unassigned",
                                  "awaiting-identity"])
def test_sqlite_query_plans_use_an_index_in_the_queue_order(sqlite_register, view: str) -> None:
    """docs/machine.md, "Speed measurements": every sorted view needs an index in its order; no full scan, no
    temporary sort for the default (due date) order."""
    reg = sqlite_register
    plan = " | ".join(queue.explain(reg, queue.page_statement(reg, QueueQuery(view, sort="due"))))
    assert "USING" in plan and "INDEX" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    assert "SCAN cases" not in plan or "COVERING INDEX" in plan or "USING INDEX" in plan, plan


@pytest.mark.parametrize("sort", list(queue.SORT_COLUMNS))
def test_sqlite_every_sort_of_the_open_queue_has_its_index(sqlite_register, sort: str) -> None:
    reg = sqlite_register
    for descending in (False, True):
        q = QueueQuery("all-open", sort=sort, descending=descending)
        for stmt in (queue.page_statement(reg, q, offset=400),
                     queue.page_statement(reg, q, after=("x" if sort not in ("received", "due", "days_left")
                                                        else date(2026, 1, 1), 5))):
            plan = " | ".join(queue.explain(reg, stmt))
            assert "TEMP B-TREE" not in plan, (sort, plan)
            assert "INDEX ix_cases_open" in plan, (sort, plan)


def test_sqlite_search_is_driven_by_the_fts_index(sqlite_register) -> None:
    reg = sqlite_register
    plan = " | ".join(queue.explain(reg, queue.page_statement(reg, QueueQuery(search="SW1A 2AA"))))
    assert "VIRTUAL TABLE INDEX" in plan or "case_search" in plan, plan


@pytest.mark.parametrize("typed", ["zolc", "Zolc", "lukasz zolc", "Żółć", "oeuvre", "soren"])
def test_search_ignores_accents(register, typed: str) -> None:
    """Issue 11: "zolc" finds Żółć, on SQLite FTS5 and PostgreSQL alike (ł, ø and œ
    have no Unicode decomposition; they are spelt out)."""
    zolc = _add(register, "Łukasz Żółć", email="lz@example.pl", phone="+48 22 123 45 67")
    oeuvre = _add(register, "Œuvre Søren", email="os@example.dk", phone="+45 32 12 34 56")
    found = _all_ids(register, QueueQuery(search=typed))
    wanted = oeuvre.id if typed in ("oeuvre", "soren") else zolc.id
    assert found == [wanted]


def test_a_number_typed_the_national_way_finds_a_foreign_caller(register) -> None:
    """A German caller's number as Germans say it ("030 …"), with the organisation in
    the UK: found all the same (issue 11, search)."""
    from muse_care.services import cases
    from muse_care.services.cases import CaseDraft

    caller = cases.add_case(register, CaseDraft(
        name="Jürgen Müller", rights=["access"], channel="phone", received=date(2026, 11, 2),
        phone="+49 30 12345678", country="DE", address_lines=["Schloßallee 12"], city="Berlin",
        postcode="10115"))
    cases.add_case(register, CaseDraft(name="Someone Else", rights=["access"], channel="phone",
                                       received=date(2026, 11, 2), phone="+44 20 7946 0001", country="GB"))
    for typed in ("030 12345678", "03012345678", "+49 30 12345678"):
        assert _all_ids(register, QueueQuery(view="closed", search=typed)) == [caller.id], typed
