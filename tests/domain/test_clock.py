"""The statutory clock against worked examples (docs/rules.md), date by date.

Every expected date here was checked by hand against a calendar and the nation's list
of bank or public holidays.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from muse_care.domain.clock import (
    ClockEvent,
    ClockEventKind,
    ClockState,
    compute_clock,
    validate_new_event,
    validate_received,
)
from muse_care.domain.dates import fmt_day
from muse_care.domain.errors import ValidationError
from muse_care.domain.regimes import EU_MEMBER_STATES, REGIMES, get_regime
from muse_care.domain.workdays import (
    add_business_days,
    check_region,
    day_text,
    holiday_name,
    is_working_day,
    next_working_day_on_or_after,
)

K = ClockEventKind
UK = get_regime("uk-gdpr")
EU = get_regime("eu-gdpr")
CCPA = get_regime("ccpa")
D = date


def ev(kind: ClockEventKind, on: date, reason: str = "") -> ClockEvent:
    return ClockEvent(kind, on, reason)


def uk(received: date, *events: ClockEvent, region: str | None = None) -> ClockState:
    # An access request: the one kind a UK clarification pauses (docs/rules.md).
    return compute_clock(UK, received, list(events), region, rights=("access",))


# --- the ICO's own worked examples ---------------------------------------------------


def test_received_3_sep_is_due_3_oct() -> None:
    state = uk(D(2025, 9, 3))
    assert state.start == D(2025, 9, 3)
    assert state.due == D(2025, 10, 3)
    assert state.explanation == "received Wed 3 Sep 2025; one month: Fri 3 Oct 2025; due Fri 3 Oct 2025"


def test_received_31_jan_is_due_28_feb() -> None:
    assert uk(D(2025, 1, 31)).due == D(2025, 2, 28)


def test_received_31_jan_in_a_leap_year_is_due_29_feb() -> None:
    state = uk(D(2024, 1, 31))
    assert state.due == D(2024, 2, 29)
    assert "one month: no 31 Feb, so Thu 29 Feb 2024" in state.explanation


def test_received_31_jan_when_28_feb_is_a_saturday_is_due_the_next_working_day() -> None:
    state = uk(D(2026, 1, 31))
    assert state.due == D(2026, 3, 2)
    assert state.explanation == (
        "received Sat 31 Jan 2026; one month: no 31 Feb, so Sat 28 Feb 2026; "
        "Sat 28 Feb is a Saturday, Sun 1 Mar is a Sunday; due Mon 2 Mar 2026"
    )


def test_received_25_nov_2024_is_due_27_dec_after_christmas_and_boxing_day() -> None:
    state = uk(D(2024, 11, 25))
    assert state.due == D(2024, 12, 27)
    assert state.explanation == (
        "received Mon 25 Nov 2024; one month: Wed 25 Dec 2024; "
        "Wed 25 Dec is Christmas Day, Thu 26 Dec is Boxing Day; due Fri 27 Dec 2024"
    )


def test_received_1_jan_is_due_1_feb_and_the_bank_holiday_of_receipt_counts() -> None:
    assert uk(D(2024, 1, 1)).due == D(2024, 2, 1)


def test_received_31_may_has_no_31_june() -> None:
    state = uk(D(2026, 5, 31))
    assert state.due == D(2026, 6, 30)
    assert state.explanation == (
        "received Sun 31 May 2026; one month: no 31 Jun, so Tue 30 Jun 2026; due Tue 30 Jun 2026"
    )


def test_received_on_a_weekend_counts_from_that_day() -> None:
    assert uk(D(2025, 3, 8)).start == D(2025, 3, 8)  # a Saturday
    assert uk(D(2025, 3, 8)).due == D(2025, 4, 8)


def test_29_feb_in_a_leap_year_is_due_29_mar() -> None:
    assert uk(D(2024, 2, 29)).due == D(2024, 3, 29) + timedelta(days=4)  # Good Friday, Easter
    assert "Fri 29 Mar is Good Friday" in uk(D(2024, 2, 29)).explanation


# --- UK bank holidays: one-off days, substitute days, the nations ----------------------


def test_queens_funeral_19_sep_2022_was_a_bank_holiday() -> None:
    state = uk(D(2022, 8, 19))
    assert state.due == D(2022, 9, 20)
    assert "Mon 19 Sep is State Funeral of Queen Elizabeth II" in state.explanation


def test_coronation_8_may_2023_was_a_bank_holiday() -> None:
    state = uk(D(2023, 4, 8))
    assert state.due == D(2023, 5, 9)
    assert "Mon 8 May is Coronation of Charles III" in state.explanation


def test_christmas_2021_substitute_days_27_and_28_dec() -> None:
    state = uk(D(2021, 11, 25))
    assert state.due == D(2021, 12, 29)
    assert (
        "Sat 25 Dec is Christmas Day, Sun 26 Dec is Boxing Day, "
        "Mon 27 Dec is Christmas Day (observed), Tue 28 Dec is Boxing Day (observed)"
    ) in state.explanation


def test_new_year_2022_substitute_day_3_jan_england() -> None:
    assert uk(D(2021, 12, 1)).due == D(2022, 1, 4)


def test_new_year_2022_scotland_also_has_2_jan_and_its_substitute_4_jan() -> None:
    state = uk(D(2021, 12, 1), region="GB-SCT")
    assert state.due == D(2022, 1, 5)
    assert "Tue 4 Jan is New Year Holiday (observed)" in state.explanation


def test_scotland_substitute_4_jan_2021_is_a_working_day_in_england() -> None:
    assert uk(D(2020, 12, 4)).due == D(2021, 1, 4)
    assert uk(D(2020, 12, 4), region="GB-SCT").due == D(2021, 1, 5)


def test_st_andrews_day_only_in_scotland() -> None:
    assert uk(D(2026, 10, 30)).due == D(2026, 11, 30)
    scotland = uk(D(2026, 10, 30), region="GB-SCT")
    assert scotland.due == D(2026, 12, 1)
    assert "Mon 30 Nov is Saint Andrew's Day" in scotland.explanation


def test_northern_ireland_12_july() -> None:
    assert uk(D(2024, 6, 12)).due == D(2024, 7, 12)
    assert uk(D(2024, 6, 12), region="GB-NIR").due == D(2024, 7, 15)


def test_northern_ireland_st_patricks_day() -> None:
    assert uk(D(2026, 2, 17)).due == D(2026, 3, 17)
    assert uk(D(2026, 2, 17), region="GB-NIR").due == D(2026, 3, 18)


def test_wales_has_englands_bank_holidays() -> None:
    for received in (D(2021, 11, 25), D(2022, 8, 19), D(2024, 11, 25)):
        assert uk(received, region="GB-WLS").due == uk(received).due


# --- EU GDPR: the member state's public holidays -----------------------------------


@pytest.mark.parametrize(
    ("received", "due", "holiday"),
    [
        (D(2024, 3, 25), D(2024, 4, 26), "Thu 25 Apr is Liberation Day"),
        (D(2025, 5, 2), D(2025, 6, 3), "Mon 2 Jun is Republic Day"),
        (D(2024, 7, 15), D(2024, 8, 16), "Thu 15 Aug is Assumption Of Mary Day"),
        (D(2025, 11, 8), D(2025, 12, 9), "Mon 8 Dec is Immaculate Conception"),
        (D(2027, 10, 4) - timedelta(days=30), D(2027, 10, 5), "Mon 4 Oct is Saint Francis"),
    ],
)
def test_italian_public_holidays(received: date, due: date, holiday: str) -> None:
    state = compute_clock(EU, received, [])
    assert state.due == due
    assert holiday in state.explanation


def test_italy_4_october_is_a_holiday_only_from_2026() -> None:
    # Law 151 of 8 Oct 2025; the holidays package has it from 2026.
    assert compute_clock(EU, D(2024, 9, 4), []).due == D(2024, 10, 4)
    assert holiday_name(D(2024, 10, 4), "IT") is None
    assert holiday_name(D(2027, 10, 4), "IT") is not None


def test_eu_gdpr_defaults_to_italy_and_another_member_state_can_be_chosen() -> None:
    assert compute_clock(EU, D(2025, 9, 3), []).due == D(2025, 10, 3)
    germany = compute_clock(EU, D(2025, 9, 3), [], "DE")
    assert germany.due == D(2025, 10, 6)
    assert "Fri 3 Oct is German Unity Day" in germany.explanation


def test_a_subdivision_of_an_offered_member_state_is_accepted() -> None:
    assert compute_clock(EU, D(2024, 12, 6), [], "DE").due == D(2025, 1, 6)
    assert compute_clock(EU, D(2024, 12, 6), [], "DE-BY").due == D(2025, 1, 7)  # Epiphany


def test_a_region_the_regime_does_not_offer_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        uk(D(2025, 1, 1), region="US-CA")
    assert error.value.field == "holiday_region"
    assert "GB-ENG" in error.value.message


# --- identity, authority and fee stop the clock (GDPR) -------------------------------


def test_identity_requested_and_outstanding_stops_the_clock() -> None:
    state = uk(D(2026, 3, 2), ev(K.ID_REQUESTED, D(2026, 3, 3)))
    assert (state.start, state.due, state.original_due) == (None, None, None)
    assert state.waiting_for == "identity"
    assert state.explanation == (
        "received Mon 2 Mar 2026; clock stopped: identity requested Tue 3 Mar 2026, not yet received"
    )
    assert state.days_left(D(2026, 6, 1)) is None
    assert not state.is_overdue(D(2027, 1, 1))


def test_clock_starts_when_identity_arrives() -> None:
    state = uk(D(2026, 3, 2), ev(K.ID_REQUESTED, D(2026, 3, 3)), ev(K.ID_RECEIVED, D(2026, 3, 5)))
    assert state.start == D(2026, 3, 5)
    assert state.due == D(2026, 4, 7)
    assert state.waiting_for is None
    assert state.explanation == (
        "received Mon 2 Mar 2026; clock started Thu 5 Mar 2026 when identity arrived; "
        "one month: Sun 5 Apr 2026; Sun 5 Apr is a Sunday, Mon 6 Apr is Easter Monday; "
        "due Tue 7 Apr 2026"
    )


def test_identity_arriving_on_the_day_received_changes_nothing() -> None:
    state = uk(D(2025, 9, 3), ev(K.ID_REQUESTED, D(2025, 9, 3)), ev(K.ID_RECEIVED, D(2025, 9, 3)))
    assert state.start == D(2025, 9, 3)
    assert "clock started" not in state.explanation


def test_identity_asked_twice_starts_on_the_second_arrival() -> None:
    events = [
        ev(K.ID_REQUESTED, D(2025, 9, 4)),
        ev(K.ID_RECEIVED, D(2025, 9, 8)),
        ev(K.ID_REQUESTED, D(2025, 9, 9)),  # the first document was unreadable
    ]
    assert uk(D(2025, 9, 3), *events).due is None
    state = uk(D(2025, 9, 3), *events, ev(K.ID_RECEIVED, D(2025, 9, 15)))
    assert state.start == D(2025, 9, 15)
    assert state.due == D(2025, 10, 15)


def test_identity_asked_and_sent_twice_on_one_day_in_any_listed_order() -> None:
    day = D(2025, 9, 5)
    events = [
        ev(K.ID_RECEIVED, day), ev(K.ID_RECEIVED, day), ev(K.ID_REQUESTED, day), ev(K.ID_REQUESTED, day)
    ]
    state = uk(D(2025, 9, 3), *events)
    assert state.start == day
    assert state.waiting_for is None
    # and the second request can be recorded after the first round, on the same day
    validate_new_event(UK, D(2025, 9, 3), events[::2], ev(K.ID_REQUESTED, day), day)


def test_authority_and_fee_the_later_arrival_starts_the_clock() -> None:
    events = [
        ev(K.AUTHORITY_REQUESTED, D(2025, 9, 4)),
        ev(K.FEE_REQUESTED, D(2025, 9, 4)),
        ev(K.AUTHORITY_RECEIVED, D(2025, 9, 10)),
    ]
    stopped = uk(D(2025, 9, 3), *events)
    assert stopped.waiting_for == "fee"
    assert "clock stopped: fee requested Thu 4 Sep 2025, not yet received" in stopped.explanation
    state = uk(D(2025, 9, 3), *events, ev(K.FEE_RECEIVED, D(2025, 9, 12)))
    assert state.start == D(2025, 9, 12)
    assert "clock started Fri 12 Sep 2025 when fee arrived" in state.explanation


def test_two_outstanding_requests_are_both_named() -> None:
    state = uk(D(2025, 9, 3), ev(K.FEE_REQUESTED, D(2025, 9, 5)), ev(K.ID_REQUESTED, D(2025, 9, 4)))
    assert state.waiting_for == "identity"
    assert state.explanation.endswith(
        "clock stopped: identity requested Thu 4 Sep 2025 and fee requested Fri 5 Sep 2025, "
        "not yet received"
    )


# --- clarification pauses -------------------------------------------------------------


def test_clarification_days_are_added_both_counted() -> None:
    state = uk(
        D(2026, 3, 1),
        ev(K.CLARIFICATION_REQUESTED, D(2026, 3, 2)),
        ev(K.CLARIFICATION_RECEIVED, D(2026, 3, 4)),
    )
    assert state.paused_days == 3
    assert state.due == D(2026, 4, 7)
    assert state.explanation == (
        "received Sun 1 Mar 2026; one month: Wed 1 Apr 2026; "
        "+3 days paused for clarification (Mon 2 Mar–Wed 4 Mar): Sat 4 Apr 2026; "
        "Sat 4 Apr is a Saturday, Sun 5 Apr is a Sunday, Mon 6 Apr is Easter Monday; "
        "due Tue 7 Apr 2026"
    )


def test_clarification_is_added_before_the_working_day_roll() -> None:
    # 25 Dec + 1 day = 26 Dec, rolled to Fri 27 Dec. Rolling first would give
    # 27 Dec + 1 = Sat 28 Dec, rolled to Mon 30 Dec.
    day = D(2024, 11, 26)
    state = uk(D(2024, 11, 25), ev(K.CLARIFICATION_REQUESTED, day), ev(K.CLARIFICATION_RECEIVED, day))
    assert state.paused_days == 1
    assert state.due == D(2024, 12, 27)
    assert "+1 day paused for clarification (Tue 26 Nov–Tue 26 Nov)" in state.explanation


def test_two_clarification_rounds_add_up() -> None:
    state = uk(
        D(2025, 9, 3),
        ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 4)),
        ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 5)),
        ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 10)),
        ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 12)),
    )
    assert state.paused_days == 5
    assert state.due == D(2025, 10, 8)  # Fri 3 Oct + 5 = Wed 8 Oct
    assert "(Thu 4 Sep–Fri 5 Sep, Wed 10 Sep–Fri 12 Sep)" in state.explanation


def test_outstanding_clarification_pauses_the_clock() -> None:
    state = uk(D(2026, 3, 1), ev(K.CLARIFICATION_REQUESTED, D(2026, 3, 2)))
    assert state.start == D(2026, 3, 1)
    assert state.due is None
    assert state.waiting_for == "clarification"
    assert state.explanation == (
        "received Sun 1 Mar 2026; clock paused: clarification requested Mon 2 Mar 2026, "
        "not yet received"
    )


def test_second_clarification_outstanding_says_how_long_the_first_paused() -> None:
    state = uk(
        D(2026, 3, 1),
        ev(K.CLARIFICATION_REQUESTED, D(2026, 3, 2)),
        ev(K.CLARIFICATION_RECEIVED, D(2026, 3, 2)),
        ev(K.CLARIFICATION_REQUESTED, D(2026, 3, 9)),
    )
    assert state.due is None
    assert state.paused_days == 1
    assert state.explanation == (
        "received Sun 1 Mar 2026; 1 day paused for clarification so far (Mon 2 Mar–Mon 2 Mar); "
        "clock paused: clarification requested Mon 9 Mar 2026, not yet received"
    )


def test_clarification_before_the_clock_started_does_not_count() -> None:
    events = [
        ev(K.ID_REQUESTED, D(2025, 9, 3)),
        ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 4)),
        ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 5)),
        ev(K.ID_RECEIVED, D(2025, 9, 8)),
    ]
    state = uk(D(2025, 9, 3), *events)
    assert state.start == D(2025, 9, 8)
    assert state.paused_days == 0
    assert state.due == D(2025, 10, 8)


def test_clarification_overlapping_the_start_counts_from_the_day_after_it() -> None:
    # The clock starts Mon 8 Sep (day zero, no part of the month): of 4-9 Sep only
    # Tue 9 Sep would have counted, so 8 Oct + 1 day = Thu 9 Oct.
    events = [
        ev(K.ID_REQUESTED, D(2025, 9, 3)),
        ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 4)),
        ev(K.ID_RECEIVED, D(2025, 9, 8)),
        ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 9)),
    ]
    state = uk(D(2025, 9, 3), *events)
    assert state.paused_days == 1
    assert state.due == D(2025, 10, 9)
    assert "+1 day paused for clarification (Tue 9 Sep–Tue 9 Sep)" in state.explanation


# --- extensions -----------------------------------------------------------------------


def test_extension_from_31_oct_is_31_jan() -> None:
    state = uk(D(2024, 10, 31), ev(K.EXTENDED, D(2024, 11, 4), "complex request"))
    assert state.extended
    assert state.extension_reason == "complex request"
    assert state.due == D(2025, 1, 31)
    assert state.original_due == D(2024, 12, 2)  # 30 Nov 2024 is a Saturday
    assert state.explanation == (
        "received Thu 31 Oct 2024; extended by two months (complex request): "
        "three months: Fri 31 Jan 2025; due Fri 31 Jan 2025 (original due Mon 2 Dec 2024)"
    )


@pytest.mark.parametrize(
    ("received", "due", "step"),
    [
        (D(2024, 11, 30), D(2025, 2, 28), "no 30 Feb, so Fri 28 Feb 2025"),
        (D(2023, 11, 30), D(2024, 2, 29), "no 30 Feb, so Thu 29 Feb 2024"),
    ],
)
def test_extension_from_30_nov_ends_in_february(received: date, due: date, step: str) -> None:
    state = uk(received, ev(K.EXTENDED, received + timedelta(days=5), "several requests"))
    assert state.due == due
    assert step in state.explanation


def test_extension_counts_three_months_from_the_start_not_two_from_the_due_date() -> None:
    # 31 Jan + 3 months = 30 Apr; chained (28 Feb + 2 months) would give 28 Apr.
    state = uk(D(2025, 1, 31), ev(K.EXTENDED, D(2025, 2, 3), "complex"))
    assert state.due == D(2025, 4, 30)


def test_extension_counts_from_the_clock_start_and_keeps_clarification_pauses() -> None:
    state = uk(
        D(2025, 9, 1),
        ev(K.ID_REQUESTED, D(2025, 9, 1)),
        ev(K.ID_RECEIVED, D(2025, 9, 3)),
        ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 10)),
        ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 11)),
        ev(K.EXTENDED, D(2025, 9, 12), "complex"),
    )
    assert state.original_due == D(2025, 10, 6)  # Fri 3 Oct + 2 = Sun 5 Oct, rolled
    assert state.due == D(2025, 12, 5)  # Wed 3 Dec + 2
    assert state.paused_days == 2


def test_extension_reason_is_kept_on_one_line() -> None:
    state = uk(D(2024, 10, 31), ev(K.EXTENDED, D(2024, 11, 4), "complex\nrequest; many  files"))
    assert "\n" not in state.explanation
    assert state.extension_reason == "complex request; many files"


# --- CCPA and the other day-based regimes --------------------------------------------


def test_ccpa_45_calendar_days_without_a_roll() -> None:
    state = compute_clock(CCPA, D(2025, 1, 1), [])
    assert state.due == D(2025, 2, 15)  # a Saturday: calendar days, no roll
    assert state.explanation == "received Wed 1 Jan 2025; 45 days: Sat 15 Feb 2025; due Sat 15 Feb 2025"


def test_ccpa_extended_is_90_days_from_receipt() -> None:
    state = compute_clock(CCPA, D(2025, 1, 1), [ev(K.EXTENDED, D(2025, 2, 1), "volume")])
    assert state.due == D(2025, 4, 1)
    assert state.original_due == D(2025, 2, 15)
    assert "extended by 45 days (volume): 90 days: Tue 1 Apr 2025" in state.explanation


def test_ccpa_acknowledge_within_10_business_days() -> None:
    assert compute_clock(CCPA, D(2025, 1, 1), []).acknowledge_by == D(2025, 1, 15)
    # Mon 20 Jan 2025 is Martin Luther King Jr. Day.
    assert compute_clock(CCPA, D(2025, 1, 10), []).acknowledge_by == D(2025, 1, 27)
    assert uk(D(2025, 1, 10)).acknowledge_by is None


def test_ccpa_clock_runs_regardless_of_verification() -> None:
    state = compute_clock(CCPA, D(2025, 1, 1), [ev(K.ID_REQUESTED, D(2025, 1, 2))])
    assert state.start == D(2025, 1, 1)
    assert state.due == D(2025, 2, 15)
    assert state.waiting_for == "identity"
    late = compute_clock(
        CCPA, D(2025, 1, 1), [ev(K.ID_REQUESTED, D(2025, 1, 2)), ev(K.ID_RECEIVED, D(2025, 1, 30))]
    )
    assert late.due == D(2025, 2, 15)


def test_ccpa_clarification_does_not_pause() -> None:
    events = [ev(K.CLARIFICATION_REQUESTED, D(2025, 1, 2)), ev(K.CLARIFICATION_RECEIVED, D(2025, 1, 9))]
    state = compute_clock(CCPA, D(2025, 1, 1), events)
    assert state.due == D(2025, 2, 15)
    assert state.paused_days == 0


def test_virginia_and_brazil() -> None:
    assert compute_clock(get_regime("vcdpa"), D(2025, 1, 1), []).due == D(2025, 2, 15)
    vcdpa = compute_clock(get_regime("vcdpa"), D(2025, 1, 1), [ev(K.EXTENDED, D(2025, 1, 2), "x")])
    assert vcdpa.due == D(2025, 4, 1)
    assert compute_clock(get_regime("lgpd"), D(2025, 1, 1), []).due == D(2025, 1, 16)


# --- days left and overdue -----------------------------------------------------------


def test_due_today_is_zero_days_left_and_not_overdue() -> None:
    state = uk(D(2024, 11, 25))  # due Fri 27 Dec 2024
    assert state.days_left(D(2024, 12, 26)) == 1
    assert state.days_left(D(2024, 12, 27)) == 0
    assert not state.is_overdue(D(2024, 12, 27))
    assert state.days_left(D(2024, 12, 28)) == -1
    assert state.is_overdue(D(2024, 12, 28))


# --- order of events -----------------------------------------------------------------


def test_event_order_in_the_input_does_not_matter() -> None:
    events = [
        ev(K.ID_REQUESTED, D(2025, 9, 3)),
        ev(K.ID_RECEIVED, D(2025, 9, 3)),  # same day: the request sorts first
        ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 10)),
        ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 11)),
        ev(K.EXTENDED, D(2025, 9, 12), "complex"),
    ]
    assert uk(D(2025, 9, 3), *events) == uk(D(2025, 9, 3), *reversed(events))


def test_an_impossible_history_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        uk(D(2025, 9, 3), ev(K.ID_RECEIVED, D(2025, 9, 4)))
    assert error.value.field == "events"
    assert error.value.message == "id-received: identity was not requested"


# --- validate_new_event: every refusal -----------------------------------------------

RECEIVED = D(2026, 3, 2)
TODAY = D(2026, 4, 20)


def refused(new: ClockEvent, *existing: ClockEvent, regime_code: str = "uk-gdpr") -> ValidationError:
    with pytest.raises(ValidationError) as error:
        validate_new_event(get_regime(regime_code), RECEIVED, list(existing), new, TODAY)
    return error.value


def test_valid_events_pass() -> None:
    existing = [ev(K.ID_REQUESTED, D(2026, 3, 3))]
    validate_new_event(UK, RECEIVED, existing, ev(K.ID_RECEIVED, D(2026, 3, 3)), TODAY)
    validate_new_event(UK, RECEIVED, [], ev(K.EXTENDED, D(2026, 4, 1), "complex"), TODAY)
    validate_new_event(UK, RECEIVED, [], ev(K.CLARIFICATION_REQUESTED, TODAY), TODAY)


def test_refuses_a_date_in_the_future() -> None:
    error = refused(ev(K.ID_REQUESTED, D(2026, 4, 21)))
    assert error.field == "on"
    assert error.message == "id-requested dated Tue 21 Apr 2026 is in the future (today is Mon 20 Apr 2026)"


def test_refuses_a_date_before_the_request_was_received() -> None:
    error = refused(ev(K.ID_REQUESTED, D(2026, 3, 1)))
    assert error.field == "on"
    assert error.message == (
        "id-requested dated Sun 1 Mar 2026 is before the request was received (Mon 2 Mar 2026)"
    )


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        (K.ID_RECEIVED, "identity"),
        (K.AUTHORITY_RECEIVED, "authority"),
        (K.FEE_RECEIVED, "fee"),
        (K.CLARIFICATION_RECEIVED, "clarification"),
    ],
)
def test_refuses_an_answer_that_was_not_requested(kind: ClockEventKind, what: str) -> None:
    error = refused(ev(kind, D(2026, 3, 5)))
    assert error.field == "kind"
    assert error.message == f"{kind}: {what} was not requested"


def test_refuses_a_second_answer_to_one_request() -> None:
    error = refused(
        ev(K.ID_RECEIVED, D(2026, 3, 6)), ev(K.ID_REQUESTED, D(2026, 3, 3)), ev(K.ID_RECEIVED, D(2026, 3, 5))
    )
    assert error.message == "id-received: identity was not requested since it arrived on Thu 5 Mar 2026"


def test_refuses_an_answer_dated_before_its_request() -> None:
    error = refused(ev(K.ID_RECEIVED, D(2026, 3, 4)), ev(K.ID_REQUESTED, D(2026, 3, 5)))
    assert error.field == "on"
    assert error.message == (
        "id-received dated Wed 4 Mar 2026 is before identity was requested (Thu 5 Mar 2026)"
    )


def test_refuses_a_second_request_while_one_is_outstanding() -> None:
    error = refused(ev(K.FEE_REQUESTED, D(2026, 3, 9)), ev(K.FEE_REQUESTED, D(2026, 3, 3)))
    assert error.field == "kind"
    assert error.message == (
        "fee-requested: fee was already requested on Tue 3 Mar 2026 and has not arrived yet"
    )


def test_refuses_a_dated_back_event_that_clashes_with_later_ones() -> None:
    existing = [ev(K.ID_REQUESTED, D(2026, 3, 5)), ev(K.ID_RECEIVED, D(2026, 3, 9))]
    error = refused(ev(K.ID_REQUESTED, D(2026, 3, 6)), *existing)
    assert error.field == "kind"
    assert "identity was already requested on Thu 5 Mar 2026" in error.message


def test_refuses_an_extension_without_a_reason() -> None:
    error = refused(ev(K.EXTENDED, D(2026, 3, 10), "   "))
    assert error.field == "reason"
    assert "needs a reason" in error.message


def test_refuses_an_extension_after_the_original_due_date() -> None:
    # received Mon 2 Mar 2026: due Thu 2 Apr 2026; "within one month" includes that day
    # (docs/rules.md, "Extension").
    validate_new_event(UK, D(2026, 3, 2), [], ev(K.EXTENDED, D(2026, 4, 2), "complex"), D(2026, 4, 2))
    error = refused(ev(K.EXTENDED, D(2026, 4, 3), "complex"))
    assert error.field == "on"
    assert error.message == "extension must be told on or before the original due date Thu 2 Apr 2026"


def test_refuses_a_second_extension() -> None:
    error = refused(ev(K.EXTENDED, D(2026, 3, 20), "more"), ev(K.EXTENDED, D(2026, 3, 10), "complex"))
    assert error.field == "kind"
    assert error.message == "extended: already extended on Tue 10 Mar 2026"


def test_refuses_an_extension_in_a_regime_without_one() -> None:
    error = refused(ev(K.EXTENDED, D(2026, 3, 5), "complex"), regime_code="lgpd")
    assert error.field == "kind"
    assert error.message == "extended: LGPD (Brazil) allows no extension"


def test_refuses_an_extension_while_the_clock_is_stopped() -> None:
    error = refused(ev(K.EXTENDED, D(2026, 3, 10), "complex"), ev(K.ID_REQUESTED, D(2026, 3, 3)))
    assert error.message == (
        "extended: cannot extend while the clock is stopped "
        "(identity requested Tue 3 Mar 2026, not yet received)"
    )


def test_validate_received() -> None:
    validate_received(D(2026, 4, 20), D(2026, 4, 20))
    validate_received(D(2018, 5, 25), D(2026, 4, 20))
    with pytest.raises(ValidationError, match="is in the future"):
        validate_received(D(2026, 4, 21), D(2026, 4, 20))
    with pytest.raises(ValidationError, match="before Fri 25 May 2018, when the GDPR began"):
        validate_received(D(2018, 5, 24), D(2026, 4, 20))


# --- the regime table -----------------------------------------------------------------


def test_unknown_regime() -> None:
    with pytest.raises(ValidationError) as error:
        get_regime("pdpa")
    assert error.value.field == "regime"
    assert error.value.message == "unknown regime 'pdpa'; known: uk-gdpr, eu-gdpr, ccpa, vcdpa, lgpd, pipeda"


def test_every_regime_region_is_known_to_the_holidays_package() -> None:
    for regime in REGIMES.values():
        assert regime.default_holiday_region in regime.holiday_regions
        for region in regime.holiday_regions:
            assert check_region(region) == region


def test_eu_gdpr_offers_every_member_state() -> None:
    assert len(set(EU_MEMBER_STATES)) == 27
    # every member state, the EEA states and the German Länder (docs/rules.md, "Letters by regime")
    assert set(EU_MEMBER_STATES) | {"IS", "LI", "NO", "DE-BY", "DE-BE"} <= set(EU.holiday_regions)
    assert len(EU.holiday_regions) == 27 + 3 + 16


def test_regime_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        REGIMES["x"] = UK  # type: ignore[index]


def test_the_table_says_which_regimes_stop_for_verification() -> None:
    assert UK.verification_stops_clock and EU.verification_stops_clock
    assert not CCPA.verification_stops_clock
    assert CCPA.acknowledge_within_business_days == 10


# --- working days ----------------------------------------------------------------------


def test_next_working_day_explains_each_skipped_day() -> None:
    assert next_working_day_on_or_after(D(2026, 5, 30), "GB-ENG") == (
        D(2026, 6, 1),
        ["Sat 30 May is a Saturday", "Sun 31 May is a Sunday"],
    )
    assert next_working_day_on_or_after(D(2026, 6, 1), "GB-ENG") == (D(2026, 6, 1), [])


def test_is_working_day_and_holiday_name() -> None:
    assert holiday_name(D(2024, 12, 25), "GB-ENG") == "Christmas Day"
    assert not is_working_day(D(2024, 12, 25), "GB-ENG")
    assert not is_working_day(D(2024, 12, 28), "GB-ENG")
    assert is_working_day(D(2024, 12, 27), "GB-ENG")
    assert holiday_name(D(2024, 12, 27), "GB-ENG") is None


def test_add_business_days() -> None:
    assert add_business_days(D(2024, 12, 20), 0, "GB-ENG") == D(2024, 12, 20)
    assert add_business_days(D(2024, 12, 20), 1, "GB-ENG") == D(2024, 12, 23)
    assert add_business_days(D(2024, 12, 24), 1, "GB-ENG") == D(2024, 12, 27)
    assert add_business_days(D(2025, 3, 29), 10, "US-CA") == D(2025, 4, 14)  # Mon 31 Mar is Cesar Chavez Day


@pytest.mark.parametrize("region", ["GB-XYZ", "XX", "", "gb-eng"])
def test_unknown_holiday_regions_are_refused(region: str) -> None:
    with pytest.raises(ValidationError) as error:
        is_working_day(D(2025, 1, 1), region)
    assert error.value.field == "holiday_region"
    assert f"'{region}'" in error.value.message


def test_day_text_matches_fmt_day() -> None:
    day = D(2024, 1, 1)
    for _ in range(800):
        assert day_text(day) == fmt_day(day)
        day += timedelta(days=1)
