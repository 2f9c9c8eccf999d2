"""The queue's first page at start, read through the standard library's ``sqlite3``.

The window paints this page while SQLAlchemy loads and the register opens on the
worker (docs/performance.md, "Start-up"); the queue model then reads the queue again
through ``muse_care.services.queue`` and takes over. So that the page shown is the
register's real first page, it is exactly what ``queue.first_page(register,
QueueQuery())`` returns: the same count, rows and order, the same "today" (the
organisation's time zone) and the same retention warning
(``tests/test_first_page.py`` compares them on several registers).

It answers only when it can answer exactly: a SQLite file that exists (it is opened
read-only, never created) and whose stored revision is the head of the migration
files. Anything else (a new file, a database to migrate, not a MUSE Care register, a
busy or broken file) gives None, and the window waits for the register instead.
Everything is read in one transaction, so the count and the rows are one snapshot.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from muse_care.domain.case import CaseRow, Channel, Right, Status
from muse_care.domain.organisation import OrganisationProfile
from muse_care.store.db import head_from_files

DEFAULT_WARN_DAYS = 30
"""``retention_warn_days`` when the register has none stored (the default declared in
``muse_care.services.settings``; a test checks they agree)."""

_COLUMNS = ("cases.id, cases.reference, cases.requester_name, cases.rights, cases.channel, cases.status, "
            "cases.received_date, cases.due_date, cases.assignee, cases.is_open")
# The statement services/queue.py's fetch_rows runs for the first page of "All open" by
# due date on SQLite: a deferred join over ix_cases_open_dated_due (migration 0002).
_ORDER = "cases.due_date IS NULL ASC, cases.due_date ASC, cases.id ASC"
PAGE_SQL = (
    f"SELECT {_COLUMNS}, cases.is_open = 1 AND (EXISTS (SELECT retrievals.id FROM retrievals "
    "WHERE retrievals.case_id = cases.id AND retrievals.evidence_id = '' "
    "AND retrievals.purge_on >= ? AND retrievals.purge_on <= ?)) "
    f"FROM cases WHERE cases.id IN (SELECT cases.id FROM cases WHERE cases.is_open = 1 "
    f"ORDER BY {_ORDER} LIMIT ? OFFSET 0) ORDER BY {_ORDER}"
)
COUNT_SQL = "SELECT count(*) FROM cases WHERE cases.is_open = 1"


@dataclass(frozen=True)
class FirstPage:
    """The count of All open and its first page, as of ``today``, read from ``path``."""

    path: Path
    total: int
    rows: tuple[CaseRow, ...]
    today: date


def organisation_today(stored_organisation: Any, now: datetime) -> date:
    """Today in the organisation's time zone, as ``Register.today`` has it (UTC when the
    stored profile or its zone is unusable)."""
    try:
        zone = ZoneInfo(OrganisationProfile.from_dict(
            stored_organisation if isinstance(stored_organisation, dict) else {}).timezone)
    except Exception:  # noqa: BLE001 - as Register.timezone: a bad zone falls back to UTC
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def warn_days(stored: Any) -> int:
    """``retention_warn_days`` as the queue service reads it (stored, else the default;
    anything unreadable counts as the default)."""
    try:
        return int(DEFAULT_WARN_DAYS if stored is None else stored)
    except Exception:  # noqa: BLE001 - as services/queue.py's _row_select
        return DEFAULT_WARN_DAYS


def _row(r: tuple[Any, ...], today: date) -> CaseRow:
    due = date.fromisoformat(r[7]) if r[7] is not None else None
    days_left = (due - today).days if due is not None else None
    is_open = bool(r[9])
    return CaseRow(
        id=r[0], reference=r[1], requester_name=r[2],
        rights=tuple(Right(x) for x in r[3].split(",") if x), channel=Channel(r[4]),
        status=Status(r[5]), received=date.fromisoformat(r[6]), due_date=due, days_left=days_left,
        overdue=bool(is_open and days_left is not None and days_left < 0), assignee=r[8],
        retention_at_risk=bool(r[10]))


def read_first_page(path: Path, limit: int, now: datetime | None = None) -> FirstPage | None:
    """The first page of All open by due date in the SQLite file ``path``, or None when
    this cannot say exactly what the queue service would (see the module's text)."""
    head = head_from_files()
    if head is None or not path.is_file():
        return None
    now = now or datetime.now(timezone.utc)
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0,
                              isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        con.execute("BEGIN")
        stored = con.execute("SELECT version_num FROM alembic_version").fetchall()
        if stored != [(head,)]:
            return None
        settings = dict(con.execute("SELECT key, value FROM settings WHERE key IN "
                                    "('organisation', 'retention_warn_days')").fetchall())
        values = {k: json.loads(v) for k, v in settings.items()}
        today = organisation_today(values.get("organisation"), now)
        warn = warn_days(values.get("retention_warn_days"))
        total = int(con.execute(COUNT_SQL).fetchone()[0])
        found = con.execute(PAGE_SQL, (today.isoformat(), (today + timedelta(days=warn)).isoformat(),
                                       limit)).fetchall()
        rows = tuple(_row(r, today) for r in found)
        con.execute("COMMIT")
    except (sqlite3.Error, ValueError, TypeError, KeyError):
        return None  # not a register we can read this way: the worker's open says why
    finally:
        con.close()
    return FirstPage(path=path, total=total, rows=rows, today=today)
