"""Rights, statuses and channels with their labels, identity confirmation and who is a
lead: each declared once, and every member of each has its label."""

from __future__ import annotations

import pytest

from muse_care.domain.case import CHANNEL_LABELS, RIGHT_LABELS, STATUS_LABELS, Channel, Right, Status, label
from muse_care.domain.identity import identity_confirmed, unconfirmed_steps


@pytest.mark.parametrize(("kind", "labels"), [(Right, RIGHT_LABELS), (Status, STATUS_LABELS),
                                              (Channel, CHANNEL_LABELS)])
def test_every_member_has_one_label(kind, labels) -> None:
    assert set(labels) == set(kind)
    assert len(set(labels.values())) == len(labels)  # no two read the same


def test_label_by_value_and_unknown_values_shown_as_they_are() -> None:
    assert label("awaiting-identity", STATUS_LABELS) == "Awaiting identity"
    assert label("access", RIGHT_LABELS) == RIGHT_LABELS[Right.ACCESS]
    assert label("carrier-pigeon", CHANNEL_LABELS) == "carrier-pigeon"


def test_identity_is_confirmed_when_every_step_passed_or_was_waived() -> None:
    assert identity_confirmed({})
    assert identity_confirmed({"account-email": "passed", "order-number": "waived"})
    results = {"account-email": "passed", "order-number": "pending", "card-last-four": "failed"}
    assert not identity_confirmed(results)
    assert unconfirmed_steps(results) == ["order-number", "card-last-four"]


@pytest.mark.pg
def test_who_is_a_lead(sqlite_register, pg_url) -> None:
    from muse_care.services.register import Actor, Register
    from muse_care.services.team import is_lead

    assert is_lead(None)
    assert is_lead(sqlite_register)  # the single user of a SQLite register is every role
    server = Register.open(pg_url, Actor("x", "X"), migrate=False)
    try:
        for role, lead in (("agent", False), ("lead", True), ("admin", True), ("", False)):
            assert is_lead(Register(server.engine, Actor("x", "X", role))) is lead, role
    finally:
        server.dispose()


def test_every_right_is_declared_once_with_valid_identity_steps() -> None:
    from muse_care.domain.case import RIGHT_SPECS, RIGHTS
    from muse_care.domain.identity import CheckStep, required_steps

    assert [spec.right for spec in RIGHTS] == list(Right)  # each member once, in its order
    assert set(RIGHT_SPECS) == set(Right)
    assert len({spec.asked_for for spec in RIGHTS}) == len(RIGHTS)
    for spec in RIGHTS:
        assert all(step in set(CheckStep) for step in spec.identity_steps), spec
        assert required_steps("uk-gdpr", [spec.right.value], False) == tuple(
            s for s in CheckStep if s.value in spec.identity_steps)


def test_the_jurisdiction_of_each_regime_comes_from_its_own_row() -> None:
    from muse_care.domain.jurisdiction import from_address
    from muse_care.domain.regimes import REGIMES

    seen = {}
    for code, regime in REGIMES.items():
        assert regime.applies_in, code
        for key in regime.applies_in:
            assert key not in seen, (key, seen.get(key), code)  # one regime per place
            seen[key] = code
    assert from_address("US", "94103").regime == "ccpa"
    assert from_address("NO", "0150").regime == "eu-gdpr"
    assert from_address("JP", "100-0001") is None
