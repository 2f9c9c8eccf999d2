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

On PostgreSQL (since migration 0015) the word entries are not inserted by MUSE Care but
written by the database's ``muse_history_word`` in the login's name at the server's time,
hashed as version 3 (``store/history_sql.py``); nobody may INSERT into the table. On
SQLite ``HistoryWriter`` writes version-2 entries itself (docs/security.md, "Limits").
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from muse_care.domain.case_views import HistoryEntryView
from muse_care.store import db
from muse_care.store.history_sql import TAKE_FIELDS, TAKE_NOTE, TAKE_WHAT, entry_hash_v3
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
    """Appends word entries inside one unit of work.

    Each entry is inserted at once and chained onto the newest entry *in the database*
    at that moment (read again for every entry): the database's own row entries
    (``store/history_sql.py``), written by triggers when the unit of work's changes are
    flushed, interleave with these and the chain stays one line. The insert runs
    without flushing the unit of work first, so a change to a case still reaches the
    database as one UPDATE (one version step) however many fields it has."""

    def __init__(self, session: Session, actor: str, at: datetime) -> None:
        self.session = session
        self.actor = actor
        self.at = at
        self._txn: str | None = None
        self._locked = False

    def _head(self) -> str:
        with self.session.no_autoflush:
            if not self._locked and self.session.get_bind().dialect.name == "postgresql":
                self.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
                self._locked = True
            last = self.session.execute(
                select(HistoryRecord.hash).order_by(HistoryRecord.id.desc()).limit(1)
            ).scalar_one_or_none()
        return last or GENESIS

    def add(self, case_id: int | None, what: str, old: object = "", new: object = "") -> None:
        old_s, new_s = _text(old), _text(new)
        with self.session.no_autoflush:
            if self.session.get_bind().dialect.name == "postgresql":
                # The database writes it (``muse_history_word``, store/history_sql.py): in
                # the login's name at the server's time; no login may INSERT into the
                # history itself (docs/security.md, "History the database writes").
                self.session.execute(text("SELECT muse_history_word(:c, :w, :o, :n, :a, :t)"),
                                     {"c": case_id, "w": what, "o": old_s, "n": new_s, "a": self.actor,
                                      "t": self.at})
                return
            prev = self._head()
            if self._txn is None:
                self._txn = db.current_txn(self.session.connection())
            salt = secrets.token_hex(16)
            old_d, new_d = value_digest(salt, old_s), value_digest(salt, new_s)
            digest = entry_hash_v2(prev, case_id, self.at, self.actor, what, old_d, new_d)
            self.session.execute(insert(HistoryRecord).values(
                case_id=case_id, at=self.at, actor=self.actor, what=what, old_value=old_s,
                new_value=new_s, prev_hash=prev, hash=digest, salt=salt, old_digest=old_d,
                new_digest=new_d, redacted=False, data="", txn=self._txn))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def case_history(session: Session, case_id: int) -> tuple[HistoryEntryView, ...]:
    """The case's history as the window shows it: the word entries, and the database's
    row entries only for changes that came with no word entry (made outside MUSE Care,
    or by a step that wrote none), described by the fields that changed."""
    h = HistoryRecord
    return history_views(session.execute(
        select(*(getattr(h, c) for c in HISTORY_VIEW_COLUMNS)).where(h.case_id == case_id).order_by(h.id)).all())


HISTORY_VIEW_COLUMNS = ("at", "actor", "what", "old_value", "new_value", "redacted", "tbl", "row_id", "data", "txn")
"""The history's columns :func:`history_views` reads."""


