"""Letters of a case: produce, keep, print, reprint, dispatch.

A produced letter is kept as the exact PDF that was rendered, with its SHA-256, so
every print and reprint is the same document; producing a letter again makes a new
letter record (and a history entry), never a silent replacement. Before anything is
printed the stored PDF is checked against its hash and the case's current requester,
so a letter that no longer matches its envelope (the address changed since) is stopped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from muse_care.domain import validation as v
from muse_care.domain.case import CaseView, Right
from muse_care.domain.errors import NotFound, PermissionDenied, ValidationError
from muse_care.domain.identity import CheckStep
from muse_care.domain.clock import ClockEventKind
from muse_care.services.cases import _Change, _load, event_action, to_view
from muse_care.services.history import HistoryWriter
from muse_care.services.register import Register
from muse_care.services.settings import get_setting, organisation
from muse_care.store.models import CaseRecord, LetterPrintRecord, LetterRecord

# What the requester is asked for, in their words (the checklist's labels are the agent's).
REQUESTER_STEP_TEXT: dict[str, str] = {
    CheckStep.ACCOUNT_EMAIL: "the email address registered to your account with us",
    CheckStep.ORDER_NUMBER: "the number of a recent order",
    CheckStep.CARD_LAST_FOUR: "the last four digits of the card used for a recent order",
    CheckStep.POSTAL_ADDRESS: "the postal address held on your account",
    CheckStep.AUTHORITY_DOCUMENT: "written authority from the person you act for "
                                  "(for example a signed letter of authority or a power of attorney)",
}

RIGHT_TEXT: dict[Right, str] = {
    Right.ACCESS: "a copy of your personal data",
    Right.RECTIFICATION: "correction of your personal data",
    Right.ERASURE: "erasure of your personal data",
    Right.RESTRICTION: "restriction of the use of your personal data",
    Right.OBJECTION: "your objection to our use of your personal data",
    Right.PORTABILITY: "your personal data in a portable format",
    Right.MARKETING_OPT_OUT: "no longer receiving marketing",
    Right.AUTOMATED_DECISION: "information on automated decision-making",
    Right.COMPLAINT: "your complaint about how we handle your personal data",
    Right.OPT_OUT_SALE: "no longer selling or sharing your personal information",
    Right.LIMIT_SENSITIVE: "limiting our use of your sensitive personal information",
}

DEFAULT_LEGAL_BASIS = {
    "uk-gdpr": "Article 12(5) of the UK GDPR",
    "eu-gdpr": "Article 12(5) of the General Data Protection Regulation (EU) 2016/679",
}

# Kinds whose letter discloses data or changes the deadline: a lead approves them in
# team mode (four eyes) before they can be produced.
APPROVAL_KINDS = {"extension": "extension", "refusal": "refusal",
                  "access-response": "disclosure", "portability": "disclosure"}


LETTER_STARTS_WAIT = {
    "identity-request": ClockEventKind.ID_REQUESTED,
    "clarification-request": ClockEventKind.CLARIFICATION_REQUESTED,
}


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


@dataclass(frozen=True)
class PrintRun:
    pdf: bytes
    letters: tuple[LetterInfo, ...]
    pages: int
    run_date: date


def _join(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _info(rec: LetterRecord, reference: str) -> LetterInfo:
    return LetterInfo(rec.id, rec.case_id, reference, rec.kind, rec.layout, rec.generated_at,
                      rec.generated_by, rec.sha256, rec.page_count, rec.recipient_name,
                      rec.dispatched_on, rec.dispatch_method, rec.print_count, rec.version)


def derived_fields(view: CaseView, kind: str, style: str) -> dict[str, str]:
    """The fields a letter of ``kind`` can take from the case itself."""
    from muse_care.letters.render import format_date

    def fmt(d: date | None) -> str:
        return format_date(d, style) if d else ""

    out: dict[str, str] = {
        "received_date": fmt(view.received),
        "rights": _join([RIGHT_TEXT[r] for r in view.rights]),
    }
    if view.due_date:
        out["due_date"] = fmt(view.original_due if kind == "extension" and view.original_due else view.due_date)
    elif view.waiting_for in ("identity", "authority", "fee"):
        out["due_date"] = f"one month after we receive the {view.waiting_for} we asked for"
    elif view.waiting_for == "clarification":
        out["due_date"] = "once we have your answer to our question (the time limit is paused until then)"
    if kind == "identity-request":
        pending = [c.step for c in view.checks if c.result in ("pending", "failed")]
        out["identity_steps"] = "\n".join(REQUESTER_STEP_TEXT.get(s, s) for s in pending)
    if kind == "extension" and view.extended and view.due_date:
        out["new_due_date"] = fmt(view.due_date)
        reason = next((e.reason for e in reversed(view.events) if e.kind == "extended"), "")
        out["extension_reasons"] = "\n".join(p.strip() for p in reason.split(";") if p.strip())
    if kind == "refusal":
        reason = next((h.new for h in reversed(view.history) if h.what == "status reason"), "")
        if reason:
            out["refusal_reasons"] = "\n".join(p.strip() for p in reason.split(";") if p.strip())
        if view.regime in DEFAULT_LEGAL_BASIS:
            out["legal_basis"] = DEFAULT_LEGAL_BASIS[view.regime]
    return out


def _recipient(view: CaseView) -> Any:
    from muse_care.letters.model import PostalAddress

    rq = view.requester
    if not rq.address_lines or not rq.country or not (rq.city or rq.postcode):
        raise ValidationError("address", f"case {view.reference} has no complete postal address "
                              "(address lines, city or postcode, country) to send a letter to")
    return PostalAddress(name=rq.name, lines=rq.address_lines, city=rq.city, postcode=rq.postcode,
                         region=rq.region, country=rq.country)


DISCLOSING_KINDS = frozenset({"access-response", "portability"})
"""Letters that carry the requester's personal data: only to a verified requester."""


