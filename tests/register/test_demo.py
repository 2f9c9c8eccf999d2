"""Demo data: what it contains, the large SQLite path (indexes and search triggers
dropped, rebuilt from their saved SQL), the COPY path on PostgreSQL, and that a failure
half-way leaves the database exactly as it was."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from muse_care.domain.case import Channel, Right, Status
from muse_care.services import demo
from muse_care.services.history import verify_chain
from muse_care.services.queue import search_filter
from muse_care.store.models import CaseRecord

TABLES = ("cases", "clock_events", "identity_checks", "notes", "case_tasks", "case_recipients", "approvals",
          "history")


def _counts(register) -> dict[str, int]:
    with register.read() as s:
        # history: the "created" entries, one per case (the other word entries and the
        # database's row entries come besides)
        return {t: s.execute(text(f"SELECT count(*) FROM {t}"
                                  + (" WHERE what = 'created'" if t == "history" else ""))).scalar()
                for t in TABLES}


def _schema(register) -> list[tuple]:
    """Every index and trigger with its SQL (SQLite) or definition (PostgreSQL)."""
    with register.read() as s:
        if register.dialect == "sqlite":
            return s.execute(text(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE type IN ('index', 'trigger', 'table') ORDER BY type, name")).all()
        return s.execute(text(
            "SELECT 'index', indexname, tablename, indexdef FROM pg_indexes "
            "WHERE schemaname = 'public' UNION ALL "
            "SELECT 'trigger', tgname, tgrelid::regclass::text, pg_get_triggerdef(oid) || ' ' || tgenabled::text "
            "FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2")).all()


def _dump(register) -> dict[str, list]:
    with register.read() as s:
        out = {t: s.execute(text(f"SELECT * FROM {t} ORDER BY id")).all() for t in TABLES}
        # the word entries: the row entries the database adds carry random salts
        out["history"] = s.execute(text("SELECT * FROM history WHERE tbl IS NULL ORDER BY id")).all()
        out["rows"] = s.execute(text("SELECT tbl, row_id, data FROM history WHERE tbl IS NOT NULL "
                                     "ORDER BY id")).all()
        if register.dialect == "sqlite":
            out["case_search"] = s.execute(text("SELECT rowid, * FROM case_search ORDER BY rowid")).all()
    return out


def _found(register, typed: str) -> set[int]:
    with register.read() as s:
        return set(s.execute(select(CaseRecord.id).where(search_filter(register, typed))).scalars())


def test_demo_has_every_status_right_and_channel_and_a_verified_chain(register) -> None:
    report = demo.generate(register, 700, seed=7)
    assert report.cases == 700
    counts = _counts(register)
    assert counts["cases"] == counts["history"] == 700
    assert counts["notes"] == 100  # every seventh case
    assert counts["identity_checks"] >= 700 and counts["clock_events"] > 0
    assert counts["case_tasks"] > 700 and counts["case_recipients"] > 0 and counts["approvals"] > 0
    with register.read() as s:
        rows = s.execute(select(CaseRecord.status, CaseRecord.rights, CaseRecord.channel,
                                CaseRecord.is_open, CaseRecord.due_date)).all()
    assert {r.status for r in rows} == {st.value for st in Status}
    assert {x for r in rows for x in r.rights.split(",")} == {ri.value for ri in Right}
    assert {r.channel for r in rows} == {c.value for c in Channel}
    today = register.today()
    assert any(r.is_open and r.due_date is not None and r.due_date < today for r in rows)
    with register.read() as s:
        chain = verify_chain(s)
    assert chain.ok and chain.entries > 700, chain.problem  # the words and the rows' entries


def test_every_demo_case_is_one_the_app_could_have_produced(register) -> None:
    """The full audit passes (hashes, seal, each row replayed from its entries, no change
    made outside MUSE Care, every clock recomputed from its events); every Responded case
    passes every check of the Responded gate; identity, tasks and approvals agree with
    each status; each case's history moves through the statuses the workflow allows,
    ending at the case's own."""
    from muse_care.domain.case import TRANSITIONS
    from muse_care.domain.identity import identity_confirmed
    from muse_care.services import respond_gate
    from muse_care.services.history import audit
    from muse_care.services.tasks import unsettled
    from muse_care.store.models import HistoryRecord

    demo.generate(register, 600, seed=11)
    with register.read() as s:
        report = audit(s)
        assert report.ok, report.problems[:5]
        today = register.today()
        moves: dict[int, list[tuple[str, str]]] = {}
        for case_id, old, new in s.execute(select(HistoryRecord.case_id, HistoryRecord.old_value,
                                                  HistoryRecord.new_value)
                                           .where(HistoryRecord.what == "status").order_by(HistoryRecord.id)):
            moves.setdefault(case_id, []).append((old, new))
        responded_checked = 0
        for rec in s.execute(select(CaseRecord)).scalars():
            status = Status(rec.status)
            results = {c.step: c.result for c in rec.checks}
            path = moves.get(rec.id, [])
            assert (path[-1][1] if path else "new") == rec.status, rec.reference
            for old, new in path:
                assert Status(new) in TRANSITIONS[Status(old)], (rec.reference, old, new)
            if status in (Status.IN_PROGRESS, Status.AWAITING_APPROVAL, Status.RESPONDED):
                assert identity_confirmed(results), rec.reference
            if status is Status.AWAITING_APPROVAL:
                assert s.execute(text("SELECT count(*) FROM approvals WHERE case_id = :c AND decision IS NULL"),
                                 {"c": rec.id}).scalar() == 1
            open_tasks = unsettled(s, rec.id)
            assert open_tasks == [] if status is Status.RESPONDED else True
            if status is Status.RESPONDED or ("responded" in {new for _, new in path}):
                gate = respond_gate.Gate(s, rec, today, "agent", "", 30, register)
                problems = [p for check in respond_gate.CHECKS if (p := check(gate))]
                assert problems == [], (rec.reference, problems)
                assert rec.channel != "post"  # the demo writes no letters: a postal reply is one
                responded_checked += 1
    assert responded_checked > 50


