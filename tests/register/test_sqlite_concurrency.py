"""Two writers on one SQLite file (the window's worker and a CLI command, say): a unit
of work that reads and then writes waits for the other writer instead of failing."""

from __future__ import annotations

import threading
from datetime import date

from muse_care.services import cases
from muse_care.services.cases import CaseDraft
from muse_care.services.register import Actor, Register
from muse_care.store.models import CaseRecord
from tests.conftest import FIXED_NOW


def test_read_then_write_waits_for_the_other_writer(sqlite_url) -> None:
    a = Register.open(sqlite_url, Actor("aisha", "Aisha"), migrate=False, now=lambda: FIXED_NOW)
    b = Register.open(sqlite_url, Actor("tom", "Tom"), migrate=False, now=lambda: FIXED_NOW)
    view = cases.add_case(a, CaseDraft(name="Oliver Smith", rights=["access"], channel="email",
                                       received=date(2026, 11, 2), email="oliver@example.com"))
    a_has_read = threading.Event()
    b_done = threading.Event()
    errors: list[BaseException] = []

    def slow_writer() -> None:
        try:
            with a.unit_of_work() as s:
                rec = s.get(CaseRecord, view.id)
                a_has_read.set()
                b_done.wait(0.5)  # b tries to write meanwhile and must wait for us
                rec.assignee = "aisha"
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=slow_writer)
    t.start()
    a_has_read.wait(5)
    cases.add_note(b, view.reference, "called back")  # blocks until a commits, then writes
    b_done.set()
    t.join(10)
    assert errors == []
    after = cases.get_case(a, view.reference)
    assert after.assignee == "aisha" and [n.text for n in after.notes] == ["called back"]
    a.dispose()
    b.dispose()
