"""Realistic demo data: requesters from many countries and scripts, every right,
channel and status, some overdue. One transaction, so a failure leaves nothing.

Every demo case is one the application could have produced: its rows and its history's
word entries are what a sequence of the services' own calls leaves behind (intake with
its identity checks and tasks; the checks recorded; a clock event where the regime
allows it; the tasks settled, the Art. 19 recipients told and an electronic reply
recorded before Responded, as the Responded gate asks; a lead's approval requested
before Awaiting approval; a reason for a refusal). The requesters are drawn by
``services/demo_people.py``.

Rows are built as tuples in a fixed column order, written in batches: on SQLite with the
driver's ``executemany`` (2.6 times Core's rate: docs/machine.md, "Speed measurements"), on PostgreSQL with
``COPY`` (one statement per table and batch, so the NOTIFY trigger of migration 0003
sends one ``'*'`` per batch, and PostgreSQL folds identical notifications in a
transaction into one).

The history is written the way the triggers would have written it, not by them
(docs/security.md, "History the database writes"): the per-row triggers of the history
(each filled table's row-entry trigger, the chain check and the seal's move) are
dropped on SQLite for the load (put back from the SQL saved from ``sqlite_master``) and
disabled on PostgreSQL for a superuser's load (``ALTER TABLE … DISABLE TRIGGER``, which
locks the tables until the transaction ends; another role's load keeps them, and the
database appends each row entry itself). The word entries are hash-chained here; the
row entries of the loaded rows follow in one pass per table, hashed in Python
(``store/history_sql.py``), then the seal moves on once. ``audit`` verifies the result.

A large load on SQLite (``large_threshold`` cases or more) would also spend much of its
time keeping the secondary indexes and the full-text table up to date row by row. It
therefore drops the secondary indexes of the tables it fills and the triggers that feed
``case_search``, loads, writes the row entries, rebuilds the indexes from their saved
SQL (so they come back exactly as they were), fills ``case_search`` for the new rows
with one ``INSERT … SELECT`` and re-creates the triggers. Everything happens inside the
one transaction: a failure at any point rolls back to the database as it was.

A load of ``CHILD_THRESHOLD`` cases or more draws its rows in a worker process while
this one writes the batch before (``_rows_from_child``; docs/performance.md, "Eighth
round"): the same rows, from the same generators' states.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import pickle
import random
import time as _time
import traceback
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from hashlib import sha256
from itertools import accumulate
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from muse_care.domain.case import OPEN_STATUSES, Channel, Right, Status
from muse_care.domain.clock import (
    ClockEvent,
    ClockEventKind,
    compute_clock,
    validate_new_event,
)
from muse_care.domain.errors import ValidationError
from muse_care.domain.identity import required_steps
from muse_care.domain.reference import ALPHABET, _check_char
from muse_care.domain.regimes import REGIMES
from muse_care.domain.systems import Action, System, TaskStatus, tasks_for
from muse_care.services.demo_people import email as people_email
from muse_care.services.demo_people import phone as people_phone
from muse_care.services.history import _V2, HistoryWriter
from muse_care.services.history import _stamp as history_stamp
from muse_care.services.recipients import needs_recipients
from muse_care.services.register import Register
from muse_care.services.respond_gate import ELECTRONIC_REPLY
from muse_care.store import history_sql
from muse_care.store.models import CaseRecord, ClockEventRecord, HistoryRecord

log = logging.getLogger(__name__)

COUNTRY_WEIGHTS = {"GB": 40, "DE": 10, "PL": 6, "IT": 12, "FR": 8, "PK": 10, "CN": 6, "US": 8}
STATUS_WEIGHTS = {
    Status.NEW: 8, Status.AWAITING_IDENTITY: 12, Status.IN_PROGRESS: 25,
    Status.AWAITING_CLARIFICATION: 5, Status.AWAITING_APPROVAL: 5, Status.RESPONDED: 15,
    Status.CLOSED: 25, Status.REFUSED: 2, Status.WITHDRAWN: 3,
}
AGENTS = ["aisha", "tom", "li.wei", "giulia", ""]

LARGE_THRESHOLD = 50_000
"""From this many new cases, a SQLite load rebuilds indexes and search afterwards."""

CHILD_THRESHOLD = 10_000
"""From this many new cases, the rows are drawn in a worker process (``_rows_from_child``);
below it, starting one costs more than it saves."""

SQLITE_CACHE_KIB = 1_000_000
"""Page cache for a large SQLite load (about 1 GB, in KiB), restored afterwards."""

COLUMNS: dict[str, tuple[str, ...]] = {
    "cases": (
        "id", "reference", "status", "regime", "holiday_region", "channel", "rights",
        "received_at", "received_date", "requester_name", "requester_email", "requester_phone",
        "address_lines", "postcode", "city", "region", "country", "account_ref", "acting_for",
        "representative_name", "representative_authority", "assignee", "clock_start",
        "due_date", "original_due", "extended", "waiting_for", "due_explained",
        "acknowledge_by", "created_at", "created_by", "updated_at", "updated_by", "version",
    ),
    "clock_events": ("id", "case_id", "kind", "on_date", "reason", "recorded_by", "recorded_at"),
    "identity_checks": ("case_id", "step", "result", "reason", "checked_by", "checked_at"),
    "notes": ("case_id", "text", "written_by", "written_at"),
    "case_tasks": ("case_id", "source_id", "right", "action", "status", "basis", "reason", "notes",
                   "assignee", "done_by", "done_at", "created_at", "version"),
    "case_recipients": ("case_id", "name", "state", "told_on", "method", "reason", "settled_by",
                        "settled_at", "version"),
    "approvals": ("case_id", "kind", "requested_by", "requested_at", "reason", "note", "payload"),
    "history": ("id", "case_id", "at", "actor", "what", "old_value", "new_value", "prev_hash", "hash",
                "salt", "old_digest", "new_digest", "redacted"),
}
"""The tables a demo load fills, in the order they are written (parents first)."""

Rows = dict[str, list[tuple[Any, ...]]]

_V2_JSON = json.dumps(_V2)

REFUSAL_REASON = "Manifestly excessive: the fourth identical request this month (demo)"
WITHDRAWAL_REASON = "The customer withdrew the request on the phone (demo)"
REPLY_SUMMARY = "reply with the outcome of the request (demo)"
NOTE_TEXT = "Demo case: customer called to follow up."


@dataclass(frozen=True)
class DemoReport:
    cases: int
    seconds: float
    rate: float


def _references(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    seen = set(taken)
    choice = rng.choice
    while len(out) < n:
        body = "".join([choice(ALPHABET) for _ in range(6)])
        full = body + _check_char(body)
        ref = f"MC-{full[:3]}-{full[3:]}"
        if ref not in seen:
            seen.add(ref)
            out.append(ref)
    return out


def _iso(x: date | None) -> str | None:
    return None if x is None else x.isoformat()


def _text(value: object) -> str:
    """A value as the history writes it (services/history.py, ``_text``)."""
    return "" if value is None else str(value)


@dataclass(frozen=True)
class _Clock:
    state: Any
    columns: tuple[Any, ...]


class _Stamps:
    """Timestamps as the database's text (UTC; with an explicit offset on PostgreSQL)."""

    def __init__(self, zone: str) -> None:
        self.zone = zone
        self._cache: dict[datetime, str] = {}

    def __call__(self, x: datetime) -> str:
        got = self._cache.get(x)
        if got is None:
            got = self._cache[x] = x.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") + self.zone
        return got


