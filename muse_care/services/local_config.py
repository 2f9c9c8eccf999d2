"""Settings of this machine and this person: display name, database, crash logs.

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

from muse_care.domain.validation import clean_text
from muse_care.services.register import Actor

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
    """Write atomically: a crash leaves the old file, never half a file."""
    path = config_dir() / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    merged = {**load(), **values}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(merged, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


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
    """Write the current exception's traceback to a log file and return its path."""
    directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"crash-{datetime.now():%Y%m%d-%H%M%S}.log"
    path.write_text(traceback.format_exc(), encoding="utf-8")
    return path
