"""Finding 2: an agent's raw SQL on their own case (due date, status, received date,
identity checks) left only row entries, and `audit verify` said intact: the entries
explained the rows, but nothing asked whether the dates were the law's, nor whether
MUSE Care made the change. Now the audit recomputes each case's clock from its clock
events and reports each change made outside MUSE Care (table, fields, who, when)."""

from __future__ import annotations

import pytest

from muse_care.services import cases, demo, letters
from support import draft, raw, some_cases, verify


@pytest.mark.pg
def test_audit_names_a_rewritten_clock_and_every_change_outside_muse_care(team_url, make_login,
                                                                          client) -> None:
    agent = make_login("agent")
    reg = client(agent)
    ids = some_cases(reg, 2)
    cases.assign(reg, ids[0], agent)
    assert verify(reg).ok, verify(reg).problems
    ref = cases.get_case(reg, ids[0]).reference
    with raw(team_url, agent) as c:
        c.execute(f"UPDATE cases SET due_date = '2027-01-31', original_due = '2027-01-31' WHERE id = {ids[0]}")
        c.execute(f"UPDATE identity_checks SET result = 'waived' WHERE case_id = {ids[0]}")
    report = verify(reg)
    assert not report.ok
    text = "\n".join(report.problems)
    assert f"case {ref}: due_date is 2027-01-31 but its clock events give" in text
    assert f"case {ref}: cases changed outside MUSE Care by {agent}" in text and "due_date" in text
    assert f"identity_checks changed outside MUSE Care by {agent}" in text and "result" in text
    other = cases.get_case(reg, ids[1]).reference
    assert f"case {other}" not in text


def test_muse_cares_own_writes_are_not_outside_changes(sqlite_register) -> None:
    """Everyday work, a print run and a demo load all leave the audit intact."""
    from muse_care.services.settings import set_setting

    reg = sqlite_register
    set_setting(reg, "four_eyes", False)
    view = cases.add_case(reg, draft(channel="post", address_lines=["1 High St"], city="London",
                                     postcode="EC1Y 8SY", country="GB"))
    cases.record_event(reg, view.id, "id-requested", reg.today(), "photo ID")
    info = letters.produce_letter(reg, view.id, "acknowledgement")
    letters.build_print_run(reg, ids=[info.id])
    letters.record_print(reg, info.id, "printed again at the desk")
    demo.generate(reg, 20)
    report = verify(reg)
    assert report.ok, report.problems


def test_sqlite_clock_rewrite_is_caught(sqlite_register) -> None:
    """On SQLite too: a client with MUSE Care's functions (so the row entries are
    written) changes the received date; the audit says what the law gives."""
    import sqlite3

    from sqlalchemy.engine import make_url

    from muse_care.store.history_sql import register_sqlite_functions

    case_id = some_cases(sqlite_register, 1)[0]
    ref = cases.get_case(sqlite_register, case_id).reference
    conn = sqlite3.connect(make_url(sqlite_register.url).database)
    register_sqlite_functions(conn, {})
    conn.execute("UPDATE cases SET received_date = '2026-10-01' WHERE id = ?", (case_id,))
    conn.commit()
    conn.close()
    text = "\n".join(verify(sqlite_register).problems)
    assert f"case {ref}: due_date is" in text and "its clock events give" in text
    assert f"case {ref}: cases changed outside MUSE Care" in text and "received_date" in text
