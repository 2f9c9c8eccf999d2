"""The letters tab and the mailroom's print run, driven as a person would (offscreen Qt,
a real SQLite register, the one database worker); printing checked on paper-sized PDFs."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from muse_care.domain.case_views import Requester
from muse_care.services import cases, letters
from muse_care.services.cases import CaseDraft
from muse_care.ui.context import AppContext
from muse_care.ui.letters_tab import LettersTab
from muse_care.ui.pdf_preview import QPrinter, make_printer, print_pdf
from muse_care.ui.print_run import PrintRunWindow
from muse_care.ui.qt import QtCore, QtGui, QtWidgets

# The offscreen platform says so for every shown top-level window; it is not our bug.
pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def postal_case(register, **kw):  # noqa: ANN001, ANN201
    """A postal case whose requester's identity is confirmed (a reply may disclose data)."""
    base = dict(name="Jürgen Müller", rights=["access", "erasure"], channel="post",
                received=date(2026, 11, 2), regime="eu-gdpr", holiday_region="DE",
                address_lines=["Schloßallee 12"], city="Berlin", postcode="10115", country="DE")
    base.update(kw)
    view = cases.add_case(register, CaseDraft(**base))
    for check in view.checks:
        view = cases.record_check(register, view.reference, check.step, "passed")
    return view


def uk_case(register, **kw):  # noqa: ANN001, ANN201
    base = dict(name="Ffion Ellis", rights=["access"], channel="post", received=date(2026, 11, 3),
                regime="uk-gdpr", holiday_region="GB-ENG", address_lines=["14 Station Road"],
                city="Leeds", postcode="LS1 4DY", country="GB")
    base.update(kw)
    return postal_case(register, **base)


@pytest.fixture
def ctx(qtbot, sqlite_register, tmp_path):  # noqa: ANN001, ANN201
    settings = QtCore.QSettings(str(tmp_path / "ui.ini"), QtCore.QSettings.Format.IniFormat)
    context = AppContext(sqlite_register, sqlite_register.actor, settings=settings)
    yield context
    qtbot.waitUntil(lambda: context.worker.idle)
    context.worker.shutdown()


def idle(qtbot, ctx) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: ctx.worker.idle, timeout=20000)


def open_tab(qtbot, ctx, view) -> LettersTab:  # noqa: ANN001
    tab = LettersTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1000, 600)
    tab.show_case(view)
    idle(qtbot, ctx)
    return tab


def open_dialog(qtbot, ctx, tab, kind: str):  # noqa: ANN001, ANN201
    tab.new_letter()
    idle(qtbot, ctx)
    assert tab.dialog is not None
    tab.dialog.set_kind(kind)
    return tab.dialog


# --- the letters tab --------------------------------------------------------------------

def test_produce_an_acknowledgement_from_the_tab(qtbot, qtmodeltester, ctx, sqlite_register) -> None:
    view = postal_case(sqlite_register)
    tab = open_tab(qtbot, ctx, view)
    assert tab.model.rowCount() == 0
    changed = []
    ctx.op_executed.connect(lambda changes, initiator: changed.append((changes, initiator)))
    dialog = open_dialog(qtbot, ctx, tab, "acknowledgement")
    # pre-filled from the case: dates in the layout's style, the rights in the requester's words
    assert dialog.field_text("received_date") == "2 November 2026"
    assert "copy of your personal data" in dialog.field_text("rights")
    assert dialog.field_text("due_date")
    with qtbot.waitSignal(tab.letter_produced, timeout=20000) as produced:
        dialog.produce()
    idle(qtbot, ctx)
    qtbot.waitUntil(lambda: tab.preview.page_count() == 1, timeout=20000)
    info = produced.args[0]
    assert tab.model.rowCount() == 1 and tab.model.letter_at(0).id == info.id
    assert tab.model.data(tab.model.index(0, 0)) == "Acknowledgement"
    assert tab.model.data(tab.model.index(0, 5)) == "not sent"
    assert tab.preview.document.pageCount() == 1 == info.page_count
    assert [(c.case_id, c.letters, c.view.id, initiator) for c, initiator in changed] == [
        (view.id, True, view.id, tab)]
    assert tab.ui.print_button.isEnabled() and not tab.ui.reprint_button.isEnabled()
    qtmodeltester.check(tab.model)


