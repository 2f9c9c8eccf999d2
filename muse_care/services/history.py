"""The append-only, hash-chained history of every change.

Each entry's hash covers the previous entry's hash and the entry's own fields, so
changing or removing any entry breaks the chain from there on: ``verify_chain`` finds
where. On PostgreSQL appends are serialized with a transaction-scoped advisory lock;
on SQLite the unit of work already holds the write lock.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from muse_care.domain.case import HistoryEntryView
from muse_care.store.models import HistoryRecord

GENESIS = "0" * 64
_LOCK_KEY = 0x4D55_5345  # "MUSE"


def _stamp(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, case_id: int | None, at: datetime, actor: str, what: str,
               old: str, new: str) -> str:
    payload = json.dumps([prev_hash, case_id, _stamp(at), actor, what, old, new],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class HistoryWriter:
    """Appends entries inside one unit of work, chaining them as it goes."""

    def __init__(self, session: Session, actor: str, at: datetime) -> None:
        self.session = session
        self.actor = actor
        self.at = at
        self._prev: str | None = None

    def _head(self) -> str:
        if self._prev is None:
            if self.session.get_bind().dialect.name == "postgresql":
                self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
            last = self.session.execute(
                select(HistoryRecord.hash).order_by(HistoryRecord.id.desc()).limit(1)
            ).scalar_one_or_none()
            self._prev = last or GENESIS
        return self._prev

    def add(self, case_id: int | None, what: str, old: object = "", new: object = "") -> None:
        old_s, new_s = _text(old), _text(new)
        prev = self._head()
        digest = entry_hash(prev, case_id, self.at, self.actor, what, old_s, new_s)
        # No flush here: the unit of work flushes once at the end (a flush per entry would
        # bump the case's version once per changed field). Another writer in the same
        # session finds this entry through autoflush when it reads the chain's head.
        self.session.add(HistoryRecord(case_id=case_id, at=self.at, actor=self.actor, what=what,
                                       old_value=old_s, new_value=new_s, prev_hash=prev, hash=digest))
        self._prev = digest


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def case_history(session: Session, case_id: int) -> tuple[HistoryEntryView, ...]:
    rows = session.execute(
        select(HistoryRecord).where(HistoryRecord.case_id == case_id).order_by(HistoryRecord.id)
    ).scalars()
    return tuple(HistoryEntryView(at=r.at, actor=r.actor, what=r.what, old=r.old_value, new=r.new_value)
                 for r in rows)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    problem: str = ""
    entry_id: int | None = None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the whole history in order and recompute every hash."""
    prev = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = session.execute(
            select(HistoryRecord).where(HistoryRecord.id > last_id)
            .order_by(HistoryRecord.id).limit(batch)
        ).scalars().all()
        if not rows:
            return ChainReport(True, count)
        for r in rows:
            if r.prev_hash != prev:
                return ChainReport(False, count, f"entry {r.id} does not follow the entry before it "
                                   "(an entry was removed or inserted)", r.id)
            expected = entry_hash(r.prev_hash, r.case_id, r.at, r.actor, r.what, r.old_value, r.new_value)
            if expected != r.hash:
                return ChainReport(False, count, f"entry {r.id} was changed after it was written", r.id)
            prev = r.hash
            count += 1
            last_id = r.id
        session.expunge_all()
