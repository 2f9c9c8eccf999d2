"""Every setting, declared once: key, label, type, default, bounds, description, and
whether it takes effect only when MUSE Care next starts.

Two scopes. ``ORGANISATION`` settings live in the database (one team shares them); each
change is validated and written to the history, and on a team server the other clients
drop their cached value when the server announces the change (migration 0012 and
:class:`muse_care.services.team_live.ChangeListener`). ``MACHINE`` settings belong to
this computer and this person (display name, database location) and live in the local
config file (:mod:`muse_care.services.local_config`).

The settings dialog (``muse_care.ui.settings_dialog``) and ``muse-care settings
list|get|set`` are both built from :data:`DECLARED`: a setting added here appears in
both, with its label, description and bounds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from muse_care.domain.errors import ValidationError
from muse_care.services import local_config
from muse_care.services.history import HistoryWriter
from muse_care.services.register import Register
from muse_care.store.models import SettingRecord

ORGANISATION, MACHINE = "organisation", "machine"

_TRUE, _FALSE, _UNSET = ("on", "true", "yes", "1"), ("off", "false", "no", "0"), ("", "unset", "auto")


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    type: type[Any]  # str, int, bool or dict (a JSON object)
    default: Callable[[], Any]
    description: str
    section: str  # the settings dialog's tab: see SECTIONS
    scope: str = ORGANISATION
    minimum: int | None = None
    maximum: int | None = None
    choices: Callable[[], Sequence[str]] | None = None
    optional: bool = False  # None is a value: "unset", the automatic choice the description names
    restart: bool = False  # read once when MUSE Care starts: a change shows at the next start
    check: Callable[[Any], None] | None = None
    set_by: str = ""  # another command writes it (with checks of its own); listed, not set here

    def validate(self, value: Any) -> Any:
        """``value`` if it is a valid value of this setting, else ValidationError naming it."""
        if value is None and self.optional:
            return None
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise ValidationError(self.key, f"must be {_TYPE_WORDS[self.type]}, not {type(value).__name__}")
        number = value if self.type is int else 0
        if self.type is int and ((self.minimum is not None and number < self.minimum)
                                 or (self.maximum is not None and number > self.maximum)):
            raise ValidationError(self.key, f"{value} is out of range ({self.minimum} to {self.maximum})")
        if self.choices is not None and value not in self.choices():
            raise ValidationError(self.key, f"'{value}' is not one of: {', '.join(self.choices())}")
        if self.check is not None:
            self.check(value)
        return value

    def parse(self, text: str) -> Any:
        """A value typed on the command line: ``3``, ``on``/``off``, JSON for an object,
        ``unset`` for an optional setting."""
        word = text.strip().lower()
        if self.optional and word in _UNSET:
            return None
        if self.type is bool:
            if word in _TRUE or word in _FALSE:
                return word in _TRUE
            raise ValidationError(self.key, f"'{text}' is not on or off")
        if self.type is int:
            try:
                return int(word)
            except ValueError:
                raise ValidationError(self.key, f"'{text}' is not a whole number") from None
        if self.type is dict:
            try:
                value = json.loads(text)
            except ValueError:
                raise ValidationError(self.key, "must be a JSON object, e.g. '{\"uk-gdpr\": \"GB-SCT\"}'") from None
            return value
        return text.strip()

    def show(self, value: Any) -> str:
        """A value as ``settings get`` prints it (and ``parse`` reads it back)."""
        if value is None:
            return "unset"
        if isinstance(value, bool):
            return "on" if value else "off"
        if isinstance(value, dict):
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return str(value)

    @property
    def bounds(self) -> str:
        """'0 to 100', 'uk, us10, …', or '' (for help texts)."""
        if self.minimum is not None or self.maximum is not None:
            return f"{self.minimum} to {self.maximum}"
        if self.choices is not None:
            return ", ".join(self.choices())
        if self.type is bool:
            return "on or off" + (", or unset" if self.optional else "")
        return ""


_TYPE_WORDS = {str: "a text", int: "a whole number", bool: "on or off", dict: "a JSON object"}

SECTIONS: dict[str, str] = {
    "organisation": "&Organisation",
    "rules": "Deadline &rules",
    "letters": "&Letters",
    "team": "&Team",
    "retention": "Re&tention",
    "computer": "This &computer",
}
"""The settings dialog's tabs, in order: section key -> tab title."""


