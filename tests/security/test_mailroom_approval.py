"""Finding 4: the lead's approval of a reply that discloses data could be bypassed by
an agent inserting the letter with raw SQL (``needs_approval = false``, a made-up
``approved_by``: since 0015 only the agent's own name); the lead's print run then printed it. The mailroom now asks the
approvals table itself, and trusts nothing the letter row says about approval."""

from __future__ import annotations

import pytest

from muse_care.domain.errors import PermissionDenied
from muse_care.services import cases, letters, team
from support import draft, raw

pytestmark = pytest.mark.pg


def _forged_access_response(team_url: str, make_login, client):  # noqa: ANN001, ANN202
    agent, lead = make_login("agent"), make_login("lead")
    a, lead_reg = client(agent), client(lead)
    view = cases.add_case(a, draft(channel="post", address_lines=["1 High St"], city="London",
                                   postcode="EC1Y 8SY", country="GB"))
    for check in cases.get_case(a, view.id).checks:
        cases.record_check(a, view.id, check.step, "passed")
    ack = letters.produce_letter(a, view.id, "acknowledgement")
    with raw(team_url, agent) as c:
        forged = c.execute(
            "INSERT INTO letters (case_id, kind, layout, generated_at, generated_by, sha256, page_count, "
            "pdf, recipient_name, needs_approval, approved_by, approved_at, dispatch_method, dispatched_by, "
            "print_count, version, recipient_address, request_json) "
            "SELECT case_id, 'access-response', layout, generated_at, generated_by, sha256, page_count, pdf, "
            "recipient_name, false, session_user, now(), '', '', 0, 1, recipient_address, request_json "
            "FROM letters WHERE id = %s RETURNING id", (ack.id,)).fetchone()[0]
        # (naming a lead as the approver is refused by the server since migration 0015,
        # tests/security/test_server_evidence.py; the agent's own name is the forgery left)
    return a, lead_reg, view, ack, forged


def test_print_run_refuses_a_disclosing_letter_without_a_lead_approval(team_url, make_login, client) -> None:
    a, lead_reg, view, ack, forged = _forged_access_response(team_url, make_login, client)
    with pytest.raises(PermissionDenied, match=rf"letter {forged} .*approval \(disclosure\)"):
        letters.build_print_run(lead_reg, ids=[ack.id, forged])
    with pytest.raises(PermissionDenied, match="approval"):
        letters.record_print(lead_reg, forged)
    with pytest.raises(PermissionDenied, match="approval"):
        letters.reprint(lead_reg, forged, "lost in the post")
    # nothing was counted or recorded by the refused runs
    with lead_reg.read() as s:
        from muse_care.store.models import LetterRecord

        assert s.get(LetterRecord, forged).print_count == 0
    # the acknowledgement alone still prints
    assert letters.build_print_run(lead_reg, ids=[ack.id]).id


def test_an_approved_disclosure_prints_but_a_forged_letter_row_still_does_not(team_url, make_login,
                                                                             client) -> None:
    a, lead_reg, view, _ack, forged = _forged_access_response(team_url, make_login, client)
    req = team.request_approval(a, view.id, "disclosure", "three recordings")
    team.decide_approval(lead_reg, req.id, "approved", "fine")
    # approved now, but the forged row was not made by MUSE Care: no entry says so
    with pytest.raises(PermissionDenied, match="not made by MUSE Care"):
        letters.build_print_run(lead_reg, ids=[forged])
    real = letters.produce_letter(a, view.id, "access-response", enclosures=["orders.csv"])
    run = letters.build_print_run(lead_reg, ids=[real.id])
    assert [x.id for x in run.letters] == [real.id]


def _approved_access_response(make_login, client):  # noqa: ANN001, ANN202
    """A verified postal case whose disclosure a lead approved, and its access response."""
    agent, lead = make_login("agent"), make_login("lead")
    a, lead_reg = client(agent), client(lead)
    view = cases.add_case(a, draft(channel="post", address_lines=["1 High St"], city="London",
                                   postcode="EC1Y 8SY", country="GB"))
    for check in cases.get_case(a, view.id).checks:
        cases.record_check(a, view.id, check.step, "passed")
    req = team.request_approval(a, view.id, "disclosure", "three recordings")
    team.decide_approval(lead_reg, req.id, "approved", "fine")
    return a, lead_reg, view, letters.produce_letter(a, view.id, "access-response", enclosures=["orders.csv"])


def test_a_disclosure_approved_for_one_address_does_not_go_to_another(team_url, make_login, client) -> None:
    """An outside tester: a verified case, its access response approved by a lead and in a
    print run; a caller said "I've moved" and the agent changed the address to a stranger's;
    the letter, made again for the new address, went out on the old approval. A disclosure
    is approved for the person and the address it goes to: after a change of either, the
    letter is neither made nor printed until a lead approves again."""
    from dataclasses import replace

    a, lead_reg, view, made = _approved_access_response(make_login, client)
    now = cases.get_case(a, view.id)
    cases.update_requester(a, view.id, replace(now.requester, address_lines=("Flat 9, 1 Stranger Court",),
                                               city="Manchester", postcode="M1 1AE"), expected_version=now.version)
    with pytest.raises(PermissionDenied, match="for the name and address it has now"):
        letters.record_print(lead_reg, made.id)
    with pytest.raises(PermissionDenied, match="approval \\(disclosure\\) before it can be produced again: the "
                                               "requester's name or address changed after it was approved"):
        letters.produce_again(a, made.id)
    again = team.request_approval(a, view.id, "disclosure", "moved: checked by phone against the order history")
    team.decide_approval(lead_reg, again.id, "approved", "checked")
    new = letters.produce_again(a, made.id)
    assert [x.id for x in letters.build_print_run(lead_reg, ids=[new.id]).letters] == [new.id]


def test_a_disclosing_letter_for_a_right_the_case_does_not_ask_never_prints(team_url, make_login, client) -> None:
    """An outside tester printed and posted an access response on an erasure case with no
    lead's approval: the mailroom's check let a disclosing letter through unapproved when
    its kind answered none of the case's rights. Such a letter is no longer made; one made
    before (here: the case's rights rewritten under it) never prints."""
    from support import superuser

    a, lead_reg, view, made = _approved_access_response(make_login, client)
    with superuser(team_url) as c:  # behind MUSE Care's back, as the server's superuser can
        c.execute("SET session_replication_role = replica")
        c.execute("UPDATE cases SET rights = 'erasure' WHERE id = %s", (view.id,))
    with pytest.raises(PermissionDenied, match=f"letter {made.id} for .* is an? access-response letter, and the case "
                                               "does not ask for access: it is not printed; withdraw it"):
        letters.record_print(lead_reg, made.id)
