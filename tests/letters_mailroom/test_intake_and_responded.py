"""Breach 5 (an address no layout can print passes intake) and breach 6 (Responded with
nothing sent, a retrieval about to be purged), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from muse_care.domain.case_views import Requester
from muse_care.domain.errors import ValidationError
from muse_care.services import cases, letters
from muse_care.services import retrieval as rt
from muse_care.services.cases import CaseDraft, InvalidInput
from muse_care.services.register import Actor, Register
from muse_care.services.settings import set_setting


def draft(**kw) -> CaseDraft:  # noqa: ANN003
    base = dict(name="Oliver Smith", rights=["erasure"], channel="post", received=date(2026, 11, 2),
                regime="uk-gdpr", holiday_region="GB-ENG", address_lines=["1 High Street"], city="Leeds",
                postcode="LS1 4DY", country="GB")
    base.update(kw)
    return CaseDraft(**base)


@pytest.mark.parametrize("layout", ["uk", "din5008-b", "din5008-a", "us10"])
def test_intake_refuses_an_address_no_window_holds_at_the_field(register, layout) -> None:  # noqa: ANN001
    set_setting(register, "letter_layout", layout)
    six = [f"Line {i} of the address" for i in range(1, 7)]
    with pytest.raises(InvalidInput) as err:
        cases.add_case(register, draft(address_lines=six, country="DE", postcode="10115", city="Berlin",
                                       regime="eu-gdpr", holiday_region="DE"))
    assert "address_lines" in err.value.problems
    assert "combine address lines" in err.value.problems["address_lines"]
    wide = "Flat 12, Building 7, The Very Long Named Residential Estate of Saint Margaret-upon-Thames"
    with pytest.raises(InvalidInput) as err:
        cases.add_case(register, draft(address_lines=[wide]))
    assert "address line 1 is" in err.value.problems["address_lines"] and "shorten it" in err.value.problems[
        "address_lines"]
    with pytest.raises(InvalidInput) as err:
        cases.add_case(register, draft(city="Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch-on-Sea"))
    assert "city" in err.value.problems
    view = cases.add_case(register, draft())  # an ordinary address still goes in
    # The case view's Save is checked the same way.
    with pytest.raises(InvalidInput) as err:
        cases.update_requester(register, view.reference, Requester(
            name="Oliver Smith", address_lines=tuple(six), city="Leeds", postcode="LS1 4DY", country="GB"),
            expected_version=view.version)
    assert "address_lines" in err.value.problems
    # What intake accepts, every layout prints.
    letters.produce_letter(register, view.reference, "acknowledgement", layout=layout)


def _ready(register, **kw):  # noqa: ANN001, ANN201
    set_setting(register, "four_eyes", False)
    view = cases.add_case(register, draft(**kw))
    for check in view.checks:
        cases.record_check(register, view.reference, check.step, "passed")
    from tests.responded_support import settle_recipients, settle_tasks

    settle_recipients(register, view.reference)  # Art. 19 and the tasks are other conditions,
    settle_tasks(register, view.reference)  # tested elsewhere
    return cases.get_case(register, view.reference)


def test_responded_needs_a_reply_posted_in_a_dispatched_run(register) -> None:  # noqa: ANN001
    view = _ready(register)
    with pytest.raises(ValidationError, match="no reply letter has been produced and posted"):
        cases.change_status(register, view.reference, "responded")
    letters.produce_letter(register, view.reference, "acknowledgement")  # not a reply
    with pytest.raises(ValidationError, match="no reply letter"):
        cases.change_status(register, view.reference, "responded")
    reply = letters.produce_letter(register, view.reference, "erasure-done",
                                   fields={"outcome": "Deleted.", "recipients_told": "DHL"})
    with pytest.raises(ValidationError, match=f"letter {reply.id}.* has not gone out in a dispatched print run"):
        cases.change_status(register, view.reference, "responded")
    run = letters.build_print_run(register, ids=[reply.id])
    with pytest.raises(ValidationError, match="has not gone out"):
        cases.change_status(register, view.reference, "responded")
    letters.dispatch_run(register, run.id)
    assert cases.change_status(register, view.reference, "responded").status == "responded"


def test_an_email_case_needs_a_reply_letter_or_an_electronic_reply(register) -> None:  # noqa: ANN001
    view = _ready(register, channel="email", email="oliver@example.com")
    with pytest.raises(ValidationError, match="no electronic reply is recorded"):
        cases.change_status(register, view.reference, "responded")
    reply = letters.produce_letter(register, view.reference, "erasure-done",
                                   fields={"outcome": "Deleted.", "recipients_told": "DHL"})
    letters.mark_dispatched(register, [reply.id], "email")  # the reply went by email
    assert cases.change_status(register, view.reference, "responded").status == "responded"


def test_responded_with_identity_unsettled_is_refused(register) -> None:  # noqa: ANN001
    set_setting(register, "four_eyes", False)
    view = cases.add_case(register, draft())
    with pytest.raises(ValidationError, match="identity"):
        cases.change_status(register, view.reference, "responded")


def test_a_retrieval_at_risk_blocks_responded_unless_a_lead_waives_it(register) -> None:  # noqa: ANN001
    view = _ready(register, channel="phone", phone="+447911123456", email="oliver@example.com",
                  rights=["access"])
    entry = rt.add_retrieval(register, view.reference, rt.RetrievalDraft(source="call-recording",
                                                                          interaction_date=date(2026, 6, 12)))
    assert entry.purge_on == date(2026, 12, 12)  # 17 days after today (25 Nov 2026): at risk
    letters.produce_letter(register, view.reference, "access-response", enclosures=["Your data"])
    with pytest.raises(ValidationError, match=r"purged soon and not secured \(#\d+ purged on 2026-12-12\)"):
        cases.change_status(register, view.reference, "responded")
    with pytest.raises(ValidationError, match="only a team lead can waive"):
        cases.change_status(register, view.reference, "responded", waive_retrieval_risk="the customer said no")
    lead = Register(register.engine, Actor("marco", "Marco Lead", role="lead"), register.now)
    done = cases.change_status(lead, view.reference, "responded",
                               waive_retrieval_risk="the caller confirmed the recording is not wanted")
    assert done.status == "responded"
    assert any(h.what == "retrieval risk waived" and "not wanted" in h.new for h in done.history)


def test_a_phone_case_can_be_answered_outside_the_letters(register, capsys) -> None:  # noqa: ANN001
    from datetime import date as day

    from muse_care.cli.main import main

    view = _ready(register, channel="phone", phone="+447911123456", email="oliver@example.com")
    with pytest.raises(ValidationError, match="case reply REF"):
        cases.change_status(register, view.reference, "responded")
    db = ["--db", register.url]
    assert main([*db, "case", "reply", view.reference, "--method", "post", "--on", "2026-11-24",
                 "--summary", "x"]) == 2
    assert main([*db, "case", "reply", view.reference, "--method", "email", "--on", "2026-11-24",
                 "--summary", "the data we hold, from the shared mailbox"]) == 0
    capsys.readouterr()
    assert cases.change_status(register, view.reference, "responded").status == "responded"
    entry = next(h for h in cases.get_case(register, view.reference).history if h.what == "electronic reply")
    assert entry.new.startswith("2026-11-24 by email: the data we hold")
    assert day(2026, 11, 24) <= register.today()


def test_a_letter_answers_what_the_case_asks(register) -> None:  # noqa: ANN001
    """An outside tester: on an erasure case, `letter REF --kind access-response` made, printed
    and posted an access response with the requester's data, and no lead was asked (the
    approval looks only at kinds answering the case's rights); `--kind erasure-done` on an
    access case told the requester data was deleted. The service offers the kinds the
    window's form offers, and names them."""
    view = _ready(register)  # erasure
    with pytest.raises(ValidationError) as error:
        letters.produce_letter(register, view.reference, "access-response", enclosures=["Your order history"])
    assert error.value.field == "kind"
    assert error.value.message.startswith(f"an access response letter does not answer case {view.reference}, "
                                          "which asks for erasure under uk-gdpr; its letters: acknowledgement,")
    assert "erasure-done" in error.value.message and "access-response" not in error.value.message.split(": ")[-1]
    access = _ready(register, rights=["access"], name="Ann Lee")
    with pytest.raises(ValidationError, match="does not answer case"):
        letters.produce_letter(register, access.reference, "erasure-done", fields={"outcome": "deleted"})
    assert letters.list_letters(register, view.reference) == letters.list_letters(register, access.reference) == []


