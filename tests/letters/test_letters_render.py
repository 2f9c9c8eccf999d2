"""Every letter kind in every layout for requesters in the UK, Germany, Pakistan and China,
read back with poppler, pypdf and qpdf."""

from __future__ import annotations

import functools
import io
from collections import Counter

import pytest
from pypdf import PdfReader

from muse_care.domain.organisation import DEFAULT_ORGANISATION
from muse_care.letters.address import address_lines
from muse_care.letters.layouts import geometry
from muse_care.letters.model import Layout, LetterKind, RenderedLetter
from muse_care.letters.render import render_letter
from muse_care.letters.samples import REQUESTERS, SAMPLE_FIELDS, sample_request
from pdf_probe import MM, all_text, fonts, norm, page_texts, qpdf_check, words

KINDS = list(LetterKind)
LAYOUTS = list(Layout)
PEOPLE = ["uk", "de", "pk", "cn"]


@functools.lru_cache(maxsize=None)
def rendered(kind: LetterKind, layout: Layout, who: str) -> RenderedLetter:
    return render_letter(sample_request(kind, layout, who))


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("kind", KINDS)
def test_letter_reads_back_whole(kind: LetterKind, layout: Layout, who: str) -> None:
    letter = rendered(kind, layout, who)
    pdf = letter.pdf
    assert pdf.startswith(b"%PDF-")
    text = all_text(pdf)
    person = REQUESTERS[who]
    # Name and reference; every field's text (list fields item by item).
    assert norm(person.name) in text
    assert "MC-2026-000123" in text
    for name, value in SAMPLE_FIELDS[kind].items():
        for item in value.split("\n"):
            assert norm(item) in text, f"{name}: {item!r} missing"
    for enclosure in sample_request(kind, layout, who).enclosures:
        assert norm(enclosure) in text
    # Fonts: all embedded, none of the base 14 that drop characters.
    listed = fonts(pdf)
    assert listed, "pdffonts listed no fonts"
    assert all(emb == "yes" for _, emb in listed), listed
    assert not any("Helvetica" in name for name, _ in listed)
    # Structure.
    check = qpdf_check(pdf)
    assert "No syntax or stream encoding errors" in check, check
    # Page x of y on every page; continuation header on later pages.
    pages = page_texts(pdf)
    assert len(pages) == letter.page_count
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {letter.page_count}" in page
        if number > 1:
            assert "MC-2026-000123" in page and norm(person.name) in norm(page)
    assert len(letter.sha256) == 64


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_address_lies_inside_the_window(layout: Layout, who: str) -> None:
    geo = geometry(layout)
    letter = rendered(LetterKind.ACKNOWLEDGEMENT, layout, who)
    box = geo.address_box
    eps = 0.01  # pdftotext rounds to 5 decimals
    left, right = box.x * MM - eps, box.right * MM + eps
    top, bottom = box.y * MM - eps, box.bottom * MM + eps
    # Words on page 1 below the return line and left of the reference/date block,
    # above the body: that is what shows through the window.
    shown = [
        w
        for w in words(letter.pdf, 1)
        if w.y0 > (geo.return_line_y + 1) * MM and w.y1 < geo.body_top_first * MM and w.x0 < (geo.info_x - 1) * MM
    ]
    assert shown, "no address found on page 1"
    for w in shown:
        assert left <= w.x0 and w.x1 <= right, f"{w.text!r} sticks out sideways: {w}"
        assert top <= w.y0 and w.y1 <= bottom, f"{w.text!r} sticks out vertically: {w}"
    expected = "".join(text for _, text in address_lines(REQUESTERS[who], DEFAULT_ORGANISATION.country))
    got = "".join(norm(w.text) for w in shown)
    assert Counter(got.replace(" ", "")) == Counter(norm(expected).replace(" ", ""))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_print_scaling_none_and_metadata(layout: Layout) -> None:
    letter = rendered(LetterKind.REFUSAL, layout, "uk")
    reader = PdfReader(io.BytesIO(letter.pdf))
    prefs = reader.trailer["/Root"]["/ViewerPreferences"]
    assert prefs["/PrintScaling"] == "/None"
    meta = reader.metadata
    assert meta is not None
    assert meta.subject == "MC-2026-000123"
    assert meta.author == DEFAULT_ORGANISATION.controller_name
    assert meta.title == "Refusal: MC-2026-000123"


def test_paper_sizes() -> None:
    a4 = PdfReader(io.BytesIO(rendered(LetterKind.CLOSING, Layout.DIN5008_B, "de").pdf)).pages[0].mediabox
    us = PdfReader(io.BytesIO(rendered(LetterKind.CLOSING, Layout.US10, "uk").pdf)).pages[0].mediabox
    assert (round(float(a4.width) / MM), round(float(a4.height) / MM)) == (210, 297)
    assert (round(float(us.width)), round(float(us.height))) == (612, 792)


def test_same_request_same_bytes() -> None:
    req = sample_request(LetterKind.EXTENSION, Layout.UK, "pk")
    assert render_letter(req).sha256 == render_letter(req).sha256


