"""The statutory clock of a case, by the rules written out in docs/rules.md.

A case's clock is computed, never stored: from the regime, the day the request was
received, the rights asked for and the case's clock events (identity, authority and
fee requested and received, clarification requested and received, extended).
Everything here is a pure function of those, so the same history always gives the
same dates and the same one-line explanation, whichever order the events are listed
in. The explanation names each rule it applied.

The steps of ``compute_clock``, each a function below, each a section of docs/rules.md:
1. ``_stopping_rounds``: which identity, authority and fee requests stop the clock
   ("Identity, authority and fee"): only those made while the period still ran;
2. ``_clock_start``: the day received, or the day the last of those answers arrived;
3. ``_pause_days``: the clarification days that do not count ("Clarification"): UK
   GDPR, access requests only, a set of days after the start day (day zero, no part
   of the period), only rounds asked while the period ran;
4. ``_period_end`` and ``_rolled``: the corresponding date (or N days, or N business
   days) on, pushed by the days that do not count, then to a working day ("Months",
   "Weekends and holidays");
5. ``_period_extension`` and ``_extension_applies``: the extension told in the period
   that runs (one told before a restart is not carried), on or before the original
   due date or during a clarification pause ("Extension");
6. ``_right_deadlines``: rights with their own period (CCPA opt-out and limit, "CCPA")
   and the receipt confirmation ("Business days").

Events recorded late carry a note the explanation repeats (``_late_notes``);
``recorded_late`` says whether a new one is ("Events recorded late").
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

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
ACCESS = "access"


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
    """One event of a case's clock. ``late_note`` is set when the event was recorded
    late (dated back, or moving a due date that had passed) and says when, by whom and
    why (docs/rules.md, "Events recorded late"); the explanation repeats it."""

    kind: ClockEventKind
    on: date
    reason: str = ""
    late_note: str = ""


@dataclass(frozen=True)
class ClockState:
    """Where a case's clock stands.

    ``start`` is None while the clock is stopped (identity, authority or fee requested
    in time and not yet received, in regimes where that stops it); ``due`` and
    ``original_due`` are None while it is stopped or paused for clarification.
    ``original_due`` is the due date without the extension: the date by which the
    requester must be told of an extension. ``waiting_for`` names what the team is
    waiting for from the requester ("identity", "authority", "fee", "clarification"),
    even where that does not stop the clock (CCPA, or a request made too late).
    ``acknowledge_by`` is the date by which receipt must be confirmed (CCPA).
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

    def acknowledgement_overdue(self, as_of: date) -> bool:
        """True from the day after the receipt confirmation was due."""
        return self.acknowledge_by is not None and as_of > self.acknowledge_by


def told_in_time(state: ClockState, told_on: date | None) -> bool:
    """Whether the requester was told of the extension ``state`` applies in time: on
    the law's day ``told_on``, within the period the extension extends (from the day
    the clock started to the original due date, both counted: Art. 12(3); docs/rules.md,
    "Told in time, or not at all")."""
    return (state.extended and told_on is not None and state.start is not None
            and state.original_due is not None and state.start <= told_on <= state.original_due)


def held_due(state: ClockState, told_on: date | None) -> tuple[date | None, str]:
    """The due date that holds, and what to add to the explanation: an extension holds
    once the requester is told of it, by the original due date. Until then (and for
    good if they never are) the reply is due on the original due date."""
    if not state.extended or state.due is None:
        return state.due, ""
    if told_in_time(state, told_on):
        assert told_on is not None
        return state.due, f"; the requester was told of the extension on {day_text(told_on)}"
    by = day_text(state.original_due) if state.original_due else "the original due date"
    return state.original_due, (
        f"; the extension to {day_text(state.due)} holds once the requester is told of it, by {by}: "
        f"until then the reply is due {by}")


