"""The told rule through the services, against the independent oracle (tests/law/oracle.py).

docs/rules.md, "Told in time, or not at all": an extension holds only once the requester
is told of it, by the original due date on the law's day. The oracle knows only the
law's version: an extension is a day the requester was told (``("extended", day)``),
which counts if it falls in the running period, on or before its original due date. So
the services are driven as an agent and the mailroom would, day by day (a case taken in,
identity and clarification asked and answered, an extension recorded, its notice made,
printed and posted on some later day, the clock restarted, the case extended again), and
the oracle is given only what the law sees: the clock events the services took, and the
day each extension notice went out. After every step the case's due date, its original
due date and whether its extension holds must be the oracle's.

Random histories from seeded generators (``MUSE_CARE_TOLD_CASES`` raises the count);
every history fails with its seed and its steps, so a failure can be replayed.
"""

from __future__ import annotations

import os
import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from muse_care.domain.errors import ValidationError
from muse_care.services import cases, letters
from muse_care.services.register import Actor, Register
from muse_care.services.settings import set_setting

from . import oracle

CASES = int(os.environ.get("MUSE_CARE_TOLD_CASES", "90"))
# 18:00 UTC is the same calendar day in London, Berlin and Los Angeles: each step's
# day is then the law's day as well as the organisation's.
AT = time(18, 0)
PLACES = {
    "uk-gdpr": [dict(country="GB", city="Bristol", postcode="BS1 4DJ", address_lines=["1 High Street"]),
                dict(country="GB", city="Edinburgh", postcode="EH1 1YZ", address_lines=["2 Royal Mile"]),
                dict(country="GB", city="Belfast", postcode="BT1 5GS", address_lines=["3 Donegall Place"])],
    "eu-gdpr": [dict(country="DE", city="München", postcode="80331", address_lines=["Marienplatz 1"]),
                dict(country="IT", city="Roma", postcode="00184", address_lines=["Via Nazionale 10"])],
    "ccpa": [dict(country="US", city="San Francisco", region="CA", postcode="94105",
                  address_lines=["1 Market Street"])],
}
CODES = ("uk-gdpr", "uk-gdpr", "eu-gdpr", "ccpa")
SEEN: set[str] = set()


def plan(seed: int) -> tuple[str, dict, date, list[str], list[tuple[int, str]]]:
    """(regime, address, received, rights, [(day offset from received, step)])."""
    rng = random.Random(seed)
    code = rng.choice(CODES)
    place = rng.choice(PLACES[code])
    received = date(2025, 1, 1) + timedelta(days=rng.randrange(720))
    rights = ["access"] if rng.random() < 0.6 else [rng.choice(["erasure", "rectification"])]
    steps: list[tuple[int, str]] = []
    t = 0

    def at(gap: int, step: str) -> None:
        nonlocal t
        t += gap
        steps.append((t, step))

    def extension(late: bool) -> None:
        at(rng.randint(0, 12 if late else 35), "extended")
        if rng.random() < 0.9:
            at(rng.randint(0, 4), "notice")
            if rng.random() < 0.85:
                # sometimes on the very last days, or just after them
                at(rng.randint(0, 3) if rng.random() < 0.5 else rng.randint(0, 12), "post")

    if rng.random() < 0.4:
        at(rng.randint(0, 5), "id-requested")
        if rng.random() < 0.8:
            at(rng.randint(0, 15), "id-received")
    if rng.random() < 0.4:
        at(rng.randint(0, 10), "clarification-requested")
        if rng.random() < 0.8:
            at(rng.randint(0, 12), "clarification-received")
    if rng.random() < 0.9:
        extension(late=False)
    if rng.random() < 0.35:
        at(rng.randint(0, 10), "id-requested")
        at(rng.randint(1, 10), "id-received")
        if rng.random() < 0.7:
            extension(late=True)
    return code, place, received, rights, steps


class _Day:
    """The register's clock, moved by the test."""

    def __init__(self) -> None:
        self.day = date(2025, 1, 1)

    def __call__(self) -> datetime:
        return datetime.combine(self.day, AT, tzinfo=UTC)


