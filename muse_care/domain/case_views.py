"""The plain views of one case that the case services hand to the window and the CLI
(``CaseView``, with its requester, clock events, identity checks, notes and history).

Kept apart from ``domain/case.py`` so that the start's path, which needs the queue's
rows (``CaseRow``) but no case view, does not build these six data classes before the
first paint: each ``@dataclass`` compiles its methods when the module is imported, ~1 ms
apiece here (docs/performance.md, "Fourth round")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from muse_care.domain.case import OPEN_STATUSES, TRANSITIONS, ActingFor, Channel, Right, Status


@dataclass(frozen=True)
class Requester:
    """The person whose data it is (and who, or whose representative, asked)."""

    name: str
    email: str = ""
    phone: str = ""
    address_lines: tuple[str, ...] = ()
    postcode: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    account_ref: str = ""
    acting_for: ActingFor = ActingFor.SELF
    representative_name: str = ""
    representative_authority: str = ""


@dataclass(frozen=True)
class ClockEventView:
    id: int
    kind: str
    on: date
    reason: str
    recorded_by: str
    recorded_at: datetime
    late_note: str = ""  # recorded late: when, by whom, why (docs/rules.md, "Events recorded late")


@dataclass(frozen=True)
class IdentityCheckView:
    step: str
    label: str
    result: str
    reason: str
    checked_by: str
    checked_at: datetime | None


@dataclass(frozen=True)
class NoteView:
    id: int
    text: str
    written_by: str
    written_at: datetime


@dataclass(frozen=True)
class HistoryEntryView:
    at: datetime
    actor: str
    what: str
    old: str
    new: str


@dataclass(frozen=True)
class CaseView:
    """Everything the window and the CLI show of one case. Plain data, never ORM."""

    id: int
    reference: str
    status: Status
    regime: str
    holiday_region: str
    rights: tuple[Right, ...]
    channel: Channel
    received_at: datetime
    received: date
    requester: Requester
    assignee: str
    version: int
    clock_start: date | None
    due_date: date | None
    original_due: date | None
    extended: bool
    waiting_for: str | None
    due_explained: str
    acknowledge_by: date | None
    as_of: date
    days_left: int | None
    overdue: bool
    updated_at: datetime
    updated_by: str
    events: tuple[ClockEventView, ...] = ()
    checks: tuple[IdentityCheckView, ...] = ()
    notes: tuple[NoteView, ...] = ()
    history: tuple[HistoryEntryView, ...] = field(default=())
    # The receipt confirmation (CCPA §7021(a)): made (an acknowledgement letter exists)
    # and late (open, not made, past acknowledge_by). Set where the letters are read.
    acknowledged: bool = False
    acknowledge_overdue: bool = False
    received_zone: str = ""  # the zone of the day received, to label received_at
    # the date an extension gives, and the law's day its notice went out (the due date is
    # the original one until then: docs/rules.md, "Told in time, or not at all")
    extended_to: date | None = None
    extension_told_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def extension_holds(self) -> bool:
        """Extended, and the requester told of it in time, so the due date is the
        extended one (a case extended before migration 0027 has no ``extended_to``)."""
        # a paused clock has no extended date yet either: only a dated case is the old kind
        return self.extended and (self.extension_told_on is not None
                                  or (self.extended_to is None and self.due_date is not None))

    @property
    def allowed_moves(self) -> tuple[Status, ...]:
        return TRANSITIONS[self.status]
