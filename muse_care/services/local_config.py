"""Settings of this machine and this person: display name, database, crash logs.

Files here are private (0600 in 0700 folders; docs/security.md, "Files on disk").
Which keys there are, and what each means, is declared once in
``muse_care.services.settings`` (scope ``MACHINE``); this module only keeps the file.

Kept in a small JSON file in the platform's user config folder (never a password: those
go to the OS keychain). Organisation-wide settings are in the database instead.
"""

from __future__ import annotations

import getpass
import json
import os
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any

from muse_care.domain.actor import Actor
from muse_care.domain.private_files import private_dir, sweep_partials, write_private
from muse_care.domain.validation import clean_text

CONFIG_ENV = "MUSE_CARE_CONFIG_DIR"


def config_dir() -> Path:
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    import platformdirs

    return Path(platformdirs.user_config_dir("MUSE Care", "THE MUSE-LVM"))


def log_dir() -> Path:
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]) / "logs"
    import platformdirs

    return Path(platformdirs.user_log_dir("MUSE Care", "THE MUSE-LVM"))


def load() -> dict[str, Any]:
    path = config_dir() / "config.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save(values: dict[str, Any]) -> None:
    """Write atomically and privately (0600 in a 0700 folder): a crash leaves the old
    file, never half a file."""
    folder = private_dir(config_dir())
    merged = {**load(), **values}
    write_private(folder / "config.json",
                  json.dumps(merged, indent=2, ensure_ascii=False).encode("utf-8"), "config")


def sweep_at_start() -> None:
    """Remove the temporary files a killed write left in the config and log folders."""
    for folder in (config_dir(), log_dir()):
        try:
            sweep_partials(folder)
        except OSError:
            pass


def current_actor(as_user: str | None = None) -> Actor:
    cfg = load()
    try:
        system_login = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some systems
        system_login = "agent"
    login = clean_text("user", as_user or os.environ.get("MUSE_CARE_USER") or cfg.get("login")
                       or system_login, max_len=100, required=True)
    display = clean_text("display name", cfg.get("display_name") or login, max_len=100) or login
    return Actor(login=login, display_name=display)


def log_crash() -> Path:
    """Write the current exception's traceback to a new log file and return its path.

    The log holds no personal data: the exception types, the code's frames and, for a
    database error, the SQL statement (its text has placeholders); never an exception's
    message or the statement's parameters, which may hold what someone typed. Each
    crash gets a file of its own (created exclusively, 0600 in a 0700 folder)."""
    import secrets
    import sys

    directory = private_dir(log_dir())
    text = _crash_text(sys.exc_info()[1])
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    while True:
        path = directory / f"crash-{stamp}-{os.getpid()}-{secrets.token_hex(3)}.log"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        return path


def _crash_text(exc: BaseException | None) -> str:
    lines: list[str] = []
    seen: set[int] = set()
    chain: list[BaseException] = []
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    for i, e in enumerate(reversed(chain)):
        if i:
            lines.append("\nwhich led to:\n")
        lines.append("Traceback (most recent call last):")
        for frame in traceback.extract_tb(e.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line}")
        kind = f"{type(e).__module__}.{type(e).__qualname__}"
        statement = getattr(e, "statement", None)
        orig = getattr(e, "orig", None)
        lines.append(f"{kind} (message withheld: it may hold personal data)")
        if isinstance(statement, str):
            lines.append(f"  SQL: {statement[:2000]}")
        if orig is not None:
            lines.append(f"  driver error: {type(orig).__module__}.{type(orig).__qualname__}")
    return "\n".join(lines) + "\n"
