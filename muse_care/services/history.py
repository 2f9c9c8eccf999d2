"""The append-only, hash-chained history of every change.

Each entry's hash covers the previous entry's hash and the entry's own fields, so
changing or removing any entry breaks the chain from there on: ``verify_chain`` finds
where. On PostgreSQL appends are serialized with a transaction-scoped advisory lock;
on SQLite the unit of work already holds the write lock.

Two kinds of entry:

- version 1 (written before migration 0004; ``salt`` and the digests are NULL): the
  hash covers the old and new values themselves (``entry_hash``). They can never be
  changed, not even to remove personal data.
- version 2 (every entry written since): each entry draws a random 16-byte salt and
  stores ``sha256(salt + value)`` of its old and new values beside the values; the hash
  covers the digests instead of the values (``entry_hash_v2``, a payload with its own
  version marker, so one kind cannot pass for the other). While the values are there
  they must match their digests; anonymisation may *redact* an entry
  (``redact_case_history``): values emptied, salt erased, ``redacted`` set. The chain
  still verifies over the digests, and without the salt a digest cannot be tested
  against guessed values. Any other change is still caught.

On a team database (PostgreSQL) the append-only trigger allows exactly that redaction,
for admins, inside a transaction that has ``muse.redacting`` set (``store/team_sql.py``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from muse_care.domain.case import HistoryEntryView
from muse_care.store.models import HistoryRecord

GENESIS = "0" * 64
_LOCK_KEY = 0x4D55_5345  # "MUSE"
_V2 = "muse-history-v2"
REDACTED_TEXT = "(removed: anonymised)"
"""What the views show in place of a redacted entry's values."""
KEPT_ON_REDACTION = ("status",)
"""Entries whose values are never personal (status moves: the statistics read them)."""


def _stamp(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, case_id: int | None, at: datetime, actor: str, what: str,
               old: str, new: str) -> str:
    payload = json.dumps([prev_hash, case_id, _stamp(at), actor, what, old, new],
                         ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def value_digest(salt: str, value: str) -> str:
    """``sha256(salt bytes + value as UTF-8)``, hex; ``salt`` is 32 hex digits."""
    return hashlib.sha256(bytes.fromhex(salt) + value.encode("utf-8")).hexdigest()


def entry_hash_v2(prev_hash: str, case_id: int | None, at: datetime, actor: str, what: str,
                  old_digest: str, new_digest: str) -> str:
    """A version-2 entry's hash: over the values' digests, not the values (nor the salt,
    which redaction erases; the digests already bind the values)."""
    payload = json.dumps([_V2, prev_hash, case_id, _stamp(at), actor, what, old_digest, new_digest],
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
        salt = secrets.token_hex(16)
        old_d, new_d = value_digest(salt, old_s), value_digest(salt, new_s)
        digest = entry_hash_v2(prev, case_id, self.at, self.actor, what, old_d, new_d)
        # No flush here: the unit of work flushes once at the end (a flush per entry would
        # bump the case's version once per changed field). Another writer in the same
        # session finds this entry through autoflush when it reads the chain's head.
        self.session.add(HistoryRecord(case_id=case_id, at=self.at, actor=self.actor, what=what,
                                       old_value=old_s, new_value=new_s, prev_hash=prev, hash=digest,
                                       salt=salt, old_digest=old_d, new_digest=new_d, redacted=False))
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
                 if not r.redacted else
                 HistoryEntryView(at=r.at, actor=r.actor, what=r.what, old="", new=REDACTED_TEXT)
                 for r in rows)


@dataclass(frozen=True)
class RedactionReport:
    redacted: int
    """Version-2 entries of the case whose values were removed by this call."""
    left_v1: int
    """Version-1 entries of the case (written before migration 0004): their values are
    chained as they are, so they keep them."""
    kept: int = 0
    """Status moves, left as they are (no personal data; the statistics read them)."""


def redact_case_history(session: Session, case_id: int) -> RedactionReport:
    """Remove the values of the case's version-2 history entries (for anonymisation):
    ``old_value`` and ``new_value`` become empty, the salt is erased, ``redacted`` is set.
    Digests, hashes and everything else stay, so ``verify_chain`` still passes.

    Runs in the caller's unit of work. On PostgreSQL it sets ``muse.redacting`` for the
    statement (transaction-local, switched off again right after): the team database's
    history trigger refuses any UPDATE without it, and any UPDATE but this one with it;
    only admins hold the column grant."""
    pg = session.get_bind().dialect.name == "postgresql"
    h = HistoryRecord
    session.flush()  # so the setting below covers this UPDATE only, not pending changes
    if pg:
        session.execute(text("SELECT set_config('muse.redacting', 'on', true)"))
    # (if the UPDATE fails the transaction is aborted, and the setting goes with it)
    result = session.execute(
        update(h).where(h.case_id == case_id, h.old_digest.is_not(None), h.new_digest.is_not(None),
                        h.redacted.is_(False), h.what.not_in(KEPT_ON_REDACTION))
        .values(old_value="", new_value="", salt=None, redacted=True)
        .execution_options(synchronize_session=False))
    done = int(getattr(result, "rowcount", 0) or 0)  # a CursorResult for an UPDATE
    if pg:
        session.execute(text("SELECT set_config('muse.redacting', 'off', true)"))
    left = session.execute(select(func.count()).select_from(h).where(
        h.case_id == case_id, h.old_digest.is_(None))).scalar_one()
    kept = session.execute(select(func.count()).select_from(h).where(
        h.case_id == case_id, h.old_digest.is_not(None), h.what.in_(KEPT_ON_REDACTION))).scalar_one()
    # Entries of this case already loaded into the session still hold their old values.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, HistoryRecord) and obj.case_id == case_id:
            session.expire(obj)
    return RedactionReport(done, int(left), int(kept))


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
            if not _entry_ok(r):
                return ChainReport(False, count, f"entry {r.id} was changed after it was written", r.id)
            prev = r.hash
            count += 1
            last_id = r.id
        session.expunge_all()


def _entry_ok(r: HistoryRecord) -> bool:
    """One entry's own fields against its hash (version 1 or 2, see the module)."""
    if r.old_digest is None and r.new_digest is None:  # version 1: chained over the values
        return not r.redacted and r.salt is None and r.hash == entry_hash(
            r.prev_hash, r.case_id, r.at, r.actor, r.what, r.old_value, r.new_value)
    if r.old_digest is None or r.new_digest is None:
        return False
    if r.redacted:
        if r.old_value != "" or r.new_value != "":
            return False
    elif r.salt is None or len(r.salt) != 32 or not _is_hex(r.salt) \
            or value_digest(r.salt, r.old_value) != r.old_digest \
            or value_digest(r.salt, r.new_value) != r.new_digest:
        return False
    return r.hash == entry_hash_v2(r.prev_hash, r.case_id, r.at, r.actor, r.what, r.old_digest, r.new_digest)


def _is_hex(value: str) -> bool:
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return True
