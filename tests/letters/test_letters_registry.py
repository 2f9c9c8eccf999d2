"""Letter kinds are declared once (letters/kinds.py): a kind added in a fixture, with
nothing but its declaration and its text, is rendered, offered by the CLI, the letter
form and the samples, and produced by the service under the same title everywhere."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from muse_care.letters import kinds
from muse_care.letters.kinds import RECEIVED, Field, KindSpec
from muse_care.letters.model import KIND_FIELDS, LAYOUTS, Layout
from muse_care.letters.render import KIND_TITLES, render_letter
from muse_care.letters.samples import SAMPLE_FIELDS, sample_request

TEXT = """Subject: Your goodwill voucher (our reference {reference})

Thank you for your patience with your request of {received_date}.

As a gesture of goodwill we enclose a voucher worth {voucher_value}.
"""


@pytest.fixture
def voucher_kind(tmp_path: Path):  # noqa: ANN201
    """The declaration and its text: the only two things a new kind needs."""
    (tmp_path / "goodwill-voucher.txt").write_text(TEXT, encoding="utf-8")
    spec = kinds.register(KindSpec(
        "goodwill-voucher", "Goodwill voucher", (RECEIVED, Field("voucher_value", "Voucher value")),
        template=tmp_path / "goodwill-voucher.txt",
        sample={"received_date": "3 March 2026", "voucher_value": "£25"}))
    yield spec
    kinds.unregister("goodwill-voucher")


def test_a_kind_added_in_a_fixture_is_everywhere(voucher_kind: KindSpec) -> None:
    assert KIND_TITLES["goodwill-voucher"] == "Goodwill voucher"
    assert KIND_FIELDS["goodwill-voucher"].required == ("received_date", "voucher_value")
    assert SAMPLE_FIELDS["goodwill-voucher"]["voucher_value"] == "£25"
    for layout in Layout:
        letter = render_letter(sample_request("goodwill-voucher", layout, "uk"))
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.pdf)).pages)
        assert "a voucher worth £25" in text and "Your goodwill voucher" in text
        assert PdfReader(io.BytesIO(letter.pdf)).metadata.title.startswith("Goodwill voucher")
    from muse_care.cli.letters import kinds_help

    assert "goodwill-voucher (Goodwill voucher)" in kinds_help()


def test_the_service_and_the_letter_form_use_the_new_kind(voucher_kind: KindSpec, register, qtbot) -> None:  # noqa: ANN001
    from datetime import date

    from muse_care.services import cases, letters
    from muse_care.services.settings import set_setting
    from muse_care.ui.context import AppContext
    from muse_care.ui.letters_tab import KIND_LABELS, LetterDialog, field_label

    set_setting(register, "four_eyes", False)
    view = cases.add_case(register, cases.CaseDraft(
        name="Oliver Smith", rights=["access"], channel="post", received=date(2026, 11, 2), regime="uk-gdpr",
        holiday_region="GB-ENG", address_lines=["1 High Street"], city="Leeds", postcode="LS1 4DY", country="GB"))
    info = letters.produce_letter(register, view.reference, "goodwill-voucher", fields={"voucher_value": "£40"})
    pdf = letters.letter_pdf(register, info.id)
    assert "a voucher worth £40" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert KIND_LABELS["goodwill-voucher"] == "Goodwill voucher"
    assert field_label("goodwill-voucher", "voucher_value") == "Voucher value"
    ctx = AppContext(register, register.actor)
    try:
        dialog = LetterDialog(ctx, view, {}, "uk")
        qtbot.addWidget(dialog)
        offered = {dialog.ui.kind_combo.itemData(i): dialog.ui.kind_combo.itemText(i)
                   for i in range(dialog.ui.kind_combo.count())}
        assert offered["goodwill-voucher"] == "Goodwill voucher"
        dialog.set_kind("goodwill-voucher")
        assert set(dialog.editors) == {"received_date", "voucher_value"}
    finally:
        qtbot.waitUntil(lambda: ctx.worker.idle)
        ctx.worker.shutdown()


def test_titles_agree_everywhere() -> None:
    """One title per kind: the renderer's, the tab's, the cover sheet's and the CLI's."""
    from muse_care.cli.letters import kinds_help
    from muse_care.ui.letters_tab import KIND_LABELS

    for spec in kinds.all_kinds():
        assert KIND_TITLES[spec.id] == KIND_LABELS[spec.id] == spec.title
        assert f"{spec.id} ({spec.title})" in kinds_help()
    assert KIND_TITLES["portability"] == "Data portability"


def test_the_letter_kinds_are_not_listed_anywhere_else() -> None:
    """Before the registry a new kind touched 7 files; now the declaration and its text."""
    root = Path(__file__).resolve().parents[2]
    listed = []
    for path in sorted((root / "muse_care").rglob("*.py")):
        if path.name == "kinds.py":
            continue
        source = path.read_text(encoding="utf-8")
        if '"rectification-done"' in source or "'rectification-done'" in source:
            listed.append(str(path.relative_to(root)))
    assert listed == [], listed


def test_every_layout_offered_is_accepted_by_the_setting(register) -> None:  # noqa: ANN001
    from muse_care.services.settings import get_setting, set_setting

    for layout in LAYOUTS:
        set_setting(register, "letter_layout", layout)
        assert get_setting(register, "letter_layout") == layout
    assert set(LAYOUTS) == {layout.value for layout in Layout}


def test_cli_help_lists_the_kinds_with_their_titles() -> None:
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-m", "muse_care", "letter", "--help"], cwd=root,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "portability (Data portability)" in " ".join(done.stdout.split())
