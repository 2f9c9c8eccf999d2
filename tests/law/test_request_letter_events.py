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

from sqlalchemy import select

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
        assert (waiting.due_date, waiting.status.value, events(asked_on, ref)) == (
            None, "awaiting-identity", [("id-requested", date(2026, 1, 9))])
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
        old = letters.produce_letter(first, ref, "identity-request")  # in time: the clock stops
        assert cases.get_case(first, ref).due_date is None
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
        paused = cases.get_case(asked, ref)
        assert (paused.due_date, paused.status.value) == (None, "awaiting-clarification")
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
        assert cases.get_case(first, ref).due_date is None  # asked in the period: paused
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


def test_a_request_posted_days_after_it_was_made_asks_on_the_day_it_goes_out(register) -> None:
    """Made on Thu 5 Feb 2026, the due date, and posted on Mon 9 Feb: the request went
    out after the period had ended and restarts nothing."""
    made, posted = at(register, date(2026, 2, 5)), at(register, date(2026, 2, 9))
    try:
        ref = cases.add_case(made, cases.CaseDraft(
            name="Ann Lee", rights=["access"], channel="post", received=date(2026, 1, 5), regime="uk-gdpr",
            country="GB", address_lines=["1 High Street"], city="Bristol", postcode="BS1 4DJ")).reference
        letter = letters.produce_letter(made, ref, "identity-request")
        assert cases.get_case(made, ref).due_date is None  # asked on the due date: in time
        letters.record_print(posted, letter.id)
        letters.mark_dispatched(posted, [letter.id])
        view = cases.get_case(posted, ref)
        assert events(posted, ref) == [("id-requested", date(2026, 2, 9))]
        assert view.due_date == date(2026, 2, 5)
        audited(posted)
    finally:
        made.dispose()
        posted.dispose()
