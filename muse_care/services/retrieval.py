"""The retrieval log: where a case's call recordings and chat transcripts were searched
for, what was found, and when the retailer's own systems purge them.

* **Sources** (``sources`` table) are the systems interactions are kept in: the call
  recording system (6 months by default), the live-chat provider (13 months) and any the
  organisation adds (email archive, CRM), each with its retention period (or none) and
  the kind of identifier it is searched by. The two default sources are created on first
  use.
* **Retrieval entries** (``retrievals`` table) record one search or one item: the source,
  the identifier and period searched, the result, the item's reference and interaction
  date and time, who logged it and when, the attached file (copied into the encrypted
  evidence store), redaction and disclosure. ``purge_on`` is the day the source system
  purges the item; the queue flags open cases with a ``purge_on`` inside the warning
  window, so it is always filled when the source has a retention period.
* **Retention awareness**: :func:`retention_lines` for one case, :func:`retention_report`
  over every open case, :func:`hold_list` for the source systems' administrators.

Every change is written to the case's history in the same unit of work. An attached
file is sealed into the store inside the unit of work that writes its entry, bound to
that case and entry (the entry's id is known once its row is flushed); if the row cannot
be committed the stored item is deleted again, so nothing is left half-done. The store
marks the item as pending until the entry is saved, so a process killed in between
leaves a mark that the next start clears (``evidence_service.sweep_pending``).

Purge dates follow each source's rule (``retention_kind``: from the interaction, the
billing date, the last interaction, or while the customer is active) and are counted
from the day the source system files the item under, in the source's own time zone
(``timezone``; see docs/retention.md, "Dates in the source's zone").
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from muse_care.domain import validation as v
from muse_care.domain.case import OPEN_STATUSES, parse_enum
from muse_care.domain.dates import add_months, fmt_day
from muse_care.domain.errors import NotFound, StaleRecord, ValidationError
from muse_care.domain.retention import (
    DEFAULT_CALL_RECORDING_MONTHS, DEFAULT_LIVE_CHAT_MONTHS, RetentionKind, RetentionRule, RetentionSeverity,
    check_zone, parse_kind, purge_date, retention_status, source_day,
)
from muse_care.services.history import HistoryWriter
from muse_care.services.register import Register
from muse_care.store.models import CaseRecord, RetrievalRecord, SourceRecord

if TYPE_CHECKING:
    from muse_care.evidence import EvidenceStore


class Result(StrEnum):
    TO_RETRIEVE = "to-retrieve"  # an interaction is known (logged) but not yet retrieved
    FOUND = "found"
    NONE_FOUND = "none-found"
    ALREADY_PURGED = "already-purged"
    WITHHELD = "withheld-third-party"
    REDACTED = "redacted"


RESULT_LABELS: dict[Result, str] = {
    Result.TO_RETRIEVE: "To retrieve",
    Result.FOUND: "Found",
    Result.NONE_FOUND: "None found",
    Result.ALREADY_PURGED: "Already purged",
    Result.WITHHELD: "Withheld (others' data)",
    Result.REDACTED: "Redacted",
}

#: Results meaning the source system (still) holds the item.
HELD_RESULTS = frozenset({Result.TO_RETRIEVE, Result.FOUND, Result.WITHHELD, Result.REDACTED})
#: Results that may carry a file.
FILE_RESULTS = frozenset({Result.FOUND, Result.REDACTED, Result.WITHHELD})


class IdentifierKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    ACCOUNT = "account"


DEFAULT_SOURCES: tuple[tuple[str, str, int, IdentifierKind], ...] = (
    ("call-recording", "Call recordings", DEFAULT_CALL_RECORDING_MONTHS, IdentifierKind.PHONE),
    ("live-chat", "Live chat provider", DEFAULT_LIVE_CHAT_MONTHS, IdentifierKind.EMAIL),
)
#: How a line names an item of the default sources ("recording of Fri 12 Jun 2026").
_NOUNS = {"call-recording": "recording", "live-chat": "chat"}

MAX_ITEM_REF = 200
MAX_IDENTIFIER = 254
MAX_FILE_NAME = 255
MAX_RETENTION_MONTHS = 1200
_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")
_UNSET: Any = object()


# --- plain views ------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceView:
    id: int
    code: str
    name: str
    retention_months: int | None
    identifier_kind: str
    active: bool
    retention_kind: str = RetentionKind.INTERACTION.value
    timezone: str = ""  # the zone the source dates its items in; "" = the organisation's

    @property
    def noun(self) -> str:
        return _NOUNS.get(self.code, f"{self.name} item")

    @property
    def rule(self) -> RetentionRule:
        return RetentionRule(RetentionKind(self.retention_kind), self.retention_months)

    @property
    def rule_text(self) -> str:
        zone = f", dated in {self.timezone}" if self.timezone else ""
        return self.rule.describe() + zone


@dataclass(frozen=True)
class RetrievalView:
    """One retrieval entry, as the window and the CLI show it. Plain data."""

    id: int
    case_id: int
    case_reference: str
    source_code: str
    source_name: str
    identifier_kind: str
    identifier: str
    period_from: date | None
    period_to: date | None
    result: Result
    item_ref: str
    interaction_date: date | None
    interaction_at: datetime | None  # aware, UTC; None when only the day is known
    interaction_time: str  # HH:MM in the organisation's time zone, or ""
    purge_on: date | None
    retrieved_by: str
    retrieved_at: datetime
    evidence_id: str
    file_name: str
    file_size: int | None
    sha256: str
    redaction_needed: bool
    redaction_done: bool
    disclosed_in: str
    disclosed_at: datetime | None
    notes: str
    version: int

    @property
    def has_file(self) -> bool:
        return bool(self.evidence_id)

    @property
    def result_label(self) -> str:
        return RESULT_LABELS[self.result]


@dataclass(frozen=True)
class RetentionLine:
    """How long the source still holds one logged interaction, in words and as data."""

    retrieval_id: int
    case_reference: str
    source_code: str
    source_name: str
    identifier: str
    item_ref: str
    interaction_date: date
    purge_on: date
    days_left: int
    severity: RetentionSeverity
    secured: bool  # a copy is already in the evidence store
    text: str
    rule: str = ""  # the source's retention rule, in words
    held_since: date | None = None  # on a preservation hold sent that day


@dataclass(frozen=True)
class CoverageLine:
    """For one source: interactions before ``held_from`` are already purged."""

    source_code: str
    source_name: str
    retention_months: int
    held_from: date
    text: str


@dataclass(frozen=True)
class HoldItem:
    """One line of the preservation-hold list: an item the source must not delete."""

    case_reference: str
    source_code: str
    source_name: str
    identifier: str
    item_ref: str
    interaction_date: date | None
    interaction_time: str
    purge_on: date | None
    result: str
    rule: str = ""
    held_since: date | None = None


@dataclass
class RetrievalDraft:
    """What an agent typed for a new entry, before validation."""

    source: str = ""
    result: str = ""
    identifier: str = ""
    period_from: date | None = None
    period_to: date | None = None
    interaction_date: date | None = None
    interaction_time: time | None = None
    item_ref: str = ""
    file: str | os.PathLike[str] | None = None
    redaction_needed: bool = False
    redaction_done: bool = False
    notes: str = ""


# --- sources ----------------------------------------------------------------------------

def _source_view(rec: SourceRecord) -> SourceView:
    return SourceView(rec.id, rec.code, rec.name, rec.retention_months, rec.identifier_kind, rec.active,
                      rec.retention_kind or RetentionKind.INTERACTION.value, rec.timezone or "")


def ensure_default_sources(register: Register) -> None:
    """Create ``call-recording`` and ``live-chat`` if they do not exist (idempotent; safe
    when two agents start at once)."""
    with register.read() as session:
        have = set(session.execute(select(SourceRecord.code)).scalars())
    missing = [s for s in DEFAULT_SOURCES if s[0] not in have]
    if not missing:
        return
    try:
        with register.unit_of_work() as session:
            history = HistoryWriter(session, register.actor.login, register.now())
            for code, name, months, kind in missing:
                if session.execute(select(SourceRecord.id).where(SourceRecord.code == code)).first():
                    continue
                session.add(SourceRecord(code=code, name=name, retention_months=months,
                                         identifier_kind=kind.value, active=True))
                history.add(None, "source:add", "", _describe_source(code, name, months, kind.value))
    except IntegrityError:
        pass  # someone else created them at the same moment


def _describe_source(code: str, name: str, months: int | None, kind: str,
                     rule: str = RetentionKind.INTERACTION.value, zone: str = "") -> str:
    kept = f"{months} months" if months else "no retention period"
    if rule != RetentionKind.INTERACTION.value:
        kept = RetentionRule(RetentionKind(rule), months).describe()
    return f"{code}: {name}, {kept}, searched by {kind}" + (f", dated in {zone}" if zone else "")


def _describe(rec: SourceRecord) -> str:
    return _describe_source(rec.code, rec.name, rec.retention_months, rec.identifier_kind,
                            rec.retention_kind or RetentionKind.INTERACTION.value, rec.timezone or "") + (
        "" if rec.active else " (inactive)")


def list_sources(register: Register, *, include_inactive: bool = False) -> list[SourceView]:
    ensure_default_sources(register)
    with register.read() as session:
        stmt = select(SourceRecord).order_by(SourceRecord.id)
        if not include_inactive:
            stmt = stmt.where(SourceRecord.active.is_(True))
        return [_source_view(r) for r in session.execute(stmt).scalars()]


def _clean_code(code: str) -> str:
    text = v.clean_text("code", code, max_len=40, required=True).lower()
    if not _CODE.fullmatch(text):
        raise ValidationError("code", f"'{text}' is not a source code: use 2 to 40 lower-case letters, "
                              "digits and hyphens (e.g. email-archive)")
    return text


def _clean_months(months: int | None) -> int | None:
    if months is None:
        return None
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_RETENTION_MONTHS:
        raise ValidationError("retention_months", f"{months!r} is not a number of months "
                              f"from 1 to {MAX_RETENTION_MONTHS} (or none)")
    return months


def _clean_zone(zone: str | None) -> str:
    text = v.clean_text("timezone", zone or "", max_len=64)
    return check_zone(text) if text else ""


def add_source(register: Register, code: str, name: str, retention_months: int | None,
               identifier_kind: str, *, retention_kind: str = RetentionKind.INTERACTION.value,
               timezone: str = "") -> SourceView:
    ensure_default_sources(register)
    code = _clean_code(code)
    name = v.clean_text("name", name, max_len=120, required=True)
    months = _clean_months(retention_months)
    kind = parse_enum(IdentifierKind, "identifier_kind", identifier_kind)
    rule = parse_kind(retention_kind).value
    zone = _clean_zone(timezone)
    with register.unit_of_work() as session:
        if session.execute(select(SourceRecord.id).where(SourceRecord.code == code)).first():
            raise ValidationError("code", f"a source '{code}' already exists; change it with update")
        rec = SourceRecord(code=code, name=name, retention_months=months, identifier_kind=kind.value,
                           active=True, retention_kind=rule, timezone=zone)
        session.add(rec)
        session.flush()
        HistoryWriter(session, register.actor.login, register.now()).add(None, "source:add", "", _describe(rec))
        return _source_view(rec)


def update_source(register: Register, code: str, *, name: str | None = None,
                  retention_months: int | None = _UNSET, identifier_kind: str | None = None,
                  active: bool | None = None, retention_kind: str | None = None,
                  timezone: str | None = None) -> SourceView:
    """Change a source. A new retention period, rule or time zone recomputes the purge
    date of every entry logged against it, so the queue's warnings follow."""
    ensure_default_sources(register)
    code = _clean_code(code)
    new_name = v.clean_text("name", name, max_len=120, required=True) if name is not None else None
    months = _clean_months(retention_months) if retention_months is not _UNSET else _UNSET
    kind = parse_enum(IdentifierKind, "identifier_kind", identifier_kind).value if identifier_kind else None
    rule = parse_kind(retention_kind).value if retention_kind else None
    zone = _clean_zone(timezone) if timezone is not None else None
    with register.unit_of_work() as session:
        rec = session.execute(select(SourceRecord).where(SourceRecord.code == code)).scalar_one_or_none()
        if rec is None:
            raise NotFound(f"no source '{code}'")
        before = _describe(rec)
        recompute = False
        if rule is not None and rule != rec.retention_kind:
            rec.retention_kind, recompute = rule, True
        if zone is not None and zone != (rec.timezone or ""):
            rec.timezone, recompute = zone, True
        if new_name is not None:
            rec.name = new_name
        if kind is not None:
            rec.identifier_kind = kind
        if active is not None:
            rec.active = active
        history = HistoryWriter(session, register.actor.login, register.now())
        if months is not _UNSET and months != rec.retention_months:
            rec.retention_months, recompute = months, True
        if recompute:
            org_zone = register.timezone().key
            entries = session.execute(select(RetrievalRecord).where(RetrievalRecord.source_id == rec.id)
                                      .order_by(RetrievalRecord.id)).scalars().all()
            last: dict[int, date] = {}
            for r in entries:
                if r.interaction_date:
                    day = source_day(r.interaction_at, r.interaction_date, rec.timezone or org_zone, org_zone)
                    last[r.case_id] = max(last.get(r.case_id, day), day)
            for r in entries:
                new_purge = _purge_for(rec, r.interaction_date, r.interaction_at, org_zone, last.get(r.case_id))
                if new_purge != r.purge_on:
                    history.add(r.case_id, "retrieval:purge-date", _iso(r.purge_on),
                                f"#{r.id}: {_iso(new_purge)} (retention of {code} changed)")
                    r.purge_on = new_purge
        after = _describe(rec)
        if after != before:
            history.add(None, "source:update", before, after)
        session.flush()
        return _source_view(rec)


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def _purge_for(source: SourceRecord, day: date | None, at: datetime | None, org_zone: str,
               last_day: date | None = None) -> date | None:
    """The day ``source`` purges an item of ``day`` (``at``, if the time is known), by the
    source's rule and in its own zone; None when the rule gives no date."""
    rule = RetentionRule(RetentionKind(source.retention_kind or RetentionKind.INTERACTION.value),
                         source.retention_months)
    if day is None or not rule.has_date or not source.retention_months:
        return None
    filed = source_day(at, day, source.timezone or org_zone, org_zone)
    if rule.kind is RetentionKind.LAST_INTERACTION and last_day is not None:
        filed = max(filed, last_day)  # the last interaction we know of: the earliest it can be
    return purge_date(filed, source.retention_months)


