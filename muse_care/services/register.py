"""The register: one open database, who is working on it, and units of work.

Every service takes a :class:`Register`. A unit of work is one transaction: it commits
whole or, on any error (or a crash), leaves the database as it was. Driver errors the
user can act on (locked, unreachable) come out as ``StorageUnavailable``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from muse_care.domain.actor import Actor as Actor  # re-exported (declared in the domain)
from muse_care.domain.errors import StaleRecord
from muse_care.store import db
from muse_care.store.models import SettingRecord

_NOT_SET = object()


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Register:
    def __init__(self, engine: Engine, actor: Actor,
                 now: Callable[[], datetime] = utc_now) -> None:
        self.engine = engine
        self.actor = actor
        self._now = now
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._settings_cache: dict[str, object] = {}
        self._settings_lock = threading.Lock()
        self._settings_generation = 0
        self._zone_of: tuple[Any, ZoneInfo] | None = None  # the stored organisation and its zone

    @classmethod
    def open(cls, url: str, actor: Actor, *, migrate: bool = True,
             now: Callable[[], datetime] = utc_now) -> Register:
        engine = db.make_engine(url)
        if migrate:
            db.upgrade(engine)
        return cls(engine, actor, now)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def now(self) -> datetime:
        return self._now()

    def stored_setting(self, key: str) -> Any:
        """The decoded value stored for an organisation setting, or None if it was never
        set; cached until :meth:`forget_settings`. Declarations, defaults and validation
        are in ``muse_care.services.settings``; this is only the storage."""
        with self._settings_lock:
            cached = self._settings_cache.get(key, _NOT_SET)
            generation = self._settings_generation
        if cached is not _NOT_SET:
            return cached
        with self.read() as session:
            row = session.get(SettingRecord, key)
            value = json.loads(row.value) if row is not None else None
        with self._settings_lock:
            if generation == self._settings_generation:  # nobody changed it while we read
                self._settings_cache[key] = value
        return value

    def forget_settings(self, *keys: str) -> None:
        """Drop cached settings (all with no keys): after a write here, or when the team
        server says another client changed one."""
        with self._settings_lock:
            self._settings_generation += 1
            for key in keys or tuple(self._settings_cache):
                self._settings_cache.pop(key, None)

    def timezone(self) -> ZoneInfo:
        from muse_care.domain.organisation import OrganisationProfile

        try:
            stored = self.stored_setting("organisation")
            known = self._zone_of
            if known is not None and known[0] is stored:  # the same cached value: its zone again
                return known[1]  # (checking the profile was half of a queue page's "today")
            zone = ZoneInfo(OrganisationProfile.from_dict(stored if isinstance(stored, dict) else {}).timezone)
            self._zone_of = (stored, zone)
            return zone
        except Exception:  # noqa: BLE001 - a bad zone name in settings falls back to UTC
            return ZoneInfo("UTC")

    def today(self) -> date:
        """Today in the organisation's time zone: the day requests are counted from."""
        return self.now().astimezone(self.timezone()).date()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            with db.storage_errors(), session.begin():
                conn = session.connection(execution_options={db.WRITE: True})
                db.begin_unit(conn, self.actor.login, self.now())
                try:
                    yield session
                    session.flush()
                finally:
                    db.end_unit(conn)
        except StaleDataError:
            raise StaleRecord("the record", "someone else", None) from None
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        session = self._sessions()
        try:
            with db.storage_errors():
                yield session
        finally:
            session.rollback()
            session.close()

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A plain connection for reads that need no ORM (the queue's pages): rolled back
        and closed after, errors classified as :meth:`read`'s."""
        with db.storage_errors(), self.engine.connect() as conn:
            try:
                yield conn
            finally:
                conn.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
