"""What every ``muse-care`` command module shares: exit codes, the parser class, argument
types, the register a command works on. No Qt, and nothing heavy at import time
(``muse-care --help`` loads only this and argparse).

The command modules import this module, never ``muse_care.cli.main``, which imports
them (``tests/test_architecture.py`` fails on any import cycle).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import date, time
from typing import Any

from muse_care.domain.errors import ValidationError

EXIT_OK, EXIT_BUG, EXIT_INPUT, EXIT_STORAGE = 0, 1, 2, 3
EXIT_NOT_DONE = 1
"""The command ran and what it asks could not be done, and it says why: the README's
"1 anything else" (``team take-next`` with no case to take)."""

COMMON_HELP: dict[str, str] = {
    "json": "print the result as JSON",
    "ref": "the case reference (e.g. MC-7KP-4QX9) or the case's number",
    "reason": "why, in a few words (kept in the case's history)",
    "as_of": "count days left as of this day, YYYY-MM-DD (default: today)",
    "output": "the file to write",
    "team_db": "database URL (default: the saved team server)",
    "item_ref": "the item's reference in its source (a recording or chat id)",
    "redaction_needed": "the item holds other people's data that must be redacted before disclosure",
    "redaction_done": "the redaction is done",
}
"""Help texts of options that many commands share, written once: an option added
without ``help=`` takes its text from here by its ``dest``."""


class UsageError(Exception):
    pass


class _Once(argparse._StoreAction):
    """A single-value option given twice is an error, not "the last one wins"."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        seen = namespace.__dict__.setdefault("_given_once", set())
        if self.dest in seen:
            raise UsageError(f"{option_string} was given twice; give it once")
        seen.add(self.dest)
        super().__call__(parser, namespace, values, option_string)


class Parser(argparse.ArgumentParser):
    """One line on a usage error (exit 2, no usage dump); shared options described once;
    a single-value option given twice is an error."""

    def error(self, message: str) -> Any:
        raise UsageError(message)

    def add_argument(self, *args: Any, **kwargs: Any) -> Any:
        if args and str(args[0]).startswith("-") and kwargs.get("action") in (None, "store"):
            kwargs["action"] = _Once
        action = super().add_argument(*args, **kwargs)
        if action.help is None and action.dest in COMMON_HELP:
            action.help = COMMON_HELP[action.dest]
        return action


def say(message: object) -> str:
    """An error message fit for a terminal: control characters escaped, and user text
    (quoted, or any long run without spaces) cut to 80 characters (docs/security.md,
    "Input")."""
    import re

    from muse_care.domain.safe_text import shown

    text = str(message)
    text = re.sub(r"'([^']{81,})'", lambda m: "'" + shown(m.group(1)) + "'", text)
    text = re.sub(r"\S{81,}", lambda m: shown(m.group(0)), text)
    return shown(text, 2000)


def date_arg(field: str) -> Callable[[str], date]:
    """An argparse type: YYYY-MM-DD, or a one-line error naming ``field``."""
    def parse(text: str) -> date:
        from muse_care.domain.validation import parse_iso_date

        return parse_iso_date(field, text)
    return parse


def time_arg(field: str) -> Callable[[str], time]:
    """An argparse type: HH:MM, or a one-line error naming ``field``."""
    def parse(text: str) -> time:
        try:
            return time.fromisoformat(text.strip())
        except ValueError:
            raise ValidationError(field, f"'{text}' is not a time; write it as HH:MM") from None
    return parse


_OPENED: list[Any] = []


def actor(args: argparse.Namespace) -> Any:
    from muse_care.services.local_config import current_actor

    return current_actor(getattr(args, "as_user", None))


def team_server_in_use(args: argparse.Namespace) -> Any:
    """The team server saved by ``muse-care team connect``, unless ``--db``,
    ``MUSE_CARE_DB`` or a database chosen in Settings says otherwise (the window's order)."""
    from muse_care.services import local_config, team
    from muse_care.store.db import ENV_VAR

    if getattr(args, "team_db", None) or args.db or os.environ.get(ENV_VAR) or local_config.load().get("db"):
        return None
    return team.load_server_settings()


REGISTER_LINES: list[str] = []
"""Which register the command used, printed on stderr by ``main`` once the command has
run (so stdout stays clean for --json and an error stays one line)."""


def open_register(args: argparse.Namespace) -> Any:
    """The register the command works on (closed when the command ends): ``--db``, else
    ``MUSE_CARE_DB``, else the team server saved by ``muse-care team connect``, else this
    machine's SQLite file; it says which. On a team server the actor (login, name and
    role) comes from the server itself, not from this machine's config."""
    from muse_care.services import team
    from muse_care.services.register import Register
    from muse_care.store.db import is_sqlite, redact, resolve_url, sqlite_file

    server = team_server_in_use(args)
    if server is not None:
        reg = team.connect(server)
        REGISTER_LINES.append(
            f"muse-care: register: team server {server.database} on {server.host}:{server.port} as "
            f"{reg.actor.login} ({reg.actor.display_name}, {reg.actor.role})")
    else:
        url = resolve_url(getattr(args, "team_db", None) or args.db)
        reg = Register.open(url, actor(args))
        if is_sqlite(url):
            REGISTER_LINES.append(f"muse-care: register: SQLite file {sqlite_file(url)}")
        else:
            if not args.as_user:
                reg = Register(reg.engine, team.actor_from_database(reg), reg._now)
            REGISTER_LINES.append(f"muse-care: register: {redact(url)} as {reg.actor.login} "
                                  f"({reg.actor.role})")
    _OPENED.append(reg)
    return reg


def close_registers() -> None:
    while _OPENED:
        _OPENED.pop().dispose()