def test_a_missing_required_field_is_named_and_nothing_typed_is_lost(qtbot, ctx, sqlite_register) -> None:
    view = postal_case(sqlite_register)
    tab = open_tab(qtbot, ctx, view)
    dialog = open_dialog(qtbot, ctx, tab, "closing")
    dialog.set_field("rights", "Löschung Ihrer Daten — erasure of your data")
    dialog.ui.enclosures_edit.setPlainText("Kopie Ihrer Daten")
    dialog.produce()
    idle(qtbot, ctx)
    error = dialog.error_labels["outcome"]
    qtbot.waitUntil(error.isVisible)  # rows added to a shown form appear on the next event loop turn
    assert "Outcome" in error.text() and "required" in error.text()
    assert dialog.field_text("rights") == "Löschung Ihrer Daten — erasure of your data"
    assert dialog.ui.enclosures_edit.toPlainText() == "Kopie Ihrer Daten"
    assert tab.dialog is dialog and dialog.result() == 0  # still open
    assert letters.list_letters(sqlite_register, view.reference) == []
    # switching kinds keeps what was typed in a field both kinds have
    dialog.set_kind("acknowledgement")
    dialog.set_kind("closing")
    assert dialog.field_text("rights") == "Löschung Ihrer Daten — erasure of your data"


def test_an_error_from_the_service_is_shown_in_the_form(qtbot, ctx, sqlite_register) -> None:
    view = cases.add_case(sqlite_register, CaseDraft(name="Li Wei", rights=["access"], channel="email",
                                                     received=date(2026, 11, 2), email="li@example.com"))
    tab = open_tab(qtbot, ctx, view)
    dialog = open_dialog(qtbot, ctx, tab, "acknowledgement")
    dialog.set_field("due_date", "2 December 2026")
    dialog.produce()
    idle(qtbot, ctx)
    assert "no complete postal address" in dialog.ui.general_error.text()
    assert dialog.field_text("due_date") == "2 December 2026"
    assert dialog.produce_button.isEnabled()
    # a field the service rejects is marked at the field itself
    dialog.set_field("fee_due", "x" * 5000)
    dialog.produce()
    idle(qtbot, ctx)
    qtbot.waitUntil(dialog.error_labels["fee_due"].isVisible)
    assert dialog.error_labels["fee_due"].text().startswith("⚠")
    assert dialog.field_text("fee_due") == "x" * 5000


def test_an_acknowledgement_for_an_overdue_case_is_refused_in_the_form(qtbot, ctx, sqlite_register) -> None:
    """An acknowledgement would promise a reply by the case's due date; past that day
    (30 October here, today 25 November) the form says why it is refused and what to do,
    and keeps what was typed (docs/letters.md, "A letter never promises a day that has
    passed")."""
    view = postal_case(sqlite_register, received=date(2026, 9, 30))
    tab = open_tab(qtbot, ctx, view)
    dialog = open_dialog(qtbot, ctx, tab, "acknowledgement")
    dialog.set_field("fee_due", "none")
    dialog.produce()
    idle(qtbot, ctx)
    shown = dialog.ui.general_error.text()
    assert "was due on 2026-10-30" in shown and "day that has passed" in shown and "Reply to the request now" in shown
    assert tab.dialog is dialog and dialog.result() == 0 and dialog.produce_button.isEnabled()
    assert dialog.field_text("fee_due") == "none"
    assert letters.list_letters(sqlite_register, view.reference) == []


