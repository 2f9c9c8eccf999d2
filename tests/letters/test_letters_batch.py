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
        (LetterKind.REFUSAL, Layout.US10, "cn", "MC-4"),  # 1 page, Letter paper
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
