"""The case register's use cases, on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, text

from muse_care.domain.errors import IllegalTransition, NotFound, StaleRecord, ValidationError
from muse_care.services import cases
from muse_care.services.cases import CaseDraft, InvalidInput
from muse_care.services.history import verify_chain
from muse_care.store.models import CaseRecord, HistoryRecord


def draft(**kw: object) -> CaseDraft:
    base = dict(name="Łukasz Żółć", rights=["access"], channel="post", received=date(2026, 5, 31),
                regime="uk-gdpr", address_lines=["10 Downing Street"], city="London",
                postcode="sw1a 2aa", country="GB", email="lukasz@example.com")
    base.update(kw)
    return CaseDraft(**base)  # type: ignore[arg-type]


def test_intake_derives_due_date_and_explains_it(register) -> None:
    view = cases.add_case(register, draft())
    assert view.reference.startswith("MC-")
    assert view.status.value == "new"
    assert view.due_date == date(2026, 6, 30)
    assert view.due_explained == "received Sun 31 May 2026; one month: no 31 Jun, so Tue 30 Jun 2026; due Tue 30 Jun 2026"
    assert view.requester.postcode == "SW1A 2AA"
    assert [c.step for c in view.checks] == ["account-email", "order-number", "card-last-four"]
    assert view.history[0].what == "created"
    again = cases.get_case(register, view.reference.lower().replace("-", " "))
    assert again.id == view.id


def test_ico_example_across_christmas(register) -> None:
    view = cases.add_case(register, draft(received=date(2024, 11, 25)))
    assert view.due_date == date(2024, 12, 27)
    assert "Christmas Day" in view.due_explained and "Boxing Day" in view.due_explained


def test_id_cycle_moves_due_date_and_status(register) -> None:
    from muse_care.services.settings import set_setting

    set_setting(register, "four_eyes", False)  # recorded late (docs/rules.md): no lead needed
    view = cases.add_case(register, draft(received=date(2026, 10, 1)))
    assert view.due_date == date(2026, 11, 2)  # 1 Nov 2026 is a Sunday
    view = cases.record_event(register, view.reference, "id-requested", date(2026, 10, 2),
                              late_reason="the request letter was found unlogged")
    assert view.status.value == "awaiting-identity"
    assert view.due_date is None and view.waiting_for == "identity"
    view = cases.record_event(register, view.reference, "id-received", date(2026, 10, 9),
                              late_reason="the request letter was found unlogged")
    assert view.clock_start == date(2026, 10, 9)
    assert view.due_date == date(2026, 11, 9)
    whats = [h.what for h in view.history]
    assert "event:id-requested" in whats and "due date" in whats


def test_checks_gate_progress_and_waiver_needs_reason(register) -> None:
    view = cases.add_case(register, draft(rights=["marketing-opt-out"]))
    with pytest.raises(ValidationError, match="identity is not confirmed"):
        cases.change_status(register, view.reference, "in-progress")
    view = cases.record_check(register, view.reference, "account-email", "failed", "email differs")
    assert view.status.value == "awaiting-identity"
    with pytest.raises(ValidationError, match="waived check needs a reason"):
        cases.record_check(register, view.reference, "account-email", "waived")
    view = cases.record_check(register, view.reference, "account-email", "waived", "known caller, lead agreed")
    assert view.status.value == "in-progress"
    check = view.checks[0]
    assert (check.result, check.reason, check.checked_by) == ("waived", "known caller, lead agreed", "aisha")


def test_illegal_move_is_a_clear_error(register) -> None:
    view = cases.add_case(register, draft(rights=["complaint"]))
    cases.change_status(register, view.reference, "withdrawn", "customer changed their mind")
    cases.change_status(register, view.reference, "closed")
    with pytest.raises(IllegalTransition, match="closed cannot become in-progress"):
        cases.change_status(register, view.reference, "in-progress")


def test_refusal_needs_reasons(register) -> None:
    view = cases.add_case(register, draft(rights=["complaint"]))
    with pytest.raises(ValidationError, match="refusal needs its reasons"):
        cases.change_status(register, view.reference, "refused")


def test_stale_version_names_who_changed_it(register) -> None:
    view = cases.add_case(register, draft())
    cases.assign(register, view.reference, "aisha", expected_version=view.version)
    with pytest.raises(StaleRecord, match="changed by aisha"):
        cases.update_requester(register, view.reference, view.requester, expected_version=view.version)


@pytest.mark.parametrize(("field", "kw", "message"), [
    ("email", {"email": "not-an-email"}, "not a valid email"),
    ("phone", {"phone": "12", "channel": "phone"}, "not a phone number|not a valid phone"),
    ("postcode", {"postcode": "12345"}, "not a valid postcode for GB"),
    ("received", {"received": date(2026, 12, 1)}, "in the future"),
    ("rights", {"rights": ["access", "telepathy"]}, "unknown right 'telepathy'"),
    ("channel", {"channel": "pigeon"}, "unknown channel"),
    ("regime", {"regime": "mars-gdpr"}, "unknown regime"),
    ("name", {"name": "Eve\x07"}, "control"),
    ("name", {"name": "x" * 500}, "at most 200"),
    ("country", {"country": "XX"}, "not an ISO 3166"),
])
def test_bad_input_names_the_field_and_writes_nothing(register, field, kw, message) -> None:
    with pytest.raises(InvalidInput) as info:
        cases.add_case(register, draft(**kw))
    assert field in info.value.problems
    assert pytest.importorskip("re").search(message, info.value.problems[field])
    with register.read() as s:
        assert s.execute(select(func.count()).select_from(CaseRecord)).scalar() == 0
        assert s.execute(select(func.count()).select_from(HistoryRecord)).scalar() == 0


def test_all_problems_reported_at_once(register) -> None:
    with pytest.raises(InvalidInput) as info:
        cases.add_case(register, draft(email="x@", postcode="nope", name=""))
    assert {"email", "postcode", "name"} <= set(info.value.problems)


def test_event_out_of_order_rejected_and_nothing_written(register) -> None:
    view = cases.add_case(register, draft(received=date(2026, 10, 1)))
    with pytest.raises(ValidationError, match="identity was not requested|not requested"):
        cases.record_event(register, view.reference, "id-received", date(2026, 10, 3))
    after = cases.get_case(register, view.reference)
    assert after.version == view.version and after.events == ()
    assert len(after.history) == len(view.history)


def test_failure_mid_write_leaves_database_as_before(register, monkeypatch) -> None:
    view = cases.add_case(register, draft(received=date(2026, 11, 20)))

    def explode(ch):  # noqa: ANN001
        raise RuntimeError("power cut")

    monkeypatch.setattr(cases, "_auto_progress", explode)
    cases.record_event(register, view.reference, "id-requested", date(2026, 11, 21))
    with pytest.raises(RuntimeError):
        cases.record_event(register, view.reference, "id-received", date(2026, 11, 24))
    after = cases.get_case(register, view.reference)
    assert [e.kind for e in after.events] == ["id-requested"]
    assert after.due_date is None
    with register.read() as s:
        assert verify_chain(s).ok


def test_history_chain_detects_edit(register) -> None:
    view = cases.add_case(register, draft())
    cases.assign(register, view.reference, "aisha")
    with register.read() as s:
        assert verify_chain(s).ok
    with register.engine.begin() as conn:
        conn.execute(text("UPDATE history SET new_value = 'mallory' WHERE what = 'assignee'"))
    with register.read() as s:
        report = verify_chain(s)
    assert not report.ok and "changed" in report.problem


def test_unknown_reference(register) -> None:
    with pytest.raises(NotFound):
        cases.get_case(register, "MC-AAA-AAAA")
    with pytest.raises(NotFound, match="not a case reference"):
        cases.get_case(register, "hello")


def test_duplicates_found_by_email_or_phone(register) -> None:
    first = cases.add_case(register, draft(phone="020 7946 0958"))
    dupes = cases.open_duplicates(register, email="LUKASZ@example.com")
    assert [d.reference for d in dupes] == [first.reference]
    dupes = cases.open_duplicates(register, phone="+44 20 7946 0958", country="GB")
    assert [d.reference for d in dupes] == [first.reference]


def test_list_overdue_and_due_before(register) -> None:
    old = cases.add_case(register, draft(received=date(2026, 9, 1)))
    new = cases.add_case(register, draft(received=date(2026, 11, 20)))
    overdue = cases.list_cases(register, overdue=True)
    assert [c.reference for c in overdue] == [old.reference]
    assert overdue[0].overdue and overdue[0].days_left < 0
    soon = cases.list_cases(register, due_before=date(2026, 12, 31))
    assert {c.reference for c in soon} == {old.reference, new.reference}