class _Story:
    """One case's rows and word entries, in the order the services would write them."""

    def __init__(self, cid: int, actor: str) -> None:
        self.cid, self.actor = cid, actor
        self.entries: list[tuple[datetime, str, str, str]] = []  # (at, what, old, new)
        self.writes = 1  # the case row's version: one per unit of work that touched it
        self.updated: datetime | None = None
        self.status = Status.NEW

    def entry(self, at: datetime, what: str, old: object = "", new: object = "") -> None:
        self.entries.append((at, what, _text(old), _text(new)))

    def unit(self, at: datetime) -> None:
        self.writes += 1
        self.updated = at

    def move(self, to: Status, at: datetime) -> None:
        """A status move (``_move``): its entry; the caller counts the unit of work."""
        self.entry(at, "status", self.status.value, to.value)
        self.status = to

    def confirm_identity(self, steps: tuple[str, ...], results: dict[str, str], at: datetime) -> None:
        """record_check passed for each step: the first moves New to Awaiting identity,
        the last on to In progress (services/cases.py, ``record_check``)."""
        if not steps:
            self.move(Status.IN_PROGRESS, at)  # change_status: no check is needed
            self.unit(at)
            return
        for step in steps:
            self.entry(at, f"check:{step}", "pending", "passed")
            results[step] = "passed"
            if self.status is Status.NEW:
                self.move(Status.AWAITING_IDENTITY, at)
            if all(r == "passed" for r in results.values()):
                self.move(Status.IN_PROGRESS, at)
            self.unit(at)


class _StoredSettings:
    """The organisation settings a demo case's intake reads (``services/cases.py``,
    ``_regime_of``: the default regime and the holiday regions), read from the register
    before the load, so that the cases can be drawn where there is no register: in the
    load's worker process (``_rows_from_child``)."""

    KEYS = ("default_regime", "holiday_regions")

    def __init__(self, register: Register) -> None:
        self.stored = {key: register.stored_setting(key) for key in self.KEYS}

    def stored_setting(self, key: str) -> Any:
        """As ``Register.stored_setting``, for the keys read before the load."""
        if key not in self.stored:
            raise KeyError(f"the demo load read no setting {key!r} before it started")
        return self.stored[key]