def _refresh_last_interaction(session: Session, register: Register, source: SourceRecord, case_id: int,
                              history: HistoryWriter) -> None:
    """Under a "from the last interaction" rule every item of the case from that source
    is purged from the latest interaction logged."""
    if (source.retention_kind or "") != RetentionKind.LAST_INTERACTION.value:
        return
    org_zone = register.timezone().key
    rows = session.execute(select(RetrievalRecord).where(RetrievalRecord.case_id == case_id,
                                                         RetrievalRecord.source_id == source.id)).scalars().all()
    days = [source_day(r.interaction_at, r.interaction_date, source.timezone or org_zone, org_zone)
            for r in rows if r.interaction_date]
    if not days:
        return
    latest = max(days)
    for r in rows:
        new_purge = _purge_for(source, r.interaction_date, r.interaction_at, org_zone, latest)
        if new_purge != r.purge_on:
            if r.purge_on is not None:
                history.add(case_id, "retrieval:purge-date", _iso(r.purge_on),
                            f"#{r.id}: {_iso(new_purge)} (a later interaction was logged)")
            r.purge_on = new_purge

def _get_source(session: Session, code: str) -> SourceRecord:
    text = v.clean_text("source", code, max_len=40, required=True).lower()
    rec = session.execute(select(SourceRecord).where(SourceRecord.code == text)).scalar_one_or_none()
    if rec is None:
        known = ", ".join(session.execute(select(SourceRecord.code).where(SourceRecord.active.is_(True))
                                          .order_by(SourceRecord.id)).scalars())
        raise ValidationError("source", f"unknown source '{text}'; use one of: {known}")
    if not rec.active:
        raise ValidationError("source", f"source '{text}' is no longer in use")
    return rec


