"""The legal regimes a request can fall under, as a table the clock reads.

Adding a regime is adding a row here; the clock has no per-regime code. Where a law
leaves room (does a deadline on a weekend move to Monday?), the row takes the reading
that gives the earlier date, and says so. The rules each field encodes, and the
article each comes from, are in docs/rules.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
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
    # the EEA states, where the GDPR applies through the EEA Agreement
    "IS": "Atlantic/Reykjavik", "LI": "Europe/Vaduz", "NO": "Europe/Oslo",
}.items())

# The GDPR also applies in the EEA (EEA Agreement, Annex XI): Iceland, Liechtenstein, Norway.
EEA_STATES: tuple[str, ...] = ("IS", "LI", "NO")

# Germany's public holidays differ by Land (6 Jan in Bavaria, 31 Oct in Saxony…): a German
# requester's clock rolls over their own Land's holidays (docs/rules.md, "Letters by regime").
GERMAN_LAENDER: tuple[str, ...] = (
    "DE-BB", "DE-BE", "DE-BW", "DE-BY", "DE-HB", "DE-HE", "DE-HH", "DE-MV", "DE-NI", "DE-NW",
    "DE-RP", "DE-SH", "DE-SL", "DE-SN", "DE-ST", "DE-TH",
)  # fmt: skip


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
    # --- the law's own words, for letters (docs/rules.md, "Letters by regime") ---------
    # Each is plain text a template takes as {law.<name>}; "" leaves out the sentence
    # that uses it ([if law.<name>]). Adding a regime is this row and these words.
    law_name: str = ""
    """'the UK GDPR', 'the California Consumer Privacy Act (CCPA)'."""
    period_words: str = ""
    """The period, as the law says it: 'one month', '45 calendar days'."""
    period_rule: str = ""
    """How the period is counted, one or two sentences (acknowledgement)."""
    extension_words: str = ""
    """The extension rule, to follow 'The law allows us to extend this period …'; '' if none."""
    notice_window_words: str = ""
    """When an extension must be told: 'within one month of receiving it'."""
    verification_words: str = ""
    """What asking for identity does to the clock (identity request)."""
    clarification_words: str = ""
    """What asking for clarification does to the clock where the law pauses it."""
    refusal_basis: str = ""
    """The provision a refusal rests on (manifestly unfounded or excessive requests)."""
    complaint_route: str = ""
    """The sentence before the list of authorities a requester may complain to."""
    judicial_remedy_words: str = ""
    """The right to a court, where the law gives it to every requester; '' if not."""
    rights: tuple[str, ...] = ()
    """The requester's rights and the notices the law requires, one bullet each."""
    recipients_rule: str = ""
    """The provision that makes us pass a deletion or correction on: '(Article 19 GDPR)'."""
    # --- where it applies (domain/jurisdiction.py reads it) ----------------------------
    applies_in: tuple[str, ...] = ()
    """Where the requester lives for this regime to be the default: ISO country codes
    ("BR") or, for a US state's law, "US-" and the state ("US-CA")."""
    authority: str = ""
    """The key in domain/authorities.py of the authority the controller answers to
    ("GB", "US-CA"); "" where it is our establishment's (EU GDPR, Art. 56)."""
    complain_where_you_live: bool = False
    """The requester may also complain to their own state's authority (GDPR Art. 77(1)):
    letters name it before ours (docs/rules.md, "Supervisory authorities")."""

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


_GDPR_PERIOD_RULE = (
    "That is one month from the day we received your request, or from the day we received anything "
    "we need before we can start, such as proof of your identity; if that day is a weekend or public "
    "holiday, we reply by the next working day.")
_GDPR_VERIFICATION = (
    "The one-month period we have for answering your request starts on the day we receive what we "
    "ask for here; it does not run in the meantime.")