class _CaseMaker:
    """Draws one demo case at a time. Every value derived from a few inputs (regimes from
    postcodes, clocks, identity steps, tasks) is computed once and looked up after."""

    def __init__(self, settings: _StoredSettings, rng: random.Random, n: int, today: date, now: datetime,
                 systems: list[tuple[int, System]], recipients: tuple[str, ...]) -> None:
        from muse_care.services.demo_people import People

        self.settings, self.rng, self.today, self.now = settings, rng, today, now
        self.countries = list(COUNTRY_WEIGHTS)
        self.country_cum = list(accumulate(COUNTRY_WEIGHTS.values()))
        self.statuses = list(STATUS_WEIGHTS)
        self.status_cum = list(accumulate(STATUS_WEIGHTS.values()))
        self.rights = list(Right)
        # Rights with a period of their own in one regime (CCPA opt-out, limit) are drawn
        # only for cases of that regime.
        own_rights = {r for r in Right if any(reg.period_for(r.value) for reg in REGIMES.values())}
        self.rights_of = {code: [r for r in self.rights if r not in own_rights or reg.period_for(r.value)]
                          for code, reg in REGIMES.items()}
        self.channel_values = [c.value for c in Channel]
        total = sum(COUNTRY_WEIGHTS.values())
        self.people = {cc: People(random.Random(f"{rng.random()}:{cc}"), cc, n * w // total + 1)
                       for cc, w in COUNTRY_WEIGHTS.items()}
        self.systems = systems
        self.recipients = recipients
        self._regimes: dict[tuple[str, str, str], tuple[Any, str, str]] = {}
        self._clocks: dict[tuple[Any, ...], _Clock | None] = {}
        self._steps: dict[tuple[str, tuple[Right, ...]], tuple[str, ...]] = {}
        self._tasks: dict[tuple[Right, ...], list[tuple[int, str, str, str]]] = {}
        self._received: dict[tuple[str, date, int, int], tuple[datetime, str]] = {}
        self._settled: dict[tuple[str, str], tuple[str, str]] = {}
        self.non_post = [c for c in self.channel_values if c != Channel.POST.value]

    def country_and_status(self) -> tuple[str, Status]:
        choices = self.rng.choices
        return (choices(self.countries, cum_weights=self.country_cum)[0],
                choices(self.statuses, cum_weights=self.status_cum)[0])

    def regime_of(self, cc: str, postcode: str, region: str) -> tuple[Any, str, str]:
        """Regime, holiday region and the history's note, as the intake finds them from the
        address (services/cases.py, ``_regime_of``)."""
        key = (cc, postcode, region)
        got = self._regimes.get(key)
        if got is None:
            from muse_care.services.cases import CaseDraft, _regime_of

            problems: dict[str, str] = {}
            regime, holiday_region, note = _regime_of(
                cast(Register, self.settings), CaseDraft(country=cc, postcode=postcode, region=region), problems)
            if problems or regime is None:
                raise ValueError(f"demo address {cc} {postcode} has no regime: {problems}")
            got = self._regimes[key] = (regime, holiday_region, note)
        return got

    def received(self, status: Status, zone: str) -> tuple[int, date, datetime]:
        """How many days ago the request came in (open cases recently), the day where the
        law applies, and the moment (a working hour in that zone)."""
        rng = self.rng
        age = rng.randint(0, 45) if status in OPEN_STATUSES else rng.randint(60, 900)
        day = self.today - timedelta(days=age)
        hour, minute = rng.randint(8, 19), rng.randint(0, 59)
        key = (zone, day, hour, minute)
        got = self._received.get(key)
        if got is None:
            at = datetime.combine(day, time(hour, minute), ZoneInfo(zone)).astimezone(UTC)
            got = self._received[key] = (at, "")
        at = got[0]
        if at > self.now:  # today, later than now: earlier today
            at = self.now - timedelta(minutes=minute + 1)
            day = at.astimezone(ZoneInfo(zone)).date()
            age = 0
        return age, day, at

    def rights_asked(self, regime_code: str) -> tuple[Right, ...]:
        offered = self.rights_of[regime_code]
        return tuple(sorted(set(self.rng.sample(offered, self.rng.choice((1, 1, 1, 2)))),
                            key=self.rights.index))

    def clock(self, regime: Any, received: date, events: tuple[ClockEvent, ...], region: str,
              chosen: tuple[Right, ...]) -> _Clock | None:
        """The clock from these events (None if the clock rules refuse an event, as the
        service would): every right counts (the audit recomputes with all of them)."""
        access = tuple(sorted(r.value for r in chosen))
        key = (regime.code, received, events, region, access)
        if key in self._clocks:
            return self._clocks[key]
        got: _Clock | None
        try:
            for i, ev in enumerate(events):
                validate_new_event(regime, received, list(events[:i]), ev, self.today, region, rights=access)
            c = compute_clock(regime, received, list(events), region, rights=access)
            got = _Clock(c, (_iso(c.start), _iso(c.due), _iso(c.original_due), c.extended, c.waiting_for,
                             c.explanation, _iso(c.acknowledge_by)))
        except ValidationError:
            got = None
        self._clocks[key] = got
        return got

    def check_steps(self, regime_code: str, chosen: tuple[Right, ...]) -> tuple[str, ...]:
        steps = self._steps.get((regime_code, chosen))
        if steps is None:
            steps = self._steps[(regime_code, chosen)] = tuple(
                s.value for s in required_steps(regime_code, [r.value for r in chosen], False))
        return steps

    def tasks(self, chosen: tuple[Right, ...]) -> list[tuple[int, str, str, str]]:
        """(system id, right, action, system code) of every task the rights create, in the
        order ``tasks.create_for_case`` creates them."""
        got = self._tasks.get(chosen)
        if got is None:
            by_code = {system.code: sid for sid, system in self.systems}
            got = self._tasks[chosen] = [
                (by_code[spec.system], spec.right, spec.action.value, spec.system)
                for spec in tasks_for([r.value for r in chosen], [s for _, s in self.systems])]
        return got

    def keeps_under(self, code: str) -> str:
        return next(s.keeps_under for _, s in self.systems if s.code == code) or "a legal duty to keep it"

    def settled(self, code: str, action: str) -> tuple[str, str]:
        """(basis, status) of a task settled: kept under the system's legal duty, or done."""
        got = self._settled.get((code, action))
        if got is None:
            basis = self.keeps_under(code) if action == Action.KEEP_LEGAL_DUTY.value else ""
            got = self._settled[(code, action)] = (basis, TaskStatus.KEPT.value if basis else TaskStatus.DONE.value)
        return got


def _clock_entries(story: _Story, at: datetime, before: Any, after: Any) -> None:
    """The entries ``_apply_clock`` writes for each clock field an event changed."""
    for attr, what in (("start", "clock_start"), ("due", "due date"), ("original_due", "original_due"),
                       ("extended", "extended"), ("waiting_for", "waiting_for"),
                       ("acknowledge_by", "acknowledge_by")):
        old, new = getattr(before, attr), getattr(after, attr)
        if old != new:
            story.entry(at, what, old, new)


@dataclass
class _Drawn:
    """What is drawn for one case before anything happens to it: the request as it came in."""

    cid: int
    ref: str
    cc: str
    status: Status  # where the case is to end
    name: str
    stem: str  # the requester's email stem
    line: str
    place: Any
    regime: Any
    region: str
    regime_note: str
    age: int  # days since the request came in
    received: date
    received_at: datetime
    chosen: tuple[Right, ...]
    channel: str
    closed_via: Status | None  # for a Closed case, the status it was closed from
    assignee: str
    worked: datetime  # when the case was worked on after intake


@dataclass
class _Path:
    """What a case's way through the workflow leaves besides its word entries."""

    clock: _Clock
    results: dict[str, str]  # identity step -> result
    events: tuple[ClockEvent, ...] = ()
    checked_at: datetime | None = None
    settled_tasks: bool = False
    approval: bool = False  # a refusal waiting for a lead's approval
    told: bool = False  # the Art. 19 recipients told


def _draw(make: _CaseMaker, cid: int, ref: str) -> _Drawn:
    """The request: requester, address, regime, when it came in, the rights and the
    channel, and where the case is to end. The draws happen in this fixed order."""
    rng = make.rng
    cc, status = make.country_and_status()
    people = make.people[cc]
    (name, stem), (line, place) = people.name(), people.address()
    regime, region, regime_note = make.regime_of(cc, place.postcode, place.region)
    age, received, received_at = make.received(status, regime.zone_for(region, cc))
    chosen = make.rights_asked(regime.code)
    channel = rng.choice(make.channel_values)
    # A reply to a postal request is a letter posted in a print run; the demo makes no
    # letters, so its postal requests never reach Responded (the Responded gate).
    closed_via = rng.choice((Status.RESPONDED, Status.RESPONDED, Status.WITHDRAWN, Status.REFUSED)) \
        if status is Status.CLOSED else None
    if channel == Channel.POST.value and (status is Status.RESPONDED or closed_via is Status.RESPONDED):
        channel = rng.choice(make.non_post)
    assignee = rng.choice(AGENTS)
    worked = min(make.now, received_at + timedelta(days=rng.randint(0, min(age, 20)) if age else 0,
                                                   hours=rng.randint(1, 5)))
    return _Drawn(cid, ref, cc, status, name, stem, line, place, regime, region, regime_note, age, received,
                  received_at, chosen, channel, closed_via, assignee, max(worked, received_at))


def _intake(make: _CaseMaker, d: _Drawn, story: _Story, with_note: bool) -> _Path:
    """``create_case``: the created entry, the clock from the day received, the identity
    checks pending; every seventh case a note at intake."""
    intake = make.clock(d.regime, d.received, (), d.region, d.chosen)
    assert intake is not None
    due = intake.state.due.isoformat() if intake.state.due else "not running"
    story.entry(d.received_at, "created", "", f"{d.ref}: {','.join(r.value for r in d.chosen)} by {d.channel}, "
                f"received {d.received.isoformat()}, {d.regime_note}; due {due}")
    if with_note:
        story.entry(d.received_at, "note", "", NOTE_TEXT)
    return _Path(intake, dict.fromkeys(make.check_steps(d.regime.code, d.chosen), "pending"))


def _wait_with_event(make: _CaseMaker, d: _Drawn, story: _Story, path: _Path, kind: ClockEventKind,
                     after_days: int, applies: bool, to: Status) -> None:
    """Awaiting identity / clarification: the clock event where the regime lets it
    stop or pause the clock (and the clock rules accept it), then the status move."""
    ev = (ClockEvent(kind, d.received + timedelta(days=min(d.age, after_days))),)
    with_event = make.clock(d.regime, d.received, ev, d.region, d.chosen) if applies else None
    if with_event is not None:
        path.events = ev
        story.entry(d.worked, f"event:{kind.value}", "", ev[0].on.isoformat())
        _clock_entries(story, d.worked, path.clock.state, with_event.state)
        path.clock = with_event
    story.move(to, d.worked)
    story.unit(d.worked)


def _respond(make: _CaseMaker, d: _Drawn, story: _Story, path: _Path) -> None:
    """What the Responded gate asks for: every task settled, the Art. 19 recipients told
    where the rights need it, an electronic reply recorded; then the move."""
    at, day = d.worked, d.worked.date().isoformat()
    path.settled_tasks = True
    for _sid, right, action, code in make.tasks(d.chosen):
        basis, done = make.settled(code, action)
        story.entry(at, "task", f"{code}/{right}: todo", f"{code}/{right}: {done}" + (f" (basis: {basis})" if basis else ""))
        story.unit(at)
    if needs_recipients(d.chosen):
        path.told = True
        for who in make.recipients:
            story.entry(at, f"recipient:{who}"[:64], "to be told", f"told {day} by email")
            story.unit(at)
    story.entry(at, ELECTRONIC_REPLY, "", f"{day} by email: {REPLY_SUMMARY}")
    story.unit(at)
    story.move(Status.RESPONDED, at)
    story.unit(at)


def _work(make: _CaseMaker, d: _Drawn, story: _Story, path: _Path) -> None:
    """The identity confirmed, then on to the case's end: a refusal asked of a lead,
    refused, or responded."""
    at, end = d.worked, d.status
    story.confirm_identity(tuple(path.results), path.results, at)
    path.checked_at = at
    if end is Status.AWAITING_APPROVAL:
        path.approval = True
        story.entry(at, "approval requested:refusal", "", REFUSAL_REASON)
        story.move(Status.AWAITING_APPROVAL, at)
        story.unit(at)
    elif end is Status.REFUSED or d.closed_via is Status.REFUSED:
        story.move(Status.REFUSED, at)
        story.entry(at, "status reason", "", REFUSAL_REASON)
        story.unit(at)
    elif end is Status.RESPONDED or d.closed_via is Status.RESPONDED:
        _respond(make, d, story, path)


def _walk(make: _CaseMaker, d: _Drawn, story: _Story, path: _Path) -> None:
    """The case's way from New to its status, the path each status takes."""
    regime, end = d.regime, d.status
    if end is Status.AWAITING_IDENTITY:
        _wait_with_event(make, d, story, path, ClockEventKind.ID_REQUESTED, 1,
                         regime.verification_stops_clock and make.rng.random() < 0.7, end)
    elif end is Status.AWAITING_CLARIFICATION:
        _wait_with_event(make, d, story, path, ClockEventKind.CLARIFICATION_REQUESTED, 2,
                         regime.clarification_pauses_clock, end)
    elif end is Status.WITHDRAWN or d.closed_via is Status.WITHDRAWN:
        story.move(Status.WITHDRAWN, d.worked)
        story.entry(d.worked, "status reason", "", WITHDRAWAL_REASON)
        story.unit(d.worked)
    elif end is not Status.NEW:
        _work(make, d, story, path)
    if end is Status.CLOSED:
        story.move(Status.CLOSED, d.worked)
        story.unit(d.worked)
    assert story.status is end, (story.status, end)


class _Emitter:
    """Turns each case's draws, path and story into the rows of every table, values as
    the database's text forms; ids of clock events and history entries run on."""

    def __init__(self, make: _CaseMaker, actor: str, zone: str, first_event: int, first_history: int,
                 prev_hash: str, salt_bytes: Any) -> None:
        self.make, self.actor, self.stamp = make, actor, _Stamps(zone)
        self.next_event, self.next_history, self.prev_hash = first_event, first_history, prev_hash
        self.salt_bytes = salt_bytes
        self.json = _Json()
        self.out: Rows = {t: [] for t in COLUMNS}

    def case(self, d: _Drawn, story: _Story, path: _Path, with_note: bool) -> None:
        out, stamp, actor, cid = self.out, self.stamp, self.actor, d.cid
        created = d.received_at
        if with_note:
            out["notes"].append((cid, NOTE_TEXT, actor, stamp(created)))
        if path.approval:
            payload = json.dumps({"reason": REFUSAL_REASON, "previous_status": Status.IN_PROGRESS.value},
                                 ensure_ascii=False)
            out["approvals"].append((cid, "refusal", actor, stamp(d.worked), REFUSAL_REASON, "", payload))
        if path.told:
            day = d.worked.date().isoformat()
            out["case_recipients"].extend((cid, who, "told", day, "email", "", actor, stamp(d.worked), 1)
                                          for who in self.make.recipients)
        self.tasks(d, path)
        checked_v = stamp(path.checked_at) if path.checked_at is not None else None
        out["identity_checks"].extend(
            (cid, s, r, "", actor if r != "pending" else "", checked_v if r != "pending" else None)
            for s, r in path.results.items())
        for ev in path.events:
            out["clock_events"].append((self.next_event, cid, ev.kind.value, ev.on.isoformat(), "", actor,
                                        stamp(d.worked)))
            self.next_event += 1
        out["cases"].append(self.case_row(d, story, path))
        self.history(cid, story)

    def tasks(self, d: _Drawn, path: _Path) -> None:
        stamp, make = self.stamp, self.make
        created_v, done_v = stamp(d.received_at), stamp(d.worked)
        rows = self.out["case_tasks"]
        for sid, right, action, code in make.tasks(d.chosen):
            if path.settled_tasks:
                basis, done = make.settled(code, action)
                rows.append((d.cid, sid, right, action, done, basis, "", "", d.assignee, self.actor, done_v,
                             created_v, 2))
            else:
                rows.append((d.cid, sid, right, action, TaskStatus.TODO.value, "", "", "", d.assignee, "",
                             None, created_v, 1))

    def case_row(self, d: _Drawn, story: _Story, path: _Path) -> tuple[Any, ...]:
        stamp, actor, cid, place = self.stamp, self.actor, d.cid, d.place
        return (
            cid, d.ref, d.status.value, d.regime.code, d.region, d.channel,
            ",".join([r.value for r in d.chosen]), stamp(d.received_at), d.received.isoformat(),
            d.name, people_email(d.stem, cid), people_phone(d.cc, cid), d.line, place.postcode, place.city,
            place.region, d.cc, f"ACC-{(cid * 7_919_113 + 424_242) % 10_000_000:07d}", "self", "", "",
            d.assignee, *path.clock.columns, stamp(d.received_at), actor, stamp(story.updated or d.received_at),
            actor, story.writes,
        )

    def history(self, cid: int, story: _Story) -> None:
        """The story's word entries, each hash-chained onto the one before (``_word_entry``)."""
        rows, stamp, actor, salt_bytes = self.out["history"], self.stamp, self.actor, self.salt_bytes
        prev_hash, entry_id = self.prev_hash, self.next_history
        js = self.json
        actor_j = js.text(actor)
        for at, what, old, new in story.entries:
            row = _word_entry(entry_id, cid, stamp(at), actor, what, old, new, salt_bytes(16), prev_hash,
                              js.moment(at), actor_j, js.text(what))
            rows.append(row)
            prev_hash = row[8]
            entry_id += 1
        self.prev_hash, self.next_history = prev_hash, entry_id


def _rows(settings: _StoredSettings, rng: random.Random, n: int, refs: list[str], *, first_id: int,
          first_event: int, first_history: int, prev_hash: str, today: date, now: datetime, actor: str,
          zone: str, batch: int, systems: list[tuple[int, System]], recipients: tuple[str, ...],
          salts: random.Random | None = None) -> Generator[Rows, None, None]:
    """The demo rows in batches of ``batch`` cases, values as the database's text forms.

    Each case is what a sequence of the services' own calls leaves behind: drawn
    (``_draw``), taken in (``_intake``), walked to its status (``_walk``: identity,
    clock events, tasks settled, recipients told, a reply, the moves), then written out
    as rows with the word entries those calls write, in their order (``_Emitter``). A
    seed gives the same cases; the history entries' salts come from ``salts``, a
    generator of their own, so they do not shift the case draws.
    """
    make = _CaseMaker(settings, rng, n, today, now, systems, recipients)
    emit = _Emitter(make, actor, zone, first_event, first_history, prev_hash,
                    (salts or random.Random(0)).randbytes)
    for i in range(n):
        d = _draw(make, first_id + i, refs[i])
        story = _Story(d.cid, actor)
        with_note = i % 7 == 0
        path = _intake(make, d, story, with_note)
        _walk(make, d, story, path)
        emit.case(d, story, path, with_note)
        if len(emit.out["cases"]) >= batch:
            yield emit.out
            for rows in emit.out.values():
                rows.clear()
    if emit.out["cases"]:
        yield emit.out


class _Json:
    """Strings as JSON, each encoded once (the pieces of a word entry's hash payload)."""

    def __init__(self) -> None:
        self._cache: dict[Any, str] = {}

    def text(self, value: str) -> str:
        got = self._cache.get(value)
        if got is None:
            got = self._cache[value] = json.dumps(value, ensure_ascii=False)
        return got

    def moment(self, at: datetime) -> str:
        got = self._cache.get(at)
        if got is None:
            got = self._cache[at] = json.dumps(history_stamp(at))
        return got


def _word_entry(entry_id: int, cid: int, at_v: str, actor: str, what: str, old: str, new: str,
                salt: bytes, prev_hash: str, at_j: str, actor_j: str, what_j: str) -> tuple[Any, ...]:
    """A word entry as ``HistoryWriter.add`` writes it, hash-chained to ``prev_hash``
    (version 2: over salted digests, so anonymisation can later blank the values).

    The hash is ``entry_hash_v2``'s (services/history.py), its JSON payload put together
    here from pieces encoded once each (``at_j``, ``actor_j``, ``what_j``: ``_Json``):
    the same bytes, as the seeded content test in tests/register/test_demo.py holds."""
    old_d = sha256(salt + old.encode("utf-8")).hexdigest()
    new_d = sha256(salt + new.encode("utf-8")).hexdigest()
    payload = f'[{_V2_JSON},"{prev_hash}",{cid},{at_j},{actor_j},{what_j},"{old_d}","{new_d}"]'
    digest = sha256(payload.encode("utf-8")).hexdigest()
    return (entry_id, cid, at_v, actor, what, old, new, prev_hash, digest, salt.hex(), old_d, new_d, False)


# --- writing -------------------------------------------------------------------------

def _insert_sql(table: str, mark: str) -> str:
    cols = COLUMNS[table]
    return f"INSERT INTO {table} ({_listed(table)}) VALUES ({', '.join([mark] * len(cols))})"


def _listed(table: str) -> str:
    """The table's columns, quoted ("right" is a keyword of both dialects)."""
    return ", ".join(f'"{c}"' for c in COLUMNS[table])


def _write_sqlite(conn: Connection, rows: Rows) -> None:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for table, values in rows.items():
            if values:
                cursor.executemany(_insert_sql(table, "?"), values)
    finally:
        cursor.close()


def _write_postgresql(conn: Connection, rows: Rows, insert_only: set[str]) -> None:
    """COPY each table's batch; tables under row-level security for this role (COPY
    FROM is refused there) get an ``executemany`` INSERT instead."""
    with conn.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
        for table, values in rows.items():
            if not values:
                continue
            if table in insert_only:
                cursor.executemany(_insert_sql(table, "%s"), values)
                continue
            with cursor.copy(f"COPY {table} ({_listed(table)}) FROM STDIN") as copy:
                write = copy.write_row
                for row in values:
                    write(row)


# --- the large SQLite path -------------------------------------------------------------

@dataclass(frozen=True)
class _SchemaItem:
    type: str
    name: str
    sql: str


def _sqlite_bulk_schema(conn: Connection) -> list[_SchemaItem]:
    """What a large load drops and rebuilds: the secondary indexes of the tables it fills
    (not the ones behind PRIMARY KEY/UNIQUE, which have no SQL and cannot be dropped)
    and the triggers that copy ``cases`` into the ``case_search`` full-text table."""
    tables = ", ".join(f"'{t}'" for t in COLUMNS)
    found = conn.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master "
        f"WHERE sql IS NOT NULL AND ((type = 'index' AND tbl_name IN ({tables})) "
        "OR (type = 'trigger' AND tbl_name = 'cases' AND sql LIKE '%case_search%')) "
        "ORDER BY type, name").all()
    return [_SchemaItem(*row) for row in found]


