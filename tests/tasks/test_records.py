"""The register of requests and the yearly metrics (CCPA regulations §7101-7102, and the
GDPR equivalents), on a known data set: every figure worked out by hand below."""

from __future__ import annotations

import csv
import io
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from muse_care.cli.main import main
from muse_care.domain.errors import ValidationError
from muse_care.services import cases, records, tasks
from muse_care.services.cases import CaseDraft
from muse_care.services.register import Actor, Register


def add(register, rights, received, name):  # noqa: ANN001, ANN201
    view = cases.add_case(register, CaseDraft(name=name, rights=rights, channel="email", received=received,
                                              regime="uk-gdpr", email=f"{name.lower()}@example.com",
                                              country="GB"))
    for check in view.checks:
        cases.record_check(register, view.reference, check.step, "passed")
    return view


def settle_all(register, ref) -> None:  # noqa: ANN001
    """Every task settled, every Art. 19 recipient told and the reply sent by email: the
    case may be marked responded."""
    from muse_care.services.respond_gate import record_electronic_reply
    from tests.responded_support import settle_recipients

    settle_recipients(register, ref)
    with register.read() as s:
        from muse_care.services.case_records import _load

        received = _load(s, ref).received_date
    record_electronic_reply(register, ref, "email", received, "the answer")
    for t in tasks.list_tasks(register, ref):
        if t.action.value == "keep-legal-duty":
            tasks.settle_task(register, t.id, "kept", basis="tax law")
        elif t.system == "analytics":
            tasks.settle_task(register, t.id, "nothing-held")
        else:
            tasks.settle_task(register, t.id, "done")


def on(register: Register, day: date) -> Register:
    return Register(register.engine, register.actor,
                    lambda: datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc))


@pytest.fixture
def known(register):  # noqa: ANN001, ANN201
    """Four requests of 2026 and one of 2025:
    A access, received 2 Mar, answered 20 Mar (18 days, on time)
    B access+erasure, received 5 Mar, answered 10 Apr (36 days, late: due 7 Apr)
    C erasure, received 1 Jun, refused 5 Jun (4 days)
    D access, received 1 Nov, still open (due 1 Dec)
    E access, received 2025-12-30, answered 2026-01-05 (not a 2026 request)"""
    from muse_care.services.settings import set_setting

    set_setting(register, "four_eyes", False)  # the refusal is the agent's own here, not a lead's
    a = add(on(register, date(2026, 3, 2)), ["access"], date(2026, 3, 2), "Anna")
    b = add(on(register, date(2026, 3, 5)), ["access", "erasure"], date(2026, 3, 5), "Bilal")
    c = add(on(register, date(2026, 6, 1)), ["erasure"], date(2026, 6, 1), "Chen")
    d = add(on(register, date(2026, 11, 1)), ["access"], date(2026, 11, 1), "Dara")
    e = add(on(register, date(2025, 12, 30)), ["access"], date(2025, 12, 30), "Emil")
    settle_all(register, a.reference)
    cases.change_status(on(register, date(2026, 3, 20)), a.reference, "responded")
    settle_all(register, b.reference)
    cases.change_status(on(register, date(2026, 4, 10)), b.reference, "responded")
    cases.change_status(on(register, date(2026, 6, 5)), c.reference, "refused",
                        reason="manifestly excessive: the fourth identical request this month")
    settle_all(register, e.reference)
    cases.change_status(on(register, date(2026, 1, 5)), e.reference, "responded")
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


def test_register_rows(register, known) -> None:  # noqa: ANN001
    rows = {r.reference: r for r in records.register_rows(register, date(2026, 1, 1), date(2026, 12, 31))}
    assert set(rows) == {known[k].reference for k in "ABCD"}
    a, b, c, d = (rows[known[k].reference] for k in "ABCD")
    assert (a.answered, a.days_to_answer, a.on_time, a.outcome) == (date(2026, 3, 20), 18, True, "complied")
    assert (b.due, b.answered, b.on_time, b.outcome) == (date(2026, 4, 7), date(2026, 4, 10), False, "complied")
    assert (c.outcome, c.days_to_answer) == ("denied", 4)
    assert c.refusal_basis == "manifestly excessive: the fourth identical request this month"
    assert (d.outcome, d.answered, d.on_time) == ("open", None, None)
    assert "Call recordings" in a.systems_searched and "Browsing and analytics data" in a.systems_searched
    assert c.systems_searched == () and a.refusal_basis == ""


def test_metrics_per_request_type(register, known) -> None:  # noqa: ANN001
    m = records.metrics(register, 2026, as_of=date(2026, 12, 5))
    assert m.total_received == 4
    access, erasure = m.row("access"), m.row("erasure")
    assert (access.received, access.complied, access.denied, access.open) == (3, 2, 0, 1)
    assert (access.on_time, access.late, access.open_overdue) == (1, 1, 1)
    assert access.median_days == 27  # 18 and 36
    assert (erasure.received, erasure.complied, erasure.denied) == (2, 1, 1)
    assert erasure.median_days == 20  # 36 and 4
    with pytest.raises(ValidationError):
        records.metrics(register, 1999)


def test_register_and_metrics_files_from_the_cli(sqlite_register, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    view = add(on(sqlite_register, date(2026, 3, 2)), ["access"], date(2026, 3, 2), "Anna")
    settle_all(sqlite_register, view.reference)
    cases.change_status(on(sqlite_register, date(2026, 3, 20)), view.reference, "responded")
    db = ["--db", sqlite_register.url]
    out_csv, out_pdf, out_m = tmp_path / "reg.csv", tmp_path / "reg.pdf", tmp_path / "m.csv"
    assert main([*db, "report", "register", "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(out_csv)]) == 0
    assert main([*db, "report", "register", "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(out_pdf)]) == 0
    assert main([*db, "report", "metrics", "--year", "2026", "-o", str(out_m)]) == 0
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert [(r["reference"], r["answered"], r["days_to_answer"], r["on_time"], r["outcome"]) for r in rows] == [
        (view.reference, "2026-03-20", "18", "yes", "complied")]
    text = subprocess.run(["pdftotext", "-layout", str(out_pdf), "-"], capture_output=True, text=True).stdout
    assert "Register of data-protection requests" in text and view.reference in text and "complied" in text
    metrics = list(csv.DictReader(io.StringIO(out_m.read_text(encoding="utf-8-sig"))))
    assert metrics[0]["right"] == "access" and metrics[0]["complied_in_whole_or_part"] == "1"
    assert main([*db, "report", "register", "--from", "2026-12-31", "--to", "2026-01-01", "-o", str(out_csv)]) == 2
    assert main([*db, "report", "register", "--from", "2026-01-01", "--to", "2026-12-31", "-o", str(tmp_path)]) == 2
    printed = capsys.readouterr()
    assert "Access (copy of data)" in printed.out
