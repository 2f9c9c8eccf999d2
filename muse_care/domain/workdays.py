"""Working days: Saturdays, Sundays and the public holidays of one region are not.

A region is a country code, optionally with a subdivision: "IT", "DE", "GB-ENG"
(England; the same bank holidays as "GB-WLS"), "GB-SCT", "GB-NIR", "US-CA". The
holidays themselves come from the ``holidays`` package, including one-off days
(the Queen's funeral, the coronation) and substitute days ("Christmas Day
(observed)"). Every region we serve has a Saturday-Sunday weekend.

The clock asks these questions for every case on every screen and for a million
cases when the demo data is generated, so each region's holidays are built once per
year and kept as a plain dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import lru_cache

import holidays

from muse_care.domain.errors import ValidationError

_ONE_DAY = timedelta(days=1)
# No region has more than a handful of non-working days in a row; a loop that runs
# longer than this means the holiday data is broken, and we say so instead of spinning.
_LONGEST_PLAUSIBLE_RUN = 31


@lru_cache(maxsize=1)
def _supported() -> Mapping[str, tuple[str, ...]]:
    return {code: tuple(subdivs) for code, subdivs in holidays.list_supported_countries().items()}


@lru_cache(maxsize=None)
def check_region(region: str) -> str:
    """Return ``region`` unchanged if the holidays package knows it; else a ValidationError."""
    country, _, subdiv = region.partition("-")
    supported = _supported()
    if not country or country not in supported:
        raise ValidationError(
            "holiday_region",
            f"unknown holiday region '{region}': expected a country code such as IT, DE or "
            "US-CA, optionally with a subdivision such as GB-ENG",
        )
    if subdiv and subdiv not in supported[country]:
        choices = ", ".join(f"{country}-{s}" for s in supported[country]) or f"just {country}"
        raise ValidationError(
            "holiday_region", f"unknown holiday region '{region}'; for {country} choose {choices}"
        )
    return region


@lru_cache(maxsize=None)
def _holidays_in(region: str, year: int) -> Mapping[date, str]:
    country, _, subdiv = check_region(region).partition("-")
    calendar = holidays.country_holidays(country, subdiv=subdiv or None, years=year)
    # Two holidays on one day come back as "A; B"; the clock's explanation uses ";" to
    # separate its steps, so they are joined with "and" instead.
    return {day: " and ".join(calendar.get_list(day)) for day in calendar}


def holiday_name(d: date, region: str) -> str | None:
    """The public holiday on ``d`` in ``region`` ("Boxing Day"), or None."""
    return _holidays_in(region, d.year).get(d)


def is_working_day(d: date, region: str) -> bool:
    """Monday to Friday and not a public holiday of ``region``."""
    return d.weekday() < 5 and d not in _holidays_in(region, d.year)


# English names by table: strftime("%a") costs microseconds and follows the C locale.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_day(d: date) -> str:
    """'Wed 25 Dec': a day within a line that already gave the year."""
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month]}"


def month_abbr(d: date) -> str:
    """'Dec'."""
    return _MONTHS[d.month]


def day_text(d: date) -> str:
    """'Wed 25 Dec 2024', the same text as ``dates.fmt_day`` in the C locale, faster."""
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month]} {d.year}"


def why_not_working(d: date, region: str) -> str | None:
    """'Wed 25 Dec is Christmas Day', 'Sat 30 May is a Saturday', or None on a working day.

    A holiday that falls on a weekend is named by the holiday, which says more.
    """
    name = holiday_name(d, region)
    if name is not None:
        return f"{short_day(d)} is {name}"
    weekday = d.weekday()
    if weekday >= 5:
        return f"{short_day(d)} is a {_FULL_WEEKDAYS[weekday]}"
    return None


def next_working_day_on_or_after(d: date, region: str) -> tuple[date, list[str]]:
    """The first working day from ``d`` on, and one line for each day skipped to get there."""
    skipped: list[str] = []
    day = d
    while not is_working_day(day, region):
        reason = why_not_working(day, region)
        assert reason is not None
        skipped.append(reason)
        if len(skipped) > _LONGEST_PLAUSIBLE_RUN:
            raise ValueError(f"no working day within a month of {d} in {region}")
        day += _ONE_DAY
    return day, skipped


def add_business_days(d: date, n: int, region: str) -> date:
    """The ``n``-th working day after ``d`` (``d`` itself is not counted; n=0 gives ``d``).

    "Confirm receipt within 10 business days" of a request received on Saturday counts
    Monday as the first.
    """
    if n < 0:
        raise ValueError("add_business_days counts forwards only")
    check_region(region)
    day = d
    remaining = n
    while remaining:
        day += _ONE_DAY
        if is_working_day(day, region):
            remaining -= 1
    return day