def test_four_eyes_refusal_says_a_lead_must_approve(qtbot, ctx, sqlite_register, monkeypatch) -> None:
    from muse_care.domain.errors import PermissionDenied

    view = postal_case(sqlite_register)
    tab = open_tab(qtbot, ctx, view)
    dialog = open_dialog(qtbot, ctx, tab, "refusal")

    def needs_approval(*_a, **_k):  # noqa: ANN002, ANN003, ANN202 - what team mode raises
        raise PermissionDenied(f"a refusal letter for {view.reference} needs a team lead's approval (refusal)")

    monkeypatch.setattr(letters, "produce_letter", needs_approval)
    dialog.set_field("refusal_reasons", "Manifestly excessive: the fifth identical request this month")
    dialog.produce()
    idle(qtbot, ctx)
    assert "approval" in dialog.ui.general_error.text() and "team lead" in dialog.ui.general_error.text()
    assert dialog.field_text("refusal_reasons").startswith("Manifestly excessive")


def test_a_tampered_letter_is_not_shown_or_printed(qtbot, ctx, sqlite_register) -> None:
    view = postal_case(sqlite_register)
    info = letters.produce_letter(sqlite_register, view.reference, "acknowledgement")
    with sqlite_register.engine.begin() as conn:
        conn.execute(text("UPDATE letters SET pdf = :p WHERE id = :i"), {"p": b"%PDF-1.4 forged", "i": info.id})
    tab = open_tab(qtbot, ctx, view)
    assert tab.model.rowCount() == 1
    assert "does not match its recorded hash" in tab.message
    assert tab.preview.page_count() == 0
    assert not tab.ui.print_button.isEnabled() and not tab.ui.save_button.isEnabled()


def test_the_preview_is_made_when_the_tab_is_first_shown_and_shows_what_came_meanwhile(
        qtbot, ctx, sqlite_register) -> None:
    """The PDF view (QtPdf) is not made for a tab nobody has looked at; the letter, or the
    message, that came while it was hidden is what it shows once the tab is opened."""
    with_letter = postal_case(sqlite_register)
    info = letters.produce_letter(sqlite_register, with_letter.reference, "acknowledgement")
    without = uk_case(sqlite_register)
    pane = QtWidgets.QTabWidget()
    qtbot.addWidget(pane)
    pane.addTab(QtWidgets.QLabel("Details"), "Details")
    tab = LettersTab(ctx)
    pane.addTab(tab, "Letters")
    pane.resize(1000, 600)
    pane.show()
    for view, pages, message in ((with_letter, 1, ""), (without, 0, "No letters yet")):
        pane.setCurrentIndex(0)
        tab.show_case(view)
        idle(qtbot, ctx)
        if view is with_letter:
            assert tab._preview is None and tab.model.letter_at(0).id == info.id
        pane.setCurrentWidget(tab)
        assert tab._preview is not None and tab.preview.page_count() == pages
        assert tab.preview.placeholder.isVisible() == (pages == 0)
        assert message in tab.preview.placeholder.text()
        assert tab.ui.print_button.isEnabled() == (pages == 1)


def test_save_pdf_with_a_password(qtbot, ctx, sqlite_register, tmp_path) -> None:
    view = postal_case(sqlite_register)
    letters.produce_letter(sqlite_register, view.reference, "acknowledgement")
    tab = open_tab(qtbot, ctx, view)
    qtbot.waitUntil(lambda: tab.ui.save_button.isEnabled())
    with qtbot.waitSignal(tab.saved, timeout=20000) as saved:
        tab.save_to(str(tmp_path / "copy.pdf"), "Ørsted-2026")
    reader = PdfReader(saved.args[0])
    assert reader.is_encrypted and reader.decrypt("Ørsted-2026")
    assert view.reference in reader.pages[0].extract_text()
    with qtbot.waitSignal(tab.saved, timeout=20000) as plain:
        tab.save_to(str(tmp_path / "plain"))
    assert plain.args[0].endswith("plain.pdf") and not PdfReader(plain.args[0]).is_encrypted
    tab.save_to(str(tmp_path / "no-such-folder" / "x.pdf"))
    idle(qtbot, ctx)
    assert "does not exist" in tab.message


