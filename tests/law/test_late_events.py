"""Events recorded late (docs/rules.md, "Events recorded late"): an event dated back
more than the margin, or one moving a due date that has passed, needs the reason it is
late, from a team lead where four eyes is on, and the explanation keeps the note.
Through the service (SQLite and the real PostgreSQL server) and the command line; the
window's Clock tab is in tests/ui/test_clock_late_events.py."""

from __future__ import annotations

import json
from datetime import date

import pytest

from muse_care.cli.main import main
from muse_care.domain.errors import PermissionDenied, ValidationError
from muse_care.services import cases
from muse_care.services.register import Actor, Register
from muse_care.services.settings import set_setting
from tests.conftest import FIXED_NOW  # Wed 25 Nov 2026

TODAY = FIXED_NOW.date()


def draft(**kw: object) -> cases.CaseDraft:
    base = dict(name="Ann Lee", rights=["access"], channel="email", received=date(2026, 10, 1),
                regime="uk-gdpr", email="ann@example.com", country="GB")
    base.update(kw)
    return cases.CaseDraft(**base)  # type: ignore[arg-type]


def lead_of(register: Register) -> Register:
    return Register.open(register.url, Actor("sam", "Sam Lead", "lead"), migrate=False,
                         now=lambda: FIXED_NOW)


def test_an_overdue_case_is_not_rescued_by_an_identity_request_dated_back(register) -> None:
    # Received Thu 1 Oct 2026: due Mon 2 Nov (1 Nov is a Sunday); on 25 Nov it is overdue.
    set_setting(register, "four_eyes", False)
    view = cases.add_case(register, draft())
    assert view.overdue and view.due_date == date(2026, 11, 2)
    with pytest.raises(ValidationError) as error:
        cases.record_event(register, view.reference, "id-requested", date(2026, 10, 20))
    assert error.value.field == "late_reason"
    assert error.value.message.startswith(
        "id-requested dated Tue 20 Oct 2026 is recorded late (36 days after its date; stopping the "
        "clock after the due date Mon 2 Nov 2026 had passed)")
    after = cases.get_case(register, view.reference)
    assert (after.events, after.due_date, after.version) == ((), view.due_date, view.version)
    # with the reason, it is taken, and the explanation says it was recorded late
    done = cases.record_event(register, view.reference, "id-requested", date(2026, 10, 20),
                              late_reason="the letter went out; it was not logged")
    assert done.due_date is None and done.waiting_for == "identity"
    note = ("id-requested Tue 20 Oct 2026 recorded Wed 25 Nov 2026 by aisha (agent), 36 days after its "
            "date; stopping the clock after the due date Mon 2 Nov 2026 had passed: the letter went out; "
            "it was not logged")
    assert note in done.due_explained
    assert done.events[0].late_note.startswith("recorded Wed 25 Nov 2026 by aisha (agent)")
    assert any(h.what == "event:id-requested" and "recorded Wed 25 Nov 2026" in h.new for h in done.history)


def test_inside_the_margin_an_event_moving_a_passed_due_date_still_needs_the_reason(register) -> None:
    # Received Tue 20 Oct 2026, due Fri 20 Nov: passed on 25 Nov. An extension dated
    # Thu 19 Nov is 6 days back (inside the 7-day margin) but would move the due date.
    set_setting(register, "four_eyes", False)
    view = cases.add_case(register, draft(received=date(2026, 10, 20)))
    assert view.due_date == date(2026, 11, 20)
    with pytest.raises(ValidationError, match="moving the due date Fri 20 Nov 2026, which had passed, "
                       "to Wed 20 Jan 2027"):
        cases.record_event(register, view.reference, "extended", date(2026, 11, 19), "complex")
    # an event inside the margin that moves nothing passed is taken as typed, with no note
    fresh = cases.add_case(register, draft(received=date(2026, 11, 10), email="bo@example.com"))
    taken = cases.record_event(register, fresh.reference, "id-requested", date(2026, 11, 19))
    assert taken.events[0].late_note == "" and "recorded" not in taken.due_explained


