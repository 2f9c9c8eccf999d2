"""What the rest of the application hands to the letter engine.

A :class:`LetterRequest` is plain frozen data: the letter kind, the paper layout, the
case reference, the recipient's :class:`PostalAddress`, the organisation profile and
the named ``fields`` the kind's template uses. Field values are plain text, already
formatted by the caller (dates as they should appear in the letter). A *list* field
holds one item per line ("\\n"-separated) and prints one bullet per item.

Fields each kind needs (:data:`KIND_FIELDS`; ``required`` / ``optional``):

===================== ===================================================== ===========================
kind                  required                                              optional
===================== ===================================================== ===========================
acknowledgement       received_date, rights, due_date                       fee_due
identity-request      received_date, rights, identity_steps*                reply_by
clarification-request received_date, rights, clarification_question         reply_by
extension             received_date, rights, due_date, new_due_date,
                      extension_reasons*
access-response       received_date (+ at least one enclosure)              withheld*, legal_basis,
                                                                            systems_searched*
rectification-done    received_date, corrections*, recipients_told*
erasure-done          received_date, outcome, recipients_told*              retained*, legal_basis,
                                                                            erased*
restriction           received_date, restricted_data, restriction_ground,   restriction_until
                      recipients_told*
objection-outcome     received_date, processing, outcome                    legal_basis
marketing-opt-out     received_date, channels, effective_date
portability           received_date, data_format, delivery                  third_party
refusal               received_date, rights, refusal_reasons*, legal_basis
closing               received_date, rights, outcome
===================== ===================================================== ===========================

``*`` marks list fields. Some optional fields pull in another: ``retained`` and
``withheld`` need ``legal_basis`` (a refusal in part must say on what ground).
Every template can also use ``{reference}``, ``{letter_date}`` and ``{recipient_name}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from muse_care.domain.organisation import OrganisationProfile
from muse_care.letters.errors import LetterError, MissingField


class LetterKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    IDENTITY_REQUEST = "identity-request"
    CLARIFICATION_REQUEST = "clarification-request"
    EXTENSION = "extension"
    ACCESS_RESPONSE = "access-response"
    RECTIFICATION_DONE = "rectification-done"
    ERASURE_DONE = "erasure-done"
    RESTRICTION = "restriction"
    OBJECTION_OUTCOME = "objection-outcome"
    MARKETING_OPT_OUT = "marketing-opt-out"
    PORTABILITY = "portability"
    REFUSAL = "refusal"
    CLOSING = "closing"


class Layout(StrEnum):
    DIN5008_B = "din5008-b"
    DIN5008_A = "din5008-a"
    UK = "uk"
    US10 = "us10"


@dataclass(frozen=True)
class PostalAddress:
    """A recipient as the rest of the app stores it; ``country`` is ISO 3166 alpha-2."""

    name: str
    lines: tuple[str, ...]
    city: str
    postcode: str = ""
    region: str = ""
    country: str = "GB"


@dataclass(frozen=True)
class FieldSpec:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    lists: frozenset[str] = frozenset()
    # optional field -> the field it makes required
    implies: tuple[tuple[str, str], ...] = ()
    needs_enclosures: bool = False


COMMON_FIELDS = ("reference", "letter_date", "recipient_name")

KIND_FIELDS: Mapping[LetterKind, FieldSpec] = {
    LetterKind.ACKNOWLEDGEMENT: FieldSpec(("received_date", "rights", "due_date"), ("fee_due",)),
    LetterKind.IDENTITY_REQUEST: FieldSpec(
        ("received_date", "rights", "identity_steps"), ("reply_by",), frozenset({"identity_steps"})
    ),
    LetterKind.CLARIFICATION_REQUEST: FieldSpec(
        ("received_date", "rights", "clarification_question"), ("reply_by",)
    ),
    LetterKind.EXTENSION: FieldSpec(
        ("received_date", "rights", "due_date", "new_due_date", "extension_reasons"),
        (),
        frozenset({"extension_reasons"}),
    ),
    LetterKind.ACCESS_RESPONSE: FieldSpec(
        ("received_date",),
        ("withheld", "legal_basis", "systems_searched"),
        frozenset({"withheld", "systems_searched"}),
        (("withheld", "legal_basis"),),
        needs_enclosures=True,
    ),
    LetterKind.RECTIFICATION_DONE: FieldSpec(
        ("received_date", "corrections", "recipients_told"),
        (),
        frozenset({"corrections", "recipients_told"}),
    ),
    LetterKind.ERASURE_DONE: FieldSpec(
        ("received_date", "outcome", "recipients_told"),
        ("retained", "legal_basis", "erased"),
        frozenset({"recipients_told", "retained", "erased"}),
        (("retained", "legal_basis"),),
    ),
    LetterKind.RESTRICTION: FieldSpec(
        ("received_date", "restricted_data", "restriction_ground", "recipients_told"),
        ("restriction_until",),
        frozenset({"recipients_told"}),
    ),
    LetterKind.OBJECTION_OUTCOME: FieldSpec(("received_date", "processing", "outcome"), ("legal_basis",)),
    LetterKind.MARKETING_OPT_OUT: FieldSpec(("received_date", "channels", "effective_date")),
    LetterKind.PORTABILITY: FieldSpec(("received_date", "data_format", "delivery"), ("third_party",)),
    LetterKind.REFUSAL: FieldSpec(
        ("received_date", "rights", "refusal_reasons", "legal_basis"), (), frozenset({"refusal_reasons"})
    ),
    LetterKind.CLOSING: FieldSpec(("received_date", "rights", "outcome")),
}


@dataclass(frozen=True)
class LetterRequest:
    kind: LetterKind
    layout: Layout
    reference: str
    letter_date: date
    recipient: PostalAddress
    organisation: OrganisationProfile
    fields: Mapping[str, str] = field(default_factory=dict)
    enclosures: tuple[str, ...] = ()

    def validate(self) -> None:
        """Raise :class:`MissingField` naming the first field the kind needs but lacks."""
        spec = KIND_FIELDS[LetterKind(self.kind)]
        if not self.reference.strip():
            raise MissingField("reference", "the case reference is empty")
        if not self.recipient.name.strip():
            raise MissingField("recipient name", "the recipient's name is empty")
        for name, value in self.fields.items():
            if not isinstance(value, str):
                raise LetterError(name, f"must be text, not {type(value).__name__}")
        for name in spec.required:
            if not self.fields.get(name, "").strip():
                raise MissingField(name, f"a {self.kind} letter needs the field '{name}'")
        for given, needed in spec.implies:
            if self.fields.get(given, "").strip() and not self.fields.get(needed, "").strip():
                raise MissingField(needed, f"'{given}' is filled in, so the letter must give '{needed}'")
        if spec.needs_enclosures and not any(e.strip() for e in self.enclosures):
            raise MissingField("enclosures", f"a {self.kind} letter must list what is enclosed")
        allowed = set(spec.required) | set(spec.optional)
        unknown = sorted(set(self.fields) - allowed)
        if unknown:
            raise LetterError(unknown[0], f"a {self.kind} letter has no field '{unknown[0]}'")


@dataclass(frozen=True)
class RenderedLetter:
    kind: LetterKind
    reference: str
    recipient_name: str
    layout: Layout
    pdf: bytes
    page_count: int
    sha256: str