def _fill_search(conn: Connection, first_id: int) -> None:
    """Index the new cases for full-text search, as the insert trigger would have
    (store/search_index.py), in the index's key order."""
    from muse_care.store import search_index

    conn.exec_driver_sql(search_index.fill_sql("c.id >= ?"), (first_id,))


def _sqlite_history_triggers(conn: Connection) -> list[_SchemaItem]:
    """The per-row triggers a load's inserts would fire on SQLite: each filled table's
    row-entry trigger, and on ``history`` the chain check and the seal's move. The load
    writes what they would have written itself (``_record_rows_sqlite``)."""
    names = [f"muse_row_{t}_insert" for t in COLUMNS if t in history_sql.GUARDED]
    names += ["muse_history_chain", "muse_history_seal"]
    listed = ", ".join(f"'{name}'" for name in names)
    found = conn.exec_driver_sql(
        f"SELECT type, name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({listed}) "
        "ORDER BY name").all()
    return [_SchemaItem(*row) for row in found]


def _record_rows_sqlite(conn: Connection, first_ids: dict[str, int], first_history: int) -> None:
    """With the history triggers dropped: the row entries of the loaded rows, in one pass
    per table (``history_sql.record_loaded``), then the seal moved on once, as the seal
    trigger would have moved it entry by entry (count, newest hash and its HMAC)."""
    history_sql.record_loaded(conn, first_ids)
    added, head = conn.exec_driver_sql(
        "SELECT count(*), (SELECT hash FROM history ORDER BY id DESC LIMIT 1) FROM history WHERE id >= ?",
        (first_history,)).one()
    if added:
        conn.exec_driver_sql(
            "UPDATE history_seal SET entries = entries + ?, head = ?, "
            "mac = muse_seal_mac(db_id, entries + ?, ?) WHERE id = 1", (added, head, added, head))