def test_the_margin_is_the_setting(register) -> None:
    set_setting(register, "four_eyes", False)
    view = cases.add_case(register, draft(received=date(2026, 11, 10)))
    set_setting(register, "late_event_margin_days", 2)
    with pytest.raises(ValidationError, match=r"\(3 days after its date\)"):
        cases.record_event(register, view.reference, "id-requested", date(2026, 11, 22))
    set_setting(register, "late_event_margin_days", 3)
    assert cases.record_event(register, view.reference, "id-requested", date(2026, 11, 22)).waiting_for == "identity"


@pytest.mark.pg
def test_on_a_team_only_a_lead_records_an_event_late(pg_url) -> None:
    agent = Register.open(pg_url, Actor("aisha", "Aisha Khan"), migrate=False, now=lambda: FIXED_NOW)
    lead = lead_of(agent)
    try:
        set_setting(agent, "four_eyes", True)
        view = cases.add_case(agent, draft())
        # an agent, even with a reason: refused, nothing written
        with pytest.raises(PermissionDenied, match="only a team lead may record it"):
            cases.record_event(agent, view.reference, "id-requested", date(2026, 10, 20),
                               late_reason="found in the post tray")
        # nor as an extension put to a lead: a dated-back extension is no decision to defer
        with pytest.raises(PermissionDenied, match="extended dated Fri 30 Oct 2026 is recorded late"):
            cases.record_event(agent, view.reference, "extended", date(2026, 10, 30), "complex")
        assert cases.get_case(agent, view.reference).status.value == "new"
        # a lead, with the reason: taken, the note names the lead
        done = cases.record_event(lead, view.reference, "id-requested", date(2026, 10, 20),
                                  late_reason="found in the post tray")
        assert "recorded Wed 25 Nov 2026 by sam (lead)" in done.due_explained
        with pytest.raises(ValidationError, match="give the reason it is late"):
            cases.record_event(lead, view.reference, "id-received", date(2026, 11, 2))
    finally:
        lead.dispose()
        agent.dispose()


@pytest.mark.pg
def test_a_lead_approving_an_extension_days_later_records_why(pg_url) -> None:
    """A deferred extension approved after the margin (a team's approvals, on PostgreSQL):
    the approval is the reason."""
    from muse_care.services import team

    register = Register.open(pg_url, Actor("aisha", "Aisha Khan"), migrate=False, now=lambda: FIXED_NOW)

    # the team's approval runs as a lead whose login is not the requester
    set_setting(register, "four_eyes", True)
    view = cases.add_case(register, draft(received=date(2026, 11, 1)))
    asked = cases.record_event(register, view.reference, "extended", date(2026, 11, 20), "complex")
    assert asked.status.value == "awaiting-approval"
    later = Register.open(register.url, Actor("sam", "Sam Lead", "lead"), migrate=False,
                          now=lambda: FIXED_NOW.replace(day=30))
    try:
        request = team.approval_queue(later)[0]
        team.decide_approval(later, request.id, "approved", "agreed")
        shown = cases.get_case(later, view.reference)
        assert shown.extended
        assert "extended Fri 20 Nov 2026 recorded Mon 30 Nov 2026 by sam (lead), 10 days after its date: " \
               "waited for a team lead's approval" in shown.due_explained
    finally:
        later.dispose()
        register.dispose()


