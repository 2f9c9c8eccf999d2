"""Supervisory authorities as data, and which one is the requester's own.

A requester may complain to the supervisory authority of the state where they live or
work (GDPR Art. 77(1)); letters name that authority as well as the lead one (the
authority of the controller's EU establishment, or the ICO for the UK). Germany has one
authority per Land for companies (the federal BfDI supervises public bodies and
telecoms), so a German requester's own authority is their Land's, found from the
region field or, failing that, the postcode. See docs/rules.md, "Supervisory
authorities".

The table is data: name, postal address and website of each authority, keyed by ISO
country code ("FR"), a German Land ("DE-BY") or a US state ("US-CA").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Authority:
    key: str
    name: str
    address_lines: tuple[str, ...]
    website: str

    @property
    def one_line(self) -> str:
        """'Name, street, town, website': how a letter lists it."""
        return ", ".join((self.name, *self.address_lines, self.website))


EEA_STATES: tuple[str, ...] = ("IS", "LI", "NO")
"""The EEA states outside the EU: the GDPR applies there through the EEA Agreement."""

_A = Authority
_TABLE: tuple[Authority, ...] = (
    _A("GB", "Information Commissioner's Office (ICO)",
       ("Wycliffe House, Water Lane", "Wilmslow, Cheshire SK9 5AF", "United Kingdom"), "ico.org.uk"),
    # --- the 27 EU member states ---
    _A("AT", "Österreichische Datenschutzbehörde", ("Barichgasse 40-42", "1030 Wien", "Austria"), "dsb.gv.at"),
    _A("BE", "Autorité de protection des données / Gegevensbeschermingsautoriteit",
       ("Rue de la Presse 35 / Drukpersstraat 35", "1000 Bruxelles / Brussel", "Belgium"),
       "autoriteprotectiondonnees.be"),
    _A("BG", "Commission for Personal Data Protection (Комисия за защита на личните данни)",
       ("2 Prof. Tsvetan Lazarov Blvd.", "1592 Sofia", "Bulgaria"), "cpdp.bg"),
    _A("CY", "Commissioner for Personal Data Protection",
       ("1 Iasonos Street", "1082 Nicosia", "Cyprus"), "dataprotection.gov.cy"),
    _A("CZ", "Úřad pro ochranu osobních údajů", ("Pplk. Sochora 27", "170 00 Praha 7", "Czechia"), "uoou.gov.cz"),
    _A("DE", "Der Bundesbeauftragte für den Datenschutz und die Informationsfreiheit (BfDI)",
       ("Graurheindorfer Straße 153", "53117 Bonn", "Germany"), "bfdi.bund.de"),
    _A("DK", "Datatilsynet", ("Carl Jacobsens Vej 35", "2500 Valby", "Denmark"), "datatilsynet.dk"),
    _A("EE", "Andmekaitse Inspektsioon (Data Protection Inspectorate)",
       ("Tatari 39", "10134 Tallinn", "Estonia"), "aki.ee"),
    _A("ES", "Agencia Española de Protección de Datos (AEPD)", ("C/ Jorge Juan 6", "28001 Madrid", "Spain"),
       "aepd.es"),
    _A("FI", "Office of the Data Protection Ombudsman (Tietosuojavaltuutetun toimisto)",
       ("P.O. Box 800", "00531 Helsinki", "Finland"), "tietosuoja.fi"),
    _A("FR", "Commission Nationale de l'Informatique et des Libertés (CNIL)",
       ("3 Place de Fontenoy, TSA 80715", "75334 Paris Cedex 07", "France"), "cnil.fr"),
    _A("GR", "Hellenic Data Protection Authority", ("Kifisias 1-3", "115 23 Athens", "Greece"), "dpa.gr"),
    _A("HR", "Agencija za zaštitu osobnih podataka (AZOP)", ("Selska cesta 136", "10000 Zagreb", "Croatia"),
       "azop.hr"),
    _A("HU", "Nemzeti Adatvédelmi és Információszabadság Hatóság (NAIH)",
       ("Falk Miksa utca 9-11", "1055 Budapest", "Hungary"), "naih.hu"),
    _A("IE", "Data Protection Commission", ("21 Fitzwilliam Square South", "Dublin 2, D02 RD28", "Ireland"),
       "dataprotection.ie"),
    _A("IT", "Garante per la protezione dei dati personali", ("Piazza Venezia 11", "00187 Roma", "Italy"),
       "garanteprivacy.it"),
    _A("LT", "Valstybinė duomenų apsaugos inspekcija", ("L. Sapiegos g. 17", "10312 Vilnius", "Lithuania"),
       "vdai.lrv.lt"),
    _A("LU", "Commission nationale pour la protection des données (CNPD)",
       ("15, Boulevard du Jazz", "L-4370 Belvaux", "Luxembourg"), "cnpd.public.lu"),
    _A("LV", "Datu valsts inspekcija", ("Elijas iela 17", "Rīga, LV-1050", "Latvia"), "dvi.gov.lv"),
    _A("MT", "Information and Data Protection Commissioner (IDPC)",
       ("Floor 2, Airways House, Triq Il-Kbira", "Tas-Sliema SLM 1549", "Malta"), "idpc.org.mt"),
    _A("NL", "Autoriteit Persoonsgegevens", ("Postbus 93374", "2509 AJ Den Haag", "Netherlands"),
       "autoriteitpersoonsgegevens.nl"),
    _A("PL", "Urząd Ochrony Danych Osobowych (UODO)", ("ul. Stawki 2", "00-193 Warszawa", "Poland"),
       "uodo.gov.pl"),
    _A("PT", "Comissão Nacional de Proteção de Dados (CNPD)",
       ("Av. D. Carlos I, 134, 1.º", "1200-651 Lisboa", "Portugal"), "cnpd.pt"),
    _A("RO", "Autoritatea Națională de Supraveghere a Prelucrării Datelor cu Caracter Personal (ANSPDCP)",
       ("B-dul G-ral. Gheorghe Magheru 28-30, Sector 1", "010336 București", "Romania"), "dataprotection.ro"),
    _A("SE", "Integritetsskyddsmyndigheten (IMY)", ("Box 8114", "104 20 Stockholm", "Sweden"), "imy.se"),
    _A("SI", "Informacijski pooblaščenec", ("Dunajska cesta 22", "1000 Ljubljana", "Slovenia"), "ip-rs.si"),
    _A("SK", "Úrad na ochranu osobných údajov Slovenskej republiky",
       ("Hraničná 12", "820 07 Bratislava 27", "Slovakia"), "dataprotection.gov.sk"),
    # --- the EEA ---
    _A("IS", "Persónuvernd (Icelandic Data Protection Authority)",
       ("Laugavegur 166, 4th floor", "105 Reykjavík", "Iceland"), "personuvernd.is"),
    _A("LI", "Datenschutzstelle Fürstentum Liechtenstein", ("Städtle 38", "9490 Vaduz", "Liechtenstein"),
       "datenschutzstelle.li"),
    _A("NO", "Datatilsynet", ("Postboks 458 Sentrum", "0105 Oslo", "Norway"), "datatilsynet.no"),
    # --- the German Länder (supervision of companies) ---
    _A("DE-BW", "Der Landesbeauftragte für den Datenschutz und die Informationsfreiheit Baden-Württemberg",
       ("Lautenschlagerstraße 20", "70173 Stuttgart", "Germany"), "baden-wuerttemberg.datenschutz.de"),
    _A("DE-BY", "Bayerisches Landesamt für Datenschutzaufsicht (BayLDA)",
       ("Promenade 18", "91522 Ansbach", "Germany"), "lda.bayern.de"),
    _A("DE-BE", "Berliner Beauftragte für Datenschutz und Informationsfreiheit",
       ("Alt-Moabit 59-61", "10555 Berlin", "Germany"), "datenschutz-berlin.de"),
    _A("DE-BB", "Die Landesbeauftragte für den Datenschutz und für das Recht auf Akteneinsicht Brandenburg",
       ("Stahnsdorfer Damm 77", "14532 Kleinmachnow", "Germany"), "lda.brandenburg.de"),
    _A("DE-HB", "Die Landesbeauftragte für Datenschutz und Informationsfreiheit der Freien Hansestadt Bremen",
       ("Arndtstraße 1", "27570 Bremerhaven", "Germany"), "datenschutz.bremen.de"),
    _A("DE-HH", "Der Hamburgische Beauftragte für Datenschutz und Informationsfreiheit",
       ("Ludwig-Erhard-Straße 22", "20459 Hamburg", "Germany"), "datenschutz-hamburg.de"),
    _A("DE-HE", "Der Hessische Beauftragte für Datenschutz und Informationsfreiheit",
       ("Gustav-Stresemann-Ring 1", "65189 Wiesbaden", "Germany"), "datenschutz.hessen.de"),
    _A("DE-MV", "Der Landesbeauftragte für Datenschutz und Informationsfreiheit Mecklenburg-Vorpommern",
       ("Werderstraße 74a", "19055 Schwerin", "Germany"), "datenschutz-mv.de"),
    _A("DE-NI", "Die Landesbeauftragte für den Datenschutz Niedersachsen",
       ("Prinzenstraße 5", "30159 Hannover", "Germany"), "lfd.niedersachsen.de"),
    _A("DE-NW", "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen",
       ("Kavalleriestraße 2-4", "40213 Düsseldorf", "Germany"), "ldi.nrw.de"),
    _A("DE-RP", "Der Landesbeauftragte für den Datenschutz und die Informationsfreiheit Rheinland-Pfalz",
       ("Hintere Bleiche 34", "55116 Mainz", "Germany"), "datenschutz.rlp.de"),
    _A("DE-SL", "Unabhängiges Datenschutzzentrum Saarland",
       ("Fritz-Dobisch-Straße 12", "66111 Saarbrücken", "Germany"), "datenschutz.saarland.de"),
    _A("DE-SN", "Die Sächsische Datenschutz- und Transparenzbeauftragte",
       ("Devrientstraße 5", "01067 Dresden", "Germany"), "datenschutz.sachsen.de"),
    _A("DE-ST", "Landesbeauftragter für den Datenschutz Sachsen-Anhalt",
       ("Postfach 1947", "39009 Magdeburg", "Germany"), "datenschutz.sachsen-anhalt.de"),
    _A("DE-SH", "Unabhängiges Landeszentrum für Datenschutz Schleswig-Holstein (ULD)",
       ("Holstenstraße 98", "24103 Kiel", "Germany"), "datenschutzzentrum.de"),
    _A("DE-TH", "Thüringer Landesbeauftragter für den Datenschutz und die Informationsfreiheit (TLfDI)",
       ("Häßlerstraße 8", "99096 Erfurt", "Germany"), "tlfdi.de"),
    # --- outside Europe: the regulators of the other regimes ---
    _A("US-CA", "California Privacy Protection Agency (CPPA)",
       ("400 R Street, Suite 350", "Sacramento, CA 95811", "United States"), "cppa.ca.gov"),
    _A("US-VA", "Office of the Attorney General of Virginia, Consumer Protection Section",
       ("202 North Ninth Street", "Richmond, VA 23219", "United States"), "oag.state.va.us"),
    _A("BR", "Autoridade Nacional de Proteção de Dados (ANPD)",
       ("SCN, Quadra 6, Conjunto A, Edifício Venâncio 3000", "Brasília - DF, 70716-900", "Brazil"),
       "gov.br/anpd"),
    _A("CA", "Office of the Privacy Commissioner of Canada",
       ("30 Victoria Street", "Gatineau, Quebec K1A 1H3", "Canada"), "priv.gc.ca"),
)

AUTHORITIES: Mapping[str, Authority] = MappingProxyType({a.key: a for a in _TABLE})

LAENDER: Mapping[str, tuple[str, ...]] = MappingProxyType({
    # code: names a requester may write in the region field
    "BW": ("Baden-Württemberg",), "BY": ("Bayern", "Bavaria"), "BE": ("Berlin",),
    "BB": ("Brandenburg",), "HB": ("Bremen",), "HH": ("Hamburg",), "HE": ("Hessen", "Hesse"),
    "MV": ("Mecklenburg-Vorpommern", "Mecklenburg-Western Pomerania"),
    "NI": ("Niedersachsen", "Lower Saxony"), "NW": ("Nordrhein-Westfalen", "North Rhine-Westphalia", "NRW"),
    "RP": ("Rheinland-Pfalz", "Rhineland-Palatinate"), "SL": ("Saarland",),
    "SN": ("Sachsen", "Saxony"), "ST": ("Sachsen-Anhalt", "Saxony-Anhalt"),
    "SH": ("Schleswig-Holstein",), "TH": ("Thüringen", "Thuringia"),
})

# German postcode ranges by Land: (first, last, Land), first match wins. Postcode areas
# were drawn for the post, not along Land borders, so a few border towns fall the other
# way; the narrower ranges come first. The region field, when it names a Land, wins.
_PLZ: tuple[tuple[int, int, str], ...] = (
    (1941, 1998, "BB"), (1000, 2999, "SN"), (3000, 3253, "BB"), (4600, 4639, "TH"),
    (4860, 4939, "BB"), (4000, 4999, "SN"), (6550, 6578, "TH"), (6000, 6999, "ST"),
    (7000, 7999, "TH"), (8000, 9999, "SN"), (10000, 14199, "BE"), (14200, 16949, "BB"),
    (17260, 17291, "BB"), (19300, 19357, "BB"), (17000, 19999, "MV"), (20000, 21149, "HH"),
    (21450, 21529, "SH"), (21000, 21999, "NI"), (22000, 22799, "HH"), (22800, 25999, "SH"),
    (27500, 27580, "HB"), (26000, 27999, "NI"), (28000, 28779, "HB"), (28780, 31999, "NI"),
    (32000, 33829, "NW"), (34346, 34346, "NI"), (34400, 34439, "NW"), (34000, 36399, "HE"),
    (36400, 36469, "TH"), (37200, 37299, "HE"), (37300, 37359, "TH"), (37640, 37699, "NW"),
    (38800, 38899, "ST"), (37000, 38999, "NI"), (39000, 39999, "ST"), (48455, 48531, "NI"),
    (40000, 48999, "NW"), (49477, 49549, "NW"), (49000, 49999, "NI"), (53400, 53579, "RP"),
    (50000, 53999, "NW"), (54000, 56999, "RP"), (57518, 57648, "RP"), (57000, 59999, "NW"),
    (63700, 63999, "BY"), (60000, 65999, "HE"), (66840, 66999, "RP"), (66500, 66539, "RP"),
    (66000, 66999, "SL"), (67000, 67999, "RP"), (68500, 68519, "HE"), (69480, 69518, "HE"),
    (68000, 69999, "BW"), (76700, 76891, "RP"), (70000, 79999, "BW"), (80000, 87999, "BY"),
    (89200, 89349, "BY"), (88000, 89999, "BW"), (97860, 97999, "BW"), (90000, 97999, "BY"),
    (98000, 99999, "TH"),
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if ch.isalnum())


_LAND_NAMES = {_fold(name): code for code, names in LAENDER.items() for name in (code, *names)}


def german_land(postcode: str = "", region: str = "") -> str | None:
    """The Land ("BY") of a German address: the region field if it names one, else the
    postcode's range; None if neither says."""
    if region.strip():
        code = _LAND_NAMES.get(_fold(region.removeprefix("DE-")))
        if code:
            return code
    digits = re.sub(r"\D", "", postcode)
    if len(digits) != 5:
        return None
    number = int(digits)
    return next((land for first, last, land in _PLZ if first <= number <= last), None)


