"""The statutory clock of a case, by the rules of DESIGN.md section 2.

A case's clock is computed, never stored: from the regime, the day the request was
received and the case's clock events (identity, authority and fee requested and
received, clarification requested and received, extended). Everything here is a pure
function of those, so the same history always gives the same dates and the same
one-line explanation, whichever order the events are listed in.

GDPR-style regimes (months):
- the clock starts on the day received, or on the later day the requested identity,
  authority or fee arrives (the last arrival wins when there were several rounds);
- due = the same date one month on, or that month's last day (``add_months``);
  extended: three months from the same start, same rule;
- clarification: the days from the request to the answer, both counted, are added
  to the due date; only days on or after the clock's start count;
- then Saturdays, Sundays and the region's public holidays roll to the next working day.

Day-based regimes (CCPA 45 days) add days to the day received; whether the clock
stops, pauses or rolls is the regime's data (see ``regimes.py``). A request for
identity in a regime whose clock runs "regardless of verification" is still shown as
``waiting_for`` but moves no date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from muse_care.domain.dates import add_months
from muse_care.domain.errors import ValidationError
from muse_care.domain.regimes import Regime
from muse_care.domain.workdays import (
    add_business_days,
    check_region,
    day_text,
    month_abbr,
    next_working_day_on_or_after,
    short_day,
)


# The GDPR began to apply on 25 May 2018 and is the oldest regime in the table; a
# request received earlier than that is a typing error in the year.
EARLIEST_RECEIVED = date(2018, 5, 25)


class ClockEventKind(StrEnum):
    """What happened to the clock. The order here breaks ties between same-day events."""

    ID_REQUESTED = "id-requested"
    ID_RECEIVED = "id-received"
    AUTHORITY_REQUESTED = "authority-requested"
    AUTHORITY_RECEIVED = "authority-received"
    FEE_REQUESTED = "fee-requested"
    FEE_RECEIVED = "fee-received"
    CLARIFICATION_REQUESTED = "clarification-requested"
    CLARIFICATION_RECEIVED = "clarification-received"
    EXTENDED = "extended"


@dataclass(frozen=True)
class ClockEvent:
    kind: ClockEventKind
    on: date
    reason: str = ""


@dataclass(frozen=True)
class ClockState:
    """Where a case's clock stands.

    ``start`` is None while the clock is stopped (identity, authority or fee requested
    and not yet received, in regimes where that stops it); ``due`` and
    ``original_due`` are None while it is stopped or paused for clarification.
    ``original_due`` is the due date without the extension: the date by which the
    requester must be told of an extension. ``waiting_for`` names what the team is
    waiting for from the requester ("identity", "authority", "fee", "clarification"),
    even where that does not stop the clock (CCPA).
    """

    received: date
    start: date | None
    due: date | None
    original_due: date | None
    extended: bool
    extension_reason: str
    paused_days: int
    waiting_for: str | None
    explanation: str
    acknowledge_by: date | None = None

    def days_left(self, as_of: date) -> int | None:
        """Calendar days until the due date: 0 on the due date, negative once overdue."""
        if self.due is None:
            return None
        return (self.due - as_of).days

    def is_overdue(self, as_of: date) -> bool:
        """True from the day after the due date; never while the clock is stopped."""
        return self.due is not None and as_of > self.due


_K = ClockEventKind
_KIND_ORDER = {kind: index for index, kind in enumerate(ClockEventKind)}
# A request and its answer, and what the team waits for in between.
_REQUESTS: dict[ClockEventKind, str] = {
    _K.ID_REQUESTED: "identity",
    _K.AUTHORITY_REQUESTED: "authority",
    _K.FEE_REQUESTED: "fee",
    _K.CLARIFICATION_REQUESTED: "clarification",
}
_RECEIPTS: dict[ClockEventKind, str] = {
    _K.ID_RECEIVED: "identity",
    _K.AUTHORITY_RECEIVED: "authority",
    _K.FEE_RECEIVED: "fee",
    _K.CLARIFICATION_RECEIVED: "clarification",
}
_STOPPING = ("identity", "authority", "fee")
_WAIT_ORDER = {"identity": 0, "authority": 1, "fee": 2, "clarification": 3}
_NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "eleven", "twelve",
)  # fmt: skip


def _sort_key(event: ClockEvent) -> tuple[date, int, str]:
    return (event.on, _KIND_ORDER[event.kind], event.reason)


@dataclass
class _History:
    """The events replayed in date order."""

    outstanding: dict[str, date] = field(default_factory=dict)  # what -> requested on
    answered: dict[str, tuple[date, date]] = field(default_factory=dict)  # last round
    last_arrival: tuple[date, str] | None = None  # of identity, authority or fee
    clarifications: list[tuple[date, date]] = field(default_factory=list)
    extension: ClockEvent | None = None


def _fits(history: _History, event: ClockEvent) -> bool:
    """Whether ``event`` can come next: a request with none outstanding, or an answer."""
    kind = event.kind
    if kind in _REQUESTS:
        return _REQUESTS[kind] not in history.outstanding
    if kind in _RECEIPTS:
        return _RECEIPTS[kind] in history.outstanding
    return True


def _replay(events: Iterable[ClockEvent]) -> _History:
    """Replay the events by date.

    Within one day the order is the only one that can have happened: identity asked,
    sent, found unreadable, asked and sent again all on one day is asked, sent, asked,
    sent, whatever order the list gives. Where no order fits, the first event in
    (kind, reason) order that does not fit raises.
    """
    history = _History()
    ordered = sorted(events, key=_sort_key)
    count = len(ordered)
    index = 0
    while index < count:
        day = ordered[index].on
        end = index + 1
        while end < count and ordered[end].on == day:
            end += 1
        if end - index == 1:
            _apply(history, ordered[index])
        else:
            pool = ordered[index:end]
            while pool:
                chosen = next((e for e in pool if _fits(history, e)), pool[0])
                pool.remove(chosen)
                _apply(history, chosen)
        index = end
    return history


def _apply(history: _History, event: ClockEvent) -> None:
    kind = event.kind
    if kind in _REQUESTS:
        what = _REQUESTS[kind]
        if what in history.outstanding:
            raise ValidationError(
                "kind",
                f"{kind}: {what} was already requested on "
                f"{day_text(history.outstanding[what])} and has not arrived yet",
            )
        history.outstanding[what] = event.on
    elif kind in _RECEIPTS:
        what = _RECEIPTS[kind]
        requested = history.outstanding.pop(what, None)
        if requested is None:
            message = f"{kind}: {what} was not requested"
            if what in history.answered:
                message += f" since it arrived on {day_text(history.answered[what][1])}"
            raise ValidationError("kind", message)
        history.answered[what] = (requested, event.on)
        if what == "clarification":
            history.clarifications.append((requested, event.on))
        else:
            history.last_arrival = (event.on, what)
    else:
        if history.extension is not None:
            raise ValidationError(
                "kind", f"extended: already extended on {day_text(history.extension.on)}"
            )
        history.extension = event


def _region_for(regime: Regime, holiday_region: str | None) -> str:
    region = holiday_region or regime.default_holiday_region
    # A listed region, or a subdivision of a listed country ("DE-BY" under EU GDPR).
    if region not in regime.holiday_regions and (
        region.partition("-")[0] not in regime.holiday_regions
    ):
        raise ValidationError(
            "holiday_region",
            f"'{region}' is not a holiday region for {regime.name}; "
            f"choose one of {', '.join(regime.holiday_regions)}",
        )
    return check_region(region)


def _amount(n: int, unit: str) -> str:
    """'one month', 'three months', '45 days'."""
    singular = unit[:-1]
    words = _NUMBER_WORDS[n] if unit == "months" and n < len(_NUMBER_WORDS) else str(n)
    return f"{words} {singular if n == 1 else unit}"


def _outstanding_text(outstanding: list[tuple[str, date]]) -> str:
    requested = " and ".join(f"{what} requested {day_text(on)}" for what, on in outstanding)
    return f"{requested}, not yet received"


def compute_clock(
    regime: Regime,
    received: date,
    events: Sequence[ClockEvent],
    holiday_region: str | None = None,
) -> ClockState:
    """The clock of a case received on ``received`` with these events, by DESIGN.md section 2.

    ``holiday_region`` defaults to the regime's; a region the regime does not offer is
    a ValidationError. So is a history that cannot have happened (an answer without
    a request): ``validate_new_event`` keeps such histories from being stored.
    """
    region = _region_for(regime, holiday_region)
    try:
        history = _replay(events)
    except ValidationError as error:
        raise ValidationError("events", error.message) from None
    extension = history.extension
    if extension is not None and not regime.can_extend:
        raise ValidationError("events", f"extended: {regime.name} allows no extension")
    extension_reason = " ".join(extension.reason.split()) if extension is not None else ""

    acknowledge_by = None
    if regime.acknowledge_within_business_days is not None:
        acknowledge_by = add_business_days(
            received, regime.acknowledge_within_business_days, region
        )

    outstanding = (
        sorted(history.outstanding.items(), key=lambda item: (item[1], _WAIT_ORDER[item[0]]))
        if history.outstanding
        else []
    )
    parts = [f"received {day_text(received)}"]

    def not_running(start: date | None, waiting: list[tuple[str, date]], how: str) -> ClockState:
        parts.append(f"clock {how}: {_outstanding_text(waiting)}")
        return ClockState(
            received=received,
            start=start,
            due=None,
            original_due=None,
            extended=extension is not None,
            extension_reason=extension_reason,
            paused_days=paused_days,
            waiting_for=waiting[0][0],
            explanation="; ".join(parts),
            acknowledge_by=acknowledge_by,
        )

    paused_days = 0
    if regime.verification_stops_clock:
        stops = [item for item in outstanding if item[0] in _STOPPING]
        if stops:
            return not_running(None, stops, "stopped")
    start = received
    if regime.verification_stops_clock and history.last_arrival is not None:
        arrived_on, what = history.last_arrival
        if arrived_on > received:
            start = arrived_on
            parts.append(f"clock started {day_text(start)} when {what} arrived")

    pauses: list[str] = []
    if regime.clarification_pauses_clock:
        for asked, answered in history.clarifications:
            first = max(asked, start)
            if answered >= first:
                paused_days += (answered - first).days + 1
                pauses.append(f"{short_day(first)}–{short_day(answered)}")
        clarifying = [item for item in outstanding if item[0] == "clarification"]
        if clarifying:
            if paused_days:
                so_far = _amount(paused_days, "days")
                parts.append(f"{so_far} paused for clarification so far ({', '.join(pauses)})")
            return not_running(start, clarifying, "paused")

    months = regime.period_unit == "months"
    unit = regime.period_unit

    def due_after(amount: int, steps: list[str]) -> date:
        """Count ``amount`` from the start, add the pauses, roll; explain each step."""
        if months:
            counted = add_months(start, amount)
            # add_months gives the month's last day when it has no such date.
            gap = "" if counted.day == start.day else f"no {start.day} {month_abbr(counted)}, so "
        else:
            counted = start + timedelta(days=amount)
            gap = ""
        steps.append(f"{_amount(amount, unit)}: {gap}{day_text(counted)}")
        if paused_days:
            counted += timedelta(days=paused_days)
            steps.append(
                f"+{_amount(paused_days, 'days')} paused for clarification "
                f"({', '.join(pauses)}): {day_text(counted)}"
            )
        if regime.roll_to_working_day:
            counted, skipped = next_working_day_on_or_after(counted, region)
            if skipped:
                steps.append(", ".join(skipped))
        return counted

    original_steps: list[str] = []
    original_due = due_after(regime.period, original_steps)
    if extension is None:
        due = original_due
        parts.extend(original_steps)
        parts.append(f"due {day_text(due)}")
    else:
        extended_steps: list[str] = []
        due = due_after(regime.period + regime.extension, extended_steps)
        reason = f" ({extension_reason})" if extension_reason else ""
        extended_by = f"extended by {_amount(regime.extension, unit)}{reason}"
        extended_steps[0] = f"{extended_by}: {extended_steps[0]}"
        parts.extend(extended_steps)
        parts.append(f"due {day_text(due)} (original due {day_text(original_due)})")

    waiting_for = outstanding[0][0] if outstanding else None
    return ClockState(
        received=received,
        start=start,
        due=due,
        original_due=original_due,
        extended=extension is not None,
        extension_reason=extension_reason,
        paused_days=paused_days,
        waiting_for=waiting_for,
        explanation="; ".join(parts),
        acknowledge_by=acknowledge_by,
    )


def validate_received(received: date, today: date) -> None:
    """The day a request was received: not in the future, not before 25 May 2018.

    No regime in the table applied before the GDPR did (25 May 2018), so an older date
    is a mistyped year rather than a real request.
    """
    if received > today:
        raise ValidationError(
            "received", f"{day_text(received)} is in the future (today is {day_text(today)})"
        )
    if received < EARLIEST_RECEIVED:
        raise ValidationError(
            "received",
            f"{day_text(received)} is before {day_text(EARLIEST_RECEIVED)}, when the GDPR "
            "began to apply; check the year",
        )


def validate_new_event(
    regime: Regime,
    received: date,
    existing: Sequence[ClockEvent],
    new: ClockEvent,
    today: date,
    holiday_region: str | None = None,
) -> None:
    """Raise a ValidationError saying what is wrong if ``new`` cannot join ``existing``.

    The field is "on" for a wrong date, "reason" for a missing reason and "kind" for an
    event that does not fit the history (an answer nobody asked for, a second request
    while one is outstanding, a second extension).
    """
    kind = new.kind
    if new.on > today:
        raise ValidationError(
            "on", f"{kind} dated {day_text(new.on)} is in the future (today is {day_text(today)})"
        )
    if new.on < received:
        raise ValidationError(
            "on",
            f"{kind} dated {day_text(new.on)} is before the request was received "
            f"({day_text(received)})",
        )
    history = _replay(existing)
    if kind in _RECEIPTS:
        what = _RECEIPTS[kind]
        requested = history.outstanding.get(what)
        if requested is None:
            message = f"{kind}: {what} was not requested"
            if what in history.answered:
                message += f" since it arrived on {day_text(history.answered[what][1])}"
            raise ValidationError("kind", message)
        if new.on < requested:
            raise ValidationError(
                "on",
                f"{kind} dated {day_text(new.on)} is before {what} was requested "
                f"({day_text(requested)})",
            )
    elif kind in _REQUESTS:
        what = _REQUESTS[kind]
        if what in history.outstanding:
            raise ValidationError(
                "kind",
                f"{kind}: {what} was already requested on "
                f"{day_text(history.outstanding[what])} and has not arrived yet",
            )
    else:
        if not regime.can_extend:
            raise ValidationError("kind", f"extended: {regime.name} allows no extension")
        if history.extension is not None:
            raise ValidationError(
                "kind", f"extended: already extended on {day_text(history.extension.on)}"
            )
        if not new.reason.strip():
            raise ValidationError(
                "reason", "an extension needs a reason; the requester must be told it"
            )
        state = compute_clock(regime, received, existing, holiday_region)
        if state.original_due is None:
            how = "paused" if state.start is not None else "stopped"
            waiting = sorted(history.outstanding.items(), key=lambda item: item[1])
            raise ValidationError(
                "kind",
                f"extended: cannot extend while the clock is {how} "
                f"({_outstanding_text(waiting)})",
            )
        if new.on >= state.original_due:
            raise ValidationError(
                "on",
                "extension must be decided before the original due date "
                f"{day_text(state.original_due)}",
            )
    # A dated-back event can still clash with later ones: the whole history must replay.
    _replay([*existing, new])
