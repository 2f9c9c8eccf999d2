"""Our own retention: a case is anonymised some years after it ends; its evidence copies
go sooner; a legal hold stops both. See docs/retention.md, "Our own register".

**When.** A case *ends* when it moves from an open status to a final one (responded,
refused, withdrawn or closed; the last such move in its history, or its last change if
the history has none, as for imported cases). Two rules, both settings:

* ``evidence_keep_months`` (6 by default): the case's evidence copies (call recordings,
  chats in the evidence store) are deleted this many months after it ended, once the
  requester's time to complain about the reply has reasonably passed;
* ``anonymise_after_years`` (3 by default): the case itself is anonymised this many
  years after it ended, keeping only the minimal record.

A case under a legal hold (``case_holds``: reason, who, until when) is left alone until
the hold is released or runs out. An open case never qualifies, and the status and the
hold are checked again under a row lock in the unit of work that changes the case.

**What goes.** The requester's name becomes "Anonymised", their contact details, address,
account reference and representative are removed; notes are deleted; the free-text
reasons of clock events, identity checks, letter reprints and approvals are cleared;
retrieval entries lose the identifier searched, the item reference, file name and
notes, and their files are deleted from the evidence store; letter PDFs are emptied and
their recipient removed. The case's history entries lose their values too
(``redact_case_history``), in the same unit of work; the hash chain covers salted
digests of the values, so it still verifies. On SQLite the database deletes securely
(``PRAGMA secure_delete``), the search index is rebuilt without the old values, the
write-ahead log is emptied into the file, and the safety copies MUSE Care made beside the
database (``.bak``) that still hold the case are removed; backups made with ``db backup``
that still hold it are named in the report, for the admin to replace.

**What stays: the minimal record** (``domain.retention.MINIMAL_RECORD``): reference,
date received, rights, channel, regime, due date, date answered, outcome and the basis
of a refusal, written as the case's last history entry; the status moves stay as they
are (the statistics read them).

Every removal is written to the retention log (``retention_log``: what, when, by which
rule), which ``muse-care retention log`` prints; it names cases by reference only.

Known limit: history entries written before migration 0004 ("version 1", chained over
their values) cannot be redacted without breaking the chain, so they keep their text;
the history entry counts them. See docs/retrieval.

On a team database only an admin may anonymise: the database refuses the redaction to
anyone else, and the whole case's unit of work is rolled back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Subquery, and_, func, or_, select, text, update
from sqlalchemy.orm import Session

from muse_care.domain.case import FINAL_STATUSES, OPEN_STATUSES, Status
from muse_care.domain.dates import add_months
from muse_care.domain.errors import ValidationError
from muse_care.evidence import EvidenceError, EvidenceStore
from muse_care.services.history import HistoryWriter, redact_case_history
from muse_care.services.register import Register
from muse_care.services.settings import get_setting
from muse_care.store.models import (
    CaseHoldRecord, CaseRecord, ClockEventRecord, HistoryRecord, IdentityCheckRecord, LetterPrintRecord,
    LetterRecord, NoteRecord, RetentionLogRecord, RetrievalRecord,
)

ANONYMISED_NAME = "Anonymised"
_FINAL = sorted(s.value for s in FINAL_STATUSES)
_OPEN = sorted(s.value for s in OPEN_STATUSES)


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
    closed_on: date  # the day the case ended (moved to a final status)
    notes: int
    evidence_files: int
    retrieval_entries: int
    letters: int
    status: str = Status.CLOSED.value
    action: str = "anonymise"  # "anonymise" the case, or only "purge-evidence"
    rule: str = ""

    @property
    def ended_on(self) -> date:
        return self.closed_on


@dataclass(frozen=True)
class AnonymiseReport:
    as_of: date
    years: int
    cutoff: date  # cases that ended on or before this day are anonymised
    dry_run: bool
    cases: tuple[AnonymisePlanItem, ...]
    evidence_problems: tuple[str, ...] = ()
    evidence_months: int = 6
    evidence_cutoff: date | None = None  # cases that ended on or before this day lose their evidence copies
    held: tuple[str, ...] = ()  # references left alone because of a legal hold
    postponed: tuple[str, ...] = ()  # references waiting for the evidence store to be unlocked
    backups_holding: tuple[str, ...] = ()  # backups (not ours to change) that still hold anonymised cases
    safety_copies_removed: tuple[str, ...] = ()

    @property
    def anonymised(self) -> tuple[AnonymisePlanItem, ...]:
        return tuple(i for i in self.cases if i.action == "anonymise")

    @property
    def purged(self) -> tuple[AnonymisePlanItem, ...]:
        return tuple(i for i in self.cases if i.action == "purge-evidence")


def _ended_at_subquery() -> Subquery:
    """Per case, the last move from an open status into a final one."""
    return (select(HistoryRecord.case_id.label("case_id"), func.max(HistoryRecord.at).label("ended_at"))
            .where(HistoryRecord.what == "status", HistoryRecord.new_value.in_(_FINAL),
                   HistoryRecord.old_value.in_(_OPEN))
            .group_by(HistoryRecord.case_id).subquery())


def _cutoff_moment(register: Register, cutoff: date) -> datetime:
    """The first moment after ``cutoff`` in the organisation's time zone."""
    return datetime.combine(cutoff + timedelta(days=1), time(0, 0), register.timezone())


