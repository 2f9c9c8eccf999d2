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