# --- entries ----------------------------------------------------------------------------

def _load_case(session: Session, ref: str | int, *, lock: bool = False) -> CaseRecord:
    from muse_care.services.cases import _load

    return _load(session, ref, lock=lock)


def _local_time(register: Register, at: datetime | None) -> str:
    if at is None:
        return ""
    return at.astimezone(register.timezone()).strftime("%H:%M")


def to_view(register: Register, rec: RetrievalRecord, source: SourceRecord, reference: str) -> RetrievalView:
    return RetrievalView(
        id=rec.id, case_id=rec.case_id, case_reference=reference, source_code=source.code,
        source_name=source.name, identifier_kind=source.identifier_kind, identifier=rec.identifier,
        period_from=rec.period_from, period_to=rec.period_to, result=Result(rec.result),
        item_ref=rec.item_ref, interaction_date=rec.interaction_date, interaction_at=rec.interaction_at,
        interaction_time=_local_time(register, rec.interaction_at), purge_on=rec.purge_on,
        retrieved_by=rec.retrieved_by, retrieved_at=rec.retrieved_at, evidence_id=rec.evidence_id,
        file_name=rec.file_name, file_size=rec.file_size, sha256=rec.sha256,
        redaction_needed=rec.redaction_needed, redaction_done=rec.redaction_done,
        disclosed_in=rec.disclosed_in, disclosed_at=rec.disclosed_at, notes=rec.notes,
        version=rec.version)