# --- printing at 100 % --------------------------------------------------------------------

def pdf_printer(path: Path, dpi: int = 100) -> QPrinter:
    printer = make_printer("test")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(dpi)
    # A different paper chosen in the dialog must not scale the letter to it.
    printer.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A5))
    return printer


def raster(pdf: Path, out: Path, dpi: int = 72) -> QtGui.QImage:
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(dpi), "-f", "1", "-l", "1", str(pdf), str(out)],
                   check=True)
    image = QtGui.QImage(str(next(out.parent.glob(out.name + "*.png"))))
    return image.convertToFormat(QtGui.QImage.Format.Format_Grayscale8)


def ink_box(image: QtGui.QImage, region: tuple[int, int, int, int] | None = None) -> tuple[int, int, int, int]:
    """The bounding box (x0, y0, x1, y1) of the dark pixels, in the region if given."""
    width, bpl, data = image.width(), image.bytesPerLine(), bytes(image.constBits())
    x0, y0, x1, y1 = region or (0, 0, width, image.height())
    xs, ys = [], []
    for y in range(y0, y1):
        for i, value in enumerate(data[y * bpl + x0:y * bpl + x1]):
            if value < 160:
                xs.append(x0 + i)
                ys.append(y)
    assert xs, "no ink found"
    return min(xs), min(ys), max(xs), max(ys)


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: float = 2) -> bool:
    """Within 2 px at 72 dpi (0.7 mm): anti-aliasing of grey text moves an edge by a pixel."""
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("layout", ["uk", "us10"])
def test_printing_paints_each_page_at_its_own_size(qtbot, ctx, sqlite_register, tmp_path, layout) -> None:
    view = uk_case(sqlite_register)
    info = letters.produce_letter(sqlite_register, view.reference, "access-response", layout=layout,
                                  enclosures=["Copy of your account data (12 pages)"])
    original = tmp_path / "letter.pdf"
    original.write_bytes(letters.letter_pdf(sqlite_register, info.id))
    tab = open_tab(qtbot, ctx, view)
    qtbot.waitUntil(lambda: tab.ui.print_button.isEnabled())
    printed = tmp_path / "printed.pdf"
    with qtbot.waitSignal(tab.printed, timeout=60000) as done:
        tab.print_to(pdf_printer(printed, dpi=150))
    assert done.args == [info.id, info.page_count]
    source, out = PdfReader(original), PdfReader(printed)
    assert len(out.pages) == len(source.pages) == info.page_count
    for a, b in zip(source.pages, out.pages, strict=True):  # A4 stays A4, Letter stays Letter
        assert abs(float(a.mediabox.width) - float(b.mediabox.width)) < 1
        assert abs(float(a.mediabox.height) - float(b.mediabox.height)) < 1
    expected = (612, 792) if layout == "us10" else (595, 842)
    assert (round(float(out.pages[0].mediabox.width)), round(float(out.pages[0].mediabox.height))) == expected
    # The reference is in the letter as text; the printed page is an image of it at the
    # printer's resolution, so it is compared as a picture: the same at the same place.
    assert view.reference in subprocess.run(["pdftotext", str(original), "-"], capture_output=True,
                                            text=True, check=True).stdout
    a, b = raster(original, tmp_path / "a"), raster(printed, tmp_path / "b")  # 72 dpi: 1 px = 0.35 mm
    assert abs(a.width() - b.width()) <= 1 and a.height() == b.height()  # 595.28 pt prints as 595
    text_area = (round(15 / 25.4 * 72), 0, min(a.width(), b.width()), a.height())  # right of the fold marks
    assert close(ink_box(a, text_area), ink_box(b, text_area))  # letterhead to footer
    window = (round(15 / 25.4 * 72), round(35 / 25.4 * 72), round(125 / 25.4 * 72), round(80 / 25.4 * 72))
    assert close(ink_box(a, window), ink_box(b, window))  # the address in the envelope window
    # the check can tell: "fit to page" at 98 % moves the footer by more than 5 px (1.8 mm)
    shrunk = a.scaled(round(a.width() * 0.98), round(a.height() * 0.98),
                      mode=QtCore.Qt.TransformationMode.SmoothTransformation)
    assert not close(ink_box(a, text_area), ink_box(shrunk, text_area), tolerance=5)
    assert letters.list_letters(sqlite_register, view.reference)[0].print_count == 1  # a first print is counted


