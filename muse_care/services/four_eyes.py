"""Four eyes: whether an extension, a refusal or a disclosing reply by this person waits
for a team lead. Kept apart from ``services.team`` so that the case service can ask
without importing the team service (which builds on the case service).

See docs/security.md, "Four eyes".
"""

from __future__ import annotations

from muse_care.services import settings as settings_service
from muse_care.services.register import Register

LEAD_ROLES = ("lead", "admin")


def four_eyes_enabled(register: Register) -> bool:
    """The declared setting; unset, it is on for a team (PostgreSQL) and off for a single
    agent (SQLite), where there is no second person."""
    value = settings_service.get_setting(register, "four_eyes")
    return bool(value) if value is not None else register.dialect == "postgresql"


def needs_lead(register: Register) -> bool:
    """An extension or a refusal by this actor waits for a lead (four eyes is on and the
    actor is not a lead or admin)."""
    return four_eyes_enabled(register) and register.actor.role not in LEAD_ROLES