def test_a_letter_for_a_withdrawn_request_never_prints_or_goes_out(register) -> None:  # noqa: ANN001
    """An outside tester: an acknowledgement built into a print run, then the requester
    withdrew; the run was marked posted, the letter with it."""
    view = _ready(register)
    ack = letters.produce_letter(register, view.reference, "acknowledgement")
    run = letters.build_print_run(register)
    cases.change_status(register, view.reference, "withdrawn", "the requester withdrew the request by phone")
    done, held = letters.dispatch_run(register, run.id)
    assert done == [] and [(i, why.split(":")[0]) for i, why in held] == [
        (ack.id, f"the request of {view.reference} was withdrawn")]
    with pytest.raises(letters.RequestWithdrawnLetter, match="Do not post it, and withdraw the letter"):
        letters.check_printable(register, ack.id)
    with pytest.raises(ValidationError, match="was withdrawn: the letter answers nothing now"):
        letters.mark_dispatched(register, [ack.id])
    letters.withdraw_letter(register, ack.id, "the request was withdrawn")
    assert letters.list_letters(register, view.reference)[0].withdrawn_on is not None


def test_made_again_a_letter_takes_the_case_dates_of_now(register) -> None:  # noqa: ANN001
    """An outside tester: the window's form sent the case's dates back with the letter
    (due 5 Jan); identity asked since, the letter was made again and still promised 5
    January, beside "within one month of receiving the identity". Made again, a letter
    takes the case's dates as they are then."""
    from tests.letters.pdf_probe import all_text, norm

    set_setting(register, "four_eyes", False)
    view = cases.add_case(register, draft(rights=["access"], received=date(2026, 11, 20)))  # due Mon 21 Dec
    ack = letters.produce_letter(register, view.reference, "acknowledgement",
                                 fields={"due_date": "21 December 2026", "extension_notice_by": "21 December 2026"})
    cases.record_event(register, view.reference, "id-requested", date(2026, 11, 24))
    with pytest.raises(letters.StaleLetter):
        letters.check_printable(register, ack.id)
    again = letters.produce_again(register, ack.id)
    said = norm(all_text(letters.letter_pdf(register, again.id)))
    assert "21 December" not in said and "within one month of receiving the identity" in said, said