def _check_identifier(kind: str, value: str, country: str) -> str:
    if not value.strip():
        return ""
    if kind == IdentifierKind.PHONE:
        return v.validate_phone(value, country, field="identifier")
    if kind == IdentifierKind.EMAIL:
        return v.validate_email(value, field="identifier")
    return v.clean_text("identifier", value, max_len=MAX_IDENTIFIER)


def _default_identifier(kind: str, case: CaseRecord) -> str:
    return {IdentifierKind.PHONE.value: case.requester_phone, IdentifierKind.EMAIL.value: case.requester_email,
            IdentifierKind.ACCOUNT.value: case.account_ref}.get(kind, "")


def mask(identifier: str) -> str:
    """An identifier as the history shows it: enough to tell entries apart, not to reach anyone."""
    if not identifier:
        return "(none)"
    if "@" in identifier:
        local, _, domain = identifier.partition("@")
        return f"{local[:1]}…@{domain}"
    return f"…{identifier[-4:]}" if len(identifier) > 4 else "…"


def check_file(path: str | os.PathLike[str]) -> Path:
    """The file to attach: it must exist, be a regular file and be readable."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ValidationError("file", f"{p.name or p} does not exist") from None
    except OSError as exc:
        raise ValidationError("file", f"cannot read {p.name}: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ValidationError("file", f"{p.name} is not a regular file")
    if not os.access(p, os.R_OK):
        raise ValidationError("file", f"{p.name} is not readable (check its permissions)")
    name = v.clean_text("file", p.name, max_len=MAX_FILE_NAME, required=True)
    if name in (".", ".."):
        raise ValidationError("file", "needs a file name")
    return p


@dataclass(frozen=True)
class _Clean:
    result: Result
    identifier_raw: str
    period_from: date | None
    period_to: date | None
    interaction_date: date | None
    interaction_time: time | None
    item_ref: str
    file: Path | None
    redaction_needed: bool
    redaction_done: bool
    notes: str


def _validate(register: Register, draft: RetrievalDraft) -> _Clean:
    today = register.today()
    file = check_file(draft.file) if draft.file not in (None, "") else None
    if draft.result.strip():
        result = parse_enum(Result, "result", draft.result)
    else:
        result = Result.FOUND if file is not None else Result.TO_RETRIEVE
    if file is not None and result not in FILE_RESULTS:
        raise ValidationError("file", f"a '{result.value}' entry has no file; attach files to found, "
                              "redacted or withheld entries")
    for name, d in (("period_from", draft.period_from), ("period_to", draft.period_to),
                    ("interaction_date", draft.interaction_date)):
        if d is not None and d > today:
            raise ValidationError(name, f"{d.isoformat()} is in the future (today is {today.isoformat()})")
    if (draft.period_from is None) != (draft.period_to is None):
        raise ValidationError("period_from" if draft.period_from is None else "period_to",
                              "give both ends of the period searched, or neither")
    if draft.period_from and draft.period_to and draft.period_from > draft.period_to:
        raise ValidationError("period_from", f"{draft.period_from.isoformat()} is after the end of the "
                              f"period, {draft.period_to.isoformat()}")
    if draft.interaction_date is None:
        if result is not Result.NONE_FOUND and result is not Result.ALREADY_PURGED:
            raise ValidationError("interaction_date", f"a '{result.value}' entry needs the interaction's date")
        if draft.interaction_time is not None:
            raise ValidationError("interaction_time", "give the interaction's date too")
    if result is Result.NONE_FOUND and draft.period_from is None:
        raise ValidationError("period_from", "say which period was searched when nothing was found")
    if draft.interaction_date and draft.period_from and draft.period_to and not (
            draft.period_from <= draft.interaction_date <= draft.period_to):
        raise ValidationError("interaction_date", f"{draft.interaction_date.isoformat()} is outside the "
                              "period searched")
    item_ref = v.clean_text("item_ref", draft.item_ref, max_len=MAX_ITEM_REF)
    notes = v.clean_text("notes", draft.notes, max_len=v.MAX_NOTE, multiline=True)
    identifier = v.clean_text("identifier", draft.identifier, max_len=MAX_IDENTIFIER)
    needed, done = bool(draft.redaction_needed), bool(draft.redaction_done)
    if result is Result.REDACTED:
        needed = done = True
    if done and not needed:
        needed = True
    return _Clean(result, identifier, draft.period_from, draft.period_to, draft.interaction_date,
                  draft.interaction_time, item_ref, file, needed, done, notes)


def _interaction_at(register: Register, day: date | None, at: time | None) -> datetime | None:
    if day is None or at is None:
        return None
    moment = datetime.combine(day, at.replace(second=0, microsecond=0), register.timezone())
    if moment > register.now():
        raise ValidationError("interaction_time", f"{day.isoformat()} {at:%H:%M} is in the future")
    return moment


def _summary(rec: RetrievalRecord, source_code: str) -> str:
    parts = [f"#{rec.id} {source_code}"]
    if rec.interaction_date:
        when = rec.interaction_date.isoformat()
        parts.append(when)
    parts.append(rec.result)
    parts.append(f"identifier {mask(rec.identifier)}")
    if rec.period_from and rec.period_to:
        parts.append(f"searched {rec.period_from.isoformat()}..{rec.period_to.isoformat()}")
    if rec.item_ref:
        parts.append(f"item {rec.item_ref}")
    if rec.purge_on:
        parts.append(f"purged on {rec.purge_on.isoformat()}")
    if rec.redaction_needed:
        parts.append("redaction " + ("done" if rec.redaction_done else "needed"))
    return "; ".join(parts)


def _file_summary(rec: RetrievalRecord) -> str:
    return f"#{rec.id}: {rec.file_name}, {rec.file_size:,} bytes, SHA-256 {rec.sha256}"


def _need_store(store: EvidenceStore | None) -> EvidenceStore:
    if store is None:
        raise ValidationError("file", "the evidence store is not open; a file cannot be attached")
    return store


def _attach(session: Session, store: EvidenceStore, item_id: str, rec: RetrievalRecord, file: Path) -> Any:
    """Seal ``file`` bound to ``rec``'s case and entry and record it on the row (without
    bumping the row's version: this is part of the write that made or changed it)."""
    stored = store.put(file, binding=(rec.case_id, rec.id), item_id=item_id)
    session.execute(update(RetrievalRecord).where(RetrievalRecord.id == rec.id).values(
        evidence_id=stored.item_id, sha256=stored.sha256, file_size=stored.size, file_name=file.name)
        .execution_options(synchronize_session="fetch"))
    return stored