def active_hold_clause(as_of: date) -> Any:
    """SQL: the case (``CaseRecord.id``) has a legal hold not released and not run out."""
    h = CaseHoldRecord
    return select(h.id).where(h.case_id == CaseRecord.id, h.released_at.is_(None),
                              or_(h.until.is_(None), h.until >= as_of)).exists()


def plan(register: Register, as_of: date | None = None) -> AnonymiseReport:
    """Which ended cases are due for anonymisation or for losing their evidence copies,
    and what each would lose (counts only)."""
    as_of = as_of or register.today()
    years = int(get_setting(register, "anonymise_after_years"))
    months = int(get_setting(register, "evidence_keep_months"))
    cutoff = add_months(as_of, -12 * years)
    evidence_cutoff = add_months(as_of, -months)
    tz = register.timezone()
    ended = _ended_at_subquery()
    ended_at = func.coalesce(ended.c.ended_at, CaseRecord.updated_at)
    has_evidence = select(RetrievalRecord.id).where(RetrievalRecord.case_id == CaseRecord.id,
                                                    RetrievalRecord.evidence_id != "").exists()
    items = []
    held: list[str] = []
    with register.read() as session:
        rows = session.execute(
            select(CaseRecord.id, CaseRecord.reference, CaseRecord.status, ended_at, active_hold_clause(as_of))
            .outerjoin(ended, ended.c.case_id == CaseRecord.id)
            .where(CaseRecord.status.in_(_FINAL), CaseRecord.anonymised_at.is_(None),
                   or_(ended_at < _cutoff_moment(register, cutoff),
                       and_(ended_at < _cutoff_moment(register, evidence_cutoff), has_evidence)))
            .order_by(CaseRecord.id)).all()
        for case_id, reference, status, at, on_hold in rows:
            if on_hold:
                held.append(reference)
                continue

            def count(model: Any, *extra: Any) -> int:
                return int(session.execute(select(func.count()).select_from(model).where(
                    model.case_id == case_id, *extra)).scalar_one())

            at = _as_utc(at)
            whole = at < _cutoff_moment(register, cutoff)
            rule = (f"case kept {years} year(s) after it ends" if whole
                    else f"evidence copies kept {months} month(s) after the reply")
            items.append(AnonymisePlanItem(
                case_id, reference, at.astimezone(tz).date(), count(NoteRecord) if whole else 0,
                count(RetrievalRecord, RetrievalRecord.evidence_id != ""),
                count(RetrievalRecord) if whole else 0, count(LetterRecord) if whole else 0, status,
                "anonymise" if whole else "purge-evidence", rule))
    return AnonymiseReport(as_of, years, cutoff, True, tuple(items), evidence_months=months,
                           evidence_cutoff=evidence_cutoff, held=tuple(held))