def test_reprint_records_the_reason(qtbot, ctx, sqlite_register, tmp_path) -> None:
    view = uk_case(sqlite_register)
    info = letters.produce_letter(sqlite_register, view.reference, "acknowledgement")
    letters.build_print_run(sqlite_register)
    tab = open_tab(qtbot, ctx, view)
    qtbot.waitUntil(lambda: tab.ui.reprint_button.isEnabled())
    assert not tab.ui.print_button.isEnabled()
    with qtbot.waitSignal(tab.printed, timeout=60000):
        tab.print_to(pdf_printer(tmp_path / "again.pdf"), reason="Lost in the post")
    idle(qtbot, ctx)
    assert tab.model.letter_at(0).print_count == 2
    history = cases.get_case(sqlite_register, view.reference).history
    assert any(h.what == "letter reprint:acknowledgement" and "Lost in the post" in h.new for h in history)
    assert info.id == tab.model.letter_at(0).id


def test_print_pdf_honours_a_page_range(qtbot, tmp_path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for n in range(1, 5):
        pdf.drawString(72, 720, f"page {n}")
        pdf.showPage()
    pdf.save()
    printer = pdf_printer(tmp_path / "range.pdf", dpi=50)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert print_pdf(buffer.getvalue(), printer) == 2
    assert len(PdfReader(tmp_path / "range.pdf").pages) == 2


# --- the print run --------------------------------------------------------------------------

def open_run(qtbot, ctx) -> PrintRunWindow:  # noqa: ANN001
    window = PrintRunWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1100, 680)
    idle(qtbot, ctx)
    return window


def test_print_run_builds_previews_and_marks_dispatched(qtbot, qtmodeltester, ctx, sqlite_register) -> None:
    a = postal_case(sqlite_register)
    b = uk_case(sqlite_register)
    la = letters.produce_letter(sqlite_register, a.reference, "acknowledgement")
    lb = letters.produce_letter(sqlite_register, b.reference, "access-response",
                                enclosures=["Copy of your account data (12 pages)"])
    window = open_run(qtbot, ctx)
    assert window.day() == date(2026, 11, 25)
    assert window.model.rowCount() == 2 and sorted(window.model.checked_ids()) == sorted([la.id, lb.id])
    assert "2 letters on A4 waiting" in window.ui.count_label.text()
    qtmodeltester.check(window.model)
    with qtbot.waitSignal(window.run_built, timeout=30000) as built:
        window.ui.build_button.click()
    run = built.args[0]
    assert window.preview.page_count() == run.pages == window.preview.document.pageCount()
    assert run.pages == sum(x + x % 2 for x in (la.page_count, lb.page_count)) + 2
    assert str(run.pages) in window.ui.run_label.text()
    assert window.ui.print_button.isEnabled() and window.ui.dispatch_button.isEnabled()
    window.preview.go_to(2)
    assert window.preview.current_page() == 2

    window.ask_dispatch()
    box = window.confirm
    assert box is not None and "2 letters" in box.text()
    accept = next(btn for btn in box.buttons() if "dispatched" in btn.text())
    with qtbot.waitSignal(window.dispatched, timeout=20000):
        accept.click()
    idle(qtbot, ctx)
    # The window refreshes: the run's letters are done, nothing else waits.
    assert window.model.rowCount() == 0 and not window.ui.dispatch_button.isEnabled()
    assert f"2 letters of print run #{run.id} marked dispatched" in window.message
    assert all(i.dispatched_on == date(2026, 11, 25) for i in letters.list_letters(sqlite_register, a.reference))
    assert letters.letters_for_run(sqlite_register) == []
    qtmodeltester.check(window.model)
    window.load()
    idle(qtbot, ctx)
    assert window.model.rowCount() == 0 and "No letters on A4 waiting" in window.message


