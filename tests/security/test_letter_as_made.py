"""A letter prints only as MUSE Care made it (docs/security.md, "Audit"; docs/letters.md,
"Before a letter prints", item 1). Found by an outside tester, from an agent's login on
the real server: the letter row's PDF and hash replaced by another customer's letter, a
history entry forged through the history's own writer in the same transaction. The audit
said nothing and the print run printed Mary Jones's access response under Peter Brown's
cover sheet. The database's own row entry of the letter's insert holds its PDF's digest;
the print and the audit check the PDF against it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from muse_care.domain.errors import ValidationError
from muse_care.services import cases, letters
from muse_care.services.history import HistoryWriter
from support import draft, verify

POST = dict(channel="post", address_lines=["1 High St"], city="London", postcode="EC1Y 8SY", country="GB")


def _swap_with_forged_entry(reg, victim_case: int, victim: int, source: int) -> None:  # noqa: ANN001
    """What the tester did: one transaction that copies another letter's PDF, hash and page
    count into the victim's row, and writes the word entry MUSE Care would have written."""
    with reg.unit_of_work() as session:
        session.execute(text("UPDATE letters SET pdf = (SELECT pdf FROM letters WHERE id = :s), "
                             "sha256 = (SELECT sha256 FROM letters WHERE id = :s), "
                             "page_count = (SELECT page_count FROM letters WHERE id = :s) WHERE id = :v"),
                        {"s": source, "v": victim})
        HistoryWriter(session, reg.actor.login, reg.now()).add(victim_case, "letter:acknowledgement", "",
                                                              f"letter {victim}, acknowledgement")


def _two_letters(reg):  # noqa: ANN001, ANN202
    peter = cases.add_case(reg, draft(name="Peter Brown", email="pb@example.org", **POST))
    mary = cases.add_case(reg, draft(name="Mary Jones", email="mj@example.org", **POST))
    return (peter.id, letters.produce_letter(reg, peter.id, "acknowledgement").id,
            letters.produce_letter(reg, mary.id, "acknowledgement").id)


def _refused_everywhere(reg, peter_case: int, victim: int) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match=f"letter {victim} for .* is not the letter MUSE Care made: its "
                                              "PDF was replaced after it was made. Do not send it"):
        letters.check_printable(reg, victim)
    with pytest.raises(ValidationError, match="is not the letter MUSE Care made"):
        letters.letter_pdf(reg, victim, for_print=False)
    with pytest.raises(ValidationError, match="is not the letter MUSE Care made"):
        letters.build_print_run(reg, ids=[victim])
    problems = "\n".join(verify(reg).problems)
    assert f"letter {victim}'s PDF was replaced after it was made, by {reg.actor.login}" in problems, problems


@pytest.mark.pg
def test_an_agent_login_cannot_swap_a_letter_behind_a_forged_entry(team_url, make_login, client) -> None:  # noqa: ANN001
    agent = make_login("agent")
    reg = client(agent)
    peter_case, peter_letter, mary_letter = _two_letters(reg)
    assert not verify(reg).problems
    _swap_with_forged_entry(reg, peter_case, peter_letter, mary_letter)
    _refused_everywhere(reg, peter_case, peter_letter)
    letters.check_printable(reg, mary_letter)  # the untouched one prints


def test_a_letter_swapped_in_the_file_is_refused_and_named(sqlite_url) -> None:  # noqa: ANN001
    from muse_care.services.register import Actor, Register
    from tests.conftest import FIXED_NOW

    reg = Register.open(sqlite_url, Actor("aisha", "Aisha Khan"), migrate=False, now=lambda: FIXED_NOW)
    try:
        peter_case, peter_letter, mary_letter = _two_letters(reg)
        _swap_with_forged_entry(reg, peter_case, peter_letter, mary_letter)
        _refused_everywhere(reg, peter_case, peter_letter)
        letters.check_printable(reg, mary_letter)
    finally:
        reg.dispose()
