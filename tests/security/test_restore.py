"""Finding 7: `db restore` while another process was writing lost what it saved after."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from muse_care.cli.main import main as cli_main
from muse_care.services import cases
from support import draft


def test_restore_refuses_while_another_process_has_the_database_open(sqlite_register, tmp_path, capsys) -> None:
    cases.add_case(sqlite_register, draft())
    backup = tmp_path / "b.sqlite3"
    assert cli_main(["--db", sqlite_register.url, "db", "backup", str(backup)]) == 0
    path = sqlite_register.url.removeprefix("sqlite:///")
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sqlite3, sys, time
        c = sqlite3.connect({path!r}); c.execute("SELECT count(*) FROM cases").fetchone()
        print("open", flush=True); time.sleep(30)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        code = cli_main(["--db", sqlite_register.url, "db", "restore", str(backup)])
        err = capsys.readouterr().err
        assert code == 3 and "open in" in err and f"pid {holder.pid}" in err
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert cli_main(["--db", sqlite_register.url, "db", "restore", str(backup)]) == 0


def test_restore_goes_into_the_live_file_so_an_open_connection_keeps_writing_there(
        sqlite_register, tmp_path) -> None:
    """The register this process already has open (a window) is not a replaced file
    afterwards: what it saves after the restore is in the restored database."""
    from muse_care.store import db

    first = cases.add_case(sqlite_register, draft(name="Before Backup"))
    backup = tmp_path / "b.sqlite3"
    db.backup_sqlite(sqlite_register.url, backup)
    cases.add_case(sqlite_register, draft(name="After Backup"))
    db.restore_sqlite(sqlite_register.url, backup)
    later = cases.add_case(sqlite_register, draft(name="Saved After Restore"))
    import sqlite3

    conn = sqlite3.connect(sqlite_register.url.removeprefix("sqlite:///"))
    names = {r[0] for r in conn.execute("SELECT requester_name FROM cases")}
    conn.close()
    assert names == {"Before Backup", "Saved After Restore"}
    assert later.id != first.id


@pytest.mark.pg
def test_restore_on_postgresql_says_to_use_the_servers_tools(pg_url, tmp_path, capsys) -> None:
    f = tmp_path / "x.sqlite3"
    f.write_bytes(b"")
    assert cli_main(["--db", pg_url, "db", "restore", str(f)]) == 2
    assert "server's own tools" in capsys.readouterr().err
