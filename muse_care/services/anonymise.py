"""Our own retention: closed cases are anonymised some years after closing.

A case qualifies when its status is ``closed`` and it was closed (the last move to
``closed`` in its history) at least ``anonymise_after_years`` years (setting, 3 by
default) before ``as_of``. An open case never qualifies, and the status is checked again
under a row lock in the unit of work that changes the case.

What changes: the requester's name becomes "Anonymised", their contact details, address,
account reference and representative are removed; notes are deleted; the free-text
reasons of clock events and identity checks are cleared; retrieval entries lose the
identifier searched, the item reference, file name and notes, and their files are
deleted from the evidence store; letter PDFs are emptied and their recipient removed.
What stays (the statistics): reference, rights, channel, regime, holiday region, dates,
status, due dates, retrieval sources/results/dates, letter kinds and dates.

The case's history entries lose their values too (``redact_case_history``: note texts,
requester edits, reasons), in the same unit of work; the hash chain covers salted
digests of the values, so it still verifies. Status moves keep theirs (no personal
data; the on-time statistics read them). The history entry says what was removed and
how many entries were redacted, never the removed values.

Known limit: history entries written before migration 0004 ("version 1", chained over
their values) cannot be redacted without breaking the chain, so they keep their text;
the history entry counts them. See docs/retrieval.

On a team database only an admin may anonymise: the database refuses the redaction to
anyone else, and the whole case's unit of work is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from typing import Any

from sqlalchemy import Subquery, func, select

from muse_care.domain.case import Status
from muse_care.domain.dates import add_months
from muse_care.evidence import EvidenceError, EvidenceStore
from muse_care.services.history import HistoryWriter, redact_case_history
from muse_care.services.register import Register
from muse_care.services.settings import get_setting
from muse_care.store.models import (
    CaseRecord, ClockEventRecord, HistoryRecord, IdentityCheckRecord, LetterRecord, NoteRecord, RetrievalRecord,
)

ANONYMISED_NAME = "Anonymised"


def _as_utc(value: object) -> datetime:
    """A timestamp from an aggregate query (SQLite gives naive UTC, sometimes as text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


@dataclass(frozen=True)
class AnonymisePlanItem:
    case_id: int
    reference: str
    closed_on: date
    notes: int
    evidence_files: int
    retrieval_entries: int
    letters: int


@dataclass(frozen=True)
class AnonymiseReport:
    as_of: date
    years: int
    cutoff: date  # cases closed on or before this day qualify
    dry_run: bool
    cases: tuple[AnonymisePlanItem, ...]
    evidence_problems: tuple[str, ...] = ()


def _closed_at_subquery() -> Subquery:
    return (select(HistoryRecord.case_id.label("case_id"), func.max(HistoryRecord.at).label("closed_at"))
            .where(HistoryRecord.what == "status", HistoryRecord.new_value == Status.CLOSED.value)
            .group_by(HistoryRecord.case_id).subquery())


def _cutoff_moment(register: Register, cutoff: date) -> datetime:
    """The first moment after ``cutoff`` in the organisation's time zone."""
    return datetime.combine(cutoff + timedelta(days=1), time(0, 0), register.timezone())


def plan(register: Register, as_of: date | None = None) -> AnonymiseReport:
    """Which closed cases are due for anonymisation, and what each would lose (counts only).

    The closing moment is the last move to ``closed`` in the history (the case's last
    change if the history has none, as for imported cases)."""
    as_of = as_of or register.today()
    years = int(get_setting(register, "anonymise_after_years"))
    cutoff = add_months(as_of, -12 * years)
    tz = register.timezone()
    closed = _closed_at_subquery()
    closed_at = func.coalesce(closed.c.closed_at, CaseRecord.updated_at)
    items = []
    with register.read() as session:
        rows = session.execute(
            select(CaseRecord.id, CaseRecord.reference, closed_at)
            .outerjoin(closed, closed.c.case_id == CaseRecord.id)
            .where(CaseRecord.status == Status.CLOSED.value, CaseRecord.anonymised_at.is_(None),
                   closed_at < _cutoff_moment(register, cutoff))
            .order_by(CaseRecord.id)).all()
        for case_id, reference, at in rows:
            def count(model: Any, *extra: Any) -> int:
                return int(session.execute(select(func.count()).select_from(model).where(
                    model.case_id == case_id, *extra)).scalar_one())

            at = _as_utc(at)
            items.append(AnonymisePlanItem(
                case_id, reference, at.astimezone(tz).date(), count(NoteRecord),
                count(RetrievalRecord, RetrievalRecord.evidence_id != ""), count(RetrievalRecord),
                count(LetterRecord)))
    return AnonymiseReport(as_of, years, cutoff, True, tuple(items))


def anonymise(register: Register, store: EvidenceStore | None, as_of: date | None = None, *,
              dry_run: bool = False) -> AnonymiseReport:
    """Anonymise every closed case due for it (or only report them with ``dry_run``).

    Each case is its own unit of work. Its evidence files are deleted after the case's
    changes are committed: a failure to delete is reported (the file is then an
    unreferenced, encrypted orphan) but never leaves the case half-anonymised.
    """
    report = plan(register, as_of)
    if dry_run:
        return report
    if store is None and any(i.evidence_files for i in report.cases):
        from muse_care.domain.errors import ValidationError

        raise ValidationError("evidence", "the evidence store must be open to delete the cases' files")
    done: list[AnonymisePlanItem] = []
    problems: list[str] = []
    for item in report.cases:
        result = _anonymise_one(register, item.case_id, report.cutoff)
        if result is None:
            continue
        done.append(item)
        for evidence_id in result:
            try:
                assert store is not None
                store.delete(evidence_id, missing_ok=True)
            except (EvidenceError, OSError) as exc:
                problems.append(f"{item.reference}: evidence item {evidence_id} could not be deleted: {exc}")
    return AnonymiseReport(report.as_of, report.years, report.cutoff, False, tuple(done), tuple(problems))


def _anonymise_one(register: Register, case_id: int, cutoff: date) -> list[str] | None:
    now = register.now()
    with register.unit_of_work() as session:
        stmt = select(CaseRecord).where(CaseRecord.id == case_id)
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        case = session.execute(stmt).scalar_one()
        # Checked again under the lock: reopened or already done since the plan was made.
        if case.status != Status.CLOSED.value or case.is_open or case.anonymised_at is not None:
            return None
        closed = _closed_at_subquery()
        closed_at = session.execute(select(func.coalesce(closed.c.closed_at, CaseRecord.updated_at))
                                    .select_from(CaseRecord).outerjoin(closed, closed.c.case_id == CaseRecord.id)
                                    .where(CaseRecord.id == case.id)).scalar_one()
        if closed_at is None or _as_utc(closed_at) >= _cutoff_moment(register, cutoff):
            return None
        case.requester_name = ANONYMISED_NAME
        case.anonymised_at = now  # first: only an anonymised case's notes may be deleted
        for attr in ("requester_email", "requester_phone", "address_lines", "postcode", "city", "region",
                     "country", "account_ref", "representative_name", "representative_authority"):
            setattr(case, attr, "")
        notes = session.execute(select(NoteRecord).where(NoteRecord.case_id == case.id)).scalars().all()
        for n in notes:
            session.delete(n)
        for e in session.execute(select(ClockEventRecord).where(ClockEventRecord.case_id == case.id)).scalars():
            e.reason = ""
        for c in session.execute(select(IdentityCheckRecord).where(IdentityCheckRecord.case_id == case.id)).scalars():
            c.reason = ""
        evidence: list[str] = []
        entries = session.execute(select(RetrievalRecord).where(RetrievalRecord.case_id == case.id)).scalars().all()
        for r in entries:
            if r.evidence_id:
                evidence.append(r.evidence_id)
            r.identifier = r.item_ref = r.file_name = r.notes = r.evidence_id = ""
        from muse_care.services.tasks import redact_tasks

        redact_tasks(session, case.id)
        letters = session.execute(select(LetterRecord).where(LetterRecord.case_id == case.id)).scalars().all()
        for letter in letters:
            letter.pdf = b""
            letter.recipient_name = ""
        case.anonymised_at = now
        case.updated_at, case.updated_by = now, register.actor.login
        redaction = redact_case_history(session, case.id)
        kept = (f" ({redaction.left_v1} older entr{'y' if redaction.left_v1 == 1 else 'ies'} written before "
                "redaction existed kept)" if redaction.left_v1 else "")
        HistoryWriter(session, register.actor.login, now).add(
            case.id, "anonymised", "",
            f"closed on or before {cutoff.isoformat()}: requester details removed, {len(notes)} note(s) deleted, "
            f"{len(entries)} retrieval entr{'y' if len(entries) == 1 else 'ies'} cleared, {len(evidence)} evidence "
            f"file(s) deleted, {len(letters)} letter PDF(s) emptied, {redaction.redacted} history "
            f"entr{'y' if redaction.redacted == 1 else 'ies'} redacted{kept}")
        return evidence
