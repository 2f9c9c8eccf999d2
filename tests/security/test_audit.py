"""Finding 1: `audit verify` caught none of these; now each is named (SQLite and the real
PostgreSQL server)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from muse_care.cli.main import main as cli_main
from support import some_cases, tamper, verify


from muse_care.services import history  # noqa: E402


def _ok(reg) -> None:  # noqa: ANN001
    report = verify(reg)
    assert report.ok, report.problems


@pytest.mark.parametrize("n", [1, 5])
def test_truncation_of_the_last_entries_is_caught(register, n) -> None:
    some_cases(register)
    _ok(register)
    tamper(register, f"DELETE FROM history WHERE id IN (SELECT id FROM history ORDER BY id DESC LIMIT {n})")
    report = verify(register)
    assert not report.ok
    assert any("missing at the end" in p and "truncated" in p for p in report.problems), report.problems


def test_forged_redaction_of_an_open_case_is_caught(register) -> None:
    ids = some_cases(register)
    tamper(register, "UPDATE history SET old_value = '', new_value = '', data = '', salt = NULL, "
                     f"redacted = {'1' if register.dialect == 'sqlite' else 'true'} WHERE case_id = {ids[0]} "
                     "AND old_digest IS NOT NULL")
    report = verify(register)
    assert not report.ok
    assert any("forged redaction" in p for p in report.problems), report.problems


def test_rewrite_with_recomputed_later_hashes_is_caught(register) -> None:
    """Rewrite one entry's value and recompute its digest and every later hash, as a
    forger with the code would: the chain is consistent, the seal is not."""
    from muse_care.services.history import _raw_entries, _stamp, _parse_at, entry_hash_v2, value_digest
    from muse_care.store.history_sql import entry_hash_v3

    some_cases(register)
    with register.read() as s:
        rows = _raw_entries(s, 0, 100000)
    target = next(r for r in rows if r.what == "note")
    statements = []
    prev = None
    for r in rows:
        if r.id < target.id:
            continue
        if prev is not None:
            r.prev_hash = prev
        if r.id == target.id:
            r.new_value = "nothing to see"
            r.new_digest = value_digest(r.salt, r.new_value)
        at = _stamp(_parse_at(r.at))
        if r.data_digest is not None:
            h = entry_hash_v3(r.prev_hash, r.case_id, at, r.actor, r.what, r.old_digest, r.new_digest,
                              r.data_digest, r.tbl or "", r.row_id)
        else:
            h = entry_hash_v2(r.prev_hash, r.case_id, _parse_at(r.at), r.actor, r.what, r.old_digest,
                              r.new_digest)
        statements.append(f"UPDATE history SET new_value = '{r.new_value}', new_digest = '{r.new_digest}', "
                          f"prev_hash = '{r.prev_hash}', hash = '{h}' WHERE id = {r.id}")
        prev = h
    # (hash is UNIQUE: move the old ones out of the way first)
    tamper(register, f"UPDATE history SET hash = 'x' || id WHERE id >= {target.id}", *statements)
    report = verify(register)
    assert not report.ok
    assert any("rewritten" in p for p in report.problems), report.problems
    assert not any("changed after it was written" in p for p in report.problems)  # the chain holds


def test_direct_edit_of_a_cases_row_is_caught_and_named(register) -> None:
    ids = some_cases(register)
    tamper(register, f"UPDATE cases SET due_date = '2027-06-30', assignee = 'mallory' WHERE id = {ids[1]}")
    report = verify(register)
    assert not report.ok
    named = " ".join(report.problems)
    assert "field due_date" in named and "field assignee" in named and "unexplained" in named


def test_a_row_written_around_the_triggers_is_caught(register) -> None:
    ids = some_cases(register)
    tamper(register, "INSERT INTO notes (case_id, text, written_by, written_at) "
                     f"VALUES ({ids[0]}, 'planted', 'x', '2026-11-25 10:00:00')")
    assert any("has no history entry" in p for p in verify(register).problems)


def test_an_unparseable_timestamp_names_the_entry(sqlite_register, capsys) -> None:
    some_cases(sqlite_register)
    with sqlite_register.read() as s:
        target = s.execute(text("SELECT id FROM history WHERE what = 'note' LIMIT 1")).scalar_one()
    tamper(sqlite_register, f"UPDATE history SET at = 'yesterday-ish' WHERE id = {target}")
    code = cli_main(["--db", sqlite_register.url, "audit", "verify"])
    out = capsys.readouterr()
    assert code == 1 and "internal error" not in out.err
    assert f"entry {target} has an unreadable time" in out.out


def test_an_older_seal_must_be_a_prefix(register, capsys) -> None:
    some_cases(register, 2)
    with register.read() as s:
        old = history.current_seal(s)
    some_cases(register, 1)
    assert verify(register, old).ok
    assert cli_main(["--db", register.url, "audit", "verify", "--seal", str(old)]) == 0
    assert "is a prefix" in capsys.readouterr().out
    # the seal recorded on paper no longer matches once the old part is rewritten
    tamper(register, f"UPDATE history SET hash = 'x' || id WHERE id = {old.entries}")
    report = verify(register, old)
    assert any("not a prefix" in p for p in report.problems)
    assert not verify(register, history.Seal(old.entries + 10_000, old.head)).ok
    assert cli_main(["--db", register.url, "audit", "verify", "--seal", "12:zz"]) == 2


def test_sqlite_seal_is_an_hmac_with_the_keychain_key(sqlite_register) -> None:
    some_cases(sqlite_register, 1)
    _ok(sqlite_register)
    with sqlite_register.read() as s:
        seal = history.current_seal(s)
    # a writer of the file moves the seal back to match a truncated history: no key, no MAC
    tamper(sqlite_register, "DELETE FROM history WHERE id = (SELECT max(id) FROM history)",
           f"UPDATE history_seal SET entries = {seal.entries - 1}, "
           "head = (SELECT hash FROM history ORDER BY id DESC LIMIT 1)")
    report = verify(sqlite_register)
    assert any("HMAC does not match" in p for p in report.problems), report.problems


@pytest.mark.pg
def test_postgres_seal_is_written_only_by_the_definer_function(team_url, make_login, client) -> None:
    from psycopg import errors

    from support import raw

    agent, lead, admin = make_login("agent"), make_login("lead"), make_login("admin")
    some_cases(client(agent), 1)
    for login in (agent, lead, admin):
        with raw(team_url, login) as c:
            assert c.execute("SELECT entries FROM history_seal").fetchone()[0] > 0
            with pytest.raises(errors.InsufficientPrivilege):
                c.execute("UPDATE history_seal SET entries = 1")
            with pytest.raises(errors.InsufficientPrivilege):
                c.execute("SELECT muse_history_append(1, 'cases', 1, 'update', '{}')")
