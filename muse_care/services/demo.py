"""Realistic demo data: requesters from many countries and scripts, every right,
channel and status, some overdue. One transaction, so a failure leaves nothing.

Rows are built as tuples in a fixed column order, written in batches: on SQLite with the
driver's ``executemany`` (2.6 times Core's rate: docs/machine.md, "Speed measurements"), on PostgreSQL with
``COPY`` (one statement per table and batch, so the NOTIFY trigger of migration 0003
sends one ``'*'`` per batch, and PostgreSQL folds identical notifications in a
transaction into one).

A large load on SQLite (``large_threshold`` cases or more) spends most of its time
keeping the ~20 secondary indexes of ``cases`` and the full-text table up to date row by
row. It therefore drops the secondary indexes of the tables it fills and the triggers
that feed ``case_search``, loads, rebuilds the indexes from the SQL saved from
``sqlite_master`` (so they come back exactly as they were), fills ``case_search`` for
the new rows with one ``INSERT … SELECT`` and re-creates the triggers, all inside the
same transaction: a failure at any point rolls back to the database as it was.
"""

from __future__ import annotations

import logging
import random
import time as _time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from hashlib import sha256
from itertools import accumulate
from typing import Any

from sqlalchemy import Connection, func, select

from muse_care.domain.case import OPEN_STATUSES, Channel, Right, Status
from muse_care.domain.clock import ClockEvent, ClockEventKind, compute_clock
from muse_care.domain.identity import required_steps
from muse_care.domain.reference import ALPHABET, _check_char
from muse_care.domain.regimes import REGIMES, get_regime
from muse_care.services.history import HistoryWriter, entry_hash_v2
from muse_care.store import history_sql
from muse_care.services.register import Register
from muse_care.store.models import CaseRecord, ClockEventRecord, HistoryRecord

log = logging.getLogger(__name__)

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

LARGE_THRESHOLD = 50_000
"""From this many new cases, a SQLite load rebuilds indexes and search afterwards."""

SQLITE_CACHE_KIB = 1_000_000
"""Page cache for a large SQLite load (about 1 GB, in KiB), restored afterwards."""

COLUMNS: dict[str, tuple[str, ...]] = {
    "cases": (
        "id", "reference", "status", "regime", "holiday_region", "channel", "rights",
        "received_at", "received_date", "requester_name", "requester_email", "requester_phone",
        "address_lines", "postcode", "city", "region", "country", "account_ref", "acting_for",
        "representative_name", "representative_authority", "assignee", "clock_start",
        "due_date", "original_due", "extended", "waiting_for", "due_explained",
        "acknowledge_by", "created_at", "created_by", "updated_at", "updated_by", "version",
    ),
    "clock_events": ("id", "case_id", "kind", "on_date", "reason", "recorded_by", "recorded_at"),
    "identity_checks": ("case_id", "step", "result", "reason", "checked_by", "checked_at"),
    "notes": ("case_id", "text", "written_by", "written_at"),
    "history": ("id", "case_id", "at", "actor", "what", "old_value", "new_value", "prev_hash", "hash",
                "salt", "old_digest", "new_digest", "redacted"),
}
"""The tables a demo load fills, in the order they are written (parents first)."""

Rows = dict[str, list[tuple[Any, ...]]]


def _latin(text: str) -> bool:
    """Written in Latin letters (Basic Latin to Latin Extended-B: "Łukasz", "Müller")."""
    return all(ord(ch) < 0x250 for ch in text)


@dataclass(frozen=True)
class DemoReport:
    cases: int
    seconds: float
    rate: float


