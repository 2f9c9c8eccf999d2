"""Realistic demo data: requesters from many countries and scripts, every right,
channel and status, some overdue. Written with SQLAlchemy Core in batches (DESIGN.md §6:
the ORM is 13 times slower for bulk work), one transaction, so a failure leaves nothing.
"""

from __future__ import annotations

import random
import time as _time
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import func, select

from muse_care.domain.case import OPEN_STATUSES, Channel, Right, Status
from muse_care.domain.clock import ClockEvent, ClockEventKind, compute_clock
from muse_care.domain.identity import required_steps
from muse_care.domain.reference import ALPHABET, _check_char
from muse_care.domain.regimes import get_regime
from muse_care.services.history import HistoryWriter, entry_hash
from muse_care.services.register import Register
from muse_care.store.models import (
    CaseRecord, ClockEventRecord, HistoryRecord, IdentityCheckRecord, NoteRecord,
)

# country: (regime, holiday region, first names, surnames, streets, cities+postcodes, phone maker)
PEOPLE: dict[str, dict[str, Any]] = {
    "GB": {
        "regime": "uk-gdpr", "region": "GB-ENG",
        "first": ["Oliver", "Amelia", "Harry", "Isla", "Siobhán", "Rhys", "Priya", "Chloë", "Tomás", "Niamh"],
        "last": ["Smith", "Jones", "O'Brien", "Patel", "Williams", "Taylor", "Nowak", "Davies", "Khan", "Brown"],
        "streets": ["High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane"],
        "places": [("London", "SW1A 2AA"), ("Manchester", "M1 1AE"), ("Leeds", "LS1 4DY"),
                   ("Bristol", "BS1 4DJ"), ("Cardiff", "CF10 1EP"), ("Edinburgh", "EH1 1YZ")],
        "phone": lambda r: f"+4420794600{r.randint(10, 99)}",
    },
    "DE": {
        "regime": "eu-gdpr", "region": "DE",
        "first": ["Jürgen", "Zoë", "Lukas", "Mia", "Björn", "Lea", "Jörg", "Hannah"],
        "last": ["Müller", "Schröder", "Weiß", "Groß", "Köhler", "Fischer", "Meyer"],
        "streets": ["Hauptstraße", "Schloßallee", "Bahnhofstraße", "Gartenweg"],
        "places": [("Berlin", "10115"), ("München", "80331"), ("Köln", "50667"), ("Hamburg", "20095")],
        "phone": lambda r: f"+4930901820{r.randint(10, 99)}",
    },
    "PL": {
        "regime": "eu-gdpr", "region": "PL",
        "first": ["Łukasz", "Zofia", "Paweł", "Małgorzata", "Wojciech", "Agnieszka"],
        "last": ["Żółć", "Wiśniewski", "Kowalczyk", "Dąbrowska", "Łęcki", "Wójcik"],
        "streets": ["ul. Marszałkowska", "ul. Piękna", "ul. Długa"],
        "places": [("Warszawa", "00-001"), ("Kraków", "30-001"), ("Gdańsk", "80-001")],
        "phone": lambda r: f"+482212345{r.randint(10, 99)}",
    },
    "IT": {
        "regime": "eu-gdpr", "region": "IT",
        "first": ["Giulia", "Francesco", "Chiara", "Niccolò", "Alessandra", "Matteo"],
        "last": ["Rossi", "Bianchi", "Esposito", "Ricci", "De Luca", "Romano"],
        "streets": ["Via Roma", "Corso Vittorio Emanuele", "Via Garibaldi"],
        "places": [("Roma", "00184"), ("Milano", "20121"), ("Napoli", "80133"), ("Torino", "10121")],
        "phone": lambda r: f"+3906698212{r.randint(10, 99)}",
    },
    "FR": {
        "regime": "eu-gdpr", "region": "FR",
        "first": ["Amélie", "Théo", "Zoé", "Loïc", "Hélène", "François"],
        "last": ["Dubois", "Lefèvre", "Moreau", "Girard", "Bérénger"],
        "streets": ["Rue de Rivoli", "Avenue des Champs-Élysées", "Rue du Bac"],
        "places": [("Paris", "75001"), ("Lyon", "69001"), ("Marseille", "13001")],
        "phone": lambda r: f"+331426853{r.randint(10, 99)}",
    },
    "PK": {
        "regime": "uk-gdpr", "region": "GB-ENG",
        "first": ["عائشہ", "محمد", "فاطمہ", "Ayesha", "Bilal", "Zainab", "Hamza"],
        "last": ["خان", "علی", "Qureshi", "Siddiqui", "Malik", "Butt"],
        "streets": ["Main Boulevard, Gulberg III", "Mall Road", "Shahrah-e-Faisal"],
        "places": [("Lahore", "54660"), ("Karachi", "75500"), ("Islamabad", "44000")],
        "phone": lambda r: f"+923001234{r.randint(100, 999)}",
    },
    "CN": {
        "regime": "uk-gdpr", "region": "GB-ENG",
        "first": ["小明", "丽", "伟", "芳", "Wei", "Xiu Ying"],
        "last": ["王", "李", "张", "刘", "Chen", "Zhou"],
        "streets": ["朝阳区建国路88号", "浦东新区世纪大道100号", "天河区天河路208号"],
        "places": [("北京市", "100022"), ("上海市", "200120"), ("广州市", "510620")],
        "phone": lambda r: f"+861380013{r.randint(1000, 9999)}",
    },
    "US": {
        "regime": "ccpa", "region": "US-CA",
        "first": ["Emily", "Jacob", "Sofía", "Michael", "Aaliyah", "Ethan"],
        "last": ["Johnson", "García", "Nguyen", "Smith", "Martinez", "Lee"],
        "streets": ["Market Street", "Sunset Boulevard", "Mission Street"],
        "places": [("San Francisco", "94103"), ("Los Angeles", "90028"), ("San Diego", "92101")],
        "phone": lambda r: f"+14155550{r.randint(100, 199)}",
    },
}
COUNTRY_WEIGHTS = {"GB": 40, "DE": 10, "PL": 6, "IT": 12, "FR": 8, "PK": 10, "CN": 6, "US": 8}
STATUS_WEIGHTS = {
    Status.NEW: 8, Status.AWAITING_IDENTITY: 12, Status.IN_PROGRESS: 25,
    Status.AWAITING_CLARIFICATION: 5, Status.AWAITING_APPROVAL: 5, Status.RESPONDED: 15,
    Status.CLOSED: 25, Status.REFUSED: 2, Status.WITHDRAWN: 3,
}
AGENTS = ["aisha", "tom", "li.wei", "giulia", ""]


