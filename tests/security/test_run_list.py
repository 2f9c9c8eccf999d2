"""A print run's list of letters is trusted only as far as the print log backs it
(services/print_log.py, ``runs_of``), on SQLite too: whoever can write the file can write
``print_run_letters``, which has no row entries."""

from __future__ import annotations

import sqlite3
from datetime import date

from sqlalchemy.engine import make_url

from muse_care.services import cases, letters
from muse_care.services.cases import CaseDraft
from tests.security.support import verify


def _posted_letter(reg, name: str) -> int:  # noqa: ANN001
    view = cases.add_case(reg, CaseDraft(name=name, rights=["access"], channel="post", received=date(2026, 11, 20),
                                         regime="uk-gdpr", country="GB", address_lines=["1 High Street"],
                                         city="Bristol", postcode="BS1 4DJ"))
    return letters.produce_letter(reg, view.id, "acknowledgement").id


def _delete_run(reg, run_id: int) -> None:  # noqa: ANN001
    """Delete a run and its list in the file, as whoever can write it can."""
    with sqlite3.connect(make_url(reg.url).database) as c:
        c.execute("DELETE FROM print_run_letters WHERE run_id = ?", (run_id,))
        c.execute("DELETE FROM print_runs WHERE id = ?", (run_id,))


def test_a_letter_added_to_a_runs_list_in_the_file_is_held_back_and_named(sqlite_register) -> None:
    reg = sqlite_register
    alone = _posted_letter(reg, "Ann Lee")
    letters.record_print(reg, alone)
    in_run = _posted_letter(reg, "Bea Lee")
    run = letters.build_print_run(reg)
    assert [x.id for x in run.letters] == [in_run]
    with sqlite3.connect(make_url(reg.url).database) as c:
        c.execute("INSERT INTO print_run_letters (run_id, letter_id, position, pages, reprint) "
                  "VALUES (?, ?, 2, 2, 0)", (run.id, alone))
    sent, held = letters.dispatch_run(reg, run.id)
    assert [x.id for x in sent] == [in_run]
    assert [i for i, _ in held] == [alone] and "was never printed in it" in held[0][1]
    assert letters.letters_for_run(reg, ids=[alone])[0].dispatched_on is None
    assert any(f"letter {alone} is on print run {run.id}'s list" in p for p in verify(reg).problems)
    # the letter is still the agent's to post, once it is found
    assert [x.id for x in letters.mark_dispatched(reg, [alone])] == [alone]


def test_a_letter_taken_off_a_runs_list_in_the_file_is_named_not_silently_left_out(sqlite_register) -> None:
    """The other way round: a letter printed in a run and taken off its list is in the
    mailroom's pile, but dispatching the run would leave it unsent with no word why."""
    reg = sqlite_register
    kept, taken = _posted_letter(reg, "Ann Lee"), _posted_letter(reg, "Bea Lee")
    run = letters.build_print_run(reg)
    assert sorted(x.id for x in run.letters) == sorted([kept, taken])
    with sqlite3.connect(make_url(reg.url).database) as c:
        c.execute("DELETE FROM print_run_letters WHERE run_id = ? AND letter_id = ?", (run.id, taken))
    assert letters.get_run(reg, run.id).letter_ids == (kept,)
    sent, held = letters.dispatch_run(reg, run.id)
    assert [x.id for x in sent] == [kept]
    assert [i for i, _ in held] == [taken]
    assert f"letter {taken} was printed in print run {run.id} (the print log says so) but is no longer on " \
           "the run's list" in held[0][1]
    assert letters.letters_for_run(reg, ids=[taken])[0].dispatched_on is None
    reference = letters.letters_for_run(reg, ids=[taken])[0].reference
    assert f"case {reference}: letter {taken} was printed in print run {run.id} (the print log says so) but " \
           "is not on the run's list: the list was changed outside MUSE Care" in verify(reg).problems
    # dispatching the run again still names it, rather than "already dispatched"
    assert letters.dispatch_run(reg, run.id)[1][0][0] == taken
    assert "find the letter in the pile" in letters.dispatch_run(reg, run.id)[1][0][1]
    # found and sent on its own: still named, as sent, not as a letter to look for
    letters.mark_dispatched(reg, [taken])
    _, held = letters.dispatch_run(reg, run.id)
    assert [i for i, _ in held] == [taken]
    assert f"It was already marked sent on {reg.today().isoformat()}" in held[0][1]
    assert "find the letter" not in held[0][1]


def test_an_untouched_run_has_nothing_held_and_nothing_in_the_audit(sqlite_register) -> None:
    reg = sqlite_register
    first = _posted_letter(reg, "Ann Lee")
    run = letters.build_print_run(reg)
    again = letters.build_print_run(reg, ids=[first], reprint_reason="toner ran out")  # a reprint in a run of its own
    sent, held = letters.dispatch_run(reg, again.id)
    assert [x.id for x in sent] == [first] and held == []
    assert not [p for p in verify(reg).problems if "print run" in p], (run.id, verify(reg).problems)


def test_a_print_run_deleted_in_the_file_is_named_by_the_audit(sqlite_register) -> None:
    """A run deleted with its list (neither is guarded) leaves its letters printed, in the
    pile, and in no run the mailroom can dispatch: the guarded print log still names it."""
    reg = sqlite_register
    letter = _posted_letter(reg, "Ann Lee")
    run = letters.build_print_run(reg)
    _delete_run(reg, run.id)
    reference = letters.letters_for_run(reg, ids=[letter])[0].reference
    assert f"case {reference}: letter {letter} was printed in run {run.id} of {run.run_date.isoformat()} (the " \
           "print log says so) but no such print run is recorded: the run was deleted or changed outside " \
           "MUSE Care" in verify(reg).problems


def test_a_deleted_runs_id_is_never_given_to_the_next_run(sqlite_register) -> None:
    """An outside tester: SQLite gave a run deleted in the file its id, and with the same
    day its print-log label, to the next run; the deleted run's letters then counted as
    the new run's, dispatch marked them posted with it and the audit was quiet."""
    reg = sqlite_register
    gone = _posted_letter(reg, "Ann Lee")
    deleted = letters.build_print_run(reg)
    _delete_run(reg, deleted.id)
    new = _posted_letter(reg, "Bea Lee")
    run = letters.build_print_run(reg)
    assert run.id != deleted.id
    with sqlite3.connect(make_url(reg.url).database) as c:  # and the deleted run's letter put on its list
        c.execute("INSERT INTO print_run_letters (run_id, letter_id, position, pages, reprint) "
                  "VALUES (?, ?, 2, 2, 0)", (run.id, gone))
    sent, held = letters.dispatch_run(reg, run.id)
    assert [x.id for x in sent] == [new] and [i for i, _ in held] == [gone]
    assert letters.letters_for_run(reg, ids=[gone])[0].dispatched_on is None
    assert any(f"letter {gone} was printed in run {deleted.id} of" in p and "no such print run" in p
               for p in verify(reg).problems)
