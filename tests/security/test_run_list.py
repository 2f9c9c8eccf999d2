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