def until_sent(regime: Regime, received: date, events: Sequence[ClockEvent], unsent: Sequence[bool],
               holiday_region: str | None, rights: Sequence[str], told_on: date | None) -> tuple[date | None, str]:
    """A request is made by the letter that goes out (docs/letters.md, "A request letter
    and its clock event"). While the clock stops or pauses only on requests whose letters
    have not gone out (``unsent``, one flag an event), the reply is due as if they had
    not been made, and the explanation says so; once a letter goes out, its request
    counts from its day. (None, "") when that does not apply: the clock as it is holds."""
    def answered(e: ClockEvent) -> bool:  # its answer came: the requester had the request
        what = e.kind.value.rsplit("-", 1)[0]
        return any(a.kind.value == f"{what}-received" and a.on >= e.on for a in events)

    unsent = [u and not answered(e) for e, u in zip(events, unsent)]
    if not any(unsent):
        return None, ""
    full = compute_clock(regime, received, events, holiday_region, rights=rights)
    if full.due is not None:
        return None, ""
    try:
        without = compute_clock(regime, received, [e for e, u in zip(events, unsent) if not u], holiday_region,
                                rights=rights)
    except ValidationError:  # no clock without them: they count
        return None, ""
    due, _note = held_due(without, told_on if told_in_time(without, told_on) else None)
    if due is None:
        return None, ""
    asked = sorted({(e.on, e.kind.value.rsplit("-", 1)[0]) for e, u in zip(events, unsent) if u})
    what = " and ".join(f"the {'identity' if k == 'id' else k} request of {day_text(on)}" for on, k in asked)
    only_questions = all(k == "clarification" for _on, k in asked)
    verb, effect = ("pauses", "pauses") if only_questions else ("stops", "restarts")
    return due, (f"; {what} {verb} the clock once its letter goes out: until then the reply is due "
                 f"{day_text(due)}, and after that day a letter asking it {effect} nothing")


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


@dataclass(frozen=True)
class _Round:
    """One request and its answer (None while outstanding)."""

    what: str
    asked: date
    answered: date | None


@dataclass
class _History:
    """The events replayed in date order."""

    outstanding: dict[str, date] = field(default_factory=dict)  # what -> requested on
    answered: dict[str, tuple[date, date]] = field(default_factory=dict)  # last round
    rounds: list[_Round] = field(default_factory=list)  # answered rounds, in order
    extensions: list[ClockEvent] = field(default_factory=list)  # in date order

    def all_rounds(self) -> list[_Round]:
        """Answered rounds then outstanding ones, each kind in the order asked."""
        open_rounds = [_Round(what, on, None) for what, on in self.outstanding.items()]
        return sorted([*self.rounds, *open_rounds], key=lambda r: (r.asked, _WAIT_ORDER[r.what]))


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
        history.rounds.append(_Round(what, requested, event.on))
    else:
        history.extensions.append(event)


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
    """'one month', 'three months', '45 days', '15 business days'."""
    words = _NUMBER_WORDS[n] if unit == "months" and n < len(_NUMBER_WORDS) else str(n)
    plural = unit.replace("-", " ")
    return f"{words} {plural[:-1] if n == 1 else plural}"


def _outstanding_text(outstanding: list[tuple[str, date]]) -> str:
    requested = " and ".join(f"{what} requested {day_text(on)}" for what, on in outstanding)
    return f"{requested}, not yet received"


def _business_calendar(regime: Regime, region: str) -> tuple[str, ...]:
    """The regions whose common holidays are not business days (docs/rules.md, "Business days")."""
    return regime.business_days or (region,)


def received_day(
    regime: Regime, at: datetime, holiday_region: str = "", country: str = ""
) -> date:
    """The calendar day ``at`` falls on where the law applies (docs/rules.md, "The day
    received"): Europe/London for UK GDPR, the member state's zone for EU GDPR, and so on.
    ``at`` must carry its offset (UTC as stored)."""
    if at.tzinfo is None:
        raise ValueError("received_day needs an aware datetime")
    return at.astimezone(ZoneInfo(regime.zone_for(holiday_region, country))).date()


def law_day(regime: Regime, now: datetime, holiday_region: str = "", country: str = "") -> date:
    """Today where the law applies: the latest day a clock event (an answer, an ID
    received, a clarification asked) can be dated, and the day a pause asked for now
    starts (docs/rules.md, "The day received"). Not the organisation's day: its zone
    may be hours ahead of, or behind, the law's."""
    return received_day(regime, now, holiday_region, country)


# --- counting ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    """What is counted: ``amount`` ``unit`` from ``start`` in ``region``."""

    regime: Regime
    region: str
    start: date
    amount: int
    unit: str

    def counted(self) -> date:
        """The last day of the period before any day is left out: the corresponding
        date (or its month's last day), N days on, or the N-th business day on."""
        if self.unit == "months":
            return add_months(self.start, self.amount)
        if self.unit == "days":
            return self.start + timedelta(days=self.amount)
        return add_business_days(
            self.start, self.amount, _business_calendar(self.regime, self.region)
        )


