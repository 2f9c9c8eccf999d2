"""Use cases on the case register: intake, the clock, identity checks, status, notes.

Each public function is one unit of work: it validates, writes the change and its
history, recomputes the statutory clock from the recorded events, and returns plain
data (:class:`CaseView`), never ORM objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from muse_care.domain import validation as v
from muse_care.domain.case import ActingFor, Channel, Right, Status, check_transition, parse_enum
from muse_care.domain.case_views import CaseView, Requester
from muse_care.domain.clock import (
    ClockEvent, ClockEventKind, compute_clock, received_day, recorded_late, validate_new_event,
)
from muse_care.domain.errors import PermissionDenied, StaleRecord, ValidationError
from muse_care.domain.identity import (
    identity_confirmed, required_steps, unconfirmed_steps,
    validate_check,
)
from muse_care.domain.reference import new_reference
from muse_care.domain.regimes import get_regime
from muse_care.domain.workdays import day_text
from muse_care.services.case_records import (  # the primitives, used here and re-exported
    _apply_clock as _apply_clock, _Change as _Change, _clock as _clock, _events as _events, _load as _load,
    _rights as _rights, _write as _write, get_case as get_case, law_today as law_today, to_view as to_view,
)
from muse_care.services.history import HistoryWriter
from muse_care.services.register import Register
from muse_care.services.settings import get_setting
from muse_care.store.models import CaseRecord, ClockEventRecord, IdentityCheckRecord, NoteRecord


class InvalidInput(ValidationError):
    """Several fields are wrong at once; ``problems`` maps each field to its message."""

    def __init__(self, problems: dict[str, str]) -> None:
        first_field, first_message = next(iter(problems.items()))
        super().__init__(first_field, first_message)
        self.problems = problems


@dataclass
class CaseDraft:
    """What an agent typed at intake, as typed (strings), before validation."""

    name: str = ""
    rights: Sequence[str] = ()
    channel: str = ""
    received: date | None = None
    received_time: time | None = None
    regime: str = ""
    holiday_region: str = ""
    email: str = ""
    phone: str = ""
    address_lines: Sequence[str] = ()
    postcode: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    account_ref: str = ""
    acting_for: str = "self"
    representative_name: str = ""
    representative_authority: str = ""
    assignee: str = ""
    note: str = ""
    regime_reason: str = ""
    """Why the regime (or holiday region) differs from the one the address gives."""


@dataclass(frozen=True)
class CleanCase:
    requester: Requester
    rights: tuple[Right, ...]
    channel: Channel
    received: date
    received_at: datetime
    regime: str
    holiday_region: str
    assignee: str
    note: str
    regime_note: str = ""
    """For the history: where the regime came from, and the reason for another one."""


def _collect(problems: dict[str, str], fieldname: str, fn: Any, *args: Any, **kw: Any) -> Any:
    try:
        return fn(*args, **kw)
    except ValidationError as exc:
        problems.setdefault(exc.field or fieldname, exc.message)
        return None


def validate_draft(register: Register, draft: CaseDraft) -> CleanCase:
    """Check every field; raise :class:`InvalidInput` listing all that are wrong."""
    p: dict[str, str] = {}
    today = register.today()
    name = _collect(p, "name", v.clean_text, "name", draft.name, max_len=v.MAX_NAME, required=True)
    rights: list[Right] = []
    if not draft.rights:
        p["rights"] = "choose at least one right"
    for r in draft.rights:
        right = _collect(p, "rights", parse_enum, Right, "right", str(r))
        if right is not None and right not in rights:
            rights.append(right)
    if "right" in p:
        p["rights"] = p.pop("right")
    channel = _collect(p, "channel", parse_enum, Channel, "channel", draft.channel or "")
    regime, holiday_region, regime_note = _regime_of(register, draft, p)
    country = _collect(p, "country", v.validate_country, draft.country) or ""
    # The day received is the calendar day where the law applies, not the organisation's
    # (docs/rules.md, "The day received"): the date and time typed are read in the
    # regime's zone unless the time carries its own offset.
    received, at = draft.received, None
    if received is None:
        p["received"] = "is required (YYYY-MM-DD)"
    elif regime is not None:
        zone = ZoneInfo(regime.zone_for(holiday_region, country))
        given = draft.received_time
        if given is not None and given.tzinfo is not None:
            at = datetime.combine(received, given)
        else:
            at = datetime.combine(received, given or time(0, 0), zone)
        received = received_day(regime, at, holiday_region, country)
        _collect(p, "received", v.validate_received, received, register.now().astimezone(zone).date(),
                 zone=zone.key)
    else:
        _collect(p, "received", v.validate_received, received, today)
    email = _collect(p, "email", v.validate_email, draft.email) or ""
    phone = _collect(p, "phone", v.validate_phone, draft.phone, country) or ""
    postcode = _collect(p, "postcode", v.validate_postcode, draft.postcode, country) or ""
    lines: list[str] = []
    for i, line in enumerate(draft.address_lines):
        cleaned = _collect(p, "address_lines", v.clean_text, "address line", line, max_len=v.MAX_LINE)
        if cleaned:
            lines.append(cleaned)
    if len(lines) > 6:
        p["address_lines"] = f"{len(lines)} address lines; at most 6 fit a letter window"
    city = _collect(p, "city", v.clean_text, "city", draft.city, max_len=v.MAX_LINE) or ""
    region = _collect(p, "region", v.clean_text, "region", draft.region, max_len=v.MAX_LINE) or ""
    account = _collect(p, "account_ref", v.clean_text, "account_ref", draft.account_ref, max_len=64) or ""
    acting = _collect(p, "acting_for", parse_enum, ActingFor, "acting_for", draft.acting_for or "self")
    rep_name = _collect(p, "representative_name", v.clean_text, "representative_name",
                        draft.representative_name, max_len=v.MAX_NAME) or ""
    rep_auth = _collect(p, "representative_authority", v.clean_text, "representative_authority",
                        draft.representative_authority, max_len=v.MAX_REASON, multiline=True) or ""
    if acting is ActingFor.REPRESENTATIVE and not rep_name:
        p.setdefault("representative_name", "a representative needs a name")
    if acting is ActingFor.REPRESENTATIVE and not rep_auth:
        p.setdefault("representative_authority", "say what authority the representative showed")
    assignee = _collect(p, "assignee", v.clean_text, "assignee", draft.assignee, max_len=100) or ""
    note = _collect(p, "note", v.clean_text, "note", draft.note, max_len=v.MAX_NOTE, multiline=True) or ""
    if channel is Channel.POST and not (lines and (city or postcode) and country):
        p.setdefault("address_lines", "a postal request needs the address to reply to "
                     "(address lines, city or postcode, country)")
    if lines and country and not any(k in p for k in ("name", "address_lines", "city", "postcode", "region")):
        _check_printable(register, p, name or "", lines, city, postcode, region, country)
    if channel is Channel.EMAIL and not email:
        p.setdefault("email", "an email request needs the email address it came from")
    if channel is Channel.PHONE and not (phone or email):
        p.setdefault("phone", "take a phone number or an email address to reach the caller")
    if p:
        raise InvalidInput(p)
    assert received is not None and regime is not None and channel is not None and acting is not None
    assert at is not None
    if draft.received_time is not None and at > register.now():
        zone_now = register.now().astimezone(ZoneInfo(regime.zone_for(holiday_region, country)))
        raise InvalidInput({"received_time": f"is in the future (it is {zone_now:%H:%M} on {zone_now:%Y-%m-%d} "
                                             f"in {zone_now.tzinfo})"})
    requester = Requester(
        name=name, email=email, phone=phone, address_lines=tuple(lines), postcode=postcode,
        city=city, region=region, country=country, account_ref=account, acting_for=acting,
        representative_name=rep_name, representative_authority=rep_auth)
    return CleanCase(requester, tuple(rights), channel, received, at, regime.code, holiday_region,
                     assignee, note, regime_note)


def _regime_of(register: Register, draft: CaseDraft, p: dict[str, str]) -> tuple[Any, str, str]:
    """The regime and holiday region: as chosen, else from the requester's address, else
    the organisation's default (docs/rules.md, "Letters by regime"). Another regime than
    the address gives needs a reason; the history says which it was and why."""
    from muse_care.domain.jurisdiction import from_address

    reason = _collect(p, "regime_reason", v.clean_text, "regime_reason", draft.regime_reason,
                      max_len=v.MAX_REASON, multiline=True) or ""
    country = (draft.country or "").strip().upper()
    found = from_address(country, draft.postcode or "", draft.region or "") if len(country) == 2 else None
    chosen = draft.regime.strip().lower()
    regime_code = chosen or (found.regime if found else str(get_setting(register, "default_regime")))
    regime = _collect(p, "regime", get_regime, regime_code)
    holiday_region = draft.holiday_region.strip().upper()
    if regime is None:
        return None, holiday_region, ""
    if found is not None and regime.code != found.regime and not reason:
        p["regime_reason"] = (f"the address gives {found.regime} ({found.why.removeprefix('from the address: ')}); "
                              f"say why this request falls under {regime.code} instead")
    if not holiday_region:
        if found is not None and found.regime == regime.code:
            holiday_region = found.holiday_region
        else:
            holiday_region = get_setting(register, "holiday_regions").get(regime.code,
                                                                          regime.default_holiday_region)
    elif holiday_region not in regime.holiday_regions:
        p["holiday_region"] = (f"{holiday_region} is not a holiday region of {regime.code}; use one of: "
                               + ", ".join(regime.holiday_regions))
    if found is not None and (found.regime, found.holiday_region) == (regime.code, holiday_region):
        note = f"{regime.code}, {holiday_region} {found.why}"
    elif found is not None:
        note = f"{regime.code}, {holiday_region} chosen; the address gives {found.regime}, {found.holiday_region}"
    else:
        note = f"{regime.code}, {holiday_region}: " + ("chosen" if chosen else "the organisation's default "
                                                        "(no regime of ours applies to the address)")
    return regime, holiday_region, note + (f"; reason: {reason}" if reason else "")


def _check_printable(register: Register, p: dict[str, str], name: str, lines: Sequence[str], city: str,
                     postcode: str, region: str, country: str) -> None:
    """An address no letter window can hold is refused at the field now, while the caller
    is on the line, not when the reply is printed (docs/letters.md, "Address capacity")."""
    from muse_care.letters.fit import address_problem
    from muse_care.letters.model import PostalAddress
    from muse_care.services.settings import organisation

    found = address_problem(PostalAddress(name=name, lines=tuple(lines), city=city, postcode=postcode,
                                          region=region, country=country),
                            str(get_setting(register, "letter_layout")), organisation(register).country)
    if found is not None:
        p.setdefault(*found)


def _move(ch: _Change, wanted: Status, reason: str = "", waiver: str = "") -> None:
    current = Status(ch.rec.status)
    if current is wanted:
        return
    check_transition(current, wanted)
    if wanted in (Status.IN_PROGRESS, Status.AWAITING_APPROVAL, Status.RESPONDED):
        results = {c.step: c.result for c in ch.rec.checks}
        pending = unconfirmed_steps(results)
        if pending:
            names = ", ".join(f"{step} ({results[step]})" for step in pending)
            raise ValidationError("status", f"identity is not confirmed: {names}; "
                                  "record each check as passed, or waived with a reason")
        state = _clock(ch.rec)
        if wanted is not Status.IN_PROGRESS or current is not Status.AWAITING_CLARIFICATION:
            if state.waiting_for in ("identity", "authority", "fee"):
                raise ValidationError("status", f"still waiting for the requested {state.waiting_for}; "
                                      f"record {state.waiting_for if state.waiting_for != 'identity' else 'id'}"
                                      "-received first")
    if wanted is Status.RESPONDED:
        from muse_care.services.respond_gate import check_responded

        # a reply sent, identity settled, no retrieval at risk, every Art. 19 recipient told
        check_responded(ch, waiver)
    if wanted is Status.AWAITING_APPROVAL:
        from muse_care.store.team_sql import approvals

        waiting = ch.session.execute(select(approvals.c.id).where(
            approvals.c.case_id == ch.rec.id, approvals.c.decision.is_(None)).limit(1)).first()
        if waiting is None:
            raise ValidationError("status", "a case waits for approval only once a lead has been asked: "
                                  "request the approval (extension, refusal or disclosure) on the "
                                  "Approvals tab")
    if wanted is Status.REFUSED and not reason.strip():
        raise ValidationError("reason", "a refusal needs its reasons (manifestly unfounded or excessive, "
                              "and why)")
    ch.set("status", wanted.value)
    if reason.strip():
        ch.history.add(ch.rec.id, "status reason", "", reason.strip())


def add_case(register: Register, draft: CaseDraft) -> CaseView:
    clean = validate_draft(register, draft)
    now = register.now()
    steps = required_steps(clean.regime, [r.value for r in clean.rights],
                           clean.requester.acting_for is ActingFor.REPRESENTATIVE)
    for _attempt in range(5):
        reference = new_reference()
        with register.read() as s:
            if s.execute(select(CaseRecord.id).where(CaseRecord.reference == reference)).first() is None:
                break
    rq = clean.requester
    with register.unit_of_work() as session:
        rec = CaseRecord(
            reference=reference, status=Status.NEW.value, regime=clean.regime,
            holiday_region=clean.holiday_region, channel=clean.channel.value,
            rights=",".join(r.value for r in clean.rights), received_at=clean.received_at,
            received_date=clean.received, requester_name=rq.name, requester_email=rq.email,
            requester_phone=rq.phone, address_lines="\n".join(rq.address_lines), postcode=rq.postcode,
            city=rq.city, region=rq.region, country=rq.country, account_ref=rq.account_ref,
            acting_for=rq.acting_for.value, representative_name=rq.representative_name,
            representative_authority=rq.representative_authority, assignee=clean.assignee,
            created_at=now, created_by=register.actor.login, updated_at=now,
            updated_by=register.actor.login, extended=False, due_explained="")
        state = compute_clock(get_regime(clean.regime), clean.received, [], clean.holiday_region,
                              rights=[r.value for r in clean.rights])
        rec.clock_start, rec.due_date, rec.original_due = state.start, state.due, state.original_due
        rec.due_explained, rec.acknowledge_by = state.explanation, state.acknowledge_by
        rec.waiting_for = state.waiting_for
        if clean.assignee:
            from muse_care.services.members import check_assignee

            check_assignee(session, clean.assignee)
            me = register.actor
            if register.dialect == "postgresql" and me.role == "agent" and clean.assignee != me.login:
                # the same rule as assign(): an agent takes a case, a lead hands it on
                raise InvalidInput({"assignee": f"an agent takes a new case for themselves or leaves it "
                                    f"unassigned; giving it to {clean.assignee} is a team lead's decision"})
        session.add(rec)
        session.flush()
        for step in steps:
            session.add(IdentityCheckRecord(case_id=rec.id, step=step.value, result="pending"))
        history = HistoryWriter(session, register.actor.login, now)
        history.add(rec.id, "created", "", f"{rec.reference}: {rec.rights} by {rec.channel}, "
                    f"received {clean.received.isoformat()}, {clean.regime_note or rec.regime}; due "
                    f"{state.due.isoformat() if state.due else 'not running'}")
        if "reason: " in clean.regime_note:  # another regime than the address gives: why
            history.add(rec.id, "regime reason", "", clean.regime_note)
        from muse_care.services import tasks

        tasks.create_for_case(session, rec, None, now)
        if clean.note:
            session.add(NoteRecord(case_id=rec.id, text=clean.note, written_by=register.actor.login,
                                   written_at=now))
            history.add(rec.id, "note", "", clean.note)
        session.flush()
        session.refresh(rec)
        # a new case has no clock events: none to read back (and a register not yet
        # migrated past its last clock_events column still takes new cases, as the
        # migration tests do)
        set_committed_value(rec, "events", [])
        return to_view(session, rec, register.today())


def record_event(register: Register, ref: str | int, kind: str, on: date, reason: str = "",
                 expected_version: int | None = None, *, late_reason: str = "") -> CaseView:
    """Record a clock event. One recorded late (dated back more than the setting
    ``late_event_margin_days``, or moving a due date that has passed) needs
    ``late_reason``, and a team lead where four eyes is on (docs/rules.md, "Events
    recorded late")."""
    kind_v = parse_enum(ClockEventKind, "event", kind)
    reason = v.clean_text("reason", reason, max_len=v.MAX_REASON, multiline=True)
    late_reason = v.clean_text("late_reason", late_reason, max_len=v.MAX_REASON, multiline=True)
    if kind_v is ClockEventKind.EXTENDED:
        from muse_care.services.four_eyes import needs_lead

        if needs_lead(register):  # four eyes on the decision: see docs/security.md, "Four eyes"
            return defer_decision(register, ref, "extension", reason, {"on": on.isoformat()},
                                  expected_version)
    return _write(register, ref, expected_version, event_action(kind_v, on, reason, late_reason))


def late_note(register: Register, rec: CaseRecord, new: ClockEvent, late_reason: str) -> str:
    """'' for an event recorded in time. For one recorded late (docs/rules.md, "Events
    recorded late"), the note kept with it (when, by whom, why), or PermissionDenied
    where four eyes wants a lead, or a ValidationError asking for the reason."""
    from muse_care.services.four_eyes import needs_lead

    regime = get_regime(rec.regime)
    # the law's day, as the event's own: the organisation's may be a day ahead (a due
    # date "passed" that has not) or behind
    today = law_today(register, rec)[0]
    before = compute_clock(regime, rec.received_date, _events(rec), rec.holiday_region, rights=_rights(rec))
    after = compute_clock(regime, rec.received_date, [*_events(rec), new], rec.holiday_region,
                          rights=_rights(rec))
    why = recorded_late(new, before, after, today, int(get_setting(register, "late_event_margin_days")))
    if not why:
        return ""
    what = f"{new.kind} dated {day_text(new.on)} is recorded late ({why})"
    if needs_lead(register):
        raise PermissionDenied(f"{what}: only a team lead may record it, with the reason it is late "
                               "(four eyes; docs/rules.md, \"Events recorded late\")")
    if not late_reason.strip():
        raise ValidationError("late_reason", f"{what}: give the reason it is late; the due date's "
                              "explanation will show it")
    actor = register.actor
    return f"recorded {day_text(today)} by {actor.login} ({actor.role}), {why}: {' '.join(late_reason.split())}"


def _law_today(register: Register, rec: CaseRecord, new: ClockEvent) -> date:
    """:func:`law_today`, the latest day ``new`` may be dated (refused in words if it is
    later): with the organisation's zone ahead of the law's, its "today" is already
    tomorrow for the law, and an answer dated so would end a pause a day late."""
    today, zone = law_today(register, rec)
    if new.on > today:
        raise ValidationError("on", f"{new.kind.value} dated {day_text(new.on)} is in the future where the "
                              f"{get_regime(rec.regime).name} applies: it is {day_text(today)} in {zone}")
    return today


def event_action(kind_v: ClockEventKind, on: date, reason: str, late_reason: str = "",
                 letter_id: int | None = None) -> Any:
    """The change a clock event makes, to run inside a unit of work (also used by the
    letters service: sending an identity request letter starts the wait, and by a lead's
    approval of an extension). ``late_reason``: see :func:`late_note`. ``letter_id``: the
    letter whose making records it (``services/letter_events.py``). The action returns
    the event's record."""

    def action(ch: _Change) -> ClockEventRecord:
        rec = ch.rec
        if not rec.is_open:
            raise ValidationError("event", f"case {rec.reference} is {rec.status}; its clock has stopped")
        regime = get_regime(rec.regime)
        new = ClockEvent(kind_v, on, reason)
        validate_new_event(regime, rec.received_date, _events(rec), new, _law_today(ch.register, rec, new),
                           rec.holiday_region, rights=_rights(rec))
        note = late_note(ch.register, rec, new, late_reason)
        event = ClockEventRecord(case_id=rec.id, kind=kind_v.value, on_date=on, reason=reason,
                                 recorded_by=ch.register.actor.login, recorded_at=ch.register.now(),
                                 late_note=note, letter_id=letter_id)
        ch.session.add(event)
        ch.session.flush()
        ch.session.refresh(rec, ["events"])
        value = f"{on.isoformat()} {reason}".strip() + (f" ({note})" if note else "")
        ch.history.add(rec.id, f"event:{kind_v.value}", "", value)
        _apply_clock(ch)
        status = Status(rec.status)
        if kind_v in (ClockEventKind.ID_REQUESTED, ClockEventKind.AUTHORITY_REQUESTED,
                      ClockEventKind.FEE_REQUESTED) and status in (Status.NEW, Status.IN_PROGRESS):
            _move(ch, Status.AWAITING_IDENTITY)
        elif kind_v is ClockEventKind.CLARIFICATION_REQUESTED and status in (
                Status.NEW, Status.IN_PROGRESS, Status.AWAITING_IDENTITY):
            _move(ch, Status.AWAITING_CLARIFICATION)
        elif kind_v is ClockEventKind.CLARIFICATION_RECEIVED and status is Status.AWAITING_CLARIFICATION:
            _auto_progress(ch, from_clarification=True)
        elif kind_v in (ClockEventKind.ID_RECEIVED, ClockEventKind.AUTHORITY_RECEIVED,
                        ClockEventKind.FEE_RECEIVED) and status is Status.AWAITING_IDENTITY:
            _auto_progress(ch)
        return event

    return action


def _auto_progress(ch: _Change, from_clarification: bool = False) -> None:
    """Move on by itself once nothing is awaited and identity is confirmed."""
    state = _clock(ch.rec)
    confirmed = identity_confirmed({c.step: c.result for c in ch.rec.checks})
    if state.waiting_for is None and confirmed:
        _move(ch, Status.IN_PROGRESS)
    elif from_clarification:
        _move(ch, Status.AWAITING_IDENTITY)


def record_check(register: Register, ref: str | int, step: str, result: str, reason: str = "",
                 expected_version: int | None = None) -> CaseView:
    reason = v.clean_text("reason", reason, max_len=v.MAX_REASON, multiline=True)
    step_v, result_v = validate_check(step.strip().lower(), result.strip().lower(), reason)

    def action(ch: _Change) -> None:
        rec = ch.rec
        if not rec.is_open:
            raise ValidationError("check", f"case {rec.reference} is {rec.status}")
        check = next((c for c in rec.checks if c.step == step_v.value), None)
        if check is None:
            needed = ", ".join(c.step for c in rec.checks) or "none"
            raise ValidationError("step", f"{step_v.value} is not a check this case needs (needs: {needed})")
        old = check.result
        check.result, check.reason = result_v.value, reason
        check.checked_by, check.checked_at = ch.register.actor.login, ch.register.now()
        ch.history.add(rec.id, f"check:{step_v.value}", old,
                       f"{result_v.value}{': ' + reason if reason else ''}")
        ch.changed.append("checks")
        ch.session.flush()
        status = Status(rec.status)
        if status is Status.NEW:
            _move(ch, Status.AWAITING_IDENTITY)
            status = Status.AWAITING_IDENTITY
        if status is Status.AWAITING_IDENTITY:
            _auto_progress(ch)

    return _write(register, ref, expected_version, action)


def change_status(register: Register, ref: str | int, status: str, reason: str = "",
                  expected_version: int | None = None, *, waive_retrieval_risk: str = "") -> CaseView:
    """Move the case; Responded needs the checks of services/respond_gate.py (a lead
    may waive a retrieval at risk with ``waive_retrieval_risk``, the reason)."""
    wanted = parse_enum(Status, "status", status)
    reason = v.clean_text("reason", reason, max_len=v.MAX_REASON, multiline=True)
    if wanted is Status.REFUSED:
        from muse_care.services.four_eyes import needs_lead

        if needs_lead(register):  # four eyes on the decision: see docs/security.md, "Four eyes"
            return defer_decision(register, ref, "refusal", reason, {}, expected_version)
    waiver = v.clean_text("waive_retrieval_risk", waive_retrieval_risk, max_len=v.MAX_REASON, multiline=True)
    return _write(register, ref, expected_version, lambda ch: _move(ch, wanted, reason, waiver))


def assign(register: Register, ref: str | int, assignee: str,
           expected_version: int | None = None) -> CaseView:
    """Assign to an active team member ("" releases the case to the unassigned pool). On
    a team server an agent cannot take or hand on a case another agent holds; a lead can."""
    assignee = v.clean_text("assignee", assignee, max_len=100)
    if register.dialect == "postgresql" and register.actor.role == "agent":
        # said before the locking read: row-level security hides another agent's case
        # from SELECT … FOR UPDATE, and "no case" would be the wrong answer
        with register.read() as session:
            check_assignment(register, session, _load(session, ref), assignee)

    def action(ch: _Change) -> None:
        check_assignment(ch.register, ch.session, ch.rec, assignee)
        ch.set("assignee", assignee)

    return _write(register, ref, expected_version, action)


def check_assignment(register: Register, session: Session, rec: CaseRecord, assignee: str) -> None:
    """The service rules of assignment (the database's row-level security says the same
    to raw SQL): an active member or nobody; agents keep off other agents' cases."""
    from muse_care.domain.errors import PermissionDenied
    from muse_care.services.members import check_assignee

    if assignee == rec.assignee:
        return
    check_assignee(session, assignee)
    me = register.actor
    if register.dialect == "postgresql" and me.role == "agent":
        if rec.assignee not in ("", me.login):
            raise PermissionDenied(f"{rec.reference} is {rec.assignee}'s case; only they or a team lead "
                                   "can reassign it")
        if assignee not in ("", me.login):
            raise PermissionDenied(f"an agent takes a case or releases it; handing {rec.reference} to "
                                   f"{assignee} is a team lead's decision")


def add_note(register: Register, ref: str | int, text: str) -> CaseView:
    text = v.clean_text("note", text, max_len=v.MAX_NOTE, required=True, multiline=True)

    def action(ch: _Change) -> None:
        ch.session.add(NoteRecord(case_id=ch.rec.id, text=text, written_by=ch.register.actor.login,
                                  written_at=ch.register.now()))
        ch.history.add(ch.rec.id, "note", "", text)
        ch.changed.append("notes")

    return _write(register, ref, None, action)


REQUESTER_FIELDS = {
    "name": "requester_name", "email": "requester_email", "phone": "requester_phone",
    "address_lines": "address_lines", "postcode": "postcode", "city": "city", "region": "region",
    "country": "country", "account_ref": "account_ref",
}


@dataclass(frozen=True)
class FieldChange:
    """One field both people changed: what this person typed and what the other saved."""

    field: str
    mine: str
    theirs: str
    changed_by: str
    changed_at: datetime | None


class FieldConflict(StaleRecord):
    """Someone else changed the same requester field(s) to something else meanwhile."""

    def __init__(self, reference: str, conflicts: Sequence[FieldChange]) -> None:
        first = conflicts[0]
        super().__init__(f"case {reference}", first.changed_by, first.changed_at)
        self.conflicts = tuple(conflicts)
        self.args = ("; ".join(f"{c.field} was changed by {c.changed_by} to “{c.theirs}” while you "
                               f"typed “{c.mine}”" for c in self.conflicts)
                     + ": keep yours or take theirs",)


def _requester_text(value: Any) -> str:
    return "\n".join(value) if isinstance(value, (tuple, list)) else str(value or "")


def update_requester(register: Register, ref: str | int, requester: Requester,
                     expected_version: int, base: Requester | None = None) -> CaseView:
    """Save edited requester details.

    With ``base`` (the details as they were when this person started editing) the save is
    merged by field: only the fields this person changed are written, so a colleague's
    change to another field stays; a field both changed to different values raises
    :class:`FieldConflict` naming each such field, both values and who changed it, and
    writes nothing. Without ``base``, a stale ``expected_version`` raises StaleRecord."""
    p: dict[str, str] = {}
    name = _collect(p, "name", v.clean_text, "name", requester.name, max_len=v.MAX_NAME, required=True)
    country = _collect(p, "country", v.validate_country, requester.country) or ""
    email = _collect(p, "email", v.validate_email, requester.email) or ""
    phone = _collect(p, "phone", v.validate_phone, requester.phone, country) or ""
    postcode = _collect(p, "postcode", v.validate_postcode, requester.postcode, country) or ""
    lines = [_collect(p, "address_lines", v.clean_text, "address line", x, max_len=v.MAX_LINE) or ""
             for x in requester.address_lines]
    city = _collect(p, "city", v.clean_text, "city", requester.city, max_len=v.MAX_LINE) or ""
    region = _collect(p, "region", v.clean_text, "region", requester.region, max_len=v.MAX_LINE) or ""
    account = _collect(p, "account_ref", v.clean_text, "account_ref", requester.account_ref, max_len=64) or ""
    if any(lines) and country and not p:
        _check_printable(register, p, name, [x for x in lines if x], city, postcode, region, country)
    if p:
        raise InvalidInput(p)
    values = {"requester_name": name, "requester_email": email, "requester_phone": phone,
              "address_lines": "\n".join(x for x in lines if x), "postcode": postcode, "city": city,
              "region": region, "country": country, "account_ref": account}
    if base is not None:
        return _merge_requester(register, ref, requester, base, values)

    def action(ch: _Change) -> None:
        for attr, value in values.items():
            ch.set(attr, value, f"requester.{attr.removeprefix('requester_')}")

    return _write(register, ref, expected_version, action)


def _merge_requester(register: Register, ref: str | int, typed: Requester, base: Requester,
                     values: dict[str, str]) -> CaseView:
    from muse_care.store.models import HistoryRecord

    changed = {f: attr for f, attr in REQUESTER_FIELDS.items()
               if _requester_text(getattr(typed, f)) != _requester_text(getattr(base, f))}

    def action(ch: _Change) -> None:
        conflicts: list[FieldChange] = []
        for f, attr in changed.items():
            theirs = getattr(ch.rec, attr) or ""
            mine = values[attr]
            if theirs in (mine, _requester_text(getattr(base, f))):
                continue
            what = f"requester.{attr.removeprefix('requester_')}"
            last = ch.session.execute(
                select(HistoryRecord.actor, HistoryRecord.at)
                .where(HistoryRecord.case_id == ch.rec.id, HistoryRecord.what == what)
                .order_by(HistoryRecord.id.desc()).limit(1)).first()
            by, at = (last[0], last[1]) if last else (ch.rec.updated_by, ch.rec.updated_at)
            conflicts.append(FieldChange(f, mine, theirs, by, at))
        if conflicts:
            raise FieldConflict(ch.rec.reference, conflicts)
        for f, attr in changed.items():
            ch.set(attr, values[attr], f"requester.{attr.removeprefix('requester_')}")

    return _write(register, ref, None, action)


def list_cases(register: Register, *, status: str | None = None, overdue: bool = False,
               due_before: date | None = None, as_of: date | None = None,
               limit: int = 1000) -> list[CaseView]:
    """Cases for scripts and reports, most urgent first (the queue window has its own
    paged model over ``muse_care.services.queue``)."""
    as_of = as_of or register.today()
    stmt = select(CaseRecord)
    if status:
        stmt = stmt.where(CaseRecord.status == parse_enum(Status, "status", status).value)
    if overdue:
        stmt = stmt.where(CaseRecord.is_open.is_(True), CaseRecord.due_date < as_of)
    if due_before:
        stmt = stmt.where(CaseRecord.due_date < due_before)
    stmt = stmt.order_by(CaseRecord.due_date.is_(None), CaseRecord.due_date, CaseRecord.id).limit(limit)
    with register.read() as session:
        return [to_view(session, rec, as_of, full=False) for rec in session.execute(stmt).scalars()]


def open_duplicates(register: Register, email: str = "", phone: str = "", country: str = "",
                    exclude_id: int | None = None) -> list[CaseView]:
    """Open cases with the same email or phone: the intake dialog warns about these."""
    conditions = []
    try:
        email_n = v.validate_email(email) if email else ""
    except ValidationError:
        email_n = ""
    try:
        phone_n = v.validate_phone(phone, country) if phone else ""
    except ValidationError:
        phone_n = ""
    if email_n:
        conditions.append(CaseRecord.requester_email == email_n)
    if phone_n:
        conditions.append(CaseRecord.requester_phone == phone_n)
    if not conditions:
        return []
    from sqlalchemy import or_

    stmt = select(CaseRecord).where(CaseRecord.is_open.is_(True), or_(*conditions))
    if exclude_id is not None:
        stmt = stmt.where(CaseRecord.id != exclude_id)
    with register.read() as session:
        return [to_view(session, r, register.today(), full=False)
                for r in session.execute(stmt.order_by(CaseRecord.id).limit(20)).scalars()]


def defer_decision(register: Register, case: str | int, kind: str, reason: str,
                   payload: dict[str, Any], expected_version: int | None = None) -> CaseView:
    """Put an agent's extension or refusal to a lead: the case moves to *awaiting
    approval* (its dates and status otherwise untouched) and an approval request holds
    what the decision will do. One unit of work."""
    import json

    from muse_care.store.team_sql import approvals

    if kind not in ("extension", "refusal"):
        raise ValidationError("kind", f"'{kind}' is not a decision a lead approves; use extension or refusal")
    if kind == "refusal" and not reason.strip():
        raise ValidationError("reason", "a refusal needs its reasons (manifestly unfounded or excessive, "
                              "and why)")

    def action(ch: Any) -> None:
        rec = ch.rec
        if not rec.is_open:
            raise ValidationError("status", f"case {rec.reference} is {rec.status}; nothing to decide")
        if kind == "extension":
            on = date.fromisoformat(payload["on"])
            new = ClockEvent(ClockEventKind.EXTENDED, on, reason)
            validate_new_event(get_regime(rec.regime), rec.received_date, _events(rec), new,
                               _law_today(register, rec, new), rec.holiday_region, rights=_rights(rec))
            # an extension dated back is no decision to put to a lead later: a lead records it
            late_note(register, rec, new, "")
        pending = ch.session.execute(
            select(approvals.c.requested_by).where(approvals.c.case_id == rec.id, approvals.c.kind == kind,
                                                   approvals.c.decision.is_(None))).first()
        if pending is not None:
            raise ValidationError("kind", f"a {kind} of {rec.reference} is already waiting for a lead "
                                  f"(asked by {pending[0]})")
        previous = rec.status
        body = {**payload, "reason": reason, "previous_status": previous}
        ch.session.execute(approvals.insert().values(
            case_id=rec.id, kind=kind, requested_by=register.actor.login, requested_at=register.now(),
            reason=reason or kind, note="", payload=json.dumps(body, ensure_ascii=False)))
        ch.history.add(rec.id, f"approval requested:{kind}", "", reason or kind)
        if previous != Status.AWAITING_APPROVAL.value:
            ch.set("status", Status.AWAITING_APPROVAL.value)

    return _write(register, case, expected_version, action)


def change_regime(register: Register, ref: str | int, regime: str, holiday_region: str, reason: str,
                  expected_version: int | None = None) -> CaseView:
    """Put the case under another regime (and holiday region: the address's, or the
    regime's default, if ''), with the reason in the history; the clock is recomputed."""
    from muse_care.domain.jurisdiction import from_address

    reason = v.clean_text("reason", reason, max_len=v.MAX_REASON, required=True, multiline=True)
    new = get_regime(regime.strip().lower())
    region = holiday_region.strip().upper()

    def action(ch: _Change) -> None:
        rec = ch.rec
        if not rec.is_open:
            raise ValidationError("regime", f"case {rec.reference} is {rec.status}; its regime is settled")
        chosen = region
        if not chosen:
            found = from_address(rec.country, rec.postcode, rec.region) if rec.country else None
            chosen = found.holiday_region if found is not None and found.regime == new.code else \
                get_setting(ch.register, "holiday_regions").get(new.code, new.default_holiday_region)
        if chosen not in new.holiday_regions:
            raise ValidationError("holiday_region", f"{chosen} is not a holiday region of {new.code}; use "
                                  "one of: " + ", ".join(new.holiday_regions))
        if (rec.regime, rec.holiday_region) == (new.code, chosen):
            raise ValidationError("regime", f"case {rec.reference} is already under {new.code}, {chosen}")
        ch.set("regime", new.code)
        ch.set("holiday_region", chosen, "holiday region")
        # the same moment, dated where the new law applies (docs/rules.md, "The day received")
        ch.set("received_date", received_day(new, rec.received_at, chosen, rec.country), "received")
        ch.history.add(rec.id, "regime reason", "", reason)
        # a notice told the old law's date under the old law: under the new one the
        # requester is told again (found by an outside tester: the told day stayed)
        ch.set("extension_told_on", None, "extension told")
        _apply_clock(ch)

    return _write(register, ref, expected_version, action)


def linked_cases(register: Register, ref: str | int) -> list[CaseView]:
    """Other requests from the same person: the same email, phone or account reference,
    open or not, oldest first (docs/rules.md, "Several requests")."""
    from sqlalchemy import or_

    with register.read() as session:
        rec = _load(session, ref)
        conditions = [column == value for column, value in (
            (CaseRecord.requester_email, rec.requester_email), (CaseRecord.requester_phone, rec.requester_phone),
            (CaseRecord.account_ref, rec.account_ref)) if value]
        if not conditions:
            return []
        stmt = (select(CaseRecord).where(or_(*conditions), CaseRecord.id != rec.id)
                .order_by(CaseRecord.received_date, CaseRecord.id).limit(50))
        return [to_view(session, r, register.today(), full=False) for r in session.execute(stmt).scalars()]
