"""Who is on the team, for every member: the assignment picker, names on screen, and the
rule that cases go only to active members.

On a team server the ``users`` table is closed to agents; they read the team through
``muse_team_members()``, a SECURITY DEFINER function that returns login, name, role and
active and nothing else (created by ``team init``: ``services/team.py``). A register
without it (SQLite, or a server before ``team init``) reads ``users`` directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from muse_care.domain.errors import ValidationError
from muse_care.services.register import Register
from muse_care.store.models import UserRecord


@dataclass(frozen=True)
class UserView:
    login: str
    display_name: str
    role: str
    active: bool


def _members(conn: Connection) -> list[UserView]:
    if conn.dialect.name == "postgresql":
        has_fn = conn.execute(text("SELECT to_regprocedure('muse_team_members()') IS NOT NULL")).scalar()
        if has_fn:
            rows = conn.execute(text("SELECT login, display_name, role, active FROM muse_team_members()"))
            return [UserView(*r) for r in rows]
    users = UserRecord.__table__
    return [UserView(*r) for r in conn.execute(
        select(users.c.login, users.c.display_name, users.c.role, users.c.active).order_by(users.c.login))]


def team_members(register: Register, *, active_only: bool = False) -> list[UserView]:
    """Who is on the team (login, name, role, active), for every member: the assignment
    picker, names on screen. Agents read it through ``muse_team_members()``."""
    with register.read() as s:
        members = _members(s.connection())
    return [m for m in members if m.active or not active_only]


def check_assignee(session: Any, login: str) -> None:
    """ValidationError unless ``login`` is "" (unassigned) or an active team member. A
    register with no members listed (a single agent on SQLite) takes any name."""
    if not login:
        return
    members = {m.login: m for m in _members(session.connection())}
    if not members:
        return
    member = members.get(login)
    if member is None:
        raise ValidationError("assignee", f"'{login}' is not a member of the team; choose one from "
                              "the list (an admin adds people with `muse-care team add-user`)")
    if not member.active:
        raise ValidationError("assignee", f"{login} ({member.display_name}) is not active any more; "
                              "choose an active member")