def _restore(conn: Connection, saved: list[_SchemaItem], first_id: int) -> None:
    started = _time.perf_counter()
    for item in saved:
        if item.type == "index":
            conn.exec_driver_sql(item.sql)
    log.info("indexes rebuilt in %.1f s", _time.perf_counter() - started)
    started = _time.perf_counter()
    if any(item.type == "trigger" and "case_search" in item.sql for item in saved):
        _fill_search(conn, first_id)
    for item in saved:
        if item.type == "trigger":
            conn.exec_driver_sql(item.sql)
    log.info("search filled in %.1f s", _time.perf_counter() - started)


# --- drawing the rows in a worker process ---------------------------------------------

def _produce(send: Any, settings: _StoredSettings, rng: random.Random, n: int, refs: list[str],
             draw: dict[str, Any]) -> None:
    """The worker process's work: ``_rows``'s batches, each pickled and sent whole;
    then an empty message (the end), or ``!`` and the traceback if drawing failed."""
    try:
        for rows in _rows(settings, rng, n, refs, **draw):
            send.send_bytes(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
        send.send_bytes(b"")
    except BaseException:  # noqa: BLE001 - reported to the loading process, which fails the load
        send.send_bytes(b"!" + traceback.format_exc().encode("utf-8", "replace"))
    finally:
        send.close()


def _rows_from_child(settings: _StoredSettings, rng: random.Random, n: int, refs: list[str],
                     draw: dict[str, Any]) -> Generator[Rows, None, None]:
    """``_rows``'s batches, drawn in a worker process while this one writes the batch
    before (about half a load's time is drawing: docs/performance.md, "Demo data in two
    processes"). The worker gets the generators' states, so the rows are exactly those
    ``_rows`` gives here. It is started with "spawn", as on Windows and macOS (and by the
    bundle: ``freeze_support`` in ``__main__``). A worker that fails or dies fails the
    load, which then rolls back; a load that fails stops the worker."""
    ctx = multiprocessing.get_context("spawn")
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_produce, args=(send, settings, rng, n, refs, draw), daemon=True,
                         name="muse-care demo rows")
    worker.start()
    send.close()  # this process's copy: the pipe ends (EOFError) when the worker's does
    try:
        while True:
            try:
                data = receive.recv_bytes()
            except EOFError:
                worker.join(5)
                raise RuntimeError(f"the demo data's worker process stopped before it finished "
                                   f"(exit code {worker.exitcode}); nothing was written") from None
            if not data:
                return
            if data[:1] == b"!":
                raise RuntimeError("the demo data's worker process failed; nothing was written:\n"
                                   + data[1:].decode("utf-8", "replace"))
            yield pickle.loads(data)
    finally:
        receive.close()
        if worker.is_alive():
            worker.terminate()
        worker.join(5)


