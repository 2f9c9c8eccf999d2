"""Letters of a case: produce, keep, print, reprint, dispatch.

A produced letter is kept as the exact PDF that was rendered, with its SHA-256, so
every print and reprint is the same document; producing a letter again makes a new
letter record (and a history entry), never a silent replacement. Before anything is
printed the stored PDF is checked against its hash and the case's current requester,
so a letter that no longer matches its envelope (the address changed since) is stopped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select, text

from muse_care.domain import validation as v
from muse_care.domain.case import RIGHT_SPECS, Right, Status
from muse_care.domain.case_views import CaseView
from muse_care.domain.errors import NotFound, PermissionDenied, ValidationError
from muse_care.domain.grammar import count
from muse_care.domain.identity import STEP_ASKED
from muse_care.domain.clock import ClockEvent, ClockEventKind, compute_clock, law_day
from muse_care.services.cases import _Change, _load, event_action, to_view
from muse_care.services.history import HistoryWriter
from muse_care.services.print_log import run_label
from muse_care.services.print_log import next_run_id as _next_run_id
from muse_care.services.print_log import printed_in as _printed_in
from muse_care.services.print_log import runs_of as _runs_of
from muse_care.services.register import Register
from muse_care.services.settings import get_setting, organisation
from muse_care.store.models import (
    CaseRecord,
    HistoryRecord,
    LetterPrintRecord,
    LetterRecord,
    PrintRunLetterRecord,
    PrintRunRecord,
)
from muse_care.store.team_sql import approvals




def _approval_needed(kind: str) -> str | None:
    """The lead's approval a kind needs in team mode (four eyes), from its declaration."""
    from muse_care.letters import kinds

    return kinds.get(kind).approval


@dataclass(frozen=True)
class LetterInfo:
    id: int
    case_id: int
    reference: str
    kind: str
    layout: str
    generated_at: datetime
    generated_by: str
    sha256: str
    page_count: int
    recipient_name: str
    dispatched_on: date | None
    dispatch_method: str
    print_count: int
    version: int
    country: str = ""
    superseded_by: int | None = None
    runs: tuple[int, ...] = ()  # the print runs it was in
    withdrawn_on: date | None = None  # set aside, never to print or be sent (withdraw_letter)
    withdrawn_reason: str = ""

    @property
    def paper(self) -> str:
        from muse_care.letters.model import paper_of

        return paper_of(self.layout)


@dataclass(frozen=True)
class PrintRun:
    pdf: bytes
    letters: tuple[LetterInfo, ...]
    pages: int
    run_date: date
    id: int = 0
    paper: str = ""
    sha256: str = ""
    built_by: str = ""
    built_at: datetime | None = None
    held: tuple[tuple[int, str], ...] = ()  # (letter id, why) left out of this run


@dataclass(frozen=True)
class RunInfo:
    """A recorded print run, without its PDF."""

    id: int
    run_date: date
    paper: str
    built_at: datetime
    built_by: str
    pages: int
    pdf_sha256: str
    reprint_reason: str
    letter_ids: tuple[int, ...]
    dispatched: int  # how many of its letters are marked dispatched
    withdrawn: int = 0  # how many were withdrawn instead: none of them is still to go out
    replaced: int = 0  # how many were produced again since (the new letter goes in a run of its own)


class StaleLetter(ValidationError):
    """The stored letter no longer matches the case it is for (its address changed):
    stopped before printing; :func:`produce_again` makes it afresh."""

    def __init__(self, letter_id: int, reference: str, changes: Sequence[str]) -> None:
        self.letter_id = letter_id
        self.reference = reference
        self.changes = tuple(changes)
        again = "" if any(NO_AGAIN in c for c in changes) else "; produce the letter again to print what the case " \
            "says now"
        super().__init__("letter", f"letter {letter_id} for {reference} was not printed: {'; '.join(changes)}{again}")


class PastPromiseLetter(ValidationError):
    """A stored letter that promises a reply by the case's due date, printed after that
    day: never posted, and not produced again either (docs/letters.md, "A letter never
    promises a day that has passed")."""

    def __init__(self, letter_id: int, reference: str, kind_title: str, due: date, today: date) -> None:
        self.letter_id, self.reference = letter_id, reference
        self.why = (f"{a_or_an(kind_title.lower())} promises a reply by the due date, {due.isoformat()}, which "
                    f"has passed (today is {today.isoformat()}): do not post it, and withdraw it. Reply to the request now, "
                    "record why it is late in a note, and tell a team lead")
        super().__init__("letter", f"letter {letter_id} for {reference} was not printed: {self.why}")


class LateNoticeLetter(PastPromiseLetter):
    """A stored extension notice printed or posted after the day by which the requester
    had to be told (the original due date): it would tell them too late, and the
    extension does not hold. Never posted, nor produced again (docs/rules.md, "Told in
    time, or not at all")."""

    def __init__(self, letter_id: int, reference: str, told_by: date, today: date) -> None:
        self.letter_id, self.reference = letter_id, reference
        self.why = (f"an extension notice had to reach the requester by {told_by.isoformat()}, within the period "
                    f"of receipt; on {today.isoformat()} it is too late and the extension does not hold: do not "
                    f"post it, and withdraw it. The reply was due on {told_by.isoformat()}: reply now, record why "
                    "it is late in a note, and tell a team lead")
        ValidationError.__init__(self, "letter", f"letter {letter_id} for {reference} was not printed: {self.why}")


class LateRequestLetter(PastPromiseLetter):
    """A stored identity request printed or posted after the case's due date: asked then,
    it restarts nothing, and it tells the requester the month starts when their identity
    arrives. Never posted, nor produced again (docs/letters.md, "A request letter and its
    clock event")."""

    def __init__(self, letter_id: int, reference: str, due: date | None, today: date) -> None:
        self.letter_id, self.reference = letter_id, reference
        due_s = due.isoformat() if due else "its due date"
        self.why = (f"it asks for identity, and sent on {today.isoformat()}, after the due date {due_s}, a request "
                    "restarts nothing: do not post it, and withdraw it (the request it recorded is voided). Reply "
                    "by the case's due date, and if that has passed record why it is late in a note and tell a "
                    "team lead")
        ValidationError.__init__(self, "letter", f"letter {letter_id} for {reference} was not printed: {self.why}")


class WithdrawnLetter(ValidationError):
    """A letter set aside with :func:`withdraw_letter`: it never prints or goes out."""

    def __init__(self, letter_id: int, reference: str, on: date, reason: str) -> None:
        self.letter_id, self.reference = letter_id, reference
        self.why = withdrawn_why(on, reason)
        super().__init__("letter", f"letter {letter_id} for {reference} was not printed: {self.why}")


class RequestWithdrawnLetter(WithdrawnLetter):
    """A letter for a case whose requester withdrew the request: it answers nothing
    now, and never prints or goes out (an outside tester posted an acknowledgement for a
    withdrawn request)."""

    def __init__(self, letter_id: int, reference: str) -> None:  # noqa: D107
        self.letter_id, self.reference = letter_id, reference
        self.why = request_withdrawn_why(reference)
        ValidationError.__init__(self, "letter", f"letter {letter_id} for {reference} was not printed: {self.why}")


def request_withdrawn_why(reference: str) -> str:
    return (f"the request of {reference} was withdrawn: the letter answers nothing now. Do not post it, "
            "and withdraw the letter")


def withdrawn_why(on: date, reason: str) -> str:
    """Why a withdrawn letter is not printed or posted, in the words every refusal uses."""
    return f"it was withdrawn on {on.isoformat()} ({reason}): it is never printed or sent"


class SupersededLetter(ValidationError):
    def __init__(self, letter_id: int, reference: str, by: int) -> None:
        self.letter_id, self.reference, self.by = letter_id, reference, by
        super().__init__("letter", f"letter {letter_id} for {reference} was produced again as letter {by}; "
                         "the old one never prints again: print letter {by}".replace("{by}", str(by)))