def add_retrieval(register: Register, ref: str | int, draft: RetrievalDraft,
                  store: EvidenceStore | None = None) -> RetrievalView:
    """Log a search or an item on a case; a file is copied into ``store`` first."""
    ensure_default_sources(register)
    clean = _validate(register, draft)
    interaction_at = _interaction_at(register, clean.interaction_date, clean.interaction_time)
    # Check what the database will check before storing a possibly huge file.
    with register.read() as session:
        case = _load_case(session, ref)
        source = _get_source(session, draft.source)
        identifier = _check_identifier(source.identifier_kind,
                                       clean.identifier_raw or _default_identifier(source.identifier_kind, case),
                                       case.country)
    item_id = _need_store(store).reserve() if clean.file is not None else None
    try:
        now = register.now()
        with register.unit_of_work() as session:
            case = _load_case(session, ref, lock=True)
            source = _get_source(session, draft.source)
            purge_on = _purge_for(source, clean.interaction_date, interaction_at, register.timezone().key)
            rec = RetrievalRecord(
                case_id=case.id, source_id=source.id, identifier=identifier,
                period_from=clean.period_from, period_to=clean.period_to, result=clean.result.value,
                item_ref=clean.item_ref, interaction_at=interaction_at,
                interaction_date=clean.interaction_date, purge_on=purge_on,
                retrieved_by=register.actor.login, retrieved_at=now,
                evidence_id="", file_name="", file_size=None, sha256="",
                redaction_needed=clean.redaction_needed, redaction_done=clean.redaction_done,
                disclosed_in="", disclosed_at=None, notes=clean.notes)
            session.add(rec)
            session.flush()
            history = HistoryWriter(session, register.actor.login, now)
            if item_id is not None and clean.file is not None and store is not None:
                _attach(session, store, item_id, rec, clean.file)
            history.add(case.id, "retrieval:add", "", _summary(rec, source.code))
            if item_id is not None:
                history.add(case.id, "retrieval:file", "", _file_summary(rec))
            _refresh_last_interaction(session, register, source, case.id, history)
            case.updated_at, case.updated_by = now, register.actor.login
            session.flush()
            view = to_view(register, rec, source, case.reference)
    except BaseException:
        if item_id is not None and store is not None:
            store.delete(item_id, missing_ok=True)
            store.settle(item_id)
        raise
    if item_id is not None and store is not None:
        store.settle(item_id)
    return view


