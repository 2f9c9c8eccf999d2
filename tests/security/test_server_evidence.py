"""The outside tester's last open findings, tried as the attacker would: each person's own
login role on the real server, raw SQL (docs/security.md, "Limits").

1. An agent's login could INSERT well-formed word entries into the history (backdated,
   with any wording): they verified. Now no login writes the history table; a word
   entry is written only by the database's own function, in the name of the login
   (``session_user``) and at the server's time.
2. The print log (``letter_prints``) had no row entries and no row-level security.
3. The names in row fields (``checked_by``, ``recorded_by``…) could be set to another
   login; the server now checks them (or sets them) against ``session_user``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

import pytest
from psycopg import errors

from muse_care.services import cases, letters
from muse_care.services.history import entry_hash_v2, value_digest
from support import draft, raw, some_cases, superuser, tamper, verify

pytestmark = pytest.mark.pg

FORGED_AT = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)

BEFORE_0015 = "0019"
"""The revision 0015 follows (each migration file's ``Revises:`` line gives the order):
a register as it was before the print log was guarded and the history became the
server's to write."""


def _head(c) -> str:  # noqa: ANN001
    return c.execute("SELECT hash FROM history ORDER BY id DESC LIMIT 1").fetchone()[0]


def _well_formed_word_entry(c, case_id: int, actor: str) -> None:  # noqa: ANN001
    """What the tester did: a word entry with a correct hash, chained on the newest one,
    backdated to before the due date."""
    prev = _head(c)
    salt = secrets.token_hex(16)
    od, nd = value_digest(salt, ""), value_digest(salt, "passed")
    h = entry_hash_v2(prev, case_id, FORGED_AT, actor, "check:order-number", od, nd)
    c.execute("INSERT INTO history (case_id, at, actor, what, old_value, new_value, prev_hash, hash, salt, "
              "old_digest, new_digest, redacted, data) "
              "VALUES (%s, %s, %s, 'check:order-number', '', 'passed', %s, %s, %s, %s, %s, false, '')",
              (case_id, FORGED_AT, actor, prev, h, salt, od, nd))


# --- 1. word entries ----------------------------------------------------------------------

def test_no_login_inserts_a_word_entry_by_sql(team_url, make_login, client) -> None:
    agent, lead, admin = make_login("agent"), make_login("lead"), make_login("admin")
    case_id = some_cases(client(agent), 1)[0]
    for login in (agent, lead, admin):
        with raw(team_url, login) as c:
            before = c.execute("SELECT count(*) FROM history").fetchone()[0]
            with pytest.raises(errors.InsufficientPrivilege, match="permission denied for table history"):
                _well_formed_word_entry(c, case_id, login)
            assert c.execute("SELECT count(*) FROM history").fetchone()[0] == before
    assert verify(client(agent)).ok


def test_the_database_writes_word_entries_as_the_login_at_the_servers_time(team_url, make_login,
                                                                          client) -> None:
    agent = make_login("agent")
    reg = client(agent)  # its clock says 2026-11-25 10:00 (tests/team/team_support.py)
    case_id = some_cases(reg, 1)[0]
    with raw(team_url, agent) as c:
        server_now = c.execute("SELECT now()").fetchone()[0]
        # the application's own path: whatever name and time it is handed, an agent's
        # entry is theirs, now
        c.execute("SELECT muse_history_word(%s, 'note', '', 'called back', 'someone_else', %s)",
                  (case_id, FORGED_AT))
        actor, at, tbl = c.execute("SELECT actor, at, tbl FROM history ORDER BY id DESC LIMIT 1").fetchone()
        assert (actor, tbl) == (agent, None)
        assert abs(at - server_now) < timedelta(minutes=5)
        # a word entry cannot pass for one of the database's row entries
        with pytest.raises(errors.InsufficientPrivilege, match="row entries"):
            c.execute("SELECT muse_history_word(%s, 'row:cases:update', '', '{}', NULL, NULL)", (case_id,))
        # nor can anyone call the row entries' own append function
        with pytest.raises(errors.InsufficientPrivilege, match="permission denied for function"):
            c.execute("SELECT muse_history_append(%s, 'cases', %s, 'update', '{}')", (case_id, case_id))
    # MUSE Care's own entries take the same path: the login's name, the server's time
    view = cases.add_note(reg, case_id, "second call")
    newest = [h for h in view.history if h.what == "note"][-1]
    assert newest.actor == agent and abs(newest.at - server_now) < timedelta(minutes=5)
    assert verify(reg).ok


def test_verify_names_a_forged_entry_as_forged(team_url, make_login, client) -> None:
    agent = make_login("agent")
    reg = client(agent)
    case_id = some_cases(reg, 2)[0]
    newest = verify(reg).entries
    with superuser(team_url) as c:
        # an entry with a hash of its own making, inserted straight into the table
        prev = _head(c)
        salt = secrets.token_hex(16)
        od, nd = value_digest(salt, ""), value_digest(salt, "passed")
        c.execute("INSERT INTO history (case_id, at, actor, what, old_value, new_value, prev_hash, hash, salt, "
                  "old_digest, new_digest, redacted, data) VALUES (%s, now(), %s, 'check:order-number', '', "
                  "'passed', %s, %s, %s, %s, %s, false, '')",
                  (case_id, agent, prev, "f" * 64, salt, od, nd))
    problems = "\n".join(verify(reg).problems)
    assert f"entry {newest + 1} does not match its hash" in problems
    assert "forged" in problems and "changed after it was written" not in problems


def test_verify_names_a_word_entry_dressed_as_a_row_entry(register) -> None:
    """Both databases: a word entry (no table) called ``row:…`` is named as forged."""
    from sqlalchemy import text

    some_cases(register, 1)
    with register.read() as s:
        entry = s.execute(text("SELECT max(id) FROM history WHERE tbl IS NULL")).scalar_one()
    # renamed, its hash no longer fits either; the report says what it pretends to be
    tamper(register, f"UPDATE history SET what = 'row:cases:update' WHERE id = {entry}")
    problems = "\n".join(verify(register).problems)
    assert f"entry {entry} is named row:cases:update like a row entry" in problems
    assert "forged row entry" in problems


# --- 2. the print log -----------------------------------------------------------------------

def _printed_letter(reg) -> tuple[int, int]:  # noqa: ANN001
    view = cases.add_case(reg, draft(channel="post", address_lines=["1 High St"], city="London",
                                     postcode="EC1Y 8SY", country="GB"))
    ack = letters.produce_letter(reg, view.id, "acknowledgement")
    letters.record_print(reg, ack.id)
    return view.id, ack.id


def _letter_printed_twice_as_0019_did(reg) -> None:  # noqa: ANN001
    """A letter printed and reprinted on a register at 0019, its rows written as MUSE Care
    wrote them then (each with its word entry): the letters table of today has columns
    0019 had not, so today's letter service cannot write there."""
    import hashlib

    from sqlalchemy import column, insert, table, update

    from muse_care.services.history import HistoryWriter

    from tests.conftest import add_case_as_then

    view = add_case_as_then(reg, draft(channel="post", address_lines=["1 High St"], city="London",
                                       postcode="EC1Y 8SY", country="GB"))
    letters_0019 = table("letters", *(column(n) for n in (
        "id", "case_id", "kind", "layout", "generated_at", "generated_by", "sha256", "page_count", "pdf",
        "recipient_name", "needs_approval", "approved_by", "dispatch_method", "dispatched_by", "print_count",
        "version", "recipient_address", "request_json")))
    prints = table("letter_prints", *(column(n) for n in ("letter_id", "printed_at", "printed_by", "reason",
                                                          "run_label")))
    pdf, now = b"%PDF-1.4 acknowledgement", reg.now()
    with reg.unit_of_work() as session:
        letter_id = session.execute(insert(letters_0019).values(
            case_id=view.id, kind="acknowledgement", layout="uk", generated_at=now, generated_by="aisha",
            sha256=hashlib.sha256(pdf).hexdigest(), page_count=1, pdf=pdf, recipient_name=view.requester.name,
            needs_approval=False, approved_by="", dispatch_method="", dispatched_by="", print_count=0, version=1,
            recipient_address="", request_json="").returning(letters_0019.c.id)).scalar_one()
        HistoryWriter(session, "aisha", now).add(view.id, "letter:acknowledgement", "", f"letter {letter_id}")
    for n, (reason, label) in enumerate((("", "single"), ("lost in the post", "reprint")), start=1):
        with reg.unit_of_work() as session:
            session.execute(insert(prints).values(letter_id=letter_id, printed_at=now, printed_by="aisha",
                                                  reason=reason, run_label=label))
            session.execute(update(letters_0019).where(letters_0019.c.id == letter_id)
                            .values(print_count=n, version=n + 1))
            HistoryWriter(session, "aisha", now).add(view.id, f"letter {label}:acknowledgement", "",
                                                     f"letter {letter_id}: {reason or 'printed'}")


def test_the_print_log_has_row_entries_and_no_agent_rewrites_it(team_url, make_login, client) -> None:
    agent, other, lead = make_login("agent"), make_login("agent"), make_login("lead")
    a = client(agent)
    case_id, letter_id = _printed_letter(a)
    with raw(team_url, agent) as c:
        entries = c.execute("SELECT actor, what FROM history WHERE tbl = 'letter_prints' ORDER BY id").fetchall()
        assert entries == [(agent, "row:letter_prints:insert")]
        with pytest.raises(errors.InsufficientPrivilege):
            c.execute("UPDATE letter_prints SET printed_by = %s, printed_at = now() - interval '30 days'",
                      (other,))
        with pytest.raises(errors.InsufficientPrivilege):
            c.execute("DELETE FROM letter_prints")
        with pytest.raises(errors.InsufficientPrivilege):
            c.execute("TRUNCATE letter_prints")
    # row-level security as for the letter's case: everyone reads it; an agent logs a
    # print only of a letter of a case that is theirs or free
    cases.assign(client(lead), case_id, agent)
    with raw(team_url, other) as c:
        assert c.execute("SELECT count(*) FROM letter_prints").fetchone()[0] == 1
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            c.execute("INSERT INTO letter_prints (letter_id, printed_at, printed_by, reason, run_label) "
                      "VALUES (%s, now(), %s, '', 'x')", (letter_id, other))
    with raw(team_url, agent) as c:
        c.execute("INSERT INTO letter_prints (letter_id, printed_at, printed_by, reason, run_label) "
                  "VALUES (%s, now(), %s, '', 'by hand')", (letter_id, agent))
    # ... and that raw insert is an entry of its own, named by the audit
    problems = "\n".join(verify(a).problems)
    assert f"letter_prints changed outside MUSE Care by {agent}" in problems


def test_a_print_log_edited_around_the_triggers_is_found(register) -> None:
    """Both databases: the replay covers the print log."""
    _case_id, letter_id = _printed_letter(register)
    assert verify(register).ok
    tamper(register, f"UPDATE letter_prints SET printed_by = 'mallory' WHERE letter_id = {letter_id}")
    problems = "\n".join(verify(register).problems)
    assert "letter_prints row" in problems and "printed_by is mallory" in problems


def test_sqlite_print_log_rows_are_not_deleted(sqlite_register) -> None:
    import sqlalchemy as sa

    _case_id, letter_id = _printed_letter(sqlite_register)
    with pytest.raises(sa.exc.DBAPIError, match="cannot be deleted"), sqlite_register.unit_of_work() as s:
        s.execute(sa.text("DELETE FROM letter_prints WHERE letter_id = :l"), {"l": letter_id})


# --- 3. names in row fields -----------------------------------------------------------------

def test_no_login_writes_a_row_in_anothers_name(team_url, make_login, client) -> None:
    agent, other = make_login("agent"), make_login("agent")
    reg = client(agent)
    case_id = some_cases(reg, 1)[0]
    cases.assign(reg, case_id, agent)
    letter_case, letter_id = _printed_letter(reg)
    with raw(team_url, agent) as c:
        for sql in (
            f"UPDATE identity_checks SET checked_by = '{other}' WHERE case_id = {case_id}",
            f"INSERT INTO notes (case_id, text, written_by, written_at) VALUES ({case_id}, 'x', '{other}', now())",
            f"INSERT INTO clock_events (case_id, kind, on_date, reason, recorded_by, recorded_at) "
            f"VALUES ({case_id}, 'id-requested', '2026-11-20', '', '{other}', now())",
            f"UPDATE cases SET created_by = '{other}' WHERE id = {case_id}",
            f"UPDATE letters SET dispatched_by = '{other}' WHERE case_id = {letter_case}",
            f"UPDATE letters SET withdrawn_on = '2026-11-20', withdrawn_by = '{other}', withdrawn_reason = 'x' "
            f"WHERE case_id = {letter_case}",
            f"INSERT INTO print_runs (run_date, paper, built_at, built_by, pages, pdf_sha256, reprint_reason) "
            f"VALUES ('2026-11-20', 'A4', now(), '{other}', 1, '', '')",
        ):
            with pytest.raises(errors.InsufficientPrivilege, match="session_user|in another"):
                c.execute(sql)
        # the name that says who last changed a case is the server's to set
        c.execute(f"UPDATE cases SET updated_by = '{other}', postcode = 'N1 1AA' WHERE id = {case_id}")
        assert c.execute(f"SELECT updated_by FROM cases WHERE id = {case_id}").fetchone()[0] == agent
        # writing in one's own name still works, and a name left as it was stays
        c.execute(f"INSERT INTO notes (case_id, text, written_by, written_at) "
                  f"VALUES ({case_id}, 'mine', '{agent}', now())")
    # MUSE Care's own writes pass the checks
    cases.record_check(reg, case_id, cases.get_case(reg, case_id).checks[0].step, "passed")
    cases.add_note(reg, case_id, "through MUSE Care")
    with raw(team_url, agent) as c:  # a withdrawal through MUSE Care is in the login's own name
        assert c.execute(f"SELECT withdrawn_by FROM letters WHERE id = {letter_id}").fetchone()[0] == ""
    letters.withdraw_letter(reg, letter_id, "made in error")
    with raw(team_url, agent) as c:
        assert c.execute(f"SELECT withdrawn_by FROM letters WHERE id = {letter_id}").fetchone()[0] == agent


# --- the migration: from 0014, and from nothing ---------------------------------------------

@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def empty_db(request: pytest.FixtureRequest, tmp_path):  # noqa: ANN001, ANN201
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    yield request.getfixturevalue("empty_pg_url")


def test_upgrading_a_0014_register_records_and_guards_its_print_log(empty_db) -> None:
    from alembic import command

    from muse_care.services.register import Actor, Register
    from muse_care.store import db
    from team_support import fixed_now

    engine = db.make_engine(empty_db)
    with engine.begin() as conn:
        command.upgrade(db._alembic_config(conn), BEFORE_0015)
    assert db.current_revision(engine) == BEFORE_0015
    reg = Register(engine, Actor("aisha", "Aisha Khan"), fixed_now)
    try:
        _letter_printed_twice_as_0019_did(reg)
        db.upgrade(engine)
        assert db.current_revision(engine) == db.head_revision() != BEFORE_0015
        import sqlalchemy as sa

        with reg.read() as s:
            kinds = s.execute(sa.text("SELECT what FROM history WHERE tbl = 'letter_prints' ORDER BY id")).scalars()
            assert list(kinds) == ["row:letter_prints:baseline"] * 2
        report = verify(reg)
        assert report.ok, report.problems
        # from now on every print is a row entry of its own
        letters.record_print(reg, _printed_letter(reg)[1])
        with reg.read() as s:
            assert s.execute(sa.text("SELECT count(*) FROM history WHERE what = 'row:letter_prints:insert'")
                             ).scalar_one() == 2
        assert verify(reg).ok
    finally:
        reg.dispose()


def test_an_admin_still_anonymises_a_case_with_a_print_log(team_url, make_login, client) -> None:
    """Anonymisation blanks a reprint's reason (an UPDATE of the print log, which only an
    admin may make) and the history still verifies."""
    from datetime import date

    from sqlalchemy import text

    from muse_care.services import anonymise

    agent, admin = make_login("agent"), make_login("admin")
    a = client(agent)
    case_id, letter_id = _printed_letter(a)
    letters.reprint(a, letter_id, "lost in the post to Ann Lee")
    cases.change_status(a, case_id, "withdrawn", "asked to stop")
    cases.change_status(a, case_id, "closed")
    with raw(team_url, agent) as c, pytest.raises(errors.InsufficientPrivilege):
        c.execute("UPDATE letter_prints SET reason = ''")
    # (the case ended when the server says: its status entry has the server's time)
    done = anonymise.anonymise(client(admin), None, date(date.today().year + 20, 1, 1))
    assert [x.case_id for x in done.cases] == [case_id]
    with a.read() as s:
        assert s.execute(text("SELECT reason FROM letter_prints ORDER BY id")).scalars().all() == ["", ""]
        assert s.execute(text("SELECT count(*) FROM history WHERE what = 'row:letter_prints:update'")
                         ).scalar_one() == 2  # (a print from the case has its reason too)
    report = verify(a)
    assert report.ok, report.problems


def test_upgrading_a_0014_team_database_closes_the_findings_before_team_init(empty_pg_url, make_login) -> None:
    """A team database at 0014 (agents INSERT into history, the print log a work table),
    upgraded: the migration itself takes the INSERT away and guards the print log."""
    from alembic import command

    from muse_care.services import team
    from muse_care.store import db

    url = empty_pg_url
    engine = db.make_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(db._alembic_config(conn), BEFORE_0015)
        team.apply_security(engine)
        with superuser(url) as c:  # what `team init` granted before 0015
            c.execute("GRANT INSERT ON history TO muse_agent")
            c.execute("CREATE POLICY history_append ON history FOR INSERT TO muse_agent "
                      "WITH CHECK (actor = session_user)")
            c.execute("ALTER TABLE letter_prints DISABLE ROW LEVEL SECURITY")
            c.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON letter_prints TO muse_agent")
        agent = make_login("agent")
        with raw(url, agent) as c:
            assert c.execute("SELECT has_table_privilege('history', 'INSERT')").fetchone()[0]
        db.upgrade(engine)
        with raw(url, agent) as c:
            assert not c.execute("SELECT has_table_privilege('history', 'INSERT')").fetchone()[0]
            assert not c.execute("SELECT has_table_privilege('letter_prints', 'UPDATE')").fetchone()[0]
            assert c.execute("SELECT relrowsecurity FROM pg_class WHERE relname = 'letter_prints'").fetchone()[0]
            # the word function is theirs to call, and runs as its owner
            assert c.execute("SELECT has_function_privilege('muse_history_word(bigint, text, text, text, "
                             "text, timestamptz)', 'EXECUTE')").fetchone()[0]
            assert c.execute("SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = "
                             "'muse_history_word'").fetchone()[0] == "muse_owner"
    finally:
        engine.dispose()