def _require_verified(view: CaseView, kind: str) -> None:
    """A reply that discloses personal data goes only to someone whose identity is
    confirmed: otherwise it is a breach, whoever asked."""
    unconfirmed = [c.step for c in view.checks if c.result not in ("passed", "waived")]
    if view.waiting_for in ("identity", "authority"):
        unconfirmed.insert(0, f"the requested {view.waiting_for} has not arrived")
    if unconfirmed:
        raise ValidationError("identity", f"a {kind} letter discloses personal data, and the identity of "
                              f"the requester of {view.reference} is not confirmed ({', '.join(unconfirmed)}); "
                              "record the identity checks first")


def _approval_check(register: Register, view: CaseView, kind: str) -> None:
    """Four eyes (team mode): the letter waits for a lead's approval."""
    from muse_care.services import team

    needed = APPROVAL_KINDS.get(kind)
    if needed is None or not team.four_eyes_enabled(register):
        return
    if kind in ("access-response", "portability") and not (
            {Right.ACCESS, Right.PORTABILITY} & set(view.rights)):
        return
    if not team.is_approved(register, view.id, needed):
        raise PermissionDenied(f"a {kind} letter for {view.reference} needs a team lead's approval "
                               f"({needed}) before it can be produced; ask for it in the Approvals queue")


