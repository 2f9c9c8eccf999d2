"""Purge dates of call recordings (6 months) and chat transcripts (13 months)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from muse_care.domain.errors import ValidationError
from muse_care.domain.retention import (
    DEFAULT_CALL_RECORDING_MONTHS,
    DEFAULT_LIVE_CHAT_MONTHS,
    RetentionSeverity,
    purge_date,
    retention_for,
)

RECORDING = DEFAULT_CALL_RECORDING_MONTHS
CHAT = DEFAULT_LIVE_CHAT_MONTHS


def test_policy_defaults() -> None:
    assert (RECORDING, CHAT) == (6, 13)


@pytest.mark.parametrize(
    ("interaction", "months", "purged"),
    [
        (date(2026, 6, 12), RECORDING, date(2026, 12, 12)),
        (date(2025, 8, 31), RECORDING, date(2026, 2, 28)),  # no 31 Feb: last day of Feb
        (date(2027, 8, 31), RECORDING, date(2028, 2, 29)),  # leap year
        (date(2025, 8, 29), RECORDING, date(2026, 2, 28)),
        (date(2027, 8, 29), RECORDING, date(2028, 2, 29)),
        (date(2025, 12, 31), RECORDING, date(2026, 6, 30)),
        (date(2026, 4, 30), RECORDING, date(2026, 10, 30)),  # the day number, not "month end"
        (date(2028, 2, 29), RECORDING, date(2028, 8, 29)),
        (date(2028, 2, 29), CHAT, date(2029, 3, 29)),  # March has a 29th: not 31 Mar
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # 2029 has no 29 Feb
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 1, 31), CHAT, date(2027, 2, 28)),
        (date(2027, 1, 31), CHAT, date(2028, 2, 29)),
        (date(2026, 1, 30), CHAT, date(2027, 2, 28)),
        (date(2025, 11, 30), CHAT, date(2026, 12, 30)),
        (date(2026, 12, 31), CHAT, date(2028, 1, 31)),  # crosses two year ends
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
    ],
)
def test_purge_date_corresponding_date_rule(interaction: date, months: int, purged: date) -> None:
    assert purge_date(interaction, months) == purged


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(1, 120))
def test_purge_date_keeps_the_day_or_ends_the_shorter_month(interaction: date, months: int) -> None:
    purged = purge_date(interaction, months)
    assert (purged.year * 12 + purged.month) - (interaction.year * 12 + interaction.month) == months
    if purged.day != interaction.day:
        assert purged.day < interaction.day
        assert (purged + timedelta(days=1)).day == 1  # the last day of its month
    assert purged > interaction


@pytest.mark.parametrize("months", [0, -6])
def test_retention_must_be_at_least_a_month(months: int) -> None:
    with pytest.raises(ValidationError) as caught:
        purge_date(date(2026, 1, 1), months)
    assert caught.value.field == "retention_months"


def test_the_example_from_the_brief() -> None:
    status = retention_for(date(2026, 6, 12), RECORDING, as_of=date(2026, 11, 25))
    assert status.purge_date == date(2026, 12, 12)
    assert status.days_left == 17
    assert status.severity == RetentionSeverity.AT_RISK == "at-risk"
    assert status.explanation == "recording of Fri 12 Jun 2026 is purged on Sat 12 Dec 2026: 17 days; retrieve now"


@pytest.mark.parametrize(
    ("as_of", "days_left", "severity", "explanation"),
    [
        (date(2026, 6, 12), 183, "held", "recording of Fri 12 Jun 2026 is purged on Sat 12 Dec 2026: 183 days left"),
        (date(2026, 11, 11), 31, "held", "recording of Fri 12 Jun 2026 is purged on Sat 12 Dec 2026: 31 days left"),
        (date(2026, 11, 12), 30, "at-risk", "recording of Fri 12 Jun 2026 is purged on Sat 12 Dec 2026: 30 days; retrieve now"),
        (date(2026, 12, 11), 1, "at-risk", "recording of Fri 12 Jun 2026 is purged on Sat 12 Dec 2026: 1 day; retrieve now"),
        (date(2026, 12, 12), 0, "purged", "recording of Fri 12 Jun 2026 is purged today, Sat 12 Dec 2026; it may already be gone"),
        (date(2026, 12, 13), -1, "purged",
         "recording of Fri 12 Jun 2026 was purged on Sat 12 Dec 2026: 1 day ago; it can no longer be retrieved"),
        (date(2027, 1, 1), -20, "purged",
         "recording of Fri 12 Jun 2026 was purged on Sat 12 Dec 2026: 20 days ago; it can no longer be retrieved"),
    ],
)
def test_severity_boundaries(as_of: date, days_left: int, severity: str, explanation: str) -> None:
    status = retention_for(date(2026, 6, 12), RECORDING, as_of)
    assert (status.days_left, status.severity, status.explanation) == (days_left, severity, explanation)


def test_chat_on_a_leap_day_at_risk() -> None:
    status = retention_for(date(2028, 2, 29), CHAT, as_of=date(2029, 3, 1), what="chat")
    assert status.purge_date == date(2029, 3, 29)
    assert status.days_left == 28
    assert status.explanation == "chat of Tue 29 Feb 2028 is purged on Thu 29 Mar 2029: 28 days; retrieve now"


def test_month_end_recording_in_a_leap_february() -> None:
    status = retention_for(date(2027, 8, 31), RECORDING, as_of=date(2028, 2, 28))
    assert (status.purge_date, status.days_left, status.severity) == (date(2028, 2, 29), 1, "at-risk")


def test_warn_days_is_configurable() -> None:
    as_of = date(2026, 12, 2)  # 10 days before the purge
    assert retention_for(date(2026, 6, 12), RECORDING, as_of, warn_days=7).severity == "held"
    assert retention_for(date(2026, 6, 12), RECORDING, as_of, warn_days=10).severity == "at-risk"
    assert retention_for(date(2026, 6, 12), RECORDING, date(2026, 12, 11), warn_days=0).severity == "held"
    with pytest.raises(ValidationError):
        retention_for(date(2026, 6, 12), RECORDING, as_of, warn_days=-1)