def _references(rng: random.Random, n: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    seen = set(taken)
    choice = rng.choice
    while len(out) < n:
        body = "".join([choice(ALPHABET) for _ in range(6)])
        full = body + _check_char(body)
        ref = f"MC-{full[:3]}-{full[3:]}"
        if ref not in seen:
            seen.add(ref)
            out.append(ref)
    return out


def _stamp(x: datetime, zone: str) -> str:
    """A timestamp as the database's text: what SQLAlchemy writes on SQLite (UTC, no
    zone); on PostgreSQL the same with an explicit UTC offset."""
    return x.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") + zone


def _iso(x: date | None) -> str | None:
    return None if x is None else x.isoformat()


class _CaseMaker:
    """Draws one demo case at a time. Every value derived from a few inputs (dates, names,
    clocks, identity steps) is computed once and looked up after; the random draws are
    made in the one fixed order the methods are called in by :func:`_rows`."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today = rng, today
        self.countries = list(COUNTRY_WEIGHTS)
        self.country_cum = list(accumulate(COUNTRY_WEIGHTS.values()))
        self.statuses = list(STATUS_WEIGHTS)
        self.status_cum = list(accumulate(STATUS_WEIGHTS.values()))
        self.rights = list(Right)
        # Rights with a period of their own in one regime (CCPA opt-out, limit) are drawn
        # only for cases of that regime.
        own_rights = {r for r in Right if any(reg.period_for(r.value) for reg in REGIMES.values())}
        self.rights_of = {code: [r for r in self.rights if r not in own_rights or reg.period_for(r.value)]
                          for code, reg in REGIMES.items()}
        self.channel_values = [c.value for c in Channel]
        self.regimes = {cc: get_regime(pool["regime"]) for cc, pool in PEOPLE.items()}
        self.hours = [f"{h:02d}" for h in range(24)]
        self.minutes = [f"{m:02d}" for m in range(60)]
        self._days: dict[int, tuple[date, str]] = {}
        self._names: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._clocks: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._steps: dict[tuple[str, tuple[Right, ...]], tuple[str, ...]] = {}

    def country_and_status(self) -> tuple[str, Status]:
        choices = self.rng.choices
        return (choices(self.countries, cum_weights=self.country_cum)[0],
                choices(self.statuses, cum_weights=self.status_cum)[0])

    def received(self, status: Status) -> tuple[int, date, str]:
        """How many days ago the request came in (open cases recently), and that day."""
        age = self.rng.randint(0, 45) if status in OPEN_STATUSES else self.rng.randint(20, 900)
        day = self._days.get(age)
        if day is None:
            received = self.today - timedelta(days=age)
            day = self._days[age] = (received, received.isoformat())
        return age, *day

    def rights_asked(self, regime_code: str) -> tuple[Right, ...]:
        offered = self.rights_of[regime_code]
        return tuple(sorted(set(self.rng.sample(offered, self.rng.choice((1, 1, 1, 2)))),
                            key=self.rights.index))

    def requester(self, cc: str, pool: dict[str, Any]) -> tuple[str, str, str, str, str]:
        """Name, email stem, street line, postcode and city, written as in that country."""
        choice, randint = self.rng.choice, self.rng.randint
        first, last = choice(pool["first"]), choice(pool["last"])
        if _latin(first) != _latin(last):  # no "عائشہ Butt": one script per name
            same = [x for x in pool["last"] if _latin(x) == _latin(first)]
            last = same[pool["last"].index(last) % len(same)]
        person = self._names.get((cc, first, last))
        if person is None:
            name = f"{last}{first}" if cc == "CN" and not first.isascii() else f"{first} {last}"
            ascii_name = "".join(ch for ch in f"{first}.{last}".lower()
                                 if ch.isascii() and (ch.isalnum() or ch == "."))
            person = self._names[(cc, first, last)] = (name, ascii_name.strip(".") or "customer")
        city, postcode = choice(pool["places"])
        street = choice(pool["streets"])
        line = f"{street} {randint(1, 200)}" if cc in ("DE", "PL", "IT", "FR") else \
            street if cc == "CN" else f"{randint(1, 200)} {street}"
        return person[0], person[1], line, postcode, city

    def clock(self, regime: Any, status: Status, received: date, age: int, region: str,
              chosen: tuple[Right, ...]) -> tuple[tuple[ClockEvent, ...], tuple[Any, ...]]:
        """The clock events a case in this status has, and its clock's columns."""
        events: tuple[ClockEvent, ...] = ()
        if status is Status.AWAITING_IDENTITY and regime.verification_stops_clock and self.rng.random() < 0.7:
            events = (ClockEvent(ClockEventKind.ID_REQUESTED, received + timedelta(days=min(age, 1))),)
        elif status is Status.AWAITING_CLARIFICATION and regime.clarification_pauses_clock:
            events = (ClockEvent(ClockEventKind.CLARIFICATION_REQUESTED, received + timedelta(days=min(age, 2))),)
        # every right asked for: some have periods of their own (the audit recomputes
        # each case's clock from all of them)
        access = tuple(sorted(r.value for r in chosen))
        key = (regime.code, received, events, region, access)
        clock = self._clocks.get(key)
        if clock is None:
            c = compute_clock(regime, received, list(events), region, rights=access)
            clock = self._clocks[key] = (_iso(c.start), _iso(c.due), _iso(c.original_due), c.extended,
                                         c.waiting_for, c.explanation, _iso(c.acknowledge_by))
        return events, clock

    def check_steps(self, regime_code: str, chosen: tuple[Right, ...]) -> tuple[str, ...]:
        steps = self._steps.get((regime_code, chosen))
        if steps is None:
            steps = self._steps[(regime_code, chosen)] = tuple(
                s.value for s in required_steps(regime_code, [r.value for r in chosen], False))
        return steps

    def received_at(self, received_v: str, zone: str) -> str:
        randint = self.rng.randint
        return f"{received_v} {self.hours[randint(8, 19)]}:{self.minutes[randint(0, 59)]}:00.000000{zone}"


def _rows(rng: random.Random, n: int, refs: list[str], *, first_id: int, first_event: int,
          first_history: int, prev_hash: str, today: date, now: datetime, actor: str,
          zone: str, batch: int, salts: random.Random | None = None) -> Iterator[Rows]:
    """The demo rows in batches of ``batch`` cases, values as the database's text forms.

    The random draws are the same, in the same order, as they always were, so a seed
    gives the same cases. The history entries' salts come from ``salts``, a generator of
    their own (seeded from the seed too), so they do not shift those draws.
    """
    salt_bytes = (salts or random.Random(0)).randbytes
    make = _CaseMaker(rng, today)
    now_v = _stamp(now, zone)
    note_text = "Demo case: customer called to follow up."
    out: Rows = {t: [] for t in COLUMNS}
    cases, events, checks = out["cases"], out["clock_events"], out["identity_checks"]
    notes, history = out["notes"], out["history"]
    next_event, next_history = first_event, first_history
    for i in range(n):
        cid, ref = first_id + i, refs[i]
        cc, status = make.country_and_status()
        pool, regime = PEOPLE[cc], make.regimes[cc]
        age, received, received_v = make.received(status)
        chosen = make.rights_asked(regime.code)
        channel = rng.choice(make.channel_values)
        name, email_stem, line, postcode, city = make.requester(cc, pool)
        case_events, clock = make.clock(regime, status, received, age, pool["region"], chosen)

        steps = make.check_steps(regime.code, chosen)
        if status is not Status.NEW and status is not Status.AWAITING_IDENTITY:
            checks.extend((cid, s, "passed", "", actor, now_v) for s in steps)
        else:
            checks.extend((cid, s, "pending", "", "", None) for s in steps)
        for ev in case_events:
            events.append((next_event, cid, ev.kind.value, ev.on.isoformat(), "", actor, now_v))
            next_event += 1
        cases.append((
            cid, ref, status.value, regime.code, pool["region"], channel,
            ",".join([r.value for r in chosen]), make.received_at(received_v, zone), received_v,
            name, f"{email_stem}{cid}@example.com", pool["phone"](rng),
            line, postcode, city, "", cc, f"ACC-{rng.randint(100000, 999999)}", "self", "", "",
            rng.choice(AGENTS), *clock, now_v, actor, now_v, actor, 1,
        ))
        if i % 7 == 0:
            notes.append((cid, note_text, actor, now_v))
        row = _created_entry(next_history, cid, f"{ref}: demo case, {status.value}", salt_bytes(16),
                             prev_hash, now, now_v, actor)
        history.append(row)
        prev_hash = row[8]
        next_history += 1
        if len(cases) >= batch:
            yield out
            for rows in out.values():
                rows.clear()
    if cases:
        yield out


def _created_entry(entry_id: int, cid: int, new: str, salt: bytes, prev_hash: str, now: datetime,
                   now_v: str, actor: str) -> tuple[Any, ...]:
    """The history row of a case's creation, hash-chained to ``prev_hash`` (version 2:
    over salted digests, so anonymisation can later blank the value)."""
    old_d = sha256(salt).hexdigest()
    new_d = sha256(salt + new.encode("utf-8")).hexdigest()
    digest = entry_hash_v2(prev_hash, cid, now, actor, "created", old_d, new_d)
    return (entry_id, cid, now_v, actor, "created", "", new, prev_hash, digest,
            salt.hex(), old_d, new_d, False)


# --- writing -------------------------------------------------------------------------

def _insert_sql(table: str, mark: str) -> str:
    cols = COLUMNS[table]
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"


def _write_sqlite(conn: Connection, rows: Rows) -> None:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        for table, values in rows.items():
            if values:
                cursor.executemany(_insert_sql(table, "?"), values)
    finally:
        cursor.close()


def _write_postgresql(conn: Connection, rows: Rows, insert_only: set[str]) -> None:
    """COPY each table's batch; tables under row-level security for this role (COPY
    FROM is refused there) get an ``executemany`` INSERT instead."""
    with conn.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
        for table, values in rows.items():
            if not values:
                continue
            if table in insert_only:
                cursor.executemany(_insert_sql(table, "%s"), values)
                continue
            with cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                write = copy.write_row
                for row in values:
                    write(row)


# --- the large SQLite path -------------------------------------------------------------

@dataclass(frozen=True)
class _SchemaItem:
    type: str
    name: str
    sql: str


def _sqlite_bulk_schema(conn: Connection) -> list[_SchemaItem]:
    """What a large load drops and rebuilds: the secondary indexes of the tables it fills
    (not the ones behind PRIMARY KEY/UNIQUE, which have no SQL and cannot be dropped)
    and the triggers that copy ``cases`` into the ``case_search`` full-text table."""
    tables = ", ".join(f"'{t}'" for t in COLUMNS)
    found = conn.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master "
        f"WHERE sql IS NOT NULL AND ((type = 'index' AND tbl_name IN ({tables})) "
        "OR (type = 'trigger' AND tbl_name = 'cases' AND sql LIKE '%case_search%')) "
        "ORDER BY type, name").all()
    return [_SchemaItem(*row) for row in found]


