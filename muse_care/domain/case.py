"""Cases: rights, channels, statuses and the moves between them, and the queue's row.
The plain views of one case that services hand to the window and the CLI are in
``domain/case_views.py``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from muse_care.domain.errors import IllegalTransition, ValidationError


E = TypeVar("E", bound=StrEnum)


class Right(StrEnum):
    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    OBJECTION = "objection"
    PORTABILITY = "portability"
    MARKETING_OPT_OUT = "marketing-opt-out"
    AUTOMATED_DECISION = "automated-decision"
    COMPLAINT = "complaint"
    # CCPA rights with their own 15-business-day period (docs/rules.md, "CCPA").
    OPT_OUT_SALE = "opt-out-sale"
    LIMIT_SENSITIVE = "limit-sensitive"


@dataclass(frozen=True)
class RightSpec:
    """Everything the application knows about one right, declared once.

    Adding a right is a member of :class:`Right` and a row of :data:`RIGHTS` (and, if
    our systems must act on it, an action in ``domain/systems.py``); the intake, the
    CLI, the identity checklist, the letters, the tasks and the reports read them here
    (docs/architecture.md, "Declarations").
    """

    right: Right
    label: str
    """How the agent sees it: the intake's list, the case header, the reports."""
    asked_for: str
    """What the customer asked for, as a letter says it: 'a copy of your personal data'."""
    identity_steps: tuple[str, ...]
    """The identity checks it needs (``CheckStep`` values, domain/identity.py) under
    every regime without a row of its own."""
    onward: bool = False
    """A deletion, correction or restriction we must pass on to those we disclosed the
    data to (Art. 19 GDPR; docs/tasks.md, "Recipients")."""
    discloses: bool = False
    """The reply discloses the customer's data: the systems searched are listed in it,
    and it needs a lead's approval where four eyes is on."""


_EMAIL, _ORDER, _CARD, _ADDRESS = "account-email", "order-number", "card-last-four", "postal-address"

RIGHTS: tuple[RightSpec, ...] = (
    RightSpec(Right.ACCESS, "Access (copy of data)", "a copy of your personal data",
              (_EMAIL, _ORDER, _CARD), discloses=True),
    RightSpec(Right.RECTIFICATION, "Rectification", "correction of your personal data",
              (_EMAIL, _ADDRESS), onward=True),
    RightSpec(Right.ERASURE, "Erasure", "erasure of your personal data", (_EMAIL, _ORDER), onward=True),
    RightSpec(Right.RESTRICTION, "Restriction (stop using until corrected)",
              "restriction of the use of your personal data", (_EMAIL,), onward=True),
    RightSpec(Right.OBJECTION, "Objection to legitimate interest",
              "your objection to our use of your personal data", (_EMAIL,)),
    RightSpec(Right.PORTABILITY, "Portability", "your personal data in a portable format",
              (_EMAIL, _ORDER, _CARD), discloses=True),
    RightSpec(Right.MARKETING_OPT_OUT, "Marketing opt-out", "no longer receiving marketing", (_EMAIL,)),
    RightSpec(Right.AUTOMATED_DECISION, "Automated decision-making",
              "information on automated decision-making", (_EMAIL, _ORDER)),
    RightSpec(Right.COMPLAINT, "Complaint", "your complaint about how we handle your personal data", ()),
    RightSpec(Right.OPT_OUT_SALE, "Opt-out of sale/sharing (CCPA)",
              "no longer selling or sharing your personal information", (_EMAIL,)),
    RightSpec(Right.LIMIT_SENSITIVE, "Limit use of sensitive personal information (CCPA)",
              "limiting our use of your sensitive personal information", (_EMAIL,)),
)

RIGHT_SPECS: Mapping[Right, RightSpec] = {spec.right: spec for spec in RIGHTS}
RIGHT_LABELS: dict[Right, str] = {spec.right: spec.label for spec in RIGHTS}
DISCLOSING_RIGHTS = frozenset(spec.right for spec in RIGHTS if spec.discloses)
ONWARD_RIGHTS = frozenset(spec.right for spec in RIGHTS if spec.onward)


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    POST = "post"
    LIVE_CHAT = "live-chat"
    MY_ACCOUNT = "my-account"
    IN_PERSON = "in-person"
    SOCIAL = "social"


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.PHONE: "Phone", Channel.EMAIL: "Email", Channel.POST: "Post", Channel.LIVE_CHAT: "Live chat",
    Channel.MY_ACCOUNT: "My Account", Channel.IN_PERSON: "In person", Channel.SOCIAL: "Social media",
}

