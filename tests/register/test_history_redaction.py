"""History redaction (migration 0004): version-2 entries are chained over salted digests
of their values, so anonymisation can remove the values and the chain still verifies,
while any other edit is still caught. On SQLite and the real PostgreSQL server; the
team database's trigger and grants on PostgreSQL."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import replace
from datetime import date, datetime, timezone

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from muse_care.cli.main import main as cli_main
from muse_care.services import anonymise as an
from muse_care.services import cases, team
from muse_care.services.history import (
    REDACTED_TEXT, case_history, entry_hash, redact_case_history, value_digest, verify_chain,
)
from muse_care.services.register import Actor, Register
from muse_care.store.models import HistoryRecord

OLD_NAME, NEW_NAME = "Originalia Nameson", "Renamed Person"
NOTE = "lives at 4 Elm Road, ring after six"
REASON = "the customer withdrew it by letter"
OTHER_NAME, OTHER_NOTE = "Other Customer", "other case note stays"
PERSONAL = (OLD_NAME, NEW_NAME, NOTE, REASON, "elm@example.com")
FIXED_NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)


def _draft(name: str, note: str = "", email: str = "elm@example.com") -> cases.CaseDraft:
    return cases.CaseDraft(name=name, rights=["access"], channel="email", received=date(2026, 11, 2),
                           regime="uk-gdpr", email=email, note=note)


def _closed_case_with_personal_history(reg: Register) -> int:
    view = cases.add_case(reg, _draft(OLD_NAME, NOTE))
    view = cases.update_requester(reg, view.id, replace(view.requester, name=NEW_NAME), view.version)
    cases.add_note(reg, view.id, NOTE + " (again)")
    cases.change_status(reg, view.id, "withdrawn", REASON)
    return cases.change_status(reg, view.id, "closed").id


def _rows(reg: Register, case_id: int | None = None) -> list[HistoryRecord]:
    with reg.read() as s:
        # the word entries (the database's row entries are redacted alongside)
        stmt = select(HistoryRecord).where(HistoryRecord.tbl.is_(None)).order_by(HistoryRecord.id)
        if case_id is not None:
            stmt = stmt.where(HistoryRecord.case_id == case_id)
        rows = s.execute(stmt).scalars().all()
        s.expunge_all()
        return list(rows)


def _verify(reg: Register):  # noqa: ANN202
    with reg.read() as s:
        return verify_chain(s)


def _sql(reg: Register, sql: str, **params: object) -> None:
    """A direct edit, past the services (no trigger on these non-team databases)."""
    with reg.engine.begin() as conn:
        conn.execute(text(sql), params)


def _texts(rows: list[HistoryRecord]) -> str:
    return "\n".join(f"{r.old_value}\n{r.new_value}" for r in rows)


# --- version 2 entries -----------------------------------------------------------------

def test_new_entries_are_version_2_and_verify(register) -> None:
    case_id = _closed_case_with_personal_history(register)
    rows = _rows(register, case_id)
    assert len(rows) >= 6
    for r in rows:
        assert r.salt and len(r.salt) == 32 and not r.redacted
        assert r.old_digest == value_digest(r.salt, r.old_value)
        assert r.new_digest == value_digest(r.salt, r.new_value)
        # the hash is not the old formula over the values
        assert r.hash != entry_hash(r.prev_hash, r.case_id, r.at, r.actor, r.what, r.old_value, r.new_value)
    assert len({r.salt for r in rows}) == len(rows)
    report = _verify(register)
    with register.read() as s:
        total = s.execute(select(func.count()).select_from(HistoryRecord)).scalar_one()
    assert report.ok and report.entries == total


def test_a_direct_edit_of_a_value_is_caught(register) -> None:
    case_id = _closed_case_with_personal_history(register)
    target = next(r for r in _rows(register, case_id) if r.what == "note")
    _sql(register, "UPDATE history SET new_value = 'mallory' WHERE id = :i", i=target.id)
    report = _verify(register)
    assert not report.ok and report.entry_id == target.id and "changed" in report.problem


@pytest.mark.parametrize("how", ["digest only", "value and its digest", "salt", "redacted flag only",
                                 "digests removed"])
def test_a_direct_edit_of_a_digest_or_salt_is_caught(register, how) -> None:
    case_id = _closed_case_with_personal_history(register)
    target = next(r for r in _rows(register, case_id) if r.what == "requester.name")
    forged = value_digest(target.salt, "mallory")
    sql = {
        "digest only": "UPDATE history SET new_digest = :d WHERE id = :i",
        "value and its digest": "UPDATE history SET new_value = 'mallory', new_digest = :d WHERE id = :i",
        "salt": "UPDATE history SET salt = :s WHERE id = :i",
        "redacted flag only": "UPDATE history SET redacted = true WHERE id = :i",
        "digests removed": "UPDATE history SET old_digest = NULL, new_digest = NULL, salt = NULL WHERE id = :i",
    }[how]
    _sql(register, sql, d=forged, i=target.id, s="00" * 16)
    report = _verify(register)
    assert not report.ok and report.entry_id == target.id and "changed" in report.problem


def test_redaction_verifies_and_leaves_no_personal_text(register) -> None:
    other = cases.add_case(register, _draft(OTHER_NAME, OTHER_NOTE, email="other@example.com"))
    case_id = _closed_case_with_personal_history(register)
    before = _rows(register, case_id)
    assert all(p in _texts(before) for p in (OLD_NAME, NEW_NAME, NOTE, REASON))

    with register.unit_of_work() as s:
        result = redact_case_history(s, case_id)
    status_moves = [r for r in before if r.what == "status"]
    assert (result.redacted, result.left_v1, result.kept) == (len(before) - len(status_moves), 0,
                                                              len(status_moves))
    assert _verify(register).ok
    after = _rows(register, case_id)
    text_after = _texts(after)
    for p in PERSONAL:
        assert p not in text_after
    for r in after:
        if r.what == "status":  # statistics: status moves keep their (non-personal) values
            assert not r.redacted and r.new_value in ("withdrawn", "closed")
        else:
            assert r.redacted and (r.old_value, r.new_value, r.salt) == ("", "", None)
            assert r.old_digest and r.new_digest
    # hashes, digests and links unchanged
    assert [(r.hash, r.prev_hash, r.old_digest, r.new_digest) for r in after] == [
        (r.hash, r.prev_hash, r.old_digest, r.new_digest) for r in before]
    # the views say so instead of showing empty strings
    with register.read() as s:
        shown = case_history(s, case_id)
    assert any(h.new == REDACTED_TEXT for h in shown) and all(p not in h.old + h.new for h in shown
                                                               for p in PERSONAL)
    # the other case is untouched
    others = _rows(register, other.id)
    assert not any(r.redacted for r in others)
    assert OTHER_NOTE in _texts(others)
    # a second run finds nothing more, and a redacted entry edited afterwards is caught
    with register.unit_of_work() as s:
        assert redact_case_history(s, case_id).redacted == 0
    note = next(r for r in after if r.what == "note")
    _sql(register, "UPDATE history SET new_value = 'x' WHERE id = :i", i=note.id)
    assert _verify(register).entry_id == note.id


def test_a_version_1_entry_still_verifies_and_is_left_by_redaction(register) -> None:
    case_id = cases.add_case(register, _draft(OLD_NAME)).id
    with register.unit_of_work() as s:  # as if written before migration 0004
        prev = s.execute(select(HistoryRecord.hash).order_by(HistoryRecord.id.desc()).limit(1)).scalar_one()
        at = datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)
        s.add(HistoryRecord(case_id=case_id, at=at, actor="aisha", what="note", old_value="",
                            new_value=NOTE, prev_hash=prev,
                            hash=entry_hash(prev, case_id, at, "aisha", "note", "", NOTE)))
    cases.add_note(register, case_id, "written after")
    (v1,) = [r for r in _rows(register, case_id) if r.salt is None]
    assert v1.old_digest is None and not v1.redacted
    assert _verify(register).ok
    with register.unit_of_work() as s:
        result = redact_case_history(s, case_id)
    assert result.left_v1 == 1 and result.redacted == 2
    assert _verify(register).ok
    assert next(r for r in _rows(register, case_id) if r.id == v1.id).new_value == NOTE
    # a version-1 entry is still guarded by its values, and cannot be "redacted" by hand
    for sql in ("UPDATE history SET new_value = '' WHERE id = :i",
                "UPDATE history SET new_value = '', redacted = true WHERE id = :i"):
        _sql(register, sql, i=v1.id)
        assert _verify(register).entry_id == v1.id
        _sql(register, "UPDATE history SET new_value = :n, redacted = false WHERE id = :i", n=NOTE, i=v1.id)
    assert _verify(register).ok


def test_anonymise_redacts_the_history_and_says_how_many(register) -> None:
    case_id = _closed_case_with_personal_history(register)
    done = an.anonymise(register, None, date(2029, 11, 25))
    assert [c.case_id for c in done.cases] == [case_id]
    assert _verify(register).ok
    rows = _rows(register, case_id)
    for p in PERSONAL:
        assert p not in _texts(rows)
    last = rows[-2]  # then the minimal record kept (docs/retention.md)
    assert last.what == "anonymised" and not last.redacted and rows[-1].what == "minimal record"
    redacted = sum(r.redacted for r in rows)
    assert redacted and f"{redacted} history entries redacted" in last.new_value


# --- PostgreSQL team database: the trigger, the grants ---------------------------------

RUN = uuid.uuid4().hex[:6]


def _url_for(url: str, login: str) -> str:
    return make_url(url).set(username=login).render_as_string(hide_password=False)


def _raw(url: str, login: str | None = None) -> psycopg.Connection:
    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port or 5432, dbname=u.database, user=login or u.username,
                           autocommit=True, connect_timeout=5)


@pytest.fixture
def team_db(pg_url: str):  # noqa: ANN201
    """A team database (`team init` applied) with an agent and an admin login, both
    unique to this run and dropped afterwards; a closed case with personal history."""
    team.init_team_database(pg_url)
    logins = {role: f"r{RUN}_{role}{uuid.uuid4().hex[:4]}" for role in ("agent", "admin")}
    opened: list[Register] = []
    try:
        for role, login in logins.items():
            team.add_user(pg_url, login, role, f"{role.title()} Person", None)
        regs = {}
        for role, login in logins.items():
            reg = Register.open(_url_for(pg_url, login), Actor(login, login), migrate=False,
                                now=lambda: FIXED_NOW)
            opened.append(reg)
            regs[role] = Register(reg.engine, team.actor_from_database(reg), lambda: FIXED_NOW)
        case_id = _closed_case_with_personal_history(regs["agent"])
        yield pg_url, logins, regs, case_id
    finally:
        for reg in opened:
            reg.dispose()
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for login in logins.values():
                    conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                      "WHERE usename = :u"), {"u": login})
                    conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
        finally:
            admin.dispose()


# On a team database the history's times are the server's, not the clients' fixed clock:
# the case ended today, so it is due for anonymisation well after that (docs/security.md).
TEAM_AS_OF = date(date.today().year + 20, 1, 1)

BLANK = "UPDATE history SET old_value = '', new_value = '', salt = NULL, redacted = true WHERE case_id = %s"


@pytest.mark.pg
def test_team_agent_cannot_redact(team_db) -> None:
    url, logins, regs, case_id = team_db
    with pytest.raises(Exception, match="permission denied for table history"):
        with regs["agent"].unit_of_work() as s:
            redact_case_history(s, case_id)
    with _raw(url, logins["agent"]) as c:
        with pytest.raises(errors.InsufficientPrivilege, match="history"):
            with c.transaction():
                c.execute("SELECT set_config('muse.redacting', 'on', true)")
                c.execute(BLANK, (case_id,))
    # nor anonymise: the whole case's unit of work is rolled back
    with pytest.raises(Exception, match="permission denied|cannot be deleted"):
        an.anonymise(regs["agent"], None, TEAM_AS_OF)
    assert cases.get_case(regs["agent"], case_id).requester.name == NEW_NAME
    assert not any(r.redacted for r in _rows(regs["agent"], case_id))


@pytest.mark.pg
def test_team_admin_direct_updates_are_refused(team_db) -> None:
    url, logins, regs, case_id = team_db
    with _raw(url, logins["admin"]) as c:
        # without the redaction setting: neither a plain edit nor a redaction-shaped one
        with pytest.raises(errors.InsufficientPrivilege):
            c.execute("UPDATE history SET old_value = '' WHERE case_id = %s", (case_id,))
        with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
            c.execute(BLANK, (case_id,))
        # with it: another column is still refused (no grant), and so is DELETE
        for sql in (BLANK.replace("redacted = true", "redacted = true, actor = 'mallory'"),
                    "UPDATE history SET new_value = 'x' WHERE case_id = %s",
                    "DELETE FROM history WHERE case_id = %s"):
            with pytest.raises(errors.InsufficientPrivilege):
                with c.transaction():
                    c.execute("SELECT set_config('muse.redacting', 'on', true)")
                    c.execute(sql, (case_id,))
    # even the superuser, with the setting on, meets the trigger for anything but a redaction
    with _raw(url) as c:
        for sql in (BLANK.replace("redacted = true", "redacted = true, what = 'x'"),
                    BLANK.replace("new_value = ''", "new_value = 'x'"),
                    BLANK.replace("salt = NULL", "salt = salt"),
                    "DELETE FROM history WHERE case_id = %s"):
            with pytest.raises(errors.InsufficientPrivilege, match="append-only"):
                with c.transaction():
                    c.execute("SELECT set_config('muse.redacting', 'on', true)")
                    c.execute(sql, (case_id,))
    assert not any(r.redacted for r in _rows(regs["admin"], case_id))
    assert _verify(regs["admin"]).ok


@pytest.mark.pg
def test_team_anonymise_as_admin_redacts_and_audit_verifies(team_db, capsys) -> None:
    url, logins, regs, case_id = team_db
    done = an.anonymise(regs["admin"], None, TEAM_AS_OF)
    assert [c.case_id for c in done.cases] == [case_id]
    rows = _rows(regs["admin"], case_id)
    for p in PERSONAL:
        assert p not in _texts(rows)
    assert rows[-2].what == "anonymised" and "history entries redacted" in rows[-2].new_value
    assert rows[-1].what == "minimal record"
    assert _verify(regs["agent"]).ok
    assert cli_main(["--db", _url_for(url, logins["agent"]), "audit", "verify"]) == 0
    assert "history intact" in capsys.readouterr().out
    # running `team init` again keeps the guard (CREATE OR REPLACE) and the redaction intact
    team.init_team_database(url)
    with _raw(url, logins["admin"]) as c, pytest.raises(errors.InsufficientPrivilege, match="append-only"):
        c.execute(BLANK, (case_id,))
    assert _verify(regs["admin"]).ok


def test_digest_is_salted_sha256() -> None:
    salt = "0f" * 16
    assert value_digest(salt, "Zoë") == hashlib.sha256(bytes.fromhex(salt) + "Zoë".encode()).hexdigest()
