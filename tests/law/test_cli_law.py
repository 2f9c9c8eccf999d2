"""The clock's law through the command line, as the faults were found (docs/rules.md)."""

from __future__ import annotations

import json

import pytest

from muse_care.cli.main import main


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def add(capsys, url: str, received: str, regime: str, *extra: str, right: str = "access") -> dict:
    code, out, err = run(capsys, url, "case", "add", "--right", right, "--channel", "email",
                         "--received", received, "--regime", regime, "--name", "Giulia Rossi",
                         "--email", "giulia@example.com", *extra, "--json")
    assert code == 0, err
    return json.loads(out)


# The dates here are the law's worked examples, long past: every event is recorded late
# (docs/rules.md, "Events recorded late"), so each carries the reason.
LATE = ("--late-reason", "entered from the paper file")


def event(capsys, url: str, ref: str, kind: str, on: str, *extra: str) -> tuple[int, dict | str]:
    code, out, err = run(capsys, url, "case", "event", ref, kind, "--on", on, *LATE, *extra, "--json")
    return code, (json.loads(out) if code == 0 else err)


def test_an_eu_clarification_moves_nothing(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2025-09-03", "eu-gdpr", "--holiday-region", "IT")
    assert case["due_date"] == "2025-10-03"
    code, asked = event(capsys, sqlite_url, case["reference"], "clarification-requested", "2025-09-04")
    assert code == 0, asked
    assert asked["due_date"] == "2025-10-03"
    code, answered = event(capsys, sqlite_url, case["reference"], "clarification-received", "2025-09-10")
    assert code == 0, answered
    assert answered["due_date"] == "2025-10-03"
    assert "EU GDPR: no clarification pause (recital 63)" in answered["due_explained"]


def test_a_uk_clarification_after_the_due_date_moves_nothing(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2025-09-03", "uk-gdpr")
    code, asked = event(capsys, sqlite_url, case["reference"], "clarification-requested", "2025-10-10")
    assert code == 0, asked
    assert asked["due_date"] == "2025-10-03"
    assert asked["overdue"] is True
    assert "clarification asked Fri 10 Oct, after the due date: no pause" in asked["due_explained"]


def test_a_late_identity_request_is_refused_and_rescues_nothing(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2025-09-03", "uk-gdpr")
    code, err = event(capsys, sqlite_url, case["reference"], "id-requested", "2025-10-10")
    assert code == 2
    assert "after the due date Fri 3 Oct 2025" in err
    code, out, _ = run(capsys, sqlite_url, "case", "show", case["reference"], "--json")
    assert json.loads(out)["due_date"] == "2025-10-03"


def test_an_extension_on_the_original_due_date_is_taken(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2025-09-03", "uk-gdpr")
    code, extended = event(capsys, sqlite_url, case["reference"], "extended", "2025-10-03",
                           "--reason", "complex: several years of orders")
    assert code == 0, extended
    # taken: to 3 Dec once the requester is told of it, by 3 Oct (Art. 12(3))
    assert (extended["extended"], extended["extended_to"], extended["due_date"]) == (True, "2025-12-03",
                                                                                     "2025-10-03")
    assert "holds once the requester is told of it, by Fri 3 Oct 2025" in extended["due_explained"]


@pytest.mark.parametrize(("received", "at"), [("2025-01-31", "23:30"), ("2025-02-01", "04:30+05:00"),
                                              ("2025-01-31", "23:30Z")])
def test_a_2330_london_request_is_received_that_day(capsys, sqlite_url, received: str, at: str) -> None:
    case = add(capsys, sqlite_url, received, "uk-gdpr", "--received-time", at)
    assert case["received"] == "2025-01-31"
    assert case["received_at"] == "2025-01-31T23:30:00+00:00"
    assert case["due_date"] == "2025-02-28"
    code, out, _ = run(capsys, sqlite_url, "case", "show", case["reference"])
    assert "received:  2025-01-31 (at 2025-01-31 23:30 Europe/London)" in out


def test_a_california_evening_request_is_received_that_day(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2025-01-31", "ccpa", "--received-time", "20:00")
    assert case["received"] == "2025-01-31"
    assert case["received_at"] == "2025-02-01T04:00:00+00:00"
    assert case["received_zone"] == "America/Los_Angeles"


def test_ccpa_acknowledgement_is_shown_flagged_and_queued(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2026-03-30", "ccpa")
    assert case["acknowledge_by"] == "2026-04-13"
    code, out, _ = run(capsys, sqlite_url, "case", "show", case["reference"], "--as-of", "2026-04-14")
    assert "acknowledge receipt by: 2026-04-13 (OVERDUE)" in out
    code, out, _ = run(capsys, sqlite_url, "case", "show", case["reference"], "--as-of", "2026-04-14", "--json")
    assert json.loads(out)["acknowledge_overdue"] is True

    from muse_care.services import queue
    from muse_care.services.local_config import current_actor
    from muse_care.services.register import Register

    reg = Register.open(sqlite_url, current_actor(None))
    try:
        rows = queue.first_page(reg, queue.QueueQuery("acknowledgement"))[1]
        assert [r.reference for r in rows] == [case["reference"]]
        assert queue.view_counts(reg)["acknowledgement"] == 1
    finally:
        reg.engine.dispose()


def test_ccpa_opt_out_is_due_in_15_business_days(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2026-03-30", "ccpa", right="opt-out-sale")
    assert case["due_date"] == "2026-04-20"


def test_pipeda_is_30_days_extendable_by_30(capsys, sqlite_url) -> None:
    case = add(capsys, sqlite_url, "2026-03-02", "pipeda")
    assert case["due_date"] == "2026-04-01"
    code, extended = event(capsys, sqlite_url, case["reference"], "extended", "2026-04-01",
                           "--reason", "consultation needed")
    assert code == 0, extended
    # 30 more days, once the requester is told of them (s.8(4)): due 1 Apr until then
    assert (extended["extended_to"], extended["due_date"]) == ("2026-05-01", "2026-04-01")