def test_demo_requesters_are_valid_and_realistically_spread(register) -> None:
    """Postcodes, phones and addresses pass the intake's own checks and a letter window;
    phones and emails are each requester's own; no postcode is shared by more than a few."""
    from collections import Counter

    from muse_care.domain import validation as v
    from muse_care.letters.fit import address_problem
    from muse_care.letters.model import PostalAddress

    demo.generate(register, 800, seed=12)
    with register.read() as s:
        rows = s.execute(select(CaseRecord.requester_name, CaseRecord.requester_phone,
                                CaseRecord.requester_email, CaseRecord.postcode, CaseRecord.country,
                                CaseRecord.city, CaseRecord.region, CaseRecord.address_lines)).all()
    assert len({r.requester_phone for r in rows}) == len({r.requester_email for r in rows}) == 800
    by_postcode = Counter((r.country, r.postcode) for r in rows)
    assert max(by_postcode.values()) <= 15 and len(by_postcode) > 150
    assert len({r.requester_name for r in rows}) > 400
    assert len({r.country for r in rows}) == 8
    for r in rows[:300]:
        assert v.validate_postcode(r.postcode, r.country) == r.postcode
        assert v.validate_phone(r.requester_phone, r.country) == r.requester_phone
        assert v.validate_email(r.requester_email)
        assert address_problem(PostalAddress(name=r.requester_name, lines=(r.address_lines,), city=r.city,
                                             postcode=r.postcode, region=r.region, country=r.country),
                               "uk", "GB") is None, r


@pytest.mark.parametrize("threshold", [100, 10_000_000], ids=["large-path", "row-path"])
def test_load_on_a_database_with_cases_continues_ids_and_keeps_search(register, threshold) -> None:
    """A small load first (row by row), then a second one (forced onto the large path
    on SQLite by a low threshold): ids continue, references stay unique, the schema is
    unchanged, search finds the new requesters and keeps working after edits."""
    demo.generate(register, 150, seed=1)
    before = _schema(register)
    demo.generate(register, 300, seed=2, batch=64, large_threshold=threshold)
    assert _schema(register) == before
    counts = _counts(register)
    assert counts["cases"] == counts["history"] == 450
    with register.read() as s:
        ids = list(s.execute(select(CaseRecord.id).order_by(CaseRecord.id)).scalars())
        refs = list(s.execute(select(CaseRecord.reference)).scalars())
        last = s.execute(select(CaseRecord).order_by(CaseRecord.id.desc()).limit(1)).scalar_one()
        chain = verify_chain(s)
    assert ids == list(range(1, 451))
    assert len(set(refs)) == 450
    assert chain.ok and chain.entries > 450, chain.problem
    assert last.id in _found(register, last.postcode)
    assert last.id in _found(register, last.requester_name)
    assert last.id in _found(register, f"{last.requester_name} {last.postcode}")
    with register.unit_of_work() as s:  # the update trigger is back in place
        s.execute(text("UPDATE cases SET postcode = 'ZZ9 9ZZ' WHERE id = :i"), {"i": last.id})
    assert _found(register, "ZZ9 9ZZ") == {last.id}
    assert last.id not in _found(register, f"{last.requester_name} {last.postcode}")


