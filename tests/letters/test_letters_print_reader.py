"""Letters as a printer and a reader see them (issue 11): the US #10 address keeps the
Postal Service's 3.2 mm clear of the window, "Page x of y" once per page, phone numbers
and dates never broken across lines, a signatory from the profile, dates the
recipient's way, no line left alone at a page's top or bottom."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from muse_care.domain.organisation import DEFAULT_ORGANISATION
from muse_care.letters import kinds
from muse_care.letters.layouts import USPS_CLEARANCE_MM, geometry, line_capacity
from muse_care.letters.model import Layout
from muse_care.letters.render import _styles, render_letter
from muse_care.letters.samples import REQUESTERS, sample_request
from pdf_probe import MM, page_texts, words

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def test_us10_address_keeps_the_usps_clearance_from_every_window_edge() -> None:
    geo = geometry(Layout.US10)
    w = geo.window
    assert USPS_CLEARANCE_MM >= 3.175  # 1/8 inch
    assert geo.address_box.x - w.x >= 3.175 and w.right - geo.address_box.right >= 3.175
    assert geo.address_box.y - w.y >= 3.175 and w.bottom - geo.address_box.bottom >= 3.175
    assert line_capacity(Layout.US10) == 6
    for who, address in REQUESTERS.items():
        letter = render_letter(sample_request("acknowledgement", Layout.US10, who))
        box = [x for x in words(letter.pdf) if w.y * MM <= x.y0 and x.y1 <= w.bottom * MM
               and x.x0 >= w.x * MM - 1 and x.x1 <= w.right * MM + 1 and x.y0 > geo.address_box.y * MM - 2]
        assert box, who
        for x in box:
            assert x.x0 >= (w.x + 3.175) * MM - 0.5, (who, x)
            assert x.x1 <= (w.right - 3.175) * MM + 0.5, (who, x)
            assert x.y1 <= (w.bottom - 3.175) * MM + 0.5, (who, x)


def test_page_x_of_y_once_per_page() -> None:
    letter = render_letter(sample_request("access-response", Layout.UK, "uk"))
    pages = page_texts(letter.pdf)
    assert letter.page_count >= 2
    for n, page in enumerate(pages, start=1):
        assert len(re.findall(r"Page \d+ of \d+", page)) == 1, (n, page)
        assert f"Page {n} of {letter.page_count}" in page


def test_phone_numbers_and_dates_never_break_across_lines() -> None:
    phone = DEFAULT_ORGANISATION.phone
    for spec in kinds.all_kinds():
        for layout in Layout:
            for who in ("uk", "us", "pk"):
                req = sample_request(spec.id, layout, who)
                req = replace(req, fields={**req.fields, **({"received_date": "13 September 2026"}
                                                           if who != "us" else {})})
                for page in page_texts(render_letter(req).pdf):
                    lines = [" ".join(line.split()) for line in page.splitlines() if line.strip()]
                    for text, after in zip(lines, lines[1:] + [""]):
                        if "+92" in text:
                            assert phone in text.replace("\u00a0", " "), (spec.id, layout, text)
                        broken = (re.search(rf"\b\d{{1,2}} ({MONTHS})$", text) and re.match(r"\d{4}\b", after)) \
                            or re.search(rf"\b\d{{1,2}}$", text) and re.match(rf"({MONTHS}) \d{{4}}", after) \
                            or re.search(rf"\b({MONTHS})$", text) and re.match(r"\d{1,2}, \d{4}", after)
                        assert not broken, (spec.id, layout, text, after)


def test_no_widows_or_orphans_and_headings_stay_with_their_text() -> None:
    st = _styles()
    for style in (st.body, st.bullet, st.heading, st.subject):
        assert style.allowWidows == 0 and style.allowOrphans == 0
    assert st.heading.keepWithNext
    # A long letter: no page of the text starts or ends with a lone line of a paragraph
    # that continues across the break (the wrapper moves two lines or none).
    req = sample_request("extension", Layout.UK, "uk")
    long_reason = " ".join(["Your request covers orders placed with three brands over six years,"] * 40)
    letter = render_letter(replace(req, fields={**req.fields, "extension_reasons": long_reason}))
    assert letter.page_count >= 2
    pages = page_texts(letter.pdf)
    body = [line for line in pages[1].splitlines() if line.strip() and "reference" not in line]
    assert len(body) > 2


def test_signatory_name_and_role_from_the_profile() -> None:
    org = replace(DEFAULT_ORGANISATION, signatory_name="Amina Raza", signatory_role="Data Protection Officer")
    letter = render_letter(replace(sample_request("closing", Layout.UK, "uk"), organisation=org))
    text = page_texts(letter.pdf)[-1]
    assert "Amina Raza" in text and "Data Protection Officer" in text
    assert text.index("Amina Raza") < text.index("Data Protection Officer")
    plain = render_letter(sample_request("closing", Layout.UK, "uk"))
    assert DEFAULT_ORGANISATION.team_name in page_texts(plain.pdf)[-1]


def test_english_dates_the_recipients_way_whatever_the_layout() -> None:
    for layout in Layout:
        us = render_letter(replace(sample_request("closing", layout, "us"), letter_date=date(2026, 12, 1)))
        assert "December 1, 2026" in page_texts(us.pdf)[0]
        uk = render_letter(replace(sample_request("closing", layout, "uk"), letter_date=date(2026, 12, 1)))
        assert "1 December 2026" in page_texts(uk.pdf)[0]
