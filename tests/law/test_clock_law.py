"""The clock as the law counts it: one test for each fault found from outside
(issue "The law, exactly", items 1-7), each with dates checked by hand on a calendar.

The rules are in docs/rules.md; each test names the section it checks.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from muse_care.domain.clock import (
    ClockEvent,
    ClockEventKind,
    compute_clock,
    received_day,
    validate_new_event,
)
from muse_care.domain.errors import ValidationError
from muse_care.domain.regimes import get_regime

from . import oracle

K = ClockEventKind
UK = get_regime("uk-gdpr")
EU = get_regime("eu-gdpr")
CCPA = get_regime("ccpa")
D = date
ACCESS = ("access",)


def ev(kind: ClockEventKind, on: date, reason: str = "") -> ClockEvent:
    return ClockEvent(kind, on, reason)


# 1. "Clarification": the EU GDPR has no clarification stop (recital 63).


def test_eu_clarification_moves_nothing() -> None:
    # Italy, received Wed 3 Sep 2025, clarification asked 4 Sep and answered 10 Sep.
    state = compute_clock(EU, D(2025, 9, 3), [ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 4)),
                                             ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 10))],
                          "IT", rights=ACCESS)
    assert state.due == D(2025, 10, 3)
    assert state.paused_days == 0
    assert "EU GDPR: no clarification pause (recital 63)" in state.explanation


def test_eu_outstanding_clarification_leaves_the_due_date() -> None:
    state = compute_clock(EU, D(2025, 9, 3), [ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 4))],
                          "IT", rights=ACCESS)
    assert state.due == D(2025, 10, 3)
    assert state.waiting_for == "clarification"
    assert state.is_overdue(D(2025, 10, 6))


# 2. A pause only suspends a running period.


def test_uk_clarification_after_the_due_date_moves_nothing() -> None:
    events = [ev(K.CLARIFICATION_REQUESTED, D(2025, 10, 10))]
    state = compute_clock(UK, D(2025, 9, 3), events, rights=ACCESS)
    assert state.due == D(2025, 10, 3)
    assert state.is_overdue(D(2025, 10, 10))
    assert "clarification asked Fri 10 Oct, after the due date: no pause" in state.explanation
    answered = compute_clock(UK, D(2025, 9, 3), [*events, ev(K.CLARIFICATION_RECEIVED, D(2025, 10, 15))],
                             rights=ACCESS)
    assert answered.due == D(2025, 10, 3)


def test_uk_clarification_asked_on_the_due_date_still_pauses() -> None:
    # The due date itself is inside the month: Fri 3 Oct to Mon 6 Oct is 4 days.
    state = compute_clock(UK, D(2025, 9, 3), [ev(K.CLARIFICATION_REQUESTED, D(2025, 10, 3)),
                                             ev(K.CLARIFICATION_RECEIVED, D(2025, 10, 6))],
                          rights=ACCESS)
    assert state.due == D(2025, 10, 7)


# 3. Clarification days are a set.


def test_overlapping_clarification_rounds_count_a_shared_day_once() -> None:
    # Received Thu 1 Oct 2026: one month is Sun 1 Nov. Rounds Fri 2-Mon 5 Oct and
    # Mon 5-Tue 6 Oct share Mon 5 Oct: 2-6 Oct is 5 days, so Fri 6 Nov (not 6 days:
    # Sat 7 Nov, rolled to Mon 9 Nov).
    events = [
        ev(K.CLARIFICATION_REQUESTED, D(2026, 10, 2)), ev(K.CLARIFICATION_RECEIVED, D(2026, 10, 5)),
        ev(K.CLARIFICATION_REQUESTED, D(2026, 10, 5)), ev(K.CLARIFICATION_RECEIVED, D(2026, 10, 6)),
    ]
    state = compute_clock(UK, D(2026, 10, 1), events, rights=ACCESS)
    assert state.paused_days == 5
    assert state.due == D(2026, 11, 6)


# 4. UK clarification only for access, and its days do not count towards the month
#    for telling of an extension.


@pytest.mark.parametrize("rights", [("erasure",), ("rectification", "objection"), ()])
def test_uk_clarification_pauses_only_access_requests(rights: tuple[str, ...]) -> None:
    events = [ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 4)), ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 10))]
    state = compute_clock(UK, D(2025, 9, 3), events, rights=rights)
    assert state.due == D(2025, 10, 3)
    assert "only for access requests" in state.explanation
    outstanding = compute_clock(UK, D(2025, 9, 3), events[:1], rights=rights)
    assert outstanding.due == D(2025, 10, 3)


def test_uk_access_clarification_pauses_the_period_and_the_extension_notice() -> None:
    events = [ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 4)), ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 10))]
    state = compute_clock(UK, D(2025, 9, 3), events, rights=("erasure", "access"))
    assert state.due == D(2025, 10, 10)  # 3 Oct + 7 days (4-10 Sep)
    # Telling of an extension on Fri 10 Oct is still within the (paused) month.
    validate_new_event(UK, D(2025, 9, 3), events, ev(K.EXTENDED, D(2025, 10, 10), "complex"),
                       D(2025, 10, 10), rights=ACCESS)
    extended = compute_clock(UK, D(2025, 9, 3), [*events, ev(K.EXTENDED, D(2025, 10, 10), "complex")],
                             rights=ACCESS)
    assert extended.due == D(2025, 12, 10)  # 3 Dec + 7 days


# 5. The received day is the day where the law applies.


def test_a_london_request_at_2330_is_received_that_day() -> None:
    at = datetime(2025, 1, 31, 23, 30, tzinfo=timezone.utc)  # 23:30 GMT; 04:30 next day in Karachi
    assert received_day(UK, at) == D(2025, 1, 31)
    assert compute_clock(UK, received_day(UK, at), []).due == D(2025, 2, 28)


def test_a_california_request_in_the_evening_is_received_that_day() -> None:
    at = datetime(2025, 2, 1, 4, 0, tzinfo=timezone.utc)  # 20:00 PST on Fri 31 Jan
    assert received_day(CCPA, at) == D(2025, 1, 31)


def test_eu_received_day_follows_the_member_state() -> None:
    at = datetime(2025, 1, 31, 23, 30, tzinfo=timezone.utc)
    assert received_day(EU, at, "IT") == D(2025, 2, 1)  # 00:30 in Rome
    assert received_day(EU, at, "PT") == D(2025, 1, 31)  # 23:30 in Lisbon
    assert received_day(EU, at, "IT", country="IE") == D(2025, 1, 31)  # a requester in Dublin
    assert received_day(EU, at, "FI") == D(2025, 2, 1)  # 01:30 in Helsinki


# 6. An identity, fee or authority request after the due date restarts nothing.


@pytest.mark.parametrize(("asked", "got"), [
    (K.ID_REQUESTED, K.ID_RECEIVED), (K.AUTHORITY_REQUESTED, K.AUTHORITY_RECEIVED),
    (K.FEE_REQUESTED, K.FEE_RECEIVED),
])
def test_a_late_stopping_request_does_not_restart_the_clock(asked: ClockEventKind, got: ClockEventKind) -> None:
    late = [ev(asked, D(2025, 10, 10)), ev(got, D(2025, 10, 12))]
    for events in (late[:1], late):
        state = compute_clock(UK, D(2025, 9, 3), events, rights=ACCESS)
        assert state.start == D(2025, 9, 3)
        assert state.due == D(2025, 10, 3)
        assert state.is_overdue(D(2025, 10, 12))
        assert "after the due date Fri 3 Oct 2025: no restart" in state.explanation
    with pytest.raises(ValidationError) as error:
        validate_new_event(UK, D(2025, 9, 3), [], late[0], D(2025, 10, 10))
    assert error.value.field == "on"
    assert "after the due date Fri 3 Oct 2025" in error.value.message


def test_a_stopping_request_on_the_due_date_still_restarts() -> None:
    events = [ev(K.ID_REQUESTED, D(2025, 10, 3)), ev(K.ID_RECEIVED, D(2025, 10, 6))]
    validate_new_event(UK, D(2025, 9, 3), [], events[0], D(2025, 10, 3))
    assert compute_clock(UK, D(2025, 9, 3), events).due == D(2025, 11, 6)


# 7. An extension on the original due date itself, and during a clarification pause.


def test_an_extension_on_the_original_due_date_is_allowed() -> None:
    extension = ev(K.EXTENDED, D(2025, 10, 3), "complex")
    validate_new_event(UK, D(2025, 9, 3), [], extension, D(2025, 10, 3))
    assert compute_clock(UK, D(2025, 9, 3), [extension]).due == D(2025, 12, 3)
    with pytest.raises(ValidationError, match="Fri 3 Oct 2025"):
        validate_new_event(UK, D(2025, 9, 3), [], ev(K.EXTENDED, D(2025, 10, 4), "complex"), D(2025, 10, 4))


def test_an_extension_during_a_clarification_pause_is_allowed() -> None:
    asked = ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 10))
    extension = ev(K.EXTENDED, D(2025, 9, 12), "complex")
    validate_new_event(UK, D(2025, 9, 3), [asked], extension, D(2025, 9, 12), rights=ACCESS)
    paused = compute_clock(UK, D(2025, 9, 3), [asked, extension], rights=ACCESS)
    assert paused.due is None and paused.extended
    answered = compute_clock(UK, D(2025, 9, 3), [asked, extension, ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 15))],
                             rights=ACCESS)
    assert answered.due == D(2025, 12, 9)  # 3 Dec + 6 days (10-15 Sep)


# CCPA: business days, opt-out and limit requests (docs/rules.md, "CCPA").


def test_ccpa_business_days_skip_only_federal_and_state_holidays() -> None:
    # Mon 30 Mar 2026: Cesar Chavez Day (Tue 31 Mar) is a state holiday only, so it is
    # a business day; ten business days end Mon 13 Apr.
    assert compute_clock(CCPA, D(2026, 3, 30), [], rights=ACCESS).acknowledge_by == D(2026, 4, 13)


def test_ccpa_opt_out_and_limit_are_due_in_15_business_days() -> None:
    for right in ("opt-out-sale", "limit-sensitive"):
        state = compute_clock(CCPA, D(2026, 3, 30), [], rights=(right,))
        assert state.due == D(2026, 4, 20), state.explanation
        assert "15 business days" in state.explanation
    mixed = compute_clock(CCPA, D(2026, 3, 30), [], rights=("access", "opt-out-sale"))
    assert mixed.due == D(2026, 4, 20)
    assert compute_clock(CCPA, D(2026, 3, 30), [], rights=ACCESS).due == D(2026, 5, 14)


# 8. Day zero: the day the clock starts is not part of the period, so a clarification
#    on that day pauses nothing (docs/rules.md, "Clarification"; outside finding 1).
#    Each history is checked against the oracle too: it shared the misreading once.

DAY_ZERO = {
    # Received Wed 3 Sep 2025, clarification asked and answered that day: due Fri 3 Oct.
    "asked-and-answered-on-receipt": (
        "GB-ENG", D(2025, 9, 3),
        [(K.CLARIFICATION_REQUESTED, D(2025, 9, 3)), (K.CLARIFICATION_RECEIVED, D(2025, 9, 3))],
        D(2025, 10, 3), 0),
    # Identity arrives Wed 10 Sep (day zero) with the answer to a clarification asked
    # 5 Sep: 5-10 Sep are all on or before day zero: due Fri 10 Oct.
    "answered-when-identity-arrives": (
        "GB-ENG", D(2025, 9, 3),
        [(K.ID_REQUESTED, D(2025, 9, 4)), (K.CLARIFICATION_REQUESTED, D(2025, 9, 5)),
         (K.ID_RECEIVED, D(2025, 9, 10)), (K.CLARIFICATION_RECEIVED, D(2025, 9, 10))],
        D(2025, 10, 10), 0),
    # The same, answered Mon 15 Sep: 11-15 Sep (5 days) do not count: Wed 15 Oct.
    "answered-after-identity-arrives": (
        "GB-ENG", D(2025, 9, 3),
        [(K.ID_REQUESTED, D(2025, 9, 4)), (K.CLARIFICATION_REQUESTED, D(2025, 9, 5)),
         (K.ID_RECEIVED, D(2025, 9, 10)), (K.CLARIFICATION_RECEIVED, D(2025, 9, 15))],
        D(2025, 10, 15), 5),
    # Scotland, received Mon 29 Apr 2019, paused 29 Apr-6 May: 30 Apr-6 May (7 days)
    # do not count: 29 May + 7 = Wed 5 Jun.
    "paused-from-receipt": (
        "GB-SCT", D(2019, 4, 29),
        [(K.CLARIFICATION_REQUESTED, D(2019, 4, 29)), (K.CLARIFICATION_RECEIVED, D(2019, 5, 6))],
        D(2019, 6, 5), 7),
}


@pytest.mark.parametrize("name", sorted(DAY_ZERO))
def test_a_clarification_on_day_zero_pauses_nothing_that_day(name: str) -> None:
    region, received, history, due, paused = DAY_ZERO[name]
    events = [ev(kind, on) for kind, on in history]
    state = compute_clock(UK, received, events, region, rights=ACCESS)
    assert (state.due, state.original_due, state.paused_days) == (due, due, paused), state.explanation
    law = oracle.clock("uk-gdpr", received, region, frozenset(ACCESS),
                       [(kind.value, on) for kind, on in history])
    assert (law.due, law.original_due, law.paused_days) == (due, due, paused)


def test_a_clarification_on_day_zero_is_explained_and_lets_no_late_extension_through() -> None:
    received = D(2025, 9, 3)
    events = [ev(K.CLARIFICATION_REQUESTED, received), ev(K.CLARIFICATION_RECEIVED, received)]
    state = compute_clock(UK, received, events, rights=ACCESS)
    assert ("clarification Wed 3 Sep–Wed 3 Sep: on the day the clock started (day zero): "
            "no pause") in state.explanation
    assert "paused for clarification" not in state.explanation
    with pytest.raises(ValidationError) as error:
        validate_new_event(UK, received, events, ev(K.EXTENDED, D(2025, 10, 6), "complex"),
                           D(2025, 10, 6), rights=ACCESS)
    assert error.value.field == "on"
    assert "Fri 3 Oct 2025" in error.value.message
    on_time = compute_clock(UK, received, [*events, ev(K.EXTENDED, D(2025, 10, 3), "complex")],
                            rights=ACCESS)
    assert on_time.due == D(2025, 12, 3)
    _, _, history, _, _ = DAY_ZERO["answered-when-identity-arrives"]
    identity = compute_clock(UK, received, [ev(kind, on) for kind, on in history], rights=ACCESS)
    assert ("clarification Fri 5 Sep–Wed 10 Sep: ended on the day the clock started (day zero): "
            "no pause") in identity.explanation


# 8. "Clarification": asked between the period's last day and the working day the due
#    date rolls to. Received Thu 31 Jul 2025 (England): one month is Sun 31 Aug 2025, the
#    reply may wait for Mon 1 Sep (25 Aug was the bank holiday, 1 Sep is a working day).


def test_a_clarification_asked_on_the_rolled_due_date_pauses_nothing_and_says_why() -> None:
    plain = compute_clock(UK, D(2025, 7, 31), [], rights=ACCESS)
    assert plain.due == D(2025, 9, 1)
    events = [ev(K.CLARIFICATION_REQUESTED, D(2025, 9, 1)), ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 3))]
    state = compute_clock(UK, D(2025, 7, 31), events, rights=ACCESS)
    assert (state.due, state.paused_days) == (D(2025, 9, 1), 0)
    assert ("clarification asked Mon 1 Sep, after the period ended Sun 31 Aug (the due date Mon 1 Sep "
            "is only the roll to a working day): no pause") in state.explanation
    law = oracle.clock("uk-gdpr", D(2025, 7, 31), "GB-ENG", frozenset(ACCESS),
                       [("clarification-requested", D(2025, 9, 1)), ("clarification-received", D(2025, 9, 3))])
    assert law.due == state.due and law.paused_days == 0


def test_a_clarification_asked_on_the_periods_last_day_pauses() -> None:
    # Sun 31 Aug to Wed 3 Sep, 4 days, do not count: 31 Aug + 4 = Thu 4 Sep 2025.
    events = [ev(K.CLARIFICATION_REQUESTED, D(2025, 8, 31)), ev(K.CLARIFICATION_RECEIVED, D(2025, 9, 3))]
    state = compute_clock(UK, D(2025, 7, 31), events, rights=ACCESS)
    assert (state.due, state.paused_days) == (D(2025, 9, 4), 4)


# 9. "Extension": told before the period restarted, it is not carried into the new one.
#    Received Wed 3 Sep 2025, extended Fri 5 Sep, identity asked Mon 8 Sep and received
#    Mon 15 Sep: the period runs from 15 Sep, due Wed 15 Oct, not Mon 15 Dec.


def test_an_extension_told_before_a_restart_is_not_carried_and_may_be_told_again() -> None:
    told = ev(K.EXTENDED, D(2025, 9, 5), "complex")
    rounds = [ev(K.ID_REQUESTED, D(2025, 9, 8)), ev(K.ID_RECEIVED, D(2025, 9, 15))]
    stopped = compute_clock(UK, D(2025, 9, 3), [told, rounds[0]])
    assert (stopped.due, stopped.extended) == (None, False)
    assert "extended Fri 5 Sep 2025, before the clock stopped: not carried" in stopped.explanation
    state = compute_clock(UK, D(2025, 9, 3), [told, *rounds])
    assert (state.start, state.due, state.extended) == (D(2025, 9, 15), D(2025, 10, 15), False)
    assert ("extended Fri 5 Sep 2025, before the clock restarted Mon 15 Sep 2025: not carried into the "
            "restarted period; extend again if still needed") in state.explanation
    # told again in the running period: taken (and only once)
    again = ev(K.EXTENDED, D(2025, 9, 20), "complex")
    validate_new_event(UK, D(2025, 9, 3), [told, *rounds], again, D(2025, 9, 20))
    extended = compute_clock(UK, D(2025, 9, 3), [told, *rounds, again])
    assert (extended.due, extended.original_due, extended.extended) == (D(2025, 12, 15), D(2025, 10, 15), True)
    with pytest.raises(ValidationError, match="already extended on Sat 20 Sep 2025"):
        validate_new_event(UK, D(2025, 9, 3), [told, *rounds, again], ev(K.EXTENDED, D(2025, 9, 22), "x"),
                           D(2025, 9, 22))
    # dated back into the period that restarted: refused
    with pytest.raises(ValidationError, match="is before the clock restarted Mon 15 Sep 2025"):
        validate_new_event(UK, D(2025, 9, 3), [told, *rounds], ev(K.EXTENDED, D(2025, 9, 10), "x"),
                           D(2025, 9, 20))
    law = oracle.clock("uk-gdpr", D(2025, 9, 3), "GB-ENG", frozenset(),
                       [("extended", D(2025, 9, 5)), ("id-requested", D(2025, 9, 8)),
                        ("id-received", D(2025, 9, 15))])
    assert (law.due, law.extended) == (D(2025, 10, 15), False)