# --- the entry point -------------------------------------------------------------------

def generate(register: Register, n: int, seed: int = 7, batch: int = 5000,
             large_threshold: int = LARGE_THRESHOLD, child_threshold: int = CHILD_THRESHOLD) -> DemoReport:
    """Add ``n`` demo cases. Deterministic for a seed (apart from references already taken).

    ``large_threshold``: from this many cases a SQLite load drops the secondary indexes
    and search triggers and rebuilds them afterwards (see the module's docstring).
    ``child_threshold``: from this many cases the rows are drawn in a worker process
    while this one writes them (``_rows_from_child``); the same rows either way.
    """
    started = _time.perf_counter()
    rng = random.Random(seed)
    today = register.today()
    now = register.now()
    actor = register.actor.login
    sqlite = register.dialect == "sqlite"
    from muse_care.services.settings import organisation

    recipients = tuple(organisation(register).art19_recipients)
    settings = _StoredSettings(register)  # read before the lock
    with register.unit_of_work() as session:
        conn = session.connection()
        if sqlite:
            raw = conn.connection.driver_connection
            if not raw.in_transaction:  # type: ignore[union-attr]
                # The driver begins only before DML; the DDL of a large load must be
                # inside the transaction too, so that a failure undoes it.
                raw.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
        taken = set(conn.execute(select(CaseRecord.reference)).scalars()) if n < 2_000_000 else set()
        refs = _references(rng, n, taken)
        first_id = (conn.execute(select(func.max(CaseRecord.id))).scalar() or 0) + 1
        first_event = (conn.execute(select(func.max(ClockEventRecord.id))).scalar() or 0) + 1
        first_history = (conn.execute(select(func.max(HistoryRecord.id))).scalar() or 0) + 1
        prev_hash = HistoryWriter(session, actor, now)._head()
        systems = _systems(session)
        draw: dict[str, Any] = dict(
            first_id=first_id, first_event=first_event, first_history=first_history, prev_hash=prev_hash,
            today=today, now=now, actor=actor, zone="" if sqlite else "+00:00", batch=batch, systems=systems,
            recipients=recipients, salts=random.Random(f"muse-care demo history salts {seed}"))
        if n >= child_threshold:
            rows = _rows_from_child(settings, rng, n, refs, draw)
        else:
            rows = _rows(settings, rng, n, refs, **draw)
        # The rows are recorded in the history after the load, in one pass per table
        # (store/history_sql.py), not by a trigger per row.
        first_ids = history_sql.next_ids(conn)
        try:
            if sqlite:
                _load_sqlite(conn, rows, first_id, first_ids, first_history, large=n >= large_threshold)
            else:
                _load_postgresql(conn, rows, first_ids, first_history)
        finally:
            rows.close()  # a load that failed stops its worker process now
    seconds = _time.perf_counter() - started
    return DemoReport(n, seconds, n / seconds if seconds else 0.0)


