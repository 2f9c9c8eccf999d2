"""The day of a clock event is the day where the case's law applies, not the
organisation's (docs/rules.md, "The day received"). The default organisation is in
Lahore (Asia/Karachi), five hours ahead of London in winter: at 01:30 there on Thu
5 Feb 2026 it is 20:30 on Wed 4 Feb in London. A UK requester's answer recorded then
arrived on 4 Feb; dated 5 Feb it would pause the clock a day longer than the law
does. Through the service (SQLite and the real PostgreSQL server), a letter that asks,
and the window's Clock tab."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from muse_care.domain.errors import ValidationError
from muse_care.services import cases, letters
from muse_care.services.register import Actor, Register
from muse_care.services.settings import get_setting, set_setting

LAHORE_NIGHT = datetime(2026, 2, 4, 20, 30, tzinfo=UTC)  # 01:30 Thu 5 Feb in Lahore, 20:30 Wed 4 Feb in London
LOS_ANGELES_EVENING = datetime(2026, 2, 5, 1, 0, tzinfo=UTC)  # 17:00 Wed 4 Feb in LA, 01:00 Thu 5 Feb in London


def at(register: Register, moment: datetime) -> Register:
    return Register.open(register.url, Actor("aisha", "Aisha Khan"), migrate=False, now=lambda: moment)


def uk_access(register: Register, received: date) -> cases.CaseView:
    return cases.add_case(register, cases.CaseDraft(
        name="Ann Lee", rights=["access"], channel="email", received=received, regime="uk-gdpr",
        email="ann@example.com", country="GB", address_lines=["1 High Street"], city="Bristol",
        postcode="BS1 4DJ"))


def test_an_answer_cannot_be_dated_the_organisations_tomorrow(register) -> None:
    reg = at(register, LAHORE_NIGHT)
    try:
        assert reg.today() == date(2026, 2, 5)  # the organisation's day, in Lahore
        view = uk_access(reg, date(2026, 1, 20))  # due Fri 20 Feb 2026
        assert view.due_date == date(2026, 2, 20)
        asked = cases.record_event(reg, view.reference, "clarification-requested", date(2026, 2, 2))
        with pytest.raises(ValidationError) as error:
            cases.record_event(reg, view.reference, "clarification-received", date(2026, 2, 5),
                               expected_version=asked.version)
        assert error.value.field == "on"
        assert error.value.message == ("clarification-received dated Thu 5 Feb 2026 is in the future where "
                                       "the UK GDPR applies: it is Wed 4 Feb 2026 in Europe/London")
        kept = cases.get_case(reg, view.reference)
        assert (kept.version, len(kept.events), kept.due_date) == (asked.version, 1, None)
        done = cases.record_event(reg, view.reference, "clarification-received", date(2026, 2, 4),
                                  expected_version=asked.version)
        # Art. 12A: 2, 3 and 4 Feb (asked to answered, both counted) do not count: the
        # month from 20 Jan ends three days after 20 Feb, on Mon 23 Feb 2026.
        assert done.due_date == date(2026, 2, 23)
    finally:
        reg.dispose()


def test_with_the_organisation_behind_the_law_its_today_is_not_the_latest_day(register) -> None:
    org = get_setting(register, "organisation")
    set_setting(register, "organisation", {**org, "timezone": "America/Los_Angeles"})
    reg = at(register, LOS_ANGELES_EVENING)
    try:
        assert reg.today() == date(2026, 2, 4)  # still Wednesday in Los Angeles
        view = uk_access(reg, date(2026, 1, 20))
        asked = cases.record_event(reg, view.reference, "clarification-requested", date(2026, 2, 2))
        # It is Thursday in London: an answer that came in after midnight there is dated so.
        done = cases.record_event(reg, view.reference, "clarification-received", date(2026, 2, 5),
                                  expected_version=asked.version)
        assert done.due_date == date(2026, 2, 24)  # 2-5 Feb left out: four days after 20 Feb
    finally:
        reg.dispose()


def test_a_letter_asking_for_clarification_records_the_laws_day(register) -> None:
    reg = at(register, LAHORE_NIGHT)
    try:
        view = uk_access(reg, date(2026, 1, 20))
        info = letters.produce_letter(reg, view.reference, "clarification-request",
                                      fields={"clarification_question": "Which orders do you mean?"})
        after = cases.get_case(reg, view.reference)
        assert [(e.kind, e.on) for e in after.events] == [("clarification-requested", date(2026, 2, 4))]
        assert info.kind == "clarification-request"
        # the answer the same London evening: the pause is the one day, 4 Feb
        done = cases.record_event(reg, view.reference, "clarification-received", date(2026, 2, 4),
                                  expected_version=after.version)
        assert done.due_date == date(2026, 2, 23)  # 20 Feb plus one day is Sat 21 Feb: the next working day
    finally:
        reg.dispose()


def test_an_extension_put_to_a_lead_is_dated_on_the_laws_day_too(register) -> None:
    """Four eyes: the agent's extension waits for a lead. Dated the organisation's
    tomorrow it is refused when asked, not later when the lead approves it."""
    from muse_care.services import team

    set_setting(register, "four_eyes", True)
    reg = at(register, LAHORE_NIGHT)
    lead = Register.open(register.url, Actor("sam", "Sam Lead", "lead"), migrate=False, now=lambda: LAHORE_NIGHT)
    try:
        view = uk_access(reg, date(2026, 1, 20))
        with pytest.raises(ValidationError, match="is in the future where the UK GDPR applies"):
            cases.record_event(reg, view.reference, "extended", date(2026, 2, 5), "complex: several systems")
        asked = cases.record_event(reg, view.reference, "extended", date(2026, 2, 4), "complex: several systems")
        assert asked.status == "awaiting-approval" and asked.events == ()
        pending = team.approval_queue(lead)
        assert [p.case_reference for p in pending] == [view.reference]
        team.decide_approval(lead, pending[0].id, "approved")
        done = cases.get_case(reg, view.reference)
        assert [(e.kind, e.on) for e in done.events] == [("extended", date(2026, 2, 4))]
        # three months from 20 Jan: Mon 20 Apr 2026, once the requester is told of it
        assert (done.extended_to, done.due_date) == (date(2026, 4, 20), date(2026, 2, 20))
    finally:
        lead.dispose()
        reg.dispose()


def la_org(register: Register) -> Register:
    org = get_setting(register, "organisation")
    set_setting(register, "organisation", {**org, "timezone": "America/Los_Angeles"})
    return at(register, LOS_ANGELES_EVENING)


def test_behind_the_law_a_letter_asks_on_the_laws_day_and_rescues_no_overdue_case(register) -> None:
    """Found by an outside tester: with the organisation in Los Angeles, a letter dated
    its Wed 4 Feb recorded the request on 4 Feb although it was Thu 5 Feb in London.
    An identity request after a due date of 4 Feb then restarted the clock (a month
    late), and a clarification request paused a period that had ended."""
    reg = la_org(register)
    try:
        late = uk_access(reg, date(2026, 1, 4))  # due Wed 4 Feb 2026, passed in London
        assert late.due_date == date(2026, 2, 4)
        with pytest.raises(ValidationError, match="after the due date Wed 4 Feb 2026"):
            letters.produce_letter(reg, late.reference, "identity-request")
        kept = cases.get_case(reg, late.reference)
        assert (kept.events, kept.due_date, letters.list_letters(reg, late.reference)) == ((), late.due_date, [])
        # asked on the law's day, a clarification after the period pauses nothing
        letters.produce_letter(reg, late.reference, "clarification-request",
                               fields={"clarification_question": "Which orders do you mean?"})
        asked = cases.get_case(reg, late.reference)
        assert [(e.kind, e.on) for e in asked.events] == [("clarification-requested", date(2026, 2, 5))]
        assert asked.due_date == date(2026, 2, 4)  # not paused: still due on the day that has passed
        # within the period: the pause is the law's one day, 5 Feb (Art. 12A)
        fresh = uk_access(reg, date(2026, 2, 2)).reference  # due Mon 2 Mar 2026
        letters.produce_letter(reg, fresh, "clarification-request",
                               fields={"clarification_question": "Which orders do you mean?"})
        done = cases.record_event(reg, fresh, "clarification-received", date(2026, 2, 5))
        assert done.due_date == date(2026, 3, 3)
    finally:
        reg.dispose()


def test_recorded_late_is_judged_on_the_laws_day(register) -> None:
    """Found by an outside tester: 'recorded late' counted from the organisation's day.
    Ahead of the law (Lahore), a request on the due day itself was 'after the due date
    had passed', and 7 days back was 8; behind it (Los Angeles), a request after a due
    date that had passed in London needed no reason."""
    set_setting(register, "four_eyes", False)
    reg = at(register, LAHORE_NIGHT)  # Wed 4 Feb in London
    try:
        due_today = uk_access(reg, date(2026, 1, 4))  # due Wed 4 Feb 2026
        stopped = cases.record_event(reg, due_today.reference, "id-requested", date(2026, 2, 4))
        assert stopped.events[0].late_note == "" and stopped.due_date is None
        week = uk_access(reg, date(2026, 1, 20))
        taken = cases.record_event(reg, week.reference, "id-requested", date(2026, 1, 28))  # 7 days back
        assert taken.events[0].late_note == ""
    finally:
        reg.dispose()
    reg = la_org(register)  # Thu 5 Feb in London
    try:
        passed = uk_access(reg, date(2026, 1, 5))  # due Thu 5 Feb: today in London
        assert passed.due_date == date(2026, 2, 5)
        with pytest.raises(ValidationError, match=r"is recorded late \(8 days after its date\)"):
            cases.record_event(reg, passed.reference, "id-requested", date(2026, 1, 28))
    finally:
        reg.dispose()


def test_an_electronic_reply_is_dated_on_the_laws_day(register) -> None:
    from muse_care.services.respond_gate import record_electronic_reply

    reg = at(register, LAHORE_NIGHT)
    try:
        ref = uk_access(reg, date(2026, 1, 20)).reference
        with pytest.raises(ValidationError, match="in the future where the UK GDPR applies: it is 2026-02-04 "
                                                  "in Europe/London"):
            record_electronic_reply(reg, ref, "email", date(2026, 2, 5), "the copy of the data, zipped")
        record_electronic_reply(reg, ref, "email", date(2026, 2, 4), "the copy of the data, zipped")
    finally:
        reg.dispose()
    reg = la_org(register)
    try:
        ref = uk_access(reg, date(2026, 1, 21)).reference
        record_electronic_reply(reg, ref, "email", date(2026, 2, 5), "the copy of the data, zipped")
        assert any(h.new.startswith("2026-02-05 by email") for h in cases.get_case(reg, ref).history)
    finally:
        reg.dispose()


def test_a_request_from_the_future_is_refused_naming_the_laws_zone(register) -> None:
    """Found by an outside tester: the refusal said "today is 2026-02-04" without
    saying where, while the organisation's day was already the 5th."""
    from datetime import time

    reg = at(register, LAHORE_NIGHT)
    try:
        with pytest.raises(cases.InvalidInput) as error:
            uk_access(reg, date(2026, 2, 5))
        assert error.value.problems["received"] == "2026-02-05 is in the future (today is 2026-02-04 in Europe/London)"
        draft = cases.CaseDraft(name="Ann Lee", rights=["access"], channel="email", received=date(2026, 2, 4),
                                received_time=time(21, 0), regime="uk-gdpr", email="ann@example.com", country="GB")
        with pytest.raises(cases.InvalidInput) as error:
            cases.add_case(reg, draft)
        assert error.value.problems == {"received_time": "is in the future (it is 20:30 on 2026-02-04 in Europe/London)"}
    finally:
        reg.dispose()


