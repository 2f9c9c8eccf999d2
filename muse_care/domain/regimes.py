"""The legal regimes a request can fall under, as a table the clock reads.

Adding a regime is adding a row here; the clock has no per-regime code. Where a law
leaves room (does a deadline on a weekend move to Monday?), the row takes the reading
that gives the earlier date, and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from muse_care.domain.errors import ValidationError

PeriodUnit = Literal["months", "days"]

# Every EU member state; the holidays package supports all 27 (a test checks it).
EU_MEMBER_STATES: tuple[str, ...] = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip


@dataclass(frozen=True)
class Regime:
    """One law's statutory clock.

    ``period`` and ``extension`` are in ``period_unit``; an ``extension`` of 0 means the
    regime allows none. ``verification_stops_clock``: the clock starts only when the
    requested identity, third-party authority or fee arrives (GDPR), rather than
    running "regardless of verification" (CCPA). ``clarification_pauses_clock``: the
    days spent waiting for a clarification are added to the due date (UK GDPR Art. 12A).
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

    @property
    def can_extend(self) -> bool:
        return self.extension > 0


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
    ),
    Regime(
        code="eu-gdpr",
        name="EU GDPR",
        period_unit="months",
        period=1,
        extension=2,
        roll_to_working_day=True,
        verification_stops_clock=True,
        # DESIGN.md section 2 pauses for clarification under both GDPRs, but the pause is
        # written law only in the UK (Art. 12A). Setting False here gives the earlier,
        # stricter date if the DPO reads the EU text without it.
        clarification_pauses_clock=True,
        acknowledge_within_business_days=None,
        default_holiday_region="IT",
        holiday_regions=EU_MEMBER_STATES,
        supervisory_authority="Garante per la protezione dei dati personali, garanteprivacy.it",
    ),
    Regime(
        code="ccpa",
        name="CCPA/CPRA (California)",
        period_unit="days",
        period=45,
        extension=45,
        # "45 calendar days": no roll, the earlier reading.
        roll_to_working_day=False,
        verification_stops_clock=False,
        clarification_pauses_clock=False,
        acknowledge_within_business_days=10,
        default_holiday_region="US-CA",
        holiday_regions=("US-CA",),
        supervisory_authority="California Privacy Protection Agency (CPPA), cppa.ca.gov",
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