def history_views(rows: Any) -> tuple[HistoryEntryView, ...]:
    """:func:`case_history` of a case's entries in id order (anything with the
    attributes ``HISTORY_VIEW_COLUMNS``)."""
    worded = {r.txn for r in rows if r.tbl is None and r.txn}
    # each row's image as stored (JSON), decoded only for an entry that is shown: most
    # row entries came with a word entry and are not (decoding them all was most of the
    # time it took to open a case)
    images: dict[tuple[str, int | None], str] = {}
    out: list[HistoryEntryView] = []
    for r in rows:
        if r.tbl is None:
            out.append(HistoryEntryView(at=r.at, actor=r.actor, what=r.what, old=r.old_value, new=r.new_value)
                       if not r.redacted else
                       HistoryEntryView(at=r.at, actor=r.actor, what=r.what, old="", new=REDACTED_TEXT))
            continue
        key = (r.tbl, r.row_id)
        before_data = images.get(key, "")
        images[key] = after_data = "" if r.redacted else r.data
        if r.what == TAKE_WHAT:  # a take-next: its row entry carries the word (migration 0024)
            out.append(HistoryEntryView(at=r.at, actor=r.actor, what="assignee", old=r.old_value, new=r.new_value)
                       if not r.redacted else
                       HistoryEntryView(at=r.at, actor=r.actor, what="assignee", old="", new=REDACTED_TEXT))
            continue
        if r.redacted or r.what.endswith(":baseline") or (r.txn and r.txn in worded):
            continue
        if r.what.endswith(":delete"):
            out.append(HistoryEntryView(at=r.at, actor=r.actor, what=f"{r.tbl} row deleted",
                                        old=f"#{r.row_id}", new=""))
            continue
        before, after = _image(before_data), _image(after_data)
        changed = [k for k in after if k not in ("version",) and after.get(k) != before.get(k)]
        if changed:
            out.append(HistoryEntryView(
                at=r.at, actor=r.actor, what=f"{r.tbl} changed (no MUSE Care entry)",
                old="; ".join(f"{k}={before.get(k)}" for k in changed if k in before),
                new="; ".join(f"{k}={after.get(k)}" for k in changed)))
    return tuple(out)


def _image(data: str) -> dict[str, object]:
    try:
        value = json.loads(data) if data else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


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
    session.flush()
    txn = db.current_txn(session.connection())  # so the setting below covers this UPDATE only, not pending changes
    if pg:
        session.execute(text("SELECT set_config('muse.redacting', 'on', true)"))
    # (if the UPDATE fails the transaction is aborted, and the setting goes with it)
    result = session.execute(
        update(h).where(h.case_id == case_id, h.old_digest.is_not(None), h.new_digest.is_not(None),
                        h.redacted.is_(False), h.what.not_in(KEPT_ON_REDACTION), h.tbl.is_(None))
        .values(old_value="", new_value="", data="", salt=None, redacted=True)
        .execution_options(synchronize_session=False))
    done = int(getattr(result, "rowcount", 0) or 0)  # a CursorResult for an UPDATE
    # The database's row entries too, except those of this very change: they hold the
    # anonymised rows (no personal data left), which the replay of `audit verify` needs.
    session.execute(
        update(h).where(h.case_id == case_id, h.old_digest.is_not(None), h.redacted.is_(False),
                        h.tbl.is_not(None), h.txn.is_(None) | (h.txn != txn))
        .values(old_value="", new_value="", data="", salt=None, redacted=True)
        .execution_options(synchronize_session=False))
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
    """Walk the whole history in order and recompute every hash (the chain alone; see
    :func:`audit` for the seal and the replay)."""
    prev = GENESIS
    count = 0
    last_id = 0
    while True:
        rows = _raw_entries(session, last_id, batch)
        if not rows:
            session.expunge_all()  # (as before: objects the caller loaded stay readable)
            return ChainReport(True, count)
        for r in rows:
            if r.prev_hash != prev:
                return ChainReport(False, count, f"entry {r.id} does not follow the entry before it "
                                   "(an entry was removed or inserted)", r.id)
            problem = _raw_problem(r)
            if problem:
                return ChainReport(False, count, problem, r.id)
            prev = r.hash
            count += 1
            last_id = r.id


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


# --- audit verify: the chain, the seal and the replay ------------------------------------

@dataclass(frozen=True)
class Seal:
    entries: int
    head: str

    def __str__(self) -> str:
        return f"{self.entries}:{self.head}"

    @classmethod
    def parse(cls, text_: str) -> Seal:
        from muse_care.domain.errors import ValidationError

        count, _, head = (text_ or "").strip().partition(":")
        head = head.strip().lower()
        if not count.strip().isdigit() or len(head) != 64 or not _is_hex(head):
            raise ValidationError("seal", "write the seal as COUNT:HASH (the entry count, a colon and "
                                  "the 64 hex digits of the head hash), as printed by audit verify")
        return cls(int(count), head)


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    entries: int
    problems: tuple[str, ...] = ()
    seal: Seal | None = None
    notes: tuple[str, ...] = ()
    cases: int = 0


_COLS = ("id", "case_id", "at", "actor", "what", "old_value", "new_value", "prev_hash", "hash", "salt",
         "old_digest", "new_digest", "redacted", "tbl", "row_id", "data", "data_digest")


@dataclass
class _Raw:
    id: int
    case_id: int | None
    at: object
    actor: str
    what: str
    old_value: str
    new_value: str
    prev_hash: str
    hash: str
    salt: str | None
    old_digest: str | None
    new_digest: str | None
    redacted: bool
    tbl: str | None
    row_id: int | None
    data: str
    data_digest: str | None