def test_print_run_duplex_printer_and_only_the_ticked_letters(qtbot, ctx, sqlite_register, tmp_path) -> None:
    a, b = postal_case(sqlite_register), uk_case(sqlite_register)
    la = letters.produce_letter(sqlite_register, a.reference, "acknowledgement")
    letters.produce_letter(sqlite_register, b.reference, "acknowledgement")
    window = open_run(qtbot, ctx)
    row_b = next(r for r in range(2) if window.model.letter_at(r).id != la.id)
    window.model.setData(window.model.index(row_b, 0), QtCore.Qt.CheckState.Unchecked.value,
                         QtCore.Qt.ItemDataRole.CheckStateRole)
    with qtbot.waitSignal(window.run_built, timeout=30000) as built:
        window.build()
    assert [x.id for x in built.args[0].letters] == [la.id]
    with qtbot.waitSignal(window.printed, timeout=60000) as printed:
        window.print_to(pdf_printer(tmp_path / "run.pdf", dpi=50))
    assert printed.args == [built.args[0].pages] == [len(PdfReader(tmp_path / "run.pdf").pages)]
    window.save_to(str(tmp_path / "run-copy.pdf"))
    idle(qtbot, ctx)
    assert (tmp_path / "run-copy.pdf").read_bytes() == built.args[0].pdf


def test_no_letters_waiting_is_said_plainly(qtbot, ctx, sqlite_register) -> None:
    window = open_run(qtbot, ctx)
    assert window.model.rowCount() == 0
    assert window.message == "No letters on A4 waiting to be printed for Wed 25 Nov 2026."
    assert not window.ui.build_button.isEnabled() and not window.ui.dispatch_button.isEnabled()
    window.set_day(date(2026, 11, 24))
    idle(qtbot, ctx)
    assert "Tue 24 Nov 2026" in window.message


def test_a_misaddressed_letter_stops_the_run_and_is_named(qtbot, ctx, sqlite_register) -> None:
    view = postal_case(sqlite_register)
    info = letters.produce_letter(sqlite_register, view.reference, "acknowledgement")
    cases.update_requester(sqlite_register, view.reference,
                           Requester(name="Hannah Meyer", address_lines=("Gartenweg 3",), city="Köln",
                                     postcode="50667", country="DE"),
                           expected_version=cases.get_case(sqlite_register, view.reference).version)
    window = open_run(qtbot, ctx)
    window.build()
    idle(qtbot, ctx)
    assert window.run is None and window.preview.page_count() == 0
    assert f"letter {info.id}" in window.message and "produce the letter again" in window.message
    assert not window.ui.print_button.isEnabled() and not window.ui.dispatch_button.isEnabled()