def anonymise(register: Register, store: EvidenceStore | None, as_of: date | None = None, *,
              dry_run: bool = False, skip_locked_evidence: bool = False) -> AnonymiseReport:
    """Anonymise every ended case due for it and delete the evidence copies due to go
    (or only report them with ``dry_run``).

    Each case is its own unit of work. Its evidence files are deleted after the case's
    changes are committed: a failure to delete is reported (the file is then an
    unreferenced, encrypted orphan, which ``evidence verify`` lists) but never leaves the
    case half-anonymised. With no ``store`` and ``skip_locked_evidence``, cases that have
    evidence files are postponed (reported) instead of refused.
    """
    report = plan(register, as_of)
    if dry_run:
        return report
    postponed: list[str] = []
    todo = list(report.cases)
    if store is None and any(i.evidence_files for i in todo):
        if not skip_locked_evidence:
            raise ValidationError("evidence", "the evidence store must be open to delete the cases' files")
        postponed = [i.reference for i in todo if i.evidence_files]
        todo = [i for i in todo if not i.evidence_files]
    done: list[AnonymisePlanItem] = []
    problems: list[str] = []
    for item in todo:
        if item.action == "anonymise":
            result = _anonymise_one(register, item.case_id, report.as_of, item.rule,
                                    cutoff=report.cutoff)
        else:
            result = _purge_evidence_one(register, item.case_id, report.as_of, item.rule,
                                         report.evidence_cutoff or report.as_of)
        if result is None:
            continue
        done.append(item)
        problems += _delete_items(store, item.reference, result)
    copies: tuple[str, ...] = ()
    holding: tuple[str, ...] = ()
    if any(i.action == "anonymise" for i in done):
        copies, holding = scrub_storage(register, [i.reference for i in done if i.action == "anonymise"])
    return AnonymiseReport(report.as_of, report.years, report.cutoff, False, tuple(done), tuple(problems),
                           report.evidence_months, report.evidence_cutoff, report.held, tuple(postponed),
                           holding, copies)


def _delete_items(store: EvidenceStore | None, reference: str, evidence: list[str]) -> list[str]:
    problems = []
    for evidence_id in evidence:
        try:
            assert store is not None
            store.delete(evidence_id, missing_ok=True)
        except (EvidenceError, OSError, AssertionError) as exc:
            problems.append(f"{reference}: evidence item {evidence_id} could not be deleted: {exc}")
    return problems


# --- one case -----------------------------------------------------------------------------

