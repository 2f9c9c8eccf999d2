"""The dashboard's figures kept by the database (migration 0022, store/dashboard_sql.py):
after any mix of changes they equal a fresh count over the cases and the history, and
``dashboard_data`` gives exactly what the read-time count it replaced gave
(tests/team/dashboard_oracle.py)."""

from __future__ import annotations

import random
import threading
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import column, insert, table, text

import dashboard_oracle
from muse_care.domain.errors import MuseCareError
from muse_care.services import cases, team
from muse_care.services.register import Actor, Register
from muse_care.services.team_reports import _answers, dashboard_data
from muse_care.store import db
from muse_care.store.models import LetterRecord
from team_support import add_cases, draft, fixed_now

pytestmark = pytest.mark.pg

UTC = timezone.utc
STATUSES = ("new", "in-progress", "awaiting-identity", "awaiting-clarification", "responded", "refused",
            "closed", "withdrawn")


def _lead(url: str) -> Register:
    return Register.open(url, Actor("postgres", "Lead", "lead"), migrate=False, now=fixed_now)


def _fresh_open(conn) -> Counter:  # noqa: ANN001
    """The open counts as the kept table holds them, counted now from the cases."""
    out: Counter = Counter()
    for status, rights, assignee, due in conn.exec_driver_sql(
            "SELECT status, rights, assignee, due_date FROM cases WHERE is_open"):
        out[("s", status, None)] += 1
        out[("r", rights, None)] += 1
        out[("a", assignee, due)] += 1
    return out


def assert_kept_equals_fresh(reg: Register) -> None:
    with reg.engine.connect() as conn:
        kept_open = {(k, key, due): n for k, key, due, n in conn.exec_driver_sql(
            "SELECT kind, key, due_date, n FROM open_case_counts")}
        assert kept_open == dict(_fresh_open(conn))  # (no rows of zero left behind either)
        zone = conn.exec_driver_sql("SELECT zone FROM answers_zone").scalar_one()
        by_day = {d: (a, o) for d, a, o in conn.exec_driver_sql(
            "SELECT day, answered, on_time FROM answers_by_day WHERE answered <> 0 OR on_time <> 0")}
        per_case = Counter()
        for d, on_time in conn.exec_driver_sql("SELECT day, on_time FROM case_answers"):
            per_case[(d, True)] += 1
            per_case[(d, False)] += int(on_time)
    with reg.read() as s:
        fresh = _answers(s, ZoneInfo(zone), date(1900, 1, 1))
    counted: dict[date, list[int]] = {}
    for day, due in fresh:
        m = counted.setdefault(day, [0, 0])
        m[0] += 1
        m[1] += int(due is not None and day <= due)
    assert by_day == {d: tuple(v) for d, v in counted.items()}
    assert {d: (per_case[(d, True)], per_case[(d, False)]) for d, _ in per_case} == by_day


def assert_dashboard_as_before(reg: Register) -> None:
    for as_of in (date(2026, 11, 25), date(2026, 11, 2), date(2027, 1, 4), date(2026, 6, 30)):
        assert dashboard_data(reg, as_of=as_of) == dashboard_oracle.old_dashboard_data(reg, as_of=as_of), as_of


def _status_move(conn, case_id: int, status: str, at: datetime) -> None:  # noqa: ANN001
    """A status change as a script outside MUSE Care might make it: the move's word entry, the row."""
    conn.execute(text("SELECT muse_history_word(:c, 'status', '', :s, 'postgres', :t)"),
                 {"c": case_id, "s": status, "t": at})
    conn.execute(text("UPDATE cases SET status = :s, updated_at = :t WHERE id = :c"),
                 {"c": case_id, "s": status, "t": at})


