"""Findings 5 and 6: predictable temp names followed symlinks; files were readable by
everyone; crash logs held note text and overwrote each other."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from muse_care.cli.main import main as cli_main
from muse_care.services import cases, local_config
from muse_care.store import db
from support import draft, some_cases

posix = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@posix
def test_database_wal_backup_and_copies_are_private(tmp_path) -> None:
    folder = tmp_path / "data"
    url = f"sqlite:///{folder / 'muse-care.sqlite3'}"
    old = os.umask(0o022)
    try:
        assert cli_main(["--db", url, "case", "add", "--right", "access", "--channel", "email",
                         "--received", "2026-11-02", "--name", "Ann Lee", "--email", "a@example.com"]) == 0
        path = folder / "muse-care.sqlite3"
        assert _mode(folder) == 0o700
        for f in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
            if f.exists():
                assert _mode(f) == 0o600, f
        assert cli_main(["--db", url, "db", "backup", str(tmp_path / "copy.sqlite3")]) == 0
        assert _mode(tmp_path / "copy.sqlite3") == 0o600
        assert cli_main(["--db", url, "db", "restore", str(tmp_path / "copy.sqlite3")]) == 0
        kept = list(folder.glob("*.bak"))
        assert kept and all(_mode(k) == 0o600 for k in kept)
        local_config.save({"display_name": "Aisha"})
        cfg = local_config.config_dir() / "config.json"
        assert _mode(cfg) == 0o600 and _mode(cfg.parent) == 0o700
    finally:
        os.umask(old)


@posix
def test_backup_never_follows_a_planted_symlink(sqlite_register, tmp_path) -> None:
    some_cases(sqlite_register, 1)
    elsewhere = tmp_path / "attacker-readable.sqlite3"
    dest = tmp_path / "backup.sqlite3"
    (tmp_path / "backup.sqlite3.partial").symlink_to(elsewhere)
    assert cli_main(["--db", sqlite_register.url, "db", "backup", str(dest)]) == 0
    assert dest.is_file() and not dest.is_symlink() and not elsewhere.exists()
    # a symlink at the destination itself is replaced, not written through
    dest.unlink()
    dest.symlink_to(elsewhere)
    assert cli_main(["--db", sqlite_register.url, "db", "backup", str(dest)]) == 0
    assert not dest.is_symlink() and not elsewhere.exists()


@posix
def test_letter_output_never_follows_a_planted_symlink(sqlite_register, tmp_path) -> None:
    from datetime import date, timedelta

    from muse_care.services.register import Actor, Register

    # the command line runs on the real clock: a case received a week before it, not yet due
    real = Register.open(sqlite_register.url, Actor("aisha", "Aisha Khan"), migrate=False)
    try:
        view = cases.add_case(real, draft(channel="post", address_lines=["1 High St"], city="London",
                                          postcode="EC1Y 8SY", country="GB",
                                          received=date.today() - timedelta(days=7)))
    finally:
        real.dispose()
    elsewhere = tmp_path / "elsewhere.pdf"
    (tmp_path / "ack.pdf.partial").symlink_to(elsewhere)
    assert cli_main(["--db", sqlite_register.url, "letter", view.reference, "--kind", "acknowledgement",
                     "-o", str(tmp_path / "ack.pdf")]) == 0
    assert (tmp_path / "ack.pdf").read_bytes().startswith(b"%PDF") and not elsewhere.exists()
    assert _mode(tmp_path / "ack.pdf") == 0o600


@posix
def test_crash_logs_are_private_unique_and_hold_no_sql_parameters(sqlite_register) -> None:
    from sqlalchemy import text

    secret = "called about her divorce on 3 May"
    paths = []
    for _ in range(2):
        try:
            with sqlite_register.unit_of_work() as s:
                s.execute(text("INSERT INTO no_such_table (x) VALUES (:x)"), {"x": secret})
        except Exception:  # noqa: BLE001
            paths.append(local_config.log_crash())
    assert len(set(paths)) == 2 and all(p.exists() for p in paths)
    for p in paths:
        body = p.read_text(encoding="utf-8")
        assert secret not in body and "INSERT INTO no_such_table" in body
        assert _mode(p) == 0o600 and _mode(p.parent) == 0o700


def test_partials_are_swept_at_start(sqlite_url, tmp_path) -> None:
    folder = db.sqlite_file(sqlite_url).parent
    left = folder / ".backup.sqlite3.a1b2c3d4.part"
    left.write_bytes(b"half a register")
    assert cli_main(["--db", sqlite_url, "case", "list"]) == 0
    assert not left.exists()
