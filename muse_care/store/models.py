"""SQLAlchemy models of the case register.

Tables are the storage shape only; rules live in ``muse_care.domain`` and use cases in
``muse_care.services``. Derived values (the due date and its explanation) are stored so
the queue can sort and filter on them with an index; they are always recomputed from the
recorded clock events by the service that writes the case, never typed in.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    Boolean, Computed, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData,
    String, Text, UniqueConstraint, BigInteger, TypeDecorator, false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from muse_care.domain.case import OPEN_STATUSES

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_OPEN_SQL = "status IN (" + ", ".join(f"'{s.value}'" for s in sorted(OPEN_STATUSES)) + ")"


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are aware and in UTC going in and coming out, on SQLite (which keeps
    no zone) and PostgreSQL alike, so the history's hash chain reads back identically."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware one")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CaseRecord(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(32))
    is_open: Mapped[bool] = mapped_column(Boolean, Computed(_OPEN_SQL, persisted=True))
    regime: Mapped[str] = mapped_column(String(16))
    holiday_region: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    rights: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_date: Mapped[date] = mapped_column(Date)

    requester_name: Mapped[str] = mapped_column(String(200))
    requester_email: Mapped[str] = mapped_column(String(254), default="")
    requester_phone: Mapped[str] = mapped_column(String(40), default="")
    address_lines: Mapped[str] = mapped_column(Text, default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    region: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    account_ref: Mapped[str] = mapped_column(String(64), default="")
    acting_for: Mapped[str] = mapped_column(String(16), default="self")
    representative_name: Mapped[str] = mapped_column(String(200), default="")
    representative_authority: Mapped[str] = mapped_column(String(2000), default="")

    assignee: Mapped[str] = mapped_column(String(100), default="")

    clock_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    original_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    # the extension's date, and the law's day its notice went out: the due date is the
    # original one until then (migration 0027; docs/rules.md, "Told in time, or not at all")
    extended_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    extension_told_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    waiting_for: Mapped[str | None] = mapped_column(String(32), nullable=True)
    due_explained: Mapped[str] = mapped_column(Text, default="")
    acknowledge_by: Mapped[date | None] = mapped_column(Date, nullable=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    events: Mapped[list[ClockEventRecord]] = relationship(
        back_populates="case", order_by="ClockEventRecord.id", cascade="all, delete-orphan")
    checks: Mapped[list[IdentityCheckRecord]] = relationship(
        back_populates="case", order_by="IdentityCheckRecord.id", cascade="all, delete-orphan")
    notes: Mapped[list[NoteRecord]] = relationship(
        back_populates="case", order_by="NoteRecord.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_cases_open_due", "is_open", "due_date", "id"),
        Index("ix_cases_status_due", "status", "due_date", "id"),
        Index("ix_cases_assignee_open_due", "assignee", "is_open", "due_date", "id"),
        Index("ix_cases_received", "received_date", "id"),
        Index("ix_cases_name", "requester_name", "id"),
        Index("ix_cases_email", "requester_email"),
        Index("ix_cases_phone", "requester_phone"),
        Index("ix_cases_postcode", "postcode"),
    )


class ClockEventRecord(Base):
    __tablename__ = "clock_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    on_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # who recorded it late, when and why (migration 0019; docs/rules.md, "Events recorded late")
    late_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # the letter whose making recorded the event, and the event voided with that letter
    # when it is withdrawn: it counts for nothing (migration 0026; docs/letters.md, "A
    # request letter and its clock event")
    letter_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    voided_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    voided_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    void_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    case: Mapped[CaseRecord] = relationship(back_populates="events")


class IdentityCheckRecord(Base):
    __tablename__ = "identity_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(32))
    result: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")
    checked_by: Mapped[str] = mapped_column(String(100), default="")
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    case: Mapped[CaseRecord] = relationship(back_populates="checks")
    __table_args__ = (UniqueConstraint("case_id", "step"),)


class NoteRecord(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(String(100))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())

    case: Mapped[CaseRecord] = relationship(back_populates="notes")


class HistoryRecord(Base):
    """Append-only: every change to a case. Entries are hash-chained (``prev_hash`` →
    ``hash``) so an edit or a gap is detectable; nothing deletes them.

    Entries written since migration 0004 ("version 2") also hold salted digests of their
    values, and the chain covers the digests instead of the values: anonymisation may
    then blank the values (``redacted``; the salt is erased too) and the chain still
    verifies. Older entries (no digests) are chained over their values, as before."""

    __tablename__ = "history"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="RESTRICT"), nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    what: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    salt: Mapped[str | None] = mapped_column(String(32), nullable=True)
    old_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    new_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    redacted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Row entries, written by the database itself (migration 0007, store/history_sql.py):
    # which row of which guarded table, and its image after the change (JSON).
    tbl: Mapped[str | None] = mapped_column(String(32), nullable=True)
    row_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    data: Mapped[str] = mapped_column(Text, default="", server_default="")
    data_digest: Mapped[str | None] = mapped_column(String(64), nullable=True)
    txn: Mapped[str | None] = mapped_column(String(40), nullable=True)

    __table_args__ = (Index("ix_history_case", "case_id", "id"),)


class LetterRecord(Base):
    """A letter as produced: its PDF is kept so a reprint is the same document."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    layout: Mapped[str] = mapped_column(String(16))
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    generated_by: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    page_count: Mapped[int] = mapped_column(Integer)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    needs_approval: Mapped[bool] = mapped_column(Boolean, default=False)
    approved_by: Mapped[str] = mapped_column(String(100), default="")
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    dispatched_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    dispatch_method: Mapped[str] = mapped_column(String(32), default="")
    dispatched_by: Mapped[str] = mapped_column(String(100), default="")
    print_count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The address the PDF carries (JSON: lines, city, postcode, region, country), checked
    # against the case before every print; "" for letters made before it was recorded.
    recipient_address: Mapped[str] = mapped_column(Text, default="")
    # What the agent typed (JSON: fields, enclosures), so the letter can be produced again.
    request_json: Mapped[str] = mapped_column(Text, default="")
    # The letter that replaced this one (produced again): this one never prints again.
    superseded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Withdrawn: set aside, with the reason, never to print or be sent (docs/letters.md,
    # "Withdrawing a letter"); the day in the organisation's zone, and who.
    withdrawn_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    withdrawn_by: Mapped[str] = mapped_column(String(100), default="")
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_letters_generated", "generated_at"),
                      Index("ix_letters_dispatched", "dispatched_on"))


