"""The ``muse-care`` command line, run as users run it: JSON out, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from muse_care.cli.main import main


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def add(capsys, url: str, received: str, *extra: str) -> dict:
    code, out, err = run(capsys, url, "case", "add", "--right", "access", "--channel", "email",
                         "--received", received, "--name", "Ayesha Qureshi",
                         "--email", "ayesha@example.com", *extra, "--json")
    assert code == 0, err
    return json.loads(out)


@pytest.mark.parametrize(("received", "regime", "due"), [
    ("2026-09-03", "uk-gdpr", "2026-10-05"),   # 3 Oct 2026 is a Saturday → Monday 5 Oct
    ("2025-09-03", "uk-gdpr", "2025-10-03"),   # ICO: received 3 Sep, due 3 Oct
    ("2023-01-31", "uk-gdpr", "2023-02-28"),   # ICO: 31 Jan → 28 Feb
    ("2024-01-31", "uk-gdpr", "2024-02-29"),   # … 29 in a leap year
    ("2024-11-25", "uk-gdpr", "2024-12-27"),   # ICO: Mon 25 Nov 2024 → Fri 27 Dec 2024
    ("2025-01-01", "uk-gdpr", "2025-02-03"),   # ICO: 1 Jan → 1 Feb (a Saturday in 2025) → Mon 3 Feb
    ("2022-08-19", "uk-gdpr", "2022-09-20"),   # 19 Sep 2022: the Queen's funeral, a one-off bank holiday
    ("2023-04-08", "uk-gdpr", "2023-05-09"),   # 8 May 2023 was a Monday: the coronation holiday
    ("2021-11-27", "uk-gdpr", "2021-12-29"),   # 27 & 28 Dec 2021: substitute days for Christmas/Boxing Day
    ("2026-05-25", "eu-gdpr", "2026-06-25"),
    ("2026-05-02", "eu-gdpr", "2026-06-03"),   # Italy: 2 Jun is Festa della Repubblica
    ("2026-09-01", "ccpa", "2026-10-16"),      # 45 calendar days
])
def test_due_dates_through_the_cli(capsys, sqlite_url, received, regime, due) -> None:
    case = add(capsys, sqlite_url, received, "--regime", regime)
    assert case["due_date"] == due, case["due_explained"]
    assert case["clock_start"] == received
    assert case["requester"]["name"] == "Ayesha Qureshi"
    assert due[8:].lstrip("0") in case["due_explained"]


def test_extension_from_a_31st_and_its_notice_date(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2026-10-31", "--regime", "uk-gdpr")
    assert case["due_date"] == "2026-11-30"
    code, out, err = run(capsys, sqlite_url, "case", "event", case["reference"], "extended",
                         "--on", "2026-11-20", "--reason", "complex: twelve years of orders",
                         "--late-reason", "decided on the day; typed in later", "--json")
    assert code == 0, err
    extended = json.loads(out)
    assert extended["extended_to"] == "2027-02-01"  # 31 Jan 2027 is a Sunday
    assert extended["due_date"] == "2026-11-30"  # until the requester is told of it
    assert extended["original_due"] == "2026-11-30"
    assert extended["extended"] is True


def test_scotland_has_st_andrews_day(capsys, sqlite_url) -> None:
    eng = add(capsys, sqlite_url, "2026-10-30", "--regime", "uk-gdpr")
    sco = add(capsys, sqlite_url, "2026-10-30", "--regime", "uk-gdpr", "--holiday-region", "GB-SCT")
    assert eng["due_date"] == "2026-11-30"
    assert sco["due_date"] == "2026-12-01"


def test_clarification_pause_then_show_and_list(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2026-09-03")
    ref = case["reference"]
    late = ("--late-reason", "logged from the post book")
    assert run(capsys, sqlite_url, "case", "event", ref, "clarification-requested", "--on", "2026-09-07",
               *late)[0] == 0
    code, out, _ = run(capsys, sqlite_url, "case", "event", ref, "clarification-received",
                       "--on", "2026-09-09", *late, "--json")
    assert json.loads(out)["due_date"] == "2026-10-06"  # 3 Oct + 3 paused days = 6 Oct
    code, out, _ = run(capsys, sqlite_url, "case", "show", ref, "--as-of", "2026-10-06", "--json")
    shown = json.loads(out)
    assert (shown["days_left"], shown["overdue"]) == (0, False)
    code, out, _ = run(capsys, sqlite_url, "case", "list", "--overdue", "--as-of", "2026-10-07", "--json")
    listed = json.loads(out)
    assert [c["reference"] for c in listed] == [ref]
    assert listed[0]["days_left"] == -1 and listed[0]["overdue"] is True
    for key in ("reference", "status", "regime", "rights", "channel", "received", "clock_start",
                "due_date", "days_left", "overdue", "due_explained", "requester"):
        assert key in listed[0]


def test_identity_check_through_cli(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2026-11-02")
    code, out, err = run(capsys, sqlite_url, "case", "check", case["reference"], "order-number",
                         "waived", "--json")
    assert code == 2 and "reason" in err and "\n" == err[-1] and err.count("\n") == 1
    code, out, err = run(capsys, sqlite_url, "case", "check", case["reference"], "order-number", "passed", "--json")
    assert code == 0
    checks = {c["step"]: c["result"] for c in json.loads(out)["identity_checks"]}
    assert checks["order-number"] == "passed"


@pytest.mark.parametrize(("argv", "needle"), [
    (["case", "add", "--right", "acces", "--channel", "email", "--received", "2026-01-01", "--name", "A",
      "--email", "a@example.com"], "right"),
    (["case", "add", "--right", "access", "--channel", "email", "--received", "01/02/2026", "--name", "A"],
     "received"),
    (["case", "add", "--right", "access", "--channel", "post", "--received", "2026-01-01", "--name", "A",
      "--address-line", "1 Road", "--city", "Berlin", "--postcode", "1234", "--country", "DE"], "postcode"),
    (["case", "add", "--right", "access", "--channel", "email", "--received", "2099-01-01", "--name", "A",
      "--email", "a@example.com"], "future"),
    (["case", "show", "MC-AAA-AAAA"], "no case"),
    (["case", "list", "--status", "sleeping"], "status"),
    (["case", "event", "MC-AAA-AAAA", "id-received", "--on", "yesterday"], "on"),
])
def test_bad_input_one_line_exit_2(capsys, sqlite_url, argv, needle) -> None:
    code, out, err = run(capsys, sqlite_url, *argv)
    assert code == 2
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_event_out_of_order_is_refused(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2026-11-02")
    code, _, err = run(capsys, sqlite_url, "case", "event", case["reference"], "clarification-received",
                       "--on", "2026-11-03")
    assert code == 2 and "clarification" in err


def test_backup_restore_round_trip(capsys, sqlite_url, tmp_path: Path) -> None:
    first = add(capsys, sqlite_url, "2026-11-02")
    backup = tmp_path / "backup.sqlite3"
    assert run(capsys, sqlite_url, "db", "backup", str(backup))[0] == 0
    add(capsys, sqlite_url, "2026-11-03")
    code, out, _ = run(capsys, sqlite_url, "db", "restore", str(backup))
    assert code == 0 and "previous database is kept" in out
    code, out, _ = run(capsys, sqlite_url, "case", "list", "--json")
    assert [c["reference"] for c in json.loads(out)] == [first["reference"]]
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"not a database")
    code, _, err = run(capsys, sqlite_url, "db", "restore", str(bogus))
    assert code == 2 and "not a MUSE Care database" in err


def test_demo_and_audit(capsys, sqlite_url) -> None:
    code, out, err = run(capsys, sqlite_url, "demo", "--cases", "300", "--json")
    assert code == 0, err
    assert json.loads(out)["cases"] == 300
    code, out, _ = run(capsys, sqlite_url, "case", "list", "--json", "--limit", "1000")
    rows = json.loads(out)
    assert len(rows) == 300
    assert {r["status"] for r in rows} >= {"new", "in-progress", "closed", "awaiting-identity"}
    assert any(r["overdue"] for r in rows)
    assert any(not r["requester"]["name"].isascii() for r in rows)
    code, out, _ = run(capsys, sqlite_url, "audit", "verify")
    assert code == 0 and "history intact" in out


def test_installed_entry_point_and_env_var(sqlite_url, tmp_path: Path) -> None:
    env = {**os.environ, "MUSE_CARE_DB": sqlite_url}
    done = subprocess.run([sys.executable, "-m", "muse_care", "case", "add", "--right", "erasure",
                           "--channel", "phone", "--received", "2026-11-02", "--name", "Li Wei",
                           "--phone", "+86 138 0013 8000", "--country", "CN", "--json"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["requester"]["phone"] == "+8613800138000"
    bad = subprocess.run([sys.executable, "-m", "muse_care", "case", "add", "--right", "erasure",
                          "--channel", "phone", "--received", "2026-11-02", "--name", "Li Wei",
                          "--phone", "12"], env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and bad.stderr.startswith("muse-care: phone:")