def _load_entry(session: Session, retrieval_id: int, *, lock: bool = False) -> tuple[RetrievalRecord, SourceRecord,
                                                                                      CaseRecord]:
    stmt = select(RetrievalRecord).where(RetrievalRecord.id == retrieval_id)
    if lock and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    rec = session.execute(stmt).scalar_one_or_none()
    if rec is None:
        raise NotFound(f"no retrieval entry #{retrieval_id}")
    source = session.get(SourceRecord, rec.source_id)
    case = session.get(CaseRecord, rec.case_id)
    assert source is not None and case is not None
    return rec, source, case


def update_retrieval(register: Register, retrieval_id: int, *, result: str | None = None,
                     redaction_needed: bool | None = None, redaction_done: bool | None = None,
                     item_ref: str | None = None, file: str | os.PathLike[str] | None = None,
                     store: EvidenceStore | None = None, notes: str | None = None,
                     expected_version: int | None = None) -> RetrievalView:
    """Change an entry: its result, redaction, reference, notes, or attach its file
    (an entry keeps the first file attached; log a new entry for another)."""
    new_result = parse_enum(Result, "result", result) if result else None
    new_ref = v.clean_text("item_ref", item_ref, max_len=MAX_ITEM_REF) if item_ref is not None else None
    new_notes = v.clean_text("notes", notes, max_len=v.MAX_NOTE, multiline=True) if notes is not None else None
    path = check_file(file) if file not in (None, "") else None
    with register.read() as session:
        rec, _source, _case = _load_entry(session, retrieval_id)
        if path is not None and rec.evidence_id:
            raise ValidationError("file", f"entry #{rec.id} already has its file ({rec.file_name}); "
                                  "log a new entry for another file")
        final_result = new_result or Result(rec.result)
        if path is not None and new_result is None and final_result is Result.TO_RETRIEVE:
            final_result = Result.FOUND
        if path is not None and final_result not in FILE_RESULTS:
            raise ValidationError("file", f"a '{final_result.value}' entry has no file")
        if rec.evidence_id and final_result not in FILE_RESULTS:
            raise ValidationError("result", f"entry #{rec.id} has a file; its result cannot be "
                                  f"'{final_result.value}'")
        if final_result in (Result.FOUND, Result.REDACTED, Result.WITHHELD, Result.TO_RETRIEVE) \
                and rec.interaction_date is None:
            raise ValidationError("result", f"a '{final_result.value}' entry needs the interaction's date; "
                                  "log a new entry with it")
    item_id = _need_store(store).reserve() if path is not None else None
    try:
        now = register.now()
        with register.unit_of_work() as session:
            rec, source, case = _load_entry(session, retrieval_id, lock=True)
            if expected_version is not None and rec.version != expected_version:
                raise StaleRecord(f"retrieval entry #{rec.id}", rec.retrieved_by, rec.retrieved_at)
            if item_id is not None and rec.evidence_id:
                raise ValidationError("file", f"entry #{rec.id} already has its file")
            stored = None
            if item_id is not None and path is not None and store is not None:
                stored = _attach(session, store, item_id, rec, path)
            history = HistoryWriter(session, register.actor.login, now)
            before = _summary(rec, source.code)
            res = new_result or Result(rec.result)
            if stored is not None and new_result is None and res is Result.TO_RETRIEVE:
                res = Result.FOUND
            rec.result = res.value
            if new_ref is not None:
                rec.item_ref = new_ref
            if redaction_needed is not None:
                rec.redaction_needed = redaction_needed
            if redaction_done is not None:
                rec.redaction_done = redaction_done
            if res is Result.REDACTED:
                rec.redaction_needed = rec.redaction_done = True
            if rec.redaction_done and not rec.redaction_needed:
                rec.redaction_needed = True
            if new_notes is not None and new_notes != rec.notes:
                rec.notes = new_notes
                history.add(case.id, "retrieval:notes", "", f"#{rec.id}: notes changed")
            if stored is not None and path is not None:
                rec.retrieved_by, rec.retrieved_at = register.actor.login, now
                history.add(case.id, "retrieval:file", "", _file_summary(rec))
            after = _summary(rec, source.code)
            if after != before:
                history.add(case.id, "retrieval:update", before, after)
            case.updated_at, case.updated_by = now, register.actor.login
            session.flush()
            view = to_view(register, rec, source, case.reference)
    except BaseException:
        if item_id is not None and store is not None:
            store.delete(item_id, missing_ok=True)
            store.settle(item_id)
        raise
    if item_id is not None and store is not None:
        store.settle(item_id)
    return view