def _random_mix(reg: Register, rng: random.Random, steps: int) -> None:
    """``steps`` random changes; the kept counts are compared with a fresh count after each."""
    ids = add_cases(reg, 12)
    ids += add_cases(reg, 4, rights=["access", "erasure"])
    base = datetime(2025, 10, 1, 9, tzinfo=UTC)
    for _ in range(steps):
        what = rng.choice(("create", "assign", "status", "service-status", "event", "close", "reopen",
                           "due", "letter", "erase", "delete", "bulk", "word-after", "word-only"))
        cid = rng.choice(ids)
        at = base + timedelta(hours=rng.randrange(0, 24 * 420))
        try:
            if what == "create":
                ids.append(cases.add_case(reg, draft(received=date(2026, 9, 1) + timedelta(days=rng.randrange(80)),
                                                     rights=rng.choice((["access"], ["erasure"], ["access", "erasure"])),
                                                     name=f"Mix {len(ids)}")).id)
            elif what == "assign":
                cases.assign(reg, cid, rng.choice(("", "postgres", "tom", "ana")))
            elif what == "service-status":
                cases.change_status(reg, cid, rng.choice(("in-progress", "closed", "withdrawn")))
            elif what == "event":
                cases.record_event(reg, cid, rng.choice(("clarification-requested", "clarification-received",
                                                         "extended")), date(2026, 11, 20), "mix",
                                   late_reason="mix")
            elif what in ("status", "close", "reopen"):
                status = {"close": "closed", "reopen": "in-progress"}.get(what) or rng.choice(STATUSES)
                with reg.engine.begin() as conn:
                    _status_move(conn, cid, status, at)
            elif what == "word-after":  # the row first, the move's word entry after it
                with reg.engine.begin() as conn:
                    status = rng.choice(("responded", "refused", "closed"))
                    conn.execute(text("UPDATE cases SET status = :s, updated_at = :t WHERE id = :c"),
                                 {"c": cid, "s": status, "t": at})
                    conn.execute(text("SELECT muse_history_word(:c, 'status', '', :s, 'postgres', :t)"),
                                 {"c": cid, "s": status, "t": at})
            elif what == "word-only":  # a move recorded (earlier than the case's answer, maybe), the row unchanged
                with reg.engine.begin() as conn:
                    conn.execute(text("SELECT muse_history_word(:c, 'status', '', 'responded', 'postgres', :t)"),
                                 {"c": cid, "t": at})
            elif what == "due":  # a due date moved under the dashboard, as a clock event moves it
                with reg.engine.begin() as conn:
                    conn.execute(text("UPDATE cases SET due_date = due_date + :d WHERE id = :c"),
                                 {"c": cid, "d": rng.randrange(-20, 20)})
            elif what == "letter":
                with reg.engine.begin() as conn:
                    conn.execute(insert(LetterRecord.__table__).values(
                        case_id=cid, kind=rng.choice(("access-response", "acknowledgement")), layout="uk",
                        generated_at=at, generated_by="postgres", sha256="0" * 64, page_count=1, pdf=b"%PDF",
                        dispatched_on=rng.choice((None, at.date())), recipient_name="", needs_approval=False,
                        approved_by="", dispatch_method="", dispatched_by="", print_count=0, version=1))
            elif what == "erase":
                from muse_care.services.anonymise import erase_case

                erase_case(reg, None, cid, "mix")
            elif what == "delete":
                with reg.engine.begin() as conn:
                    conn.execute(text("UPDATE cases SET anonymised_at = :t WHERE id = :c"), {"c": cid, "t": at})
                    for t in ("letter_prints", "case_tasks", "identity_checks", "clock_events", "notes", "letters",
                              "retrievals", "approvals", "case_recipients", "case_holds"):
                        where = ("letter_id IN (SELECT id FROM letters WHERE case_id = %s)" if t == "letter_prints"
                                 else "case_id = %s")
                        conn.exec_driver_sql(f"DELETE FROM {t} WHERE {where}", (cid,))
                    conn.execute(text("DELETE FROM cases WHERE id = :c"), {"c": cid})
                ids.remove(cid)
            elif what == "bulk":  # one statement over many rows (the statement triggers' transition tables)
                with reg.engine.begin() as conn:
                    conn.execute(text("UPDATE cases SET assignee = :a, status = CASE WHEN id % 3 = 0 "
                                      "THEN 'responded' ELSE status END, updated_at = :t WHERE id % 4 = :m"),
                                 {"a": rng.choice(("", "tom")), "t": at, "m": rng.randrange(4)})
        except MuseCareError:
            pass  # a change the rules refuse: nothing written
        try:
            assert_kept_equals_fresh(reg)
        except AssertionError as exc:
            raise AssertionError(f"after a step '{what}' on case {cid}") from exc