def _regime_codes() -> tuple[str, ...]:
    from muse_care.domain.regimes import REGIMES

    return tuple(REGIMES)


def _layouts() -> tuple[str, ...]:
    from muse_care.letters.model import LAYOUTS  # every layout the letter engine prints

    return tuple(LAYOUTS)


def _check_regions(value: Any) -> None:
    from muse_care.domain.regimes import get_regime

    for regime, region in value.items():
        known = get_regime(regime).holiday_regions
        if region not in known:
            raise ValidationError("holiday_regions", f"{region} is not a holiday region of {regime}; "
                                  f"use one of: {', '.join(known)}")


def _check_organisation(value: Any) -> None:
    from muse_care.domain.organisation import OrganisationProfile

    OrganisationProfile.from_dict(value)


def _check_database(value: Any) -> None:
    if value.strip():
        from muse_care.store.db import resolve_url

        resolve_url(value)  # a bad URL is refused before it is kept


def _default_organisation() -> dict[str, Any]:
    from muse_care.domain.organisation import DEFAULT_ORGANISATION

    return DEFAULT_ORGANISATION.to_dict()


def _default_regions() -> dict[str, str]:
    from muse_care.domain.regimes import REGIMES

    return {code: r.default_holiday_region for code, r in REGIMES.items()}


DECLARED: dict[str, Setting] = {s.key: s for s in (
    Setting("organisation", "Organisation profile", dict, _default_organisation,
            "The organisation profile: controller details and the Art. 15 information "
            "letters carry (from the privacy policy by default).", "organisation",
            check=_check_organisation),
    Setting("default_regime", "Default regime", str, lambda: "uk-gdpr",
            "The regime a new case gets unless the agent picks another.", "rules",
            choices=_regime_codes),
    Setting("holiday_regions", "Holiday regions", dict, _default_regions,
            "Per regime, whose public holidays move a due date (e.g. GB-ENG, GB-SCT, IT).", "rules",
            check=_check_regions),
    Setting("late_event_margin_days", "Dated-back clock events (days)", int, lambda: 7,
            "A clock event dated more than this many days before the day it is recorded, or one "
            "that would move a due date that has passed (whatever its date), is recorded only with "
            "the reason it is late, and by a team lead where four eyes is on (docs/rules.md, "
            "\"Events recorded late\"). 7: a letter sent before a bank-holiday weekend can be "
            "logged the week after.", "rules", minimum=0, maximum=31),
    Setting("letter_layout", "Letter layout", str, lambda: "uk",
            "The printed letter layout: DIN 5008 form A or B, uk (GOV.UK Notify) or us10 "
            "(US #10 window).", "letters", choices=_layouts),
    Setting("four_eyes", "Four eyes", bool, lambda: None,
            "Extensions, refusals and replies that disclose data need a team lead's approval "
            "before their letter is produced. Unset: on for a team (PostgreSQL), off for a "
            "single agent (SQLite), where there is no second person.", "team", optional=True),
    Setting("anonymise_after_years", "Anonymise after (years)", int, lambda: 3,
            "A case is anonymised this many years after it ends (responded, refused, withdrawn or "
            "closed), keeping only the minimal record (docs/retention.md).", "retention",
            minimum=0, maximum=100),
    Setting("retention_warn_days", "Warn before purge (days)", int, lambda: 30,
            "Warn this many days before a recording or chat is purged.", "retention",
            minimum=0, maximum=100),
    Setting("evidence_keep_months", "Keep evidence copies (months)", int, lambda: 6,
            "Evidence copies (recordings, chats) of a case are deleted this many months after it ends: "
            "once the requester's time to complain about the reply has reasonably passed "
            "(docs/retention.md).", "retention", minimum=0, maximum=100),
    Setting("retention_auto", "Run retention by itself", bool, lambda: True,
            "Run our own retention by itself at start (daily on a team), once an admin has seen the "
            "dry run.", "retention"),
    Setting("retention_reviewed", "Retention dry run seen", dict, lambda: {},
            "Who saw the dry run of our own retention, and when.", "retention",
            set_by="muse-care anonymise --dry-run"),
    Setting("display_name", "Your display name", str, lambda: "",
            "Your name as the team sees it in the history (empty: your login).", "computer",
            scope=MACHINE, restart=True),
    Setting("login", "Your login", str, lambda: "",
            "The login recorded in the history on a SQLite database (empty: this computer's "
            "user name); a team server says who you are itself.", "computer",
            scope=MACHINE, restart=True),
    Setting("db", "Database", str, lambda: "",
            "The database: a SQLite file or a postgresql:// URL (empty: muse-care.sqlite3 in "
            "your user data folder).", "computer", scope=MACHINE, restart=True, check=_check_database),
    Setting("evidence_dir", "Evidence store folder", str, lambda: "",
            "Where the encrypted evidence store is kept (empty: an 'evidence' folder beside "
            "a SQLite database, else in your user data folder).", "computer",
            scope=MACHINE, restart=True),
    Setting("team_server", "Team server", dict, lambda: None,
            "The team's PostgreSQL server (host, port, database, user, sslmode); its password "
            "is in the system keychain.", "computer", scope=MACHINE, optional=True, restart=True,
            set_by="muse-care team connect"),
)}


