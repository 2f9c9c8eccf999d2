"""muse_care's clock against the independent oracle (tests/law/oracle.py) over random
histories: every regime, region and event kind, access and other rights, dates
2019-2030, overlapping clarification rounds, late identity requests, extensions on
the due date itself and after it. Where they disagree, one misreads docs/rules.md.
"""

from __future__ import annotations

import os
import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from muse_care.domain.clock import ClockEvent, ClockEventKind, compute_clock
from muse_care.domain.regimes import EU_MEMBER_STATES, REGIMES

from . import oracle

REGIONS: dict[str, tuple[str, ...]] = {
    "uk-gdpr": ("GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR"),
    "eu-gdpr": (*EU_MEMBER_STATES, "DE-BY", "ES-CT"),
    "ccpa": ("US-CA",),
    "vcdpa": ("US-VA",),
    "lgpd": ("BR",),
    "pipeda": ("CA",),
}
RIGHTS = ("access", "erasure", "rectification", "restriction", "objection", "portability",
          "marketing-opt-out", "automated-decision", "complaint", "opt-out-sale", "limit-sensitive")
KINDS = {"id": ("id-requested", "id-received"), "authority": ("authority-requested", "authority-received"),
         "fee": ("fee-requested", "fee-received"),
         "clarification": ("clarification-requested", "clarification-received")}
RUNS = {"count": 0}
# UK GDPR three more times: it has the most rules (pauses, late rounds) to exercise.
CODES = [*sorted(REGIMES), "uk-gdpr", "uk-gdpr", "uk-gdpr"]
KIND_NAMES = sorted(KINDS)
FIRST = date(2019, 1, 1)
SPAN = (date(2030, 12, 31) - FIRST).days + 1
# MUSE_CARE_DIFF_EXAMPLES raises the count for a longer hunt; never below 10,000 in CI.
EXAMPLES = max(10_000, int(os.environ.get("MUSE_CARE_DIFF_EXAMPLES", "10000")))


def history(seed: int):
    """One random case history. Drawn from a seeded ``random.Random`` rather than many
    hypothesis draws: 10,000 of them then take seconds, not a minute."""
    rng = random.Random(seed)
    code = rng.choice(CODES)
    region = rng.choice(REGIONS[code])
    received = FIRST + timedelta(days=rng.randrange(SPAN))
    rights = (frozenset({"access"}) if rng.random() < 0.4
              else frozenset(rng.sample(RIGHTS, rng.randint(1, 3))))
    events: list[tuple[str, date]] = []
    free = dict.fromkeys(KINDS, received)
    for _ in range(rng.randint(0, 6)):
        what = rng.choice(KIND_NAMES)
        # 0..20 days after the last answer of its kind (0: a round sharing its day),
        # sometimes long after: a request made once the period has ended.
        gap = rng.randint(0, 20) if rng.random() < 0.75 else rng.randint(25, 80)
        asked = free[what] + timedelta(days=gap)
        events.append((KINDS[what][0], asked))
        if rng.random() < 0.2:
            break  # outstanding: nothing of any kind is asked after it in this history
        free[what] = asked + timedelta(days=rng.randint(0, 30))
        events.append((KINDS[what][1], free[what]))
    if REGIMES[code].can_extend and rng.random() < 0.5:
        plain = oracle.clock(code, received, region, rights, events)
        how = rng.choice(("any", "on-due", "after-due", "day-zero"))
        if how == "day-zero":
            on = received  # before any restart: not carried into a restarted period
        elif how == "any" or plain.original_due is None:
            on = received + timedelta(days=rng.randint(0, 70))
        else:
            on = plain.original_due + timedelta(days=0 if how == "on-due" else 1)
        events.append(("extended", on))
        # told before the period restarted, it is not carried: the team extends again
        if plain.start is not None and on < plain.start and rng.random() < 0.6:
            events.append(("extended", plain.start + timedelta(days=rng.randint(0, 40))))
    return code, region, received, rights, events


@settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=os.environ.get("MUSE_CARE_DIFF_RANDOM") is None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.integers(0, 2**64 - 1))
def test_the_clock_agrees_with_the_oracle(seed: int) -> None:
    code, region, received, rights, events = history(seed)
    RUNS["count"] += 1
    ours = compute_clock(REGIMES[code], received,
                         [ClockEvent(ClockEventKind(k), on, "reason" if k == "extended" else "")
                          for k, on in events], region, rights=rights)
    law = oracle.clock(code, received, region, rights, events)
    mine = oracle.Answer(ours.start, ours.due, ours.original_due, ours.extended, ours.paused_days,
                         ours.waiting_for, ours.acknowledge_by)
    assert mine == law, ours.explanation


def test_the_differential_run_was_at_least_ten_thousand_histories() -> None:
    # Runs after the test above in file order; alone, it runs the property itself.
    if RUNS["count"] == 0:
        test_the_clock_agrees_with_the_oracle()
    print(f"differential: {RUNS['count']} histories, clock and oracle agree")
    assert RUNS["count"] >= EXAMPLES


@settings(max_examples=400, deadline=None, database=None, derandomize=True)
@given(st.dates(date(2019, 1, 1), date(2030, 11, 30)), st.sampled_from(REGIONS["uk-gdpr"]), st.integers(0, 12))
def test_a_clarification_in_the_roll_after_the_period_pauses_nothing(received: date, region: str,
                                                                     length: int) -> None:
    """docs/rules.md, "Clarification": asked after the period's last day but on or before
    the working day its due date rolls to, a clarification pauses nothing (clock and
    oracle agree, and the explanation says so); asked on the last day itself, it pauses."""
    plain = compute_clock(REGIMES["uk-gdpr"], received, [], region, rights=("access",))
    assert plain.due is not None
    last = received + relativedelta(months=1)  # the period's last day (no pause yet)
    for asked in (last + timedelta(days=n) for n in range((plain.due - last).days + 1)):
        events = [("clarification-requested", asked), ("clarification-received", asked + timedelta(days=length))]
        ours = compute_clock(REGIMES["uk-gdpr"], received,
                             [ClockEvent(ClockEventKind(k), on) for k, on in events], region, rights=("access",))
        law = oracle.clock("uk-gdpr", received, region, frozenset({"access"}), events)
        assert (ours.due, ours.paused_days) == (law.due, law.paused_days), ours.explanation
        if asked == last:
            assert ours.paused_days == length + 1 and ours.due is not None and ours.due >= plain.due
        else:
            assert (ours.due, ours.paused_days) == (plain.due, 0)
            assert "is only the roll to a working day): no pause" in ours.explanation