def test_an_extension_notice_is_in_time_by_the_laws_day(register) -> None:
    """Found by an outside tester: the notice's deadline (the original due date, Art.
    12(3)) was judged on the organisation's day. In Lahore at 01:30 on 5 Feb a UK case
    due 4 Feb could not be told (it is still 4 Feb in London); in Los Angeles at 18:00 on
    4 Feb (5 Feb in London) a late notice was made, dated 4 Feb."""
    set_setting(register, "four_eyes", False)
    reg = at(register, LAHORE_NIGHT)
    try:
        view = uk_access(reg, date(2026, 1, 4))  # due Wed 4 Feb 2026
        cases.record_event(reg, view.reference, "extended", date(2026, 2, 4), "complex: twelve years of orders")
        info = letters.produce_letter(reg, view.reference, "extension")
        assert info.kind == "extension"
    finally:
        reg.dispose()
    reg = la_org(register)
    try:
        view = uk_access(reg, date(2026, 1, 5))  # due Thu 5 Feb 2026: still in time in London
        cases.record_event(reg, view.reference, "extended", date(2026, 2, 5), "complex: twelve years of orders")
        letters.produce_letter(reg, view.reference, "extension")
        late = uk_access(reg, date(2026, 1, 4)).reference  # due Wed 4 Feb: passed in London
        cases.record_event(reg, late, "extended", date(2026, 2, 4), "complex: twelve years of orders",
                           late_reason="the lead agreed on the phone on 4 Feb")
        with pytest.raises(ValidationError, match="had to be told of the extension by 2026-02-04"):
            letters.produce_letter(reg, late, "extension")
    finally:
        reg.dispose()


def test_the_register_reads_the_day_answered_where_the_law_applies(register) -> None:
    """Found by an outside tester: the register of requests (and the yearly metrics)
    dated the answer in the organisation's zone. Marked Responded at 20:34 London time
    on its due day, from Lahore, a UK case was 'answered 2026-02-05, on time: no'."""
    from muse_care.services import records
    from tests.tasks.test_records import settle_all

    set_setting(register, "four_eyes", False)
    reg = at(register, LAHORE_NIGHT)
    try:
        view = uk_access(reg, date(2026, 1, 4))  # due Wed 4 Feb 2026
        for check in view.checks:
            cases.record_check(reg, view.reference, check.step, "passed")
        settle_all(reg, view.reference)
        cases.change_status(reg, view.reference, "responded")
        (row,) = records.register_rows(reg, date(2026, 1, 1), date(2026, 12, 31))
        assert (row.due, row.answered, row.on_time) == (date(2026, 2, 4), date(2026, 2, 4), True)
        assert records.metrics(reg, 2026).row("access").on_time == 1
    finally:
        reg.dispose()
