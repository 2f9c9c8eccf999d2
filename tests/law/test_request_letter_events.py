"""A request letter's clock event follows the letter that goes out (docs/letters.md, "A
request letter and its clock event"). Found by an outside tester: withdrawing the
identity request letter left its "id-requested" event, so the clock stayed stopped for
a request never sent; a letter made again a week later (the requester moved) left the
event on the first letter's day. Both gave a due date later than the law (UK GDPR
Art. 12A: the period starts when the information the controller asks for arrives; it
is asked when the letter goes out). Through the service, on SQLite and the real
PostgreSQL server, with the audit's recomputation of each clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from muse_care.domain.errors import ValidationError
from muse_care.services import cases, letters
from muse_care.services.history import audit
from muse_care.services.register import Actor, Register
from muse_care.store.models import ClockEventRecord


def at(register: Register, day: date) -> Register:
    """The register at noon UTC on ``day``: the same day in London and in Lahore."""
    moment = datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)
    return Register.open(register.url, Actor("aisha", "Aisha Khan"), migrate=False, now=lambda: moment)


def uk_access(register: Register, received: date) -> str:
    return cases.add_case(register, cases.CaseDraft(
        name="Ann Lee", rights=["access"], channel="email", received=received, regime="uk-gdpr",
        email="ann@example.com", country="GB", address_lines=["1 High Street"], city="Bristol",
        postcode="BS1 4DJ")).reference


def moved(register: Register, ref: str) -> None:
    view = cases.get_case(register, ref)
    cases.update_requester(register, ref, replace(view.requester, address_lines=("9 Park Row",)),
                           expected_version=view.version)


def audited(register: Register) -> None:
    with register.read() as s:
        report = audit(s)
    assert report.ok, report.problems[:5]


def events(register: Register, ref: str) -> list[tuple[str, date]]:
    return [(e.kind, e.on) for e in cases.get_case(register, ref).events]


def test_a_withdrawn_identity_request_stops_no_clock(register) -> None:
    asked_on, withdrawn_on = at(register, date(2026, 1, 9)), at(register, date(2026, 1, 12))
    try:
        ref = uk_access(asked_on, date(2026, 1, 5))  # due Thu 5 Feb 2026
        letter = letters.produce_letter(asked_on, ref, "identity-request")
        waiting = cases.get_case(asked_on, ref)
        # until the letter goes out the request is not made: due as before (domain/clock.until_sent)
        assert (waiting.due_date, waiting.status.value, events(asked_on, ref)) == (
            date(2026, 2, 5), "awaiting-identity", [("id-requested", date(2026, 1, 9))])
        assert "stops the clock once its letter goes out: until then the reply is due Thu 5 Feb 2026" in \
            waiting.due_explained
        letters.withdraw_letter(withdrawn_on, letter.id, "made for the wrong customer")
        back = cases.get_case(withdrawn_on, ref)
        assert (back.due_date, back.waiting_for, back.events) == (date(2026, 2, 5), None, ())
        whats = [(h.what, h.new) for h in back.history]
        assert ("event voided:id-requested", f"letter {letter.id} withdrawn: made for the wrong customer") in whats
        with withdrawn_on.read() as s:  # kept, counting for nothing
            kept = s.execute(select(ClockEventRecord).where(ClockEventRecord.letter_id == letter.id)).scalar_one()
            assert (kept.voided_on, kept.voided_by) == (date(2026, 1, 12), "aisha")
        audited(withdrawn_on)
        # a new request letter asks again, on its own day
        letters.produce_letter(withdrawn_on, ref, "identity-request")
        assert events(withdrawn_on, ref) == [("id-requested", date(2026, 1, 12))]
        done = cases.record_event(withdrawn_on, ref, "id-received", date(2026, 1, 12))
        assert done.due_date == date(2026, 2, 12)
        audited(withdrawn_on)
    finally:
        asked_on.dispose()
        withdrawn_on.dispose()


def test_a_request_made_again_asks_on_its_own_day(register) -> None:
    first, again, answered = (at(register, d) for d in (date(2026, 1, 9), date(2026, 1, 14), date(2026, 1, 20)))
    try:
        ref = uk_access(first, date(2026, 1, 5))
        old = letters.produce_letter(first, ref, "identity-request")
        moved(again, ref)
        new = letters.produce_again(again, old.id)
        assert events(again, ref) == [("id-requested", date(2026, 1, 14))]
        view = cases.get_case(again, ref)
        assert ("event re-dated:id-requested", "2026-01-09") in [(h.what, h.old) for h in view.history]
        # the event now belongs to the letter that goes out: withdrawing it voids it
        with again.read() as s:
            assert s.execute(select(ClockEventRecord.letter_id)).scalar_one() == new.id
        cases.record_event(answered, ref, "id-received", date(2026, 1, 20))
        assert cases.get_case(answered, ref).due_date == date(2026, 2, 20)
        audited(answered)
    finally:
        for r in (first, again, answered):
            r.dispose()


def test_a_request_made_again_after_the_due_date_restarts_nothing(register) -> None:
    first, again = at(register, date(2026, 2, 4)), at(register, date(2026, 2, 9))
    try:
        ref = uk_access(first, date(2026, 1, 5))  # due Thu 5 Feb 2026
        old = letters.produce_letter(first, ref, "identity-request")  # in time: stops once it goes out
        assert cases.get_case(first, ref).due_date == date(2026, 2, 5)
        moved(again, ref)
        letters.produce_again(again, old.id)  # it really goes out on Mon 9 Feb, after the due date
        view = cases.get_case(again, ref)
        assert events(again, ref) == [("id-requested", date(2026, 2, 9))]
        assert (view.due_date, view.waiting_for) == (date(2026, 2, 5), "identity")
        assert "after the due date" in view.due_explained
        audited(again)
    finally:
        first.dispose()
        again.dispose()


def test_a_withdrawn_letter_made_again_voids_the_first_letters_event(register) -> None:
    first, again = at(register, date(2026, 1, 9)), at(register, date(2026, 1, 9))
    try:
        ref = uk_access(first, date(2026, 1, 5))
        old = letters.produce_letter(first, ref, "identity-request")
        moved(first, ref)
        new = letters.produce_again(again, old.id)  # the same day: nothing to re-date
        assert events(again, ref) == [("id-requested", date(2026, 1, 9))]
        letters.withdraw_letter(again, new.id, "the customer sent ID by email before we posted it")
        assert cases.get_case(again, ref).due_date == date(2026, 2, 5)
    finally:
        first.dispose()
        again.dispose()


def test_an_answered_request_keeps_its_events_when_its_letter_is_withdrawn(register) -> None:
    reg = at(register, date(2026, 1, 12))
    try:
        ref = uk_access(reg, date(2026, 1, 5))
        letter = letters.produce_letter(reg, ref, "identity-request")
        cases.record_event(reg, ref, "id-received", date(2026, 1, 12))
        letters.withdraw_letter(reg, letter.id, "a duplicate of the email sent")
        view = cases.get_case(reg, ref)
        assert [(e.kind, e.on) for e in view.events] == [("id-requested", date(2026, 1, 12)),
                                                        ("id-received", date(2026, 1, 12))]
        assert view.due_date == date(2026, 2, 12)
    finally:
        reg.dispose()


def test_a_withdrawn_clarification_request_pauses_nothing(register) -> None:
    asked, withdrawn = at(register, date(2026, 1, 9)), at(register, date(2026, 1, 13))
    try:
        ref = uk_access(asked, date(2026, 1, 5))
        letter = letters.produce_letter(asked, ref, "clarification-request",
                                        fields={"clarification_question": "Which orders do you mean?"})
        paused = cases.get_case(asked, ref)  # pauses once it goes out
        assert (paused.due_date, paused.status.value) == (date(2026, 2, 5), "awaiting-clarification")
        letters.withdraw_letter(withdrawn, letter.id, "the question was answered on the phone")
        view = cases.get_case(withdrawn, ref)
        assert (view.due_date, view.events) == (date(2026, 2, 5), ())
        assert view.status.value != "awaiting-clarification"
        audited(withdrawn)
    finally:
        asked.dispose()
        withdrawn.dispose()


def test_an_event_recorded_before_letters_were_linked_is_found_by_its_letter(register) -> None:
    """Events recorded with a letter before migration 0026 have no letter_id: their
    letter is the one made in the same unit of work."""
    asked, withdrawn = at(register, date(2026, 1, 9)), at(register, date(2026, 1, 12))
    try:
        ref = uk_access(asked, date(2026, 1, 5))
        letter = letters.produce_letter(asked, ref, "identity-request")
        with asked.unit_of_work() as s:
            s.execute(select(ClockEventRecord)).scalar_one().letter_id = None
        letters.withdraw_letter(withdrawn, letter.id, "made for the wrong customer")
        assert cases.get_case(withdrawn, ref).due_date == date(2026, 2, 5)
    finally:
        asked.dispose()
        withdrawn.dispose()


def test_a_clarification_made_again_after_the_period_says_the_time_keeps_running(register) -> None:
    """Made again after the period ended, the round moves to the new letter's day, on
    which it pauses nothing: the new letter must not tell the requester the time stops."""
    import subprocess

    from muse_care.letters.law import NO_PAUSE

    first, again = at(register, date(2026, 2, 4)), at(register, date(2026, 2, 9))
    try:
        ref = uk_access(first, date(2026, 1, 5))  # due Thu 5 Feb 2026
        old = letters.produce_letter(first, ref, "clarification-request",
                                     fields={"clarification_question": "Which orders do you mean?"})
        assert cases.get_case(first, ref).due_date == date(2026, 2, 5)  # not gone out: no pause yet
        moved(again, ref)
        new = letters.produce_again(again, old.id)
        view = cases.get_case(again, ref)
        assert (events(again, ref), view.due_date) == ([("clarification-requested", date(2026, 2, 9))],
                                                       date(2026, 2, 5))
        pdf = letters.letter_pdf(again, new.id)
        body = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        assert NO_PAUSE in " ".join(body.decode().split())
    finally:
        first.dispose()
        again.dispose()


def test_an_identity_request_posted_after_the_due_date_is_not_posted(register) -> None:
    """Made on Thu 5 Feb 2026, the due date, and posted on Mon 9 Feb: asked then it would
    restart nothing, while it tells the requester the month starts when their identity
    arrives. It is stopped at print and at dispatch; withdrawn, its request is voided and
    the case is overdue, as it is. (An outside tester: moving the request to the day the
    letter was marked posted made an answer that came before the marking impossible to
    record, and a due date later than the law; the request keeps its day.)"""
    made, posted = at(register, date(2026, 2, 5)), at(register, date(2026, 2, 9))
    try:
        ref = cases.add_case(made, cases.CaseDraft(
            name="Ann Lee", rights=["access"], channel="post", received=date(2026, 1, 5), regime="uk-gdpr",
            country="GB", address_lines=["1 High Street"], city="Bristol", postcode="BS1 4DJ")).reference
        letter = letters.produce_letter(made, ref, "identity-request")
        assert cases.get_case(made, ref).due_date == date(2026, 2, 5)  # until it goes out
        letters.record_print(made, letter.id)
        letters.mark_dispatched(made, [letter.id], on=date(2026, 2, 5))  # posted the same day: fine
        assert cases.get_case(made, ref).due_date is None  # asked on the due date: in time
        assert events(posted, ref) == [("id-requested", date(2026, 2, 5))]
        second = cases.add_case(made, cases.CaseDraft(
            name="Bea Lee", rights=["access"], channel="post", received=date(2026, 1, 5), regime="uk-gdpr",
            country="GB", address_lines=["2 High Street"], city="Bristol", postcode="BS1 4DJ")).reference
        late = letters.produce_letter(made, second, "identity-request")
        letters.record_print(made, late.id)
        with pytest.raises(letters.LateRequestLetter, match="sent on 2026-02-09, after the due date 2026-02-05"):
            letters.check_printable(posted, late.id)
        with pytest.raises(ValidationError, match="is not to be posted: it asks for identity, and sent on 2026-02-09"):
            letters.mark_dispatched(posted, [late.id])
        letters.withdraw_letter(posted, late.id, "too late to ask: replied instead")
        view = cases.get_case(posted, second)
        assert (view.due_date, view.overdue, view.events) == (date(2026, 2, 5), True, ())
        audited(posted)
    finally:
        made.dispose()
        posted.dispose()


def test_a_question_posted_days_after_it_was_made_asks_on_the_day_it_goes_out(register) -> None:
    """A clarification made on Fri 9 Jan and posted on Mon 12 Jan pauses from the 12th."""
    made, posted = at(register, date(2026, 1, 9)), at(register, date(2026, 1, 12))
    try:
        ref = uk_access(made, date(2026, 1, 5))
        letter = letters.produce_letter(made, ref, "clarification-request",
                                        fields={"clarification_question": "Which orders do you mean?"})
        letters.record_print(made, letter.id)
        letters.mark_dispatched(posted, [letter.id])
        assert events(posted, ref) == [("clarification-requested", date(2026, 1, 12))]
        done = cases.record_event(posted, ref, "clarification-received", date(2026, 1, 12))
        assert done.due_date == date(2026, 2, 6)  # 12 Jan, asked and answered, does not count: 5 Feb + 1
        audited(posted)
    finally:
        made.dispose()
        posted.dispose()


def test_a_clarification_saying_the_time_stops_is_not_posted_after_the_period(register) -> None:
    """Made on the due date it says the time stops; printed or posted days later, after
    the period ended, its question pauses nothing: it is stopped like a changed address,
    and made again it says the time keeps running."""
    import subprocess

    from muse_care.letters.law import NO_PAUSE

    made, later = at(register, date(2026, 2, 5)), at(register, date(2026, 2, 9))
    try:
        ref = uk_access(made, date(2026, 1, 5))  # due Thu 5 Feb 2026
        letter = letters.produce_letter(made, ref, "clarification-request",
                                        fields={"clarification_question": "Which orders do you mean?"})
        letters.check_printable(made, letter.id)  # on the day: it pauses, as it says
        with pytest.raises(letters.StaleLetter, match="sent on 2026-02-09, after the period ended, its question "
                                                      "pauses nothing"):
            letters.check_printable(later, letter.id)
        letters.record_print(made, letter.id)
        with pytest.raises(ValidationError, match="is not to be posted: it says the time for our answer stops"):
            letters.mark_dispatched(later, [letter.id])
        again = letters.produce_again(later, letter.id)
        letters.check_printable(later, again.id)
        body = subprocess.run(["pdftotext", "-", "-"], input=letters.letter_pdf(later, again.id),
                              capture_output=True, check=True).stdout
        assert NO_PAUSE in " ".join(body.decode().split())
        assert cases.get_case(later, ref).due_date == date(2026, 2, 5)
    finally:
        made.dispose()
        later.dispose()


def test_a_request_made_again_after_its_answer_stops_nothing(register) -> None:
    """An outside tester: an identity request answered before its letter was posted, then
    made again (the requester moved), stopped the clock once more; the case lost its due
    date and left the Overdue view. Made again, a letter asks the same request: answered,
    it changes nothing."""
    first, again = at(register, date(2026, 2, 4)), at(register, date(2026, 2, 9))
    try:
        ref = uk_access(first, date(2026, 2, 2))
        old = letters.produce_letter(first, ref, "identity-request")
        answered = cases.record_event(again, ref, "id-received", date(2026, 2, 6))
        assert answered.due_date == date(2026, 3, 6)
        moved(again, ref)
        letters.produce_again(again, old.id)
        view = cases.get_case(again, ref)
        assert (view.due_date, [(e.kind, e.on) for e in view.events]) == (
            date(2026, 3, 6), [("id-requested", date(2026, 2, 4)), ("id-received", date(2026, 2, 6))])
        audited(again)
    finally:
        first.dispose()
        again.dispose()


def test_a_question_asked_while_identity_is_awaited_is_recorded(register) -> None:
    """An outside tester: a clarification letter made while the clock was stopped for
    identity recorded no round, so its answer could not be recorded, though the letter
    said the time stops (docs/rules.md, "Clarification": a round asked before the period
    started and still open when it starts pauses from the day after)."""
    reg = at(register, date(2026, 2, 5))
    try:
        ref = uk_access(reg, date(2026, 2, 2))
        letters.produce_letter(reg, ref, "identity-request")
        letters.produce_letter(reg, ref, "clarification-request",
                               fields={"clarification_question": "Which orders do you mean?"})
        assert [e.kind for e in cases.get_case(reg, ref).events] == ["id-requested", "clarification-requested"]
        cases.record_event(reg, ref, "id-received", date(2026, 2, 5))
        later = at(register, date(2026, 2, 16))
        try:
            done = cases.record_event(later, ref, "clarification-received", date(2026, 2, 15))
            # the clock starts 5 Feb; 6-15 Feb, 10 days, do not count: 5 Mar + 10
            assert done.due_date == date(2026, 3, 16)
        finally:
            later.dispose()
    finally:
        reg.dispose()


def test_a_letter_repeating_a_request_asked_by_hand_is_not_stopped_after_the_due_date(register) -> None:
    """Identity asked on the phone in time (recorded by hand), then a letter repeating it
    made on the due date and posted after: the request was made in time, the letter only
    repeats it, and it goes out."""
    made, posted = at(register, date(2026, 2, 5)), at(register, date(2026, 2, 9))
    try:
        ref = cases.add_case(made, cases.CaseDraft(
            name="Ann Lee", rights=["access"], channel="post", received=date(2026, 1, 5), regime="uk-gdpr",
            country="GB", address_lines=["1 High Street"], city="Bristol", postcode="BS1 4DJ")).reference
        cases.record_event(made, ref, "id-requested", date(2026, 2, 2), "asked on the phone")
        letter = letters.produce_letter(made, ref, "identity-request")
        letters.record_print(made, letter.id)
        letters.check_printable(posted, letter.id)
        letters.mark_dispatched(posted, [letter.id])
        assert events(posted, ref) == [("id-requested", date(2026, 2, 2))]
    finally:
        made.dispose()
        posted.dispose()


def test_a_request_letter_that_never_goes_out_stops_no_clock(register) -> None:
    """An outside tester: a clarification letter made on Fri 27 Nov (due Wed 2 Dec), held
    back at print on 4 Dec as too late to pause anything, was never withdrawn; on 1 Mar
    2027 the case still showed "clock paused, no due date", not overdue anywhere (the
    Overdue list, the dashboard, the breach warnings, the register). A request is made by
    the letter that goes out: until it does, the reply is due as before."""
    from muse_care.services.records import register_rows
    from muse_care.services.team_reports import breach_warnings, dashboard_data

    made, later = at(register, date(2026, 11, 27)), at(register, date(2027, 3, 1))
    try:
        ref = cases.add_case(made, cases.CaseDraft(
            name="Ann Lee", rights=["access"], channel="post", received=date(2026, 11, 2), regime="uk-gdpr",
            country="GB", address_lines=["1 High Street"], city="Bristol", postcode="BS1 4DJ")).reference
        other = cases.add_case(made, cases.CaseDraft(
            name="Bea Lee", rights=["access"], channel="post", received=date(2026, 11, 2), regime="uk-gdpr",
            country="GB", address_lines=["2 High Street"], city="Bristol", postcode="BS1 4DJ")).reference
        letters.produce_letter(made, ref, "clarification-request",
                               fields={"clarification_question": "Which orders do you mean?"})
        letters.produce_letter(made, other, "identity-request")
        for r, verb in ((ref, "pauses"), (other, "stops")):
            view = cases.get_case(later, r)
            assert (view.due_date, view.overdue) == (date(2026, 12, 2), True), view.due_explained
            assert f"{verb} the clock once its letter goes out: until then the reply is due Wed 2 Dec 2026" \
                in view.due_explained
        assert {ref, other} <= {c.reference for c in cases.list_cases(later, overdue=True)}
        moment = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
        lead = Register.open(register.url, Actor("sam", "Sam Lead", "lead"), migrate=False, now=lambda: moment)
        try:
            assert dashboard_data(lead).overdue == 2
        finally:
            lead.dispose()
        assert {w.reference for w in breach_warnings(later, as_of=date(2027, 3, 1))} >= {ref, other}
        rows = {r.reference: r for r in register_rows(later, date(2026, 11, 1), date(2026, 11, 30))}
        assert rows[ref].due == rows[other].due == date(2026, 12, 2)
        audited(later)
    finally:
        made.dispose()
        later.dispose()


def test_a_late_identity_request_names_the_original_due_date(register) -> None:
    """An outside tester: on a case extended to 2 Feb 2027 (told in time; original due Wed 2
    Dec), an identity request made on 1 Dec and held back on 4 Dec was said to come "after
    the due date 2027-02-02", a day still to come, and the agent was told to "reply now".
    After the original due date a request restarts nothing (docs/rules.md, "Identity,
    authority and fee"): the message names that day, and the reply stays due 2 Feb."""
    made, posted = at(register, date(2026, 12, 1)), at(register, date(2026, 12, 4))
    try:
        from muse_care.services.settings import set_setting

        set_setting(made, "four_eyes", False)
        ref = cases.add_case(made, cases.CaseDraft(
            name="Ann Lee", rights=["access"], channel="post", received=date(2026, 11, 2), regime="uk-gdpr",
            country="GB", address_lines=["1 High Street"], city="Bristol", postcode="BS1 4DJ")).reference
        cases.record_event(made, ref, "extended", date(2026, 12, 1), "twelve years of orders")
        notice = letters.produce_letter(made, ref, "extension", fields={"extension_reasons": "400 orders"})
        letters.record_print(made, notice.id)
        letters.mark_dispatched(made, [notice.id])
        asked = letters.produce_letter(made, ref, "identity-request")
        letters.record_print(made, asked.id)
        with pytest.raises(ValidationError) as error:
            letters.mark_dispatched(posted, [asked.id])
        assert "sent on 2026-12-04, after the due date 2026-12-02, a request restarts nothing" in error.value.message
        assert "Reply by the case's due date" in error.value.message
        assert cases.get_case(posted, ref).due_date == date(2027, 2, 2)
    finally:
        made.dispose()
        posted.dispose()
