"""Team-mode fixtures on the real PostgreSQL server: a fresh database per test with the
team security model applied, and login roles with names unique to this run (dropped
afterwards). These tests FAIL when the server is unreachable (tests/conftest.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text

from muse_care.services import team
from muse_care.services.register import Actor, Register

from team_support import fixed_now as _fixed_now, url_for

RUN = uuid.uuid4().hex[:6]


@pytest.fixture
def team_url(pg_url: str) -> str:
    """A fresh database with `team init` applied (roles, grants, RLS, history guard)."""
    team.init_team_database(pg_url)
    return pg_url


@pytest.fixture
def make_login(team_url: str) -> Iterator[Callable[..., str]]:
    """Creates login roles ``t<run>_<role><n>`` in a group; drops them afterwards."""
    created: list[str] = []

    def make(role: str, name: str | None = None, password: str | None = None) -> str:
        login = f"t{RUN}_{role}{len(created)}"
        team.add_user(team_url, login, role, name or f"{role.title()} {len(created)}", password)
        created.append(login)
        return login

    yield make
    admin = create_engine(team_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for login in created:
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE usename = :u"), {"u": login})
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
    finally:
        admin.dispose()


@pytest.fixture
def client(team_url: str) -> Iterator[Callable[[str], Register]]:
    """Opens a register connected as a login role, its role as the database says."""
    opened: list[Register] = []

    def open_as(login: str) -> Register:
        reg = Register.open(url_for(team_url, login), Actor(login, login, "agent"), migrate=False,
                            now=_fixed_now)
        reg = Register(reg.engine, team.actor_from_database(reg), _fixed_now)
        opened.append(reg)
        return reg

    yield open_as
    for reg in opened:
        reg.dispose()


@pytest.fixture
def admin_register(team_url: str) -> Iterator[Register]:
    """The superuser connection, acting as the admin 'root' for set-up."""
    reg = Register.open(team_url, Actor("postgres", "Admin", "admin"), migrate=False, now=_fixed_now)
    yield reg
    reg.dispose()


def _drop_roles(url: str, logins: list[str]) -> None:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for login in logins:
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE usename = :u"), {"u": login})
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
    finally:
        admin.dispose()


@pytest.fixture
def logins_to_drop(pg_url: str) -> Iterator[Callable[[str], str]]:
    """For tests that create login roles themselves (through the CLI): names them and drops
    them afterwards."""
    names: list[str] = []

    def name(login: str) -> str:
        names.append(login)
        return login

    yield name
    _drop_roles(pg_url, names)
