"""Errors that mean something to the people using MUSE Care.

A user's mistake is a :class:`ValidationError` naming the field and what is wrong;
the CLI prints it as one line and exits 2, the window shows it beside the field.
Anything that is not a subclass of :class:`MuseCareError` is a bug.
"""

from __future__ import annotations

from datetime import datetime


class MuseCareError(Exception):
    """Base of every error the user is meant to read."""


class ValidationError(MuseCareError):
    """Input that cannot be accepted: names the field and says what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class IllegalTransition(ValidationError):
    """A status change the case's workflow does not allow."""

    def __init__(self, current: str, wanted: str, allowed: tuple[str, ...]) -> None:
        allowed_text = ", ".join(allowed) if allowed else "none (the case is finished)"
        super().__init__(
            "status",
            f"a case that is {current} cannot become {wanted}; allowed next: {allowed_text}",
        )
        self.current = current
        self.wanted = wanted
        self.allowed = allowed


class NotFound(MuseCareError):
    """No record with that reference or id."""


class PermissionDenied(MuseCareError):
    """The user's role does not allow this action."""


class StaleRecord(MuseCareError):
    """Someone else saved the record since it was loaded."""

    def __init__(self, what: str, changed_by: str, changed_at: datetime | None) -> None:
        when = changed_at.strftime("%d %b %Y %H:%M") if changed_at else "meanwhile"
        super().__init__(f"{what} was changed by {changed_by} at {when}; reload to see their change")
        self.changed_by = changed_by
        self.changed_at = changed_at


class StorageUnavailable(MuseCareError):
    """The database cannot be reached or is locked; worth retrying."""