def _join(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _info(rec: LetterRecord, reference: str, runs: Sequence[int] = ()) -> LetterInfo:
    stored = _stored_address(rec)
    return LetterInfo(rec.id, rec.case_id, reference, rec.kind, rec.layout, rec.generated_at,
                      rec.generated_by, rec.sha256, rec.page_count, rec.recipient_name,
                      rec.dispatched_on, rec.dispatch_method, rec.print_count, rec.version,
                      str(stored.get("country", "")) if stored else "", rec.superseded_by, tuple(runs),
                      rec.withdrawn_on, rec.withdrawn_reason)


def _stored_address(rec: LetterRecord) -> dict[str, Any] | None:
    import json

    if not rec.recipient_address:
        return None
    try:
        data = json.loads(rec.recipient_address)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _address_json(address: Any) -> str:
    import json

    return json.dumps({"name": address.name, "lines": list(address.lines), "city": address.city,
                       "postcode": address.postcode, "region": address.region, "country": address.country},
                      ensure_ascii=False, sort_keys=True)


_PARTS = (("city", "city"), ("postcode", "postcode"), ("region", "region"), ("country", "country"))


def address_changes(letter: LetterRecord, case: CaseRecord) -> list[str]:
    """What differs between the name and address printed on ``letter`` and the case's
    requester now, one phrase per part ("address line 1 was 'X', is now 'Y'")."""
    out: list[str] = []
    if letter.recipient_name != case.requester_name:
        out.append(f"the name was '{letter.recipient_name}', is now '{case.requester_name}'")
    stored = _stored_address(letter)
    if stored is None:
        out.append("it was produced before letters recorded their address, so the address "
                   "cannot be checked")
        return out
    was = [str(x) for x in stored.get("lines", [])]
    now = [x for x in case.address_lines.split("\n") if x]
    for i in range(max(len(was), len(now))):
        a = was[i] if i < len(was) else ""
        b = now[i] if i < len(now) else ""
        if a != b:
            out.append(f"address line {i + 1} was '{a}', is now '{b}'" if a and b else
                       f"address line {i + 1} '{b}' was added" if b else f"address line {i + 1} '{a}' was removed")
    for key, label in _PARTS:
        a, b = str(stored.get(key, "")), str(getattr(case, key) or "")
        if a != b:
            out.append(f"the {label} was '{a}', is now '{b}'")
    return out


def _promise_of(spec: Any, view: CaseView, stops: bool | None = None) -> dict[str, Any]:
    """What a letter records of what it tells the requester about the clock: for a kind
    that promises the due date, the date (ISO), or None while the clock is stopped and
    the letter names no day; for the clarification request, whether the case's regime
    and rights let a clarification stop the clock at all (``clarification_gate``), and
    whether the letter says the time stops (``clarification_stops``, asked of the clock
    on the letter's day)."""
    if spec.promises_due:
        return {"promised_due": view.due_date.isoformat() if view.due_date else None}
    if spec.id == "extension":
        told = view.extended_to or view.due_date
        return {"extended_to": told.isoformat() if told else None, "regime": view.regime}
    if spec.pauses_clock == ClockEventKind.CLARIFICATION_REQUESTED.value:
        return {"clarification_gate": clarification_gate(view.regime, [r.value for r in view.rights]),
                **({"clarification_stops": stops} if stops is not None else {})}
    return {}


NO_AGAIN = "do not post it, withdraw it"
"""Said of a stale letter that must not be produced again either (its advice replaces
"produce it again")."""


def _extension_changes(letter: LetterRecord, case: CaseRecord) -> list[str]:
    """What an extension notice tells that the case no longer bears out: the date it
    gives, and the law it cites (a regime changed, the clock restarted and the extension
    was not carried, the extension recorded again). Notices made before these were
    recorded are not checked."""
    import json

    from muse_care.domain.regimes import get_regime

    try:
        kept = json.loads(letter.request_json or "{}")
    except ValueError:
        kept = {}
    if not isinstance(kept, dict) or "extended_to" not in kept:
        return []
    out = []
    was = kept["extended_to"]
    now = (case.extended_to or case.due_date) if case.extended else None
    if was != (now.isoformat() if now else None):
        said = f"it tells the requester we will reply by {was}"
        if now is not None:
            out.append(f"{said}, and the case is now extended to {now.isoformat()}")
        elif case.extended and case.waiting_for == "clarification":
            out.append(f"{said}, and the case's clock is paused for a clarification: the extended date is known "
                       "only once the answer arrives; make the notice again then")
        else:
            out.append(f"{said}, and the case is now not extended (an extension does not survive a restart of "
                       "the clock, nor a change of regime that does not allow it): " + NO_AGAIN
                       + f" (muse-care letters withdraw {letter.id}), and extend again if it is still needed")
    if kept.get("regime") and kept["regime"] != case.regime:
        out.append(f"it cites the {get_regime(kept['regime']).name}, and the case is now under the "
                   f"{get_regime(case.regime).name}")
    return out


def _moved_to(events: Sequence[ClockEvent], kind: ClockEventKind, day: date) -> list[ClockEvent]:
    """``events`` with the latest request of ``kind`` asked on ``day`` instead, if later
    (its letter going out then: services/letter_events.py); unchanged without one."""
    asked = [i for i, e in enumerate(events) if e.kind is kind]
    if not asked:
        return list(events)
    last = asked[-1]
    return [*events[:last], replace(events[last], on=max(events[last].on, day)), *events[last + 1:]]


def _asks_itself(case: CaseRecord, letter: LetterRecord, kind: ClockEventKind) -> bool:
    """Whether ``letter`` recorded the case's latest request of ``kind`` (not one asked
    by hand, or by an earlier letter that went out, which this letter only repeats)."""
    asked = [e for e in case.events if e.kind == kind.value and e.voided_on is None]
    return bool(asked) and max(asked, key=lambda e: e.id).letter_id == letter.id


def _still_takes_effect(case: CaseRecord, day: date, kind: ClockEventKind) -> tuple[bool | None, date | None]:
    """Whether the case's outstanding request of ``kind`` (a clarification round, or
    identity), asked on ``day`` (its letter going out then), still does what its letter
    says: pauses the clock, or stops it until the answer (None when no such request is
    outstanding: answered, or none recorded), and the due date it leaves."""
    from muse_care.domain.regimes import get_regime
    from muse_care.services.letter_events import ANSWER

    events = [ClockEvent(ClockEventKind(e.kind), e.on_date, e.reason) for e in case.events if e.voided_on is None]
    asked = [i for i, e in enumerate(events) if e.kind is kind]
    if not asked or any(e.kind.value == ANSWER[kind.value] for e in events[asked[-1]:]):
        return None, None
    state = compute_clock(get_regime(case.regime), case.received_date, _moved_to(events, kind, day),
                          case.holiday_region,
                          rights=[r for r in case.rights.split(",") if r])
    # the day after which a request restarts nothing is the original due date, not an
    # extended one (docs/rules.md, "Identity, authority and fee")
    return ((state.due is None if kind is ClockEventKind.CLARIFICATION_REQUESTED else state.start is None),
            state.original_due or state.due)


def clarification_gate(regime_code: str, rights: Sequence[str]) -> bool:
    """Whether a clarification can pause the clock of a case under ``regime_code`` asking
    for ``rights`` at all: a UK rule, for access requests only (docs/rules.md,
    "Clarification"). Whether one asked on a given day does is the clock's to say."""
    from muse_care.domain.regimes import REGIMES

    regime = REGIMES.get(regime_code)
    return bool(regime is not None and regime.clarification_pauses_clock and Right.ACCESS.value in rights)


def law_day_of(register: Register, case: CaseRecord, day: date) -> date:
    """The law's day of a letter going out on the organisation's ``day`` (:func:`asked_day`):
    an extension notice is told, a request asked, on the day where the case's law applies."""
    from muse_care.domain.regimes import get_regime

    return asked_day(register, get_regime(case.regime), case.holiday_region, case.country, day)


def promise_changes(letter: LetterRecord, case: CaseRecord, today: date, law_today: date | None = None) -> list[str]:
    """What a letter tells the requester about the clock that the case no longer bears
    out, one phrase each. For a letter that promises the case's due date: the date it
    promises against the case's due date now; raises :class:`PastPromiseLetter` when the
    case's due date is before ``today`` (the print day). For a clarification request:
    whether the time stops while we wait, against the case's regime and rights now (a
    regime or the rights changed since). Letters made before what they tell was recorded
    are checked against ``today`` only. An extension notice not posted yet raises
    :class:`LateNoticeLetter` once ``today`` is after the original due date."""
    import json

    from muse_care.domain.regimes import get_regime
    from muse_care.letters import kinds

    spec = kinds.find(letter.kind)
    if spec is None:
        return []
    told = law_today or today
    if spec.id == "extension" and letter.dispatched_on is None and case.original_due is not None \
            and told > case.original_due:
        # Art. 12(3): told within the month, or not at all, on the law's day (docs/letters.md)
        raise LateNoticeLetter(letter.id, case.reference, case.original_due, told)
    if spec.id == "extension":
        return _extension_changes(letter, case)
    if spec.pauses_clock == ClockEventKind.ID_REQUESTED.value and letter.dispatched_on is None \
            and get_regime(case.regime).verification_stops_clock \
            and _asks_itself(case, letter, ClockEventKind.ID_REQUESTED):
        stops, due = _still_takes_effect(case, told, ClockEventKind.ID_REQUESTED)
        if stops is False:  # asked on the day it goes out, after the due date: it restarts nothing
            raise LateRequestLetter(letter.id, case.reference, due, told)
    clarification = spec.pauses_clock == ClockEventKind.CLARIFICATION_REQUESTED.value
    if not spec.promises_due and not clarification:
        return []
    if spec.promises_due and case.due_date is not None and today > case.due_date:
        raise PastPromiseLetter(letter.id, case.reference, spec.title, case.due_date, today)
    try:
        kept = json.loads(letter.request_json or "{}")
    except ValueError:
        kept = {}
    if not isinstance(kept, dict):
        return []
    if clarification:
        if "clarification_gate" not in kept:
            return []
        said, holds = bool(kept["clarification_gate"]), clarification_gate(case.regime, case.rights.split(","))
        if said != holds:
            return ["it says the time for our answer stops while we wait for the requester's answer, and under "
                    "the case's regime and rights now it does not" if said else
                    "it says the time for our answer keeps running while we wait, and under the case's regime "
                    "and rights now it stops"]
        if kept.get("clarification_stops") and letter.dispatched_on is None \
                and _asks_itself(case, letter, ClockEventKind.CLARIFICATION_REQUESTED) \
                and _still_takes_effect(case, told, ClockEventKind.CLARIFICATION_REQUESTED)[0] is False:
            # going out on ``told`` it asks then, after the period ended (docs/letters.md)
            return [f"it says the time for our answer stops while we wait, and sent on {told.isoformat()}, "
                    "after the period ended, its question pauses nothing"]
        return []
    if "promised_due" not in kept:
        return []
    was, now = kept["promised_due"], case.due_date.isoformat() if case.due_date else None
    if was == now:
        return []
    if was is None:
        return [f"it names no reply date (the clock was stopped), and the case is now due on {now}"]
    if now is None:
        return [f"it promises a reply by {was}, and the case's clock is now stopped"]
    return [f"it promises a reply by {was}, and the case is now due on {now}"]


def derived_fields(view: CaseView, kind: str, style: str) -> dict[str, str]:
    """The fields a letter of ``kind`` can take from the case itself. The law's words
    (periods, legal basis) come from the case's regime row, never from here."""
    from muse_care.domain.regimes import REGIMES
    from muse_care.letters.render import format_date

    regime = REGIMES.get(view.regime)

    def fmt(d: date | None) -> str:
        return format_date(d, style) if d else ""

    out: dict[str, str] = {
        "received_date": fmt(view.received),
        "rights": _join([RIGHT_SPECS[r].asked_for for r in view.rights]),
    }
    if kind == "acknowledgement":  # docs/letters.md, "The acknowledgement's reply date"
        if view.due_date and view.extension_holds:  # told of it: the extended date holds
            out["extended_to"] = fmt(view.due_date)
        elif view.due_date:
            out["due_date"] = fmt(view.due_date)
            if regime is not None and regime.extension_words:
                out["extension_notice_by"] = out["due_date"]
        elif view.waiting_for in ("identity", "authority", "fee"):
            period = regime.period_words if regime is not None else "the time the law allows"
            out["reply_when"] = f"within {period} of receiving the {view.waiting_for} we asked for"
        elif view.waiting_for == "clarification":
            out["reply_when"] = ("once we have your answer to our question, within the time that was left "
                                 "when we asked it (the time limit is paused until then)")
    elif view.due_date:
        out["due_date"] = fmt(view.original_due if kind == "extension" and view.original_due else view.due_date)
    if kind == "identity-request":
        pending = [c.step for c in view.checks if c.result in ("pending", "failed")]
        out["identity_steps"] = "\n".join(STEP_ASKED.get(s, s) for s in pending)
    if kind == "extension" and view.extended and (view.extended_to or view.due_date):
        # the date the extension gives (the due date holds it once this notice goes out)
        out["new_due_date"] = fmt(view.extended_to or view.due_date)
        reason = next((e.reason for e in reversed(view.events) if e.kind == "extended"), "")
        # one reason a line, as the agent wrote them: a ";" inside a reason stays in it
        out["extension_reasons"] = "\n".join(p.strip() for p in reason.splitlines() if p.strip())
    if kind == "refusal":
        reason = next((h.new for h in reversed(view.history) if h.what == "status reason"), "")
        if reason:
            out["refusal_reasons"] = "\n".join(p.strip() for p in reason.splitlines() if p.strip())
        if regime is not None and regime.refusal_basis:
            out["legal_basis"] = regime.refusal_basis
    return out



# Which linked requests a letter names: an extension for "the number of requests", a
# refusal of a repeated request (docs/rules.md, "Several requests").
_SEVERAL = ("requests", "number of", "numerous", "several", "repeat", "same request", "earlier request",
            "previous request", "again")


def case_fields(register: Register, view: CaseView, kind: str, style: str) -> dict[str, str]:
    """:func:`derived_fields` and what the case's other records give: the recipients told."""
    out = derived_fields(view, kind, style)
    from muse_care.letters import kinds

    if kinds.get(kind).field("recipients_told") is not None:  # replies that list them (Art. 19)
        from muse_care.services.recipients import told_for_letter

        told = told_for_letter(register, view, style)
        if told:
            out["recipients_told"] = told
    return out


def letter_law_for(register: Register, view: CaseView, kind: str, style: str = "uk",
                   letter_date: date | None = None) -> Mapping[str, str]:
    """The {law.*} values of a letter on this case (dated ``letter_date``, else today): its
    regime's words, the requester's own and the lead authority, the linked requests
    where the letter relies on them, and what a clarification asked that day does."""
    from muse_care.domain.authorities import complaint_authorities
    from muse_care.domain.regimes import get_regime
    from muse_care.letters.law import letter_law
    from muse_care.services.cases import linked_cases

    regime = get_regime(view.regime)
    rq = view.requester
    org = organisation(register)
    authorities = complaint_authorities(regime.code, rq.country, rq.postcode, rq.region, org.eu_establishment)
    linked: list[str] = []
    grounds = ""
    if kind == "extension":
        grounds = next((e.reason for e in reversed(view.events) if e.kind == "extended"), "")
    elif kind == "refusal":
        grounds = next((h.new for h in reversed(view.history) if h.what == "status reason"), "")
    if grounds and any(word in grounds.lower() for word in _SEVERAL):
        from muse_care.letters.render import format_date

        others = linked_cases(register, view.id)
        # a refusal names the earlier requests this one repeats; an extension the open
        # requests dealt with together
        chosen = [c for c in others if c.received <= view.received] if kind == "refusal" else \
            [c for c in others if c.is_open]
        linked = [f"{c.reference}, received {format_date(c.received, style)}" for c in chosen]
    asked = asked_day(register, regime, view.holiday_region, view.requester.country, letter_date or register.today())
    pauses = _clarification_would_pause(view, regime, asked)
    return letter_law(regime, authorities, linked_requests=linked, clarification_pauses=pauses)


def asked_day(register: Register, regime: Any, holiday_region: str, country: str, letter_day: date) -> date:
    """The day a letter dated ``letter_day`` asks (for ID, a fee, clarification), as the
    clock counts it: the law's day, not the organisation's (docs/rules.md, "The day
    received"). A letter dated the organisation's today asks on today where the law
    applies, which may be the day before (an organisation ahead of the law's zone) or
    the day after (one behind it: asked after a due date that has passed there, it
    rescues nothing). A letter dated another day asks on that day (dated back, no
    later than the law's today)."""
    today_there = law_day(regime, register.now(), holiday_region, country)
    if letter_day == register.today():
        return today_there
    return letter_day if letter_day > register.today() else min(letter_day, today_there)


def _clarification_would_pause(view: CaseView, regime: Any, day: date) -> bool:
    """Whether a clarification asked on ``day`` pauses this case's clock, as the clock
    itself counts it (domain/clock.py; docs/rules.md, "Clarification"): never where the
    law gives no pause or for a request that is not for access, nor for a round asked
    after the period ended. The round is added to the case's events and the clock
    asked: paused (or still stopped, so that the round counts once it starts) leaves no
    due date."""
    if not clarification_gate(regime.code, [r.value for r in view.rights]):
        return False
    events = [ClockEvent(ClockEventKind(e.kind), e.on, e.reason) for e in view.events]
    asked = ClockEvent(ClockEventKind.CLARIFICATION_REQUESTED, day)
    try:
        state = compute_clock(regime, view.received, [*events, asked], view.holiday_region,
                              rights=[r.value for r in view.rights])
    except ValidationError:
        # a round already outstanding: this letter asks it again. Made again in place of
        # an unsent letter, it moves the round to its own day (services/letter_events.py):
        # it promises the pause only if the round still pauses from that day
        moved = _moved_to(events, ClockEventKind.CLARIFICATION_REQUESTED, day)
        return all(compute_clock(regime, view.received, evs, view.holiday_region,
                                 rights=[r.value for r in view.rights]).due is None for evs in (events, moved))
    return state.due is None


def _recipient(view: CaseView) -> Any:
    from muse_care.letters.model import PostalAddress

    rq = view.requester
    if not rq.address_lines or not rq.country or not (rq.city or rq.postcode):
        raise ValidationError("address", f"case {view.reference} has no complete postal address "
                              "(address lines, city or postcode, country) to send a letter to")
    return PostalAddress(name=rq.name, lines=rq.address_lines, city=rq.city, postcode=rq.postcode,
                         region=rq.region, country=rq.country)


def _require_verified(view: CaseView, kind: str) -> None:
    """A reply that discloses personal data goes only to someone whose identity is
    confirmed: otherwise it is a breach, whoever asked."""
    from muse_care.domain.identity import unconfirmed_steps

    unconfirmed = unconfirmed_steps({c.step: c.result for c in view.checks})
    if view.waiting_for in ("identity", "authority"):
        unconfirmed.insert(0, f"the requested {view.waiting_for} has not arrived")
    if unconfirmed:
        raise ValidationError("identity", f"{a_or_an(kind)} letter discloses personal data, and the identity of "
                              f"the requester of {view.reference} is not confirmed ({', '.join(unconfirmed)}); "
                              "record the identity checks first")


CLOCK_FIELDS = ("received_date", "due_date", "new_due_date", "extended_to", "extension_notice_by", "reply_when")
"""A letter's dates from the case's clock: never typed (docs/letters.md, "The case's
dates"). The form shows them; what it sends back is taken only if it is the case's."""


def _refuse_typed_dates(view: CaseView, spec: Any, extra: Mapping[str, str]) -> None:
    """A clock date typed into a letter that is not the case's own (in either date style)
    is refused, at its field: a letter tells the requester only the dates the case has."""
    for name in CLOCK_FIELDS:
        typed = " ".join(extra.get(name, "").split())
        if not typed:
            continue
        ours = {derived_fields(view, spec.id, style).get(name, "") for style in ("uk", "us")}
        if typed in ours:
            continue
        label = next((f.label for f in spec.fields if f.name == name), name.replace("_", " "))
        shown = next(iter(sorted(x for x in ours if x)), "")
        has = f"the case gives {shown}" if shown else "the case gives none now"
        raise ValidationError(name, f"“{label}” comes from the case's clock and cannot be typed ({has}): "
                              "record the clock event that changes it, and the letter follows")


def _require_clock_dates(view: CaseView, spec: Any, values: Mapping[str, str]) -> None:
    """A date the letter needs from the case's clock and the case has none of now: said
    as the clock's state, at the field (not as a field to type)."""
    from muse_care.letters.model import field_spec

    for name in field_spec(spec.id).required:
        if name in CLOCK_FIELDS and not values.get(name, "").strip():
            label = next((f.label for f in spec.fields if f.name == name), name.replace("_", " "))
            why = (f"its clock is stopped until the {view.waiting_for} asked for arrives"
                   if view.waiting_for in ("identity", "authority", "fee")
                   else "its clock is paused until the clarification asked for arrives"
                   if view.waiting_for == "clarification" else "it has no due date now")
            raise ValidationError(name, f"{a_or_an(spec.title.lower())} letter gives “{label}” from the case, "
                                  f"and case {view.reference} has none: {why}")


def a_or_an(kind: str) -> str:
    from muse_care.domain.grammar import a_or_an as article

    return article(kind)


def _approval_check(register: Register, view: CaseView, kind: str) -> None:
    """Four eyes (team mode): the letter waits for a lead's approval."""
    from muse_care.services import team

    from muse_care.letters import kinds

    needed = _approval_needed(kind)
    if needed is None or not team.four_eyes_enabled(register):
        return
    spec = kinds.get(kind)
    if spec.discloses and spec.rights and not (spec.rights & {r.value for r in view.rights}):
        return
    if not team.is_approved(register, view.id, needed):
        moved = ""
        if needed == "disclosure":
            with register.read() as session:
                decided = session.execute(select(approvals.c.decided_by).where(
                    approvals.c.case_id == view.id, approvals.c.kind == needed, approvals.c.decision == "approved")
                    .order_by(approvals.c.id.desc()).limit(1)).scalar_one_or_none()
                if team.moved_since(session, view.id, decided):
                    moved = (" again: the requester's name or address changed after it was approved, and a "
                             "disclosure is approved for the person and address it goes to")
        raise PermissionDenied(f"{a_or_an(kind)} letter for {view.reference} needs a team lead's approval "
                               f"({needed}) before it can be produced{moved}; ask for it in the Approvals queue")


def produce_letter(register: Register, ref: str | int, kind: str, *, layout: str | None = None,
                   fields: Mapping[str, str] | None = None, enclosures: Sequence[str] = (),
                   letter_date: date | None = None) -> LetterInfo:
    """Render the letter from the case, the organisation profile and the agent's fields;
    keep its PDF, hash and address; write the history. Earlier letters of the same kind
    for the case that were not dispatched are superseded: they never print again."""
    from muse_care.letters.render import render_letter

    wanted = _prepare_letter(register, ref, kind, layout=layout, fields=fields, enclosures=enclosures,
                             letter_date=letter_date)
    return _store_letter(register, wanted, render_letter(wanted.request))


@dataclass(frozen=True)
class _Wanted:
    """A letter ready to render: its request, and what storing it needs."""

    request: Any  # LetterRequest
    spec: Any  # KindSpec
    view: CaseView
    layout: Any  # Layout
    extra: Mapping[str, str]
    enclosures: tuple[str, ...]
    recipient: Any  # PostalAddress
    today: date

    @property
    def stops(self) -> bool | None:
        """A clarification request: whether it tells the requester the time stops."""
        from muse_care.letters.law import NO_PAUSE

        if self.spec.pauses_clock != ClockEventKind.CLARIFICATION_REQUESTED.value:
            return None
        return bool(self.request.law.get("clarification_effect", NO_PAUSE) != NO_PAUSE)


def _prepare_letter(register: Register, ref: str | int, kind: str, *, layout: str | None = None,
                    fields: Mapping[str, str] | None = None, enclosures: Sequence[str] = (),
                    letter_date: date | None = None) -> _Wanted:
    """Everything produce_letter checks and reads before rendering, as one request."""
    from muse_care.letters import kinds
    from muse_care.letters.model import LAYOUTS, Layout, LetterRequest, date_style_for

    spec = kinds.find(kind)
    if spec is None:
        raise ValidationError("kind", f"unknown letter kind '{kind}'; use one of: " + ", ".join(kinds.kind_ids()))
    layout_s = layout or str(get_setting(register, "letter_layout"))
    if layout_s not in LAYOUTS:
        raise ValidationError("layout", f"unknown layout '{layout_s}'; use " + ", ".join(LAYOUTS))
    layout_v = Layout(layout_s)
    extra = {k: v.clean_text(k, val, max_len=v.MAX_REASON, multiline=True) for k, val in (fields or {}).items()}
    encl = tuple(v.clean_text("enclosure", e, max_len=v.MAX_LINE) for e in enclosures if e.strip())
    org = organisation(register)
    today = letter_date or register.today()
    view = _case_view(register, ref)
    asked = {r.value for r in view.rights}
    if not spec.serves(asked, view.regime):
        # as the window's form offers them: a reply answers what the case asks (an outside
        # tester made an access response on an erasure case, which no lead had to approve)
        fits = [k.id for k in kinds.all_kinds() if k.serves(asked, view.regime)]
        raise ValidationError("kind", f"{a_or_an(spec.title.lower())} letter does not answer case {view.reference}, "
                              f"which asks for {', '.join(sorted(asked))} under {view.regime}; its letters: "
                              + ", ".join(fits))
    _approval_check(register, view, spec.id)
    if spec.discloses:
        _require_verified(view, spec.id)
    if spec.id == "extension":
        if not view.extended:
            raise ValidationError("kind", f"case {view.reference} has not been extended: record the "
                                  "'extended' clock event with its reasons first")
        from muse_care.domain.regimes import REGIMES

        if view.due_date is None and view.waiting_for == "clarification":
            # docs/rules.md, "Extension": decided during the pause, it is told once the
            # pause ends and the dates it gives are known
            asked_on = max((e.on for e in view.events if e.kind == "clarification-requested"), default=None)
            since = f" asked {asked_on:%a %d %b %Y}" if asked_on else ""
            raise ValidationError("kind", f"the clock of {view.reference} is paused for the clarification"
                                  f"{since}: the original and the extended due dates are known only once "
                                  "it arrives. Record the clarification when it arrives, then make the "
                                  "notice, by the original due date it gives")
        regime = REGIMES.get(view.regime)
        # the notice is given on the law's day, as a clock event is (docs/rules.md, "The
        # day received"): the organisation's may be a day ahead of it, or behind
        told = asked_day(register, regime, view.holiday_region, view.requester.country, today) \
            if regime is not None else today
        if view.original_due is not None and told > view.original_due:
            period = regime.period_words if regime is not None else "period"
            raise ValidationError("kind", f"the requester had to be told of the extension by "
                                  f"{view.original_due.isoformat()} (within {period} of receipt); a notice "
                                  "now would be late: record why in a note and tell a team lead")
    if spec.promises_due and view.due_date is not None and today > view.due_date:
        # docs/letters.md, "A letter never promises a day that has passed"
        raise ValidationError("kind", f"case {view.reference} was due on {view.due_date.isoformat()}: "
                              f"{a_or_an(spec.title.lower())} dated {today.isoformat()} would promise a "
                              "reply by a day that has passed. Reply to the request now, record why it "
                              "is late in a note, and tell a team lead")
    recipient = _recipient(view)
    # English dates the recipient's way, whatever the paper (docs/letters.md, "Dates").
    style = date_style_for(recipient.country)
    from muse_care.services.tasks import letter_fields

    # what the case gives, then what its tasks found (systems searched, erased, kept), then
    # what the agent typed
    _refuse_typed_dates(view, spec, extra)
    values = {**case_fields(register, view, spec.id, style), **letter_fields(register, view.id),
              **{k: x for k, x in extra.items() if x and k not in CLOCK_FIELDS}}
    allowed = {f.name for f in spec.fields}
    values = {k: x for k, x in values.items() if k in allowed or k in extra}
    _require_clock_dates(view, spec, values)
    request = LetterRequest(kind=spec.id, layout=layout_v, reference=view.reference, letter_date=today,
                            recipient=recipient, organisation=org, fields=values, enclosures=encl,
                            law=letter_law_for(register, view, spec.id, style, today))
    request.validate()
    return _Wanted(request, spec, view, layout_v, extra, encl, recipient, today)


def _store_letter(register: Register, wanted: _Wanted, rendered: Any) -> LetterInfo:
    """Keep the rendered letter (one unit of work): refused if the case changed since
    its request was made."""
    import json

    spec, view, layout_v, extra, encl = wanted.spec, wanted.view, wanted.layout, wanted.extra, wanted.enclosures
    recipient, today = wanted.recipient, wanted.today
    if rendered.reference != view.reference or rendered.recipient_name != recipient.name.strip():
        # Never a letter for one case stored with another (rendered elsewhere, in order).
        raise RuntimeError(f"the letter rendered for {rendered.reference} is not the one asked for {view.reference}")
    now = register.now()
    with register.unit_of_work() as session:
        rec = _load(session, view.id, lock=True)
        if rec.version != view.version:
            raise ValidationError("case", f"case {rec.reference} changed while the letter was being "
                                  "made; make it again")
        letter = LetterRecord(case_id=rec.id, kind=spec.id, layout=layout_v.value, generated_at=now,
                              generated_by=register.actor.login, sha256=rendered.sha256,
                              page_count=rendered.page_count, pdf=rendered.pdf,
                              recipient_name=rendered.recipient_name, needs_approval=False,
                              recipient_address=_address_json(recipient),
                              request_json=json.dumps({"fields": {k: x for k, x in extra.items() if x},
                                                       "enclosures": list(encl),
                                                       **_promise_of(spec, view, wanted.stops)},
                                                      ensure_ascii=False))
        session.add(letter)
        session.flush()
        earlier = session.execute(select(LetterRecord).where(
            LetterRecord.case_id == rec.id, LetterRecord.kind == spec.id,
            LetterRecord.id != letter.id)).scalars().all()
        replaced = [e for e in earlier if e.dispatched_on is None and e.superseded_by is None]
        if spec.pauses_clock is not None and view.is_open:
            # Sending the request is what stops (or pauses) the clock: record it with the
            # letter, in the same unit of work; a letter made again asks on its own day
            # (services/letter_events.py)
            from muse_care.domain.regimes import get_regime
            from muse_care.services.letter_events import outstanding, redate_for_again

            asked = asked_day(register, get_regime(rec.regime), rec.holiday_region, rec.country, today)
            change = _Change(register, session, rec, HistoryWriter(session, register.actor.login, now))
            standing = [e for e in replaced if e.withdrawn_on is None]  # a withdrawn one asked nothing
            if standing and redate_for_again(change, standing, letter, spec.pauses_clock, asked):
                pass  # made again: the request its letters recorded is this one's
            elif not outstanding(view, spec.pauses_clock):
                event_action(ClockEventKind(spec.pauses_clock), asked, f"{spec.id} letter",
                             letter_id=letter.id)(change)
        for old in replaced:
            old.superseded_by = letter.id
        note = ""
        if earlier:
            note = f" (earlier {spec.id} letters kept: {', '.join(str(e.id) for e in earlier)}"
            if replaced:
                note += f"; superseded, never to print again: {', '.join(str(e.id) for e in replaced)}"
            note += ")"
        HistoryWriter(session, register.actor.login, now).add(
            rec.id, f"letter:{spec.id}", "",
            f"letter {letter.id}, {layout_v.value}, {count(rendered.page_count, 'page')}, "
            f"sha256 {rendered.sha256[:16]}…{note}")
        session.flush()
        return _info(letter, rec.reference)


def produce_again(register: Register, letter_id: int) -> LetterInfo:
    """The letter ``letter_id`` made afresh from the case as it is now (its current
    address), with the same kind, layout and what the agent typed; the old letter is
    superseded and never prints again."""
    from muse_care.letters.render import render_letter

    wanted = _again(register, letter_id)
    return _store_letter(register, wanted, render_letter(wanted.request))


def _again(register: Register, letter_id: int) -> _Wanted:
    import json

    with register.read() as session:
        old = session.get(LetterRecord, letter_id)
        if old is None:
            raise NotFound(f"no letter {letter_id}")
        if old.dispatched_on is not None:
            raise ValidationError("letter", f"letter {letter_id} was dispatched on {old.dispatched_on.isoformat()}; "
                                  "make a new letter instead")
        if old.withdrawn_on is not None:  # set aside for good: made again, it would go out after all
            raise ValidationError("letter", f"letter {letter_id} was withdrawn on {old.withdrawn_on.isoformat()} "
                                  f"({old.withdrawn_reason}); it is not produced again: make a new letter if one "
                                  "must go out")
        kind, layout, case_id = old.kind, old.layout, old.case_id
        try:
            typed = json.loads(old.request_json) if old.request_json else {}
        except ValueError:
            typed = {}
    # the case's dates as they are now, never as the old letter had them (an outside
    # tester: a form's dates, stored with the letter, came back in the new one)
    fields = {k: x for k, x in dict(typed.get("fields", {})).items() if k not in CLOCK_FIELDS}
    return _prepare_letter(register, case_id, kind, layout=layout, fields=fields,
                           enclosures=list(typed.get("enclosures", [])))


@dataclass(frozen=True)
class Produced:
    """What :func:`produce_again_many` made: the new letters (each with the id of the
    letter it replaces), and each letter it could not make with the case and why."""

    letters: tuple[tuple[int, LetterInfo], ...]  # (old letter id, new letter)
    failed: tuple[tuple[int, str, str], ...]  # (old letter id, case reference, why)


def produce_again_many(register: Register, letter_ids: Sequence[int], workers: int | None = None) -> Produced:
    """Every letter of ``letter_ids`` made afresh, as :func:`produce_again` makes one,
    rendered together by worker processes (``letters.render_each``: started once per
    program, ``workers`` of them, None: one per core, at most four). Each letter is
    stored in its own unit of work; one that cannot be made (its case changed, a
    character no font prints, an approval missing) is named with its case and does not
    stop the others."""
    from muse_care.letters.batch import render_each
    from muse_care.letters.errors import LetterError

    wanted: list[tuple[int, _Wanted]] = []
    failed: list[tuple[int, str, str]] = []

    def reference_of(letter_id: int) -> str:
        with register.read() as session:
            row = session.execute(select(CaseRecord.reference).join(LetterRecord, LetterRecord.case_id == CaseRecord.id)
                                  .where(LetterRecord.id == letter_id)).scalar()
        return str(row or "?")

    for letter_id in dict.fromkeys(letter_ids):
        try:
            wanted.append((letter_id, _again(register, letter_id)))
        except (ValidationError, PermissionDenied, NotFound) as e:
            failed.append((letter_id, reference_of(letter_id), str(e)))
    done = render_each([w.request for _, w in wanted], workers)
    made: list[tuple[int, LetterInfo]] = []
    for (letter_id, one), rendered in zip(wanted, done):
        if isinstance(rendered, LetterError):
            failed.append((letter_id, one.view.reference, str(rendered)))
            continue
        try:
            made.append((letter_id, _store_letter(register, one, rendered)))
        except (ValidationError, PermissionDenied, NotFound) as e:
            failed.append((letter_id, one.view.reference, str(e)))
    return Produced(tuple(made), tuple(sorted(failed)))


def stopped_letters(register: Register, ids: Sequence[int]) -> list[tuple[int, str, str]]:
    """Of the letters ``ids``, those a print run would stop because their case's address
    changed since (:class:`StaleLetter`): (letter id, case reference, what changed)."""
    out = []
    with register.read() as session:
        for letter_id in ids:
            letter = session.get(LetterRecord, letter_id)
            if letter is None or letter.superseded_by is not None or letter.dispatched_on is not None \
                    or letter.withdrawn_on is not None:
                continue
            case = session.get(CaseRecord, letter.case_id)
            if case is None:
                continue
            changes = address_changes(letter, case)
            try:
                changes += promise_changes(letter, case, register.today(),
                                           law_day_of(register, case, register.today()))
            except PastPromiseLetter:
                pass  # never produced again: the print says why
            if changes:
                out.append((letter_id, case.reference, "; ".join(changes)))
    return out


def _case_view(register: Register, ref: str | int) -> CaseView:
    with register.read() as session:
        return to_view(session, _load(session, ref), register.today())


def not_printed_in(session: Any, run: RunInfo) -> list[int]:
    """The letters a run's list names that were never printed in it (``print_log.runs_of``)."""
    runs = _runs_of(session, run.letter_ids)
    return [i for i in run.letter_ids if run.id not in runs.get(i, ())]


def off_the_list(session: Any, run: RunInfo) -> list[int]:
    """The letters printed in a run (the print log says so) that its list no longer names
    (``print_log.printed_in``)."""
    on_list = set(run.letter_ids)
    return [i for i in _printed_in(session, run.id, run.run_date) if i not in on_list]


def list_letters(register: Register, ref: str | int) -> list[LetterInfo]:
    with register.read() as session:
        rec = _load(session, ref)
        rows = list(session.execute(select(LetterRecord).where(LetterRecord.case_id == rec.id)
                                    .order_by(LetterRecord.id)).scalars())
        runs = _runs_of(session, [r.id for r in rows])
        return [_info(r, rec.reference, runs.get(r.id, ())) for r in rows]


def _hash_checked(letter: LetterRecord, case: CaseRecord) -> bytes:
    import hashlib

    if hashlib.sha256(letter.pdf).hexdigest() != letter.sha256:
        raise ValidationError("letter", f"letter {letter.id} for {case.reference} does not match its "
                              "recorded hash; it was changed after it was produced: do not send it")
    return letter.pdf


_FIRST_IMAGES = ("row:letters:insert", "row:letters:baseline", "row:letters:load")


def made_pdf_digest(session: Any, letter_id: int) -> str | None:
    """The SHA-256 of the PDF the letter was made with, as the database itself recorded
    it in the letter's first row entry (its row trigger, which no login can write for it:
    docs/security.md); None where there is none (or it was anonymised)."""
    import json

    h = HistoryRecord
    row = session.execute(select(h.data, h.redacted).where(h.tbl == "letters", h.row_id == letter_id,
                                                           h.what.in_(_FIRST_IMAGES))
                          .order_by(h.id).limit(1)).first()
    if row is None or row.redacted or not row.data:
        return None
    try:
        image = json.loads(row.data)
    except ValueError:
        return None
    digest = image.get("pdf") if isinstance(image, dict) else None
    return str(digest).lower() if digest else None


def _as_made(session: Any, letter: LetterRecord, case: CaseRecord) -> bytes:
    """The stored PDF if it is the one MUSE Care made: its own hash holds, and it is the
    PDF the database recorded when the letter was made (an outside tester replaced a
    letter's PDF and hash from an agent's login, with a history entry forged to match,
    and the print run printed another customer's letter under the first one's cover)."""
    import hashlib

    pdf = _hash_checked(letter, case)
    made = made_pdf_digest(session, letter.id)
    if made is not None and hashlib.sha256(pdf).hexdigest() != made:
        raise ValidationError("letter", f"letter {letter.id} for {case.reference} is not the letter MUSE Care "
                              "made: its PDF was replaced after it was made. Do not send it; tell a team lead "
                              "(muse-care audit verify names the change)")
    return pdf


def _checked_pdf(session: Any, letter: LetterRecord, case: CaseRecord, today: date,
                 law_today: date | None = None) -> bytes:
    """The stored PDF if it may be printed on ``today``: its hash holds, it was not
    produced again, the name and every address part still match the case, and a
    promised reply date is still the case's and not past (docs/letters.md, "Before a
    letter prints")."""
    pdf = _as_made(session, letter, case)
    if letter.withdrawn_on is not None:
        raise WithdrawnLetter(letter.id, case.reference, letter.withdrawn_on, letter.withdrawn_reason)
    if letter.superseded_by is not None:
        raise SupersededLetter(letter.id, case.reference, letter.superseded_by)
    if case.status == Status.WITHDRAWN.value:
        raise RequestWithdrawnLetter(letter.id, case.reference)
    changes = address_changes(letter, case) + promise_changes(letter, case, today, law_today)
    if changes:
        raise StaleLetter(letter.id, case.reference, changes)
    return pdf


def _made_by_muse_care(session: Any, letter: LetterRecord) -> bool:
    """The letter row was written by MUSE Care's own letter step: the database's row
    entry of its insert shares its transaction with the word entry ``letter:<kind>``
    naming it, by the person the row says made it (docs/security.md, "Four eyes")."""
    h = HistoryRecord
    txn = session.execute(select(h.txn).where(h.tbl == "letters", h.row_id == letter.id,
                                              h.what == "row:letters:insert")
                          .order_by(h.id).limit(1)).scalar_one_or_none()
    if not txn:
        return False
    words = session.execute(select(h.new_value, h.redacted).where(
        h.txn == txn, h.tbl.is_(None), h.case_id == letter.case_id, h.what == f"letter:{letter.kind}",
        h.actor == letter.generated_by)).all()
    return any(redacted or value.startswith(f"letter {letter.id},") for value, redacted in words)


def _approved_by_lead(register: Register, session: Any, case_id: int, kind: str) -> bool:
    """The newest request of ``kind`` for the case was approved, by someone the database
    says is a team lead or admin (never the letter row's own word)."""
    from muse_care.services.team import moved_since

    row = session.execute(select(approvals.c.decision, approvals.c.decided_by, approvals.c.requested_by)
                          .where(approvals.c.case_id == case_id, approvals.c.kind == kind)
                          .order_by(approvals.c.id.desc()).limit(1)).first()
    if row is None or row[0] != "approved" or not row[1] or row[1] == row[2]:
        return False
    if kind == "disclosure" and moved_since(session, case_id, row[1]):
        return False  # approved for the person and address the case had then
    if register.dialect != "postgresql":
        return True  # the single user of a SQLite register is every role
    return bool(session.execute(text(
        "SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = :who AND (r.rolsuper "
        "OR pg_has_role(r.oid, 'muse_lead', 'MEMBER')))"), {"who": row[1]}).scalar())


def _approval_for_print(register: Register, session: Any, letter: LetterRecord, case: CaseRecord) -> None:
    """Four eyes at the mailroom: a letter of a kind that needs a lead's approval prints
    only when the case has that approval, decided by a lead, and the letter was made by
    MUSE Care; what the letter row says (``needs_approval``, ``approved_by``) is not
    trusted, since anyone who may write the row may write those too."""
    from muse_care.letters import kinds
    from muse_care.services.four_eyes import four_eyes_enabled

    spec = kinds.find(letter.kind)
    if spec is None:
        raise PermissionDenied(f"letter {letter.id} for {case.reference} is of an unknown kind "
                               f"'{letter.kind}'; it was not made by MUSE Care: do not send it")
    needed = spec.approval
    if needed is None or not four_eyes_enabled(register):
        return
    rights = {r.strip() for r in (case.rights or "").split(",") if r.strip()}
    if spec.discloses and spec.rights and not (spec.rights & rights):
        # it answers a right the case does not ask for (made before that was refused, or the
        # case's rights changed since): never a way round the approval
        raise PermissionDenied(f"letter {letter.id} for {case.reference} is a {letter.kind} letter, and the case "
                               f"does not ask for {' or '.join(sorted(spec.rights))}: it is not printed; "
                               f"withdraw it (muse-care letters withdraw {letter.id})")
    if not _approved_by_lead(register, session, case.id, needed):
        raise PermissionDenied(f"letter {letter.id} for {case.reference} is a {letter.kind} letter and "
                               f"needs a team lead's approval ({needed}), which the case does not have"
                               + (" for the name and address it has now" if needed == "disclosure" else "")
                               + "; it is not printed (ask for it in the Approvals queue, then make the "
                               "letter again)")
    if not _made_by_muse_care(session, letter):
        raise PermissionDenied(f"letter {letter.id} for {case.reference} ({letter.kind}) was not made by "
                               "MUSE Care (no letter entry in the history for it); it is not printed: "
                               "make the letter again from the case")


def _letter_and_case(session: Any, letter_id: int) -> tuple[LetterRecord, CaseRecord]:
    """The stored letter ``letter_id`` and its case; NotFound when there is no such letter."""
    letter = session.get(LetterRecord, letter_id)
    if letter is None:
        raise NotFound(f"no letter {letter_id}")
    case = session.get(CaseRecord, letter.case_id)
    assert case is not None
    return letter, case


def letter_pdf(register: Register, letter_id: int, *, for_print: bool = True) -> bytes:
    """The stored PDF, after checking its hash and (``for_print``) that it may be
    printed: not superseded, addressed as the case is now."""
    with register.read() as session:
        letter, case = _letter_and_case(session, letter_id)
        if for_print:
            _approval_for_print(register, session, letter, case)
        if not for_print:
            return _as_made(session, letter, case)
        return _checked_pdf(session, letter, case, register.today(), law_day_of(register, case, register.today()))


def check_printable(register: Register, letter_id: int) -> None:
    """Raise :class:`StaleLetter` / :class:`SupersededLetter` / :class:`PastPromiseLetter`
    (or another ``ValidationError``) if the letter must not print."""
    letter_pdf(register, letter_id)


def _may_print(register: Register, letter: LetterRecord, case: CaseRecord) -> None:
    """Each print writes the print log, which an agent's login writes on a team server
    only for a case that is theirs or free (docs/team/README.md, "The mailroom"): said,
    rather than an internal error from the server's row-level security."""
    if register.dialect == "postgresql" and register.actor.role == "agent" \
            and case.assignee not in ("", register.actor.login):
        raise PermissionDenied(f"letter {letter.id} is for {case.reference}, a case of {case.assignee}: an agent "
                               "prints only the letters of their own cases. The day's print run is the "
                               "mailroom's, on a team lead's login")


def _print_once(register: Register, letter_id: int, reason: str, label: str,
                what: str) -> tuple[bytes, LetterInfo]:
    """Count one print of a stored letter (after checking it), with its history entry."""
    now = register.now()
    with register.unit_of_work() as session:
        letter, case = _letter_and_case(session, letter_id)
        _may_print(register, letter, case)
        _approval_for_print(register, session, letter, case)
        pdf = _checked_pdf(session, letter, case, register.today(),
                           law_day_of(register, case, register.today()))
        letter.print_count += 1
        session.add(LetterPrintRecord(letter_id=letter.id, printed_at=now, printed_by=register.actor.login,
                                      reason=reason, run_label=label))
        HistoryWriter(session, register.actor.login, now).add(case.id, f"{what}:{letter.kind}", "",
                                                              f"letter {letter.id}: {reason}")
        session.flush()
        return pdf, _info(letter, case.reference)


def reprint(register: Register, letter_id: int, reason: str) -> bytes:
    """The same PDF again, recorded with the reason (lost in the post, spoiled…)."""
    reason = v.clean_text("reason", reason, max_len=v.MAX_REASON, required=True)
    return _print_once(register, letter_id, reason, "reprint", "letter reprint")[0]


def record_print(register: Register, letter_id: int, how: str = "printed from the case") -> LetterInfo:
    """A letter printed on its own (not in the mailroom's run): counted, so the print
    run and the mailroom can see it has been printed already."""
    how = v.clean_text("how", how, max_len=v.MAX_REASON, required=True)
    return _print_once(register, letter_id, how, "single", "letter printed")[1]


def _day_bounds(register: Register, day: date) -> tuple[datetime, datetime]:
    from datetime import time, timedelta

    tz = register.timezone()
    start = datetime.combine(day, time(0, 0), tz)
    return start, start + timedelta(days=1)


def letters_for_run(register: Register, on: date | None = None,
                    ids: Sequence[int] | None = None, *, reprints: bool = False,
                    paper: str | None = None) -> list[LetterInfo]:
    """The letters a print run would take: the chosen ones, or the day's letters that
    are not dispatched, not superseded and (unless ``reprints``) never printed."""
    with register.read() as session:
        stmt = select(LetterRecord, CaseRecord.reference).join(CaseRecord, CaseRecord.id == LetterRecord.case_id)
        if ids:
            stmt = stmt.where(LetterRecord.id.in_(list(ids)))
        else:
            start, end = _day_bounds(register, on or register.today())
            stmt = stmt.where(LetterRecord.generated_at >= start, LetterRecord.generated_at < end,
                              LetterRecord.dispatched_on.is_(None), LetterRecord.superseded_by.is_(None),
                              LetterRecord.withdrawn_on.is_(None))
            if not reprints:
                stmt = stmt.where(LetterRecord.print_count == 0)
        rows = session.execute(stmt.order_by(CaseRecord.reference, LetterRecord.id)).all()
        runs = _runs_of(session, [letter.id for letter, _ in rows])
        found = [_info(letter, ref, runs.get(letter.id, ())) for letter, ref in rows]
    if ids:
        missing = sorted(set(ids) - {x.id for x in found})
        if missing:
            raise NotFound(f"no letter {', '.join(map(str, missing))}")
    if paper:
        found = [x for x in found if x.paper == paper]
    return found


def left_over(register: Register, on: date | None = None) -> list[LetterInfo]:
    """Letters made before the day that were never printed and still wait (not dispatched,
    superseded or withdrawn; their case not anonymised): a day's run does not take them,
    so the mailroom is told of them, oldest first, with the day to choose (an outside
    tester's letter of 3 Dec was in no run of 4 or 7 Dec, and nothing said so)."""
    start, _end = _day_bounds(register, on or register.today())
    with register.read() as session:
        rows = session.execute(
            select(LetterRecord, CaseRecord.reference).join(CaseRecord, CaseRecord.id == LetterRecord.case_id)
            .where(LetterRecord.generated_at < start, LetterRecord.print_count == 0,
                   LetterRecord.dispatched_on.is_(None), LetterRecord.superseded_by.is_(None),
                   LetterRecord.withdrawn_on.is_(None), CaseRecord.anonymised_at.is_(None))
            .order_by(LetterRecord.generated_at, LetterRecord.id)).all()
        return [_info(letter, ref) for letter, ref in rows]


def left_over_note(register: Register, waiting: Sequence[LetterInfo]) -> str:
    """What the print run says of ``left_over``'s letters ('' when there are none)."""
    if not waiting:
        return ""
    tz = register.timezone()

    def day_of(x: LetterInfo) -> date:
        at = x.generated_at if x.generated_at.tzinfo else x.generated_at.replace(tzinfo=UTC)  # SQLite: UTC
        return at.astimezone(tz).date()

    days = sorted({day_of(x) for x in waiting})
    listed = ", ".join(f"{x.id} ({x.reference}, {day_of(x).isoformat()})"
                       for x in waiting[:5]) + (", …" if len(waiting) > 5 else "")
    return (f"{count(len(waiting), 'letter')} made on an earlier day never printed: {listed}. A day's run takes "
            f"that day's letters: build the run for {days[0].isoformat()}"
            + (f" (and the later days to {days[-1].isoformat()})" if len(days) > 1 else "")
            + ", or withdraw those that must not go out")


def papers_waiting(register: Register, on: date | None = None, *, reprints: bool = False) -> dict[str, int]:
    """How many letters wait on each paper size ({"A4": 3, "US Letter": 1})."""
    out: dict[str, int] = {}
    for info in letters_for_run(register, on, reprints=reprints):
        out[info.paper] = out.get(info.paper, 0) + 1
    return out


def build_print_run(register: Register, on: date | None = None,
                    ids: Sequence[int] | None = None, *, reprint_reason: str = "",
                    paper: str | None = None) -> PrintRun:
    """One PDF for the mailroom on one paper size: a cover sheet, then each letter
    padded to start on a front side; recorded as a print run (its letters, pages, who,
    when, the PDF's SHA-256). Every letter is checked first (hash, superseded, address).

    Without ``ids`` it takes the day's letters not printed yet (with ``reprint_reason``
    also those printed but not dispatched). Letters already printed are reprinted only
    with a reason. A4 and US Letter never share a run: without ``paper`` a day with both
    raises and names them (docs/letters.md, "Print runs").
    """
    import hashlib

    from muse_care.letters.batch import render_print_run
    from muse_care.letters.model import Layout, RenderedLetter

    reason = v.clean_text("reprint reason", reprint_reason, max_len=v.MAX_REASON)
    run_date = on or register.today()
    chosen = letters_for_run(register, on, ids, reprints=bool(reason))
    papers = sorted({x.paper for x in chosen})
    if paper:
        if paper not in ("A4", "US Letter"):
            raise ValidationError("paper", f"'{paper}' is not a paper size; use A4 or US Letter")
        chosen = [x for x in chosen if x.paper == paper]
    elif len(papers) > 1:
        counts = ", ".join(f"{sum(1 for x in chosen if x.paper == p)} on {p}" for p in papers)
        raise ValidationError("paper", f"the letters are on different paper ({counts}); a print job is "
                              "one paper size: build one run for each (A4, then US Letter)")
    if not chosen:
        earlier = left_over_note(register, left_over(register, run_date)) if not ids else ""
        raise ValidationError("print run", f"no letters waiting to be printed for {run_date.isoformat()}"
                              + (f" on {paper}" if paper else "") + (f"; {earlier}" if earlier else ""))
    for x in chosen:
        if x.dispatched_on is not None:
            raise ValidationError("letters", f"letter {x.id} for {x.reference} was dispatched on "
                                  f"{x.dispatched_on.isoformat()}; it is not printed again in a run")
        if x.print_count and not reason:
            raise ValidationError("reprint reason", f"letter {x.id} for {x.reference} was printed already "
                                  f"({x.print_count} time(s)); a reprint needs a reason")
    now = register.now()
    rendered: list[RenderedLetter] = []
    with register.unit_of_work() as session:
        records = []
        for info in chosen:
            letter = session.get(LetterRecord, info.id)
            case = session.get(CaseRecord, info.case_id)
            assert letter is not None and case is not None
            _may_print(register, letter, case)
            _approval_for_print(register, session, letter, case)
            pdf = _checked_pdf(session, letter, case, register.today(),
                           law_day_of(register, case, register.today()))
            records.append(letter)
            rendered.append(RenderedLetter(letter.kind, case.reference, letter.recipient_name,
                                           Layout(letter.layout), pdf, letter.page_count, letter.sha256,
                                           info.country))
        from muse_care.services.history import current_seal

        seal = current_seal(session)  # before this run's own entries: the cover shows what preceded it
        run = PrintRunRecord(run_date=run_date, paper=chosen[0].paper, built_at=now,
                             built_by=register.actor.login, pages=0, pdf_sha256="", reprint_reason=reason)
        if register.dialect == "sqlite":
            run.id = _next_run_id(session)  # never a deleted run's id (print_log.next_run_id)
        session.add(run)
        session.flush()
        pdf = render_print_run(rendered, run_date, organisation(register), label=f"#{run.id}",
                               seal=str(seal) if seal else "")
        sha = hashlib.sha256(pdf).hexdigest()
        from io import BytesIO

        import pikepdf

        with pikepdf.open(BytesIO(pdf)) as joined:  # qpdf: the run's page count without parsing it in Python
            pages = len(joined.pages)
        run.pages, run.pdf_sha256 = pages, sha
        label = run_label(run.id, run_date)
        history = HistoryWriter(session, register.actor.login, now)
        for position, letter in enumerate(records, start=1):
            again = letter.print_count > 0
            letter.print_count += 1
            session.add(PrintRunLetterRecord(run_id=run.id, letter_id=letter.id, position=position,
                                             pages=letter.page_count + letter.page_count % 2, reprint=again))
            session.add(LetterPrintRecord(letter_id=letter.id, printed_at=now,
                                          printed_by=register.actor.login, reason=reason if again else "",
                                          run_label=label))
            history.add(letter.case_id, f"letter in print run:{letter.kind}", "",
                        f"letter {letter.id} in print run {run.id}" + (f" (reprint: {reason})" if again else ""))
        run_id, paper_s = run.id, run.paper
    return PrintRun(pdf, tuple(letters_for_run(register, ids=[x.id for x in chosen])), pages, run_date,
                    id=run_id, paper=paper_s, sha256=sha, built_by=register.actor.login, built_at=now)


def _run_info(session: Any, run: PrintRunRecord) -> RunInfo:
    rows = session.execute(select(PrintRunLetterRecord.letter_id, LetterRecord.dispatched_on,
                                  LetterRecord.withdrawn_on, LetterRecord.superseded_by)
                           .join(LetterRecord, LetterRecord.id == PrintRunLetterRecord.letter_id)
                           .where(PrintRunLetterRecord.run_id == run.id)
                           .order_by(PrintRunLetterRecord.position)).all()
    return RunInfo(run.id, run.run_date, run.paper, run.built_at, run.built_by, run.pages, run.pdf_sha256,
                   run.reprint_reason, tuple(r[0] for r in rows), sum(1 for r in rows if r[1] is not None),
                   sum(1 for r in rows if r[1] is None and r[2] is not None),
                   sum(1 for r in rows if r[1] is None and r[2] is None and r[3] is not None))


def print_runs(register: Register, on: date | None = None) -> list[RunInfo]:
    """The recorded print runs (of one day, or all), oldest first."""
    with register.read() as session:
        stmt = select(PrintRunRecord)
        if on is not None:
            stmt = stmt.where(PrintRunRecord.run_date == on)
        return [_run_info(session, r) for r in session.execute(stmt.order_by(PrintRunRecord.id)).scalars()]


def get_run(register: Register, run_id: int) -> RunInfo:
    with register.read() as session:
        run = session.get(PrintRunRecord, run_id)
        if run is None:
            raise NotFound(f"no print run {run_id}")
        return _run_info(session, run)


def run_for_day(register: Register, day: date) -> RunInfo:
    """The one print run of ``day`` with letters still to dispatch; raise if there is
    none or more than one (then the run must be named)."""
    open_runs = [r for r in print_runs(register, day)
                 if r.dispatched + r.withdrawn + r.replaced < len(r.letter_ids)]
    if not open_runs:
        raise ValidationError("date", f"no print run of {day.isoformat()} has letters waiting to be "
                              "dispatched; build and print the run first")
    if len(open_runs) > 1:
        listed = ", ".join(f"run {r.id} ({r.paper}, {count(len(r.letter_ids), 'letter')}, by {r.built_by})"
                           for r in open_runs)
        raise ValidationError("date", f"{day.isoformat()} has {len(open_runs)} print runs waiting: {listed}; "
                              "say which with --run")
    return open_runs[0]


def dispatch_run(register: Register, run_id: int, method: str = "post",
                 on: date | None = None) -> tuple[list[LetterInfo], list[tuple[int, str]]]:
    """Mark exactly the letters of print run ``run_id`` as dispatched (one unit of
    work). A letter of the run produced again since, or already dispatched, is held
    back and named, and so is one that must not be posted (``_not_to_post``), one on the
    run's list never printed in it, and one printed in it but taken off its list:
    (dispatched, [(letter id, why)])."""
    run = get_run(register, run_id)
    held: list[tuple[int, str]] = []
    wanted: list[int] = []
    with register.read() as session:
        strays = set(not_printed_in(session, run))
        for letter_id in off_the_list(session, run):
            taken = session.get(LetterRecord, letter_id)
            sent_on = taken.dispatched_on if taken is not None else None
            held.append((letter_id, f"letter {letter_id} was printed in print run {run_id} (the print log "
                         f"says so) but is no longer on the run's list: the list was changed outside MUSE "
                         "Care. " + (f"It was already marked sent on {sent_on.isoformat()}; tell the team "
                                     "lead (muse-care audit verify)" if sent_on is not None else
                                     "It is not marked sent with the run; tell the team lead, and find the "
                                     "letter in the pile before anything is posted (muse-care audit verify)")))
        for letter_id in run.letter_ids:
            letter = session.get(LetterRecord, letter_id)
            assert letter is not None
            if letter_id in strays:
                held.append((letter_id, f"letter {letter_id} is on print run {run_id}'s list but was never "
                             f"printed in it (the print log has no such print): the run's list was changed "
                             "outside MUSE Care. It is not marked sent; tell the team lead, and find the letter "
                             "before anything is posted (muse-care audit verify)"))
                continue
            if letter.dispatched_on is not None:
                continue
            if letter.superseded_by is not None:
                held.append((letter_id, f"produced again as letter {letter.superseded_by}: take letter "
                             f"{letter_id} out of its envelope and print the new one"))
                continue
            case = session.get(CaseRecord, letter.case_id)
            assert case is not None
            why = _not_to_post(letter, case, on or register.today(),
                               law_day_of(register, case, on or register.today()))
            if why:
                held.append((letter_id, why))
                continue
            wanted.append(letter_id)
    if not wanted:
        if held:
            return [], held
        raise ValidationError("run", f"every letter of print run {run_id} is already dispatched")
    return mark_dispatched(register, wanted, method, on), held


def _not_to_post(letter: LetterRecord, case: CaseRecord, day: date, law_day: date | None = None) -> str:
    """Why a printed letter must not be posted on ``day`` (empty if it may): its case's
    address changed since it was made, or it promises a reply date the case no longer
    has or that has passed (docs/letters.md, "Before a letter prints", item 4), or it
    was withdrawn."""
    if letter.withdrawn_on is not None:
        return withdrawn_why(letter.withdrawn_on, letter.withdrawn_reason)
    if case.status == Status.WITHDRAWN.value:
        return request_withdrawn_why(case.reference)
    try:
        changes = address_changes(letter, case) + promise_changes(letter, case, day, law_day)
    except PastPromiseLetter as exc:
        return exc.why
    if changes and any(NO_AGAIN in c for c in changes):
        return "; ".join(changes)
    if changes:
        return (f"{'; '.join(changes)}: take it out of its envelope, produce it again "
                f"(muse-care letters again {letter.id}) and print the new one")
    return ""


DISPATCH_METHODS = {"post": "printed and posted", "email": "sent to the case's email address",
                    "my-account": "put in the customer's account on the website"}
"""How a letter reaches the requester (docs/letters.md, "Print runs"): a letter marked sent
another way could not be shown to have reached them."""


def mark_dispatched(register: Register, ids: Sequence[int], method: str = "post",
                    on: date | None = None) -> list[LetterInfo]:
    """After printing: mark the letters as sent, in one action (one unit of work). Only
    letters that have been printed (in a run or on their own) and not superseded.
    ``method``: one of ``DISPATCH_METHODS``; email only to a case with an email address,
    the customer's account only for a case with an account reference."""
    method = v.clean_text("method", method, max_len=32, required=True).lower()
    if method not in DISPATCH_METHODS:
        raise ValidationError("method", f"unknown way of sending '{method}'; use one of: "
                              + ", ".join(f"{m} ({what})" for m, what in DISPATCH_METHODS.items()))
    day = on or register.today()
    if day > register.today():
        raise ValidationError("date", f"{day.isoformat()} is in the future")
    if not ids:
        raise ValidationError("letters", "choose the letters to mark as dispatched")
    from muse_care.letters import kinds

    now = register.now()
    with register.unit_of_work() as session:
        history = HistoryWriter(session, register.actor.login, now)
        for letter_id in ids:
            letter = session.get(LetterRecord, letter_id)
            if letter is None:
                raise NotFound(f"no letter {letter_id}")
            if letter.dispatched_on is not None:
                raise ValidationError("letters", f"letter {letter_id} was already dispatched on "
                                      f"{letter.dispatched_on.isoformat()}")
            if letter.superseded_by is not None:
                raise ValidationError("letters", f"letter {letter_id} was produced again as letter "
                                      f"{letter.superseded_by}; the old one is not sent")
            case = session.get(CaseRecord, letter.case_id)
            assert case is not None
            why = _not_to_post(letter, case, day, law_day_of(register, case, day))
            if why:
                raise ValidationError("letters", f"letter {letter_id} for {case.reference} is not to be "
                                      f"posted: {why}")
            if letter.print_count == 0 and method == "post":
                raise ValidationError("letters", f"letter {letter_id} has never been printed; print it "
                                      "(in a print run or from the case) before marking it posted")
            if method == "email" and not case.requester_email.strip():
                raise ValidationError("method", f"letter {letter_id} for {case.reference} cannot have been "
                                      "emailed: the case has no email address. Post it, or add the address "
                                      "to the case first")
            if method == "my-account" and not case.account_ref.strip():
                raise ValidationError("method", f"letter {letter_id} for {case.reference} cannot have been "
                                      "put in the customer's account: the case has no account reference")
            letter.dispatched_on, letter.dispatch_method = day, method
            letter.dispatched_by = register.actor.login
            history.add(letter.case_id, f"letter dispatched:{letter.kind}", "",
                        f"letter {letter.id} by {method} on {day.isoformat()}")
            spec = kinds.find(letter.kind)
            if spec is not None and spec.id == "extension" and case.is_open and case.extended \
                    and case.extension_told_on is None:
                # told in time (_not_to_post refused it otherwise): the extension holds from
                # now (docs/rules.md, "Told in time, or not at all")
                from muse_care.services.case_records import _apply_clock

                change = _Change(register, session, case, history)
                change.set("extension_told_on", law_day_of(register, case, day), "extension told")
                _apply_clock(change)
                case.updated_at, case.updated_by = now, register.actor.login
            if spec is not None and spec.pauses_clock is not None:
                change = _Change(register, session, case, history)
                if spec.pauses_clock == ClockEventKind.CLARIFICATION_REQUESTED.value:
                    # a question asks on the day it goes out (services/letter_events.py); an
                    # identity request keeps its day (the month starts when the identity arrives)
                    from muse_care.services.letter_events import redate_for_dispatch

                    redate_for_dispatch(change, letter, spec.pauses_clock, law_day_of(register, case, day))
                if case.is_open and any(e.letter_id == letter.id and e.voided_on is None for e in case.events):
                    # its request counts now that it has gone out (domain/clock.until_sent)
                    from muse_care.services.case_records import _apply_clock

                    session.flush()
                    _apply_clock(change)
                if change.changed:
                    case.updated_at, case.updated_by = now, register.actor.login
    return letters_for_run(register, ids=list(ids))


_ANSWERED_ON_A_REPLY = ("responded", "refused", "closed")
"""The statuses a case reaches once answered: a reply letter of such a case stays."""


def withdraw_letter(register: Register, letter_id: int, reason: str) -> LetterInfo:
    """Set a letter aside for good, with the reason (one unit of work): it never prints,
    is never sent and leaves the day's print list; a reply withdrawn no longer answers
    the request (docs/letters.md, "Withdrawing a letter"). Its PDF is kept. Only a
    letter that has not gone out and was not produced again can be withdrawn."""
    reason = v.clean_text("reason", reason, max_len=v.MAX_REASON, required=True)
    now, today = register.now(), register.today()
    with register.unit_of_work() as session:
        letter, case = _letter_and_case(session, letter_id)
        if letter.dispatched_on is not None:
            raise ValidationError("letter", f"letter {letter_id} for {case.reference} was dispatched on "
                                  f"{letter.dispatched_on.isoformat()}; a letter that has gone out cannot be "
                                  "withdrawn: write to the requester again if it was wrong")
        if letter.withdrawn_on is not None:
            raise ValidationError("letter", f"letter {letter_id} for {case.reference} was withdrawn already, "
                                  f"on {letter.withdrawn_on.isoformat()} ({letter.withdrawn_reason})")
        if letter.superseded_by is not None:
            raise ValidationError("letter", f"letter {letter_id} for {case.reference} was produced again as "
                                  f"letter {letter.superseded_by} and never prints again; withdraw letter "
                                  f"{letter.superseded_by} instead if that one must not go out")
        from muse_care.services.respond_gate import reply_kinds

        if letter.kind in reply_kinds() and case.status in _ANSWERED_ON_A_REPLY:
            # the status rests on the reply (services/respond_gate.py): it would stand on nothing
            back = ("move the case back to In progress first (muse-care case status REF in-progress), then "
                    "withdraw it" if case.status == "responded" else "its letters stay as they are")
            raise ValidationError("letter", f"case {case.reference} is {case.status}, answered on its reply; a "
                                  f"reply the case was answered on is not withdrawn while that stands: {back}")
        letter.withdrawn_on, letter.withdrawn_reason = today, reason
        letter.withdrawn_by = register.actor.login
        history = HistoryWriter(session, register.actor.login, now)
        history.add(case.id, f"letter withdrawn:{letter.kind}", "", f"letter {letter.id}: {reason}")
        from muse_care.letters import kinds
        from muse_care.services.letter_events import void_for_withdrawal

        spec = kinds.find(letter.kind)
        # a request never sent stops no clock (services/letter_events.py)
        change = _Change(register, session, case, history)
        void_for_withdrawal(change, letter, spec.pauses_clock if spec is not None else None, today, reason)
        if change.changed:
            case.updated_at, case.updated_by = now, register.actor.login
        session.flush()
        return _info(letter, case.reference, _runs_of(session, [letter.id]).get(letter.id, ()))
