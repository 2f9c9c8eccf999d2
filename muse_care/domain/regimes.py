"""The legal regimes a request can fall under, as a table the clock reads.

Adding a regime is adding a row here; the clock has no per-regime code. Where a law
leaves room (does a deadline on a weekend move to Monday?), the row takes the reading
that gives the earlier date, and says so. The rules each field encodes, and the
article each comes from, are in docs/rules.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from muse_care.domain.errors import ValidationError

PeriodUnit = Literal["months", "days", "business-days"]

# Every EU member state; the holidays package supports all 27 (a test checks it).
EU_MEMBER_STATES: tuple[str, ...] = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip


# The zone of each member state's capital: the day received under the EU GDPR is the
# calendar day there (docs/rules.md, "The day received", which also says what this
# means for the Azores, the Canaries and France's outermost regions).
EU_ZONES: tuple[tuple[str, str], ...] = tuple({
    "AT": "Europe/Vienna", "BE": "Europe/Brussels", "BG": "Europe/Sofia", "CY": "Asia/Nicosia",
    "CZ": "Europe/Prague", "DE": "Europe/Berlin", "DK": "Europe/Copenhagen",
    "EE": "Europe/Tallinn", "ES": "Europe/Madrid", "FI": "Europe/Helsinki",
    "FR": "Europe/Paris", "GR": "Europe/Athens", "HR": "Europe/Zagreb",
    "HU": "Europe/Budapest", "IE": "Europe/Dublin", "IT": "Europe/Rome",
    "LT": "Europe/Vilnius", "LU": "Europe/Luxembourg", "LV": "Europe/Riga",
    "MT": "Europe/Malta", "NL": "Europe/Amsterdam", "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon", "RO": "Europe/Bucharest", "SE": "Europe/Stockholm",
    "SI": "Europe/Ljubljana", "SK": "Europe/Bratislava",
}.items())


@dataclass(frozen=True)
class RightPeriod:
    """A right whose deadline is not the regime's: ``period`` in ``period_unit``
    counted from the day received, ``extension`` 0 when it cannot be extended."""

    right: str
    period_unit: PeriodUnit
    period: int
    extension: int = 0
    basis: str = ""


@dataclass(frozen=True)
class Regime:
    """One law's statutory clock.

    ``period`` and ``extension`` are in ``period_unit``; an ``extension`` of 0 means the
    regime allows none. ``verification_stops_clock``: the clock starts only when the
    requested identity, third-party authority or fee arrives (GDPR), rather than
    running "regardless of verification" (CCPA). ``clarification_pauses_clock``: the
    days spent waiting for a clarification of an *access* request do not count
    (UK GDPR Art. 12A; docs/rules.md, "Clarification"); ``clarification_rule`` is the
    provision the explanation cites either way.

    ``timezone`` is the zone whose calendar day is the day received (docs/rules.md,
    "The day received"); ``zones`` overrides it per country (EU member states).
    ``right_periods`` are periods of particular rights that differ from the regime's
    (CCPA opt-out and limit requests: 15 business days), as data. ``business_days``
    are the holiday regions whose *common* holidays are not business days (for
    California: federal and state; docs/rules.md, "Business days"); empty means the
    case's holiday region.
    """

    code: str
    name: str
    period_unit: PeriodUnit
    period: int
    extension: int
    roll_to_working_day: bool
    verification_stops_clock: bool
    clarification_pauses_clock: bool
    acknowledge_within_business_days: int | None
    default_holiday_region: str
    holiday_regions: tuple[str, ...]
    supervisory_authority: str
    # Clock fields added for docs/rules.md; new fields go at the end, with defaults.
    timezone: str = "UTC"
    zones: tuple[tuple[str, str], ...] = ()
    right_periods: tuple[RightPeriod, ...] = ()
    business_days: tuple[str, ...] = ()
    clarification_rule: str = ""

    @property
    def can_extend(self) -> bool:
        return self.extension > 0

    def zone_for(self, holiday_region: str = "", country: str = "") -> str:
        """The zone of the day received: the requester's country's if the regime names it,
        else the holiday region's country's, else the regime's own."""
        zones = dict(self.zones)
        for code in (country.strip().upper(), holiday_region.partition("-")[0].upper()):
            if code in zones:
                return zones[code]
        return self.timezone

    def period_for(self, right: str) -> RightPeriod | None:
        """The period of ``right`` where it differs from the regime's, else None."""
        return next((p for p in self.right_periods if p.right == right), None)


