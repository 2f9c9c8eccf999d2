"""The organisation profile: who the controller is and what its privacy policy says.

Letters, screens and reports read these facts from an :class:`OrganisationProfile`;
nothing else in the code base spells them out. :data:`DEFAULT_ORGANISATION` is taken
from THE MUSE/LVM privacy policy and is what a new installation starts with; the
settings screen edits a copy, stored as JSON through :meth:`OrganisationProfile.to_dict`
and read back with :meth:`OrganisationProfile.from_dict`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

from muse_care.domain.errors import ValidationError

_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class OrganisationProfile:
    """The controller's identity and the Art. 15 information it gives requesters.

    Every text is a plain string (letters escape it); every list is a tuple of strings,
    printed one item per bullet.
    """

    controller_name: str
    team_name: str
    address_lines: tuple[str, ...]
    city: str
    postcode: str
    region: str
    country: str
    email: str
    phone: str
    website: str
    timezone: str
    purposes: tuple[str, ...]
    data_categories: tuple[str, ...]
    recipients: tuple[str, ...]
    joint_controllers: tuple[str, ...]
    retention: tuple[str, ...]
    sources: tuple[str, ...]
    automated_decisions: tuple[str, ...]
    transfer_safeguards: tuple[str, ...]
    supervisory_authorities: tuple[str, ...]
    access_fee_note: str
    # Who signs the letters (name and role); empty: the team signs.
    signatory_name: str = ""
    signatory_role: str = ""
    # Where the controller is established in the EU: its authority is the lead one under
    # the EU GDPR (docs/rules.md, "Supervisory authorities"). ISO code; Italy (the Garante).
    eu_establishment: str = "IT"
    # Everyone an erasure, rectification or restriction must be passed on to (GDPR
    # Art. 19; docs/rules.md, "Recipients (Art. 19)"): the joint controllers and each
    # category of processor of the policy's section 5, one entry each.
    art19_recipients: tuple[str, ...] = (
        "DHL", "FedEx", "TCS", "Banking operators", "Internet providers",
        "IT and telematics service companies", "Couriers",
        "Marketing companies, including social media organisations",
        "Market research and data processing companies", "Contact centre service companies",
        "Publishing and distribution companies",
    )

    def __post_init__(self) -> None:
        _check_types(self)
        if not _COUNTRY_CODE.match(self.country):
            raise ValidationError(
                "organisation.country",
                f"{self.country!r} is not an ISO 3166 alpha-2 code such as 'PK'",
            )
        if not self.controller_name.strip():
            raise ValidationError("organisation.controller_name", "must not be empty")
        if not _COUNTRY_CODE.match(self.eu_establishment):
            raise ValidationError("organisation.eu_establishment",
                                  f"{self.eu_establishment!r} is not an ISO 3166 alpha-2 code such as 'IT'")
        if len(set(self.art19_recipients)) != len(self.art19_recipients) or not all(
                r.strip() for r in self.art19_recipients):
            raise ValidationError("organisation.art19_recipients", "each recipient once, none empty")

    @property
    def joint_controllers_text(self) -> str:
        """'DHL, FedEx and TCS'."""
        return join_and(self.joint_controllers)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (tuples become lists)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OrganisationProfile:
        """Read a dict written by :meth:`to_dict`; keys it lacks take the default.

        Raises :class:`ValidationError` for an unknown key or a value of the wrong type.
        """
        if not isinstance(data, Mapping):
            raise ValidationError("organisation", "the stored profile is not a JSON object")
        known = {f.name: f for f in fields(cls)}
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise ValidationError(f"organisation.{key}", "is not a setting of the organisation profile")
            if _is_tuple_field(key):
                if isinstance(value, str) or not isinstance(value, (list, tuple)):
                    raise ValidationError(f"organisation.{key}", "must be a list of texts")
                if not all(isinstance(item, str) for item in value):
                    raise ValidationError(f"organisation.{key}", "every item must be a text")
                changes[key] = tuple(value)
            else:
                if not isinstance(value, str):
                    raise ValidationError(f"organisation.{key}", "must be a text")
                changes[key] = value
        return replace(DEFAULT_ORGANISATION, **changes)


FIELD_LABELS: dict[str, str] = {
    "controller_name": "&Controller",
    "team_name": "&Team",
    "address_lines": "&Address",
    "city": "Cit&y",
    "postcode": "Post&code",
    "region": "Re&gion",
    "country": "C&ountry (ISO code)",
    "email": "&Email",
    "phone": "&Phone",
    "website": "&Website",
    "timezone": "Time &zone",
    "purposes": "Purposes",
    "data_categories": "Categories of data",
    "recipients": "Recipients",
    "joint_controllers": "Joint controllers",
    "retention": "Retention",
    "sources": "Sources of the data",
    "automated_decisions": "Automated decisions",
    "transfer_safeguards": "Transfer safeguards",
    "supervisory_authorities": "Supervisory authorities",
    "access_fee_note": "Access fee note",
    "signatory_name": "Letters signed &by",
    "signatory_role": "Signatory's &role",
    "eu_establishment": "EU &establishment (ISO code)",
    "art19_recipients": "Recipients told of erasures (Art. 19)",
}
"""What the settings screen calls each part of the profile (``&`` marks the shortcut)."""


def join_and(items: tuple[str, ...]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _is_tuple_field(name: str) -> bool:
    return name in _TUPLE_FIELDS


_TUPLE_FIELDS = frozenset(
    {
        "address_lines",
        "purposes",
        "data_categories",
        "recipients",
        "joint_controllers",
        "retention",
        "sources",
        "automated_decisions",
        "transfer_safeguards",
        "supervisory_authorities",
        "art19_recipients",
    }
)


def _check_types(profile: OrganisationProfile) -> None:
    for f in fields(profile):
        value = getattr(profile, f.name)
        if f.name in _TUPLE_FIELDS:
            if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
                raise ValidationError(f"organisation.{f.name}", "must be a tuple of texts")
        elif not isinstance(value, str):
            raise ValidationError(f"organisation.{f.name}", "must be a text")


# Taken from the privacy policy (seed 000): §1 controller, §2 data, §3 purposes,
# §5 recipients, §6 transfers, §7 retention, §8 rights, §10 complaints, "Other regions".
DEFAULT_ORGANISATION = OrganisationProfile(
    controller_name="THE MUSE/LVM",
    team_name="Privacy Team",
    address_lines=("29 Main Industrial Area Kot Lakhpat",),
    city="Lahore",
    postcode="54770",
    region="",
    country="PK",
    email="customercare@museluxe.com",
    phone="+92 300 84 94 871",
    website="www.museluxe.com",
    timezone="Asia/Karachi",
    purposes=(
        "To fulfil our contract with you, including taking payment, anti-fraud checks, "
        "shipping, delivery and returns.",
        "To send you information about our products and services in marketing "
        "communications and advertising, with your consent or in our legitimate interest.",
        "To help you use our website, for example your shopping bag and Wish Lists.",
        "To improve the performance of our website and its promotion.",
        "To let our Customer Care team help you with queries and requests; calls are "
        "recorded for training and fraud prevention.",
        "To send you updates to important information such as our Terms & Conditions.",
        "To meet our legal obligations, for example tax and accounting rules.",
    ),
    data_categories=(
        "Identity and contact details: name, billing and delivery addresses, email "
        "address, mobile and telephone numbers.",
        "Payment details and billing records.",
        "Account details: password, country, day and month of birth, favourite "
        "designers and marketing preferences.",
        "Orders, purchase history and returns.",
        "Customer Care records: enquiries, call recordings and live-chat conversations.",
        "Browsing data on www.museluxe.com and in our App, including your IP address.",
        "Marketing data: subscriptions, consents, and whether you open our emails or "
        "click their links.",
        "Details of other people you give us, such as a gift recipient's name and "
        "delivery address.",
    ),
    recipients=(
        "Our trained and authorised staff, and companies belonging to THE MUSE/LVM.",
        "Processors acting on our instructions: banking operators; internet providers; "
        "IT and telematics service companies; couriers; marketing companies, including "
        "social media organisations; market research and data processing companies; "
        "contact centre service companies; publishing and distribution companies.",
        "DHL, FedEx and TCS, who are joint controllers with us for international and "
        "domestic shipments, on-demand delivery and the related security screening.",
        "The police, courts and judicial or administrative authorities where the law "
        "requires it.",
    ),
    joint_controllers=("DHL", "FedEx", "TCS"),
    retention=(
        "Call recordings: 6 months.",
        "Live-chat conversations: 13 months.",
        "Billing data: 7 years from the billing date (the accounting period).",
        "Marketing consent: treated as current for 5 years from your last interaction "
        "with our emails, our App or our website.",
        "Customer Care enquiry data: for as long as you remain an active customer.",
        "Payment details: until the payment is certified and the withdrawal and "
        "dispute periods have ended.",
        "Browsing and profiling data: until you ask us to delete it.",
    ),
    sources=(
        "You, when you shop, register, subscribe or contact us.",
        "Your use of our website and App (cookies and similar technologies).",
        "Other people who give us your details, for example when they send you a gift "
        "or refer you to us.",
        "Companies in our Group and business partners, and fraud prevention agencies.",
    ),
    automated_decisions=(
        "We do not make decisions about you that have legal or similarly significant "
        "effects based solely on automated processing.",
        "We use profiling to personalise our website, marketing emails and advertising, "
        "including checking whether you open our emails and, with your email address "
        "or mobile number in encrypted form, showing you advertising on social media. "
        "You can object to this at any time.",
    ),
    transfer_safeguards=(
        "Some recipients are outside the European Union and the United Kingdom. We "
        "transfer personal data to countries that the European Commission has found "
        "to offer an adequate level of protection (adequacy decisions).",
        "Otherwise we transfer it only under standard contractual clauses approved by "
        "the European Commission, where the transfer is necessary for a contract "
        "between you and us, or to manage your requests.",
    ),
    supervisory_authorities=(
        "United Kingdom: the Information Commissioner's Office (ICO), ico.org.uk",
        "Italy: the Garante per la protezione dei dati personali, garanteprivacy.it",
    ),
    access_fee_note=(
        "A copy of your personal data is free of charge under UK and EU data protection "
        "law. Customers in other regions may be asked to pay a processing fee, as our "
        "privacy policy explains; we will tell you the amount before we do the work."
    ),
)
