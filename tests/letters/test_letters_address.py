"""Addresses laid out by the destination country's rules."""

from __future__ import annotations

import pytest

from muse_care.letters.address import address_lines
from muse_care.letters.errors import LetterError
from muse_care.letters.model import PostalAddress
from muse_care.letters.samples import REQUESTERS


def _text(address: PostalAddress, sender: str = "PK") -> list[str]:
    return [text for _, text in address_lines(address, sender)]


def test_uk_post_town_and_postcode_on_own_lines() -> None:
    assert _text(REQUESTERS["uk"]) == ["Ms Jane O'Neill-Smith", "Flat 2", "14 Abbey Road", "LONDON", "NW8 9AY",
                                       "UNITED KINGDOM"]


def test_german_postcode_before_town() -> None:
    assert _text(REQUESTERS["de"]) == ["Łukasz Żółć", "Hauptstraße 5", "10115 BERLIN", "GERMANY"]


def test_pakistan_city_postcode_and_no_country_at_home() -> None:
    # The region has no slot in the format: it is printed on a line of its own, not dropped.
    assert _text(REQUESTERS["pk"]) == ["عائشہ خان", "House 12, Street 5", "Block 5, Clifton", "KARACHI-75600", "Sindh"]


def test_china_largest_first_in_chinese_and_latin_order_otherwise() -> None:
    assert _text(REQUESTERS["cn"]) == ["100022", "北京市", "朝阳区建国路88号", "王小明", "CHINA"]
    latin = PostalAddress("Wang Xiaoming", ("88 Jianguo Road",), "Beijing", "100022", "Beijing", "CN")
    assert _text(latin) == ["Wang Xiaoming", "88 Jianguo Road", "Beijing", "100022", "CHINA"]


def test_us_city_state_zip() -> None:
    us = PostalAddress("John Doe", ("1600 Pennsylvania Ave NW",), "Washington", "20500", "DC", "US")
    assert _text(us) == ["John Doe", "1600 Pennsylvania Ave NW", "WASHINGTON, DC 20500", "UNITED STATES"]
    assert _text(us, sender="US")[-1] == "WASHINGTON, DC 20500"


def test_missing_postcode_leaves_no_dangling_separator() -> None:
    pk = PostalAddress("Ali", ("House 1",), "Karachi", "", "", "PK")
    assert _text(pk)[-1] == "KARACHI"


@pytest.mark.parametrize("code", ["", "XX1", "ZZ", "gbr"])
def test_bad_country_code(code: str) -> None:
    with pytest.raises(LetterError, match="recipient country"):
        address_lines(PostalAddress("A", ("B",), "C", "", "", code), "PK")