def authority_for(country: str, *, postcode: str = "", region: str = "") -> Authority | None:
    """The requester's own supervisory authority (Art. 77(1)): their state's, their
    Land's in Germany (the federal BfDI if the Land is unknown), their US state's
    regulator. None where the table has none."""
    country = country.strip().upper()
    if country == "DE":
        land = german_land(postcode, region)
        return AUTHORITIES.get(f"DE-{land}" if land else "DE")
    if country == "US":
        state = us_state(postcode, region)
        return AUTHORITIES.get(f"US-{state}") if state else None
    return AUTHORITIES.get(country)


_US_STATES = {"ca": "CA", "california": "CA", "va": "VA", "virginia": "VA"}


def us_state(postcode: str = "", region: str = "") -> str | None:
    """"CA" or "VA" (the states whose privacy laws are regimes here), from the region
    field or the ZIP code's first three digits; None otherwise."""
    if region.strip():
        return _US_STATES.get(_fold(region.removeprefix("US-")))
    digits = re.sub(r"\D", "", postcode)[:3]
    if len(digits) != 3:
        return None
    prefix = int(digits)
    if 900 <= prefix <= 961:
        return "CA"
    if prefix == 201 or 220 <= prefix <= 246:
        return "VA"
    return None


def lead_authority(regime_code: str, establishment: str = "IT") -> Authority | None:
    """The authority the controller answers to under a regime: the ICO under UK GDPR;
    under EU GDPR the authority of the controller's EU establishment (the organisation
    profile's ``eu_establishment``; Italy, the Garante, by default)."""
    from muse_care.domain.regimes import REGIMES

    regime = REGIMES.get(regime_code)
    if regime is None:
        return None
    key = regime.authority or establishment.strip().upper() or "IT"
    return AUTHORITIES.get(key)


def complaint_authorities(regime_code: str, country: str, postcode: str = "", region: str = "",
                          establishment: str = "IT") -> tuple[Authority, ...]:
    """The authorities a letter names: the requester's own first (if the regime's law
    lets them complain there), then the lead authority; each once."""
    from muse_care.domain.regimes import REGIMES

    lead = lead_authority(regime_code, establishment)
    own = authority_for(country, postcode=postcode, region=region)
    anywhere = regime_code in REGIMES and REGIMES[regime_code].complain_where_you_live
    if own is not None and anywhere and not own.key.startswith(EU_AND_EEA_PREFIXES):
        own = None  # an EU GDPR case of someone outside the EU/EEA: the lead authority only
    if own is not None and not anywhere and lead is not None and own.key != lead.key:
        own = None  # Art. 77(1) is the GDPR's; the other laws have one regulator
    out = [a for a in (own, lead) if a is not None]
    return tuple(dict.fromkeys(out))


def _eu_and_eea() -> tuple[str, ...]:
    from muse_care.domain.regimes import EU_MEMBER_STATES

    return (*EU_MEMBER_STATES, *EEA_STATES)


EU_AND_EEA_PREFIXES: tuple[str, ...] = _eu_and_eea()