def _parse_at(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


def _raw_entries(session: Session, after_id: int, batch: int) -> list[_Raw]:
    """History rows as stored, without the model's type conversions (a damaged value
    must be named, not raise)."""
    cols = ", ".join(_COLS) if _has_row_columns(session) else ", ".join(
        _COLS[:13]) + ", NULL, NULL, '', NULL"
    rows = session.execute(text(f"SELECT {cols} FROM history WHERE id > :a ORDER BY id LIMIT :n"),
                           {"a": after_id, "n": batch}).all()
    out = []
    for r in rows:
        (id_, case_id, at, actor, what, old, new, prev, hash_, salt, od, nd, red, tbl, row_id, data, dd) = r
        out.append(_Raw(int(id_), case_id, at, str(actor or ""), str(what or ""), str(old or ""), str(new or ""),
                        str(prev or ""), str(hash_ or ""), salt, od, nd, bool(red), tbl, row_id,
                        str(data or ""), dd))
    return out


def _has_row_columns(session: Session) -> bool:
    from sqlalchemy import inspect as sa_inspect

    cached = session.info.get("muse_row_columns")
    if cached is None:
        cached = "data_digest" in {c["name"] for c in sa_inspect(session.connection()).get_columns("history")}
        session.info["muse_row_columns"] = cached
    return bool(cached)


def _mismatch(entry_id: int, detail: str = "") -> str:
    """An entry that does not match its own hash. Whether it was changed after it was
    written or written that way (inserted into the table around MUSE Care and the
    database) cannot be told from the entry: the report says both."""
    return (f"entry {entry_id} does not match its hash{f' ({detail})' if detail else ''}: it was changed "
            "later, or never written by MUSE Care or the database (forged)")


def _shape_problem(r: _Raw) -> str | None:
    """An entry that claims to be what it cannot be: a word entry named like one of the
    database's row entries, or a row entry whose name does not fit its table."""
    from muse_care.store.history_sql import ROW_OPS

    if r.tbl is None:
        if r.what.startswith("row:"):
            return (f"entry {r.id} is named {_short(r.what)} like a row entry of the database, but names "
                    "no table: a forged row entry (the database writes those itself)")
        return None
    if r.data_digest is None or r.what not in {f"row:{r.tbl}:{op}" for op in ROW_OPS} \
            or (r.what.endswith(":take") and r.what != TAKE_WHAT):
        return (f"entry {r.id} is a row entry of {_short(str(r.tbl))} named {_short(r.what)}, which the "
                "database never writes: a forged row entry")
    if r.what != TAKE_WHAT and (r.old_value or r.new_value):
        return (f"entry {r.id} is a row entry of {_short(str(r.tbl))} that holds words, which only a "
                "take's entry does: a forged row entry")
    return None


def _raw_problem(r: _Raw) -> str | None:
    """What is wrong with one entry's own fields, or None."""
    at = _parse_at(r.at)
    if at is None:
        return f"entry {r.id} has an unreadable time ({_short(str(r.at))})"
    shape = _shape_problem(r)
    if shape:
        return shape
    if r.data_digest is not None:  # version 3: written by the database (a row entry, or a word entry since 0015)
        if r.old_digest is None or r.new_digest is None:
            return _mismatch(r.id, "digests missing")
        if r.redacted:
            if r.old_value or r.new_value or r.data:
                return _mismatch(r.id, "redacted, yet holds values")
        elif not _salt_ok(r.salt) or value_digest(r.salt or "", r.old_value) != r.old_digest \
                or value_digest(r.salt or "", r.new_value) != r.new_digest \
                or value_digest(r.salt or "", r.data) != r.data_digest:
            return _mismatch(r.id, "its values do not match their digests")
        if r.hash != entry_hash_v3(r.prev_hash, r.case_id, _stamp(at), r.actor, r.what, r.old_digest,
                                   r.new_digest, r.data_digest, r.tbl or "", r.row_id):
            return _mismatch(r.id)
        return None
    rec = HistoryRecord(id=r.id, case_id=r.case_id, at=at, actor=r.actor, what=r.what, old_value=r.old_value,
                        new_value=r.new_value, prev_hash=r.prev_hash, hash=r.hash, salt=r.salt,
                        old_digest=r.old_digest, new_digest=r.new_digest, redacted=r.redacted)
    return None if _entry_ok(rec) else _mismatch(r.id)


def _salt_ok(salt: str | None) -> bool:
    return salt is not None and len(salt) == 32 and _is_hex(salt)


def _short(value: str, limit: int = 40) -> str:
    from muse_care.domain.safe_text import shown

    return shown(value, limit)


def audit(session: Session, given: Seal | None = None, batch: int = 5000) -> AuditReport:
    """``muse-care audit verify``: every hash, the chain against the seal (and against an
    older seal ``given``, which must be a prefix), forged redactions, and each case's
    row entries replayed against the rows as they are. Never raises for damaged data:
    each problem names its entry or row."""
    problems: list[str] = []
    notes: list[str] = []
    prev, count, last_id = GENESIS, 0, 0
    given_ok: bool | None = None
    redacted_cases: dict[int, int] = {}
    broken = False
    while True:
        rows = _raw_entries(session, last_id, batch)
        if not rows:
            break
        for r in rows:
            if not broken and r.prev_hash != prev:
                problems.append(f"entry {r.id} does not follow the entry before it "
                                "(an entry was removed or inserted)")
                broken = True
            problem = _raw_problem(r)
            if problem:
                problems.append(problem)
                broken = True
            count += 1
            if given is not None and count == given.entries:
                given_ok = r.hash == given.head
            if r.redacted and r.case_id is not None:
                redacted_cases.setdefault(r.case_id, r.id)
            prev, last_id = r.hash, r.id
        if len(problems) > 50:
            problems.append("(more problems not listed)")
            break
    if given is not None:
        if given.entries == 0:
            given_ok = given.head == GENESIS
        if given_ok is None:
            problems.append(f"the given seal {given.entries}:{given.head[:12]}… is not a prefix of the history: "
                            f"the history has only {count} entries (entries were removed)")
        elif not given_ok:
            problems.append(f"the given seal {given.entries}:{given.head[:12]}… is not a prefix of the history: "
                            f"entry number {given.entries} has another hash (the history was rewritten)")
    seal = _check_seal(session, count, prev, problems, notes)
    cases = _replay(session, redacted_cases, problems)
    if _has_row_columns(session):
        _outside_changes(session, problems)
        _letters_as_made(session, problems)
        _run_lists(session, problems)
        _take_check(session, problems)
    _clock_check(session, problems)
    return AuditReport(not problems, count, tuple(problems), seal, tuple(notes), cases)


def current_seal(session: Session) -> Seal | None:
    """The register's seal as it stands (None before migration 0007)."""
    from sqlalchemy import inspect as sa_inspect

    if not sa_inspect(session.connection()).has_table("history_seal"):
        return None
    row = session.execute(text("SELECT entries, head FROM history_seal WHERE id = 1")).first()
    return Seal(int(row[0]), str(row[1])) if row else None


def _check_seal(session: Session, count: int, head: str, problems: list[str], notes: list[str]) -> Seal | None:
    from sqlalchemy import inspect as sa_inspect

    from muse_care.store.history_sql import seal_mac

    if not sa_inspect(session.connection()).has_table("history_seal"):
        notes.append("this register has no seal yet (run muse-care db upgrade)")
        return None
    row = session.execute(text("SELECT entries, head, db_id, mac FROM history_seal WHERE id = 1")).first()
    if row is None:
        problems.append("the seal is missing (it was deleted)")
        return None
    entries, sealed_head, db_id, mac = int(row[0]), str(row[1]), row[2], row[3]
    seal = Seal(entries, sealed_head)
    if session.get_bind().dialect.name == "sqlite":
        expected = seal_mac(db_id, entries, sealed_head)
        if expected is None:
            notes.append("the seal's HMAC was not checked: this computer's keychain holds no key for "
                         "this register (or there is no keychain)")
        elif mac != expected:
            problems.append("the seal was rewritten: its HMAC does not match the key in the keychain")
    if count < entries:
        problems.append(f"{entries - count} entr{'y is' if entries - count == 1 else 'ies are'} missing at "
                        f"the end: the seal counts {entries}, the history has {count} (truncated)")
    elif count > entries:
        problems.append(f"{count - entries} entr{'y was' if count - entries == 1 else 'ies were'} added "
                        f"around the seal: it counts {entries}, the history has {count}")
    elif head != sealed_head:
        problems.append("the newest entry is not the sealed one: the history was rewritten "
                        "(hashes recomputed)")
    return seal


def _replay(session: Session, redacted_cases: dict[int, int], problems: list[str], chunk: int = 2000) -> int:
    """Each case's row entries, applied in order, must give the rows as they are."""
    from muse_care.store import history_sql

    if not _has_row_columns(session):
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SET LOCAL TimeZone = 'UTC'"))
    images = {}
    conn = session.connection()
    for table in history_sql.GUARDED:
        if dialect == "sqlite":
            cols = history_sql._sqlite_columns(conn, table)
            images[table] = history_sql.sqlite_image(table, cols, "t")
        else:
            images[table] = history_sql.pg_image_sql(table, "t")
    max_case = session.execute(text("SELECT max(id) FROM cases")).scalar() or 0
    max_hist_case = session.execute(text("SELECT max(case_id) FROM history")).scalar() or 0
    top = max(int(max_case), int(max_hist_case))
    checked = 0
    for lo in range(1, top + 1, chunk):
        hi = lo + chunk - 1
        cases = {int(r[0]): (str(r[1]), r[2]) for r in session.execute(
            text("SELECT id, reference, anonymised_at FROM cases WHERE id BETWEEN :a AND :b"),
            {"a": lo, "b": hi}).all()}
        checked += len(cases)
        for case_id, first in redacted_cases.items():
            if lo <= case_id <= hi and (case_id not in cases or cases[case_id][1] is None):
                ref = cases[case_id][0] if case_id in cases else f"#{case_id}"
                problems.append(f"entry {first}: history of case {ref} was redacted, but the case was "
                                "never anonymised (a forged redaction)")
        state: dict[tuple[str, int], dict[str, object] | None | str] = {}
        for tbl, row_id, data, redacted, what in session.execute(text(
                "SELECT tbl, row_id, data, redacted, what FROM history WHERE case_id BETWEEN :a AND :b "
                "AND tbl IS NOT NULL ORDER BY id"), {"a": lo, "b": hi}).all():
            key = (str(tbl), int(row_id))
            if str(what).endswith(":delete"):
                state[key] = None
            elif redacted:
                state[key] = "redacted"
            else:
                state[key] = _image(str(data or ""))
        for table in history_sql.GUARDED:
            if table == "letter_prints":  # a print's case is its letter's
                source, case_col = "letter_prints t JOIN letters l ON l.id = t.letter_id", "l.case_id"
            else:
                source, case_col = f"{table} t", "t.id" if table == "cases" else "t.case_id"
            current = session.execute(text(
                f"SELECT t.id, {case_col}, {images[table]} FROM {source} "
                f"WHERE {case_col} BETWEEN :a AND :b ORDER BY t.id"), {"a": lo, "b": hi}).all()
            seen = set()
            for row_id, case_id, image in current:
                key = (table, int(row_id))
                seen.add(key)
                ref = cases.get(int(case_id), (f"#{case_id}", None))[0]
                known = state.get(key, "missing")
                if known == "missing" or known is None:
                    problems.append(f"case {ref}: {table} row {row_id} has no history entry "
                                    "(written around the database's triggers)")
                    continue
                if known == "redacted":
                    continue
                assert isinstance(known, dict)
                now_image = _image(str(image or ""))
                for field_name, value in now_image.items():
                    if field_name in known and not _same(known[field_name], value):
                        problems.append(f"case {ref}: {table} row {row_id} field {field_name} is "
                                        f"{_short(str(value))!s} but its history says "
                                        f"{_short(str(known[field_name]))!s} (an unexplained change)")
                if len(problems) > 200:
                    return checked
            for key, known in state.items():
                if key[0] == table and key not in seen and known is not None:
                    problems.append(f"{table} row {key[1]} was removed without a history entry")
    return checked


def _same(a: object, b: object) -> bool:
    """Values of a row image, equal across SQLite's and PostgreSQL's JSON spellings
    (booleans as 0/1, timestamps with 'T' or a space, with or without the zone)."""
    if a == b:
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        try:
            return bool(a) == bool(b) and {a, b} <= {0, 1, True, False}
        except TypeError:
            return False
    if isinstance(a, str) and isinstance(b, str):
        da, db_ = _parse_at(a), _parse_at(b)
        if da is not None and db_ is not None and len(a) > 10 and len(b) > 10:
            return da == db_
    return False


_EXPLAINED_OPS = (":baseline", ":load")
"""Row entries MUSE Care writes without a word entry: a migration's baseline of the
rows as they were, and a bulk load's record of what it loaded (``store/history_sql.py``)."""


_EMPTY_DIGEST = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # anonymised: no PDF


def _run_lists(session: Session, problems: list[str], limit: int = 50) -> None:
    """Each letter on a print run's list (``print_run_letters``, which nothing guards) has
    the print log's entry of its print in that run (``letter_prints``, guarded and
    append-only); one without it was put on the list outside MUSE Care, and dispatching
    the run holds it back (services/print_log.py, ``runs_of``). The other way, each print
    in a run has its letter on the run's list and the run recorded; one without was taken
    off the list, or its run deleted."""
    from sqlalchemy import inspect as sa_inspect

    from muse_care.services.print_log import run_label, run_of_label
    from muse_care.store.models import (
        CaseRecord,
        LetterPrintRecord,
        LetterRecord,
        PrintRunLetterRecord,
        PrintRunRecord,
    )

    tables = sa_inspect(session.connection())
    if not (tables.has_table("print_run_letters") and tables.has_table("letter_prints")):
        return
    printed = set(session.execute(select(LetterPrintRecord.letter_id, LetterPrintRecord.run_label).where(
        LetterPrintRecord.run_label.like("run %"))).all())
    rows = session.execute(select(PrintRunLetterRecord.run_id, PrintRunRecord.run_date,
                                  PrintRunLetterRecord.letter_id, CaseRecord.reference)
                           .join(PrintRunRecord, PrintRunRecord.id == PrintRunLetterRecord.run_id)
                           .join(LetterRecord, LetterRecord.id == PrintRunLetterRecord.letter_id)
                           .join(CaseRecord, CaseRecord.id == LetterRecord.case_id)
                           .order_by(PrintRunLetterRecord.run_id, PrintRunLetterRecord.position))
    found = 0
    listed: set[tuple[int, str]] = set()
    labels: dict[str, int] = {}
    for run_id, run_date, letter_id, reference in rows:
        label = run_label(run_id, run_date)
        listed.add((letter_id, label))
        labels[label] = run_id
        if (letter_id, label) in printed:
            continue
        found += 1
        if found > limit:
            problems.append("(more letters on print runs' lists not listed)")
            return
        problems.append(f"case {reference}: letter {letter_id} is on print run {run_id}'s list but the print "
                        "log has no print of it in that run: the list was changed outside MUSE Care")
    # MUSE Care never takes a letter off a run's list (services/print_log.py, ``printed_in``).
    taken = sorted(printed - listed)
    if taken:
        labels.update({run_label(i, d): i for i, d in session.execute(
            select(PrintRunRecord.id, PrintRunRecord.run_date)).all()})
    for letter_id, label in taken:
        taken_from = labels.get(label)
        if taken_from is None and run_of_label(label) is None:
            continue  # "run DAY": printed in a run before runs were recorded (migration 0006)
        found += 1
        if found > limit:
            problems.append("(more letters taken off print runs' lists not listed)")
            return
        ref = session.execute(select(CaseRecord.reference).join(
            LetterRecord, LetterRecord.case_id == CaseRecord.id).where(LetterRecord.id == letter_id)).scalar()
        if taken_from is None:
            problems.append(f"case {ref}: letter {letter_id} was printed in {label} (the print log says so) but "
                            "no such print run is recorded: the run was deleted or changed outside MUSE Care")
            continue
        problems.append(f"case {ref}: letter {letter_id} was printed in print run {taken_from} (the print "
                        "log says so) but is not on the run's list: the list was changed outside MUSE Care")


def _letters_as_made(session: Session, problems: list[str], limit: int = 50) -> None:
    """Each letter's PDF in its row entries, which the database writes: after the first,
    the same PDF, or none (anonymisation). A different one is a letter replaced after it
    was made, whatever word entries came with it (an outside tester forged one through
    the history's own writer, from an agent's login; docs/security.md, "Audit")."""
    from muse_care.store.models import CaseRecord

    h = HistoryRecord
    first: dict[int, str] = {}
    found = 0
    rows = session.execute(select(h.id, h.row_id, h.case_id, h.actor, h.at, h.data).where(
        h.tbl == "letters", h.redacted.is_(False)).order_by(h.row_id, h.id)).yield_per(5000)
    refs: dict[int, str] = {}
    for entry_id, row_id, case_id, actor, at, data in rows:
        digest = str(_image(str(data or "")).get("pdf") or "").lower()
        if not digest or digest == _EMPTY_DIGEST or row_id is None:
            continue
        case_id = int(case_id or 0)
        made = first.setdefault(int(row_id), digest)
        if digest == made:
            continue
        found += 1
        if found > limit:
            problems.append("(more letters replaced not listed)")
            return
        if case_id not in refs:
            refs[case_id] = session.execute(select(CaseRecord.reference).where(
                CaseRecord.id == case_id)).scalar_one_or_none() or f"#{case_id}"
        when = _parse_at(at) or at
        when_s = when.strftime("%Y-%m-%d %H:%M") if isinstance(when, datetime) else str(when)
        problems.append(f"case {refs[case_id]}: letter {row_id}'s PDF was replaced after it was made, by "
                        f"{actor} at {when_s} (entry {entry_id}): it is not the letter MUSE Care made")
        first[int(row_id)] = digest  # named once; a later change again is named again


def _outside_changes(session: Session, problems: list[str], limit: int = 200) -> None:
    """Each row entry whose transaction wrote no word entry for its case: a change made
    outside MUSE Care (raw SQL), named by table, fields, who and when
    (docs/security.md, "History the database writes")."""
    h = HistoryRecord
    rows = session.execute(text(
        "SELECT r.id, r.case_id, r.tbl, r.row_id, r.what, r.actor, r.at, r.data, r.redacted, c.reference "
        "FROM history r LEFT JOIN cases c ON c.id = r.case_id "
        "WHERE r.tbl IS NOT NULL AND r.what NOT LIKE :baseline AND r.what NOT LIKE :load AND r.what <> :take "
        "AND NOT EXISTS (SELECT 1 FROM history w WHERE w.tbl IS NULL AND w.txn = r.txn "
        "                AND (w.case_id = r.case_id OR (w.case_id IS NULL AND r.case_id IS NULL))) "
        "ORDER BY r.id LIMIT :n"), {"n": limit + 1, "baseline": "%:baseline", "load": "%:load",
                                    "take": TAKE_WHAT}).all()
    for n, (entry_id, case_id, tbl, row_id, what, actor, at, data, redacted, reference) in enumerate(rows):
        if n == limit:
            problems.append("(more changes outside MUSE Care not listed)")
            break
        ref = reference or f"#{case_id}"
        when = _parse_at(at) or at
        when_s = when.strftime("%Y-%m-%d %H:%M") if isinstance(when, datetime) else str(when)
        if str(what).endswith(":delete"):
            problems.append(f"case {ref}: {tbl} row {row_id} deleted outside MUSE Care by {actor} "
                            f"at {when_s} (entry {entry_id}; no MUSE Care entry)")
            continue
        after = _image(str(data or "")) if not redacted else {}
        prev = session.execute(select(h.data, h.redacted).where(h.tbl == tbl, h.row_id == row_id, h.id < entry_id)
                               .order_by(h.id.desc()).limit(1)).first()
        before = _image(str(prev[0] or "")) if prev is not None and not prev[1] else {}
        if str(what).endswith(":insert"):
            fields = "a new row"
        else:
            changed = [k for k in after if k != "version" and not _same(after.get(k), before.get(k))]
            fields = ", ".join(f"{k} {_short(str(before.get(k)))} -> {_short(str(after.get(k)))}"
                               for k in changed) or "no field"
        problems.append(f"case {ref}: {tbl} changed outside MUSE Care by {actor} at {when_s} "
                        f"(row {row_id}, entry {entry_id}; no MUSE Care entry): {fields}")


def _take_check(session: Session, problems: list[str], limit: int = 200) -> None:
    """Each take entry (``row:cases:take``, migration 0024) is its own word: it must be
    a take, against the case's image before it: the case was free, it now has an
    assignee, the word names that assignee, and nothing but ``TAKE_FIELDS`` changed.
    Anything else is a change outside MUSE Care dressed as a take."""
    rows = session.execute(text(
        "SELECT t.id, t.data, t.redacted, t.old_value, t.new_value, t.actor, t.at, t.prev_data, t.prev_redacted, "
        "c.reference, t.row_id FROM (SELECT h.id, h.what, h.data, h.redacted, h.old_value, h.new_value, h.actor, "
        "h.at, h.row_id, lag(h.data) OVER w AS prev_data, lag(h.redacted) OVER w AS prev_redacted, "
        "lag(h.id) OVER w AS prev_id FROM history h WHERE h.tbl = 'cases' WINDOW w AS (PARTITION BY h.row_id "
        "ORDER BY h.id)) t LEFT JOIN cases c ON c.id = t.row_id WHERE t.what = :take ORDER BY t.id"),
        {"take": TAKE_WHAT})
    flagged = 0
    for entry_id, data, redacted, old, new, actor, at, prev_data, prev_redacted, reference, row_id in rows:
        if redacted or prev_redacted:
            continue  # anonymised: the images are gone, the chain still holds the digests
        after, before = _image(str(data or "")), _image(str(prev_data or ""))
        changed = sorted(k for k in set(after) | set(before)
                         if k not in TAKE_FIELDS and not _same(after.get(k), before.get(k)))
        assignee = after.get("assignee")
        why = ("no earlier entry of the case" if prev_data is None else
               "the case was not free" if before.get("assignee") not in ("", None) else
               "it gives the case no assignee" if not assignee else
               f"it also changes {', '.join(changed)}" if changed else
               "its words do not name the assignee" if (old, new) != ("", f"{assignee} {TAKE_NOTE}") else "")
        if not why:
            continue
        when = _parse_at(at) or at
        when_s = when.strftime("%Y-%m-%d %H:%M") if isinstance(when, datetime) else str(when)
        problems.append(f"case {reference or f'#{row_id}'}: entry {entry_id} is named a take by {actor} at "
                        f"{when_s}, but {why}: a change outside MUSE Care")
        flagged += 1
        if flagged >= limit:
            problems.append("(more entries named takes not listed)")
            return


def _clock_check(session: Session, problems: list[str], chunk: int = 2000) -> None:
    """Each case's dates, recomputed from its recorded clock events under its regime,
    received date, holiday region and rights (``domain/clock.py``), must be the ones
    stored: otherwise someone rewrote them (docs/security.md, "Audit")."""
    from muse_care.domain.clock import ClockEvent, ClockEventKind, compute_clock, held_due, until_sent
    from muse_care.domain.regimes import get_regime
    from muse_care.store.models import CaseRecord, ClockEventRecord, LetterRecord

    last = 0
    flagged = 0
    while True:
        recs = session.execute(
            select(CaseRecord.id, CaseRecord.reference, CaseRecord.regime, CaseRecord.received_date,
                   CaseRecord.holiday_region, CaseRecord.rights, CaseRecord.clock_start, CaseRecord.due_date,
                   CaseRecord.original_due, CaseRecord.extended, CaseRecord.extended_to,
                   CaseRecord.extension_told_on)
            .where(CaseRecord.id > last, CaseRecord.anonymised_at.is_(None))
            .order_by(CaseRecord.id).limit(chunk)).all()
        if not recs:
            return
        last = recs[-1][0]
        events: dict[int, list[ClockEvent]] = {}
        unsent: dict[int, list[bool]] = {}  # each event: its request letter has not gone out
        sent = set(session.execute(select(LetterRecord.id).where(
            LetterRecord.case_id.between(recs[0][0], last), LetterRecord.dispatched_on.is_not(None))).scalars())
        for case_id, kind, on, reason, letter_id in session.execute(
                select(ClockEventRecord.case_id, ClockEventRecord.kind, ClockEventRecord.on_date,
                       ClockEventRecord.reason, ClockEventRecord.letter_id)
                .where(ClockEventRecord.case_id.between(recs[0][0], last), ClockEventRecord.voided_on.is_(None))
                .order_by(ClockEventRecord.case_id, ClockEventRecord.id)):
            events.setdefault(case_id, []).append(ClockEvent(ClockEventKind(kind), on, reason))
            unsent.setdefault(case_id, []).append(letter_id is not None and letter_id not in sent)
        for (case_id, ref, regime, received, region, rights, start, due, original, extended, extended_to,
             told_on) in recs:
            try:
                state = compute_clock(get_regime(regime), received, events.get(case_id, []), region,
                                      rights=[r for r in (rights or "").split(",") if r])
            except Exception as exc:  # noqa: BLE001 - any unreadable clock is a finding
                problems.append(f"case {ref}: its clock cannot be recomputed from its events ({exc})")
                continue
            # an extension holds once told (domain/clock.held_due); a case extended
            # before migration 0027 has no extended_to and keeps the dates of its time
            legacy = state.extended and extended_to is None and told_on is None
            held = state.due if legacy else held_due(state, told_on)[0]
            # a request counts once its letter goes out (domain/clock.until_sent)
            until = until_sent(get_regime(regime), received, events.get(case_id, []), unsent.get(case_id, []),
                               region, [r for r in (rights or "").split(",") if r], told_on)[0]
            held = until if until is not None else held
            for name, stored, lawful in (("clock_start", start, state.start), ("due_date", due, held),
                                         ("original_due", original, state.original_due),
                                         ("extended", bool(extended), state.extended),
                                         ("extended_to", extended_to,
                                          None if legacy or not state.extended else state.due)):
                if stored != lawful:
                    problems.append(f"case {ref}: {name} is {_fmt(stored)} but its clock events give "
                                    f"{_fmt(lawful)} (received {_fmt(received)}, {regime}): the dates "
                                    "were rewritten")
                    flagged += 1
            if flagged > 200:
                problems.append("(more cases with rewritten dates not listed)")
                return


def _fmt(value: object) -> str:
    if value is None:
        return "none"
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