def list_retrievals(register: Register, ref: str | int) -> list[RetrievalView]:
    with register.read() as session:
        case = _load_case(session, ref)
        rows = session.execute(
            select(RetrievalRecord, SourceRecord).join(SourceRecord, SourceRecord.id == RetrievalRecord.source_id)
            .where(RetrievalRecord.case_id == case.id).order_by(RetrievalRecord.id)).all()
        return [to_view(register, r, s, case.reference) for r, s in rows]


def get_retrieval(register: Register, retrieval_id: int) -> RetrievalView:
    with register.read() as session:
        rec, source, case = _load_entry(session, retrieval_id)
        return to_view(register, rec, source, case.reference)


# --- retention --------------------------------------------------------------------------

def _line(register: Register, rec: RetrievalRecord, source: SourceRecord, reference: str, as_of: date,
          warn: int, *, case_open: bool = True) -> RetentionLine | None:
    if rec.interaction_date is None or rec.purge_on is None:
        return None
    sv = _source_view(source)
    status = retention_status(rec.interaction_date, rec.purge_on, as_of, warn, what=sv.noun,
                              held_since=rec.held_since if case_open else None)
    text = status.explanation
    secured = bool(rec.evidence_id)
    if secured and status.days_left > 0:
        text = text.removesuffix("; retrieve now").removesuffix(" left")
        text += "; retrieved, a copy is in the evidence store"
    return RetentionLine(rec.id, reference, source.code, source.name, rec.identifier, rec.item_ref,
                         rec.interaction_date, status.purge_date, status.days_left, status.severity, secured,
                         text[:1].upper() + text[1:], sv.rule_text, rec.held_since)


def warn_days(register: Register) -> int:
    from muse_care.services.settings import get_setting

    return int(get_setting(register, "retention_warn_days"))


def retention_lines(register: Register, ref: str | int, as_of: date | None = None) -> list[RetentionLine]:
    """Every interaction logged on the case that the source holds (or held): one line each,
    soonest purge first, including those logged but not yet retrieved."""
    as_of = as_of or register.today()
    warn = warn_days(register)
    with register.read() as session:
        case = _load_case(session, ref)
        rows = session.execute(
            select(RetrievalRecord, SourceRecord).join(SourceRecord, SourceRecord.id == RetrievalRecord.source_id)
            .where(RetrievalRecord.case_id == case.id,
                   RetrievalRecord.result.in_([r.value for r in HELD_RESULTS]))
            .order_by(RetrievalRecord.purge_on, RetrievalRecord.id)).all()
        is_open = bool(case.is_open)
        lines = [_line(register, r, s, case.reference, as_of, warn, case_open=is_open) for r, s in rows]
    return [x for x in lines if x is not None]


def held_from(as_of: date, retention_months: int) -> date:
    """The earliest interaction day a source with this retention still holds on ``as_of``."""
    day = add_months(as_of, -retention_months) - timedelta(days=4)
    while purge_date(day, retention_months) <= as_of:
        day += timedelta(days=1)
    return day


