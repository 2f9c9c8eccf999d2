"""Which law a request falls under, from where the requester lives.

The default regime and holiday region follow the requester's address (docs/rules.md,
"Letters by regime"): each regime says where it applies (``Regime.applies_in``): the UK
gives UK GDPR with the nation's bank holidays (Scottish and Northern Irish postcodes), an
EU or EEA state the EU GDPR with that state's holidays (a German Land's own), California
the CCPA, Virginia the VCDPA, Brazil the LGPD, Canada PIPEDA. Only where none applies
does the organisation's default regime stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from muse_care.domain.authorities import german_land, us_state
from muse_care.domain.regimes import REGIMES

# Postcode areas of Scotland (Royal Mail). TD is the Scottish Borders except TD15
# (Berwick-upon-Tweed, England); DG is Dumfries and Galloway.
_SCOTTISH_AREAS = frozenset({"AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML",
                             "PA", "PH", "TD", "ZE"})
_AREA = re.compile(r"^([A-Z]{1,2})(\d+)")


@dataclass(frozen=True)
class Jurisdiction:
    regime: str
    holiday_region: str
    why: str
    """'from the address: DE, Land BY', for the intake and the history."""


def uk_nation(postcode: str) -> str:
    """GB-SCT, GB-NIR or GB-ENG (England and Wales share their bank holidays)."""
    text = postcode.strip().upper()
    # the outward code: before the space, or all but the inward code's three characters
    outward = text.split()[0] if " " in text else text[:-3]
    m = _AREA.match(outward)
    if not m:
        return "GB-ENG"
    area, district = m.group(1), int(m.group(2))
    if area == "BT":
        return "GB-NIR"
    if area in _SCOTTISH_AREAS and not (area == "TD" and district == 15):
        return "GB-SCT"
    return "GB-ENG"


def _regime_at(key: str) -> str | None:
    """The regime whose ``applies_in`` names ``key`` ("FR", "US-CA"), if any."""
    return next((code for code, regime in REGIMES.items() if key in regime.applies_in), None)


def from_address(country: str, postcode: str = "", region: str = "") -> Jurisdiction | None:
    """The regime and holiday region of a requester at this address; None where no
    regime of ours applies (the organisation's default then stands).

    The regime is the one whose ``applies_in`` names the country (or, in the US, the
    state); the holiday region is the most precise one the regime knows: the UK nation
    from the postcode, the German Land, the country, else the regime's default."""
    country = country.strip().upper()
    key = country
    if country == "US":
        state = us_state(postcode, region)
        if not state:
            return None
        key = f"US-{state}"
    code = _regime_at(key)
    if code is None:
        return None
    regime = REGIMES[code]
    if country == "GB":
        nation = uk_nation(postcode)
        return Jurisdiction(code, nation, f"from the address: GB, {nation}")
    holiday_region = key if key in regime.holiday_regions else regime.default_holiday_region
    if country == "DE":
        land = german_land(postcode, region)
        if land and f"DE-{land}" in regime.holiday_regions:
            holiday_region = f"DE-{land}"
    shown = holiday_region if country == "DE" else key
    return Jurisdiction(code, holiday_region, f"from the address: {shown}")