def test_preview_zoom_and_navigation(qtbot) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from muse_care.ui.pdf_preview import PdfPreview

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for n in range(3):
        pdf.drawString(72, 720, f"page {n + 1}")
        pdf.showPage()
    pdf.save()
    preview = PdfPreview()
    qtbot.addWidget(preview)
    preview.resize(600, 700)
    assert preview.set_pdf(buffer.getvalue()) == 3
    assert not preview.prev_button.isEnabled() and preview.next_button.isEnabled()
    preview.next_button.click()
    assert preview.current_page() == 1 and preview.page_spin.value() == 2
    preview.page_spin.setValue(3)
    assert preview.current_page() == 2 and not preview.next_button.isEnabled()
    preview.set_zoom(1.0)
    preview.step_zoom(+1)
    assert preview.zoom() == pytest.approx(1.25)
    preview.step_zoom(-1)
    preview.step_zoom(-1)
    assert preview.zoom() == pytest.approx(0.75)
    assert preview.set_pdf(b"not a pdf") == 0
    assert "cannot be shown" in preview.placeholder.text()
    assert isinstance(preview.placeholder, QtWidgets.QLabel)


def test_every_control_has_an_accessible_name(qtbot, ctx, sqlite_register) -> None:
    from tests.ui.test_models_forms_access import _unnamed_controls
    from muse_care.ui.letters_tab import ReprintDialog, SavePdfDialog

    view = postal_case(sqlite_register)
    info = letters.produce_letter(sqlite_register, view.reference, "access-response",
                                  enclosures=["Copy of your account data"])
    tab = open_tab(qtbot, ctx, view)
    assert _unnamed_controls(tab) == []
    for kind in ("access-response", "erasure-done", "identity-request"):
        dialog = open_dialog(qtbot, ctx, tab, kind)
        assert _unnamed_controls(dialog) == []
        dialog.reject()
        qtbot.waitUntil(lambda: tab.dialog is None)
    reprint, save = ReprintDialog(info, tab), SavePdfDialog("letter.pdf", tab)
    assert _unnamed_controls(reprint) == [] and _unnamed_controls(save) == []
    window = open_run(qtbot, ctx)
    assert _unnamed_controls(window) == []