_TABLE: tuple[Regime, ...] = (
    Regime(
        code="uk-gdpr",
        name="UK GDPR",
        period_unit="months",
        period=1,
        extension=2,
        roll_to_working_day=True,
        verification_stops_clock=True,
        clarification_pauses_clock=True,
        acknowledge_within_business_days=None,
        # England and Wales share their bank holidays; GB-WLS is offered for people who
        # look for Wales by name and always gives the same dates as GB-ENG.
        default_holiday_region="GB-ENG",
        holiday_regions=("GB-ENG", "GB-WLS", "GB-SCT", "GB-NIR"),
        supervisory_authority="Information Commissioner's Office (ICO), ico.org.uk",
        timezone="Europe/London",
        clarification_rule="Art. 12A",
    ),
    Regime(
        code="eu-gdpr",
        name="EU GDPR",
        period_unit="months",
        period=1,
        extension=2,
        roll_to_working_day=True,
        verification_stops_clock=True,
        # No clarification stop in the EU text: docs/rules.md, "Clarification".
        clarification_pauses_clock=False,
        acknowledge_within_business_days=None,
        default_holiday_region="IT",
        holiday_regions=EU_MEMBER_STATES,
        supervisory_authority="Garante per la protezione dei dati personali, garanteprivacy.it",
        timezone="Europe/Rome",
        zones=EU_ZONES,
        clarification_rule="recital 63",
    ),
    Regime(
        code="ccpa",
        name="CCPA/CPRA (California)",
        period_unit="days",
        period=45,
        extension=45,
        # "45 calendar days": no roll (docs/rules.md, "Weekends and holidays").
        roll_to_working_day=False,
        verification_stops_clock=False,
        clarification_pauses_clock=False,
        acknowledge_within_business_days=10,
        default_holiday_region="US-CA",
        holiday_regions=("US-CA",),
        supervisory_authority="California Privacy Protection Agency (CPPA), cppa.ca.gov",
        timezone="America/Los_Angeles",
        # docs/rules.md, "CCPA": opt-out of sale/sharing and limit requests.
        right_periods=(
            RightPeriod("opt-out-sale", "business-days", 15, basis="CCPA regs §7026(f)"),
            RightPeriod("limit-sensitive", "business-days", 15, basis="CCPA regs §7027(g)"),
        ),
        # docs/rules.md, "Business days": only holidays both federal and state.
        business_days=("US", "US-CA"),
    ),
    Regime(
        code="vcdpa",
        name="VCDPA (Virginia)",
        period_unit="days",
        period=45,
        extension=45,
        roll_to_working_day=False,
        verification_stops_clock=False,
        clarification_pauses_clock=False,
        acknowledge_within_business_days=None,
        default_holiday_region="US-VA",
        holiday_regions=("US-VA",),
        supervisory_authority="Office of the Attorney General of Virginia, oag.state.va.us",
        timezone="America/New_York",
    ),
    Regime(
        code="lgpd",
        name="LGPD (Brazil)",
        period_unit="days",
        period=15,
        extension=0,
        roll_to_working_day=False,
        verification_stops_clock=False,
        clarification_pauses_clock=False,
        acknowledge_within_business_days=None,
        default_holiday_region="BR",
        holiday_regions=("BR",),
        supervisory_authority="Autoridade Nacional de Proteção de Dados (ANPD), gov.br/anpd",
        timezone="America/Sao_Paulo",
    ),
    Regime(
        code="pipeda",
        name="PIPEDA (Canada)",
        period_unit="days",
        period=30,
        extension=30,
        # s.8(3)-(4): 30 days after receipt, extendable once by 30 with notice within
        # the first 30. No roll: docs/rules.md, "Weekends and holidays".
        roll_to_working_day=False,
        verification_stops_clock=False,
        clarification_pauses_clock=False,
        acknowledge_within_business_days=None,
        default_holiday_region="CA",
        holiday_regions=("CA",),
        supervisory_authority="Office of the Privacy Commissioner of Canada (OPC), priv.gc.ca",
        timezone="America/Toronto",
        zones=(("CA", "America/Toronto"),),
    ),
)

REGIMES: Mapping[str, Regime] = MappingProxyType({regime.code: regime for regime in _TABLE})


def get_regime(code: str) -> Regime:
    """The regime with that code; a ValidationError naming the known codes otherwise."""
    try:
        return REGIMES[code]
    except KeyError:
        known = ", ".join(REGIMES)
        raise ValidationError("regime", f"unknown regime '{code}'; known: {known}") from None
