"""Staying in step with the team and with the server: change notifications
(LISTEN/NOTIFY), a connection monitor with back-off, and a retry helper.

Nothing here imports Qt. Callbacks run on the listener's or monitor's own thread; the
window connects them to Qt signals (queued to the GUI thread).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from muse_care.domain.errors import StorageUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

CASE_CHANNEL = "muse_case_changed"
APPROVAL_CHANNEL = "muse_approval_changed"
SETTING_CHANNEL = "muse_setting_changed"  # payload: the setting's key (migration 0012)


def backoff_delays(first: float = 0.5, maximum: float = 10.0, factor: float = 2.0) -> Any:
    """0.5, 1, 2, 4, 8, 10, 10, … seconds."""
    delay = first
    while True:
        yield delay
        delay = min(maximum, delay * factor)


def retry(fn: Callable[[], T], *, attempts: int = 5, first_delay: float = 0.5, max_delay: float = 10.0,
          on_retry: Callable[[int, BaseException], None] | None = None,
          sleep: Callable[[float], None] = time.sleep) -> T:
    """Call ``fn``; while it raises :class:`StorageUnavailable`, wait (backing off) and try
    again, up to ``attempts`` calls in all. Other errors go straight through."""
    delays = backoff_delays(first_delay, max_delay)
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except StorageUnavailable as exc:
            if attempt == attempts:
                raise
            if on_retry is not None:
                on_retry(attempt, exc)
            sleep(next(delays))
    raise AssertionError("unreachable")


def register_probe(register: Any) -> Callable[[], None]:
    """A probe for :class:`ConnectionMonitor`: one ``SELECT 1`` through the register's pool
    (pre-ping replaces connections the server dropped)."""
    from muse_care.store import db

    def probe() -> None:
        try:
            with register.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception as exc:  # noqa: BLE001 - classified
            classified = db.classify(exc)
            raise (classified if isinstance(classified, StorageUnavailable)
                   else StorageUnavailable(str(exc))) from exc
    return probe


class ConnectionMonitor:
    """Watches the database: probes it every ``interval`` seconds while it is up, and with
    back-off (``first_delay`` doubling to ``max_delay``) while it is down.
    ``on_change(up, message)`` is called on each change, from the monitor's thread.

    A service call that fails with StorageUnavailable should call :meth:`report_failure`
    so the monitor re-probes at once instead of at the next interval. The idle interval
    is 3 s: one ``SELECT 1`` per window every 3 s is nothing for the server, and an idle
    window learns of an outage within about 3 s plus the connect timeout.
    """

    def __init__(self, probe: Callable[[], None], on_change: Callable[[bool, str], None], *,
                 interval: float = 3.0, first_delay: float = 0.5, max_delay: float = 10.0) -> None:
        self._probe = probe
        self._on_change = on_change
        self.interval = interval
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._up = True
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error = ""

    @property
    def is_up(self) -> bool:
        return self._up

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="muse-db-monitor", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def report_failure(self, exc: BaseException | None = None) -> None:
        self._wake.set()

    def _check(self) -> bool:
        try:
            self._probe()
            return True
        except Exception as exc:  # noqa: BLE001 - any failure means down
            self.last_error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return False

    def _set(self, up: bool) -> None:
        if up != self._up:
            self._up = up
            try:
                self._on_change(up, "" if up else self.last_error)
            except Exception:  # noqa: BLE001 - a broken callback must not kill the monitor
                log.exception("connection monitor callback failed")

    def _run(self) -> None:
        delays = backoff_delays(self.first_delay, self.max_delay)
        while not self._stop.is_set():
            up = self._check()
            self._set(up)
            if up:
                delays = backoff_delays(self.first_delay, self.max_delay)
                self._wake.wait(self.interval)
            else:
                self._stop.wait(next(delays))
            self._wake.clear()


class ChangeListener:
    """Listens for other people's changes on its own psycopg connection and thread.

    ``on_case(case_id, version)`` for each changed case; ``case_id`` is None when many
    cases changed at once (a bulk load: refresh everything). ``on_approval(approval_id,
    case_id)`` for approval requests and decisions. ``on_setting(key)`` when an
    organisation setting changed (``for_register`` drops it from that register's cache,
    so the next read sees the new value). ``on_status(up)`` when the listening
    connection is lost or back; after a reconnect, notifications sent meanwhile are lost,
    so ``on_status(True)`` is the moment to refresh what is on screen.

    ``connect_kwargs`` is a callable returning ``psycopg.connect`` arguments (called at
    each (re)connect, so the password comes fresh from the keychain).
    """

    def __init__(self, connect_kwargs: Callable[[], dict[str, Any]],
                 on_case: Callable[[int | None, int | None], None], *,
                 on_approval: Callable[[int, int], None] | None = None,
                 on_status: Callable[[bool], None] | None = None,
                 on_setting: Callable[[str], None] | None = None,
                 poll_timeout: float = 0.5, first_delay: float = 0.5, max_delay: float = 10.0,
                 keepalive: float = 10.0) -> None:
        self.keepalive = keepalive
        self._connect_kwargs = connect_kwargs
        self._on_case = on_case
        self._on_approval = on_approval
        self._on_status = on_status
        self._on_setting = on_setting
        self.poll_timeout = poll_timeout
        self.first_delay = first_delay
        self.max_delay = max_delay
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()
        self.reconnects = 0

    @classmethod
    def for_register(cls, register: Any, on_case: Callable[[int | None, int | None], None],
                     server: Any = None, **kw: Any) -> ChangeListener:
        from muse_care.services.team import psycopg_connect_kwargs

        kw.setdefault("on_setting", register.forget_settings)
        return cls(lambda: psycopg_connect_kwargs(register.engine, server), on_case, **kw)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="muse-change-listener", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _status(self, up: bool) -> None:
        if up:
            self.connected.set()
        else:
            self.connected.clear()
        if self._on_status is not None:
            try:
                self._on_status(up)
            except Exception:  # noqa: BLE001
                log.exception("listener status callback failed")

    def _dispatch(self, channel: str, payload: str) -> None:
        try:
            if channel == CASE_CHANNEL:
                if payload == "*":
                    self._on_case(None, None)
                else:
                    case_id, version = payload.split(",", 1)
                    self._on_case(int(case_id), int(version))
            elif channel == APPROVAL_CHANNEL and self._on_approval is not None:
                approval_id, case_id = payload.split(",", 1)
                self._on_approval(int(approval_id), int(case_id))
            elif channel == SETTING_CHANNEL and self._on_setting is not None:
                self._on_setting(payload)
        except Exception:  # noqa: BLE001 - a bad payload or callback must not stop listening
            log.exception("change notification %r on %s not handled", payload, channel)

    def _run(self) -> None:
        import psycopg

        delays = backoff_delays(self.first_delay, self.max_delay)
        ever_connected = False
        while not self._stop.is_set():
            try:
                conn = psycopg.connect(autocommit=True, **self._connect_kwargs())
            except Exception as exc:  # noqa: BLE001 - server away: wait and retry
                log.info("change listener cannot connect: %s", str(exc).splitlines()[0] if str(exc) else exc)
                self._stop.wait(next(delays))
                continue
            try:
                conn.execute(f"LISTEN {CASE_CHANNEL}")
                conn.execute(f"LISTEN {APPROVAL_CHANNEL}")
                conn.execute(f"LISTEN {SETTING_CHANNEL}")
                if ever_connected:
                    self.reconnects += 1
                ever_connected = True
                delays = backoff_delays(self.first_delay, self.max_delay)
                self._status(True)
                last_check = time.monotonic()
                while not self._stop.is_set():
                    for n in conn.notifies(timeout=self.poll_timeout):
                        self._dispatch(n.channel, n.payload)
                        if self._stop.is_set():
                            break
                    if conn.closed or conn.broken:
                        raise psycopg.OperationalError("the listening connection was closed")
                    if time.monotonic() - last_check > self.keepalive:
                        conn.execute("SELECT 1")  # a silently dropped network shows up here
                        last_check = time.monotonic()
            except psycopg.Error as exc:
                log.info("change listener lost the server: %s", str(exc).splitlines()[0] if str(exc) else exc)
                self._status(False)
                self._stop.wait(next(delays))
            finally:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001
                    pass
