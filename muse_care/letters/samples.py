"""Sample letters: realistic field values for every kind, and requesters in four countries.

Used by the tests, ``tools/render_letter_samples.py`` and the print-run benchmark; the
settings screen can use it to preview an edited template.
"""

from __future__ import annotations

from datetime import date

from collections.abc import Mapping

from muse_care.domain.authorities import complaint_authorities
from muse_care.domain.organisation import DEFAULT_ORGANISATION, OrganisationProfile
from muse_care.domain.regimes import get_regime
from muse_care.letters.law import letter_law
from muse_care.letters.model import Layout, LetterKind, LetterRequest, PostalAddress

REQUESTERS: dict[str, PostalAddress] = {
    "uk": PostalAddress(
        name="Ms Jane O'Neill-Smith",
        lines=("Flat 2", "14 Abbey Road"),
        city="London",
        postcode="NW8 9AY",
        country="GB",
    ),
    "de": PostalAddress(
        name="Łukasz Żółć",
        lines=("Hauptstraße 5",),
        city="Berlin",
        postcode="10115",
        country="DE",
    ),
    "pk": PostalAddress(
        name="عائشہ خان",
        lines=("House 12, Street 5", "Block 5, Clifton"),
        city="Karachi",
        postcode="75600",
        region="Sindh",
        country="PK",
    ),
    "cn": PostalAddress(
        name="王小明",
        lines=("朝阳区建国路88号",),
        city="北京市",
        postcode="100022",
        region="北京市",
        country="CN",
    ),
}

SAMPLE_FIELDS: dict[LetterKind, dict[str, str]] = {
    LetterKind.ACKNOWLEDGEMENT: {
        "received_date": "3 March 2026",
        "rights": "a copy of your personal data (right of access)",
        "due_date": "3 April 2026",
    },
    LetterKind.IDENTITY_REQUEST: {
        "received_date": "3 March 2026",
        "rights": "the deletion of your personal data",
        "identity_steps": "The email address and postcode on your account with us\n"
        "The order number and date of one recent order\n"
        "A copy of a utility bill or bank statement showing your current address",
        "reply_by": "17 March 2026",
    },
    LetterKind.CLARIFICATION_REQUEST: {
        "received_date": "3 March 2026",
        "rights": "a copy of your personal data (right of access)",
        "clarification_question": "Which period and which of our services (orders, live chat, "
        "calls to Customer Care, marketing emails) are you most interested in?",
    },
    LetterKind.EXTENSION: {
        "received_date": "3 March 2026",
        "rights": "a copy of your personal data (right of access)",
        "due_date": "3 April 2026",
        "new_due_date": "3 June 2026",
        "extension_reasons": "Your request covers more than 400 orders, 60 live-chat conversations and "
        "call recordings made over six years.\n"
        "We have received three further requests from you that we are dealing with together.",
    },
    LetterKind.ACCESS_RESPONSE: {"received_date": "3 March 2026"},
    LetterKind.RECTIFICATION_DONE: {
        "received_date": "3 March 2026",
        "corrections": "Your delivery address: now 14 Abbey Road, London NW8 9AY\n"
        "Your date of birth (day and month): now 14 July",
        "recipients_told": "DHL\nFedEx\nTCS",
    },
    LetterKind.ERASURE_DONE: {
        "received_date": "3 March 2026",
        "outcome": "We have deleted your account, your wish lists, your marketing preferences, "
        "your live-chat conversations and the recordings of your calls to Customer Care.",
        "retained": "Billing records of your orders from 2021 to 2025",
        "legal_basis": "tax and accounting law requires us to keep billing records for seven "
        "years from the billing date (Article 17(3)(b) GDPR)",
        "recipients_told": "DHL\nFedEx\nTCS",
    },
    LetterKind.RESTRICTION: {
        "received_date": "3 March 2026",
        "restricted_data": "Your delivery addresses and telephone number",
        "restriction_ground": "you have told us they are inaccurate and we are checking them",
        "restriction_until": "17 March 2026",
        "recipients_told": "DHL\nFedEx\nTCS",
    },
    LetterKind.OBJECTION_OUTCOME: {
        "received_date": "3 March 2026",
        "processing": "our analysis of your browsing to personalise our website",
        "outcome": "We have accepted your objection: from today we no longer use your browsing "
        "data to personalise the website or our advertising for you.",
    },
    LetterKind.MARKETING_OPT_OUT: {
        "received_date": "3 March 2026",
        "channels": "email, text messages, telephone and post",
        "effective_date": "4 March 2026",
    },
    LetterKind.PORTABILITY: {
        "received_date": "3 March 2026",
        "data_format": "JSON and CSV files",
        "delivery": "They are on the encrypted USB key enclosed; we will send the password separately by text message.",
    },
    LetterKind.REFUSAL: {
        "received_date": "3 March 2026",
        "rights": "copies of all call recordings since 2015",
        "refusal_reasons": "This is the fifth request for the same recordings in three months; we "
        "answered the previous requests in full on 10 January and 7 February 2026.\n"
        "We keep call recordings for six months only, so no recordings from before "
        "September 2025 exist.",
        "legal_basis": "Article 12(5) of the UK GDPR (manifestly unfounded or excessive requests)",
    },
    LetterKind.CLOSING: {
        "received_date": "3 March 2026",
        "rights": "the deletion of your personal data",
        "outcome": "We sent you our reply on 20 March 2026 and you have told us that you need "
        "nothing further.",
    },
}

SAMPLE_ENCLOSURES: dict[LetterKind, tuple[str, ...]] = {
    LetterKind.ACCESS_RESPONSE: (
        "Your account and order history (12 pages)",
        "Transcripts of 3 live-chat conversations (5 pages)",
        "USB key with 2 call recordings (MP3)",
    ),
    LetterKind.PORTABILITY: ("Encrypted USB key",),
}


SAMPLE_REGIMES: dict[str, str] = {"uk": "uk-gdpr", "de": "eu-gdpr", "pk": "uk-gdpr", "cn": "uk-gdpr"}
"""The regime each sample requester's letters are written under."""


def sample_law(requester: str = "uk", organisation: OrganisationProfile = DEFAULT_ORGANISATION,
               regime: str | None = None) -> Mapping[str, str]:
    """The {law.*} values of a sample requester's letters."""
    address = REQUESTERS[requester]
    code = regime or SAMPLE_REGIMES[requester]
    # The sample clarification asks about an access request: under UK GDPR that pauses.
    return letter_law(get_regime(code), complaint_authorities(
        code, address.country, address.postcode, address.region, organisation.eu_establishment),
        clarification_pauses=code == "uk-gdpr")


def sample_request(
    kind: LetterKind,
    layout: Layout,
    requester: str = "uk",
    reference: str = "MC-2026-000123",
    organisation: OrganisationProfile = DEFAULT_ORGANISATION,
) -> LetterRequest:
    return LetterRequest(
        kind=kind,
        layout=layout,
        reference=reference,
        letter_date=date(2026, 3, 5),
        recipient=REQUESTERS[requester],
        organisation=organisation,
        fields=dict(SAMPLE_FIELDS[kind]),
        enclosures=SAMPLE_ENCLOSURES.get(kind, ()),
        law=sample_law(requester, organisation),
    )
