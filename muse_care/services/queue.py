"""The queue: saved views with their counts, database-side sorting, search as you type,
and pages of plain rows for a windowed table model. No Qt here.

Speed (docs/machine.md, "Speed measurements"): every sorted view has an index in its order (migration 0002);
a page is fetched by keyset (a row-value comparison ``(col, id) > (?, ?)``) when the
neighbouring page's boundary row is known, and otherwise by a *deferred join* whose
inner query reads only the covering index (``id IN (SELECT id ... LIMIT n OFFSET m)``);
pages in the second half of a long list are read backwards from the end, so no
OFFSET is ever deeper than half the list.

Search looks in every case (open and closed), not only in the selected view: the agent
on the phone wants the caller's case wherever it is. A typed reference finds its case
exactly (``normalise_reference``); a typed phone number is normalised with
phonenumbers so ``07700 900123`` finds ``+447700900123``; otherwise every word is a
prefix (FTS5 on SQLite, a ``simple`` tsquery on PostgreSQL over the GIN index).

The window reads the first page before the count (docs/performance.md, "Queue and
search"): ``fetch_rows`` and ``count`` take a ``cancelled`` callable, checked before the
query starts and, on SQLite, while it runs (a progress handler interrupts it), so a
keystroke's query that a newer keystroke has made stale stops instead of holding up
the newer one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement, Integer, and_, bindparam, exists, false, func, literal_column, select, text, true, tuple_,
)

from muse_care.domain.case import CaseRow, Channel, Right, Status
from muse_care.domain.reference import normalise_reference
from muse_care.services.queue_columns import (  # noqa: F401 - re-exported: callers import them from here
    COLUMN_LOOKS, PAGE_SIZE, SAVED_VIEWS, VIEW_KEYS, SavedView, days_left_text, rights_text, status_text,
)
from muse_care.services.register import Register
from muse_care.store import search_index
from muse_care.store.models import CaseRecord, LetterRecord, RetrievalRecord
from muse_care.store.search_fold import fold, pg_search_document

# --- the queue's columns, declared once (their looks in queue_columns.py) ----------

@dataclass(frozen=True)
class QueueColumn:
    """One column of the queue: the table model shows ``text``, the window sizes it from
    ``width_sample``, the database sorts it by ``sort_column`` and the keyset paging
    reads the same value from a loaded row with ``sort_value``. ``keep_visible``: the
    window keeps it on screen on a small screen."""

    key: str
    header: str
    width_sample: str
    sort_column: Any
    sort_value: Callable[[CaseRow], Any]
    text: Callable[[CaseRow], str]
    keep_visible: bool = False


# How the database sorts each column, and the same value read from a loaded row.
_SORTS: dict[str, tuple[Any, Callable[[CaseRow], Any]]] = {
    "reference": (CaseRecord.reference, lambda r: r.reference),
    "requester": (CaseRecord.requester_name, lambda r: r.requester_name),
    "due": (CaseRecord.due_date, lambda r: r.due_date),
    "days_left": (CaseRecord.due_date, lambda r: r.due_date),
    "status": (CaseRecord.status, lambda r: r.status.value),
    "rights": (CaseRecord.rights, lambda r: ",".join(x.value for x in r.rights)),
    "channel": (CaseRecord.channel, lambda r: r.channel.value),
    "received": (CaseRecord.received_date, lambda r: r.received),
    "assignee": (CaseRecord.assignee, lambda r: r.assignee),
}
QUEUE_COLUMNS: tuple[QueueColumn, ...] = tuple(
    QueueColumn(c.key, c.header, c.width_sample, *_SORTS[c.key], c.text, c.keep_visible) for c in COLUMN_LOOKS)
COLUMN_BY_KEY = {c.key: c for c in QUEUE_COLUMNS}
# Sort keys the window's columns map to, and the stored column each sorts on.
SORT_COLUMNS: dict[str, Any] = {c.key: c.sort_column for c in QUEUE_COLUMNS}


@dataclass(frozen=True)
class QueueQuery:
    """What the queue shows: a saved view (or a search over all cases) in an order."""

    view: str = "all-open"
    search: str = ""
    sort: str = "due"
    descending: bool = False
    assignee: str | None = None  # one agent's queue ("" = the unassigned pool); None = everyone

    def __post_init__(self) -> None:
        if self.view not in VIEW_KEYS:
            raise ValueError(f"unknown view {self.view!r}")
        if self.sort not in SORT_COLUMNS:
            raise ValueError(f"unknown sort column {self.sort!r}")


SortKey = tuple[Any, int]


def sort_key(row: CaseRow, sort: str) -> SortKey:
    """The (sort value, id) of a row as the database orders it: the keyset anchor."""
    return (COLUMN_BY_KEY[sort].sort_value(row), row.id)


# --- filters -------------------------------------------------------------------------

def _is_open(value: bool = True) -> ColumnElement[bool]:
    # "= 1" / "= true" (not "IS 1") so SQLite uses the (is_open, ...) indexes.
    return CaseRecord.is_open == (true() if value else false())


def view_filter(register: Register, view: str, today: date | None = None) -> ColumnElement[bool]:
    today = register.today() if today is None else today
    if view == "mine":
        return and_(CaseRecord.assignee == register.actor.login, _is_open())
    if view == "my-tasks":
        from muse_care.store.models import CaseTaskRecord

        mine = select(CaseTaskRecord.case_id).where(CaseTaskRecord.status == "todo",
                                                    CaseTaskRecord.assignee == register.actor.login)
        return and_(_is_open(), CaseRecord.id.in_(mine))
    if view == "unassigned":
        return and_(CaseRecord.assignee == "", _is_open())
    if view == "due-7":
        return and_(_is_open(), _dated(), CaseRecord.due_date >= today,
                    CaseRecord.due_date <= today + timedelta(days=7))
    if view == "overdue":
        return and_(_is_open(), _dated(), CaseRecord.due_date < today)
    if view == "awaiting-identity":
        return CaseRecord.status == Status.AWAITING_IDENTITY.value
    if view == "awaiting-clarification":
        return CaseRecord.status == Status.AWAITING_CLARIFICATION.value
    if view == "awaiting-approval":
        return CaseRecord.status == Status.AWAITING_APPROVAL.value
    if view == "all-open":
        return _is_open()
    if view == "closed":
        return _is_open(False)
    if view == "acknowledgement":
        return and_(_is_open(), CaseRecord.acknowledge_by.is_not(None), ~acknowledgement_letter())
    raise ValueError(f"unknown view {view!r}")


def acknowledgement_letter() -> Any:
    """EXISTS an acknowledgement letter for the case that was sent (marked dispatched):
    its receipt has been confirmed (docs/rules.md, "CCPA")."""
    return exists().where(LetterRecord.case_id == CaseRecord.id, LetterRecord.kind == "acknowledgement",
                          LetterRecord.dispatched_on.is_not(None))


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PHONEISH = re.compile(r"^\+?[\d\s().\-/]{6,}$")


def phone_digits(text: str, default_region: str = "GB") -> str | None:
    """The E.164 digits of a typed phone number (no '+'), or None if it is not one."""
    text = text.strip()
    if not _PHONEISH.match(text) or sum(ch.isdigit() for ch in text) < 6:
        return None
    import phonenumbers

    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


# A phone number typed the national way ("030 1234567") is tried as a number of the
# organisation's default region and of these, where requesters commonly live.
NATIONAL_PHONE_REGIONS = ("GB", "IE", "DE", "FR", "IT", "ES", "NL", "PL", "US", "CA", "PK", "AE", "BR",
                          "CN", "JP")


@dataclass(frozen=True)
class SearchTerms:
    reference: str | None
    words: tuple[str, ...]
    phone: str | None
    other_phones: tuple[str, ...] = ()

    @property
    def phones(self) -> tuple[str, ...]:
        return ((self.phone,) if self.phone else ()) + self.other_phones

    @property
    def empty(self) -> bool:
        return not (self.reference or self.words or self.phone)


def parse_search(typed: str, default_region: str = "GB") -> SearchTerms:
    typed = typed.strip()[:200]
    phone = phone_digits(typed, default_region) if typed else None
    others: tuple[str, ...] = ()
    if phone is not None and not typed.startswith(("+", "00")):
        others = tuple(dict.fromkeys(
            d for region in NATIONAL_PHONE_REGIONS if region != default_region
            and (d := phone_digits(typed, region)) is not None and d != phone))
    return SearchTerms(reference=normalise_reference(typed) if typed else None,
                       words=tuple(w for w in _WORD.findall(fold(typed)))[:12],
                       phone=phone, other_phones=others)


def fts5_query(terms: SearchTerms) -> str:
    """An FTS5 MATCH expression: every word a quoted prefix, ANDed; OR the phone."""
    parts = []
    if terms.words:
        parts.append("(" + " AND ".join(f'"{w}"*' for w in terms.words) + ")")
    parts += [f'"{phone}"*' for phone in terms.phones]
    return " OR ".join(parts)


def _ts_lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "':*"


def tsquery(terms: SearchTerms, raw_words: Sequence[str] = ()) -> str:
    """A tsquery (taken literally, not re-parsed) of prefixes, lower-cased as the
    'simple' configuration does. PostgreSQL's parser keeps an email address, a
    hyphenated word and a '+44…' number as one lexeme, so each whole typed word is tried
    as a prefix as well as its parts."""
    groups = []
    for word in raw_words:
        parts = [w.lower() for w in _WORD.findall(word)]
        if not parts:
            continue
        alt = " & ".join(_ts_lexeme(p) for p in parts)
        if len(parts) > 1:
            groups.append(f"({_ts_lexeme(word.lower())} | ({alt}))")
        else:
            groups.append(alt)
    parts_q = []
    if groups:
        parts_q.append("(" + " & ".join(groups) + ")")
    for phone in terms.phones:
        parts_q.append(f"({_ts_lexeme(phone)} | {_ts_lexeme('+' + phone)})")
    return " | ".join(parts_q)


PG_SEARCH_DOCUMENT = pg_search_document()  # folded: accent-insensitive (migration 0011)


def search_filter(register: Register, typed: str) -> ColumnElement[bool] | None:
    """The condition that finds ``typed``; None when nothing searchable was typed."""
    terms = parse_search(typed, _default_region(register))
    if terms.reference:
        return CaseRecord.reference == terms.reference
    if terms.empty:
        return None
    if register.dialect == "sqlite":
        q = fts5_query(terms)
        return CaseRecord.id.in_(
            select(literal_column("case_id")).select_from(text("case_search"))
            .where(text("case_search MATCH :fts").bindparams(fts=q)))
    q = tsquery(terms, [fold(w) for w in typed.split() if w][:12])
    return and_(text(f"{PG_SEARCH_DOCUMENT} @@ CAST(:tsq AS tsquery)").bindparams(tsq=q))


_NO_REGION = object()
_region_of: tuple[Any, str] = (_NO_REGION, "GB")  # the stored organisation last read, and its region


def _default_region(register: Register) -> str:
    global _region_of
    try:
        stored = register.stored_setting("organisation")
    except Exception:  # noqa: BLE001 - search must work even with odd settings
        stored = _NO_REGION
    known = _region_of
    if known[0] is stored and stored is not _NO_REGION:  # the same cached value (None: none stored)
        return known[1]  # its region again (checking the profile was a tenth of a search page's time)
    try:
        from muse_care.services.settings import organisation

        country = organisation(register).country
    except Exception:  # noqa: BLE001 - search must work even with odd settings
        country = ""
    # The policy's controller is in Pakistan but most callers are in the UK.
    region = "GB" if not country or country == "PK" else country
    _region_of = (stored, region)
    return region


def fts_in_due_order(register: Register, query: QueueQuery) -> str | None:
    """The FTS5 MATCH expression when ``query`` can be read straight from the full-text
    index in its rowid order (SQLite, a search by words or phone ordered by due date, not
    narrowed to one assignee; store/search_index.py); None otherwise."""
    if register.dialect != "sqlite" or not query.search.strip() or query.assignee is not None \
            or not _by_due(query):
        return None
    terms = parse_search(query.search, _default_region(register))
    if terms.reference or terms.empty:
        return None
    return fts5_query(terms)


def _fts_ids(conn: Any, fts: str, *, descending: bool, limit: int, offset: int = 0,
             beyond: int | None = None) -> list[int]:
    """Case ids of the matches in key order (descending: from the end), ``offset`` in,
    after the key ``beyond`` if given."""
    cond = "" if beyond is None else (" AND rowid < :beyond" if descending else " AND rowid > :beyond")
    sql = (f"SELECT case_id FROM {search_index.TABLE} WHERE {search_index.TABLE} MATCH :fts{cond} "
           f"ORDER BY rowid {'DESC' if descending else 'ASC'} LIMIT :limit OFFSET :offset")
    params: dict[str, Any] = {"fts": fts, "limit": limit, "offset": offset}
    if beyond is not None:
        params["beyond"] = beyond
    return [int(r[0]) for r in conn.exec_driver_sql(sql, params).fetchall()]


def _lines_of(conn: Any, register: Register, ids: list[int], today: date, warn: int) -> list[Line]:
    """The queue lines of ``ids``, in that order (the row select compiled once; the ids,
    integers, written into its ``IN``)."""
    if not ids:
        return []
    base = _compiled(register, ("rows-of", today, warn), lambda: _row_select(register, today, warn))
    sql = f"{base.sql} WHERE cases.id IN ({', '.join(str(int(i)) for i in ids)})"
    found = {r[0]: r for r in _run(conn, _Compiled(sql, base.names, base.params), {})}
    iso = register.dialect == "sqlite"
    return [_line(found[i], today, iso) for i in ids if i in found]


def query_filter(register: Register, query: QueueQuery, today: date | None = None) -> ColumnElement[bool]:
    if query.search.strip():
        found = search_filter(register, query.search)
        chosen = found if found is not None else false()
    else:
        chosen = view_filter(register, query.view, today)
    if query.assignee is not None:
        chosen = and_(chosen, CaseRecord.assignee == query.assignee)
    return chosen


# --- cancelling a stale query ----------------------------------------------------------

class QueryCancelled(Exception):
    """The caller no longer wants the result (a newer keystroke, another view)."""


Cancelled = Callable[[], bool]
# SQLite calls the progress handler every this many virtual-machine steps (~0.1 ms).
INTERRUPT_STEPS = 5_000


@contextmanager
def interruptible(session: Any, cancelled: Cancelled | None) -> Iterator[None]:
    """Run the queries inside so that ``cancelled()`` turning true stops them: checked
    before they start and, on SQLite, by a progress handler while they run (the query
    ends with "interrupted", raised here as :class:`QueryCancelled`). PostgreSQL
    queries are only checked before they start."""
    if cancelled is None:
        yield
        return
    if cancelled():
        raise QueryCancelled
    raw = None
    conn = session.connection() if hasattr(session, "get_bind") else session  # a Session or a Connection
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        raw.set_progress_handler(lambda: 1 if cancelled() else 0, INTERRUPT_STEPS)
    try:
        yield
    except Exception as exc:
        if cancelled():
            raise QueryCancelled from exc
        raise
    finally:
        if raw is not None:
            raw.set_progress_handler(None, 0)


# --- counts --------------------------------------------------------------------------

def view_counts(register: Register) -> dict[str, int]:
    """How many cases each saved view holds (one indexed COUNT each)."""
    out: dict[str, int] = {}
    with register.read() as session:
        for key in VIEW_KEYS:
            out[key] = session.execute(
                select(func.count()).select_from(CaseRecord).where(view_filter(register, key))
            ).scalar_one()
    return out


def count(register: Register, query: QueueQuery, *, cancelled: Cancelled | None = None) -> int:
    """How many rows ``query`` holds; :class:`QueryCancelled` once ``cancelled()``."""
    fts = fts_in_due_order(register, query)
    if fts is not None:  # one index row per case: counted in the index alone
        with register.read() as session, interruptible(session, cancelled):
            return int(session.execute(text(f"SELECT count(*) FROM {search_index.TABLE} "
                                            f"WHERE {search_index.TABLE} MATCH :fts"), {"fts": fts}).scalar_one())
    where = query_filter(register, query)
    with register.read() as session, interruptible(session, cancelled):
        return int(session.execute(select(func.count()).select_from(CaseRecord).where(where)).scalar_one())


# --- rows ----------------------------------------------------------------------------

def _warn_days(register: Register) -> int:
    from muse_care.services.settings import get_setting

    try:
        return int(get_setting(register, "retention_warn_days"))
    except Exception:  # noqa: BLE001
        return 30


def _row_select(register: Register, today: date | None = None, warn: int | None = None) -> Any:
    today = register.today() if today is None else today
    warn = _warn_days(register) if warn is None else warn
    # At risk: an interaction the source system purges soon that we have not secured in
    # the evidence store yet (once its file is ours, the purge loses nothing).
    at_risk = exists(select(RetrievalRecord.id).where(
        RetrievalRecord.case_id == CaseRecord.id,
        RetrievalRecord.evidence_id == "",
        RetrievalRecord.purge_on >= today,
        RetrievalRecord.purge_on <= today + timedelta(days=warn)))
    return select(CaseRecord.id, CaseRecord.reference, CaseRecord.requester_name, CaseRecord.rights,
                  CaseRecord.channel, CaseRecord.status, CaseRecord.received_date, CaseRecord.due_date,
                  CaseRecord.assignee, CaseRecord.is_open, and_(CaseRecord.is_open == true(), at_risk))


_RIGHT_OF = {r.value: r for r in Right}
_CHANNEL_OF = {c.value: c for c in Channel}
_STATUS_OF = {s.value: s for s in Status}


def _rights_of(stored: str) -> tuple[Right, ...]:
    return tuple(_RIGHT_OF.get(x) or Right(x) for x in stored.split(",") if x)


# --- a queue line: the row select's columns as plain values ----------------------------
#
# What the window keeps of a page (docs/performance.md, "Queue paint toward its floor"):
# a tuple of the row select's values, typed (dates as dates, flags as bools) and with the
# days left as of the day the page was read. Making 200 ``CaseRow`` objects per page was
# a sixth of the page's time; the window makes one only for a row it is asked for
# (``row_of``), and its cells straight from the line (``ui/queue_model.line_record``).
Line = tuple[Any, ...]
"""(id, reference, requester name, rights as stored ("access,erasure"), channel value,
status value, received date, due date or None, assignee, is open, retention at risk,
days left or None): see the ``L_*`` positions."""
(L_ID, L_REFERENCE, L_REQUESTER, L_RIGHTS, L_CHANNEL, L_STATUS, L_RECEIVED, L_DUE, L_ASSIGNEE, L_OPEN,
 L_AT_RISK, L_DAYS_LEFT) = range(12)
_DATES: dict[str, date] = {}  # a stored date's text (SQLite) as a date: pages share a few hundred


def _date(value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    found = _DATES.get(value)
    if found is None:
        if len(_DATES) > 20_000:
            _DATES.clear()
        found = _DATES[value] = date.fromisoformat(value)
    return found


def _line(r: Any, today: date, iso_dates: bool) -> Line:
    """A queue line from the row select's columns; ``iso_dates``: its dates are the stored
    text (read without SQLAlchemy's types from SQLite)."""
    received, due = (_date(r[6]), _date(r[7])) if iso_dates else (r[6], r[7])
    return (r[0], r[1], r[2], r[3], r[4], r[5], received, due, r[8], bool(r[9]), bool(r[10]),
            (due - today).days if due is not None else None)


def row_of(line: Line) -> CaseRow:
    """The :class:`CaseRow` of a queue line (the enums looked up in dicts)."""
    days_left = line[L_DAYS_LEFT]
    channel, status = line[L_CHANNEL], line[L_STATUS]
    return CaseRow(
        id=line[L_ID], reference=line[L_REFERENCE], requester_name=line[L_REQUESTER],
        rights=_rights_of(line[L_RIGHTS]), channel=_CHANNEL_OF.get(channel) or Channel(channel),
        status=_STATUS_OF.get(status) or Status(status), received=line[L_RECEIVED], due_date=line[L_DUE],
        days_left=days_left, overdue=bool(line[L_OPEN] and days_left is not None and days_left < 0),
        assignee=line[L_ASSIGNEE], retention_at_risk=line[L_AT_RISK])


# --- statements compiled once ------------------------------------------------------------

@dataclass(frozen=True)
class _Compiled:
    """A statement compiled for one dialect: its SQL, the order of its parameters (for a
    positional driver; None: by name) and the values bound when it was built."""

    sql: str
    names: tuple[str, ...] | None
    params: dict[str, Any]


_COMPILED: dict[tuple[Any, ...], _Compiled] = {}
_COMPILED_LIMIT = 512  # statements kept (a query in a shape on a day); then the cache starts again


def _driver_value(value: Any, sqlite: bool) -> Any:
    """A bound value as SQLAlchemy's types hand it to the driver (SQLite stores dates as
    ISO text and booleans as 0/1; psycopg takes both as they are)."""
    if sqlite:
        if isinstance(value, datetime):
            return value.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy's DateTime on SQLite
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
    return value


def _compiled(register: Register, key: tuple[Any, ...], build: Callable[[], Any]) -> _Compiled:
    """``build()``'s statement compiled for the register's dialect, kept under ``key`` (which
    must name everything the statement depends on: the query, today, the warning days, the
    page's shape). Building and compiling a page's select was a quarter of its time."""
    dialect = register.engine.dialect
    key = (dialect.name, dialect.paramstyle, *key)
    found = _COMPILED.get(key)
    if found is None:
        compiled = build().compile(dialect=dialect)
        sqlite = dialect.name == "sqlite"
        params = {k: _driver_value(v, sqlite) for k, v in compiled.params.items()}
        names = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup is not None else None
        found = _Compiled(str(compiled), names, params)
        if len(_COMPILED) >= _COMPILED_LIMIT:
            _COMPILED.clear()
        _COMPILED[key] = found
    return found


def _run(conn: Any, compiled: _Compiled, values: dict[str, Any]) -> list[Any]:
    """The rows of ``compiled`` with ``values`` bound besides its own, as the driver gives
    them (no SQLAlchemy result types), on ``conn`` (``Register.read_connection``)."""
    sqlite = conn.dialect.name == "sqlite"
    merged = {**compiled.params, **{k: _driver_value(v, sqlite) for k, v in values.items()}}
    params: Any = tuple(merged[n] for n in compiled.names) if compiled.names is not None else merged
    return conn.exec_driver_sql(compiled.sql, params).fetchall()  # type: ignore[no-any-return]


def _by_due(query: QueueQuery) -> bool:
    return query.sort in ("due", "days_left")


def _order(query: QueueQuery, reverse: bool = False, dialect: str = "sqlite", dated: bool = False) -> list[Any]:
    """ORDER BY for the query. Stopped clocks (no due date) go after every dated case
    ascending and before them descending, on both backends: PostgreSQL does that by
    itself; SQLite orders by ``due_date IS NULL`` first, which its expression indexes
    from migration 0002 serve."""
    col = SORT_COLUMNS[query.sort]
    desc = query.descending != reverse
    cols = [col, CaseRecord.id]
    dated_view = query.view in ("overdue", "due-7") and not query.search.strip()
    if _by_due(query) and dialect == "sqlite" and not (dated_view or dated):
        cols.insert(0, CaseRecord.due_date.is_(None))
    return [c.desc() for c in cols] if desc else [c.asc() for c in cols]


def _dated() -> ColumnElement[bool]:
    return CaseRecord.due_date.is_(None) == false()


def fetch_rows(register: Register, query: QueueQuery, offset: int, limit: int = PAGE_SIZE, *,
               total: int | None = None, after: SortKey | None = None,
               before: SortKey | None = None, cancelled: Cancelled | None = None) -> list[CaseRow]:
    """Rows ``offset .. offset+limit`` of the queue in the query's order.

    ``after`` is the sort key of row ``offset-1`` (a keyset page forward); ``before`` that
    of row ``offset+limit`` (a keyset page backward). Without either, a deferred join
    reads the page, from the end when it lies in the second half of ``total`` rows.
    Raises :class:`QueryCancelled` once ``cancelled()`` is true (see :func:`interruptible`).
    """
    return [row_of(line) for line in fetch_lines(register, query, offset, limit, total=total, after=after,
                                                 before=before, cancelled=cancelled)]


def fetch_lines(register: Register, query: QueueQuery, offset: int, limit: int = PAGE_SIZE, *,
                total: int | None = None, after: SortKey | None = None,
                before: SortKey | None = None, cancelled: Cancelled | None = None) -> list[Line]:
    """:func:`fetch_rows` as queue lines (what the window keeps of a page). Each page's
    statement is built and compiled once per query, day and shape (``_compiled``) and
    run on a plain connection without SQLAlchemy's result types."""
    if limit <= 0 or offset < 0:
        return []
    if total is not None:
        limit = min(limit, total - offset)
        if limit <= 0:
            return []
    today, warn = register.today(), _warn_days(register)
    fts = fts_in_due_order(register, query)
    if fts is not None:
        return _fetch_fts(register, query, fts, offset, limit, total=total, after=after, before=before,
                          cancelled=cancelled, today=today, warn=warn)
    key = (query, today, warn, register.actor.login, _default_region(register) if query.search.strip() else None)
    iso = register.dialect == "sqlite"
    keyset: tuple[SortKey, bool] | None = None
    if total is not None and after is not None and after[0] is not None:
        keyset = (after, False)
    elif total is not None and before is not None and before[0] is not None:
        keyset = (before, True)
    with register.read_connection() as conn, interruptible(conn, cancelled):
        if keyset is not None:
            anchor, backward = keyset
            stmt = _compiled(register, (*key, "keyset", backward),
                             lambda: _keyset_select(register, query, today, warn, backward))
            rows = [_line(r, today, iso) for r in _run(conn, stmt, {"k_value": anchor[0], "k_id": anchor[1],
                                                                       "q_limit": limit})]
            if len(rows) == limit:  # else the page crosses NULL keys: read it by position
                if backward:
                    rows.reverse()
                return rows
        reverse = False
        inner_offset = offset
        if total is not None and offset > total // 2:
            inner_offset, reverse = total - offset - limit, True
        stmt = _compiled(register, (*key, "position", reverse),
                         lambda: _position_select(register, query, today, warn, reverse))
        rows = [_line(r, today, iso) for r in _run(conn, stmt, {"q_limit": limit, "q_offset": inner_offset})]
    if reverse:
        rows.reverse()
    return rows


def _keyset_select(register: Register, query: QueueQuery, today: date, warn: int, backward: bool) -> Any:
    """A keyset page: the rows after (``backward``: before) the anchor ``(k_value, k_id)``,
    ``q_limit`` of them. Keyset pages by due date stay among dated rows on SQLite; a page
    that crosses into the stopped clocks comes back short and is read by position."""
    where = query_filter(register, query, today)
    col = SORT_COLUMNS[query.sort]
    if _by_due(query) and register.dialect == "sqlite":
        where = and_(where, _dated())
    anchor = tuple_(bindparam("k_value", type_=col.type), bindparam("k_id", type_=Integer))
    keyed = tuple_(col, CaseRecord.id)
    cmp = keyed < anchor if query.descending != backward else keyed > anchor
    return (_row_select(register, today, warn).where(where, cmp)
            .order_by(*_order(query, reverse=backward, dialect=register.dialect, dated=True))
            .limit(bindparam("q_limit", type_=Integer)))


def _position_select(register: Register, query: QueueQuery, today: date, warn: int, reverse: bool) -> Any:
    """A page by position: a deferred join whose inner query reads ``q_limit`` ids from
    ``q_offset`` in the covering index (from the end when ``reverse``)."""
    where = query_filter(register, query, today)
    order = _order(query, reverse, dialect=register.dialect)
    inner = (select(CaseRecord.id).where(where).order_by(*order)
             .limit(bindparam("q_limit", type_=Integer)).offset(bindparam("q_offset", type_=Integer)))
    return _row_select(register, today, warn).where(CaseRecord.id.in_(inner)).order_by(*order)


def _fetch_fts(register: Register, query: QueueQuery, fts: str, offset: int, limit: int, *,
               total: int | None, after: SortKey | None, before: SortKey | None,
               cancelled: Cancelled | None, today: date, warn: int) -> list[Line]:
    """A search page ordered by due date, read from the full-text index in its key order
    (store/search_index.py): a keyset page from the key of its neighbour row, else by
    position, from the end when the page lies in the second half of ``total`` rows."""
    desc = query.descending
    with register.read_connection() as conn, interruptible(conn, cancelled):
        if total is not None and after is not None:
            ids = _fts_ids(conn, fts, descending=desc, limit=limit,
                           beyond=search_index.due_key(after[0], after[1]))
        elif total is not None and before is not None:
            ids = _fts_ids(conn, fts, descending=not desc, limit=limit,
                           beyond=search_index.due_key(before[0], before[1]))[::-1]
        elif total is not None and offset > total // 2:
            ids = _fts_ids(conn, fts, descending=not desc, limit=limit,
                           offset=max(total - offset - limit, 0))[::-1]
        else:
            ids = _fts_ids(conn, fts, descending=desc, limit=limit, offset=offset)
        return _lines_of(conn, register, ids, today, warn)


def case_row(register: Register, query: QueueQuery, case_id: int) -> CaseRow | None:
    """The queue row of one case if ``query`` holds it, else None: after a write the
    window replaces that one row instead of reading the queue again."""
    line = case_line(register, query, case_id)
    return row_of(line) if line is not None else None


def case_line(register: Register, query: QueueQuery, case_id: int) -> Line | None:
    """:func:`case_row` as a queue line."""
    today = register.today()
    stmt = _row_select(register, today).where(query_filter(register, query, today), CaseRecord.id == case_id)
    with register.read() as session:
        found = session.execute(stmt).first()
    return _line(found, today, False) if found is not None else None


def first_page(register: Register, query: QueueQuery, limit: int = PAGE_SIZE) -> tuple[int, list[CaseRow]]:
    """The row count and the first page (for scripts; the window reads the page first
    and the count after it, ``ui/queue_model.py``)."""
    return count(register, query), fetch_rows(register, query, 0, limit)


def explain(register: Register, stmt: Any) -> list[str]:
    """The database's plan for ``stmt`` (EXPLAIN QUERY PLAN / EXPLAIN): for tests and
    the benchmark."""
    compiled = stmt.compile(register.engine, compile_kwargs={"literal_binds": False})
    prefix = "EXPLAIN QUERY PLAN " if register.dialect == "sqlite" else "EXPLAIN "
    with register.engine.connect() as conn:
        result = conn.exec_driver_sql(prefix + str(compiled), compiled.params
                                      if register.dialect != "sqlite" else
                                      tuple(compiled.params[k] for k in compiled.positiontup or ()))
        return [" ".join(str(c) for c in row) for row in result]


def page_statement(register: Register, query: QueueQuery, offset: int = 0, limit: int = PAGE_SIZE,
                   after: SortKey | None = None) -> Any:
    """The inner statement a page runs (for plan checks)."""
    where = query_filter(register, query)
    col = SORT_COLUMNS[query.sort]
    if after is not None:
        if _by_due(query) and register.dialect == "sqlite":
            where = and_(where, _dated())
        return (select(CaseRecord.id).where(where, tuple_(col, CaseRecord.id) > tuple_(*after))
                .order_by(*_order(query, dialect=register.dialect, dated=True)).limit(limit))
    return select(CaseRecord.id).where(where).order_by(*_order(query, dialect=register.dialect)).limit(limit).offset(offset)