def test_urdu_name_joined_and_right_to_left() -> None:
    pdf = rendered(LetterKind.ACKNOWLEDGEMENT, Layout.DIN5008_B, "pk").pdf
    raw = "".join(page_texts(pdf))
    # Joined: the name is printed with Arabic presentation forms (initial/medial/final).
    assert any(0xFB50 <= ord(c) <= 0xFEFF for c in raw)
    # Right to left, in reading order once poppler has put it back: "عائشہ خان".
    assert "عائشہ خان" in norm(raw)


def test_letters_read_facts_from_the_profile() -> None:
    """Nothing of the organisation is hard-coded: replace every setting, the letter follows."""
    from dataclasses import replace

    from muse_care.domain.organisation import OrganisationProfile

    changed = {
        key: ([f"Other {key} item."] if isinstance(value, list) else f"Other {key}")
        for key, value in DEFAULT_ORGANISATION.to_dict().items()
    }
    changed.update(
        controller_name="Example Fashion Ltd",
        email="privacy@example.org",
        phone="+44 20 7946 0000",
        website="www.example.org",
        address_lines=["1 Test Street"],
        city="Manchester",
        postcode="M1 1AA",
        region="",
        country="GB",
        timezone="Europe/London",
        eu_establishment="IE",
    )
    org = OrganisationProfile.from_dict(changed)
    req = replace(sample_request(LetterKind.ACCESS_RESPONSE, Layout.UK, "uk"), organisation=org)
    text = all_text(render_letter(req).pdf)
    for fact in ("Example Fashion Ltd", "privacy@example.org", "+44 20 7946 0000", "1 Test Street",
                 "Other retention item.", "Other purposes item.",
                 # authorities come from the table by the requester's address (docs/rules.md)
                 "Information Commissioner's Office (ICO)"):
        assert fact in text
    for old in ("museluxe", "MUSE/LVM", "Lahore", "Kot Lakhpat", "+92", "6 months", "13 months",
                "Garante", "DHL", "standard contractual"):
        assert old not in text, old
    # Same country as the requester: no country line in the address.
    assert "UNITED KINGDOM" not in text


def test_access_response_carries_article_15() -> None:
    text = all_text(rendered(LetterKind.ACCESS_RESPONSE, Layout.DIN5008_B, "uk").pdf)
    for item in (
        "Why we use your personal data",
        "categories of personal data",
        "Who receives your personal data",
        "DHL, FedEx and TCS",
        "Call recordings: 6 months.",
        "Live-chat conversations: 13 months.",
        "Billing data: 7 years",
        "5 years from your last interaction",
        "as long as you remain an active customer",
        "Where your personal data came from",
        "Automated decision-making",
        "standard contractual clauses",
        "adequacy",
        "rectification",
        "erasure",
        "restriction",
        "object",
        "ico.org.uk",
        "judicial remedy",
        "Enclosures",
    ):
        assert item in text, item
    # a UK requester under UK GDPR complains to the ICO, not to the Garante
    assert "garanteprivacy.it" not in text


def test_an_eu_requester_is_told_of_their_own_authority_and_the_lead_one() -> None:
    text = all_text(rendered(LetterKind.ACCESS_RESPONSE, Layout.DIN5008_B, "de").pdf)
    for item in ("datenschutz-berlin.de", "garanteprivacy.it", "Article 77(1)", "Article 79 GDPR"):
        assert item in text, item
    assert "ico.org.uk" not in text and "UK GDPR" not in text


@pytest.mark.parametrize(
    ("kind", "needles"),
    [
        (LetterKind.ACKNOWLEDGEMENT, ["3 April 2026", "two further months"]),
        (LetterKind.IDENTITY_REQUEST, ["starts on the day we receive"]),
        (LetterKind.CLARIFICATION_REQUEST, ["stops from the day we ask until the day we receive your answer"]),
        (LetterKind.EXTENSION, ["within one month", "3 June 2026", "judicial remedy"]),
        (LetterKind.ERASURE_DONE, ["Article 19", "DHL", "FedEx", "TCS", "Article 17(3)(b)"]),
        (LetterKind.REFUSAL, ["ico.org.uk", "judicial remedy", "Article 12(5)"]),
        (LetterKind.MARKETING_OPT_OUT, ["STOP", "unsubscribe"]),
    ],
)
def test_legal_content(kind: LetterKind, needles: list[str]) -> None:
    text = all_text(rendered(kind, Layout.UK, "uk").pdf)
    for needle in needles:
        assert needle in text, needle


def test_country_line_only_across_borders() -> None:
    pk = page_texts(rendered(LetterKind.CLOSING, Layout.UK, "pk").pdf)[0].split("Dear")[0]
    cn = page_texts(rendered(LetterKind.CLOSING, Layout.UK, "cn").pdf)[0].split("Dear")[0]
    assert "KARACHI-75600" in pk
    assert "PAKISTAN" not in pk  # neither the address nor the return line needs it
    assert "CHINA" in cn and "PAKISTAN" in cn  # abroad: both name their country
