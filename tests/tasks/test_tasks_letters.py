"""The reply letters say what the tasks found: the systems searched (access), what was
deleted, what was kept and on which basis, and the recipients told (erasure). Real PDFs,
read back with poppler's pdftotext."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from muse_care.domain.systems import Action
from muse_care.services import cases, letters, tasks
from muse_care.services.cases import CaseDraft
from muse_care.services.settings import set_setting


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return " ".join(out.split())


def settled_case(register):  # noqa: ANN001, ANN201
    set_setting(register, "four_eyes", False)
    view = cases.add_case(register, CaseDraft(
        name="Jürgen Müller", rights=["access", "erasure"], channel="post", received=date(2026, 11, 2),
        regime="eu-gdpr", holiday_region="DE", address_lines=["Schloßallee 12"], city="Berlin",
        postcode="10115", country="DE"))
    for check in view.checks:
        cases.record_check(register, view.reference, check.step, "passed")
    for t in tasks.list_tasks(register, view.reference):
        if t.action is Action.KEEP_LEGAL_DUTY:
            tasks.settle_task(register, t.id, "kept", basis="tax law requires billing records for 7 years")
        elif t.system == "app-push":
            tasks.settle_task(register, t.id, "nothing-held")
        elif t.system == "ad-audiences":
            tasks.settle_task(register, t.id, "not-applicable", reason="never in an audience")
        else:
            tasks.settle_task(register, t.id, "done")
    return view


def test_access_response_lists_the_systems_searched(register, tmp_path: Path) -> None:
    view = settled_case(register)
    info = letters.produce_letter(register, view.reference, "access-response", enclosures=["Your orders"])
    text = pdf_text(letters.letter_pdf(register, info.id), tmp_path)
    assert "Where we looked" in text
    assert "Call recordings: data found and enclosed" in text
    assert "App push notifications: nothing held about you" in text
    assert "Couriers" not in text.split("Where we looked")[1].split("The law also")[0]


def test_erasure_letter_says_what_went_what_stayed_and_who_was_told(register, tmp_path: Path) -> None:
    view = settled_case(register)
    from tests.responded_support import settle_recipients

    settle_recipients(register, view.reference)
    info = letters.produce_letter(register, view.reference, "erasure-done",
                                  fields={"outcome": "We have deleted your personal data."})
    text = pdf_text(letters.letter_pdf(register, info.id), tmp_path)
    deleted = text.split("What we have deleted")[1].split("Personal data we have had to keep")[0]
    assert "My Account" in deleted and "Call recordings" in deleted
    assert "App push notifications (nothing was held)" in deleted
    assert "Web shop" not in deleted
    kept = text.split("Personal data we have had to keep")[1]
    assert "Web shop: orders and billing" in kept
    assert "We are keeping it because tax law requires billing records for 7 years" in kept
    assert "DHL" in kept and "FedEx" in kept  # the recipients told, from the Recipients tab
