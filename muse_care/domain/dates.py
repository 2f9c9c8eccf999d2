"""Calendar arithmetic shared by the statutory clock and retention periods."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int) -> date:
    """The same calendar date ``months`` later; the month's last day if it has no such date.

    This is the corresponding-date rule of EU Regulation 1182/71 Art. 3 and of the ICO's
    guidance: 31 Jan + 1 month is 28 Feb (29 Feb in a leap year).
    """
    index = start.month - 1 + months
    year = start.year + index // 12
    month = index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def has_corresponding_date(start: date, months: int) -> bool:
    """Whether the month ``months`` later has ``start``'s day number."""
    index = start.month - 1 + months
    year = start.year + index // 12
    month = index % 12 + 1
    return start.day <= calendar.monthrange(year, month)[1]


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_day(d: date) -> str:
    """'Tue 30 Jun 2026': how dates are written in explanations and on screen.

    Written from a table, not strftime: the window's QApplication sets the C library's
    locale from the system, and an explanation must read the same on every machine.
    """
    return f"{_WEEKDAYS[d.weekday()]} {d.day} {_MONTHS[d.month]} {d.year}"
