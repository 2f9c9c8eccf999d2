"""Invariants of the statutory clock over random regimes, regions, dates and histories."""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta
from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from muse_care.domain.clock import ClockEvent, ClockEventKind, ClockState, compute_clock
from muse_care.domain.regimes import REGIMES, Regime
from muse_care.domain.workdays import day_text, is_working_day

K = ClockEventKind
FIRST, LAST = date(2019, 1, 1), date(2030, 12, 31)
ROUNDS = {
    "identity": (K.ID_REQUESTED, K.ID_RECEIVED),
    "authority": (K.AUTHORITY_REQUESTED, K.AUTHORITY_RECEIVED),
    "fee": (K.FEE_REQUESTED, K.FEE_RECEIVED),
    "clarification": (K.CLARIFICATION_REQUESTED, K.CLARIFICATION_RECEIVED),
}
# Regions that exercise the most holiday rules; the EU's 27 are all in the table test.
REGIONS = {
    "uk-gdpr": ("GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR"),
    "eu-gdpr": ("IT", "DE", "FR", "IE", "ES", "PL", "SE", "DE-BY"),
}

# No deadline: the first clock in a region and year builds that year's holidays.
CLOCK = settings(deadline=None, max_examples=300)


@dataclasses.dataclass(frozen=True)
class Case:
    regime: Regime
    region: str
    received: date
    events: tuple[ClockEvent, ...]

    def clock(self, events: tuple[ClockEvent, ...] | None = None, regime: Regime | None = None) -> ClockState:
        chosen = self.events if events is None else events
        return compute_clock(regime or self.regime, self.received, list(chosen), self.region,
                             rights=("access",))


@st.composite
def cases(draw: st.DrawFn, *, closed: bool = False) -> Case:
    """A case with a history that could have happened.

    Rounds of one kind (identity asked, identity sent) follow each other; rounds of
    different kinds overlap freely. ``closed``: every request has its answer, so the
    clock is running.
    """
    regime = draw(st.sampled_from(list(REGIMES.values())))
    region = draw(st.sampled_from(REGIONS.get(regime.code, regime.holiday_regions)))
    received = draw(st.dates(FIRST, LAST))
    events: list[ClockEvent] = []
    free_from = dict.fromkeys(ROUNDS, received)
    rounds = draw(st.lists(st.sampled_from(sorted(ROUNDS)), max_size=5))
    for index, what in enumerate(rounds):
        asked = free_from[what] + timedelta(days=draw(st.integers(0, 20)))
        request, answer = ROUNDS[what]
        events.append(ClockEvent(request, asked))
        last_of_its_kind = what not in rounds[index + 1 :]
        if closed or not last_of_its_kind or draw(st.booleans()):
            free_from[what] = asked + timedelta(days=draw(st.integers(0, 30)))
            events.append(ClockEvent(answer, free_from[what]))
    if regime.can_extend and draw(st.booleans()):
        on = received + timedelta(days=draw(st.integers(0, 25)))
        events.append(ClockEvent(K.EXTENDED, on, draw(st.sampled_from(["complex", "volume"]))))
    return Case(regime, region, received, tuple(events))


@lru_cache(maxsize=None)
def longest_run_of_days_off(region: str) -> int:
    """The most non-working days in a row in ``region`` over the years the tests use."""
    longest = run = 0
    day = FIRST
    while day <= LAST + timedelta(days=400):
        run = 0 if is_working_day(day, region) else run + 1
        longest = max(longest, run)
        day += timedelta(days=1)
    return longest


def without_extension(case: Case) -> tuple[ClockEvent, ...]:
    return tuple(e for e in case.events if e.kind is not K.EXTENDED)


def extended(case: Case) -> tuple[ClockEvent, ...]:
    """The case extended on the day its clock started: an extension told before a
    restart is not carried into the restarted period (docs/rules.md, "Extension")."""
    on = case.clock(without_extension(case)).start or case.received
    return (*without_extension(case), ClockEvent(K.EXTENDED, on, "complex request"))


@CLOCK
@given(cases())
def test_clock_starts_on_or_after_receipt_and_is_due_after_it_starts(case: Case) -> None:
    state = case.clock()
    if state.start is not None:
        assert state.start >= case.received
    if state.due is not None:
        assert state.start is not None
        assert state.due >= state.start
        assert state.original_due is not None and state.due >= state.original_due
    else:
        assert state.waiting_for is not None


@CLOCK
@given(cases())
def test_due_date_is_a_working_day_where_the_regime_rolls(case: Case) -> None:
    state = case.clock()
    if state.due is not None and case.regime.roll_to_working_day:
        assert is_working_day(state.due, case.region)


