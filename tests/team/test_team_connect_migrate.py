"""Connecting with the password in the keychain; the first connection to an empty
database; moving a SQLite register to the server."""

from __future__ import annotations

import json

import keyring
import keyring.backends.fail
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from muse_care.cli.main import main as cli_main
from muse_care.services import cases, local_config, team
from muse_care.services.history import verify_chain
from muse_care.services.register import Actor, Register
from muse_care.services.team_migrate import TargetNotEmpty, migrate_to
from muse_care.store import db
from team_support import add_cases, fixed_now


@pytest.fixture
def empty_url(empty_pg_url: str) -> str:
    """A fresh, completely empty database on the server (no schema)."""
    return empty_pg_url


def _server(url: str, user: str = "postgres") -> team.ServerSettings:
    u = make_url(url)
    return team.ServerSettings(host=u.host or "127.0.0.1", port=u.port or 5432, database=u.database or "",
                               user=user, sslmode="disable")


@pytest.mark.pg
def test_first_connection_creates_the_schema_and_keeps_password_in_keychain(
        empty_url, memory_keyring, isolated_config) -> None:
    server = team.save_server_settings(_server(empty_url))
    team.store_password(server, "correct horse battery staple")
    assert memory_keyring.store[("muse-care", server.keyring_username)] == "correct horse battery staple"
    assert server.keyring_username == f"postgres@{server.host}:{server.port}/{server.database}"
    reg = team.connect()
    try:
        assert reg.actor.login == "postgres" and reg.actor.role == "admin"
        assert db.current_revision(reg.engine) == db.head_revision()
        assert "correct horse" not in reg.url
        view = cases.add_case(reg, _draft())
        assert view.reference
    finally:
        reg.dispose()
    # the password is nowhere in the config folder
    for f in isolated_config.rglob("*"):
        if f.is_file():
            assert "correct horse" not in f.read_text(encoding="utf-8")
    assert local_config.load()["team_server"]["user"] == "postgres"
    assert "password" not in json.dumps(local_config.load())


def test_no_keychain_is_a_clear_error_never_a_plaintext_fallback(isolated_config) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    server = team.ServerSettings("db.example.org", "muse", "aisha", sslmode="verify-full")
    with pytest.raises(team.KeychainUnavailable, match="keychain"):
        team.store_password(server, "secret")
    with pytest.raises(team.KeychainUnavailable):
        team.load_password(server)
    assert not any(p.is_file() and "secret" in p.read_text() for p in isolated_config.rglob("*"))


def test_server_settings_are_validated() -> None:
    with pytest.raises(team.ValidationError, match="sslmode"):
        team.ServerSettings("h", "d", "u", sslmode="maybe").validated()
    with pytest.raises(team.ValidationError, match="port"):
        team.ServerSettings("h", "d", "u", port=0).validated()


@pytest.mark.pg
def test_an_agent_cannot_set_up_an_empty_database(empty_url, make_login) -> None:
    agent = make_login("agent")
    with pytest.raises(team.MuseCareError):
        team.connect(_server(empty_url, agent))


@pytest.mark.pg
def test_agent_connects_as_itself(team_url, make_login, isolated_config) -> None:
    agent = make_login("agent", "Aisha Khan", password="s3cret-pw")
    server = team.save_server_settings(_server(team_url, agent))
    team.store_password(server, "s3cret-pw")
    reg = team.connect()
    try:
        assert (reg.actor.login, reg.actor.role) == (agent, "agent")
        case = cases.add_case(reg, _draft())
        assert case.history[0].actor == agent
    finally:
        reg.dispose()


def _draft():  # noqa: ANN202
    from team_support import draft

    return draft()


@pytest.mark.pg
def test_migrate_to_round_trip(sqlite_url, empty_url, capsys) -> None:
    reg = Register.open(sqlite_url, Actor("aisha", "Aisha Khan"), migrate=False, now=fixed_now)
    ids = add_cases(reg, 7)
    cases.assign(reg, ids[2], "aisha")
    cases.add_note(reg, ids[3], "called back")
    req = team.request_approval(reg, ids[4], "extension", "complex")
    with reg.read() as s:
        before = verify_chain(s)
    reg.dispose()
    assert cli_main(["--db", sqlite_url, "db", "migrate-to", empty_url, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["tables"]["cases"] == 7 and report["tables"]["approvals"] == 1
    assert report["history_entries"] == before.entries and report["secured"] is True
    target = Register.open(empty_url, Actor("postgres", "Admin", "admin"), migrate=False, now=fixed_now)
    try:
        with target.read() as s:
            assert verify_chain(s).ok
            assert s.execute(text("SELECT count(*) FROM cases")).scalar_one() == 7
        moved = cases.get_case(target, ids[3])
        assert moved.id == ids[3] and moved.notes[0].text == "called back"
        assert team.case_approvals(target, ids[4])[0].id == req.id
        # sequences continue after the copied ids
        new = cases.add_case(target, _draft())
        assert new.id == max(ids) + 1
        with target.read() as s:
            assert verify_chain(s).ok
    finally:
        target.dispose()
    # a second run is refused: the target is no longer empty
    with pytest.raises(TargetNotEmpty, match="already holds a register"):
        migrate_to(sqlite_url, empty_url)
    capsys.readouterr()
    assert cli_main(["--db", sqlite_url, "db", "migrate-to", empty_url]) == 2
    assert "already holds" in capsys.readouterr().err

