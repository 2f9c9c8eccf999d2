"""Who prints on a team server (docs/team/README.md, "The mailroom"), with real login
roles. Found by an outside tester: an agent's `letters print-run` that took a colleague's
letter ended in "internal error" (the server's row-level security on the print log)."""

from __future__ import annotations

from datetime import date

import pytest

from muse_care.domain.errors import PermissionDenied
from muse_care.services import cases, letters
from muse_care.services.cases import CaseDraft

pytestmark = pytest.mark.pg


def _letter_of(reg, login: str, name: str) -> int:  # noqa: ANN001
    view = cases.add_case(reg, CaseDraft(name=name, rights=["access"], channel="post", received=date(2026, 11, 20),
                                         regime="uk-gdpr", country="GB", address_lines=["1 High Street"],
                                         city="Bristol", postcode="BS1 4DJ", assignee=login))
    return letters.produce_letter(reg, view.id, "acknowledgement").id


def test_the_print_run_is_the_mailrooms_on_a_leads_login(make_login, client) -> None:  # noqa: ANN001
    aisha, tom, post = make_login("agent"), make_login("agent"), make_login("lead")
    hers = _letter_of(client(aisha), aisha, "Ann Lee")
    his = _letter_of(client(tom), tom, "Bea Lee")
    with pytest.raises(PermissionDenied, match=f"letter {hers} is for MC-.*, a case of {aisha}: an agent prints "
                                               "only the letters of their own cases. The day's print run is "
                                               "the mailroom's, on a team lead's login"):
        letters.build_print_run(client(tom))
    with pytest.raises(PermissionDenied, match="an agent prints only the letters of their own cases"):
        letters.record_print(client(tom), hers)
    assert letters.list_letters(client(tom), his)  # nothing printed by the refusals ...
    assert letters.letters_for_run(client(post), ids=[hers])[0].print_count == 0
    letters.record_print(client(tom), his)  # ... his own he prints
    run = letters.build_print_run(client(post))  # the mailroom, on a lead's login
    assert [x.id for x in run.letters] == [hers]  # his was printed already


def test_on_a_team_server_an_admin_anonymises_and_a_lead_is_told_so(make_login, client) -> None:  # noqa: ANN001
    """An outside tester: a lead's `anonymise REF` ended in "internal error" on a team server
    (anonymising blanks the history's values, which only an admin may: docs/security.md).
    The lead is told so; an admin anonymises the case, printed letters and all."""
    from muse_care.domain.errors import ValidationError
    from muse_care.services.anonymise import erase_case

    aisha, sam, ada = make_login("agent"), make_login("lead"), make_login("admin")
    mine = _letter_of(client(aisha), aisha, "Ann Lee")
    letters.record_print(client(aisha), mine)
    letters.reprint(client(aisha), mine, "lost in the post to Ann Lee")
    ref = letters.letters_for_run(client(sam), ids=[mine])[0].reference
    cases.change_status(client(aisha), ref, "withdrawn", "she withdrew it by phone")
    with pytest.raises(ValidationError, match="on a team server only an admin erases a case: anonymising blanks "
                                              "the values of its history entries, which only an admin may do"):
        erase_case(client(sam), None, ref, "the requester asked for erasure")
    assert cases.get_case(client(sam), ref).requester.name == "Ann Lee"
    report = erase_case(client(ada), None, ref, "the requester asked for erasure")
    assert [c for c in report.cases] == [ref] or ref in str(report.cases)


def test_a_letter_put_on_a_runs_list_behind_its_back_is_not_marked_posted(team_url, make_login,  # noqa: ANN001
                                                                          client) -> None:
    """An outside tester: a run's list of letters (``print_run_letters``) has no guard,
    so an agent's login added a letter of her own case, printed alone and never posted,
    to the mailroom's run; dispatching the run marked it posted, a letter in no envelope.
    Only letters the print log shows printed in the run are marked sent; the one added is
    held back and named."""
    from tests.security.support import raw, verify

    aisha, post = make_login("agent"), make_login("lead")
    hers = _letter_of(client(aisha), aisha, "Ann Lee")
    letters.record_print(client(aisha), hers)  # printed alone, on her desk; never posted
    theirs = _letter_of(client(post), post, "Bea Lee")
    run = letters.build_print_run(client(post))
    assert [x.id for x in run.letters] == [theirs]
    with raw(team_url, aisha) as c:
        c.execute("INSERT INTO print_run_letters (run_id, letter_id, position, pages, reprint) "
                  "VALUES (%s, %s, 2, 2, false)", (run.id, hers))
    sent, held = letters.dispatch_run(client(post), run.id)
    assert [x.id for x in sent] == [theirs]
    assert [i for i, _ in held] == [hers]
    assert f"letter {hers} is on print run {run.id}'s list but was never printed in it" in held[0][1]
    left = letters.letters_for_run(client(post), ids=[hers])[0]
    assert left.dispatched_on is None
    assert [x.runs for x in letters.list_letters(client(aisha), left.reference) if x.id == hers] == [()]
    report = verify(client(post))  # and the audit names it
    assert f"case {left.reference}: letter {hers} is on print run {run.id}'s list but the print log has no " \
           "print of it in that run: the list was changed outside MUSE Care" in report.problems


def test_a_letter_taken_off_a_runs_list_behind_its_back_is_named_at_dispatch(team_url, make_login,  # noqa: ANN001
                                                                            client) -> None:
    """The other way round: a letter printed in the mailroom's run, taken off the run's
    list from an agent's login, was left unsent at dispatch with no word why; the
    envelope went out and the case never showed it sent."""
    from tests.security.support import raw, verify

    aisha, post = make_login("agent"), make_login("lead")
    hers = _letter_of(client(aisha), aisha, "Ann Lee")
    theirs = _letter_of(client(post), post, "Bea Lee")
    run = letters.build_print_run(client(post))
    assert sorted(x.id for x in run.letters) == sorted([hers, theirs])
    with raw(team_url, aisha) as c:
        gone = c.execute("DELETE FROM print_run_letters WHERE run_id = %s AND letter_id = %s",
                         (run.id, hers)).rowcount
    assert gone == 1
    sent, held = letters.dispatch_run(client(post), run.id)
    assert [x.id for x in sent] == [theirs]
    assert [i for i, _ in held] == [hers]
    assert f"letter {hers} was printed in print run {run.id} (the print log says so) but is no longer on the " \
           "run's list: the list was changed outside MUSE Care" in held[0][1]
    left = letters.letters_for_run(client(post), ids=[hers])[0]
    assert left.dispatched_on is None
    assert f"case {left.reference}: letter {hers} was printed in print run {run.id} (the print log says so) " \
           "but is not on the run's list: the list was changed outside MUSE Care" in verify(client(post)).problems
