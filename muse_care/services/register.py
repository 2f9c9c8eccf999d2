"""The register: one open database, who is working on it, and units of work.

Every service takes a :class:`Register`. A unit of work is one transaction: it commits
whole or, on any error (or a crash), leaves the database as it was. Driver errors the
user can act on (locked, unreachable) come out as ``StorageUnavailable``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from muse_care.domain.errors import StaleRecord
from muse_care.store import db


@dataclass(frozen=True)
class Actor:
    """Who is acting: recorded in every history entry."""

    login: str
    display_name: str
    role: str = "agent"  # agent | lead | admin


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

    def timezone(self) -> ZoneInfo:
        from muse_care.services.settings import organisation

        try:
            return ZoneInfo(organisation(self).timezone)
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

    def dispose(self) -> None:
        self.engine.dispose()