@pytest.mark.pg
def test_an_extension_is_not_approved_once_the_requester_can_no_longer_be_told(pg_url) -> None:
    """An outside tester: a lead approved an extension the day after the original due
    date, and the case took the extended due date although the requester could no
    longer be told within the month (Art. 12(3); the notice letter is refused then).
    On the due date itself it is approved; the day after, refused in words, and the lead
    rejects it: the case is due on the original day."""
    from muse_care.services import team

    register = Register.open(pg_url, Actor("aisha", "Aisha Khan"), migrate=False, now=lambda: FIXED_NOW)
    set_setting(register, "four_eyes", True)
    on_time = cases.add_case(register, draft(received=date(2026, 11, 1)))  # due Tue 1 Dec 2026
    late = cases.add_case(register, draft(received=date(2026, 11, 1), name="Bea Lee"))
    for view in (on_time, late):
        assert cases.record_event(register, view.reference, "extended", TODAY, "complex").status.value \
            == "awaiting-approval"
    due_day = Register.open(register.url, Actor("sam", "Sam Lead", "lead"), migrate=False,
                            now=lambda: FIXED_NOW.replace(month=12, day=1))
    after = Register.open(register.url, Actor("sam", "Sam Lead", "lead"), migrate=False,
                          now=lambda: FIXED_NOW.replace(month=12, day=2))
    try:
        asked = {a.case_reference: a.id for a in team.approval_queue(after)}
        team.decide_approval(due_day, asked[on_time.reference], "approved", "agreed")
        assert cases.get_case(due_day, on_time.reference).extended_to == date(2027, 2, 1)
        with pytest.raises(ValidationError) as refused:
            team.decide_approval(after, asked[late.reference], "approved", "agreed")
        assert refused.value.message == (
            f"the requester of {late.reference} had to be told of an extension by Tue 1 Dec 2026, within one "
            "month of receipt; it is Wed 2 Dec 2026 in Europe/London, so an extension approved now cannot be "
            "told in time and does not hold. Reject it: the case was due on Tue 1 Dec 2026; reply now")
        kept = cases.get_case(after, late.reference)
        assert (kept.extended, kept.due_date, kept.status.value) == (False, date(2026, 12, 1), "awaiting-approval")
        team.decide_approval(after, asked[late.reference], "rejected", "too late to tell the requester")
        kept = cases.get_case(after, late.reference)
        assert (kept.extended, kept.due_date, kept.status.value) == (False, date(2026, 12, 1), "new")
    finally:
        due_day.dispose()
        after.dispose()
        register.dispose()


# --- the command line -------------------------------------------------------------------