class LetterPrintRecord(Base):
    """Each print or reprint of a letter, with the reason for a reprint."""

    __tablename__ = "letter_prints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    printed_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text, default="")
    run_label: Mapped[str] = mapped_column(String(64), default="")


class PrintRunRecord(Base):
    """One print run the mailroom built: its letters, pages, who, when, the PDF's hash."""

    __tablename__ = "print_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_date: Mapped[date] = mapped_column(Date, index=True)
    paper: Mapped[str] = mapped_column(String(16))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime())
    built_by: Mapped[str] = mapped_column(String(100))
    pages: Mapped[int] = mapped_column(Integer)
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    reprint_reason: Mapped[str] = mapped_column(Text, default="")


class PrintRunLetterRecord(Base):
    """A letter in a print run, in the run's order."""

    __tablename__ = "print_run_letters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("print_runs.id", ondelete="CASCADE"), index=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer)  # as printed, with the blank page that pads it
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)


class SourceRecord(Base):
    """A system where interactions are kept: call recordings, live chat, email archive…"""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    retention_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    identifier_kind: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # what the period counts from (domain.retention.RetentionKind), and the zone the
    # source dates its items in ("" = the organisation's); migration 0008
    retention_kind: Mapped[str] = mapped_column(String(32), default="interaction", server_default="interaction")
    timezone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # What the source declares as one of the organisation's systems (migration 0013).
    owner: Mapped[str] = mapped_column(String(120), default="")
    holds: Mapped[str] = mapped_column(Text, default="")
    retention_text: Mapped[str] = mapped_column(String(200), default="")
    actions: Mapped[str] = mapped_column(Text, default="{}")
    keeps_under: Mapped[str] = mapped_column(String(300), default="")


class RetrievalRecord(Base):
    __tablename__ = "retrievals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
    identifier: Mapped[str] = mapped_column(String(254), default="")
    period_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    period_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    result: Mapped[str] = mapped_column(String(32))
    item_ref: Mapped[str] = mapped_column(String(200), default="")
    interaction_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    interaction_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    purge_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    retrieved_by: Mapped[str] = mapped_column(String(100))
    retrieved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    evidence_id: Mapped[str] = mapped_column(String(64), default="")
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    redaction_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    redaction_done: Mapped[bool] = mapped_column(Boolean, default=False)
    disclosed_in: Mapped[str] = mapped_column(String(200), default="")
    disclosed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    held_since: Mapped[date | None] = mapped_column(Date, nullable=True)  # first on a hold list (0008)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_retrievals_purge", "purge_on"),)


class SettingRecord(Base):
    """Organisation-wide settings (the organisation profile, default regime, sources…),
    one JSON value per declared key."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class UserRecord(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class HistorySealRecord(Base):
    """The seal of the history: how many entries and the newest hash, moved on by a
    trigger with every append (only a SECURITY DEFINER function writes it on PostgreSQL;
    on SQLite ``mac`` is an HMAC under a key in the OS keychain). One row, id 1."""

    __tablename__ = "history_seal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entries: Mapped[int] = mapped_column(BigInteger, default=0)
    head: Mapped[str] = mapped_column(String(64))
    db_id: Mapped[str] = mapped_column(String(32))
    mac: Mapped[str | None] = mapped_column(String(64), nullable=True)


class RecipientRecord(Base):
    """One recipient of a case's erasure, rectification or restriction (GDPR Art. 19):
    told (when, how, by whom) or not possible / disproportionate effort (why). A
    recipient of the organisation profile without a row here is still to be told."""

    __tablename__ = "case_recipients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16))  # "told" | "not-possible"
    told_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    method: Mapped[str] = mapped_column(String(32), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    settled_by: Mapped[str] = mapped_column(String(100))
    settled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("case_id", "name"),)


# Requests from one person are linked by email, phone or account reference
# (services/cases.py, linked_cases): the account reference needs its index too.
Index("ix_cases_account", CaseRecord.account_ref)


class CaseHoldRecord(Base):
    """A legal hold on one of our own cases: while it stands the case is not anonymised."""

    __tablename__ = "case_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(100))
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[date | None] = mapped_column(Date, nullable=True)
    released_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    __table_args__ = (Index("ix_case_holds_case", "case_id", "id"),)


class RetentionLogRecord(Base):
    """What our own retention removed: when, by which rule, from which case (no personal data)."""

    __tablename__ = "retention_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(200))
    case_reference: Mapped[str] = mapped_column(String(16), default="", server_default="")
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (Index("ix_retention_log_at", "at", "id"),)


class CaseTaskRecord(Base):
    """What one right of a case asks of one system, and whether it is done."""

    __tablename__ = "case_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="RESTRICT"))
    right: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default="todo")
    basis: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    assignee: Mapped[str] = mapped_column(String(100), default="")
    done_by: Mapped[str] = mapped_column(String(100), default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("case_id", "source_id", "right"),
        Index("ix_case_tasks_case_id", "case_id", "id"),
        Index("ix_case_tasks_open", "status", "assignee", "case_id"),
    )