def _period_end(period: _Period, left_out: frozenset[date]) -> date:
    """The last day of the period when the days in ``left_out`` do not count: the
    first day by which as many counting days have passed as the plain period has
    (docs/rules.md, "Clarification": each day that does not count pushes the end by one)."""
    plain = period.counted()
    end = plain
    while True:
        pushed = plain + timedelta(days=sum(1 for d in left_out if period.start <= d <= end))
        if pushed == end:
            return end
        end = pushed


def _rolled(regime: Regime, region: str, day: date, steps: list[str]) -> date:
    """Saturday, Sunday or holiday: the next working day, where the regime rolls."""
    if not regime.roll_to_working_day:
        return day
    rolled, skipped = next_working_day_on_or_after(day, region)
    if skipped:
        steps.append(", ".join(skipped))
    return rolled


# --- the steps ----------------------------------------------------------------------


def _stopping_rounds(
    regime: Regime, received: date, events: Sequence[ClockEvent], history: _History,
    region: str, rights: frozenset[str], notes: list[str],
) -> list[_Round]:
    """The identity, authority and fee rounds that stop the clock: those asked while
    the period still ran, that is on or before the due date the case had on the day
    before (docs/rules.md, "Identity, authority and fee"). A later one is noted and
    changes nothing."""
    if not regime.verification_stops_clock:
        return []
    in_time: list[_Round] = []
    for one in history.all_rounds():
        if one.what not in _STOPPING:
            continue
        due_then = _due_before(regime, received, events, one.asked, region, rights)
        if due_then is not None and one.asked > due_then:
            notes.append(
                f"{one.what} asked {day_text(one.asked)}, after the due date "
                f"{day_text(due_then)}: no restart"
            )
            continue
        in_time.append(one)
    return in_time


def _due_before(
    regime: Regime, received: date, events: Sequence[ClockEvent], day: date,
    region: str, rights: frozenset[str],
) -> date | None:
    """The original due date as it stood at the end of the day before ``day``; None
    while the clock was stopped or paused then."""
    earlier = [e for e in events if e.on < day]
    return _compute(regime, received, earlier, region, rights).original_due


def _clock_start(
    received: date, rounds: list[_Round], notes: list[str]
) -> tuple[date | None, list[tuple[str, date]]]:
    """The day the clock starts, or None and what stops it."""
    waiting = [(r.what, r.asked) for r in rounds if r.answered is None]
    if waiting:
        return None, waiting
    start = received
    last = max(
        (r for r in rounds if r.answered is not None),
        key=lambda r: (r.answered, _WAIT_ORDER[r.what]),
        default=None,
    )
    if last is not None and last.answered is not None and last.answered > received:
        start = last.answered
        notes.append(f"clock started {day_text(start)} when {last.what} arrived")
    return start, []


def _pauses(regime: Regime, rights: frozenset[str], history: _History, notes: list[str]) -> list[_Round]:
    """The clarification rounds that may pause the clock, with a note where the law
    gives none (docs/rules.md, "Clarification")."""
    rounds = [r for r in history.all_rounds() if r.what == "clarification"]
    if not rounds:
        return []
    if not regime.clarification_pauses_clock:
        rule = f" ({regime.clarification_rule})" if regime.clarification_rule else ""
        notes.append(f"{regime.name}: no clarification pause{rule}")
        return []
    if ACCESS not in rights:
        notes.append(
            f"clarification does not pause: {regime.clarification_rule or 'the law'} "
            "stops the clock only for access requests"
        )
        return []
    return rounds


@dataclass(frozen=True)
class _Paused:
    """The days of clarification that do not count for one period, and whether a
    counted round is still outstanding."""

    days: frozenset[date]
    open_round: _Round | None
    late: tuple[tuple[_Round, date], ...]  # with the period's last day when it was asked
    day_zero: tuple[_Round, ...] = ()


def _pause_days(period: _Period, rounds: list[_Round]) -> _Paused:
    """Rounds in the order asked; a round counts only if asked (or outstanding when the
    clock starts) on or before the end of the period as it then stood; its days from
    its asking to its answer, both counted, that fall after the start day join a set.
    The start day is day zero, no part of the period (docs/rules.md, "Clarification"):
    a round answered on it leaves nothing out."""
    days: set[date] = set()
    late: list[tuple[_Round, date]] = []
    day_zero: list[_Round] = []
    for one in rounds:
        if one.answered is not None and one.answered < period.start:
            continue
        if one.answered == period.start:
            day_zero.append(one)
            continue
        first = max(one.asked, period.start + timedelta(days=1))
        end = _period_end(period, frozenset(days))
        if first > end:
            # after the last day of the period, even if the reply may wait for the
            # working day the due date rolls to: the period itself no longer runs
            late.append((one, end))
            continue
        if one.answered is None:
            return _Paused(frozenset(days), one, tuple(late), tuple(day_zero))
        days.update(first + timedelta(days=n) for n in range((one.answered - first).days + 1))
    return _Paused(frozenset(days), None, tuple(late), tuple(day_zero))