def _record(reg: Register, ref: str, kind: str, day: date) -> bool:
    """The event as an agent records it on its own day; a late one with its reason."""
    reason = "a long order history to search" if kind == "extended" else ""
    try:
        cases.record_event(reg, ref, kind, day, reason)
    except ValidationError as error:
        if error.field != "late_reason":
            return False
        try:
            cases.record_event(reg, ref, kind, day, reason, late_reason="entered from the post book")
        except ValidationError:
            return False
    return True


def _replay(url: str, seed: int) -> list[str]:
    code, place, received, rights, steps = plan(seed)
    clock = _Day()
    clock.day = received
    reg = Register.open(url, Actor("aisha", "Aisha Khan"), migrate=False, now=clock)
    try:
        set_setting(reg, "four_eyes", False)
        view = cases.add_case(reg, cases.CaseDraft(
            name=f"Requester {seed}", rights=rights, channel="post", received=received,
            email=f"r{seed}@example.org", regime=code, **place))
        ref, region = view.reference, view.holiday_region
        law_events: list[tuple[str, date]] = []
        notice: int | None = None
        done: list[str] = []
        for offset, step in steps:
            clock.day = received + timedelta(days=offset)
            day = clock.day
            if step == "notice":
                try:
                    made = letters.produce_letter(reg, ref, "extension",
                                                  fields={"extension_reasons": "Twelve years of orders to search"})
                    letters.record_print(reg, made.id)
                    notice, taken = made.id, True
                except ValidationError:
                    taken = False
            elif step == "post":
                taken = False
                if notice is not None:
                    try:
                        letters.mark_dispatched(reg, [notice], on=day)
                        law_events.append(("extended", day))  # the day the requester is told
                        notice, taken = None, True
                    except ValidationError:
                        pass
            else:
                taken = _record(reg, ref, step, day)
                if taken and step != "extended":
                    law_events.append((step, day))
            done.append(f"{day:%a %d %b %Y} {step}{'' if taken else ' (refused)'}")
            shown = cases.get_case(reg, ref)
            law = oracle.clock(code, received, region, frozenset(rights), law_events)
            ours = (shown.due_date, shown.original_due, shown.extension_holds)
            assert ours == (law.due, law.original_due, law.extended), (
                f"seed {seed}: {code} {region} {rights}, received {received:%a %d %b %Y}; steps:\n  "
                + "\n  ".join(done) + f"\nours (due, original, told) {ours}, the law's "
                f"{(law.due, law.original_due, law.extended)}\n{shown.due_explained}")
        return done
    finally:
        reg.dispose()


@pytest.mark.parametrize("chunk", range(3))
def test_told_extensions_agree_with_the_oracle_on_sqlite(sqlite_url: str, chunk: int) -> None:
    for seed in range(chunk, CASES, 3):
        SEEN.update(_outcomes(_replay(sqlite_url, seed)))


def _outcomes(done: list[str]) -> set[str]:
    steps = [line.split(" ", 4)[4] for line in done]
    seen = set()
    if "post" in steps:
        seen.add("told in time")
        after = steps[steps.index("post"):]
        if "id-received" in after:
            seen.add("restarted after the notice")
            if after.count("post") > 1:
                seen.add("told again after a restart")
    if "post (refused)" in steps and "notice" in steps:
        seen.add("a notice stopped as late")
    if "notice (refused)" in steps:
        seen.add("a notice refused")
    if "extended" in steps and "post" not in steps:
        seen.add("never told")
    return seen


def test_the_histories_reach_every_outcome(sqlite_url: str) -> None:
    """Runs after the SQLite histories in file order (alone, it runs them): they reached
    each outcome the rule has, so they test the rule and not only its easy cases."""
    if not SEEN:
        for seed in range(CASES):
            SEEN.update(_outcomes(_replay(sqlite_url, seed)))
    assert SEEN >= {"told in time", "restarted after the notice", "told again after a restart",
                    "a notice stopped as late", "a notice refused", "never told"}, SEEN


@pytest.mark.pg
def test_told_extensions_agree_with_the_oracle_on_postgresql(pg_url: str) -> None:
    for seed in range(1000, 1000 + CASES // 3):
        _replay(pg_url, seed)
