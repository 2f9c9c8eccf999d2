"""Working days: Saturdays, Sundays and the public holidays of one region are not.

A region is a country code, optionally with a subdivision: "IT", "DE", "GB-ENG"
(England; the same bank holidays as "GB-WLS"), "GB-SCT", "GB-NIR", "US-CA". The
holidays themselves come from the ``holidays`` package, including one-off days
(the Queen's funeral, the coronation) and substitute days ("Christmas Day
(observed)"). Every region we serve has a Saturday-Sunday weekend.

The clock asks these questions for every case on every screen and for a million
cases when the demo data is generated, so each region's holidays are built once per
year and kept as a plain dict.

Where the package and the official list disagree, or a day is a holiday on one
reading and not another, the day counts as a working day: the deadline can then only
come earlier, never later (docs/rules.md, "Holidays" and "Business days").
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


# Days the holidays package lists that the official list does not (yet): counted as
# working days (docs/rules.md, "Holidays"). Checked against GOV.UK's data by a test.
UNCONFIRMED_HOLIDAYS: Mapping[str, frozenset[date]] = {
    # "Scotland's participation in the FIFA World Cup final": not in GOV.UK's list of
    # Scottish bank holidays; a bank holiday needs a royal proclamation to exist.
    "GB-SCT": frozenset({date(2026, 6, 15)}),
}
# Holidays that are not days off on every reading of "business day" in a country
# (docs/rules.md, "Business days"): they stay business days.
NOT_BUSINESS_HOLIDAYS: Mapping[str, frozenset[str]] = {
    "US": frozenset({"Juneteenth National Independence Day"}),
}


@lru_cache(maxsize=None)
def _holidays_in(region: str, year: int) -> Mapping[date, str]:
    country, _, subdiv = check_region(region).partition("-")
    calendar = holidays.country_holidays(country, subdiv=subdiv or None, years=year)
    unconfirmed = UNCONFIRMED_HOLIDAYS.get(region, frozenset())
    # Two holidays on one day come back as "A; B"; the clock's explanation uses ";" to
    # separate its steps, so they are joined with "and" instead.
    return {day: " and ".join(calendar.get_list(day)) for day in calendar if day not in unconfirmed}


@lru_cache(maxsize=None)
def _business_holidays_in(regions: tuple[str, ...], year: int) -> frozenset[date]:
    """The days off for "business days" counted across ``regions``: only the holidays
    every region keeps, less those some reading keeps as a working day (a holiday's
    "(observed)" Friday before a Saturday, a holiday named in NOT_BUSINESS_HOLIDAYS)."""
    calendars = [_holidays_in(region, year) for region in regions]
    common = set(calendars[0]).intersection(*calendars[1:])
    excluded = set().union(*(NOT_BUSINESS_HOLIDAYS.get(r.partition("-")[0], frozenset()) for r in regions))
    days = set()
    for day in common:
        names = [name for calendar in calendars for name in calendar[day].split(" and ")]
        if any(name.removesuffix(" (observed)") in excluded for name in names):
            continue
        if len(regions) > 1 and day.weekday() == 4 and any("(observed)" in name for name in names):
            continue
        days.add(day)
    return frozenset(days)


def is_business_day(d: date, regions: tuple[str, ...]) -> bool:
    """Monday to Friday and not a holiday common to all ``regions`` (see above)."""
    return d.weekday() < 5 and d not in _business_holidays_in(regions, d.year)


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


def add_business_days(d: date, n: int, region: str | tuple[str, ...]) -> date:
    """The ``n``-th business day after ``d`` (``d`` itself is not counted; n=0 gives ``d``).

    "Confirm receipt within 10 business days" of a request received on Saturday counts
    Monday as the first. ``region`` is one region, or several whose common holidays
    are the days off (docs/rules.md, "Business days").
    """
    if n < 0:
        raise ValueError("add_business_days counts forwards only")
    regions = (region,) if isinstance(region, str) else tuple(region)
    for each in regions:
        check_region(each)
    day = d
    remaining = n
    while remaining:
        day += _ONE_DAY
        if is_business_day(day, regions):
            remaining -= 1
    return day