def declared(key: str) -> Setting:
    decl = DECLARED.get(key)
    if decl is None:
        raise ValidationError("setting", f"unknown setting '{key}'; use one of: {', '.join(DECLARED)}")
    return decl


def get_setting(register: Register | None, key: str) -> Any:
    """The setting's value: stored, else its default. An organisation setting needs the
    register (its stored value is cached there until it changes)."""
    decl = declared(key)
    if decl.scope == MACHINE:
        stored = local_config.load().get(key)
        return decl.default() if stored is None else stored
    if register is None:
        raise ValidationError(key, "is kept in the database: open one first")
    stored = register.stored_setting(key)
    value = decl.default() if stored is None else stored
    if key == "holiday_regions":
        value = {**_default_regions(), **value}
    return value


def set_setting(register: Register | None, key: str, value: Any) -> Any:
    """Validate and keep ``value``; an organisation setting's change goes to the history.
    Returns the value kept."""
    return set_settings(register, {key: value})[key]


def set_settings(register: Register | None, values: dict[str, Any]) -> dict[str, Any]:
    """Keep several settings as one action: every value is checked first; the
    organisation's are written in one unit of work (all or none), then this computer's
    in one write of its config file."""
    checked = {key: declared(key).validate(value) for key, value in values.items()}
    shared = {k: v for k, v in checked.items() if DECLARED[k].scope == ORGANISATION}
    if shared:
        if register is None:
            raise ValidationError(next(iter(shared)), "is kept in the database: open one first")
        _write_shared(register, shared)
    local = {k: v for k, v in checked.items() if DECLARED[k].scope == MACHINE}
    if local:
        local_config.save(local)
    return checked


def _write_shared(register: Register, values: dict[str, Any]) -> None:
    now = register.now()
    with register.unit_of_work() as session:
        history = HistoryWriter(session, register.actor.login, now)
        for key, value in values.items():
            encoded = json.dumps(value, ensure_ascii=False, sort_keys=True)
            row = session.get(SettingRecord, key)
            old = row.value if row is not None else ""
            if old == encoded:
                continue
            if row is None:
                session.add(SettingRecord(key=key, value=encoded, updated_at=now,
                                          updated_by=register.actor.login))
            else:
                row.value = encoded
                row.updated_at = now
                row.updated_by = register.actor.login
            history.add(None, f"setting:{key}", old, encoded)
    register.forget_settings(*values)


def set_part(register: Register | None, key: str, part: str, value: Any) -> Any:
    """Set one entry of an object setting (``organisation.team_name``,
    ``holiday_regions.eu-gdpr``) and keep the whole, validated as one."""
    decl = declared(key)
    if decl.type is not dict:
        raise ValidationError(key, f"is not an object: set {key} itself")
    current = get_setting(register, key)
    if key == "organisation" and part not in current:
        raise ValidationError(f"{key}.{part}", f"is not a part of {key}; use one of: {', '.join(current)}")
    whole = {**(current or {}), part: value}
    set_setting(register, key, whole)
    return whole[part]


def organisation(register: Register) -> Any:
    from muse_care.domain.organisation import OrganisationProfile

    return OrganisationProfile.from_dict(get_setting(register, "organisation"))