def test_large_sqlite_path_restores_indexes_and_triggers_exactly(sqlite_register) -> None:
    reg = sqlite_register
    before = _schema(reg)
    assert any(r.type == "trigger" and r.name == "cases_search_ai" for r in before)
    demo.generate(reg, 400, seed=3, large_threshold=100)
    assert _schema(reg) == before
    with reg.read() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        search = s.execute(text("SELECT count(*) FROM case_search")).scalar()
        s.execute(text("INSERT INTO case_search(case_search) VALUES ('integrity-check')"))
    assert search == 400


def test_same_seed_same_data_on_either_path(sqlite_register, tmp_path, sqlite_template) -> None:
    from muse_care.services.register import Actor, Register
    from tests.conftest import FIXED_NOW, fresh_sqlite_url

    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = Register.open(fresh_sqlite_url(sqlite_template, other_dir), Actor("aisha", "Aisha Khan"),
                          migrate=False, now=lambda: FIXED_NOW)
    try:
        demo.generate(sqlite_register, 250, seed=5)
        demo.generate(other, 250, seed=5, batch=32, large_threshold=1)
        assert _dump(sqlite_register) == _dump(other)
    finally:
        other.dispose()


class Boom(RuntimeError):
    pass


def _fail_on_call(monkeypatch, name: str, call: int) -> None:
    real = getattr(demo, name)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == call:
            raise Boom(f"injected into {name}")
        return real(*args, **kwargs)

    monkeypatch.setattr(demo, name, failing)


def _assert_failure_leaves_no_trace(register, monkeypatch, name: str, call: int) -> None:
    demo.generate(register, 120, seed=4)
    schema, data = _schema(register), _dump(register)
    _fail_on_call(monkeypatch, name, call)
    with pytest.raises(Boom):
        demo.generate(register, 400, seed=6, batch=50, large_threshold=100)
    assert _schema(register) == schema
    assert _dump(register) == data
    monkeypatch.undo()
    demo.generate(register, 30, seed=6, large_threshold=10)  # and the database still works
    assert _counts(register)["cases"] == 150
    with register.read() as s:
        assert verify_chain(s).ok


@pytest.mark.parametrize(("name", "call"), [("_write_sqlite", 3), ("_record_rows_sqlite", 1), ("_restore", 1),
                                           ("_fill_search", 1)])
def test_failure_mid_load_leaves_sqlite_as_it_was(sqlite_register, monkeypatch, name, call) -> None:
    """While rows go in (indexes and triggers dropped), before the row entries and the
    seal are written, before the rebuild, and after the indexes are rebuilt but before
    search is filled and the triggers re-created."""
    _assert_failure_leaves_no_trace(sqlite_register, monkeypatch, name, call)
    with sqlite_register.read() as s:
        assert s.execute(text("PRAGMA cache_size")).scalar() == -2000


@pytest.fixture
def pg_register(pg_url):
    from muse_care.services.register import Actor, Register
    from tests.conftest import FIXED_NOW

    reg = Register.open(pg_url, Actor("aisha", "Aisha Khan"), migrate=False, now=lambda: FIXED_NOW)
    yield reg
    reg.dispose()


@pytest.mark.pg
def test_failure_mid_copy_leaves_postgresql_as_it_was(pg_register, monkeypatch) -> None:
    _assert_failure_leaves_no_trace(pg_register, monkeypatch, "_write_postgresql", 3)


def test_failure_while_rebuilding_an_index_rolls_back_the_drops(sqlite_register, monkeypatch) -> None:
    """A failure after some indexes are re-created (a real SQL error, not a Python one)."""
    reg = sqlite_register
    demo.generate(reg, 50, seed=4)
    schema, data = _schema(reg), _dump(reg)
    real = demo._sqlite_bulk_schema

    def last_index_broken(conn):
        items = real(conn)
        last = max(i for i, item in enumerate(items) if item.type == "index")
        items[last] = demo._SchemaItem("index", items[last].name,
                                       "CREATE INDEX broken ON no_such_table (x)")
        return items

    monkeypatch.setattr(demo, "_sqlite_bulk_schema", last_index_broken)
    with pytest.raises(Exception, match="no_such_table"):
        demo.generate(reg, 300, seed=6, large_threshold=100)
    assert _schema(reg) == schema
    assert _dump(reg) == data