_GDPR_RIGHTS = (
    "To a copy of your personal data and information about how we use it (access).",
    "To have inaccurate data corrected (rectification) and to have it deleted (erasure).",
    "To have our use of it restricted, and to object to our use of it on the basis of our legitimate "
    "interests, including profiling and direct marketing.",
    "To receive the data you gave us in a standard format, or have it sent to another organisation "
    "(portability).",
    "To withdraw your consent at any time, where we rely on it.",
)
# The rights and notices the CCPA requires businesses to tell consumers of
# (Cal. Civ. Code §§ 1798.100-1798.125; CCPA Regulations §§ 7011, 7020-7028).
_CCPA_RIGHTS = (
    "To know the categories of personal information we have collected about you, its sources, why we "
    "collect it and to whom we disclose it, and to obtain the specific pieces of personal information "
    "we hold (§§ 1798.100, 1798.110, 1798.115).",
    "To delete personal information we have collected from you (§ 1798.105).",
    "To correct inaccurate personal information (§ 1798.106).",
    "To opt out of the sale or sharing of your personal information (§ 1798.120).",
    "To limit the use and disclosure of your sensitive personal information (§ 1798.121).",
    "Not to be discriminated or retaliated against for exercising these rights: we will not deny you "
    "goods or services, charge different prices or give a different quality of service because you "
    "made a request (§ 1798.125).",
    "To use an authorized agent to make a request for you; we may ask the agent for your signed "
    "permission and ask you to verify your identity (CCPA Regulations § 7063).",
)

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
        law_name="the UK GDPR",
        period_words="one month",
        period_rule=_GDPR_PERIOD_RULE,
        extension_words="by up to two further months where requests are complex or numerous "
                        "(Article 12(3) of the UK GDPR)",
        notice_window_words="within one month of receiving it",
        verification_words=_GDPR_VERIFICATION,
        clarification_words="The time we have for answering your request stops from the day we ask "
                            "until the day we receive your answer, and then runs on (Article 12A of "
                            "the UK GDPR).",
        refusal_basis="Article 12(5) of the UK GDPR",
        complaint_route="You have the right to complain to the Information Commissioner's Office, the "
                        "UK's supervisory authority (Article 77 of the UK GDPR):",
        judicial_remedy_words="You also have the right to seek a judicial remedy: you can ask a court to "
                              "enforce your rights (Article 79 of the UK GDPR).",
        rights=_GDPR_RIGHTS,
        recipients_rule="(Article 19 of the UK GDPR)",
        applies_in=("GB",),
        authority="GB",
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
        holiday_regions=(*EU_MEMBER_STATES, *EEA_STATES, *GERMAN_LAENDER),
        supervisory_authority="Garante per la protezione dei dati personali, garanteprivacy.it",
        timezone="Europe/Rome",
        zones=EU_ZONES,
        clarification_rule="recital 63",
        law_name="the General Data Protection Regulation (EU) 2016/679 (GDPR)",
        period_words="one month",
        period_rule=_GDPR_PERIOD_RULE,
        extension_words="by up to two further months where requests are complex or numerous "
                        "(Article 12(3) GDPR)",
        notice_window_words="within one month of receiving it",
        verification_words=_GDPR_VERIFICATION,
        refusal_basis="Article 12(5) of the General Data Protection Regulation (EU) 2016/679",
        complaint_route="You have the right to lodge a complaint with a supervisory authority, in "
                        "particular in the EU or EEA state where you live or work or where you think "
                        "the law was broken (Article 77(1) GDPR), for example:",
        judicial_remedy_words="You also have the right to an effective judicial remedy: you can ask a "
                              "court to enforce your rights (Article 79 GDPR).",
        rights=_GDPR_RIGHTS,
        recipients_rule="(Article 19 GDPR)",
        applies_in=(*EU_MEMBER_STATES, *EEA_STATES),
        complain_where_you_live=True,
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
        law_name="the California Consumer Privacy Act (CCPA), as amended by the California Privacy "
                 "Rights Act",
        period_words="45 calendar days",
        period_rule="That is 45 calendar days from the day we received your request (Cal. Civ. Code "
                    "§ 1798.130(a)(2)); the time runs while we verify that the request comes from you, "
                    "which we do by matching the details you give us with those we hold.",
        extension_words="once by up to a further 45 calendar days where that is reasonably necessary "
                        "(Cal. Civ. Code § 1798.130(a)(2); CCPA Regulations § 7021(b))",
        notice_window_words="within 45 calendar days of receiving it",
        verification_words="The 45 calendar days we have for answering your request run from the day we "
                           "received it, also while we wait for these details. If we cannot verify your "
                           "identity, we will tell you so and explain why (CCPA Regulations § 7060).",
        refusal_basis="section 1798.145(h)(3) of the California Civil Code (requests that are "
                      "manifestly unfounded or excessive)",
        complaint_route="If you believe we have not complied with the CCPA, you can submit a complaint to "
                        "the California Privacy Protection Agency, which enforces it:",
        judicial_remedy_words="",
        rights=_CCPA_RIGHTS,
        recipients_rule="(Cal. Civ. Code § 1798.105(c))",
        applies_in=("US-CA",),
        authority="US-CA",
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
        law_name="the Virginia Consumer Data Protection Act (VCDPA)",
        period_words="45 days",
        period_rule="That is 45 days from the day we received your request (Virginia Consumer Data Protection Act).",
        extension_words="once by up to a further 45 days where that is reasonably necessary "
                        "(Virginia Consumer Data Protection Act)",
        notice_window_words="within 45 days of receiving it",
        verification_words="The 45 days we have for answering your request run from the day we received "
                           "it, also while we wait for these details.",
        refusal_basis="the Virginia Consumer Data Protection Act (Code of Virginia, title 59.1, chapter 53)",
        complaint_route="If we decline to act on your request you may appeal to us within a reasonable "
                        "period; if the appeal is denied, you can contact the "
                        "Attorney General of Virginia:",
        rights=("To confirm whether we process your personal data and to access it.",
                "To correct inaccuracies in it.", "To delete it.",
                "To obtain a copy of the data you gave us in a portable format.",
                "To opt out of targeted advertising, the sale of personal data and profiling."),
        applies_in=("US-VA",),
        authority="US-VA",
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
        law_name="the Brazilian General Data Protection Law (LGPD, Law No. 13,709/2018)",
        period_words="15 days",
        period_rule="That is 15 days from the day we received your request (Article 19, II of the LGPD).",
        extension_words="",
        verification_words="The 15 days we have for answering your request run from the day we received "
                           "it, also while we wait for these details.",
        refusal_basis="Article 18, § 4 of the LGPD",
        complaint_route="You have the right to petition the National Data Protection Authority about our "
                        "handling of your request (Article 18, § 1 of the LGPD):",
        rights=("To confirm that we process your data and to access it.",
                "To correct incomplete, inaccurate or out-of-date data.",
                "To anonymise, block or delete unnecessary or excessive data.",
                "To portability, to information about sharing, and to withdraw consent."),
        applies_in=("BR",),
        authority="BR",
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
        law_name="the Personal Information Protection and Electronic Documents Act (PIPEDA)",
        period_words="30 days",
        period_rule="That is 30 days from the day we received your request (PIPEDA, section 8(3)).",
        extension_words="once by up to a further 30 days where answering in time would unreasonably "
                        "interfere with our activities or needs consultations (PIPEDA, section 8(4))",
        notice_window_words="within 30 days of receiving it",
        verification_words="The 30 days we have for answering your request run from the day we received "
                           "it, also while we wait for these details.",
        refusal_basis="Principle 4.9 of Schedule 1 and section 9 of PIPEDA",
        complaint_route="You have the right to file a complaint with the Office of the Privacy "
                        "Commissioner of Canada (PIPEDA, section 11):",
        rights=("To access the personal information we hold about you, and to know how it has been used "
                "and to whom it has been disclosed (Principle 4.9).",
                "To challenge its accuracy and completeness and have it amended (Principle 4.9.5).",
                "To withdraw your consent, subject to legal or contractual restrictions (Principle 4.3.8)."),
        applies_in=("CA",),
        authority="CA",
    ),
)

REGIMES: Mapping[str, Regime] = MappingProxyType({regime.code: regime for regime in _TABLE})


LETTER_WORDS: tuple[str, ...] = tuple(
    f.name for f in fields(Regime) if f.name in (
        "law_name", "period_words", "period_rule", "extension_words", "notice_window_words",
        "verification_words", "clarification_words", "refusal_basis", "complaint_route",
        "judicial_remedy_words", "rights", "recipients_rule"))
"""The Regime fields letters read as {law.<name>}."""


def get_regime(code: str) -> Regime:
    """The regime with that code; a ValidationError naming the known codes otherwise."""
    try:
        return REGIMES[code]
    except KeyError:
        known = ", ".join(REGIMES)
        raise ValidationError("regime", f"unknown regime '{code}'; known: {known}") from None
