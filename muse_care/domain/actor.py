"""Who is acting: recorded in every history entry.

Declared here, in the domain, so that reading this person's login at start needs no
database library (docs/performance.md, "Start-up"); ``muse_care.services.register``
re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who is acting: recorded in every history entry."""

    login: str
    display_name: str
    role: str = "agent"  # agent | lead | admin
