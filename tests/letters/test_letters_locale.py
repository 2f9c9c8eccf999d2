"""Letter dates and clock explanations do not follow the C library's locale, which
QApplication sets from the system on Unix."""

from __future__ import annotations

import locale
from datetime import date

from muse_care.domain.dates import fmt_day
from muse_care.letters.render import format_date


def test_dates_stay_english_under_another_locale() -> None:
    previous = locale.setlocale(locale.LC_TIME)
    for name in ("it_IT.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8"):
        try:
            locale.setlocale(locale.LC_TIME, name)
            break
        except locale.Error:
            continue
    try:
        d = date(2026, 11, 3)
        assert format_date(d, "uk") == "3 November 2026"
        assert format_date(d, "us") == "November 3, 2026"
        assert fmt_day(d) == "Tue 3 Nov 2026"
    finally:
        locale.setlocale(locale.LC_TIME, previous)


def test_date_formatting_never_goes_through_strftime() -> None:
    """This machine may have no other locale installed, so also check the code itself:
    a '%B' or '%b' format would follow the system language inside the window."""
    import inspect

    for fn in (format_date, fmt_day):
        body = inspect.getsource(fn).split('"""')[-1]  # the code after the docstring
        assert "%B" not in body and "%b" not in body and "strftime" not in body