@pytest.mark.pg
def test_copy_on_postgresql_sends_one_bulk_notification(pg_register) -> None:
    """COPY fires the statement trigger of migration 0003 like any bulk insert: one
    '*' per statement, which PostgreSQL delivers once per transaction."""
    import psycopg
    from sqlalchemy.engine import make_url

    from muse_care.store.team_sql import CASE_CHANNEL

    url = make_url(pg_register.url)
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname=url.database,
                         autocommit=True) as listener:
        listener.execute(f"LISTEN {CASE_CHANNEL}")
        demo.generate(pg_register, 300, seed=8, batch=60)
        got = [n.payload for n in listener.notifies(timeout=2, stop_after=10)]
    assert got == ["*"]
    assert _counts(pg_register)["cases"] == 300


def _content_hash(register) -> str:
    """SHA-256 over everything a load writes that a seed decides: every row of the
    tables it fills, the word entries whole, the row entries without their random salt
    (and so without their digests and hashes), the seal's count and the search index."""
    import hashlib

    with register.read() as s:
        parts = [s.execute(text(f"SELECT * FROM {t} ORDER BY id")).all() for t in TABLES if t != "history"]
        parts.append(s.execute(text("SELECT * FROM history WHERE tbl IS NULL ORDER BY id")).all())
        parts.append(s.execute(text("SELECT id, case_id, at, actor, what, old_value, new_value, tbl, row_id, "
                                    "data, redacted FROM history WHERE tbl IS NOT NULL ORDER BY id")).all())
        parts.append(s.execute(text("SELECT entries FROM history_seal")).all())
        parts.append(s.execute(text("SELECT rowid, * FROM case_search ORDER BY rowid")).all())
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


SEEDED_CONTENT = "f57d4bd671c675d0881d82cf4d8866013f31c1471c8041d8d4c1f47154bffbde"
"""The content hash of ``demo.generate(register, 400, seed=21)`` on a fresh SQLite
register: a refactor or a faster path must not change what a seed gives. First taken
before ``_rows`` was split into its steps and the triggers were dropped for the load
(967a82c5…, which the split and the faster load kept); taken again when migrations 0015
and 0019 changed what the tables hold (``clock_events.late_note``, the print log's
entries), with both load paths giving the same hash; taken again when migration 0020
keyed the search index by the due order (53d45318…: every table and the index's text
per case hashed the same before and after; only the index's rowids and its ``case_id``
column are new); taken again when migration 0026 gave clock events their letter and
voiding columns (124d0c1e…: with those four columns left out of the table and of its row
entries' images, the same content hash before and after, 64c0878f…); and when 0027
gave cases ``extended_to`` and ``extension_told_on`` (4aa7b0c1…: with those left out of
the cases and their row images, the same before and after, 13cb18df…)."""


@pytest.mark.parametrize(("threshold", "child"), [(1, 10_000_000), (10_000_000, 10_000_000), (1, 1)],
                         ids=["large-path", "row-path", "large-path-rows-drawn-in-a-worker"])
def test_a_seed_gives_the_same_database_as_before(sqlite_register, threshold, child) -> None:
    """The same database whichever path writes it, and whichever process draws the rows."""
    demo.generate(sqlite_register, 400, seed=21, batch=128, large_threshold=threshold, child_threshold=child)
    with sqlite_register.read() as s:
        from muse_care.services.history import audit

        report = audit(s)
    assert report.ok, report.problems[:5]
    assert _content_hash(sqlite_register) == SEEDED_CONTENT  # the same for both paths


@pytest.mark.pg
def test_copy_load_on_postgresql_passes_the_audit_and_puts_the_triggers_back(pg_register) -> None:
    """A superuser's load disables the history's per-row triggers for its transaction:
    afterwards they are enabled again (a change writes its row entry, chained and
    sealed), and the full audit of the load passes (the seal, every row replayed)."""
    from muse_care.services.history import audit

    before = _schema(pg_register)
    demo.generate(pg_register, 200, seed=9, batch=64)
    assert _schema(pg_register) == before
    with pg_register.read() as s:
        report = audit(s)
        entries = s.execute(text("SELECT count(*) FROM history")).scalar()
    assert report.ok, report.problems[:5]
    with pg_register.unit_of_work() as s:
        s.execute(text("UPDATE cases SET postcode = 'ZZ9 9ZZ' WHERE id = 5"))
    with pg_register.read() as s:
        last = s.execute(text("SELECT tbl, row_id, what FROM history ORDER BY id DESC LIMIT 1")).one()
        assert s.execute(text("SELECT count(*) FROM history")).scalar() == entries + 1
        assert verify_chain(s).ok  # chained and sealed (the audit flags it: a change made outside)
    assert tuple(last) == ("cases", 5, "row:cases:update")


