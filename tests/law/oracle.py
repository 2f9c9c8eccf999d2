"""A second statutory clock, written from the rules in docs/rules.md and the law they
cite, without reading or importing muse_care's clock, regimes, workdays or dates.

It is built differently on purpose: months with ``dateutil.relativedelta``; holidays
straight from the ``holidays`` package; its own table of regimes; and the period
walked day by day (a day either counts towards the period or does not), rather than
computed and pushed. Where the two disagree, one of them misreads the law.

Events are plain (kind, day) pairs with the kind names the product uses
("id-requested", "clarification-received", "extended", ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

ONE = timedelta(days=1)


@dataclass(frozen=True)
class Law:
    """One regime as its text reads (docs/rules.md, each regime's section)."""

    unit: str  # "months" or "days"
    period: int
    extension: int
    rolls: bool  # a last day on a weekend or holiday moves to the next working day
    id_stops: bool  # the period starts only when requested ID / authority / fee arrives
    clarification_stops: bool  # UK Art. 12A: access requests only
    acknowledge: int | None  # business days to confirm receipt
    own: dict[str, int]  # right -> business days, no extension (CCPA §7026(f), §7027(g))
    business_regions: tuple[str, ...]  # whose common holidays are not business days


LAWS: dict[str, Law] = {
    # UK GDPR Art. 12(3), Art. 12A; ICO right of access guidance.
    "uk-gdpr": Law("months", 1, 2, True, True, True, None, {}, ()),
    # EU GDPR Art. 12(3); Reg. 1182/71 Art. 3; recital 63 (no pause).
    "eu-gdpr": Law("months", 1, 2, True, True, False, None, {}, ()),
    # CCPA regs §7021: 45 calendar days regardless of verification, +45; confirm in 10
    # business days; §7026(f), §7027(g): 15 business days.
    "ccpa": Law("days", 45, 45, False, False, False, 10,
                {"opt-out-sale": 15, "limit-sensitive": 15}, ("US", "US-CA")),
    "vcdpa": Law("days", 45, 45, False, False, False, None, {}, ()),
    # LGPD Art. 19 II: 15 days, no extension.
    "lgpd": Law("days", 15, 0, False, False, False, None, {}, ()),
    # PIPEDA s.8(3)-(4): 30 days, extendable once by 30.
    "pipeda": Law("days", 30, 30, False, False, False, None, {}, ()),
}

STOPPERS = {"id": "identity", "authority": "authority", "fee": "fee"}


@lru_cache(maxsize=None)
def _days_off(region: str, year: int) -> dict[date, str]:
    country, _, subdiv = region.partition("-")
    table = holidays.country_holidays(country, subdiv=subdiv or None, years=year)
    days = {d: "; ".join(table.get_list(d)) for d in table}
    if region == "GB-SCT":
        # Not in GOV.UK's list of Scottish bank holidays (docs/rules.md, "Holidays").
        days.pop(date(2026, 6, 15), None)
    return days


def working(d: date, region: str) -> bool:
    return d.isoweekday() <= 5 and d not in _days_off(region, d.year)


def business(d: date, regions: tuple[str, ...]) -> bool:
    """docs/rules.md, "Business days": a day is off only if every region keeps it and
    no reading calls it a working day (Juneteenth; a Friday 'observed' for a Saturday)."""
    if d.isoweekday() > 5:
        return False
    names = []
    for region in regions:
        name = _days_off(region, d.year).get(d)
        if name is None:
            return True
        names.append(name)
    text = "; ".join(names)
    if "Juneteenth" in text:
        return True
    if len(regions) > 1 and d.isoweekday() == 5 and "(observed)" in text:
        return True
    return False


def nth_business_day_after(d: date, n: int, regions: tuple[str, ...]) -> date:
    day, seen = d, 0
    while seen < n:
        day += ONE
        if business(day, regions):
            seen += 1
    return day


@dataclass(frozen=True)
class Answer:
    start: date | None
    due: date | None
    original_due: date | None
    extended: bool
    paused_days: int
    waiting_for: str | None
    acknowledge_by: date | None


def _rounds(events: list[tuple[str, date]]) -> list[tuple[str, date, date | None]]:
    """(what, asked, answered or None), pairing each answer with the open request of its
    kind. Same-day events: requests before answers unless an answer closes a request
    made earlier."""
    open_: dict[str, date] = {}
    done: list[tuple[str, date, date | None]] = []
    by_day: dict[date, list[str]] = {}
    for kind, on in events:
        by_day.setdefault(on, []).append(kind)
    for day in sorted(by_day):
        pending = sorted(by_day[day])
        while pending:
            # an answer to an open request first, else a request with none open
            pick = next((k for k in pending if k.endswith("-received") and k[:-9] in open_), None)
            if pick is None:
                pick = next(k for k in pending if k.endswith("-requested") and k[:-10] not in open_)
            pending.remove(pick)
            what = pick.rsplit("-", 1)[0]
            if pick.endswith("-requested"):
                open_[what] = day
            else:
                done.append((what, open_.pop(what), day))
    done.extend((what, asked, None) for what, asked in open_.items())
    return done


def _walk(start: date, last_plain: date, clarifications: list[tuple[date, date | None]]):
    """Walk the period day by day from the day after ``start``: ``start`` is day zero,
    the day of the event, which is no part of the period (UK GDPR Art. 12A; Reg.
    1182/71 Art. 3(1)), so nothing that happens on it can stop it counting. A later day
    counts unless a clarification that began while the period was running covers it.
    The period has as many counting days as there are days after ``start`` up to
    ``last_plain``. Returns (end, paused days, open) where open is True if an
    outstanding clarification is pausing the period (no end yet)."""
    need = (last_plain - start).days
    counted = 0
    paused: set[date] = set()
    rounds = sorted(clarifications, key=lambda r: r[0])
    covering: list[tuple[date, date | None]] = []
    day = start + ONE
    while True:
        # rounds asked by today (or outstanding when the clock started) join if the
        # period is still running, which it is: we are still walking.
        for r in [r for r in rounds if r[0] <= day]:
            rounds.remove(r)
            if r[1] is None or r[1] >= day:
                covering.append(r)
        covering = [r for r in covering if r[1] is None or r[1] >= day]
        if covering:
            if any(r[1] is None for r in covering):
                # the days of answered rounds so far are reported as paused
                if any(r[1] is not None for r in covering):
                    paused.add(day)
                return None, paused, True
            paused.add(day)
        else:
            counted += 1
            if counted == need:
                return day, paused, False
        day += ONE


def _roll(day: date, law: Law, region: str) -> date:
    if law.rolls:
        while not working(day, region):
            day += ONE
    return day


def clock(code: str, received: date, region: str, rights: frozenset[str],
          events: list[tuple[str, date]]) -> Answer:
    law = LAWS[code]
    base = not rights or any(r not in law.own for r in rights)
    rounds = _rounds([e for e in events if e[0] != "extended"])
    extensions = [on for kind, on in events if kind == "extended"]
    order = ["id", "authority", "fee", "clarification"]
    names = {"id": "identity", "authority": "authority", "fee": "fee", "clarification": "clarification"}
    outstanding = sorted((asked, order.index(what)) for what, asked, got in rounds if got is None)
    waiting = names[order[outstanding[0][1]]] if outstanding else None
    regions = law.business_regions or (region,)
    acknowledge = None
    if law.acknowledge is not None and base:
        acknowledge = nth_business_day_after(received, law.acknowledge, regions)

    # Identity, authority, fee: in time if asked on or before the due date as it stood
    # at the end of the day before.
    start = received
    stopped_by = []
    if law.id_stops:
        for what, asked, got in rounds:
            if what not in STOPPERS:
                continue
            before = clock(code, received, region, rights, [e for e in events if e[1] < asked])
            if before.original_due is not None and asked > before.original_due:
                continue
            if got is None:
                stopped_by.append((asked, order.index(what), STOPPERS[what]))
            elif got > start:
                start = got
    if stopped_by:
        # no period runs yet, so nothing extends it (docs/rules.md, "Extension")
        return Answer(None, None, None, False, 0, min(stopped_by)[2], acknowledge)

    pausing = law.clarification_stops and "access" in rights and base
    clar = [(asked, got) for what, asked, got in rounds if what == "clarification"
            and (got is None or got >= start)] if pausing else []

    def due_after(months_or_days: int):
        plain = (start + relativedelta(months=months_or_days) if law.unit == "months"
                 else start + timedelta(days=months_or_days))
        end, paused, open_ = _walk(start, plain, clar)
        return (None if open_ else _roll(end, law, region)), paused, open_

    own = [nth_business_day_after(received, law.own[r], regions) for r in rights if r in law.own]
    original, paused, open_ = due_after(law.period) if base else (None, set(), False)
    # An extension is told within the period it extends: within one month of the
    # relevant time (DPA 2018 s.54(3B); UK GDPR Art. 12A; Art. 12(3)). One told before
    # the period restarted (identity, authority or fee arriving later) is not carried.
    told = sorted(on for on in extensions if on >= start)
    extended = bool(base and told and (original is None or told[0] <= original))
    if extended:
        due, paused, open_ = due_after(law.period + law.extension)
    else:
        due = original
    if open_:
        return Answer(start, None, None, extended, len(paused), "clarification", acknowledge)
    if own:
        original = min([d for d in (original,) if d] + own)
        due = min([d for d in (due,) if d] + own)
    return Answer(start, due, original, extended, len(paused), waiting, acknowledge)