def _lock_case(session: Session, case_id: int) -> CaseRecord:
    stmt = select(CaseRecord).where(CaseRecord.id == case_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one()


def _still_due(session: Session, register: Register, case: CaseRecord, as_of: date, cutoff: date | None) -> bool:
    """Checked again under the lock: reopened, put on hold or already done since the plan."""
    if case.status not in _FINAL or case.is_open or case.anonymised_at is not None:
        return False
    if session.execute(select(active_hold_clause(as_of)).where(CaseRecord.id == case.id)).scalar():
        return False
    if cutoff is None:
        return True
    ended = _ended_at_subquery()
    ended_at = session.execute(select(func.coalesce(ended.c.ended_at, CaseRecord.updated_at))
                               .select_from(CaseRecord).outerjoin(ended, ended.c.case_id == CaseRecord.id)
                               .where(CaseRecord.id == case.id)).scalar_one()
    return ended_at is not None and _as_utc(ended_at) < _cutoff_moment(register, cutoff)


def _log(session: Session, register: Register, action: str, rule: str, reference: str, detail: str) -> None:
    session.add(RetentionLogRecord(at=register.now(), actor=register.actor.login, action=action, rule=rule[:200],
                                   case_reference=reference, detail=detail))


def _purge_evidence_one(register: Register, case_id: int, as_of: date, rule: str, cutoff: date) -> list[str] | None:
    now = register.now()
    with register.unit_of_work() as session:
        case = _lock_case(session, case_id)
        if not _still_due(session, register, case, as_of, cutoff):
            return None
        entries = session.execute(select(RetrievalRecord).where(RetrievalRecord.case_id == case.id,
                                                                RetrievalRecord.evidence_id != "")).scalars().all()
        evidence = [r.evidence_id for r in entries]
        history = HistoryWriter(session, register.actor.login, now)
        for r in entries:
            history.add(case.id, "retrieval:evidence-deleted", "", f"#{r.id}: the evidence copy was deleted "
                        f"({rule}); its SHA-256 {r.sha256} stays on record")
            r.evidence_id = r.file_name = ""
        case.updated_at, case.updated_by = now, register.actor.login
        _log(session, register, "evidence-deleted", rule, case.reference,
             f"{len(evidence)} evidence cop{'y' if len(evidence) == 1 else 'ies'} deleted")
        return evidence


def minimal_record(session: Session, case: CaseRecord) -> dict[str, str]:
    """What is kept of a case after anonymisation (``domain.retention.MINIMAL_RECORD``)."""
    moves = session.execute(select(HistoryRecord.at, HistoryRecord.old_value, HistoryRecord.new_value)
                            .where(HistoryRecord.case_id == case.id, HistoryRecord.what == "status")
                            .order_by(HistoryRecord.id)).all()
    answered = ""
    for at, old, new in moves:
        if new in _FINAL and old in _OPEN:
            answered = _as_utc(at).date().isoformat()
    basis = ""
    if case.status == Status.REFUSED.value:
        basis = session.execute(select(HistoryRecord.new_value).where(
            HistoryRecord.case_id == case.id, HistoryRecord.what == "status reason")
            .order_by(HistoryRecord.id.desc()).limit(1)).scalar_one_or_none() or ""
    return {"reference": case.reference, "received": case.received_date.isoformat(), "rights": case.rights,
            "channel": case.channel, "regime": case.regime,
            "due": case.due_date.isoformat() if case.due_date else "", "answered": answered,
            "outcome": case.status, "refusal basis": basis}


def _anonymise_one(register: Register, case_id: int, as_of: date, rule: str, *,
                   cutoff: date | None) -> list[str] | None:
    now = register.now()
    with register.unit_of_work() as session:
        case = _lock_case(session, case_id)
        if not _still_due(session, register, case, as_of, cutoff):
            return None
        record = minimal_record(session, case)
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
            letter.recipient_address = ""  # the address printed, kept for the stale-address check
            letter.request_json = ""  # what the agent typed, kept to produce the letter again
        if letters:
            session.execute(update(LetterPrintRecord)
                            .where(LetterPrintRecord.letter_id.in_([x.id for x in letters]))
                            .values(reason="").execution_options(synchronize_session=False))
        from muse_care.store.models import RecipientRecord

        for told in session.execute(select(RecipientRecord).where(RecipientRecord.case_id == case.id)).scalars():
            told.reason = ""  # why a recipient could not be told may name the person
        _clear_approvals(session, case.id)
        case.anonymised_at = now
        case.updated_at, case.updated_by = now, register.actor.login
        redaction = redact_case_history(session, case.id)
        kept = (f" ({redaction.left_v1} older entr{'y' if redaction.left_v1 == 1 else 'ies'} written before "
                "redaction existed kept)" if redaction.left_v1 else "")
        history = HistoryWriter(session, register.actor.login, now)
        history.add(
            case.id, "anonymised", "",
            f"{rule}: requester details removed, {len(notes)} note(s) deleted, "
            f"{len(entries)} retrieval entr{'y' if len(entries) == 1 else 'ies'} cleared, {len(evidence)} evidence "
            f"file(s) deleted, {len(letters)} letter PDF(s) emptied, {redaction.redacted} history "
            f"entr{'y' if redaction.redacted == 1 else 'ies'} redacted{kept}")
        history.add(case.id, "minimal record", "", json.dumps(record, ensure_ascii=False, sort_keys=True))
        _log(session, register, "anonymised", rule, case.reference,
             f"minimal record kept; {len(notes)} note(s), {len(entries)} retrieval entr"
             f"{'y' if len(entries) == 1 else 'ies'}, {len(evidence)} evidence file(s), {len(letters)} letter(s)")
        return evidence


def _clear_approvals(session: Session, case_id: int) -> None:
    """The reasons given with approval requests and decisions. On a team database the
    security model lets nobody rewrite a decided approval (not even an admin), so there
    they stay until the model grants that redaction: a known limit (docs/retention.md)."""
    from muse_care.store.team_sql import approvals

    if session.get_bind().dialect.name == "postgresql":
        return
    session.execute(approvals.update().where(approvals.c.case_id == case_id).values(reason="", note=""))


def may_erase(register: Register) -> bool:
    """Erasing a case on request is for a team lead or an admin (on a single agent's
    SQLite register there is no one else: they may)."""
    return register.dialect == "sqlite" or register.actor.role in ("lead", "admin")


def may_anonymise(register: Register) -> bool:
    """Anonymising blanks the values of the case's history entries, which on a team server
    only an admin may do (docs/security.md); on a single agent's SQLite register that agent
    is every role. (An outside tester: a lead's `anonymise REF` ended in "internal error".)"""
    return register.dialect == "sqlite" or register.actor.role == "admin"


def erase_case(register: Register, store: EvidenceStore | None, ref: str | int, reason: str) -> AnonymiseReport:
    """Anonymise one case now, on request (keeping the minimal record): the requester
    asked for their data to be erased and no exemption applies. The case must have
    ended and not be under a legal hold."""
    from muse_care.domain import validation as v
    from muse_care.services.cases import _load

    reason = v.clean_text("reason", reason, max_len=v.MAX_REASON, required=True)
    if not may_anonymise(register):
        raise ValidationError("role", "on a team server only an admin erases a case: anonymising blanks the "
                              "values of its history entries, which only an admin may do; ask an admin")
    as_of = register.today()
    with register.read() as session:
        case = _load(session, ref)
        if case.anonymised_at is not None:
            raise ValidationError("case", f"{case.reference} is already anonymised")
        if case.status not in _FINAL:
            raise ValidationError("status", f"{case.reference} is {case.status}; record the reply (or the "
                                  "withdrawal) first: a case is erased once it has ended")
        hold = session.execute(select(CaseHoldRecord).where(
            CaseHoldRecord.case_id == case.id, CaseHoldRecord.released_at.is_(None),
            or_(CaseHoldRecord.until.is_(None), CaseHoldRecord.until >= as_of))).scalars().first()
        if hold is not None:
            raise ValidationError("hold", f"{case.reference} is under a legal hold ({hold.reason}, placed by "
                                  f"{hold.placed_by}); release it first")
        has_files = bool(session.execute(select(func.count()).select_from(RetrievalRecord).where(
            RetrievalRecord.case_id == case.id, RetrievalRecord.evidence_id != "")).scalar_one())
        case_id, reference = case.id, case.reference
    if has_files and store is None:
        raise ValidationError("evidence", "the evidence store must be open to delete the case's files")
    evidence = _anonymise_one(register, case_id, as_of, f"erased on request: {reason}", cutoff=None)
    if evidence is None:
        raise ValidationError("case", f"{reference} changed meanwhile; look at it again")
    problems = _delete_items(store, reference, evidence)
    copies, holding = scrub_storage(register, [reference])
    item = AnonymisePlanItem(case_id, reference, as_of, 0, len(evidence), 0, 0, "", "anonymise",
                             f"erased on request: {reason}")
    return AnonymiseReport(as_of, 0, as_of, False, (item,), tuple(problems), backups_holding=holding,
                           safety_copies_removed=copies)


# --- every copy -----------------------------------------------------------------------------

def scrub_storage(register: Register, references: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """After anonymisation on SQLite: rebuild the search index without the old values,
    empty the write-ahead log into the file, remove the safety copies MUSE Care made
    beside the database that still hold one of ``references`` with its personal data,
    and name the recorded backups that still do. Returns (copies removed, backups
    holding). PostgreSQL reclaims deleted rows itself (VACUUM)."""
    from muse_care.store import db

    path = db.sqlite_file(register.url)
    if register.dialect != "sqlite" or path is None:
        return (), ()
    with register.engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection  # autocommit (see store/db.py): no open transaction
        raw.execute("INSERT INTO case_search(case_search) VALUES ('optimize')")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    removed = []
    for copy in sorted(path.parent.glob(path.name + ".*")):
        if copy.suffix not in (".bak", ".restored", ".partial") or not copy.is_file():
            continue
        if _holds(copy, references):
            copy.unlink()
            removed.append(copy.name)
    holding = [str(p) for p in recorded_backups() if p.is_file() and _holds(p, references)]
    if removed or holding:
        with register.unit_of_work() as session:
            for name in removed:
                _log(session, register, "copy-removed", "anonymisation removes every copy", "",
                     f"safety copy {name} removed: it still held an anonymised case")
            for p in holding:
                _log(session, register, "backup-holds", "anonymisation removes every copy", "",
                     f"backup {Path(p).name} still holds an anonymised case: replace it with a new backup")
    return tuple(removed), tuple(holding)


def _holds(copy: Path, references: list[str]) -> bool:
    """Whether a SQLite copy still has one of the cases with its personal data."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        marks = ",".join("?" * len(references))
        row = conn.execute(f"SELECT count(*) FROM cases WHERE reference IN ({marks}) AND requester_name <> ?",
                           [*references, ANONYMISED_NAME]).fetchone()
        return bool(row and row[0])
    except sqlite3.Error:
        return False
    finally:
        conn.close()


BACKUPS_KEY = "backups"


def record_backup(path: Path) -> None:
    """Remember a backup made with ``db backup`` (this machine's settings), so a later
    anonymisation can say whether it still holds the case."""
    from muse_care.services import local_config

    known = [str(p) for p in recorded_backups()]
    target = str(Path(path).resolve())
    if target not in known:
        local_config.save({BACKUPS_KEY: [*known, target][-200:]})


def recorded_backups() -> list[Path]:
    from muse_care.services import local_config

    value = local_config.load().get(BACKUPS_KEY, [])
    return [Path(p) for p in value if isinstance(p, str)] if isinstance(value, list) else []


# --- holds, the log, the schedule -----------------------------------------------------------

@dataclass(frozen=True)
class HoldView:
    id: int
    case_reference: str
    reason: str
    placed_by: str
    placed_at: datetime
    until: date | None
    released_by: str
    released_at: datetime | None

    def active(self, as_of: date) -> bool:
        return self.released_at is None and (self.until is None or self.until >= as_of)


def _hold_view(h: CaseHoldRecord, reference: str) -> HoldView:
    return HoldView(h.id, reference, h.reason, h.placed_by, h.placed_at, h.until, h.released_by, h.released_at)


def place_hold(register: Register, ref: str | int, reason: str, until: date | None = None) -> HoldView:
    """Put one of our own cases under a legal hold (a complaint to the regulator, a
    legal claim): it is not anonymised, nor its evidence deleted, while the hold stands."""
    from muse_care.domain import validation as v
    from muse_care.services.cases import _load

    reason = v.clean_text("reason", reason, max_len=v.MAX_REASON, required=True, multiline=True)
    if until is not None and until < register.today():
        raise ValidationError("until", f"{until.isoformat()} is in the past")
    now = register.now()
    with register.unit_of_work() as session:
        case = _load(session, ref, lock=True)
        if case.anonymised_at is not None:
            raise ValidationError("case", f"{case.reference} is already anonymised; nothing is left to hold")
        rec = CaseHoldRecord(case_id=case.id, reason=reason, placed_by=register.actor.login, placed_at=now,
                             until=until, released_by="")
        session.add(rec)
        session.flush()
        HistoryWriter(session, register.actor.login, now).add(
            case.id, "legal hold", "", f"#{rec.id}: {reason}" + (f" (until {until.isoformat()})" if until else ""))
        case.updated_at, case.updated_by = now, register.actor.login
        _log(session, register, "hold-placed", "legal hold", case.reference,
             f"hold #{rec.id}" + (f" until {until.isoformat()}" if until else ", no end date"))
        return _hold_view(rec, case.reference)


def release_hold(register: Register, ref: str | int) -> list[HoldView]:
    """Release every standing legal hold of a case (a lead or an admin; anyone on SQLite)."""
    from muse_care.services.cases import _load

    if not may_erase(register):
        raise ValidationError("role", "only a team lead or an admin may release a legal hold")
    now = register.now()
    with register.unit_of_work() as session:
        case = _load(session, ref, lock=True)
        rows = session.execute(select(CaseHoldRecord).where(CaseHoldRecord.case_id == case.id,
                                                            CaseHoldRecord.released_at.is_(None))).scalars().all()
        if not rows:
            raise ValidationError("hold", f"{case.reference} has no legal hold to release")
        history = HistoryWriter(session, register.actor.login, now)
        for h in rows:
            h.released_at, h.released_by = now, register.actor.login
            history.add(case.id, "legal hold released", f"#{h.id}", "")
            _log(session, register, "hold-released", "legal hold", case.reference, f"hold #{h.id} released")
        case.updated_at, case.updated_by = now, register.actor.login
        return [_hold_view(h, case.reference) for h in rows]


def list_holds(register: Register, ref: str | int | None = None, *, include_released: bool = False) -> list[HoldView]:
    from muse_care.services.cases import _load

    with register.read() as session:
        stmt = (select(CaseHoldRecord, CaseRecord.reference).join(CaseRecord, CaseRecord.id == CaseHoldRecord.case_id)
                .order_by(CaseHoldRecord.id))
        if ref is not None:
            stmt = stmt.where(CaseHoldRecord.case_id == _load(session, ref).id)
        if not include_released:
            stmt = stmt.where(CaseHoldRecord.released_at.is_(None))
        return [_hold_view(h, reference) for h, reference in session.execute(stmt)]


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    actor: str
    action: str
    rule: str
    case_reference: str
    detail: str


def retention_log(register: Register, limit: int = 1000) -> list[LogEntry]:
    """The retention log, oldest first (the last ``limit`` entries)."""
    with register.read() as session:
        rows = session.execute(select(RetentionLogRecord).order_by(RetentionLogRecord.id.desc())
                               .limit(limit)).scalars().all()
        return [LogEntry(r.at, r.actor, r.action, r.rule, r.case_reference, r.detail) for r in reversed(rows)]


def may_run(register: Register) -> bool:
    """Our own retention runs as an admin on a team (the database allows the redaction to
    admins only), as the one user on SQLite."""
    return register.dialect == "sqlite" or register.actor.role == "admin"


def record_review(register: Register, report: AnonymiseReport) -> None:
    """The admin has seen the dry run: from now on the schedule may run by itself."""
    from muse_care.services.settings import set_setting

    if not may_run(register):
        return
    set_setting(register, "retention_reviewed", {"by": register.actor.login, "at": register.now().isoformat(),
                                                 "cases": len(report.cases)})
    with register.unit_of_work() as session:
        _log(session, register, "reviewed", "dry run seen", "",
             f"{len(report.anonymised)} case(s) to anonymise, {len(report.purged)} to lose evidence copies")


@dataclass(frozen=True)
class ScheduledRun:
    ran: bool
    why: str
    report: AnonymiseReport | None = None


_LOCK_KEY = 0x4D55_5352  # "MUSR": one scheduled retention run at a time on a team database


def run_scheduled(register: Register, open_store: Callable[[], EvidenceStore | None]) -> ScheduledRun:
    """Run our own retention if it is due today: at start, and daily on a team (each
    window asks; the first one that holds the lock and finds no run today does it).

    It runs only once an admin has seen the dry run (``record_review``), only as an
    admin on a team, at most once a day (the retention log's "run" entry), and on
    PostgreSQL under an advisory lock so two windows never run it at once."""
    if not bool(get_setting(register, "retention_auto")):
        return ScheduledRun(False, "our own retention runs only by hand (setting retention_auto is off)")
    if not get_setting(register, "retention_reviewed"):
        return ScheduledRun(False, "waiting for an admin to see the dry run: muse-care anonymise --dry-run")
    if not may_run(register):
        return ScheduledRun(False, "our own retention runs in an admin's window")
    today = register.today()
    lock_conn = None
    if register.dialect == "postgresql":
        lock_conn = register.engine.connect()
        got = lock_conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _LOCK_KEY}).scalar()
        if not got:
            lock_conn.close()
            return ScheduledRun(False, "another window is running it")
    try:
        start = datetime.combine(today, time(0, 0), register.timezone())
        with register.read() as session:
            already = session.execute(select(RetentionLogRecord.id).where(
                RetentionLogRecord.action == "run", RetentionLogRecord.at >= start).limit(1)).first()
        if already:
            return ScheduledRun(False, "already run today")
        try:
            store = open_store()
        except EvidenceError:
            store = None
        report = anonymise(register, store, today, skip_locked_evidence=True)
        with register.unit_of_work() as session:
            _log(session, register, "run", "scheduled", "",
                 f"{len(report.anonymised)} case(s) anonymised, {len(report.purged)} lost their evidence copies"
                 + (f", {len(report.held)} on legal hold" if report.held else "")
                 + (f", {len(report.postponed)} postponed (evidence store locked)" if report.postponed else ""))
        return ScheduledRun(True, "done", report)
    finally:
        if lock_conn is not None:
            lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_KEY})
            lock_conn.close()


def at_start(register: Register) -> ScheduledRun:
    """What the window does at start and once a day: clear what a killed attachment left
    in the evidence store, then run our own retention if it is due (``run_scheduled``).
    A store that needs a passphrase is not opened here (nobody is asked at start): cases
    with evidence files then wait for ``muse-care retention run``."""
    from muse_care.services import evidence_service as es

    store: EvidenceStore | None = None
    root = es.evidence_root(register)
    if es.store_kind(root) == "keyring":
        try:
            store = es.open_store(register, root=root)
            es.sweep_pending(register, store)
        except (EvidenceError, ValidationError):
            store = None
    return run_scheduled(register, lambda: store)