def test_kept_counts_follow_a_random_mix_of_changes(admin_register) -> None:
    rng = random.Random(16)
    with admin_register.engine.begin() as conn:
        # A case with history cannot be deleted (the history's foreign key): without the
        # key, this test deletes some, so that the delete trigger is exercised too.
        conn.exec_driver_sql("ALTER TABLE history DROP CONSTRAINT fk_history_case_id_cases")
    _random_mix(admin_register, rng, 120)
    assert_kept_equals_fresh(admin_register)
    lead = Register(admin_register.engine, Actor("postgres", "Lead", "lead"), fixed_now)
    assert_dashboard_as_before(lead)


def test_a_change_of_zone_counts_the_answers_again(admin_register) -> None:
    from muse_care.services.settings import get_setting, set_setting

    ids = add_cases(admin_register, 3)
    with admin_register.engine.begin() as conn:
        _status_move(conn, ids[0], "responded", datetime(2026, 10, 31, 23, 30, tzinfo=UTC))  # 1 Nov in Berlin
    for zone in ("Europe/Berlin", "America/Los_Angeles", "UTC"):
        org = dict(get_setting(admin_register, "organisation"))
        org["timezone"] = zone
        set_setting(admin_register, "organisation", org)
        lead = Register(admin_register.engine, Actor("postgres", "Lead", "lead"), fixed_now)  # (no cached zone)
        assert lead.timezone().key == zone
        assert dashboard_data(lead, as_of=date(2026, 11, 25)) == \
            dashboard_oracle.old_dashboard_data(lead, as_of=date(2026, 11, 25)), zone
        with admin_register.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT zone FROM answers_zone").scalar_one() == zone
        assert_kept_equals_fresh(admin_register)


def test_two_agents_at_once_leave_the_counts_exact(make_login, client, admin_register) -> None:
    """Two real connections changing cases at the same moment: takes, releases, status
    moves; the kept counts are exact afterwards."""
    add_cases(admin_register, 40)
    regs = [client(make_login("agent")), client(make_login("agent"))]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    moved: list[int] = []

    def work(reg: Register) -> None:
        try:
            barrier.wait()
            for i in range(12):
                view = team.take_next_case(reg)
                if view is not None and i % 3 == 0:  # the clock stops: status and due date move
                    cases.record_event(reg, view.id, "clarification-requested", date(2026, 11, 24), "which order?")
                    moved.append(view.id)
                if view is not None and i % 4 == 0:
                    cases.assign(reg, view.id, "")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(r,)) for r in regs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and moved
    assert_kept_equals_fresh(admin_register)
    with admin_register.engine.connect() as conn:
        taken = conn.exec_driver_sql("SELECT sum(n) FROM open_case_counts WHERE kind = 'a' AND key <> ''").scalar()
    assert taken and taken > 0


def test_members_read_the_kept_counts_and_cannot_write_them(make_login, client, admin_register) -> None:
    from sqlalchemy.exc import ProgrammingError

    from muse_care.services.settings import get_setting, set_setting

    org = dict(get_setting(admin_register, "organisation"))
    org["timezone"] = "Asia/Tokyo"
    set_setting(admin_register, "organisation", org)
    lead = client(make_login("lead"))
    agent = client(make_login("agent"))
    assert dashboard_data(lead).open_total == 0  # (the lead has the answers counted again in Tokyo's zone)
    with admin_register.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT zone FROM answers_zone").scalar_one() == "Asia/Tokyo"
    for reg in (lead, agent):
        with reg.engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM open_case_counts").scalar()
            with pytest.raises(ProgrammingError):
                conn.exec_driver_sql("UPDATE open_case_counts SET n = n + 1")
            conn.rollback()
            with pytest.raises(ProgrammingError):
                conn.exec_driver_sql("INSERT INTO answers_by_day VALUES ('2026-01-01', 5, 5)")
            conn.rollback()
    with agent.engine.connect() as conn:
        with pytest.raises(ProgrammingError):
            conn.exec_driver_sql("SELECT muse_answers_zone('Asia/Tokyo')")