def produce_letter(register: Register, ref: str | int, kind: str, *, layout: str | None = None,
                   fields: Mapping[str, str] | None = None, enclosures: Sequence[str] = (),
                   letter_date: date | None = None) -> LetterInfo:
    """Render the letter from the case, the organisation profile and the agent's fields;
    keep its PDF and hash; write the history."""
    from muse_care.letters.model import Layout, LetterKind, LetterRequest
    from muse_care.letters.render import render_letter

    try:
        kind_v = LetterKind(kind)
    except ValueError:
        raise ValidationError("kind", f"unknown letter kind '{kind}'; use one of: "
                              + ", ".join(k.value for k in LetterKind)) from None
    layout_s = layout or str(get_setting(register, "letter_layout"))
    try:
        layout_v = Layout(layout_s)
    except ValueError:
        raise ValidationError("layout", f"unknown layout '{layout_s}'; use din5008-b, uk or us10") from None
    extra = {k: v.clean_text(k, val, max_len=v.MAX_REASON, multiline=True) for k, val in (fields or {}).items()}
    encl = tuple(v.clean_text("enclosure", e, max_len=v.MAX_LINE) for e in enclosures if e.strip())
    org = organisation(register)
    today = letter_date or register.today()
    view = _case_view(register, ref)
    _approval_check(register, view, kind_v.value)
    if kind_v.value in DISCLOSING_KINDS:
        _require_verified(view, kind_v.value)
    if kind_v is LetterKind.EXTENSION:
        if not view.extended:
            raise ValidationError("kind", f"case {view.reference} has not been extended: record the "
                                  "'extended' clock event with its reasons first")
        if view.original_due is not None and today > view.original_due:
            raise ValidationError("kind", f"the requester had to be told of the extension by "
                                  f"{view.original_due.isoformat()} (within the first month); a notice "
                                  "now would be late: record why in a note and tell a team lead")
    style = "us" if layout_v is Layout.US10 else "uk"
    from muse_care.services.tasks import letter_fields

    values = {**derived_fields(view, kind_v.value, style), **letter_fields(register, view.id),
              **{k: x for k, x in extra.items() if x}}
    from muse_care.letters.model import KIND_FIELDS

    spec = KIND_FIELDS[kind_v]
    allowed = set(spec.required) | set(spec.optional)
    values = {k: x for k, x in values.items() if k in allowed or k in extra}
    request = LetterRequest(kind=kind_v, layout=layout_v, reference=view.reference, letter_date=today,
                            recipient=_recipient(view), organisation=org, fields=values,
                            enclosures=encl)
    request.validate()
    rendered = render_letter(request)
    now = register.now()
    with register.unit_of_work() as session:
        rec = _load(session, view.id, lock=True)
        if rec.version != view.version:
            raise ValidationError("case", f"case {rec.reference} changed while the letter was being "
                                  "made; make it again")
        starts = LETTER_STARTS_WAIT.get(kind_v.value)
        if starts is not None and view.waiting_for is None and view.is_open:
            # Sending the request is what stops (or pauses) the clock: record it with
            # the letter, in the same unit of work.
            change = _Change(register, session, rec, HistoryWriter(session, register.actor.login, now))
            event_action(starts, today, f"{kind_v.value} letter")(change)
        letter = LetterRecord(case_id=rec.id, kind=kind_v.value, layout=layout_v.value, generated_at=now,
                              generated_by=register.actor.login, sha256=rendered.sha256,
                              page_count=rendered.page_count, pdf=rendered.pdf,
                              recipient_name=rendered.recipient_name, needs_approval=False)
        session.add(letter)
        session.flush()
        earlier = session.execute(select(LetterRecord.id).where(
            LetterRecord.case_id == rec.id, LetterRecord.kind == kind_v.value,
            LetterRecord.id != letter.id)).scalars().all()
        note = f" (earlier {kind_v.value} letters kept: {', '.join(map(str, earlier))})" if earlier else ""
        HistoryWriter(session, register.actor.login, now).add(
            rec.id, f"letter:{kind_v.value}", "",
            f"letter {letter.id}, {layout_v.value}, {rendered.page_count} pages, sha256 {rendered.sha256[:16]}…{note}")
        return _info(letter, rec.reference)


def _case_view(register: Register, ref: str | int) -> CaseView:
    with register.read() as session:
        return to_view(session, _load(session, ref), register.today())


def list_letters(register: Register, ref: str | int) -> list[LetterInfo]:
    with register.read() as session:
        rec = _load(session, ref)
        rows = session.execute(select(LetterRecord).where(LetterRecord.case_id == rec.id)
                               .order_by(LetterRecord.id)).scalars()
        return [_info(r, rec.reference) for r in rows]


def _checked_pdf(session: Any, letter: LetterRecord, case: CaseRecord) -> bytes:
    import hashlib

    if hashlib.sha256(letter.pdf).hexdigest() != letter.sha256:
        raise ValidationError("letter", f"letter {letter.id} for {case.reference} does not match its "
                              "recorded hash; it was changed after it was produced: do not send it")
    if letter.recipient_name != case.requester_name:
        raise ValidationError("letter", f"letter {letter.id} is addressed to '{letter.recipient_name}' but "
                              f"case {case.reference}'s requester is now '{case.requester_name}'; "
                              "produce the letter again")
    return letter.pdf