def run(capsys, url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_asks_for_the_late_reason_and_refuses_future_and_early_dates(
        capsys, sqlite_url) -> None:
    code, out, err = run(capsys, sqlite_url, "case", "add", "--right", "access", "--channel", "email",
                         "--received", "2025-09-03", "--regime", "uk-gdpr", "--name", "Ann Lee",
                         "--email", "ann@example.com", "--json")
    assert code == 0, err
    ref = json.loads(out)["reference"]
    # Fri 3 Oct 2025 was the due date; an extension dated then, typed in now, rescues it
    code, _, err = run(capsys, sqlite_url, "case", "event", ref, "extended", "--on", "2025-10-03",
                       "--reason", "complex")
    assert code == 2
    assert err.startswith("muse-care: late_reason: extended dated Fri 3 Oct 2025 is recorded late (")
    assert "moving the due date Fri 3 Oct 2025, which had passed, to Wed 3 Dec 2025" in err
    code, out, _ = run(capsys, sqlite_url, "case", "show", ref, "--json")
    assert json.loads(out)["extended"] is False
    code, out, err = run(capsys, sqlite_url, "case", "event", ref, "extended", "--on", "2025-10-03",
                         "--reason", "complex", "--late-reason", "decided on the day, logged now", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["extended_to"], shown["due_date"]) == ("2025-12-03", "2025-10-03")  # until told
    assert "extended Fri 3 Oct 2025 recorded " in shown["due_explained"]
    assert ": decided on the day, logged now" in shown["due_explained"]
    # in the future, or before the request was received: refused, whatever the reason
    code, _, err = run(capsys, sqlite_url, "case", "event", ref, "clarification-requested",
                       "--on", "2099-01-04", "--late-reason", "x")
    assert code == 2 and "is in the future" in err
    code, _, err = run(capsys, sqlite_url, "case", "event", ref, "clarification-requested",
                       "--on", "2025-09-02", "--late-reason", "x")
    assert code == 2 and "is before the request was received (Wed 3 Sep 2025)" in err


def test_an_extension_notice_is_not_posted_after_the_day_the_requester_had_to_be_told(register) -> None:
    """An outside tester: an extension notice made in time and posted after the original
    due date went out without a word, telling the requester too late (Art. 12(3)). On
    the day itself it prints and is posted; the day after it is stopped at print and at
    dispatch, with what to do."""
    from muse_care.services import letters

    set_setting(register, "four_eyes", False)
    ref = cases.add_case(register, draft(received=date(2026, 11, 1), channel="post", address_lines=["1 High St"],
                                         city="Bristol", postcode="BS1 4DJ")).reference
    cases.record_event(register, ref, "extended", TODAY, "complex")
    notice = letters.produce_letter(register, ref, "extension",
                                    fields={"extension_reasons": "More than 400 orders to search"})
    due_day = Register.open(register.url, Actor("aisha", "Aisha Khan"), migrate=False,
                            now=lambda: FIXED_NOW.replace(month=12, day=1))
    after = Register.open(register.url, Actor("aisha", "Aisha Khan"), migrate=False,
                          now=lambda: FIXED_NOW.replace(month=12, day=2))
    try:
        letters.check_printable(due_day, notice.id)
        with pytest.raises(letters.LateNoticeLetter) as late:
            letters.check_printable(after, notice.id)
        assert late.value.why.startswith("an extension notice had to reach the requester by 2026-12-01")
        letters.record_print(due_day, notice.id)
        with pytest.raises(ValidationError, match="is not to be posted: an extension notice had to reach"):
            letters.mark_dispatched(after, [notice.id])
        letters.mark_dispatched(due_day, [notice.id])  # posted on the day: told in time
        assert letters.list_letters(after, ref)[-1].dispatched_on == date(2026, 12, 1)
    finally:
        due_day.dispose()
        after.dispose()


def test_an_extension_never_told_is_a_breach_warning_by_the_original_due_date(register) -> None:
    """An outside tester: an extension recorded and never told showed only the extended
    due date, two months off. The breach warnings name the notice due by the original
    due date, and after it, the reply overdue since then (the extension does not hold);
    once the notice is posted in time, nothing."""
    from muse_care.services import letters
    from muse_care.services.team_reports import breach_warnings

    set_setting(register, "four_eyes", False)
    ref = cases.add_case(register, draft(received=date(2026, 11, 1), channel="post", address_lines=["1 High St"],
                                         city="Bristol", postcode="BS1 4DJ")).reference
    extended = cases.record_event(register, ref, "extended", TODAY, "complex")
    assert (extended.extended_to, extended.due_date) == (date(2027, 2, 1), date(2026, 12, 1))
    [soon] = [w for w in breach_warnings(register, as_of=date(2026, 11, 27)) if w.reference == ref]
    assert (soon.kind, soon.due, soon.working_days_left) == ("extension", date(2026, 12, 1), 2)
    assert soon.text == (f"{ref} Ann Lee: extension notice (the requester told of the extension) due Tue 01 Dec, "
                         "2 working days left (extended to Mon 01 Feb only once the requester is told; otherwise "
                         "reply by then)")
    [late] = [w for w in breach_warnings(register, as_of=date(2026, 12, 2)) if w.reference == ref]
    assert (late.kind, late.due, late.working_days_left) == ("reply", date(2026, 12, 1), -1)
    assert "no extension notice went out by Tue 01 Dec: the extension does not hold" in late.text
    notice = letters.produce_letter(register, ref, "extension", fields={"extension_reasons": "400 orders"})
    letters.record_print(register, notice.id)
    letters.mark_dispatched(register, [notice.id], on=date(2026, 11, 25))
    assert [w for w in breach_warnings(register, as_of=date(2026, 12, 2)) if w.reference == ref] == []


def _posted_notice(register: Register, ref: str, on: date | None = None) -> int:
    from muse_care.services import letters

    notice = letters.produce_letter(register, ref, "extension", fields={"extension_reasons": "400 orders"})
    letters.record_print(register, notice.id)
    letters.mark_dispatched(register, [notice.id], on=on)
    return notice.id


def test_an_extension_holds_once_the_requester_is_told_and_not_before(register) -> None:
    """An outside tester: an extension recorded and never told kept the extended date
    everywhere: the queue, the Overdue view and the register of requests, which reported
    a reply a fortnight after the original due date as on time. The due date is the
    original one until the notice goes out (Art. 12(3)); then the extended one."""
    from muse_care.services.history import audit
    from muse_care.services.records import register_rows

    set_setting(register, "four_eyes", False)
    post = dict(channel="post", address_lines=["1 High St"], city="Bristol", postcode="BS1 4DJ")
    told = cases.add_case(register, draft(received=date(2026, 11, 1), **post)).reference  # due Tue 1 Dec
    untold = cases.add_case(register, draft(received=date(2026, 10, 26), name="Bea Lee", **post)).reference
    for ref in (told, untold):
        extended = cases.record_event(register, ref, "extended", TODAY, "complex")
        assert extended.extended and extended.due_date == extended.original_due
        assert "holds once the requester is told of it" in extended.due_explained
    _posted_notice(register, told)
    shown = cases.get_case(register, told)
    assert (shown.due_date, shown.extension_told_on, shown.extended_to) == (date(2027, 2, 1), TODAY,
                                                                             date(2027, 2, 1))
    assert "the requester was told of the extension on Wed 25 Nov 2026" in shown.due_explained
    later = Register.open(register.url, Actor("aisha", "Aisha Khan"), migrate=False,
                          now=lambda: FIXED_NOW.replace(day=30))
    try:
        late = cases.get_case(later, untold)  # never told: due Thu 26 Nov, as if not extended
        assert (late.due_date, late.overdue, late.extended_to) == (date(2026, 11, 26), True, date(2027, 1, 26))
        overdue = [c.reference for c in cases.list_cases(later, overdue=True)]
        assert untold in overdue and told not in overdue
        rows = {r.reference: r for r in register_rows(later, date(2026, 10, 1), date(2026, 11, 30))}
        assert (rows[untold].due, rows[told].due) == (date(2026, 11, 26), date(2027, 2, 1))
        with later.read() as s:
            report = audit(s)
        assert report.ok, report.problems
    finally:
        later.dispose()


def test_a_notice_for_an_extension_not_carried_over_a_restart_tells_nothing(register) -> None:
    """An outside tester: a notice posted before the clock restarted (identity asked and
    received) silenced the warnings for a second, untold extension, and a notice made
    before the restart printed afterwards promising a date the case no longer had."""
    from muse_care.services import letters
    from muse_care.services.team_reports import breach_warnings

    set_setting(register, "four_eyes", False)
    ref = cases.add_case(register, draft(received=date(2026, 11, 2), channel="post", address_lines=["1 High St"],
                                         city="Bristol", postcode="BS1 4DJ")).reference
    cases.record_event(register, ref, "extended", date(2026, 11, 20), "complex")
    first = _posted_notice(register, ref)
    unsent = letters.produce_letter(register, ref, "extension", fields={"extension_reasons": "400 orders"})
    assert cases.get_case(register, ref).due_date == date(2027, 2, 2)
    cases.record_event(register, ref, "id-requested", date(2026, 11, 23))
    restarted = cases.record_event(register, ref, "id-received", date(2026, 11, 24))
    assert (restarted.extended, restarted.due_date, restarted.extension_told_on) == (False, date(2026, 12, 24),
                                                                                    None)
    with pytest.raises(letters.StaleLetter, match="it tells the requester we will reply by 2027-02-02, and the "
                                                  "case is now not extended"):
        letters.check_printable(register, unsent.id)
    again = cases.record_event(register, ref, "extended", TODAY, "complex, second look")
    assert (again.extended_to, again.due_date) == (date(2027, 2, 24), date(2026, 12, 24))  # the first notice: no
    [w] = [w for w in breach_warnings(register, as_of=date(2026, 12, 22)) if w.reference == ref]
    assert (w.kind, w.due) == ("extension", date(2026, 12, 24))
    assert first != unsent.id


def test_an_extension_notice_is_told_on_the_laws_day(register) -> None:
    """An outside tester: with the organisation behind the law's zone (Los Angeles, a UK
    case), a notice posted at 23:30 on the due date there, 00:30 the next day in London,
    was taken as told in time."""
    from datetime import datetime, timezone

    from muse_care.services import letters
    from muse_care.services.settings import get_setting

    set_setting(register, "four_eyes", False)
    org = get_setting(register, "organisation")
    set_setting(register, "organisation", {**org, "timezone": "America/Los_Angeles"})
    ref = cases.add_case(register, draft(received=date(2026, 11, 1), channel="post", address_lines=["1 High St"],
                                         city="Bristol", postcode="BS1 4DJ")).reference  # due Tue 1 Dec
    cases.record_event(register, ref, "extended", TODAY, "complex")
    notice = letters.produce_letter(register, ref, "extension", fields={"extension_reasons": "400 orders"})
    letters.record_print(register, notice.id)
    in_time = Register.open(register.url, Actor("aisha", "Aisha Khan"), migrate=False,
                            now=lambda: datetime(2026, 12, 1, 16, 30, tzinfo=timezone.utc))  # 08:30 in LA
    late = Register.open(register.url, Actor("aisha", "Aisha Khan"), migrate=False,
                         now=lambda: datetime(2026, 12, 2, 7, 30, tzinfo=timezone.utc))  # 23:30 1 Dec in LA
    try:
        assert late.today() == date(2026, 12, 1)  # the organisation's day; 2 Dec in London
        with pytest.raises(ValidationError, match="on 2026-12-02 it is too late"):
            letters.mark_dispatched(late, [notice.id])
        assert cases.get_case(late, ref).due_date == date(2026, 12, 1)
        letters.mark_dispatched(in_time, [notice.id])
        assert cases.get_case(in_time, ref).due_date == date(2027, 2, 1)
    finally:
        in_time.dispose()
        late.dispose()


def test_a_told_extension_is_told_again_under_a_new_regime_and_metrics_count_only_those_that_held(register) -> None:
    """An outside tester: a notice told under one law kept counting after the case moved
    to another (whose extension gives another date), and the yearly metrics counted an
    extension never told as an extension made."""
    from muse_care.services.records import metrics

    set_setting(register, "four_eyes", False)
    post = dict(channel="post", address_lines=["1 High St"], city="Bristol", postcode="BS1 4DJ")
    moved = cases.add_case(register, draft(received=date(2026, 11, 2), **post)).reference
    untold = cases.add_case(register, draft(received=date(2026, 11, 2), name="Bea Lee", **post)).reference
    for ref in (moved, untold):
        cases.record_event(register, ref, "extended", TODAY, "complex")
    _posted_notice(register, moved)
    assert cases.get_case(register, moved).due_date == date(2027, 2, 2)
    assert metrics(register, 2026).row("access").extended == 1  # the told one; the untold one never held
    view = cases.change_regime(register, moved, "eu-gdpr", "DE", "the requester lives in Berlin")
    assert (view.extension_told_on, view.due_date) == (None, view.original_due)


def test_an_extension_decided_during_a_clarification_pause_is_told_once_the_dates_are_known(register) -> None:
    """Found by the told differential (tests/law/test_told_differential.py): a notice for an
    extension decided while a UK access request waits for clarification was refused as
    "an extension letter needs the field 'due_date'", a field no agent can type. The pause
    leaves both dates open: the message says so and what to do; once the answer arrives
    the notice gives the dates the pause left."""
    from muse_care.services import letters
    from tests.letters.pdf_probe import all_text, norm

    set_setting(register, "four_eyes", False)
    ref = cases.add_case(register, draft(received=date(2026, 11, 2), channel="post", address_lines=["1 High St"],
                                         city="Bristol", postcode="BS1 4DJ")).reference
    cases.record_event(register, ref, "clarification-requested", date(2026, 11, 19))
    cases.record_event(register, ref, "extended", date(2026, 11, 20), "complex")
    with pytest.raises(ValidationError) as error:
        letters.produce_letter(register, ref, "extension", fields={"extension_reasons": "400 orders"})
    assert (error.value.field, error.value.message) == (
        "kind", f"the clock of {ref} is paused for the clarification asked Thu 19 Nov 2026: the original and the "
        "extended due dates are known only once it arrives. Record the clarification when it arrives, then make "
        "the notice, by the original due date it gives")
    view = cases.record_event(register, ref, "clarification-received", TODAY)
    # 19-25 Nov paused, 7 days: due Wed 9 Dec (not Wed 2 Dec), extended to Tue 9 Feb 2027
    assert (view.original_due, view.extended_to, view.due_date) == (date(2026, 12, 9), date(2027, 2, 9),
                                                                   date(2026, 12, 9))
    notice = letters.produce_letter(register, ref, "extension", fields={"extension_reasons": "400 orders"})
    said = norm(all_text(letters.letter_pdf(register, notice.id)))  # the PDF read back by pdftotext
    assert "9 December 2026" in said and "9 February 2027" in said, said
    letters.record_print(register, notice.id)
    letters.mark_dispatched(register, [notice.id])
    assert cases.get_case(register, ref).due_date == date(2027, 2, 9)


def _extended_by_post(register: Register, received: date = date(2026, 11, 2), email: str = "") -> str:
    set_setting(register, "four_eyes", False)
    ref = cases.add_case(register, draft(received=received, channel="post", address_lines=["1 High St"],
                                         city="Bristol", postcode="BS1 4DJ", email=email)).reference
    cases.record_event(register, ref, "extended", date(2026, 11, 20), "complex")
    return ref


def test_a_letter_takes_its_dates_from_the_case_never_as_typed(register) -> None:
    """An outside tester: `--field "due_date=31 December 2026" --field "new_due_date=31 March
    2027"` on an extension notice (the case: due 2 Dec, extended to 2 Feb) printed and was
    posted as typed, and the extension counted as told; an acknowledgement likewise. A
    date from the case's clock is refused when typed otherwise, at its field; typed as the
    case has it (the window's form sends its shown values back), it is taken."""
    from muse_care.services import letters
    from tests.letters.pdf_probe import all_text, norm

    ref = _extended_by_post(register)
    for name, typed in (("due_date", "31 December 2026"), ("new_due_date", "31 March 2027")):
        with pytest.raises(ValidationError) as error:
            letters.produce_letter(register, ref, "extension", fields={"extension_reasons": "400 orders", name: typed})
        assert error.value.field == name
        assert "comes from the case's clock and cannot be typed (the case gives " in error.value.message
    with pytest.raises(ValidationError, match="comes from the case's clock"):
        letters.produce_letter(register, ref, "acknowledgement", fields={"due_date": "31 March 2027"})
    assert letters.list_letters(register, ref) == []
    notice = letters.produce_letter(register, ref, "extension", fields={
        "extension_reasons": "400 orders", "due_date": "2 December 2026", "new_due_date": "2 February 2027"})
    said = norm(all_text(letters.letter_pdf(register, notice.id)))
    assert "2 December 2026" in said and "2 February 2027" in said and "31 March" not in said


def test_a_letter_is_marked_sent_only_a_way_that_reaches_the_requester(register) -> None:
    """An outside tester: `letters dispatch --method Post` marked an unprinted extension
    notice posted (the print check looked for "post"), and `--method email` (or
    "carrier-pigeon") marked it sent to a requester with no email address; each made the
    extension hold. The method is one of post, email, my-account, in any case of letters;
    email needs the case's email address, my-account its account reference."""
    from muse_care.services import letters

    ref = _extended_by_post(register)
    notice = letters.produce_letter(register, ref, "extension", fields={"extension_reasons": "400 orders"})
    with pytest.raises(ValidationError, match="has never been printed"):
        letters.mark_dispatched(register, [notice.id], method="Post")
    with pytest.raises(ValidationError, match="unknown way of sending 'carrier-pigeon'; use one of: post"):
        letters.mark_dispatched(register, [notice.id], method="carrier-pigeon")
    with pytest.raises(ValidationError, match="cannot have been emailed: the case has no email address"):
        letters.mark_dispatched(register, [notice.id], method="email")
    with pytest.raises(ValidationError, match="the case has no account reference"):
        letters.mark_dispatched(register, [notice.id], method="my-account")
    view = cases.get_case(register, ref)
    assert (view.extension_told_on, view.due_date) == (None, date(2026, 12, 2))
    assert letters.list_letters(register, ref)[-1].dispatched_on is None
    emailed = _extended_by_post(register, email="ann@example.com")
    sent = letters.produce_letter(register, emailed, "extension", fields={"extension_reasons": "400 orders"})
    letters.mark_dispatched(register, [sent.id], method="EMAIL")
    assert letters.list_letters(register, emailed)[-1].dispatch_method == "email"
    assert cases.get_case(register, emailed).due_date == date(2027, 2, 2)


def test_withdrawing_a_request_letter_keeps_the_extension_notice_already_posted(register) -> None:
    """An outside tester: told of the extension on 20 Nov, an identity request made and
    withdrawn the same week left the case due on the original date, its notice forgotten
    (the stop had cleared the told day). The stop voided, the clock is the one before it,
    notice and all; an identity request that arrives restarts the period and the notice
    tells nothing of it."""
    from muse_care.services import letters

    ref = _extended_by_post(register)
    _posted_notice(register, ref, on=date(2026, 11, 20))
    assert cases.get_case(register, ref).due_date == date(2027, 2, 2)
    asked = letters.produce_letter(register, ref, "identity-request")
    stopped = cases.get_case(register, ref)  # not gone out: the request is not made yet
    assert (stopped.due_date, stopped.waiting_for) == (date(2027, 2, 2), "identity")
    letters.withdraw_letter(register, asked.id, "made in error")
    back = cases.get_case(register, ref)
    assert (back.due_date, back.extension_told_on) == (date(2027, 2, 2), date(2026, 11, 20))
    # asked again, and the identity arrives: a new period, and the notice does not carry
    again = letters.produce_letter(register, ref, "identity-request")
    restarted = cases.record_event(register, ref, "id-received", TODAY)
    assert (restarted.due_date, restarted.extended, restarted.extension_told_on) == (date(2026, 12, 29), False, None)
    assert again.id != asked.id


def test_a_stopped_notice_says_what_to_do_with_it(register) -> None:
    """An outside tester: a notice stopped after a restart said to run `letters again`, which
    then failed ("has not been extended"); one stopped during a clarification pause said
    the case was "not extended (an extension does not survive a restart…)". Each now says
    what is so and what to do."""
    from muse_care.services import letters

    ref = _extended_by_post(register)  # extended 20 Nov, due 2 Dec
    restarted = letters.produce_letter(register, ref, "extension", fields={"extension_reasons": "400 orders"})
    cases.record_event(register, ref, "id-requested", date(2026, 11, 23))
    cases.record_event(register, ref, "id-received", date(2026, 11, 24))
    with pytest.raises(letters.StaleLetter) as stale:
        letters.check_printable(register, restarted.id)
    assert f"do not post it, withdraw it (muse-care letters withdraw {restarted.id})" in stale.value.message
    assert "produce the letter again" not in stale.value.message
    paused_ref = _extended_by_post(register, email="bo@example.com")
    paused = letters.produce_letter(register, paused_ref, "extension", fields={"extension_reasons": "400 orders"})
    cases.record_event(register, paused_ref, "clarification-requested", date(2026, 11, 24))
    with pytest.raises(letters.StaleLetter, match="the case's clock is paused for a clarification: the extended "
                                                  "date is known only once the answer arrives"):
        letters.check_printable(register, paused.id)
