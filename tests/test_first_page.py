"""The queue's first page read through ``sqlite3`` at start (muse_care/store/first_page.py)
is exactly the queue service's first page of the default view: the same count, rows and
order, on several registers (empty; demo data past one page with non-ASCII names;
another time zone and retention warning), and it answers only when it can."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from muse_care.services import cases, queue
from muse_care.services.queue import PAGE_SIZE, QueueQuery
from muse_care.store import db
from muse_care.store.first_page import DEFAULT_WARN_DAYS, read_first_page
from tests.conftest import FIXED_NOW

NAMES = ("Zoë Ærøskøbing-Łukasiewicz", "محمد علی خان", "王小明", "Ngọc Ánh Nguyễn", "Ōtsuka Jōji",
         "Ελένη Παπαδοπούλου", "Fatma Yılmaz")


def _add(register, name: str, received: date, **kw):
    values = dict(name=name, rights=["access", "erasure"], channel="live-chat", received=received,
                  email=f"{abs(hash(name)) % 10**8}@example.org", country="GB", postcode="SW1A 2AA",
                  address_lines=["1 High Street"], city="London")
    values.update(kw)
    return cases.add_case(register, cases.CaseDraft(**values))


def _path(register) -> Path:
    path = db.sqlite_file(register.url)
    assert path is not None
    return path


def _same(register, now: datetime = FIXED_NOW):
    total, rows = queue.first_page(register, QueueQuery())
    page = read_first_page(_path(register), PAGE_SIZE, now=now)
    assert page is not None
    assert page.total == total
    assert list(page.rows) == rows  # same rows, same order, same days left and flags
    return page


def test_an_empty_register(sqlite_register) -> None:
    page = _same(sqlite_register)
    assert page.total == 0 and page.rows == ()


def test_demo_data_past_one_page_with_non_ascii_names(sqlite_register) -> None:
    from muse_care.services.demo import generate

    reg = sqlite_register
    generate(reg, 420, seed=11)
    for i, name in enumerate(NAMES):  # due soonest, so they are on the first page
        _add(reg, name, date(2026, 10, 1) + timedelta(days=i))
    closed = _add(reg, "Closed Early", date(2026, 9, 1))  # due soonest of all, but closed
    cases.change_status(reg, closed.reference, "withdrawn", "the requester withdrew")
    page = _same(reg)
    assert page.total > PAGE_SIZE and len(page.rows) == PAGE_SIZE
    assert page.total < queue.view_counts(reg)["all-open"] + queue.view_counts(reg)["closed"]
    shown = {r.requester_name for r in page.rows}
    assert set(NAMES) <= shown and closed.id not in {r.id for r in page.rows}


@pytest.mark.parametrize(("zone", "day"), [("Pacific/Kiritimati", date(2026, 11, 26)),
                                           ("Pacific/Pago_Pago", date(2026, 11, 24))])
def test_the_organisations_time_zone_and_retention_warning(sqlite_register, zone: str, day: date) -> None:
    from muse_care.domain.organisation import DEFAULT_ORGANISATION
    from muse_care.services.settings import set_setting
    from muse_care.store.models import RetrievalRecord, SourceRecord

    reg = sqlite_register
    set_setting(reg, "organisation", {**DEFAULT_ORGANISATION.to_dict(), "timezone": zone})
    set_setting(reg, "retention_warn_days", 5)
    made = [_add(reg, name, date(2026, 10, 24) + timedelta(days=i)) for i, name in enumerate(NAMES)]
    with reg.unit_of_work() as s:
        src = SourceRecord(code="calls", name="Call recordings", retention_months=6, identifier_kind="phone")
        s.add(src)
        s.flush()
        for i, case in enumerate(made):  # purged in 3..9 days: at risk only within 5 of *today*
            s.add(RetrievalRecord(case_id=case.id, source_id=src.id, result="found", retrieved_by="aisha",
                                  retrieved_at=FIXED_NOW, purge_on=day + timedelta(days=i + 3)))
    stopped = _add(reg, "Clock Stopped", date(2026, 10, 1))  # due soonest until its clock stops
    cases.record_event(reg, stopped.reference, "id-requested", date(2026, 10, 2),
                       late_reason="the request for ID went by post; entered from the post book")
    page = _same(reg)
    assert page.today == day == reg.today()
    assert page.rows[-1].id == stopped.id and page.rows[-1].due_date is None  # stopped clocks last
    flags = [r.retention_at_risk for r in page.rows]
    assert flags.count(True) == 3 and flags.count(False) == len(NAMES) - 2


def test_it_answers_only_for_a_register_at_the_head(sqlite_register, tmp_path: Path) -> None:
    missing = tmp_path / "new.sqlite3"
    assert read_first_page(missing, PAGE_SIZE) is None
    assert not missing.exists()  # never created: a first start still offers demo data

    not_a_db = tmp_path / "notes.sqlite3"
    not_a_db.write_bytes(b"not a database at all" * 100)
    assert read_first_page(not_a_db, PAGE_SIZE) is None

    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    assert read_first_page(empty, PAGE_SIZE) is None

    reg = sqlite_register
    _add(reg, NAMES[0], date(2026, 11, 1))
    assert read_first_page(_path(reg), PAGE_SIZE) is not None
    with reg.engine.begin() as conn:  # a register the worker would migrate first
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    assert read_first_page(_path(reg), PAGE_SIZE) is None


def test_the_default_warning_is_the_declared_one() -> None:
    from muse_care.services.settings import DECLARED

    assert DECLARED["retention_warn_days"].default() == DEFAULT_WARN_DAYS


@pytest.mark.parametrize("url", [
    "sqlite:////tmp/a b/ü x.sqlite3", "sqlite:///rel/x.db", "sqlite:////tmp/a+b:c.db", "sqlite:///C:/x/y.db",
    "sqlite:////tmp/a%20b.db", "sqlite:///:memory:", "sqlite:///", "sqlite://", "sqlite:////tmp/x.db?mode=ro",
    "postgresql+psycopg://u:p@localhost/db", "postgresql://localhost/db",
])
def test_the_start_reads_sqlite_urls_as_sqlalchemy_does(url: str) -> None:
    """store/db.py parses a plain sqlite:/// URL without SQLAlchemy at start; it must
    agree with make_url, or the first page could come from another file."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    assert db.is_sqlite(url) == (u.get_backend_name() == "sqlite")
    if u.get_backend_name() == "sqlite":
        expected = None if not u.database or u.database == ":memory:" else Path(u.database)
        assert db.sqlite_file(url) == expected
        assert db.resolve_url(url) == u.render_as_string(hide_password=False)