def letter_pdf(register: Register, letter_id: int) -> bytes:
    """The stored PDF, after checking its hash and its recipient."""
    with register.read() as session:
        letter = session.get(LetterRecord, letter_id)
        if letter is None:
            raise NotFound(f"no letter {letter_id}")
        case = session.get(CaseRecord, letter.case_id)
        assert case is not None
        return _checked_pdf(session, letter, case)


def _print_once(register: Register, letter_id: int, reason: str, label: str,
                what: str) -> tuple[bytes, LetterInfo]:
    """Count one print of a stored letter (after checking it), with its history entry."""
    now = register.now()
    with register.unit_of_work() as session:
        letter = session.get(LetterRecord, letter_id)
        if letter is None:
            raise NotFound(f"no letter {letter_id}")
        case = session.get(CaseRecord, letter.case_id)
        assert case is not None
        pdf = _checked_pdf(session, letter, case)
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
                    ids: Sequence[int] | None = None) -> list[LetterInfo]:
    """The letters a print run would take: the chosen ones, or the day's undispatched ones."""
    with register.read() as session:
        stmt = select(LetterRecord, CaseRecord.reference).join(CaseRecord, CaseRecord.id == LetterRecord.case_id)
        if ids:
            stmt = stmt.where(LetterRecord.id.in_(list(ids)))
        else:
            start, end = _day_bounds(register, on or register.today())
            stmt = stmt.where(LetterRecord.generated_at >= start, LetterRecord.generated_at < end,
                              LetterRecord.dispatched_on.is_(None))
        rows = session.execute(stmt.order_by(CaseRecord.reference, LetterRecord.id)).all()
        found = [_info(letter, ref) for letter, ref in rows]
    if ids:
        missing = sorted(set(ids) - {x.id for x in found})
        if missing:
            raise NotFound(f"no letter {', '.join(map(str, missing))}")
    return found


def build_print_run(register: Register, on: date | None = None,
                    ids: Sequence[int] | None = None) -> PrintRun:
    """One PDF for the mailroom: a cover sheet, then each letter padded to start on a
    front side. Every letter is checked against its hash and its case first."""
    from muse_care.letters.batch import render_print_run
    from muse_care.letters.model import Layout, LetterKind, RenderedLetter

    chosen = letters_for_run(register, on, ids)
    if not chosen:
        raise ValidationError("print run", f"no letters waiting to be printed for "
                              f"{(on or register.today()).isoformat()}")
    run_date = on or register.today()
    now = register.now()
    rendered: list[RenderedLetter] = []
    with register.unit_of_work() as session:
        for info in chosen:
            letter = session.get(LetterRecord, info.id)
            case = session.get(CaseRecord, info.case_id)
            assert letter is not None and case is not None
            pdf = _checked_pdf(session, letter, case)
            rendered.append(RenderedLetter(LetterKind(letter.kind), case.reference, letter.recipient_name,
                                           Layout(letter.layout), pdf, letter.page_count, letter.sha256))
        from muse_care.services.history import current_seal

        seal = current_seal(session)
        pdf = render_print_run(rendered, run_date, organisation(register), str(seal) if seal else "")
        label = f"run {run_date.isoformat()}"
        for info in chosen:
            letter = session.get(LetterRecord, info.id)
            assert letter is not None
            letter.print_count += 1
            session.add(LetterPrintRecord(letter_id=letter.id, printed_at=now,
                                          printed_by=register.actor.login, reason="", run_label=label))
    from pypdf import PdfReader
    import io

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return PrintRun(pdf, tuple(letters_for_run(register, ids=[x.id for x in chosen])), pages, run_date)


def mark_dispatched(register: Register, ids: Sequence[int], method: str = "post",
                    on: date | None = None) -> list[LetterInfo]:
    """After printing: mark the letters as sent, in one action (one unit of work)."""
    method = v.clean_text("method", method, max_len=32, required=True)
    day = on or register.today()
    if day > register.today():
        raise ValidationError("date", f"{day.isoformat()} is in the future")
    if not ids:
        raise ValidationError("letters", "choose the letters to mark as dispatched")
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
            letter.dispatched_on, letter.dispatch_method = day, method
            letter.dispatched_by = register.actor.login
            history.add(letter.case_id, f"letter dispatched:{letter.kind}", "",
                        f"letter {letter.id} by {method} on {day.isoformat()}")
    return letters_for_run(register, ids=list(ids))

