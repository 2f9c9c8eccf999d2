"""Helpers for the team-mode tests (imported by the test modules)."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy.engine import make_url

from muse_care.services import cases
from muse_care.services.cases import CaseDraft
from muse_care.services.register import Register

FIXED_NOW = datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc)  # as in tests/conftest.py


def fixed_now() -> datetime:
    return FIXED_NOW


def draft(**kw: object) -> CaseDraft:
    base = dict(name="Ann Lee", rights=["access"], channel="email", received=date(2026, 11, 2),
                regime="uk-gdpr", email="ann@example.com")
    base.update(kw)
    return CaseDraft(**base)  # type: ignore[arg-type]


def url_for(url: str, login: str) -> str:
    return make_url(url).set(username=login).render_as_string(hide_password=False)


def add_cases(reg: Register, n: int, **kw: object) -> list[int]:
    out = []
    for i in range(n):
        values = {"received": date(2026, 10, 1 + (i % 28)), "name": f"Customer {i}", **kw}
        out.append(cases.add_case(reg, draft(**values)).id)
    return out


def _ping_on_checkout(dbapi_connection, _record, _proxy) -> None:  # noqa: ANN001
    import psycopg
    from sqlalchemy.exc import DisconnectionError

    if isinstance(dbapi_connection, psycopg.Connection):
        try:
            dbapi_connection.execute("SELECT 1")
            if not dbapi_connection.autocommit:
                dbapi_connection.rollback()
        except psycopg.Error as exc:
            raise DisconnectionError() from exc


def ping_pooled_connections_from_now_on() -> None:
    """After a server restart every engine's pooled connections are dead, including
    those of the shared fixtures (tests/conftest.py), which do not pre-ping. From now on
    each PostgreSQL checkout is pinged and a dead connection replaced (SQLAlchemy's
    pessimistic disconnect handling), for the rest of this test session."""
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    if not event.contains(Pool, "checkout", _ping_on_checkout):
        event.listen(Pool, "checkout", _ping_on_checkout)


class TcpProxy:
    """A real TCP relay in front of the PostgreSQL server, for outages that touch only
    this test: ``stop()`` closes the port and cuts every relayed connection (as a dropped
    network or a stopped server would), ``start()`` opens the same port again."""

    def __init__(self, target_host: str, target_port: int) -> None:
        import socket

        self.target = (target_host, target_port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listener = None
        self._conns: list = []
        self._lock = __import__("threading").Lock()

    def start(self) -> None:
        import socket
        import threading

        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.port))
        s.listen(64)
        self._listener = s
        threading.Thread(target=self._accept, args=(s,), daemon=True).start()

    def _accept(self, s) -> None:  # noqa: ANN001
        import socket
        import threading

        while True:
            try:
                client, _ = s.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not s:  # stopped meanwhile: this one is cut too
                    client.close()
                    upstream.close()
                    continue
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b) -> None:  # noqa: ANN001
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        finally:
            for x in (a, b):
                try:
                    x.close()
                except OSError:
                    pass

    def stop(self) -> None:
        import socket

        with self._lock:
            listener, self._listener = self._listener, None
            conns, self._conns = self._conns, []
        if listener is not None:
            listener.close()
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()
