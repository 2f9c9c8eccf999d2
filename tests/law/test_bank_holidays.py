"""The holidays the clock rolls over, against GOV.UK's own bank-holidays data for all
three UK nations, every year the data covers (the ``govuk-bank-holidays`` package ships
it; ``use_cached_holidays`` reads the copy in the package, never the network).

A holiday on a weekend does not matter to the clock (the day is off anyway), so the
comparison is of the weekdays that are not working days. Where the two disagree the
law decides, and docs/rules.md, "Holidays", says why.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from govuk_bank_holidays.bank_holidays import BankHolidays

from muse_care.domain.workdays import UNCONFIRMED_HOLIDAYS, is_working_day

DIVISIONS = {
    "GB-ENG": BankHolidays.ENGLAND_AND_WALES,
    "GB-WLS": BankHolidays.ENGLAND_AND_WALES,
    "GB-SCT": BankHolidays.SCOTLAND,
    "GB-NIR": BankHolidays.NORTHERN_IRELAND,
}


@pytest.fixture(scope="module")
def govuk() -> BankHolidays:
    return BankHolidays(use_cached_holidays=True)


@pytest.mark.parametrize("region", sorted(DIVISIONS))
def test_weekday_bank_holidays_match_govuk_every_year(govuk: BankHolidays, region: str) -> None:
    official = {h["date"] for h in govuk.get_holidays(division=DIVISIONS[region])}
    first, last = min(official).year, max(official).year
    assert last - first >= 10, "the GOV.UK data should cover a decade or more"
    ours = set()
    day = date(first, 1, 1)
    while day.year <= last:
        if day.weekday() < 5 and not is_working_day(day, region):
            ours.add(day)
        day += timedelta(days=1)
    assert {d for d in official if d.weekday() < 5} == ours
    # Every GOV.UK bank holiday is a weekday (substitute days are listed instead).
    assert all(d.weekday() < 5 for d in official)


def test_the_unconfirmed_days_are_not_in_govuk_data(govuk: BankHolidays) -> None:
    for region, days in UNCONFIRMED_HOLIDAYS.items():
        official = {h["date"] for h in govuk.get_holidays(division=DIVISIONS[region])}
        assert not days & official, f"{region}: GOV.UK now lists {sorted(days & official)}; " \
                                    "drop them from UNCONFIRMED_HOLIDAYS and docs/rules.md"