def _fill_search(conn: Connection, first_id: int) -> None:
    """Index the new cases for full-text search, as the insert trigger would have: the
    full-text table's columns are the ``cases`` columns of the same names."""
    from muse_care.store.search_fold import sql_fold

    cols = [row[1] for row in conn.exec_driver_sql("PRAGMA table_info(case_search)")]
    listed = ", ".join(cols)
    folded = ", ".join(sql_fold(c, "sqlite") for c in cols)  # as the triggers index them (0011)
    conn.exec_driver_sql(
        f"INSERT INTO case_search(rowid, {listed}) SELECT id, {folded} FROM cases "
        "WHERE id >= ? ORDER BY id", (first_id,))


def _restore(conn: Connection, saved: list[_SchemaItem], first_id: int) -> None:
    started = _time.perf_counter()
    for item in saved:
        if item.type == "index":
            conn.exec_driver_sql(item.sql)
    log.info("indexes rebuilt in %.1f s", _time.perf_counter() - started)
    started = _time.perf_counter()
    if any(item.type == "trigger" for item in saved):
        _fill_search(conn, first_id)
    for item in saved:
        if item.type == "trigger":
            conn.exec_driver_sql(item.sql)
    log.info("search filled in %.1f s", _time.perf_counter() - started)


# --- the entry point -------------------------------------------------------------------

