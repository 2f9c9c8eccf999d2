"""Sample letters: realistic field values for every kind, and requesters in 13 countries
writing in 10 scripts.

Used by the tests, ``tools/render_letter_samples.py`` and the print-run benchmark; the
settings screen can use it to preview an edited template.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from muse_care.domain.organisation import DEFAULT_ORGANISATION, OrganisationProfile
from muse_care.domain.authorities import complaint_authorities
from muse_care.domain.jurisdiction import from_address
from muse_care.domain.regimes import get_regime
from muse_care.letters import kinds
from muse_care.letters.law import letter_law
from muse_care.letters.model import Layout, LetterRequest, PostalAddress

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
    "us": PostalAddress(
        name="Emily García-Nguyen",
        lines=("1600 Market Street", "Apt 4B"),
        city="San Francisco",
        postcode="94103",
        region="CA",
        country="US",
    ),
    "tr": PostalAddress(
        name="Ayşe Yılmaz",
        lines=("İnönü Caddesi No: 17/3",),
        city="Diyarbakır",
        postcode="21100",
        region="Bağlar",
        country="TR",
    ),
    "gr": PostalAddress(
        name="Νικόλαος Παπαδόπουλος",
        lines=("Οδός Ερμού 25",),
        city="Αθήνα",
        postcode="105 63",
        country="GR",
    ),
    "ru": PostalAddress(
        name="Анна Сергеевна Иванова",
        lines=("ул. Тверская, д. 7, кв. 12",),
        city="Москва",
        postcode="125009",
        region="Москва",
        country="RU",
    ),
    "ae": PostalAddress(
        name="فاطمة الزهراء",
        lines=("Villa 14, Street 23", "Al Wasl"),
        city="Dubai",
        region="Dubai",
        country="AE",
    ),
    "il": PostalAddress(
        name="דוד כהן",
        lines=("רחוב הרצל 12",),
        city="תל אביב-יפו",
        postcode="6120101",
        country="IL",
    ),
    "am": PostalAddress(
        name="Անի Պետրոսյան",
        lines=("Աբովյան փողոց 10, բն. 5",),
        city="Երևան",
        postcode="0001",
        country="AM",
    ),
    "ge": PostalAddress(
        name="ნინო ბერიძე",
        lines=("რუსთაველის გამზირი 12",),
        city="თბილისი",
        postcode="0108",
        country="GE",
    ),
    "jp": PostalAddress(
        name="佐藤 さくら",
        lines=("神南1-2-3 コーポさくら101号",),
        city="渋谷区",
        postcode="150-0041",
        region="東京都",
        country="JP",
    ),
}

SCRIPTS: dict[str, str] = {
    "uk": "Latin", "de": "Latin", "us": "Latin", "tr": "Latin", "gr": "Greek", "ru": "Cyrillic",
    "pk": "Arabic", "ae": "Arabic", "il": "Hebrew", "am": "Armenian", "ge": "Georgian", "cn": "Han",
    "jp": "Han, Hiragana and Katakana",
}
"""The writing system of each sample requester (the recipients the tests print for)."""


def sample_fields(kind: str) -> dict[str, str]:
    """Realistic field values for ``kind``, from its declaration (letters/kinds.py)."""
    return dict(kinds.get(kind).sample)


def sample_enclosures(kind: str) -> tuple[str, ...]:
    return kinds.get(kind).sample_enclosures


class _Samples(Mapping[str, dict[str, str]]):
    def __getitem__(self, key: str) -> dict[str, str]:
        return sample_fields(key)

    def __iter__(self) -> Iterator[str]:
        return iter(kinds.kind_ids())

    def __len__(self) -> int:
        return len(kinds.kind_ids())


SAMPLE_FIELDS: Mapping[str, dict[str, str]] = _Samples()


def sample_regime(requester: str) -> str:
    """The regime a sample requester's letters are written under: the one their address
    gives, or UK GDPR (the organisation's default) where none applies."""
    address = REQUESTERS[requester]
    found = from_address(address.country, address.postcode, address.region)
    return found.regime if found is not None else "uk-gdpr"


def sample_law(requester: str = "uk", organisation: OrganisationProfile = DEFAULT_ORGANISATION,
               regime: str | None = None) -> Mapping[str, str]:
    """The {law.*} values of a sample requester's letters."""
    address = REQUESTERS[requester]
    code = regime or sample_regime(requester)
    # The sample clarification asks about an access request: where the regime pauses
    # the clock for it (UK GDPR Art. 12A), the letter says so.
    regime_row = get_regime(code)
    return letter_law(regime_row, complaint_authorities(
        code, address.country, address.postcode, address.region, organisation.eu_establishment),
        clarification_pauses=regime_row.clarification_pauses_clock)


def sample_request(
    kind: str,
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
        fields=sample_fields(kind),
        enclosures=sample_enclosures(kind),
        law=sample_law(requester, organisation),
    )