WRITTEN_CHANNELS = frozenset({Channel.POST})
"""Channels whose replies are printed and posted."""


class Status(StrEnum):
    NEW = "new"
    AWAITING_IDENTITY = "awaiting-identity"
    IN_PROGRESS = "in-progress"
    AWAITING_CLARIFICATION = "awaiting-clarification"
    AWAITING_APPROVAL = "awaiting-approval"
    RESPONDED = "responded"
    CLOSED = "closed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


STATUS_LABELS: dict[Status, str] = {
    Status.NEW: "New",
    Status.AWAITING_IDENTITY: "Awaiting identity",
    Status.IN_PROGRESS: "In progress",
    Status.AWAITING_CLARIFICATION: "Awaiting clarification",
    Status.AWAITING_APPROVAL: "Awaiting approval",
    Status.RESPONDED: "Responded",
    Status.CLOSED: "Closed",
    Status.REFUSED: "Refused",
    Status.WITHDRAWN: "Withdrawn",
}


def label(value: str, labels: Mapping[E, str]) -> str:
    """The label of a right, status or channel given by its value (``"in-progress"``);
    an unknown value (from an older or newer version) is shown as it is."""
    for member, text in labels.items():
        if member.value == value:
            return text
    return value


TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (
        Status.AWAITING_IDENTITY, Status.IN_PROGRESS, Status.AWAITING_CLARIFICATION,
        Status.REFUSED, Status.WITHDRAWN,
    ),
    Status.AWAITING_IDENTITY: (
        Status.IN_PROGRESS, Status.AWAITING_CLARIFICATION, Status.REFUSED,
        Status.WITHDRAWN, Status.CLOSED,
    ),
    Status.IN_PROGRESS: (
        Status.AWAITING_IDENTITY, Status.AWAITING_CLARIFICATION, Status.AWAITING_APPROVAL,
        Status.RESPONDED, Status.REFUSED, Status.WITHDRAWN,
    ),
    Status.AWAITING_CLARIFICATION: (
        Status.IN_PROGRESS, Status.AWAITING_IDENTITY, Status.WITHDRAWN, Status.CLOSED,
    ),
    Status.AWAITING_APPROVAL: (
        Status.IN_PROGRESS, Status.RESPONDED, Status.REFUSED,
    ),
    Status.RESPONDED: (Status.CLOSED, Status.IN_PROGRESS),
    Status.REFUSED: (Status.CLOSED,),
    Status.WITHDRAWN: (Status.CLOSED,),
    Status.CLOSED: (),
}

OPEN_STATUSES = frozenset({
    Status.NEW, Status.AWAITING_IDENTITY, Status.IN_PROGRESS,
    Status.AWAITING_CLARIFICATION, Status.AWAITING_APPROVAL,
})
"""Statuses whose statutory clock still runs: the queue, overdue and retention holds."""

FINAL_STATUSES = frozenset({Status.CLOSED, Status.REFUSED, Status.WITHDRAWN, Status.RESPONDED})
"""Moves into these cannot be undone in the normal course; the window asks first."""


def check_transition(current: Status, wanted: Status) -> None:
    """Raise :class:`IllegalTransition` unless the workflow allows ``current`` → ``wanted``."""
    allowed = TRANSITIONS[current]
    if wanted not in allowed:
        raise IllegalTransition(current.value, wanted.value, tuple(s.value for s in allowed))


def parse_enum(kind: type[E], field_name: str, value: str) -> E:
    """``kind(value)`` with a message listing the accepted values."""
    try:
        return kind(value.strip().lower())
    except ValueError:
        known = ", ".join(m.value for m in kind)
        raise ValidationError(field_name, f"unknown {field_name} '{value}'; use one of: {known}") from None


class ActingFor(StrEnum):
    SELF = "self"
    REPRESENTATIVE = "representative"


@dataclass(frozen=True)
class CaseRow:
    """One line of the queue: just what the table shows."""

    id: int
    reference: str
    requester_name: str
    rights: tuple[Right, ...]
    channel: Channel
    status: Status
    received: date
    due_date: date | None
    days_left: int | None
    overdue: bool
    assignee: str
    retention_at_risk: bool = False
