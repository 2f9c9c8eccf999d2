"""The organisation profile: the policy's facts as data, JSON round trip, validation."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

from muse_care.domain.errors import ValidationError
from muse_care.domain.organisation import DEFAULT_ORGANISATION, OrganisationProfile


def test_default_profile_holds_the_policy_facts() -> None:
    org = DEFAULT_ORGANISATION
    assert org.controller_name == "THE MUSE/LVM"
    assert org.address_lines == ("29 Main Industrial Area Kot Lakhpat",)
    assert (org.city, org.postcode, org.country) == ("Lahore", "54770", "PK")
    assert (org.email, org.phone, org.website) == ("customercare@museluxe.com", "+92 300 84 94 871", "www.museluxe.com")
    assert org.timezone == "Asia/Karachi"
    assert org.joint_controllers == ("DHL", "FedEx", "TCS")
    retention = " ".join(org.retention)
    for fact in ("Call recordings: 6 months", "Live-chat conversations: 13 months", "7 years", "5 years",
                 "active customer"):
        assert fact in retention
    assert any("ico.org.uk" in a for a in org.supervisory_authorities)
    assert any("garanteprivacy.it" in a for a in org.supervisory_authorities)
    assert any("standard contractual clauses" in s for s in org.transfer_safeguards)
    assert "processing fee" in org.access_fee_note
    for f in fields(org):
        value = getattr(org, f.name)
        assert isinstance(value, (str, tuple)), f.name
        assert value or f.name in ("region", "signatory_name", "signatory_role"), f.name


def test_json_round_trip() -> None:
    data = json.loads(json.dumps(DEFAULT_ORGANISATION.to_dict()))
    assert OrganisationProfile.from_dict(data) == DEFAULT_ORGANISATION


def test_missing_keys_take_defaults() -> None:
    org = OrganisationProfile.from_dict({"email": "privacy@example.org", "purposes": ["One"]})
    assert org.email == "privacy@example.org"
    assert org.purposes == ("One",)
    assert org.retention == DEFAULT_ORGANISATION.retention


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": 5}, "organisation.email"),
        ({"purposes": "one string"}, "organisation.purposes"),
        ({"purposes": ["ok", 3]}, "organisation.purposes"),
        ({"colour": "red"}, "organisation.colour"),
        ({"country": "Pakistan"}, "organisation.country"),
        ({"controller_name": "  "}, "organisation.controller_name"),
    ],
)
def test_bad_values_are_named(data: dict, field: str) -> None:
    with pytest.raises(ValidationError) as err:
        OrganisationProfile.from_dict(data)
    assert err.value.field == field


def test_letter_code_does_not_hard_code_the_organisation() -> None:
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in sorted((root / "muse_care" / "letters").glob("*.py")) + sorted((root / "resources" / "letters").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for fact in ("museluxe", "MUSE/LVM", "Lahore", "Kot Lakhpat", "+92", "ico.org.uk", "garanteprivacy"):
            if fact in text:
                offenders.append(f"{path.name}: {fact}")
    assert not offenders, offenders
