"""What the window's start decides before Qt loads (docs/performance.md, "Start-up"):
which database, who is working, whether this is a first start or a team server, and
the queue's first page, whose read through ``sqlite3`` begins here on a thread of its
own so that it runs while PySide6 loads. No Qt and no SQLAlchemy here.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from muse_care.domain.actor import Actor


@dataclass
class Launch:
    url: str
    actor: Actor
    smoke: bool
    first_start: bool
    team_server: Any = None  # the saved team server (services/team.py), reached instead of url
    first_page: PageRead | None = None  # of a store.first_page.FirstPage or None


class PageRead:
    """The first page's read on its thread, as much of a ``concurrent.futures.Future``
    as the start uses (``done``, ``result``, ``add_done_callback``): importing
    ``concurrent.futures`` costs ~2 ms of the start's CPU before the first paint
    (docs/performance.md, "Fourth round")."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._finished = False
        self._value: Any = None
        self._error: BaseException | None = None
        self._callbacks: list[Callable[[PageRead], Any]] = []

    def finish(self, value: Any = None, error: BaseException | None = None) -> None:
        """Hold ``value`` (or ``error``); then call each callback added, on this thread."""
        with self._lock:
            self._value, self._error, self._finished = value, error, True
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(self)

    def done(self) -> bool:
        return self._finished

    def result(self) -> Any:
        """The value, or the error raised; only once ``done()``."""
        if not self._finished:
            raise RuntimeError("the first page has not been read yet")
        if self._error is not None:
            raise self._error
        return self._value

    def add_done_callback(self, callback: Callable[[PageRead], Any]) -> None:
        """``callback(self)`` once done: on the reading thread, or now if done already."""
        with self._lock:
            if not self._finished:
                self._callbacks.append(callback)
                return
        callback(self)


def read_first_page_soon(path: Path) -> PageRead:
    """Read the first page of ``path`` on a thread of its own; the read holds the
    ``FirstPage`` (or None when it cannot answer)."""
    read = PageRead()

    def run() -> None:
        try:
            from muse_care.services.queue_columns import PAGE_SIZE
            from muse_care.store.first_page import read_first_page

            page = read_first_page(path, PAGE_SIZE)
        except BaseException as exc:  # noqa: BLE001 - the window waits for the register instead
            read.finish(error=exc)
        else:
            read.finish(page)

    threading.Thread(target=run, name="muse-care-first-page", daemon=True).start()
    return read


def prepare(args: argparse.Namespace) -> Launch | None:
    """The start's decisions; None (having said why on stderr) when the input is wrong."""
    from muse_care.domain.errors import ValidationError
    from muse_care.services import local_config
    from muse_care.store.db import resolve_url, sqlite_file

    smoke = bool(getattr(args, "smoke_test", False))
    try:
        if smoke:
            folder = Path(tempfile.mkdtemp(prefix="muse-care-smoke-"))
            url = f"sqlite:///{folder / 'smoke.sqlite3'}"
        else:
            url = resolve_url(getattr(args, "db", None) or local_config.load().get("db") or None)
        actor = local_config.current_actor(getattr(args, "as_user", None))
    except ValidationError as exc:
        print(f"muse-care: {exc}", file=sys.stderr)
        return None
    path = sqlite_file(url)
    launch = Launch(url, actor, smoke, first_start=path is not None and not path.exists())
    if not smoke and not getattr(args, "db", None) and not os.environ.get("MUSE_CARE_DB"):
        config = local_config.load()
        # a server saved by `muse-care team connect` (setting "team_server"); only then is
        # the team service (and SQLAlchemy) loaded here
        if not config.get("db") and config.get("team_server") is not None:
            from muse_care.services import team

            launch.team_server = team.load_server_settings()
            if launch.team_server is not None:
                launch.first_start = False  # never offer demo data on a team's server
    if launch.team_server is None and path is not None and not launch.first_start:
        launch.first_page = read_first_page_soon(path)
    return launch
