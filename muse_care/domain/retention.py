"""When the retailer purges a call recording or a chat transcript, and how urgent retrieval is.

The privacy policy keeps call recordings for 6 months and live-chat conversations for
13 months (the default organisation profile; settings hold the real values, so callers
pass ``retention_months``).

**The rule.** An interaction on day D is purged on the corresponding date ``retention``
months later (:func:`muse_care.domain.dates.add_months`): the same day number, or that
month's last day when the month is shorter. The day number is kept, not the "month end":

* 12 Jun 2026 + 6 months = 12 Dec 2026
* 31 Aug 2025 + 6 months = 28 Feb 2026; 31 Aug 2027 + 6 months = 29 Feb 2028
* 29 Feb 2028 + 13 months = 29 Mar 2029 (March has a 29th; not 31 Mar)
* 29 Feb 2028 + 12 months would be 28 Feb 2029 (no 29th)
* 30 Apr 2026 + 6 months = 30 Oct 2026 (not 31 Oct)

The purge date is the first day the item may be gone: on that day it counts as purged
(0 days left), because the retailer's purge job may run at any hour. A retailer that
counts months as a fixed number of days (say 182) can purge a day or three earlier than
this rule says; the at-risk window (30 days by default) exists to absorb that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from muse_care.domain.dates import add_months, fmt_day
from muse_care.domain.errors import ValidationError

#: The policy's periods, as shipped in the default organisation profile.
DEFAULT_CALL_RECORDING_MONTHS = 6
DEFAULT_LIVE_CHAT_MONTHS = 13
DEFAULT_WARN_DAYS = 30


class RetentionSeverity(StrEnum):
    PURGED = "purged"  # the purge date has come: the item may already be gone
    AT_RISK = "at-risk"  # purged within the warning window: retrieve now
    HELD = "held"  # the retailer still holds it, with time to spare


@dataclass(frozen=True)
class RetentionStatus:
    interaction: date
    purge_date: date
    days_left: int  # days from as_of to the purge date; 0 or less once purged
    severity: RetentionSeverity
    explanation: str


def purge_date(interaction: date, retention_months: int) -> date:
    """The day an interaction's recording or transcript is purged (see the module's rule)."""
    if retention_months < 1:
        raise ValidationError("retention_months", "must be at least 1 month")
    return add_months(interaction, retention_months)


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def retention_for(
    interaction_date: date,
    retention_months: int,
    as_of: date,
    warn_days: int = DEFAULT_WARN_DAYS,
    *,
    what: str = "recording",
) -> RetentionStatus:
    """How long the retailer still holds an interaction's ``what`` ("recording", "chat").

    ``severity`` is "purged" from the purge date on, "at-risk" when ``warn_days`` or
    fewer days are left, otherwise "held".
    """
    if warn_days < 0:
        raise ValidationError("warn_days", "must not be negative")
    purge = purge_date(interaction_date, retention_months)
    left = (purge - as_of).days
    subject = f"{what} of {fmt_day(interaction_date)}"
    if left < 0:
        severity = RetentionSeverity.PURGED
        text = f"{subject} was purged on {fmt_day(purge)}: {_days(-left)} ago; it can no longer be retrieved"
    elif left == 0:
        severity = RetentionSeverity.PURGED
        text = f"{subject} is purged today, {fmt_day(purge)}; it may already be gone"
    elif left <= warn_days:
        severity = RetentionSeverity.AT_RISK
        text = f"{subject} is purged on {fmt_day(purge)}: {_days(left)}; retrieve now"
    else:
        severity = RetentionSeverity.HELD
        text = f"{subject} is purged on {fmt_day(purge)}: {_days(left)} left"
    return RetentionStatus(interaction_date, purge, left, severity, text)
