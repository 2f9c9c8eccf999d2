"""Retrieval-log fixtures: a case and a keychain-protected evidence store (in-memory keyring)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

PHONE = "+447911123456"
EMAIL = "ayesha@example.com"


def new_case(register, **kw):  # noqa: ANN001, ANN201
    from muse_care.services import cases

    values = dict(name="Ayesha Qureshi", rights=["access"], channel="phone", received=date(2026, 11, 20),
                  phone=PHONE, email=EMAIL, country="GB", account_ref="ACC-1001")
    values.update(kw)
    return cases.add_case(register, cases.CaseDraft(**values))


@pytest.fixture
def case(register):  # noqa: ANN001, ANN201
    return new_case(register)


@pytest.fixture
def store(tmp_path: Path):  # noqa: ANN201
    from muse_care.evidence import EvidenceStore, KeyringKeyProvider

    return EvidenceStore(tmp_path / "evidence", KeyringKeyProvider(), chunk_size=4096)


def items_on_disk(root: Path) -> list[Path]:
    return sorted((root / "items").rglob("*.mce"))