@dataclass(frozen=True)
class DemoReport:
    cases: int
    seconds: float
    rate: float


def _references(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    seen = set(taken)
    while len(out) < n:
        body = "".join(rng.choice(ALPHABET) for _ in range(6))
        full = body + _check_char(body)
        ref = f"MC-{full[:3]}-{full[3:]}"
        if ref not in seen:
            seen.add(ref)
            out.append(ref)
    return out


def generate(register: Register, n: int, seed: int = 7, batch: int = 5000) -> DemoReport:
    """Add ``n`` demo cases. Deterministic for a seed (apart from references already taken)."""
    started = _time.perf_counter()
    rng = random.Random(seed)
    today = register.today()
    now = register.now()
    actor = register.actor.login
    countries = list(COUNTRY_WEIGHTS)
    cweights = list(COUNTRY_WEIGHTS.values())
    statuses = list(STATUS_WEIGHTS)
    sweights = list(STATUS_WEIGHTS.values())
    rights = list(Right)
    channels = list(Channel)
    with register.unit_of_work() as session:
        conn = session.connection()
        taken = set(conn.execute(select(CaseRecord.reference)).scalars()) if n < 2_000_000 else set()
        refs = _references(rng, n, taken)
        next_id = (conn.execute(select(func.max(CaseRecord.id))).scalar() or 0) + 1
        next_event = (conn.execute(select(func.max(ClockEventRecord.id))).scalar() or 0) + 1
        writer = HistoryWriter(session, actor, now)
        prev_hash = writer._head()
        next_hist = (conn.execute(select(func.max(HistoryRecord.id))).scalar() or 0) + 1
        cases: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        checks: list[dict[str, Any]] = []
        notes: list[dict[str, Any]] = []
        history: list[dict[str, Any]] = []
        clocks: dict[tuple[Any, ...], Any] = {}

        sqlite = register.dialect == "sqlite"
        mark = "?" if sqlite else "%s"

        # Raw executemany (DESIGN.md 6: 2.6 times Core's rate) needs SQLite's own text
        # forms, written as SQLAlchemy writes them; psycopg adapts Python values itself.
        def d(x: date | None) -> Any:
            return x.isoformat() if sqlite and x is not None else x

        def ts(x: datetime) -> Any:
            return x.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else x

        now_v = ts(now)

        def flush() -> None:
            for table, rows in ((CaseRecord, cases), (ClockEventRecord, events),
                                (IdentityCheckRecord, checks), (NoteRecord, notes),
                                (HistoryRecord, history)):
                if rows:
                    cols = list(rows[0])
                    sql = (f"INSERT INTO {table.__tablename__} ({', '.join(cols)}) "
                           f"VALUES ({', '.join([mark] * len(cols))})")
                    conn.exec_driver_sql(sql, [tuple(r.values()) for r in rows])
                    rows.clear()

        for i in range(n):
            cid = next_id + i
            cc = rng.choices(countries, cweights)[0]
            pool = PEOPLE[cc]
            status = rng.choices(statuses, sweights)[0]
            is_open = status in OPEN_STATUSES
            age = rng.randint(0, 45) if is_open else rng.randint(20, 900)
            received = today - timedelta(days=age)
            chosen = sorted(set(rng.sample(rights, rng.choice((1, 1, 1, 2)))), key=rights.index)
            channel = rng.choice(channels)
            first, last = rng.choice(pool["first"]), rng.choice(pool["last"])
            name = f"{last}{first}" if cc == "CN" and not first.isascii() else f"{first} {last}"
            city, postcode = rng.choice(pool["places"])
            street = rng.choice(pool["streets"])
            line = f"{street} {rng.randint(1, 200)}" if cc in ("DE", "PL", "IT", "FR") else \
                street if cc == "CN" else f"{rng.randint(1, 200)} {street}"
            ascii_name = "".join(ch for ch in f"{first}.{last}".lower() if ch.isascii() and (ch.isalnum() or ch == "."))
            email = f"{ascii_name.strip('.') or 'customer'}{cid}@example.com"
            regime = get_regime(pool["regime"])
            case_events: list[ClockEvent] = []
            if status is Status.AWAITING_IDENTITY and regime.verification_stops_clock and rng.random() < 0.7:
                case_events.append(ClockEvent(ClockEventKind.ID_REQUESTED, received + timedelta(days=min(age, 1))))
            elif status is Status.AWAITING_CLARIFICATION and regime.clarification_pauses_clock:
                case_events.append(ClockEvent(ClockEventKind.CLARIFICATION_REQUESTED,
                                              received + timedelta(days=min(age, 2))))
            key = (regime.code, received, tuple(case_events), pool["region"])
            clock = clocks.get(key)
            if clock is None:
                clock = clocks[key] = compute_clock(regime, received, case_events, pool["region"])
            checks_done = status not in (Status.NEW, Status.AWAITING_IDENTITY)
            for step in required_steps(regime.code, [r.value for r in chosen], False):
                checks.append({"case_id": cid, "step": step.value,
                               "result": "passed" if checks_done else "pending",
                               "reason": "", "checked_by": actor if checks_done else "",
                               "checked_at": now_v if checks_done else None})
            for ev in case_events:
                events.append({"id": next_event, "case_id": cid, "kind": ev.kind.value, "on_date": d(ev.on),
                               "reason": "", "recorded_by": actor, "recorded_at": now_v})
                next_event += 1
            at = datetime.combine(received, time(rng.randint(8, 19), rng.randint(0, 59)), timezone.utc)
            cases.append({
                "id": cid, "reference": refs[i], "status": status.value, "regime": regime.code,
                "holiday_region": pool["region"], "channel": channel.value,
                "rights": ",".join(r.value for r in chosen), "received_at": ts(at),
                "received_date": d(received),
                "requester_name": name, "requester_email": email, "requester_phone": pool["phone"](rng),
                "address_lines": line, "postcode": postcode, "city": city, "region": "", "country": cc,
                "account_ref": f"ACC-{rng.randint(100000, 999999)}", "acting_for": "self",
                "representative_name": "", "representative_authority": "",
                "assignee": rng.choice(AGENTS), "clock_start": d(clock.start), "due_date": d(clock.due),
                "original_due": d(clock.original_due), "extended": clock.extended,
                "waiting_for": clock.waiting_for, "due_explained": clock.explanation,
                "acknowledge_by": d(clock.acknowledge_by), "created_at": now_v, "created_by": actor,
                "updated_at": now_v, "updated_by": actor, "version": 1,
            })
            if i % 7 == 0:
                notes.append({"case_id": cid, "text": "Demo case: customer called to follow up.",
                              "written_by": actor, "written_at": now_v})
            what, new = "created", f"{refs[i]}: demo case, {status.value}"
            digest = entry_hash(prev_hash, cid, now, actor, what, "", new)
            history.append({"id": next_hist, "case_id": cid, "at": now_v, "actor": actor, "what": what,
                            "old_value": "", "new_value": new, "prev_hash": prev_hash, "hash": digest})
            prev_hash = digest
            next_hist += 1
            if len(cases) >= batch:
                flush()
        flush()
        if register.dialect == "postgresql":
            for table in ("cases", "clock_events", "history", "identity_checks", "notes"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)")
    seconds = _time.perf_counter() - started
    return DemoReport(n, seconds, n / seconds if seconds else 0.0)
