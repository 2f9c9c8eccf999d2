"""Organisation-wide settings, declared once: key, type, default, description.

They live in the database (shared by a team); each change is validated and written to
the history. Settings of one person's machine (display name, database location, window
layout) are not here: see ``muse_care.services.local_config``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from muse_care.domain.errors import ValidationError
from muse_care.services.history import HistoryWriter
from muse_care.services.register import Register
from muse_care.store.models import SettingRecord


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Callable[[], Any]
    description: str
    check: Callable[[Any], None] | None = None


def _check_regime(value: Any) -> None:
    from muse_care.domain.regimes import get_regime

    get_regime(value)


def _check_layout(value: Any) -> None:
    if value not in ("din5008-b", "uk", "us10"):
        raise ValidationError("letter_layout", f"unknown layout '{value}'; use din5008-b, uk or us10")


def _check_regions(value: Any) -> None:
    from muse_care.domain.regimes import get_regime

    for regime, region in value.items():
        known = get_regime(regime).holiday_regions
        if region not in known:
            raise ValidationError("holiday_regions", f"{region} is not a holiday region of {regime}; "
                                  f"use one of: {', '.join(known)}")


def _check_positive(name: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value < 0 or value > 100:
            raise ValidationError(name, f"{value} is out of range (0 to 100)")
    return check


def _check_organisation(value: Any) -> None:
    from muse_care.domain.organisation import OrganisationProfile

    OrganisationProfile.from_dict(value)


def _default_organisation() -> dict[str, Any]:
    from muse_care.domain.organisation import DEFAULT_ORGANISATION

    return DEFAULT_ORGANISATION.to_dict()


def _default_regions() -> dict[str, str]:
    from muse_care.domain.regimes import REGIMES

    return {code: r.default_holiday_region for code, r in REGIMES.items()}


DECLARED: dict[str, Setting] = {s.key: s for s in (
    Setting("organisation", dict, _default_organisation,
            "The organisation profile: controller details and the Art. 15 information "
            "letters carry (from the privacy policy by default).", _check_organisation),
    Setting("default_regime", str, lambda: "uk-gdpr",
            "The regime a new case gets unless the agent picks another.", _check_regime),
    Setting("holiday_regions", dict, _default_regions,
            "Per regime, whose public holidays move a due date (e.g. GB-ENG, GB-SCT, IT).",
            _check_regions),
    Setting("letter_layout", str, lambda: "uk",
            "The printed letter layout: din5008-b, uk (GOV.UK Notify) or us10 (US #10 window).",
            _check_layout),
    Setting("anonymise_after_years", int, lambda: 3,
            "A case is anonymised this many years after it ends (responded, refused, withdrawn or "
            "closed), keeping only the minimal record (docs/retention.md).",
            _check_positive("anonymise_after_years")),
    Setting("four_eyes", bool, lambda: None,
            "Extensions, refusals and replies that disclose data need a team lead's approval "
            "before their letter is produced. Unset: on for a team (PostgreSQL), off for a "
            "single agent (SQLite), where there is no second person."),
    Setting("retention_warn_days", int, lambda: 30,
            "Warn this many days before a recording or chat is purged.",
            _check_positive("retention_warn_days")),
    Setting("evidence_keep_months", int, lambda: 6,
            "Evidence copies (recordings, chats) of a case are deleted this many months after it ends: "
            "once the requester's time to complain about the reply has reasonably passed "
            "(docs/retention.md).", _check_positive("evidence_keep_months")),
    Setting("retention_auto", bool, lambda: True,
            "Run our own retention by itself at start (daily on a team), once an admin has seen the dry run."),
    Setting("retention_reviewed", dict, lambda: {},
            "Who saw the dry run of our own retention, and when (set by muse-care anonymise --dry-run)."),
)}


def get_setting(register: Register, key: str) -> Any:
    decl = DECLARED.get(key)
    if decl is None:
        raise ValidationError("setting", f"unknown setting '{key}'")
    if key in register._settings_cache:
        return register._settings_cache[key]
    with register.read() as session:
        row = session.get(SettingRecord, key)
        value = json.loads(row.value) if row is not None else decl.default()
    if key == "holiday_regions":
        value = {**_default_regions(), **value}
    register._settings_cache[key] = value
    return value


def set_setting(register: Register, key: str, value: Any) -> Any:
    decl = DECLARED.get(key)
    if decl is None:
        raise ValidationError("setting", f"unknown setting '{key}'")
    if not isinstance(value, decl.type) or (decl.type is int and isinstance(value, bool)):
        raise ValidationError(key, f"must be {decl.type.__name__}, not {type(value).__name__}")
    if decl.check:
        decl.check(value)
    encoded = json.dumps(value, ensure_ascii=False, sort_keys=True)
    now = register.now()
    with register.unit_of_work() as session:
        row = session.get(SettingRecord, key)
        old = row.value if row is not None else ""
        if row is None:
            session.add(SettingRecord(key=key, value=encoded, updated_at=now,
                                      updated_by=register.actor.login))
        else:
            row.value = encoded
            row.updated_at = now
            row.updated_by = register.actor.login
        if old != encoded:
            HistoryWriter(session, register.actor.login, now).add(None, f"setting:{key}", old, encoded)
    register._settings_cache.pop(key, None)
    return value


def organisation(register: Register) -> Any:
    from muse_care.domain.organisation import OrganisationProfile

    return OrganisationProfile.from_dict(get_setting(register, "organisation"))