@CLOCK
@given(cases(closed=True))
def test_roll_moves_only_over_days_off_and_never_further_than_the_longest_run(case: Case) -> None:
    rolled = case.clock().due
    unrolled = case.clock(regime=dataclasses.replace(case.regime, roll_to_working_day=False)).due
    assert rolled is not None and unrolled is not None
    assert unrolled <= rolled
    assert (rolled - unrolled).days <= longest_run_of_days_off(case.region)
    day = unrolled
    while day < rolled:
        assert not is_working_day(day, case.region)
        day += timedelta(days=1)


@CLOCK
@given(cases(closed=True))
def test_extension_never_brings_the_due_date_forward(case: Case) -> None:
    plain = case.clock(without_extension(case))
    if not case.regime.can_extend:
        return
    longer = case.clock(extended(case))
    assert plain.due is not None and longer.due is not None
    assert longer.due >= plain.due
    assert longer.original_due == plain.due
    assert longer.extended and not plain.extended


@CLOCK
@given(cases(closed=True))
def test_an_extension_told_before_the_clock_restarted_is_not_carried(case: Case) -> None:
    """docs/rules.md, "Extension": the extension belongs to the period it was told in;
    one told the day before the start of a restarted period leaves the dates as without."""
    plain = case.clock(without_extension(case))
    assert plain.start is not None
    if not case.regime.can_extend or plain.start == case.received:
        return
    early = ClockEvent(K.EXTENDED, plain.start - timedelta(days=1), "complex request")
    state = case.clock((*without_extension(case), early))
    assert (state.due, state.original_due, state.extended) == (plain.due, plain.original_due, False)
    assert "not carried into the restarted period" in state.explanation


@CLOCK
@given(cases(closed=True), st.integers(0, 40), st.integers(0, 30))
def test_a_clarification_pause_never_brings_the_due_date_forward(
    case: Case, gap: int, length: int
) -> None:
    before = case.clock()
    last = max([case.received, *(e.on for e in case.events)])
    asked = last + timedelta(days=gap)
    events = (
        *case.events,
        ClockEvent(K.CLARIFICATION_REQUESTED, asked),
        ClockEvent(K.CLARIFICATION_RECEIVED, asked + timedelta(days=length)),
    )
    after = case.clock(events)
    assert before.due is not None and after.due is not None
    assert after.due >= before.due
    assert after.paused_days >= before.paused_days
    # A round asked inside the first 28 days of the period, sharing no day with an
    # earlier one, pauses all its days (docs/rules.md, "Clarification").
    assert before.start is not None
    if case.regime.clarification_pauses_clock and gap and asked <= before.start + timedelta(days=27):
        assert after.paused_days == before.paused_days + length + 1


@CLOCK
@given(cases())
def test_explanation_is_one_line_and_names_the_due_date(case: Case) -> None:
    state = case.clock()
    assert "\n" not in state.explanation
    assert state.explanation.startswith(f"received {day_text(case.received)}")
    if state.due is not None:
        assert state.explanation.endswith(f"due {day_text(state.due)}") or state.extended
        assert f"due {day_text(state.due)}" in state.explanation
    else:
        assert "not yet received" in state.explanation


@CLOCK
@given(cases(), st.randoms(use_true_random=False))
def test_clock_is_deterministic_and_ignores_the_order_of_events(
    case: Case, rng: random.Random
) -> None:
    shuffled = list(case.events)
    rng.shuffle(shuffled)
    assert case.clock() == case.clock()
    assert case.clock(tuple(shuffled)) == case.clock()


@CLOCK
@given(cases(closed=True))
def test_due_today_is_not_overdue_and_the_next_day_is(case: Case) -> None:
    state = case.clock()
    assert state.due is not None
    assert state.days_left(state.due) == 0
    assert not state.is_overdue(state.due)
    assert state.is_overdue(state.due + timedelta(days=1))
    assert state.days_left(state.due - timedelta(days=1)) == 1


@CLOCK
@given(cases(closed=True))
def test_month_regimes_fall_due_about_a_month_after_the_start(case: Case) -> None:
    state = case.clock(without_extension(case))
    assert state.due is not None and state.start is not None
    if case.regime.period_unit == "months":
        slack = state.paused_days + longest_run_of_days_off(case.region)
        assert 28 <= (state.due - state.start).days <= 31 + slack
    else:
        assert (state.due - state.start).days == case.regime.period + state.paused_days
