"""The server stopped and started during a session: services raise StorageUnavailable,
the monitor reports down then up, the listener reconnects, work carries on.

The outage is kept to a few seconds: other tests may be using the same server."""

from __future__ import annotations

import os
import queue
import subprocess
import time

import pytest

from muse_care.domain.errors import StorageUnavailable
from muse_care.services import cases
from muse_care.services.team_live import ChangeListener, ConnectionMonitor, register_probe, retry
from team_support import add_cases, ping_pooled_connections_from_now_on

pytestmark = pytest.mark.pg


def _cluster() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def _ctl(action: str) -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", action],
                   check=True, capture_output=True, timeout=60)


def _wait_ready(timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-U", "postgres"],
                          capture_output=True).returncode == 0:
            return
        time.sleep(0.2)
    raise AssertionError("the server did not come back")


def test_server_stopped_and_started_during_a_session(make_login, client) -> None:
    agent = make_login("agent")
    reg = client(agent)
    case_id = add_cases(reg, 1)[0]
    events: queue.Queue = queue.Queue()
    changes: queue.Queue = queue.Queue()
    monitor = ConnectionMonitor(register_probe(reg), lambda up, msg: events.put(up),
                                interval=0.3, first_delay=0.2, max_delay=0.5)
    listener = ChangeListener.for_register(reg, lambda cid, ver: changes.put(cid),
                                           on_status=lambda up: events.put(("listener", up)),
                                           poll_timeout=0.2, first_delay=0.2, max_delay=0.5)
    monitor.start()
    listener.start()
    try:
        assert listener.connected.wait(10)
        assert events.get(timeout=5) == ("listener", True)
        try:
            _ctl("stop")
            with pytest.raises(StorageUnavailable):
                cases.assign(reg, case_id, agent)
            monitor.report_failure()
            seen = {events.get(timeout=10) for _ in range(2)}
            assert seen == {False, ("listener", False)}
            assert not monitor.is_up
        finally:
            _ctl("start")
            _wait_ready()
            ping_pooled_connections_from_now_on()
        seen = {events.get(timeout=20) for _ in range(2)}
        assert seen == {True, ("listener", True)}
        assert monitor.is_up and listener.reconnects == 1
        # the work typed during the outage goes through now, retried by the helper
        view = retry(lambda: cases.assign(reg, case_id, agent), attempts=5, first_delay=0.2)
        assert view.assignee == agent  # (an agent takes a case; only a lead hands one to another)
        assert changes.get(timeout=5) == case_id
    finally:
        listener.stop()
        monitor.stop()


def test_retry_gives_up_after_attempts_and_passes_other_errors() -> None:
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise StorageUnavailable("down")
        return "ok"

    waits: list[float] = []
    assert retry(flaky, sleep=waits.append) == "ok" and waits == [0.5, 1.0]
    with pytest.raises(StorageUnavailable):
        retry(lambda: (_ for _ in ()).throw(StorageUnavailable("down")), attempts=2, sleep=lambda s: None)
    with pytest.raises(KeyError):
        retry(lambda: {}["x"], sleep=lambda s: None)
