"""A request letter and the clock event its making recorded (docs/letters.md, "A
request letter and its clock event").

Making an identity or clarification request letter records the request on the clock
(``services/letters._store_letter``): the clock stops, or pauses, from the day the
letter asks. The request is made by the letter that goes out, so:

- a letter **made again** (a new address, the same request) asks on its own day: the
  event moves to that day, if later, and to the new letter;
- a clarification request **dispatched** on a later day than it was made asks on the day
  it goes out: the event moves to that day (an identity request keeps its day: the month
  starts when the identity arrives, and one posted after the due date is stopped at
  print and dispatch, ``services/letters.LateRequestLetter``);
- a letter **withdrawn** never asks at all: the event is voided (kept, with who, when
  and why, and counting for nothing), the clock runs again from where it would have
  been, and the case leaves Awaiting identity (or clarification).

Either way only while the request is still outstanding: once its answer is recorded,
the requester had the request, and the events stay as they are. Found by an outside
tester: a withdrawn request left the clock stopped for good, and a letter made again a
week later kept the first letter's day (deadlines later than the law).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select

from muse_care.domain.case import Status
from muse_care.domain.case_views import CaseView
from muse_care.domain.clock import ClockEventKind
from muse_care.domain.workdays import day_text
from muse_care.services.case_records import _apply_clock, _Change
from muse_care.store.models import ClockEventRecord, LetterRecord

ANSWER = {ClockEventKind.ID_REQUESTED.value: ClockEventKind.ID_RECEIVED.value,
          ClockEventKind.CLARIFICATION_REQUESTED.value: ClockEventKind.CLARIFICATION_RECEIVED.value}
"""A request a letter records, and the event that answers it."""
SAME_WORK = timedelta(seconds=2)
"""An event recorded with a letter before migration 0026 (no ``letter_id``): recorded
within this of the letter, in the same unit of work."""


def _chain(ch: _Change, letter: LetterRecord) -> list[LetterRecord]:
    """``letter`` and every letter it replaced (produced again), newest first."""
    out, ids = [letter], {letter.id}
    while True:
        earlier = ch.session.execute(select(LetterRecord).where(
            LetterRecord.case_id == letter.case_id, LetterRecord.superseded_by.in_(ids))).scalars().all()
        new = [e for e in earlier if e.id not in {x.id for x in out}]
        if not new:
            return out
        out += sorted(new, key=lambda e: -e.id)
        ids = {e.id for e in new}


def outstanding_request(ch: _Change, letters: Sequence[LetterRecord], kind: str) -> ClockEventRecord | None:
    """The request event of ``kind`` that one of ``letters`` recorded, while it counts
    (not voided) and is not answered yet (no answer recorded after it)."""
    if kind not in ANSWER:
        return None
    event = _recorded_by(ch, letters, kind)
    if event is None or event.voided_on is not None:
        return None
    if any(e.kind == ANSWER[kind] and e.id > event.id and e.voided_on is None for e in ch.rec.events):
        return None
    return event


def _redate(ch: _Change, event: ClockEventRecord, asked: date, why: str) -> None:
    if asked <= event.on_date:
        return
    before, event.on_date = event.on_date, asked
    ch.history.add(ch.rec.id, f"event re-dated:{event.kind}", before.isoformat(), f"{asked.isoformat()}: {why}")
    ch.session.flush()
    ch.session.refresh(ch.rec, ["events"])
    _apply_clock(ch)


def _recorded_by(ch: _Change, letters: Sequence[LetterRecord], kind: str) -> ClockEventRecord | None:
    """The newest request event of ``kind`` one of ``letters`` recorded (voided or not,
    answered or not)."""
    ids = {x.id for x in letters}
    mine = [e for e in ch.rec.events if e.kind == kind and (
        e.letter_id in ids
        or (e.letter_id is None and any(e.reason == f"{x.kind} letter" and x.generated_at is not None
                                        and abs(e.recorded_at - x.generated_at) < SAME_WORK for x in letters)))]
    return max(mine, key=lambda e: e.id) if mine else None


def outstanding(view: CaseView, kind: str) -> bool:
    """Whether a request of ``kind`` is asked and not yet answered on the case: a letter
    made then asks it again and records nothing new."""
    asked = [i for i, e in enumerate(view.events) if e.kind == kind]
    return bool(asked) and not any(e.kind == ANSWER[kind] for e in view.events[asked[-1]:])


def redate_for_again(ch: _Change, replaced: Sequence[LetterRecord], letter: LetterRecord, kind: str,
                     asked: date) -> bool:
    """``letter`` was made again from ``replaced`` and asks on ``asked``: the request
    event they recorded, still outstanding, moves to that day (if later) and to it.
    True when they had recorded one, answered or not: made again, the letter asks the
    same request, never a new one (found by an outside tester: a letter made again after
    its answer had come stopped the clock again)."""
    chain = [x for old in replaced for x in _chain(ch, old)]
    if _recorded_by(ch, chain, kind) is None:
        return False
    event = outstanding_request(ch, chain, kind)
    if event is not None:
        event.letter_id = letter.id
        _redate(ch, event, asked, f"the request goes out with letter {letter.id}, made again")
    return True


def redate_for_dispatch(ch: _Change, letter: LetterRecord, kind: str | None, asked: date) -> None:
    """``letter`` went out on a day that asks on ``asked``: the request event it
    recorded, still outstanding on an open case, moves to that day if it is later (a
    letter made on Friday and posted on Monday asks on Monday)."""
    if kind is None or not ch.rec.is_open:
        return
    event = outstanding_request(ch, _chain(ch, letter), kind)
    if event is not None:
        _redate(ch, event, asked, f"letter {letter.id}, which asks it, was dispatched then")


def void_for_withdrawal(ch: _Change, letter: LetterRecord, kind: str | None, today: date, reason: str) -> str:
    """``letter`` is being withdrawn: the request event of ``kind`` it (or a letter it
    replaced) recorded, still outstanding on an open case, is voided and the clock
    recomputed. Returns what happened to the clock, in words ("" when nothing did)."""
    if kind is None or not ch.rec.is_open:
        return ""
    event = outstanding_request(ch, _chain(ch, letter), kind)
    if event is None:
        return ""
    event.voided_on, event.voided_by = today, ch.register.actor.login
    event.void_reason = f"letter {letter.id} withdrawn: {reason}"
    ch.history.add(ch.rec.id, f"event voided:{event.kind}", f"{event.on_date.isoformat()} {event.reason}".strip(),
                   event.void_reason)
    ch.session.flush()
    ch.session.refresh(ch.rec, ["events"])
    _apply_clock(ch)
    from muse_care.services.cases import _auto_progress

    status = Status(ch.rec.status)
    if status in (Status.AWAITING_IDENTITY, Status.AWAITING_CLARIFICATION):
        _auto_progress(ch, from_clarification=status is Status.AWAITING_CLARIFICATION)
    return f"the {event.kind} of {day_text(event.on_date)} it recorded is voided: the request was never sent"