# --- the rows drawn in a worker process (``_rows_from_child``) -----------------------------

def _kill_the_worker_on_call(monkeypatch, call: int) -> None:
    """The worker process killed (as by the OS, or a user ending it) while the load
    writes: from the given write of a batch on, before that batch is written."""
    import multiprocessing
    import os
    import signal

    real, calls = demo._write_sqlite, {"n": 0}

    def write(conn, rows):
        calls["n"] += 1
        if calls["n"] == call:
            workers = [p for p in multiprocessing.active_children() if p.name == "muse-care demo rows"]
            assert len(workers) == 1
            os.kill(workers[0].pid, signal.SIGKILL)
            workers[0].join(10)
        return real(conn, rows)

    monkeypatch.setattr(demo, "_write_sqlite", write)


def test_a_worker_killed_mid_load_fails_it_and_leaves_the_database_as_it_was(sqlite_register,
                                                                             monkeypatch) -> None:
    demo.generate(sqlite_register, 120, seed=4)
    schema, data = _schema(sqlite_register), _dump(sqlite_register)
    _kill_the_worker_on_call(monkeypatch, 2)
    with pytest.raises(RuntimeError, match="worker process stopped before it finished.*nothing was written"):
        demo.generate(sqlite_register, 400, seed=6, batch=50, large_threshold=100, child_threshold=1)
    assert _schema(sqlite_register) == schema
    assert _dump(sqlite_register) == data
    monkeypatch.undo()
    demo.generate(sqlite_register, 30, seed=6, child_threshold=1)  # and the database still works
    assert _counts(sqlite_register)["cases"] == 150
    with sqlite_register.read() as s:
        assert verify_chain(s).ok


def test_a_worker_that_fails_fails_the_load_with_its_reason(sqlite_register, monkeypatch) -> None:
    """Drawing fails in the worker (here: fewer references than cases, so the worker
    runs out of them at case 301): the load fails with the worker's traceback, nothing
    is written, and no worker is left running."""
    import multiprocessing

    real = demo._references
    monkeypatch.setattr(demo, "_references", lambda rng, n, taken: real(rng, n, taken)[:300])
    with pytest.raises(RuntimeError, match=r"(?s)worker process failed; nothing was written.*IndexError"):
        demo.generate(sqlite_register, 400, seed=6, batch=50, child_threshold=1)
    assert _counts(sqlite_register)["cases"] == 0
    assert not [p for p in multiprocessing.active_children() if p.name == "muse-care demo rows"]


def test_a_load_that_fails_stops_its_worker(sqlite_register, monkeypatch) -> None:
    import multiprocessing

    seen = []
    real = demo._write_sqlite

    def failing(conn, rows):
        seen.extend(p for p in multiprocessing.active_children() if p.name == "muse-care demo rows")
        raise Boom("the disk is full")

    monkeypatch.setattr(demo, "_write_sqlite", failing)
    with pytest.raises(Boom):
        demo.generate(sqlite_register, 4000, seed=6, batch=50, child_threshold=1)
    assert seen and not seen[0].is_alive()
    assert _counts(sqlite_register)["cases"] == 0


@pytest.mark.pg
def test_rows_drawn_in_a_worker_load_postgresql_the_same(pg_register, pg_template) -> None:
    """The COPY path with the rows drawn in a worker: the audit passes, and the database
    is the one a load drawn in this process gives a second fresh database."""
    import uuid

    from sqlalchemy.engine import make_url

    from muse_care.services.history import audit
    from muse_care.services.register import Actor, Register
    from tests.conftest import FIXED_NOW, PG_ADMIN_URL, _pg_admin

    demo.generate(pg_register, 200, seed=9, batch=64, child_threshold=1)
    with pg_register.read() as s:
        report = audit(s)
    assert report.ok, report.problems[:5]
    name = f"muse_t_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    try:
        other = Register.open(make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False),
                              Actor("aisha", "Aisha Khan"), migrate=False, now=lambda: FIXED_NOW)
        try:
            demo.generate(other, 200, seed=9, batch=64, child_threshold=10_000_000)
            assert _dump(other) == _dump(pg_register)
        finally:
            other.dispose()
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