def coverage_lines(register: Register, as_of: date | None = None) -> list[CoverageLine]:
    """Per source with a retention period: what is already gone, so a search goes no further back."""
    as_of = as_of or register.today()
    out = []
    for s in list_sources(register):
        if not s.retention_months:
            continue
        start = held_from(as_of, s.retention_months)
        if not s.rule.has_date:
            continue
        out.append(CoverageLine(s.code, s.name, s.retention_months, start,
                                f"{s.name} ({s.rule_text}): interactions before "
                                f"{fmt_day(start)} are already purged; later ones are still held"))
    return out


@dataclass(frozen=True)
class ReportLine:
    line: RetentionLine
    case_status: str
    case_due: date | None


def retention_report(register: Register, as_of: date | None = None) -> list[ReportLine]:
    """Each interaction still held for an open case (purge date today or later), soonest first."""
    as_of = as_of or register.today()
    warn = warn_days(register)
    open_values = [s.value for s in OPEN_STATUSES]
    with register.read() as session:
        rows = session.execute(
            select(RetrievalRecord, SourceRecord, CaseRecord.reference, CaseRecord.status, CaseRecord.due_date)
            .join(SourceRecord, SourceRecord.id == RetrievalRecord.source_id)
            .join(CaseRecord, CaseRecord.id == RetrievalRecord.case_id)
            .where(CaseRecord.status.in_(open_values),
                   or_(RetrievalRecord.purge_on >= as_of, RetrievalRecord.held_since < RetrievalRecord.purge_on),
                   RetrievalRecord.result.in_([r.value for r in HELD_RESULTS]))
            .order_by(RetrievalRecord.purge_on, RetrievalRecord.id)).all()
        out = []
        for rec, source, reference, status, due in rows:
            line = _line(register, rec, source, reference, as_of, warn)
            if line is not None:
                out.append(ReportLine(line, status, due))
    return out


def hold_list(register: Register, as_of: date | None = None) -> list[HoldItem]:
    """Every item of an open case that its source must not delete: held results whose
    purge date has not passed (or whose source keeps things indefinitely), and every item
    already on a hold list sent before its purge date: once on the list, an item stays on
    it until its case ends, whatever its normal purge date."""
    as_of = as_of or register.today()
    open_values = [s.value for s in OPEN_STATUSES]
    with register.read() as session:
        rows = session.execute(
            select(RetrievalRecord, SourceRecord, CaseRecord.reference)
            .join(SourceRecord, SourceRecord.id == RetrievalRecord.source_id)
            .join(CaseRecord, CaseRecord.id == RetrievalRecord.case_id)
            .where(CaseRecord.status.in_(open_values),
                   RetrievalRecord.result.in_([r.value for r in HELD_RESULTS]),
                   or_(RetrievalRecord.purge_on >= as_of,
                       RetrievalRecord.held_since < RetrievalRecord.purge_on,
                       and_(RetrievalRecord.purge_on.is_(None), RetrievalRecord.interaction_date.is_not(None))))
            .order_by(SourceRecord.code, RetrievalRecord.purge_on, RetrievalRecord.id)).all()
        return [HoldItem(reference, s.code, s.name, r.identifier, r.item_ref, r.interaction_date,
                         _local_time(register, r.interaction_at), r.purge_on, r.result,
                         _source_view(s).rule_text, r.held_since)
                for r, s, reference in rows]


def mark_held(register: Register, as_of: date | None = None) -> list[HoldItem]:
    """The hold list as sent to the source systems today: every item on it not yet held is
    marked held from ``as_of`` (a history entry on its case), so it stays on later lists
    until its case ends. Returns the list."""
    as_of = as_of or register.today()
    items = hold_list(register, as_of)
    open_values = [s.value for s in OPEN_STATUSES]
    now = register.now()
    with register.unit_of_work() as session:
        rows = session.execute(
            select(RetrievalRecord).join(CaseRecord, CaseRecord.id == RetrievalRecord.case_id)
            .where(CaseRecord.status.in_(open_values), RetrievalRecord.held_since.is_(None),
                   RetrievalRecord.result.in_([r.value for r in HELD_RESULTS]),
                   RetrievalRecord.interaction_date.is_not(None),
                   or_(RetrievalRecord.purge_on >= as_of, RetrievalRecord.purge_on.is_(None)))).scalars().all()
        history = HistoryWriter(session, register.actor.login, now)
        for r in rows:
            session.execute(update(RetrievalRecord).where(RetrievalRecord.id == r.id)
                            .values(held_since=as_of).execution_options(synchronize_session=False))
            history.add(r.case_id, "retrieval:hold", "", f"#{r.id}: on the preservation-hold list from "
                        f"{as_of.isoformat()}")
    return [HoldItem(**{**h.__dict__, "held_since": h.held_since or as_of}) for h in items]