def _spans(days: frozenset[date]) -> str:
    """'Mon 2 Mar–Wed 4 Mar, Mon 9 Mar–Mon 9 Mar': the days as runs."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return ", ".join(f"{short_day(a)}–{short_day(b)}" for a, b in runs)


def _due_for(period: _Period, paused: _Paused, steps: list[str]) -> date | None:
    """Count the period, leave out the paused days, roll; explain each step."""
    if paused.open_round is not None:
        return None
    counted = period.counted()
    gap = ""
    if period.unit == "months" and counted.day != period.start.day:
        gap = f"no {period.start.day} {month_abbr(counted)}, so "
    steps.append(f"{_amount(period.amount, period.unit)}: {gap}{day_text(counted)}")
    if paused.days:
        counted = _period_end(period, paused.days)
        steps.append(
            f"+{_amount(len(paused.days), 'days')} paused for clarification "
            f"({_spans(paused.days)}): {day_text(counted)}"
        )
    return _rolled(period.regime, period.region, counted, steps)


def _round_notes(paused: _Paused, due: date | None, notes: list[str]) -> None:
    """The clarification rounds that left no day out: on day zero, or asked too late.
    One asked between the period's last day and the working day the due date rolls to
    says so: the roll gives time to reply, not more period to pause (docs/rules.md,
    "Clarification")."""
    for one in paused.day_zero:
        when = "on" if one.asked == one.answered else "ended on"
        notes.append(
            f"clarification {short_day(one.asked)}–{short_day(one.answered or one.asked)}: "
            f"{when} the day the clock started (day zero): no pause"
        )
    for one, end in paused.late:
        if due is not None and one.asked <= due:
            notes.append(
                f"clarification asked {short_day(one.asked)}, after the period ended "
                f"{short_day(end)} (the due date {short_day(due)} is only the roll to a "
                "working day): no pause"
            )
        else:
            notes.append(f"clarification asked {short_day(one.asked)}, after the due date: no pause")


def _period_extension(
    extensions: Sequence[ClockEvent], start: date | None, notes: list[str]
) -> ClockEvent | None:
    """The extension of the period that runs from ``start``: one recorded on or after
    the start day. One recorded earlier was told in a period that restarted since (the
    requested identity, authority or fee arrived later) and is not carried into the new
    period (docs/rules.md, "Extension": the notice belongs to the month that begins with
    the relevant time; the earlier reading). While the clock is stopped, none applies."""
    current: list[ClockEvent] = []
    for one in extensions:
        if start is not None and one.on >= start:
            current.append(one)
        elif start is None:
            notes.append(
                f"extended {day_text(one.on)}, before the clock stopped: not carried into the "
                "period that starts when the answer arrives; extend again if still needed"
            )
        else:
            notes.append(
                f"extended {day_text(one.on)}, before the clock restarted {day_text(start)}: "
                "not carried into the restarted period; extend again if still needed"
            )
    if len(current) > 1:
        raise ValidationError("events", f"extended: already extended on {day_text(current[0].on)}")
    return current[0] if current else None


def _late_notes(events: Sequence[ClockEvent], notes: list[str]) -> None:
    """Events recorded late say so, with when, by whom and why (docs/rules.md, "Events
    recorded late"): the dates they move were not known on the day they are dated."""
    for one in sorted(events, key=_sort_key):
        if one.late_note:
            notes.append(f"{one.kind} {day_text(one.on)} {' '.join(one.late_note.split())}")


def _extension_applies(
    extension: ClockEvent | None, original_due: date | None, notes: list[str]
) -> bool:
    """Told on or before the original due date, or while a clarification pauses the
    clock (docs/rules.md, "Extension")."""
    if extension is None:
        return False
    if original_due is None or extension.on <= original_due:
        return True
    notes.append(
        f"extended {day_text(extension.on)}, after the original due date "
        f"{day_text(original_due)}: not applied"
    )
    return False


def _right_deadlines(
    regime: Regime, region: str, received: date, rights: frozenset[str], steps: list[str]
) -> list[date]:
    """Rights with a period of their own (docs/rules.md, "CCPA"), counted from receipt."""
    dues: list[date] = []
    for right in sorted(rights):
        own = regime.period_for(right)
        if own is None:
            continue
        period = _Period(regime, region, received, own.period, own.period_unit)
        counted = period.counted()
        basis = f" ({own.basis})" if own.basis else ""
        steps.append(f"{right}: {_amount(own.period, own.period_unit)}{basis}: {day_text(counted)}")
        dues.append(counted)
    return dues


def _has_regime_period(regime: Regime, rights: frozenset[str]) -> bool:
    """Whether any right asked for runs on the regime's own period (no rights given: yes)."""
    return not rights or any(regime.period_for(r) is None for r in rights)


def _acknowledge_by(regime: Regime, region: str, received: date, rights: frozenset[str]) -> date | None:
    """The receipt confirmation date (CCPA §7021(a)): for the requests it covers."""
    if regime.acknowledge_within_business_days is None or not _has_regime_period(regime, rights):
        return None
    return add_business_days(
        received, regime.acknowledge_within_business_days, _business_calendar(regime, region)
    )


# --- the clock ----------------------------------------------------------------------


def compute_clock(
    regime: Regime,
    received: date,
    events: Sequence[ClockEvent],
    holiday_region: str | None = None,
    *,
    rights: Collection[str] = (),
) -> ClockState:
    """The clock of a case received on ``received`` with these events (docs/rules.md).

    ``rights`` are the rights asked for (Right values); a clarification pauses only
    an access request, and some rights have periods of their own. ``holiday_region``
    defaults to the regime's; a region the regime does not offer is a ValidationError.
    So is a history that cannot have happened (an answer without a request):
    ``validate_new_event`` keeps such histories from being stored.
    """
    region = _region_for(regime, holiday_region)
    return _compute(regime, received, list(events), region, frozenset(rights))


def _compute(
    regime: Regime, received: date, events: Sequence[ClockEvent], region: str,
    rights: frozenset[str],
) -> ClockState:
    try:
        history = _replay(events)
    except ValidationError as error:
        raise ValidationError("events", error.message) from None
    if history.extensions and not regime.can_extend:
        raise ValidationError("events", f"extended: {regime.name} allows no extension")
    outstanding = sorted(
        history.outstanding.items(), key=lambda item: (item[1], _WAIT_ORDER[item[0]])
    )
    waiting_for = outstanding[0][0] if outstanding else None
    parts = [f"received {day_text(received)}"]
    _late_notes(events, parts)
    acknowledge_by = _acknowledge_by(regime, region, received, rights)

    stopping = _stopping_rounds(regime, received, events, history, region, rights, parts)
    start, stops = _clock_start(received, stopping, parts)
    extension = _period_extension(history.extensions, start, parts)
    extension_reason = " ".join(extension.reason.split()) if extension is not None else ""
    if start is None:
        parts.append(f"clock stopped: {_outstanding_text(stops)}")
        return ClockState(
            start=None, due=None, original_due=None, extended=False,
            paused_days=0, waiting_for=stops[0][0], explanation="; ".join(parts), received=received,
            extension_reason="", acknowledge_by=acknowledge_by,
        )

    regime_period = _has_regime_period(regime, rights)
    clarifications = _pauses(regime, rights, history, parts) if regime_period else []
    original = _Period(regime, region, start, regime.period, regime.period_unit)
    original_paused = _pause_days(original, clarifications)
    original_steps: list[str] = []
    original_due = _due_for(original, original_paused, original_steps) if regime_period else None
    extended = regime_period and _extension_applies(extension, original_due, parts)

    if extended:
        longer = _Period(regime, region, start, regime.period + regime.extension, regime.period_unit)
        paused = _pause_days(longer, clarifications)
        steps: list[str] = []
        due = _due_for(longer, paused, steps)
        reason = f" ({extension_reason})" if extension_reason else ""
        if steps:
            steps[0] = f"extended by {_amount(regime.extension, regime.period_unit)}{reason}: {steps[0]}"
    else:
        paused, steps, due = original_paused, original_steps, original_due
    _round_notes(paused, due, parts)

    open_round = paused.open_round if regime_period else None
    if open_round is not None:
        if paused.days:
            so_far = _amount(len(paused.days), "days")
            parts.append(f"{so_far} paused for clarification so far ({_spans(paused.days)})")
        parts.append(f"clock paused: {_outstanding_text([('clarification', open_round.asked)])}")
        return ClockState(
            start=start, due=None, original_due=None, extended=extended,
            paused_days=len(paused.days), waiting_for="clarification",
            explanation="; ".join(parts), received=received,
            extension_reason=extension_reason, acknowledge_by=acknowledge_by,
        )

    parts.extend(steps)
    own = _right_deadlines(regime, region, received, rights, parts)
    if own:
        original_due = min([d for d in (original_due,) if d is not None] + own)
        due = min([d for d in (due,) if d is not None] + own)
    assert due is not None and original_due is not None
    if extended and due != original_due:
        parts.append(f"due {day_text(due)} (original due {day_text(original_due)})")
    else:
        parts.append(f"due {day_text(due)}")
    return ClockState(
        start=start, due=due, original_due=original_due, extended=extended,
        paused_days=len(paused.days), waiting_for=waiting_for,
        explanation="; ".join(parts), received=received,
            extension_reason=extension_reason, acknowledge_by=acknowledge_by,
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
    *,
    rights: Collection[str] = (),
) -> None:
    """Raise a ValidationError saying what is wrong if ``new`` cannot join ``existing``.

    The field is "on" for a wrong date (including an identity, authority or fee request
    after the due date, which would not restart the clock), "reason" for a missing
    reason and "kind" for an event that does not fit the history (an answer nobody
    asked for, a second request while one is outstanding, a second extension).
    """
    kind = new.kind
    region = _region_for(regime, holiday_region)
    rights_set = frozenset(rights)
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
        if what in _STOPPING and regime.verification_stops_clock:
            due_then = _due_before(regime, received, existing, new.on, region, rights_set)
            if due_then is not None and new.on > due_then:
                raise ValidationError(
                    "on",
                    f"{kind} dated {day_text(new.on)} is after the due date "
                    f"{day_text(due_then)}: asking for {what} now does not restart the "
                    "clock (docs/rules.md); keep a note of the request instead",
                )
    else:
        _validate_extension(regime, received, existing, new, region, rights_set, history)
    # A dated-back event can still clash with later ones: the whole history must replay.
    _replay([*existing, new])


def _validate_extension(
    regime: Regime, received: date, existing: Sequence[ClockEvent], new: ClockEvent,
    region: str, rights: frozenset[str], history: _History,
) -> None:
    if not regime.can_extend:
        raise ValidationError("kind", f"extended: {regime.name} allows no extension")
    if not _has_regime_period(regime, rights):
        raise ValidationError(
            "kind", f"extended: {', '.join(sorted(rights))} requests cannot be extended"
        )
    state = _compute(regime, received, existing, region, rights)
    start = state.start
    # One extension a period; one told before the period restarted does not count.
    current = [e for e in history.extensions if start is not None and e.on >= start]
    if current:
        raise ValidationError("kind", f"extended: already extended on {day_text(current[0].on)}")
    if not new.reason.strip():
        raise ValidationError(
            "reason", "an extension needs a reason; the requester must be told it"
        )
    if start is None:
        waiting = sorted(history.outstanding.items(), key=lambda item: item[1])
        raise ValidationError(
            "kind",
            f"extended: cannot extend while the clock is stopped ({_outstanding_text(waiting)})",
        )
    if new.on < start:
        raise ValidationError(
            "on",
            f"extended dated {day_text(new.on)} is before the clock restarted {day_text(start)}; "
            "an extension is told within the period it extends",
        )
    # Paused for clarification (original_due None): the month is still running.
    if state.original_due is not None and new.on > state.original_due:
        raise ValidationError(
            "on",
            "extension must be told on or before the original due date "
            f"{day_text(state.original_due)}",
        )


def recorded_late(
    new: ClockEvent, before: ClockState, after: ClockState, today: date, margin_days: int
) -> str:
    """Why ``new`` is recorded late, or '' (docs/rules.md, "Events recorded late").

    Late is dated more than ``margin_days`` before ``today``, or moving a due date that
    has already passed (``before`` and ``after`` are the clock without and with the
    event): the two ways an event typed now can rescue a case that went overdue. Such an
    event is recorded only with the reason it is late (and by a team lead where four
    eyes is on); the explanation keeps the note."""
    why: list[str] = []
    back = (today - new.on).days
    if back > margin_days:
        why.append(f"{back} days after its date")
    if before.due is not None and before.due < today and (after.due is None or after.due > before.due):
        if after.due is None:
            why.append(f"stopping the clock after the due date {day_text(before.due)} had passed")
        else:
            why.append(
                f"moving the due date {day_text(before.due)}, which had passed, to {day_text(after.due)}"
            )
    return "; ".join(why)