def test_upgrade_from_0021_fills_and_downgrade_drops(empty_pg_url) -> None:
    from alembic import command

    engine = db.make_engine(empty_pg_url)
    with engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), "0021")
    reg = _lead(empty_pg_url)
    from muse_care.services.demo import generate

    generate(reg, 300)  # existing rows, before the counts exist
    with reg.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE cases SET assignee = 'tom' WHERE id %% 5 = 0")
        # answered with no move (as an import leaves them): the fallbacks of the answer day
        unmoved = conn.exec_driver_sql(
            "UPDATE cases SET status = 'responded', updated_at = '2026-09-10 12:00+00' WHERE id IN "
            "(SELECT id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.case_id = c.id "
            "AND h.what = 'status' AND h.new_value IN ('responded', 'refused')) ORDER BY id LIMIT 6) "
            "RETURNING id").scalars().all()
        # the letters table as it was at 0021 (the model's has columns of later revisions)
        letters_0021 = table("letters", *(column(c.name) for c in LetterRecord.__table__.columns
                                          if c.name not in ("id", "withdrawn_on", "withdrawn_by",
                                                            "withdrawn_reason", "superseded_by")))
        conn.execute(insert(letters_0021).values(
            case_id=unmoved[0], kind="access-response", layout="uk", generated_at=datetime(2026, 9, 1, tzinfo=UTC),
            generated_by="postgres", sha256="0" * 64, page_count=1, pdf=b"%PDF", dispatched_on=date(2026, 9, 2),
            recipient_name="", needs_approval=False, approved_by="", dispatch_method="", dispatched_by="",
            print_count=0, version=1))
    assert len(unmoved) == 6
    before = {as_of: dashboard_oracle.old_dashboard_data(reg, as_of=as_of)
              for as_of in (date(2026, 11, 25), date(2026, 8, 3))}
    with engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), "head")
        zone = conn.exec_driver_sql("SELECT zone FROM answers_zone").scalar_one()
    assert zone == reg.timezone().key  # (the dashboard's first read need not count again)
    assert_kept_equals_fresh(reg)
    for as_of, data in before.items():
        assert dashboard_data(reg, as_of=as_of) == data
    with engine.begin() as conn:
        command.downgrade(db._alembic_config(conn), "0021")
        left = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_class WHERE relname IN ('open_case_counts', 'case_answers', "
            "'answers_by_day', 'answers_zone')").scalar()
        funcs = conn.exec_driver_sql("SELECT count(*) FROM pg_proc WHERE proname LIKE 'muse_dash%%' "
                                     "OR proname LIKE 'muse_answers%%' OR proname = 'muse_open_counts_add'").scalar()
    assert left == 0 and funcs == 0
    with reg.engine.begin() as conn:  # changes while the counts are not kept
        conn.exec_driver_sql("UPDATE cases SET assignee = '' WHERE id %% 7 = 0")
    with engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), "head")
    assert_kept_equals_fresh(reg)
    assert_dashboard_as_before(reg)
    reg.dispose()
    engine.dispose()


def test_sqlite_counts_at_read_time_as_before(sqlite_register) -> None:
    reg = Register(sqlite_register.engine, Actor("aisha", "Aisha Khan", "lead"), fixed_now)
    ids = add_cases(reg, 6)
    cases.assign(reg, ids[0], "tom")
    cases.assign(reg, ids[1], "ana")
    assert_dashboard_as_before(reg)
    with reg.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'open_case_counts'").scalar() == 0
