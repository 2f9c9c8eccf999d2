"""What the queue shows, without the database: the saved views, the page size and the
columns' headers and texts. ``muse_care.services.queue`` adds how the database sorts
each column and re-exports everything here, so callers keep importing from there.

This module imports no SQLAlchemy: the window paints its first queue page with it
before SQLAlchemy has loaded (docs/performance.md, "Start-up").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from muse_care.domain.case import OPEN_STATUSES, STATUS_LABELS, CaseRow, Status

# Rows read per page. The first page is what a keystroke or a view waits for before its
# paint, so it is little more than a tall table shows (80 rows of ~23 px: a table 1,840
# px high); a taller table reads its second page during that paint. 200 rows cost a
# selective keystroke ~2 ms more at 1,000,000 cases, most of it SQLite reading rows no
# one sees yet (docs/performance.md, "Seventh round").
PAGE_SIZE = 80


@dataclass(frozen=True)
class SavedView:
    key: str
    label: str
    description: str


SAVED_VIEWS: tuple[SavedView, ...] = (
    SavedView("mine", "My cases", "Open cases assigned to you"),
    SavedView("my-tasks", "My tasks", "Open cases with a task in a system assigned to you"),
    SavedView("unassigned", "Unassigned", "Open cases nobody has taken yet"),
    SavedView("due-7", "Due in 7 days", "Open cases due today or in the next 7 days"),
    SavedView("overdue", "Overdue", "Open cases past their due date"),
    SavedView("awaiting-identity", "Awaiting identity", "Waiting for the requester's ID, "
              "authority or fee"),
    SavedView("awaiting-clarification", "Awaiting clarification",
              "Waiting for the requester to say what they want"),
    SavedView("awaiting-approval", "Awaiting approval", "Waiting for a team lead's approval"),
    SavedView("all-open", "All open", "Every case whose clock is running or stopped"),
    SavedView("closed", "Closed", "Responded, refused, withdrawn and closed cases"),
    SavedView("acknowledgement", "Acknowledgement due/overdue",
              "Open cases whose receipt must be confirmed (CCPA: 10 business days) and no "
              "acknowledgement letter has been sent yet"),
)
VIEW_KEYS = tuple(v.key for v in SAVED_VIEWS)


def days_left_text(row: Any) -> str:
    """"5 days", "due today", "2 days overdue", "clock stopped"; "—" once closed."""
    if row.status not in OPEN_STATUSES:
        return "—"
    if row.days_left is None:
        return "clock stopped"
    n = row.days_left
    if n == 0:
        return "due today"
    if n < 0:
        return f"{-n} day{'s' if n != -1 else ''} overdue"
    return f"{n} day{'s' if n != 1 else ''}"


def status_text(status: Status) -> str:
    return STATUS_LABELS[status]


def rights_text(row: CaseRow) -> str:
    return ", ".join(r.value.replace("-", " ") for r in row.rights)


@dataclass(frozen=True)
class ColumnLook:
    """How one queue column looks: its header, the sample the window sizes it from, the
    text of a row. ``keep_visible``: the window keeps it on screen on a small screen."""

    key: str
    header: str
    width_sample: str
    text: Callable[[CaseRow], str]
    keep_visible: bool = False


COLUMN_LOOKS: tuple[ColumnLook, ...] = (
    ColumnLook("reference", "Reference", "MC-XXX-XXXX ⚠",
               lambda r: r.reference + (" ⚠" if r.retention_at_risk else ""), keep_visible=True),
    ColumnLook("requester", "Requester", "Margaret Thatcher-Jones", lambda r: r.requester_name,
               keep_visible=True),
    ColumnLook("due", "Due date", "2026-11-25", lambda r: r.due_date.isoformat() if r.due_date else "—",
               keep_visible=True),
    ColumnLook("days_left", "Days left", "10 days overdue", days_left_text, keep_visible=True),
    ColumnLook("status", "Status", "Awaiting clarification", lambda r: status_text(r.status)),
    ColumnLook("rights", "Rights", "access, erasure", rights_text),
    ColumnLook("channel", "Channel", "live chat", lambda r: r.channel.value.replace("-", " ")),
    ColumnLook("received", "Received", "2026-11-25", lambda r: r.received.isoformat()),
    ColumnLook("assignee", "Assignee", "giulia", lambda r: r.assignee or "—"),
)
LOOK_KEYS = tuple(c.key for c in COLUMN_LOOKS)