def _systems(session: Any) -> list[tuple[int, System]]:
    """The active systems, in the order ``tasks.create_for_case`` reads them."""
    from muse_care.services.tasks import system_from_record
    from muse_care.store.models import SourceRecord

    return [(rec.id, system_from_record(rec)) for rec in session.execute(
        select(SourceRecord).where(SourceRecord.active.is_(True)).order_by(SourceRecord.id)).scalars()]


def _load_sqlite(conn: Connection, rows: Iterator[Rows], first_id: int, first_ids: dict[str, int],
                 first_history: int, large: bool) -> None:
    """Drop the history's per-row triggers (and, for a large load, the secondary indexes
    and the search triggers), write the rows, their row entries and the seal, then put
    back what was dropped from its saved SQL: all in the caller's one transaction."""
    raw = conn.connection.driver_connection
    cache_size = raw.execute("PRAGMA cache_size").fetchone()[0]  # type: ignore[union-attr]
    if large:
        raw.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")  # type: ignore[union-attr]
    try:
        saved = (_sqlite_bulk_schema(conn) if large else []) + _sqlite_history_triggers(conn)
        for item in saved:
            conn.exec_driver_sql(f'DROP {item.type.upper()} "{item.name}"')
        started = _time.perf_counter()
        for chunk in rows:
            _write_sqlite(conn, chunk)
        log.info("rows written in %.1f s", _time.perf_counter() - started)
        started = _time.perf_counter()
        _record_rows_sqlite(conn, first_ids, first_history)
        log.info("row entries written in %.1f s", _time.perf_counter() - started)
        _restore(conn, saved, first_id)
    finally:
        raw.execute(f"PRAGMA cache_size = {int(cache_size)}")  # type: ignore[union-attr]


