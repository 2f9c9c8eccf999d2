"""What the rest of the application hands to the letter engine.

A :class:`LetterRequest` is plain frozen data: the letter kind, the paper layout, the
case reference, the recipient's :class:`PostalAddress`, the organisation profile and
the named ``fields`` the kind's template uses. Field values are plain text, already
formatted by the caller (dates as they should appear in the letter). A *list* field
holds one item per line ("\\n"-separated) and prints one bullet per item.

The kinds, their titles and the fields each needs are declared once, in
:mod:`muse_care.letters.kinds`; :data:`KIND_FIELDS` and :class:`LetterKind` are views of
that registry. Every template can also use ``{reference}``, ``{letter_date}`` and
``{recipient_name}``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from muse_care.domain.grammar import a_or_an
from muse_care.domain.organisation import OrganisationProfile
from muse_care.letters import kinds
from muse_care.letters.errors import LetterError, MissingField


LetterKind = StrEnum(  # type: ignore[misc]
    "LetterKind", {k.id.upper().replace("-", "_"): k.id for k in kinds.BUILTIN}
)
"""The built-in kinds as an enum (``LetterKind.ACKNOWLEDGEMENT``); kinds registered at
run time are plain ids: code that handles every kind uses :func:`kinds.all_kinds`."""


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
class LayoutInfo:
    id: str
    title: str
    short: str
    paper: str  # "A4" | "US Letter"


LAYOUTS: Mapping[str, LayoutInfo] = {
    "uk": LayoutInfo("uk", "UK window (GOV.UK Notify), A4", "UK A4", "A4"),
    "din5008-b": LayoutInfo("din5008-b", "DIN 5008 Form B window, A4", "DIN B A4", "A4"),
    "din5008-a": LayoutInfo("din5008-a", "DIN 5008 Form A window, A4", "DIN A A4", "A4"),
    "us10": LayoutInfo("us10", "US #10 window, Letter", "US Letter", "US Letter"),
}
"""Every layout the letter engine prints, each offered and accepted everywhere."""


def paper_of(layout: str) -> str:
    return LAYOUTS[str(layout)].paper


# English dates are written month first in these countries (the United States and the
# territories and freely associated states that use its postal service); day first
# elsewhere. See docs/letters.md, "Dates".
MONTH_FIRST_COUNTRIES = frozenset({"US", "PR", "GU", "VI", "AS", "MP", "UM", "FM", "MH", "PW"})


def date_style_for(country: str) -> str:
    """"us" (December 1, 2026) or "uk" (1 December 2026) for a recipient in ``country``."""
    return "us" if (country or "").strip().upper() in MONTH_FIRST_COUNTRIES else "uk"


@dataclass(frozen=True)
class FieldSpec:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    lists: frozenset[str] = frozenset()
    # optional field -> the field it makes required
    implies: tuple[tuple[str, str], ...] = ()
    needs_enclosures: bool = False


COMMON_FIELDS = kinds.COMMON_FIELDS


def field_spec(kind: str) -> FieldSpec:
    spec = kinds.get(kind)
    return FieldSpec(tuple(f.name for f in spec.required), tuple(f.name for f in spec.optional),
                     spec.lists, spec.implies, spec.needs_enclosures)


class _KindFields(Mapping[str, FieldSpec]):
    """``{kind: FieldSpec}`` over the live registry."""

    def __getitem__(self, key: str) -> FieldSpec:
        if kinds.find(str(key)) is None:
            raise KeyError(key)
        return field_spec(str(key))

    def __iter__(self) -> Iterator[str]:
        return iter(kinds.kind_ids())

    def __len__(self) -> int:
        return len(kinds.kind_ids())


KIND_FIELDS: Mapping[str, FieldSpec] = _KindFields()


@dataclass(frozen=True)
class LetterRequest:
    kind: str  # a kind id (LetterKind for the built-ins)
    layout: Layout
    reference: str
    letter_date: date
    recipient: PostalAddress
    organisation: OrganisationProfile
    fields: Mapping[str, str] = field(default_factory=dict)
    enclosures: tuple[str, ...] = ()
    # The {law.*} values: the regime's words and the requester's authorities
    # (muse_care.letters.law.letter_law). A template that uses them needs them.
    law: Mapping[str, str] = field(default_factory=dict)

    def validate(self) -> None:
        """Raise :class:`MissingField` naming the first field the kind needs but lacks."""
        spec = field_spec(self.kind)
        if not self.reference.strip():
            raise MissingField("reference", "the case reference is empty")
        if not self.recipient.name.strip():
            raise MissingField("recipient name", "the recipient's name is empty")
        for name, value in self.fields.items():
            if not isinstance(value, str):
                raise LetterError(name, f"must be text, not {type(value).__name__}")
        for name in spec.required:
            if not self.fields.get(name, "").strip():
                raise MissingField(name, f"{a_or_an(self.kind)} letter needs the field '{name}'")
        for given, needed in spec.implies:
            if self.fields.get(given, "").strip() and not self.fields.get(needed, "").strip():
                raise MissingField(needed, f"'{given}' is filled in, so the letter must give '{needed}'")
        if spec.needs_enclosures and not any(e.strip() for e in self.enclosures):
            raise MissingField("enclosures", f"{a_or_an(self.kind)} letter must list what is enclosed")
        allowed = set(spec.required) | set(spec.optional)
        unknown = sorted(set(self.fields) - allowed)
        if unknown:
            raise LetterError(unknown[0], f"{a_or_an(self.kind)} letter has no field '{unknown[0]}'")


@dataclass(frozen=True)
class RenderedLetter:
    kind: str
    reference: str
    recipient_name: str
    layout: Layout
    pdf: bytes
    page_count: int
    sha256: str
    country: str = ""  # the recipient's, for the print run's cover sheet
