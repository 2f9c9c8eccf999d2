"""Finding 13: an -o in a folder nobody can write to (/proc/self, a read-only folder)
crashed with an internal error after the letter was recorded; a --db that is not a
SQLite file was an internal error. Each is now one line, exit 2 (or 3 for storage),
nothing recorded."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from muse_care.cli.main import main as cli_main
from muse_care.services import cases
from support import draft


def _letters(reg) -> int:  # noqa: ANN001
    with reg.read() as s:
        return s.execute(text("SELECT count(*) FROM letters")).scalar_one()


# A folder that is a file cannot be written by anyone, root included; a read-only folder
# stops everyone but root, so that case is only collected for other users.
_UNWRITABLE = ["proc", "under-a-file"] + (["read-only"] if os.geteuid() != 0 else [])


@pytest.mark.parametrize("where", _UNWRITABLE)
def test_output_in_a_folder_that_cannot_be_written_is_exit_2(sqlite_register, tmp_path, capsys, where) -> None:
    view = cases.add_case(sqlite_register, draft(channel="post", address_lines=["1 High St"],
                                                 city="London", postcode="EC1Y 8SY", country="GB"))
    if where == "proc":
        target = "/proc/self/x.pdf"
    elif where == "under-a-file":
        (tmp_path / "notes.txt").write_text("a file, not a folder", encoding="utf-8")
        target = str(tmp_path / "notes.txt" / "x.pdf")
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o500)
        target = str(folder / "x.pdf")
    try:
        code = cli_main(["--db", sqlite_register.url, "letter", view.reference, "--kind", "acknowledgement",
                         "-o", target])
    finally:
        if where == "read-only":
            (tmp_path / "locked").chmod(0o700)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "output" in err and "cannot be written" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert _letters(sqlite_register) == 0


def test_a_db_that_is_not_sqlite_is_a_one_line_storage_error(tmp_path, capsys) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is a text file, not a database\n" * 200)
    code = cli_main(["--db", f"sqlite:///{bogus}", "case", "list"])
    err = capsys.readouterr().err
    assert code == 3, err
    assert "not a SQLite database" in err and len(err.strip().splitlines()) == 1


def test_an_agent_cannot_give_a_new_case_to_someone_else(team_url, make_login, client) -> None:  # noqa: ANN001
    """Found from outside: an agent's `case add --assignee <other agent>` was an unhandled
    row-level-security error; now it is a clear message at the field and nothing is written."""
    from datetime import date

    from sqlalchemy import func, select

    from muse_care.services import cases
    from muse_care.services.cases import CaseDraft, InvalidInput
    from muse_care.store.models import CaseRecord

    agent_login, other = make_login("agent"), make_login("agent")
    agent = client(agent_login)
    draft = dict(name="Jane Smith", rights=["access"], channel="email", received=date(2026, 11, 2),
                 email="jane@example.com", country="GB")
    with pytest.raises(InvalidInput) as caught:
        cases.add_case(agent, CaseDraft(**draft, assignee=other))
    assert "team lead" in caught.value.problems["assignee"]
    with agent.read() as s:
        assert s.execute(select(func.count()).select_from(CaseRecord)).scalar_one() == 0
    assert cases.add_case(agent, CaseDraft(**draft, assignee=agent_login)).assignee == agent_login