def _pg_history_triggers(conn: Connection) -> list[tuple[str, str]]:
    """(table, trigger) of the per-row history triggers a load's COPY would fire on
    PostgreSQL: the filled tables' row-entry triggers, the chain check, the seal's move."""
    wanted = [(t, f"muse_row_{t}") for t in COLUMNS if t in history_sql.GUARDED]
    wanted += [("history", "muse_history_chain"), ("history", "muse_history_seal")]
    found = {(str(t), str(name)) for t, name in conn.exec_driver_sql(
        "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal").all()}
    return [pair for pair in wanted if pair in found]


def _load_postgresql(conn: Connection, rows: Iterator[Rows], first_ids: dict[str, int],
                     first_history: int) -> None:
    """COPY every table. A superuser's load disables the history's per-row triggers for
    the transaction (``ALTER TABLE … DISABLE TRIGGER``: the tables are locked until it
    ends), writes the row entries with COPY (``history_sql.copy_row_entries``), moves
    the seal on once and enables the triggers again; any other role's load pauses only
    what the row trigger lets it pause, and the database appends each row entry itself."""
    fast = conn.exec_driver_sql("SELECT current_setting('is_superuser') = 'on'").scalar()
    triggers = _pg_history_triggers(conn) if fast else []
    for table, name in triggers:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
    history_sql.set_bulk(conn, True)
    insert_only = {t for t in COLUMNS if conn.exec_driver_sql(
        "SELECT row_security_active(%s)", (t,)).scalar()}
    for chunk in rows:
        _write_postgresql(conn, chunk, insert_only)
    for table in (t for t, cols in COLUMNS.items() if "id" in cols):
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)")
    history_sql.set_bulk(conn, False)
    if not fast:
        history_sql.record_loaded(conn, first_ids)
        return
    conn.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
    for table in history_sql.GUARDED:
        history_sql.copy_row_entries(conn, table, first_ids[table])
    added, head = conn.exec_driver_sql(
        "SELECT count(*), (SELECT hash FROM history ORDER BY id DESC LIMIT 1) FROM history WHERE id >= %s",
        (first_history,)).one()
    if added:
        conn.exec_driver_sql("UPDATE history_seal SET entries = entries + %s, head = %s WHERE id = 1",
                             (added, head))
    for table, name in triggers:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"')
