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
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, literal_column, select, text, true, tuple_

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


def view_filter(register: Register, view: str) -> ColumnElement[bool]:
    today = register.today()
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
    """EXISTS an acknowledgement letter for the case: its receipt has been confirmed."""
    return exists().where(LetterRecord.case_id == CaseRecord.id, LetterRecord.kind == "acknowledgement")


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


def _default_region(register: Register) -> str:
    try:
        from muse_care.services.settings import organisation

        country = organisation(register).country
    except Exception:  # noqa: BLE001 - search must work even with odd settings
        country = ""
    # The policy's controller is in Pakistan but most callers are in the UK.
    return "GB" if not country or country == "PK" else country


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


def _fts_ids(session: Any, fts: str, *, descending: bool, limit: int, offset: int = 0,
             beyond: int | None = None) -> list[int]:
    """Case ids of the matches in key order (descending: from the end), ``offset`` in,
    after the key ``beyond`` if given."""
    cond = "" if beyond is None else (" AND rowid < :beyond" if descending else " AND rowid > :beyond")
    sql = (f"SELECT case_id FROM {search_index.TABLE} WHERE {search_index.TABLE} MATCH :fts{cond} "
           f"ORDER BY rowid {'DESC' if descending else 'ASC'} LIMIT :limit OFFSET :offset")
    params: dict[str, Any] = {"fts": fts, "limit": limit, "offset": offset}
    if beyond is not None:
        params["beyond"] = beyond
    return [int(r[0]) for r in session.execute(text(sql), params)]


def _rows_of(session: Any, register: Register, ids: list[int], today: date) -> list[CaseRow]:
    """The queue rows of ``ids``, in that order."""
    if not ids:
        return []
    found = {r[0]: r for r in session.execute(_row_select(register).where(CaseRecord.id.in_(ids)))}
    return [_to_row(found[i], today) for i in ids if i in found]


def query_filter(register: Register, query: QueueQuery) -> ColumnElement[bool]:
    if query.search.strip():
        found = search_filter(register, query.search)
        chosen = found if found is not None else false()
    else:
        chosen = view_filter(register, query.view)
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
    if session.get_bind().dialect.name == "sqlite":
        raw = session.connection().connection.dbapi_connection
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

def _row_select(register: Register) -> Any:
    today = register.today()
    from muse_care.services.settings import get_setting

    try:
        warn = int(get_setting(register, "retention_warn_days"))
    except Exception:  # noqa: BLE001
        warn = 30
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


def _to_row(r: Any, today: date) -> CaseRow:
    """A queue row from the row select's columns (the enums looked up in dicts: a page is
    200 rows, and ``Enum(value)`` was a third of the time it took)."""
    due = r[7]
    days_left = (due - today).days if due is not None else None
    is_open = bool(r[9])
    return CaseRow(
        id=r[0], reference=r[1], requester_name=r[2],
        rights=_rights_of(r[3]), channel=_CHANNEL_OF.get(r[4]) or Channel(r[4]),
        status=_STATUS_OF.get(r[5]) or Status(r[5]), received=r[6], due_date=due, days_left=days_left,
        overdue=bool(is_open and days_left is not None and days_left < 0), assignee=r[8],
        retention_at_risk=bool(r[10]))


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
    if limit <= 0 or offset < 0:
        return []
    if total is not None:
        limit = min(limit, total - offset)
        if limit <= 0:
            return []
    fts = fts_in_due_order(register, query)
    if fts is not None:
        return _fetch_fts(register, query, fts, offset, limit, total=total, after=after, before=before,
                          cancelled=cancelled)
    where = query_filter(register, query)
    col = SORT_COLUMNS[query.sort]
    base = _row_select(register)
    today = register.today()
    keyset = None
    kwhere = where
    if _by_due(query) and register.dialect == "sqlite":
        kwhere = and_(where, _dated())  # keyset pages stay among dated rows; a page that
        # crosses into the stopped clocks comes back short and is read by position below
    if total is not None and after is not None and after[0] is not None:
        cmp = (tuple_(col, CaseRecord.id) < tuple_(*after) if query.descending
               else tuple_(col, CaseRecord.id) > tuple_(*after))
        keyset = (base.where(kwhere, cmp).order_by(*_order(query, dialect=register.dialect, dated=True))
                  .limit(limit), False)
    elif total is not None and before is not None and before[0] is not None:
        cmp = (tuple_(col, CaseRecord.id) > tuple_(*before) if query.descending
               else tuple_(col, CaseRecord.id) < tuple_(*before))
        keyset = (base.where(kwhere, cmp).order_by(*_order(query, reverse=True, dialect=register.dialect,
                                                            dated=True))
                  .limit(limit), True)
    with register.read() as session, interruptible(session, cancelled):
        if keyset is not None:
            rows = [_to_row(r, today) for r in session.execute(keyset[0])]
            if len(rows) == limit:  # else the page crosses NULL keys: read it by position
                if keyset[1]:
                    rows.reverse()
                return rows
        reverse = False
        inner_offset, inner_limit = offset, limit
        if total is not None and offset > total // 2:
            inner_offset, reverse = total - offset - limit, True
        inner = (select(CaseRecord.id).where(where).order_by(*_order(query, reverse, dialect=register.dialect))
                 .limit(inner_limit).offset(inner_offset))
        stmt = base.where(CaseRecord.id.in_(inner)).order_by(*_order(query, reverse, dialect=register.dialect))
        rows = [_to_row(r, today) for r in session.execute(stmt)]
    if reverse:
        rows.reverse()
    return rows


def _fetch_fts(register: Register, query: QueueQuery, fts: str, offset: int, limit: int, *,
               total: int | None, after: SortKey | None, before: SortKey | None,
               cancelled: Cancelled | None) -> list[CaseRow]:
    """A search page ordered by due date, read from the full-text index in its key order
    (store/search_index.py): a keyset page from the key of its neighbour row, else by
    position, from the end when the page lies in the second half of ``total`` rows."""
    desc = query.descending
    today = register.today()
    with register.read() as session, interruptible(session, cancelled):
        if total is not None and after is not None:
            ids = _fts_ids(session, fts, descending=desc, limit=limit,
                           beyond=search_index.due_key(after[0], after[1]))
        elif total is not None and before is not None:
            ids = _fts_ids(session, fts, descending=not desc, limit=limit,
                           beyond=search_index.due_key(before[0], before[1]))[::-1]
        elif total is not None and offset > total // 2:
            ids = _fts_ids(session, fts, descending=not desc, limit=limit,
                           offset=max(total - offset - limit, 0))[::-1]
        else:
            ids = _fts_ids(session, fts, descending=desc, limit=limit, offset=offset)
        return _rows_of(session, register, ids, today)


def case_row(register: Register, query: QueueQuery, case_id: int) -> CaseRow | None:
    """The queue row of one case if ``query`` holds it, else None: after a write the
    window replaces that one row instead of reading the queue again."""
    stmt = _row_select(register).where(query_filter(register, query), CaseRecord.id == case_id)
    with register.read() as session:
        found = session.execute(stmt).first()
    return _to_row(found, register.today()) if found is not None else None


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