def test_the_letters_screenshots_script_still_runs(tmp_path) -> None:
    """docs/letters-ui/screenshots.py makes the README's letters pictures; it had stopped
    once when producing a reply came to need a confirmed identity, unnoticed."""
    import os
    import sys

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path),
               MUSE_CARE_CONFIG_DIR=str(tmp_path / "config"))
    out = tmp_path / "shots"
    done = subprocess.run([sys.executable, str(root / "docs" / "letters-ui" / "screenshots.py"), "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("letters-tab.png", "new-letter.png", "print-run.png"):
        image = QtGui.QImage(str(out / name))
        assert image.width() >= 600 and image.height() >= 400, name


@pytest.mark.parametrize("action", ["print", "reprint", "save"])
def test_a_dialog_confirmed_after_the_case_changed_sends_nothing(qtbot, ctx, sqlite_register, tmp_path,
                                                                 monkeypatch, action) -> None:
    """Found by an outside tester in a real window: Find, Enter, then Print… at once. The
    dialog opened for the letter on screen; the other case arrived while it was open; the
    print then sent the letter now selected (the other customer's) under the first one's
    name. A dialog's answer is for the letter it named: if that is no longer the selected
    letter of the case on screen, nothing is printed, counted or saved."""
    from muse_care.ui import letters_tab

    first, second = uk_case(sqlite_register), postal_case(sqlite_register)
    ours = letters.produce_letter(sqlite_register, first.reference, "acknowledgement")
    theirs = letters.produce_letter(sqlite_register, second.reference, "acknowledgement")
    if action == "reprint":
        letters.record_print(sqlite_register, ours.id)
        letters.record_print(sqlite_register, theirs.id)
    tab = open_tab(qtbot, ctx, first)
    qtbot.waitUntil(lambda: tab.ui.print_button.isEnabled() or tab.ui.reprint_button.isEnabled())
    out = tmp_path / "out.pdf"

    def while_the_dialog_is_open() -> None:  # the case asked for just before arrives
        tab.show_case(second)
        idle(qtbot, ctx)
        assert tab.current().id == theirs.id

    def print_dialog(_info):  # noqa: ANN001, ANN202
        while_the_dialog_is_open()
        return pdf_printer(out)

    monkeypatch.setattr(tab, "_print_dialog", print_dialog)
    monkeypatch.setattr(letters_tab.ReprintDialog, "exec", lambda self: QtWidgets.QDialog.DialogCode.Accepted)
    monkeypatch.setattr(letters_tab.ReprintDialog, "text", lambda self: "Lost in the post")

    def save_exec(self) -> int:  # noqa: ANN001
        while_the_dialog_is_open()
        return QtWidgets.QDialog.DialogCode.Accepted

    monkeypatch.setattr(letters_tab.SavePdfDialog, "exec", save_exec)
    monkeypatch.setattr(letters_tab.SavePdfDialog, "path", lambda self: str(out))
    monkeypatch.setattr(letters_tab.SavePdfDialog, "chosen_password", lambda self: "")
    {"print": tab.print_letter, "reprint": tab.reprint_letter, "save": tab.save_letter}[action]()
    idle(qtbot, ctx)
    assert not out.exists()
    assert f"dialog was for letter {ours.id} of {first.reference}" in tab.message
    assert f"{second.reference} is on screen now" in tab.message
    counts = {i.id: i.print_count for r in (first, second) for i in letters.list_letters(sqlite_register, r.reference)}
    assert counts == {ours.id: int(action == "reprint"), theirs.id: int(action == "reprint")}
    # the same dialog confirmed with the case unchanged sends the letter it named
    monkeypatch.setattr(tab, "_print_dialog", lambda _info: pdf_printer(out))
    monkeypatch.setattr(letters_tab.SavePdfDialog, "exec", lambda self: QtWidgets.QDialog.DialogCode.Accepted)
    {"print": tab.print_letter, "reprint": tab.reprint_letter, "save": tab.save_letter}[action]()
    idle(qtbot, ctx)
    qtbot.waitUntil(out.exists, timeout=20000)
    idle(qtbot, ctx)
    if action == "save":
        assert second.reference in subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                                                  check=True).stdout
    else:  # a print is a picture of the page; the letter it was is in the count
        after = {i.id: i.print_count for i in letters.list_letters(sqlite_register, second.reference)}
        assert after == {theirs.id: counts[theirs.id] + 1}


def test_a_print_run_dialog_confirmed_after_the_run_changed_prints_nothing(qtbot, ctx, sqlite_register,
                                                                          tmp_path, monkeypatch) -> None:
    """The print run window, as the letters tab: the dialog's answer is for the run it
    was opened for (a run rebuilt meanwhile is not that run)."""
    from muse_care.ui import print_run

    a = postal_case(sqlite_register)
    letters.produce_letter(sqlite_register, a.reference, "acknowledgement")
    window = open_run(qtbot, ctx)
    with qtbot.waitSignal(window.run_built, timeout=30000) as built:
        window.build()
    out = tmp_path / "run.pdf"

    class Dialog:
        def __init__(self, printer, _parent) -> None:  # noqa: ANN001
            printer.setOutputFormat(print_run.QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(out))

        def setWindowTitle(self, _t) -> None: ...  # noqa: ANN001, N802
        def setMinMax(self, _a, _b) -> None: ...  # noqa: ANN001, N802

        def exec(self) -> int:  # the run is built again while the dialog is open
            other = letters.produce_letter(sqlite_register, uk_case(sqlite_register).reference, "acknowledgement")
            window._built(letters.build_print_run(sqlite_register, built.args[0].run_date, [other.id]))
            return QtWidgets.QDialog.DialogCode.Accepted

    monkeypatch.setattr(print_run, "QPrintDialog", Dialog)
    window.print_run()
    idle(qtbot, ctx)
    assert not out.exists() and "Not printed: the print run shown changed" in window.message
    monkeypatch.setattr(Dialog, "exec", lambda self: QtWidgets.QDialog.DialogCode.Accepted)
    with qtbot.waitSignal(window.printed, timeout=60000):
        window.print_run()
    assert out.exists()
