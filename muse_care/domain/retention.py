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
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
    return retention_status(interaction_date, purge_date(interaction_date, retention_months), as_of, warn_days,
                            what=what)


def retention_status(
    interaction_date: date,
    purge: date,
    as_of: date,
    warn_days: int = DEFAULT_WARN_DAYS,
    *,
    what: str = "recording",
    held_since: date | None = None,
) -> RetentionStatus:
    """As :func:`retention_for`, from a purge date already worked out (by a source's rule,
    in its own zone). ``held_since``: the item is on a preservation hold sent that day, so
    once its normal purge date passes the source still keeps it until the case ends."""
    if warn_days < 0:
        raise ValidationError("warn_days", "must not be negative")
    left = (purge - as_of).days
    subject = f"{what} of {fmt_day(interaction_date)}"
    if held_since is not None and held_since < purge and left <= 0:
        severity = RetentionSeverity.AT_RISK
        text = (f"{subject} is past its normal purge date, {fmt_day(purge)}, but on the preservation hold "
                f"sent on {fmt_day(held_since)}: the source keeps it while the case is open; retrieve now")
        return RetentionStatus(interaction_date, purge, left, severity, text)
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


# --- rules per data category (see docs/retention.md, "The retailer's systems") ----------

class RetentionKind(StrEnum):
    """What a retention period counts from, in the words of the privacy policy (section 7)."""

    INTERACTION = "interaction"  # "we will keep the call recording for 6 months"
    BILLING_DATE = "billing-date"  # "seven years from the billing date"
    LAST_INTERACTION = "last-interaction"  # "five years from your last interaction"
    END_OF_RELATIONSHIP = "end-of-relationship"  # "for as long as you remain an active customer"


KIND_WORDS: dict[RetentionKind, str] = {
    RetentionKind.INTERACTION: "from the interaction",
    RetentionKind.BILLING_DATE: "from the billing date",
    RetentionKind.LAST_INTERACTION: "from the last interaction",
    RetentionKind.END_OF_RELATIONSHIP: "after the customer relationship ends",
}


@dataclass(frozen=True)
class RetentionRule:
    """A source's rule: ``months`` counted from the event ``kind`` names."""

    kind: RetentionKind
    months: int | None

    def describe(self) -> str:
        if self.kind is RetentionKind.END_OF_RELATIONSHIP:
            return ("kept while the customer is active" + (f", then {_period(self.months)}" if self.months else ""))
        if not self.months:
            return "no retention period"
        return f"{_period(self.months)} {KIND_WORDS[self.kind]}"

    @property
    def has_date(self) -> bool:
        """Whether a purge date follows from an item's own date (not while a customer is active)."""
        return bool(self.months) and self.kind is not RetentionKind.END_OF_RELATIONSHIP


def _period(months: int | None) -> str:
    if months and months % 12 == 0:
        years = months // 12
        return f"{years} year" if years == 1 else f"{years} years"
    return f"{months} month" if months == 1 else f"{months} months"


def parse_kind(value: str) -> RetentionKind:
    try:
        return RetentionKind(value.strip().lower())
    except ValueError:
        known = ", ".join(k.value for k in RetentionKind)
        raise ValidationError("retention_kind", f"'{value}' is not a retention rule; use one of: {known}") from None


def source_day(moment: datetime | None, day: date, source_zone: str, organisation_zone: str) -> date:
    """The day the source system files an interaction under, in the source's own zone.

    With the time known, ``moment`` (aware) is converted to ``source_zone``: a call at
    00:30 in London on 12 Jun (BST, UTC+1) is 11 Jun 23:30 UTC, so a system that keeps UTC
    dates files it on 11 Jun and purges it a day earlier than the London date says. With
    only the day known (``day`` in the organisation's zone), the earliest day it can be
    filed under is taken, the first moment of that local day converted: on the safe side.
    """
    try:
        zone = ZoneInfo(source_zone)
        home = ZoneInfo(organisation_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("timezone", f"unknown time zone '{source_zone}'") from None
    if moment is not None:
        return moment.astimezone(zone).date()
    start = datetime.combine(day, datetime.min.time(), home)
    return min(start.astimezone(zone).date(), day)


def check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("timezone", f"'{name}' is not a time zone (e.g. UTC, Europe/London)") from None
    return name


# --- our own register (see docs/retention.md, "Our own register") ------------------------

#: The fields of a case kept after anonymisation: the record of a request and our reply
#: that proves compliance and answers a regulator's questions.
MINIMAL_RECORD = ("reference", "received", "rights", "channel", "regime", "due", "answered", "outcome",
                  "refusal basis")
