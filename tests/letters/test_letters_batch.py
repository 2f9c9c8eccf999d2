"""The mailroom's print run (cover, duplex padding) and AES-256 protection."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from muse_care.domain.organisation import DEFAULT_ORGANISATION
from muse_care.letters.batch import encrypt_pdf, render_print_run
from muse_care.letters.errors import LetterError
from muse_care.letters.model import Layout, LetterKind
from muse_care.letters.render import render_letter
from muse_care.letters.samples import sample_request
from pdf_probe import norm, page_texts, qpdf_check


def _letters() -> list:
    plan = [
        (LetterKind.ACKNOWLEDGEMENT, Layout.DIN5008_B, "de", "MC-1"),  # 1 page
        (LetterKind.ACCESS_RESPONSE, Layout.UK, "uk", "MC-2"),  # 3 pages
        (LetterKind.ERASURE_DONE, Layout.UK, "pk", "MC-3"),  # 2 pages
        (LetterKind.REFUSAL, Layout.DIN5008_A, "cn", "MC-4"),  # 1 page
    ]
    return [render_letter(sample_request(k, lay, who, reference=ref)) for k, lay, who, ref in plan]


def test_print_run_cover_padding_and_numbering() -> None:
    letters = _letters()
    assert [lt.page_count % 2 for lt in letters] != [0] * len(letters)
    run = render_print_run(letters, date(2026, 3, 5), DEFAULT_ORGANISATION)
    assert "No syntax or stream encoding errors" in qpdf_check(run)
    pages = page_texts(run)
    reader = PdfReader(io.BytesIO(run))
    assert len(pages) == len(reader.pages)
    # Cover: one page, padded to two; lists every letter.
    cover = pages[0]
    assert "Print run of 5 March 2026" in cover
    assert "Paper: A4 only" in cover
    assert "4 letters" in cover
    for lt in letters:
        assert lt.reference in cover and norm(lt.recipient_name) in norm(cover)
    assert "Access response" in cover and "Erasure done" in cover
    assert not pages[1].strip()
    # Each letter starts on an odd page (a front side), pages numbered within the letter.
    start = 2
    for lt in letters:
        assert start % 2 == 0  # 0-based index even = 1-based page odd
        for n in range(1, lt.page_count + 1):
            page = pages[start + n - 1]
            assert f"Page {n} of {lt.page_count}" in page
            assert lt.reference in page
        padded = lt.page_count + lt.page_count % 2
        if padded > lt.page_count:
            assert not pages[start + lt.page_count].strip()  # the blank back
            box = reader.pages[start + lt.page_count].mediabox
            first = reader.pages[start].mediabox
            assert (box.width, box.height) == (first.width, first.height)
        start += padded
    assert start == len(pages)
    prefs = reader.trailer["/Root"]["/ViewerPreferences"]
    assert prefs["/PrintScaling"] == "/None"
    assert reader.metadata is not None and reader.metadata.author == DEFAULT_ORGANISATION.controller_name


def test_empty_print_run_is_refused() -> None:
    with pytest.raises(LetterError):
        render_print_run([], date(2026, 3, 5), DEFAULT_ORGANISATION)


def test_encryption_round_trip() -> None:
    letter = render_letter(sample_request(LetterKind.ACCESS_RESPONSE, Layout.UK, "uk"))
    locked = encrypt_pdf(letter.pdf, "correct horse")
    assert locked != letter.pdf
    reader = PdfReader(io.BytesIO(locked))
    assert reader.is_encrypted
    with pytest.raises(PdfReadError):
        reader.pages[0].extract_text()  # not without the password
    wrong = PdfReader(io.BytesIO(locked))
    assert not wrong.decrypt("wrong horse")
    ok = PdfReader(io.BytesIO(locked))
    assert ok.decrypt("correct horse")
    assert "/AESV3" in str(ok.trailer["/Encrypt"]["/CF"])  # AES-256
    assert len(ok.pages) == letter.page_count
    assert "MC-2026-000123" in ok.pages[0].extract_text()


def test_encryption_needs_a_password() -> None:
    letter = render_letter(sample_request(LetterKind.CLOSING, Layout.UK, "uk"))
    with pytest.raises(LetterError):
        encrypt_pdf(letter.pdf, "")


def test_a4_and_us_letter_never_share_a_run() -> None:
    a4 = render_letter(sample_request(LetterKind.ACKNOWLEDGEMENT, Layout.UK, "uk", reference="MC-A4"))
    us = render_letter(sample_request(LetterKind.ACKNOWLEDGEMENT, Layout.US10, "us", reference="MC-US"))
    with pytest.raises(LetterError, match="A4 and US Letter"):
        render_print_run([a4, us], date(2026, 3, 5), DEFAULT_ORGANISATION)
    run = render_print_run([us], date(2026, 3, 5), DEFAULT_ORGANISATION, label="#7")
    cover = norm(page_texts(run)[0])
    assert "Print run #7 of 5 March 2026" in cover
    assert "Paper: US Letter only" in cover
    assert "1 letter " in cover + " " and "1 letters" not in cover
    assert "US" in cover.split("MC-US", 1)[1]  # the recipient's country on the cover
    reader = PdfReader(io.BytesIO(run))
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert sizes == {(612, 792)}  # every page, cover included, on Letter


def test_font_subsets_have_distinct_names_in_a_run() -> None:
    """ISO 32000-1 §9.6.4: different subsets of a font carry different tags; a printer
    that caches fonts by name otherwise prints the wrong glyphs."""
    from pdf_probe import fonts

    letters = [render_letter(sample_request(k, Layout.UK, who, reference=f"MC-{i}"))
               for i, (k, who) in enumerate([(LetterKind.ACKNOWLEDGEMENT, "pk"), (LetterKind.REFUSAL, "de"),
                                             (LetterKind.CLOSING, "cn"), (LetterKind.EXTENSION, "gr")])]
    run = render_print_run(letters, date(2026, 3, 5), DEFAULT_ORGANISATION)
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.pdf"
        path.write_bytes(run)
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    names = [r[0] for r in rows]
    by_object = {(r[-2], r[-1]): r[0] for r in rows}
    assert len(names) >= 8
    assert all(r[-5] == "yes" for r in rows), "every font is embedded"
    # Different font objects (different subsets) never share a name; a tag is six capitals.
    import hashlib  # noqa: F401

    reader = PdfReader(io.BytesIO(run))
    subsets: dict[str, set[bytes]] = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            data = font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            subsets.setdefault(str(font["/BaseFont"]), set()).add(data)
    assert all(len(v) == 1 for v in subsets.values()), {k: len(v) for k, v in subsets.items() if len(v) > 1}
    assert all(n[6] == "+" and n[:6].isalpha() and n[:6].isupper() for n in names)
    assert len(set(by_object.values())) > 3
    assert fonts  # pdf_probe's reader agrees on the listing
