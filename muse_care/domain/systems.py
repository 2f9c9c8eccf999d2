"""The organisation's systems, and the tasks a request creates in each.

A *system* is a place where the organisation keeps personal data or acts on it (the
web shop's orders and billing, My Account, the mailing list, call recordings, live
chat, the advertising audiences…). For each right
a system declares what must be done there: for access, search and export; for erasure,
delete or anonymise, or keep under a legal duty; and so on. A case gets one *task* per
system and right it asks for. The retrieval log of a case is the record of its
searches: a retrieval names the system searched, so the access task of the
call-recording system is settled by the retrievals logged against that system.

The defaults come from the retailer's privacy policy (sections 2, 5 and 7, and the
sections on recordings and live chat); see docs/tasks.md for each system and the
reason for each action. The organisations a change must be passed on to under Art. 19
(the couriers, the processors) are the organisation profile's recipients, told from
the case's Recipients tab (services/recipients.py), not tasks here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from muse_care.domain.errors import ValidationError


class Action(StrEnum):
    """What a right asks of a system."""

    SEARCH_EXPORT = "search-export"
    EXPORT_PORTABLE = "export-portable"
    DELETE = "delete"
    KEEP_LEGAL_DUTY = "keep-legal-duty"
    CORRECT = "correct"
    MARK_RESTRICTED = "mark-restricted"
    UNSUBSCRIBE = "unsubscribe"
    STOP_PROCESSING = "stop-processing"


ACTION_LABELS: Mapping[Action, str] = {
    Action.SEARCH_EXPORT: "search and export",
    Action.EXPORT_PORTABLE: "export in a machine-readable format",
    Action.DELETE: "delete or anonymise",
    Action.KEEP_LEGAL_DUTY: "delete what is not kept under a legal duty; keep the rest",
    Action.CORRECT: "correct",
    Action.MARK_RESTRICTED: "mark as restricted",
    Action.UNSUBSCRIBE: "unsubscribe",
    Action.STOP_PROCESSING: "stop the processing",
}


class TaskStatus(StrEnum):
    TODO = "todo"
    DONE = "done"
    NOTHING_HELD = "nothing-held"
    KEPT = "kept"
    NOT_APPLICABLE = "not-applicable"


TASK_STATUS_LABELS: Mapping[TaskStatus, str] = {
    TaskStatus.TODO: "To do",
    TaskStatus.DONE: "Done",
    TaskStatus.NOTHING_HELD: "Nothing held",
    TaskStatus.KEPT: "Kept under a legal basis",
    TaskStatus.NOT_APPLICABLE: "Not applicable",
}

SETTLED = frozenset(s for s in TaskStatus if s is not TaskStatus.TODO)


def task_status(value: str) -> TaskStatus:
    try:
        return TaskStatus(value)
    except ValueError:
        known = ", ".join(s.value for s in TaskStatus)
        raise ValidationError("status", f"unknown task status '{value}'; use one of: {known}") from None


def check_settlement(status: TaskStatus, basis: str, reason: str) -> None:
    """A task kept under a legal basis names the basis; 'not applicable' says why."""
    if status is TaskStatus.KEPT and not basis.strip():
        raise ValidationError("basis", "name the legal basis the data is kept under "
                              "(e.g. 'tax law: billing records kept 7 years')")
    if status is TaskStatus.NOT_APPLICABLE and not reason.strip():
        raise ValidationError("reason", "say why this task does not apply to this case")


@dataclass(frozen=True)
class System:
    """One system, and what each right asks of it.

    ``actions`` maps a right's code ("access", "erasure"…) to what must be done there;
    a right not listed creates no task in this system. ``retention_months`` is how long
    the system keeps an item (None: no fixed period); ``keeps_under`` names the legal
    duty under which an erasure leaves some data in place.
    """

    code: str
    name: str
    owner: str
    holds: str
    identifier: str
    retention: str
    actions: Mapping[str, Action]
    retention_months: int | None = None
    keeps_under: str = ""

    def action_for(self, right: str) -> Action | None:
        return self.actions.get(right)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code, "name": self.name, "owner": self.owner, "holds": self.holds,
            "identifier": self.identifier, "retention": self.retention,
            "actions": {right: action.value for right, action in self.actions.items()},
            "retention_months": self.retention_months,
            "keeps_under": self.keeps_under,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> System:
        try:
            raw_actions = data.get("actions", {})
            if not isinstance(raw_actions, Mapping):
                raise ValidationError("actions", "must map a right to an action")
            actions = {str(r): _action(str(a)) for r, a in raw_actions.items()}
            months = data.get("retention_months")
            return cls(
                code=str(data["code"]), name=str(data["name"]), owner=str(data.get("owner", "")),
                holds=str(data.get("holds", "")), identifier=str(data.get("identifier", "email")),
                retention=str(data.get("retention", "")), actions=actions,
                retention_months=int(str(months)) if months not in (None, "") else None,
                keeps_under=str(data.get("keeps_under", "")),
            )
        except KeyError as missing:
            raise ValidationError("system", f"a system needs a {missing.args[0]}") from None


def _action(value: str) -> Action:
    try:
        return Action(value)
    except ValueError:
        known = ", ".join(a.value for a in Action)
        raise ValidationError("actions", f"unknown action '{value}'; use one of: {known}") from None


@dataclass(frozen=True)
class TaskSpec:
    """A task to create: in ``system``, for ``right``, do ``action``."""

    system: str
    right: str
    action: Action


def tasks_for(rights: Iterable[str], systems: Sequence[System]) -> list[TaskSpec]:
    """The tasks a case with these rights needs: one per system and right that the
    system declares an action for, in the order of the systems, then the rights."""
    wanted = list(dict.fromkeys(rights))
    out: list[TaskSpec] = []
    for system in systems:
        for right in wanted:
            action = system.action_for(right)
            if action is not None:
                out.append(TaskSpec(system.code, right, action))
    return out


def task_due(case_due: date | None, earliest_purge: date | None) -> date | None:
    """A task is due with its case, or earlier where the system purges the data first."""
    if case_due is None:
        return earliest_purge
    if earliest_purge is None:
        return case_due
    return min(case_due, earliest_purge)


_A = Action
_ACCESS = {"access": _A.SEARCH_EXPORT, "portability": _A.EXPORT_PORTABLE}

DEFAULT_SYSTEMS: tuple[System, ...] = (
    System(
        code="call-recording", name="Call recordings", owner="Customer Care",
        holds="Recordings of calls to and from Customer Care", identifier="phone",
        retention="6 months", retention_months=6,
        actions={"access": _A.SEARCH_EXPORT, "erasure": _A.DELETE},
    ),
    System(
        code="live-chat", name="Live chat provider", owner="Customer Care",
        holds="Live-chat conversations", identifier="email", retention="13 months",
        retention_months=13,
        actions={"access": _A.SEARCH_EXPORT, "erasure": _A.DELETE},
    ),
    System(
        code="web-shop", name="Web shop: orders and billing", owner="E-commerce and Finance",
        holds="Orders, billing and delivery addresses, purchase history, returns",
        identifier="email", retention="Billing data 7 years from the billing date",
        keeps_under="tax and accounting law: billing records kept 7 years from the billing date",
        actions={**_ACCESS, "erasure": _A.KEEP_LEGAL_DUTY, "rectification": _A.CORRECT,
                 "restriction": _A.MARK_RESTRICTED},
    ),
    System(
        code="payments", name="Payment partner: saved cards", owner="Finance",
        holds="Saved payment card details (held by the payment partner)",
        identifier="email", retention="Until the payment is certified and the withdrawal and "
        "dispute periods have ended",
        actions={"access": _A.SEARCH_EXPORT, "erasure": _A.DELETE, "restriction": _A.MARK_RESTRICTED},
    ),
    System(
        code="my-account", name="My Account", owner="E-commerce",
        holds="Name, email, password, country, day and month of birth, favourite designers, "
        "marketing preferences", identifier="email",
        retention="While the account is open",
        actions={**_ACCESS, "erasure": _A.DELETE, "rectification": _A.CORRECT,
                 "restriction": _A.MARK_RESTRICTED, "marketing-opt-out": _A.UNSUBSCRIBE,
                 "objection": _A.STOP_PROCESSING},
    ),
    System(
        code="mailing-list", name="MUSE/LVM News mailing list (marketing platform)", owner="Marketing",
        holds="Email address, subscriptions, consents, opens and clicks", identifier="email",
        retention="Consent current 5 years from the last interaction",
        actions={"access": _A.SEARCH_EXPORT, "erasure": _A.DELETE, "rectification": _A.CORRECT,
                 "marketing-opt-out": _A.UNSUBSCRIBE, "objection": _A.STOP_PROCESSING},
    ),
    System(
        code="app-push", name="App push notifications", owner="Mobile",
        holds="Device identifiers, app usage and IP address (with consent)", identifier="account",
        retention="Until consent is withdrawn",
        actions={"access": _A.SEARCH_EXPORT, "erasure": _A.DELETE,
                 "marketing-opt-out": _A.UNSUBSCRIBE, "objection": _A.STOP_PROCESSING},
    ),
    System(
        code="analytics", name="Browsing and analytics data", owner="Digital",
        holds="Pages visited, interactions, IP address, cookies", identifier="account",
        retention="Until the customer asks for it to be deleted",
        actions={"access": _A.SEARCH_EXPORT, "erasure": _A.DELETE, "objection": _A.STOP_PROCESSING,
                 "restriction": _A.MARK_RESTRICTED},
    ),
    System(
        code="customer-care", name="Customer-care enquiries (CRM)", owner="Customer Care",
        holds="Enquiries and their notes", identifier="email",
        retention="While the customer is active",
        actions={**_ACCESS, "erasure": _A.DELETE, "rectification": _A.CORRECT,
                 "restriction": _A.MARK_RESTRICTED},
    ),
    System(
        code="ad-audiences", name="Advertising audiences (Facebook, Google)", owner="Marketing",
        holds="Email address or mobile number in encrypted form, in custom audiences",
        identifier="email", retention="Until removed from the audience",
        actions={"erasure": _A.DELETE, "objection": _A.STOP_PROCESSING,
                 "marketing-opt-out": _A.UNSUBSCRIBE},
    ),
)


def check_systems(systems: Sequence[System]) -> None:
    """Codes unique and well formed; every action known (from_dict checks those)."""
    seen: set[str] = set()
    for system in systems:
        code = system.code
        if not code or not all(c.isalnum() or c == "-" for c in code) or code != code.lower():
            raise ValidationError("systems", f"'{code}' is not a system code (lower case, digits, '-')")
        if code in seen:
            raise ValidationError("systems", f"system '{code}' is listed twice")
        seen.add(code)
        if not system.name.strip():
            raise ValidationError("systems", f"system '{code}' needs a name")


@dataclass(frozen=True)
class TaskView:
    """A task as the window and the CLI show it."""

    id: int
    case_id: int
    reference: str
    system: str
    system_name: str
    right: str
    action: Action
    status: TaskStatus
    basis: str
    reason: str
    notes: str
    assignee: str
    done_by: str
    done_at_text: str
    due: date | None
    version: int
    searches: tuple[str, ...] = field(default=())

    @property
    def settled(self) -> bool:
        return self.status in SETTLED

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[self.action]

    @property
    def status_label(self) -> str:
        return TASK_STATUS_LABELS[self.status]

    def is_overdue(self, as_of: date) -> bool:
        return not self.settled and self.due is not None and as_of > self.due