def generate(register: Register, n: int, seed: int = 7, batch: int = 5000,
             large_threshold: int = LARGE_THRESHOLD) -> DemoReport:
    """Add ``n`` demo cases. Deterministic for a seed (apart from references already taken).

    ``large_threshold``: from this many cases a SQLite load drops the secondary indexes
    and search triggers and rebuilds them afterwards (see the module's docstring).
    """
    started = _time.perf_counter()
    rng = random.Random(seed)
    today = register.today()
    now = register.now()
    actor = register.actor.login
    sqlite = register.dialect == "sqlite"
    with register.unit_of_work() as session:
        conn = session.connection()
        if sqlite:
            raw = conn.connection.driver_connection
            if not raw.in_transaction:  # type: ignore[union-attr]
                # The driver begins only before DML; the DDL of a large load must be
                # inside the transaction too, so that a failure undoes it.
                raw.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
        taken = set(conn.execute(select(CaseRecord.reference)).scalars()) if n < 2_000_000 else set()
        refs = _references(rng, n, taken)
        first_id = (conn.execute(select(func.max(CaseRecord.id))).scalar() or 0) + 1
        first_event = (conn.execute(select(func.max(ClockEventRecord.id))).scalar() or 0) + 1
        first_history = (conn.execute(select(func.max(HistoryRecord.id))).scalar() or 0) + 1
        prev_hash = HistoryWriter(session, actor, now)._head()
        rows = _rows(rng, n, refs, first_id=first_id, first_event=first_event,
                     first_history=first_history, prev_hash=prev_hash, today=today, now=now,
                     actor=actor, zone="" if sqlite else "+00:00", batch=batch,
                     salts=random.Random(f"muse-care demo history salts {seed}"))
        # The rows are recorded in the history by the database after the load, in one
        # pass per table (store/history_sql.py), not by a trigger per row.
        first_ids = history_sql.next_ids(conn)
        history_sql.set_bulk(conn, True)
        if sqlite:
            _load_sqlite(conn, rows, first_id, large=n >= large_threshold)
        else:
            _load_postgresql(conn, rows)
        history_sql.set_bulk(conn, False)
        history_sql.record_loaded(conn, first_ids)
    seconds = _time.perf_counter() - started
    return DemoReport(n, seconds, n / seconds if seconds else 0.0)


def _load_sqlite(conn: Connection, rows: Iterator[Rows], first_id: int, large: bool) -> None:
    if not large:
        for chunk in rows:
            _write_sqlite(conn, chunk)
        return
    raw = conn.connection.driver_connection
    cache_size = raw.execute("PRAGMA cache_size").fetchone()[0]  # type: ignore[union-attr]
    raw.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")  # type: ignore[union-attr]
    try:
        saved = _sqlite_bulk_schema(conn)
        for item in saved:
            conn.exec_driver_sql(f'DROP {item.type.upper()} "{item.name}"')
        started = _time.perf_counter()
        for chunk in rows:
            _write_sqlite(conn, chunk)
        log.info("rows written in %.1f s", _time.perf_counter() - started)
        _restore(conn, saved, first_id)
    finally:
        raw.execute(f"PRAGMA cache_size = {int(cache_size)}")  # type: ignore[union-attr]


def _load_postgresql(conn: Connection, rows: Iterator[Rows]) -> None:
    insert_only = {t for t in COLUMNS if conn.exec_driver_sql(
        "SELECT row_security_active(%s)", (t,)).scalar()}
    for chunk in rows:
        _write_postgresql(conn, chunk, insert_only)
    for table in COLUMNS:
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)")
