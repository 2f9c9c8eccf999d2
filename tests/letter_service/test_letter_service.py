"""Letters as cases use them: produced from the case, kept with their hash, printed in
a run for the mailroom, dispatched, reprinted; on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from muse_care.cli.main import main
from muse_care.domain.case_views import Requester
from muse_care.domain.errors import NotFound, ValidationError
from muse_care.services import cases, letters
from muse_care.services.cases import CaseDraft
from muse_care.services.register import Actor, Register
from muse_care.services.settings import set_setting


RECENT = (date.today() - timedelta(days=7)).isoformat()
"""A received day for the command line, which runs on the real clock: a fixed one
passes its due date (found when 2 Dec 2026 came)."""


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def postal_case(register, four_eyes: bool = False, **kw):  # noqa: ANN001, ANN201
    # Four eyes is on by default on PostgreSQL; these tests are about letters, and
    # test_four_eyes_* below are about the approval.
    set_setting(register, "four_eyes", four_eyes)
    base = dict(name="Jürgen Müller", rights=["access", "erasure"], channel="post",
                received=date(2026, 11, 2), regime="eu-gdpr", holiday_region="DE",
                address_lines=["Schloßallee 12"], city="Berlin", postcode="10115", country="DE")
    base.update(kw)
    return cases.add_case(register, CaseDraft(**base))


def confirm_identity(register, view) -> None:  # noqa: ANN001
    for check in cases.get_case(register, view.reference).checks:
        if check.result != "passed":
            cases.record_check(register, view.reference, check.step, "passed")


def test_a_disclosing_reply_needs_a_confirmed_identity(register) -> None:
    view = postal_case(register)
    with pytest.raises(ValidationError, match="identity of the requester .* is not confirmed"):
        letters.produce_letter(register, view.reference, "access-response", enclosures=["Your data"])
    cases.record_event(register, view.reference, "id-requested", date(2026, 11, 20))
    confirm_identity(register, view)
    with pytest.raises(ValidationError, match="requested identity has not arrived"):
        letters.produce_letter(register, view.reference, "access-response", enclosures=["Your data"])
    cases.record_event(register, view.reference, "id-received", date(2026, 11, 22))
    info = letters.produce_letter(register, view.reference, "access-response", enclosures=["Your data"])
    assert info.kind == "access-response"
    assert [i.kind for i in letters.list_letters(register, view.reference)] == ["access-response"]


def test_acknowledgement_is_kept_with_its_hash(register) -> None:
    view = postal_case(register)
    info = letters.produce_letter(register, view.reference, "acknowledgement", layout="din5008-b")
    pdf = letters.letter_pdf(register, info.id)
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == info.sha256
    body = pdf_text(pdf)
    assert view.reference in body and "2 December 2026" in body and "Jürgen Müller" in body
    assert "DEUTSCHLAND" in body or "GERMANY" in body  # abroad: country line in capitals
    history = cases.get_case(register, view.reference).history
    made = [h.new for h in history if h.what == "letter:acknowledgement"]
    assert info.page_count == 1 and made == [f"letter {info.id}, din5008-b, 1 page, sha256 {info.sha256[:16]}…"]


def test_identity_request_letter_starts_the_wait(register) -> None:
    view = postal_case(register)
    asked = letters.produce_letter(register, view.reference, "identity-request")
    after = cases.get_case(register, view.reference)
    assert [e.kind for e in after.events] == ["id-requested"]
    # the request is made by the letter that goes out: until then the reply is due as before
    assert after.due_date == view.due_date and after.status.value == "awaiting-identity"
    body = pdf_text(letters.letter_pdf(register, letters.list_letters(register, view.reference)[0].id))
    assert "recent order" in body
    letters.record_print(register, asked.id)
    letters.mark_dispatched(register, [asked.id])
    assert cases.get_case(register, view.reference).due_date is None  # sent: the clock stops


def test_missing_field_names_it_and_stores_nothing(register) -> None:
    view = postal_case(register)
    with pytest.raises(ValidationError, match="outcome"):
        letters.produce_letter(register, view.reference, "closing")
    assert letters.list_letters(register, view.reference) == []


def test_no_address_no_letter(register) -> None:
    view = cases.add_case(register, CaseDraft(name="Li Wei", rights=["access"], channel="email",
                                              received=date(2026, 11, 2), email="li@example.com"))
    with pytest.raises(ValidationError, match="no complete postal address"):
        letters.produce_letter(register, view.reference, "acknowledgement")


def test_print_run_pads_letters_and_dispatch_marks_them(register) -> None:
    a = postal_case(register)
    b = postal_case(register, name="王小明", address_lines=["朝阳区建国路88号"], city="北京市",
                    postcode="100022", country="CN", regime="uk-gdpr", holiday_region="")
    la = letters.produce_letter(register, a.reference, "acknowledgement")
    confirm_identity(register, b)
    lb = letters.produce_letter(register, b.reference, "access-response",
                                enclosures=["Copy of your account data (12 pages)"])
    run = letters.build_print_run(register)
    reader = PdfReader(io.BytesIO(run.pdf))
    assert len(reader.pages) == run.pages
    expected = sum(x + (x % 2) for x in (la.page_count, lb.page_count)) + 2  # cover padded to 2
    assert run.pages == expected
    cover = reader.pages[0].extract_text()
    assert a.reference in cover and b.reference in cover
    assert {i.print_count for i in run.letters} == {1}
    done = letters.mark_dispatched(register, [la.id, lb.id], "post")
    assert all(i.dispatched_on == date(2026, 11, 25) for i in done)
    with pytest.raises(ValidationError, match="no letters waiting"):
        letters.build_print_run(register)
    with pytest.raises(ValidationError, match="already dispatched"):
        letters.mark_dispatched(register, [la.id])


def test_tampered_or_misaddressed_letters_are_stopped(register) -> None:
    view = postal_case(register)
    info = letters.produce_letter(register, view.reference, "acknowledgement")
    cases.update_requester(register, view.reference,
                           Requester(name="Hannah Meyer", address_lines=("Gartenweg 3",), city="Köln",
                                     postcode="50667", country="DE"),
                           expected_version=cases.get_case(register, view.reference).version)
    with pytest.raises(ValidationError, match="produce the letter again"):
        letters.build_print_run(register)
    other = postal_case(register)
    info2 = letters.produce_letter(register, other.reference, "acknowledgement")
    with register.engine.begin() as conn:
        conn.execute(text("UPDATE letters SET pdf = :p WHERE id = :i"), {"p": b"%PDF-1.4 forged", "i": info2.id})
    with pytest.raises(ValidationError, match="does not match its recorded hash"):
        letters.letter_pdf(register, info2.id)
    assert info.id != info2.id


def test_reprint_is_the_same_document_and_needs_a_reason(register) -> None:
    view = postal_case(register)
    info = letters.produce_letter(register, view.reference, "acknowledgement")
    original = letters.letter_pdf(register, info.id)
    with pytest.raises(ValidationError, match="reason"):
        letters.reprint(register, info.id, "  ")
    assert letters.reprint(register, info.id, "returned: envelope damaged") == original
    with pytest.raises(NotFound):
        letters.reprint(register, 999_999, "x")
    history = cases.get_case(register, view.reference).history
    assert any(h.what == "letter reprint:acknowledgement" and "envelope damaged" in h.new for h in history)


def test_refusal_letter_takes_reasons_from_the_case(register) -> None:
    view = postal_case(register, rights=["complaint"])
    cases.change_status(register, view.reference, "refused",
                        "manifestly excessive: the fifth identical request this month; we replied on 1 Nov")
    info = letters.produce_letter(register, view.reference, "refusal")
    body = pdf_text(letters.letter_pdf(register, info.id))
    assert "fifth identical request" in body
    assert "judicial remedy" in body.lower() or "court" in body.lower()
    assert "Garante" in body or "ICO" in body


def test_cli_letter_and_print_run(capsys, sqlite_url, tmp_path: Path) -> None:
    code = main(["--db", sqlite_url, "case", "add", "--right", "access", "--channel", "post", "--received",
                 RECENT, "--name", "Łukasz Żółć <img src='/etc/passwd'/> & Co", "--address-line",
                 "ul. Piękna 5", "--city", "Warszawa", "--postcode", "00-001", "--country", "PL", "--json"])
    ref = json.loads(capsys.readouterr().out)["reference"]
    assert code == 0
    out = tmp_path / "ack.pdf"
    assert main(["--db", sqlite_url, "letter", ref, "--kind", "acknowledgement", "--layout", "uk",
                 "-o", str(out)]) == 0
    capsys.readouterr()
    body = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    assert "Łukasz Żółć <img src='/etc/passwd'/> & Co" in body
    assert main(["--db", sqlite_url, "letter", ref, "--kind", "nonsense", "-o", str(out)]) == 2
    assert "unknown letter kind" in capsys.readouterr().err
    run = tmp_path / "run.pdf"
    assert main(["--db", sqlite_url, "letters", "print-run", "-o", str(run), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)["runs"][0]
    assert printed["pages"] == len(PdfReader(str(run)).pages) == 4
    check = subprocess.run(["qpdf", "--check", str(run)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    letter_id = str(printed["letters"][0]["id"])
    assert main(["--db", sqlite_url, "letters", "dispatch", "--run", str(printed["run"]), "--json"]) == 0
    assert [x["id"] for x in json.loads(capsys.readouterr().out)["dispatched"]] == [int(letter_id)]


def test_password_protected_copy(capsys, sqlite_url, tmp_path: Path, monkeypatch) -> None:
    main(["--db", sqlite_url, "case", "add", "--right", "access", "--channel", "post", "--received",
          RECENT, "--name", "Oliver Smith", "--address-line", "1 High Street", "--city", "Leeds",
          "--postcode", "LS1 4DY", "--country", "GB", "--json"])
    ref = json.loads(capsys.readouterr().out)["reference"]
    monkeypatch.setenv("LETTER_PW", "correct horse")
    out = tmp_path / "protected.pdf"
    assert main(["--db", sqlite_url, "letter", ref, "--kind", "acknowledgement", "-o", str(out),
                 "--password-env", "LETTER_PW"]) == 0
    reader = PdfReader(str(out))
    assert reader.is_encrypted
    assert reader.decrypt("correct horse")
    assert ref in reader.pages[0].extract_text()


def test_extension_notice_only_after_extending_and_within_the_first_month(register) -> None:
    view = postal_case(register, received=date(2026, 11, 2))
    with pytest.raises(ValidationError, match="has not been extended"):
        letters.produce_letter(register, view.reference, "extension")
    cases.record_event(register, view.reference, "extended", date(2026, 11, 20),
                       "complex: orders across three brands; several requests")
    info = letters.produce_letter(register, view.reference, "extension")
    body = pdf_text(letters.letter_pdf(register, info.id))
    assert "2 February 2027" in body and "several requests" in body
    with pytest.raises(ValidationError, match="within one month of receipt"):
        letters.produce_letter(register, view.reference, "extension", letter_date=date(2026, 12, 3))
    # the regime's own period (an outside tester: a CCPA case was told "the first month")
    ca = postal_case(register, name="Maria Lopez", received=date(2026, 10, 6), regime="ccpa",
                     holiday_region="US-CA", address_lines=["1 Market St"], city="San Francisco", region="CA",
                     postcode="94105", country="US")
    cases.record_event(register, ca.reference, "extended", date(2026, 11, 20), "complex: three brands",
                       late_reason="told by email on the day; recorded after")
    with pytest.raises(ValidationError, match=r"by 2026-11-20 \(within 45 calendar days of receipt\)"):
        letters.produce_letter(register, ca.reference, "extension", letter_date=date(2026, 11, 21))


def test_an_acknowledgement_never_promises_a_day_that_has_passed(register, capsys, tmp_path: Path) -> None:
    """Found using it: an acknowledgement made for an overdue case, dated 2 December,
    said "We will reply by 2 November". It is made up to the due date, which counts,
    and refused after it, by every path that makes one: the service, the CLI, and a
    letter made again for the print run (docs/letters.md, "A letter never promises a
    day that has passed"). A refusal writes nothing."""
    from muse_care.cli.main import main as cli_main

    view = postal_case(register, received=date(2026, 9, 30))  # one month: Fri 30 Oct 2026
    assert view.due_date == date(2026, 10, 30)
    on_time = letters.produce_letter(register, view.reference, "acknowledgement", letter_date=date(2026, 10, 30))
    text = pdf_text(letters.letter_pdf(register, on_time.id, for_print=False))
    assert "We will reply by 30 October 2026" in " ".join(text.split())
    held = (letters.list_letters(register, view.reference), cases.get_case(register, view.reference).history)
    for day in (date(2026, 10, 31), None):  # the day after, and the register's today (25 Nov)
        with pytest.raises(ValidationError, match="was due on 2026-10-30: an acknowledgement dated "
                                                  r"2026-1\d-\d\d would promise a reply by a day that has passed"):
            letters.produce_letter(register, view.reference, "acknowledgement", letter_date=day)
    with pytest.raises(ValidationError, match="would promise a reply by a day that has passed"):
        letters.produce_again(register, on_time.id)  # the address changed: made again today
    made = letters.produce_again_many(register, [on_time.id])
    assert made.letters == () and [(i, ref) for i, ref, _why in made.failed] == [(on_time.id, view.reference)]
    assert "would promise a reply by a day that has passed" in made.failed[0][2]
    assert (letters.list_letters(register, view.reference), cases.get_case(register, view.reference).history) == held
    capsys.readouterr()
    out = tmp_path / "late.pdf"
    assert cli_main(["--db", register.url, "letter", view.reference, "--kind", "acknowledgement",
                     "-o", str(out)]) == 2
    assert not out.exists()
    assert "would promise a reply by a day that has passed" in capsys.readouterr().err


def test_a_stored_acknowledgement_never_prints_a_promise_the_case_no_longer_keeps(register, capsys,
                                                                                 tmp_path: Path) -> None:
    """Found by an outside tester: an acknowledgement made in time printed after its
    case's due date had passed, and one made before a change of regime or a restarted
    clock printed a reply date the case no longer had. A letter that promises the due
    date now prints only on or before that day and only while the case is still due on
    the day it names; else every print stops it, writing nothing (docs/letters.md, "A
    letter never promises a day that has passed")."""
    from datetime import datetime, timezone

    from muse_care.cli.main import main as cli_main

    today = [date(2026, 10, 20)]
    register.now = lambda: datetime.combine(today[0], datetime.min.time(), timezone.utc).replace(hour=10)
    view = postal_case(register, received=date(2026, 10, 20))  # EU GDPR, DE: due Fri 20 Nov
    ack = letters.produce_letter(register, view.reference, "acknowledgement")
    letters.check_printable(register, ack.id)
    today[0] = date(2026, 11, 20)  # the due date itself still counts
    letters.check_printable(register, ack.id)
    today[0] = date(2026, 11, 21)
    held = (letters.list_letters(register, view.reference), cases.get_case(register, view.reference).history)
    for attempt in (lambda: letters.check_printable(register, ack.id),
                    lambda: letters.record_print(register, ack.id),
                    lambda: letters.reprint(register, ack.id, "jammed"),
                    lambda: letters.build_print_run(register, ids=[ack.id])):
        with pytest.raises(letters.PastPromiseLetter, match="promises a reply by the due date, 2026-11-20, "
                                                            r"which has passed \(today is 2026-11-21\): do not post it"):
            attempt()
    assert letters.stopped_letters(register, [ack.id]) == []  # not offered to be produced again
    assert (letters.list_letters(register, view.reference), cases.get_case(register, view.reference).history) == held
    assert cli_main(["--db", register.url, "letters", "reprint", str(ack.id), "--reason", "jammed",
                     "-o", str(tmp_path / "r.pdf")]) == 2
    assert "do not post it" in capsys.readouterr().err and not (tmp_path / "r.pdf").exists()

    # a promise the case no longer keeps: the clock stopped for identity after the letter
    today[0] = date(2026, 11, 2)
    other = postal_case(register, name="Anna Schmidt", received=date(2026, 11, 2))  # due Wed 2 Dec
    ack2 = letters.produce_letter(register, other.reference, "acknowledgement")
    today[0] = date(2026, 11, 3)
    cases.record_event(register, other.reference, "id-requested", date(2026, 11, 3))
    with pytest.raises(letters.StaleLetter, match="it promises a reply by 2026-12-02, and the case's clock is "
                                                  "now stopped; produce the letter again"):
        letters.check_printable(register, ack2.id)
    assert [(i, why) for i, _ref, why in letters.stopped_letters(register, [ack2.id])] == \
        [(ack2.id, "it promises a reply by 2026-12-02, and the case's clock is now stopped")]
    again = letters.produce_again(register, ack2.id)  # names no day while the clock is stopped
    letters.check_printable(register, again.id)
    today[0] = date(2026, 11, 10)
    cases.record_event(register, other.reference, "id-received", date(2026, 11, 10))  # due Thu 10 Dec
    with pytest.raises(letters.StaleLetter, match="it names no reply date \\(the clock was stopped\\), and the "
                                                  "case is now due on 2026-12-10"):
        letters.check_printable(register, again.id)
    third = letters.produce_again(register, again.id)
    letters.check_printable(register, third.id)
    assert "We will reply by 10 December 2026" in " ".join(pdf_text(letters.letter_pdf(register, third.id)).split())


def test_a_printed_letter_that_must_not_go_out_is_not_marked_posted(register) -> None:
    """Found by an outside tester: dispatch checked nothing, so an acknowledgement printed
    on its due date was marked posted the next day, and printed ones whose case's due date
    had moved since were marked posted with the run. Dispatch now holds back (a run) or
    refuses (single letters) a letter past its promise, with a promise the case no longer
    keeps, or whose case's address changed since it was made; nothing is written."""
    from datetime import datetime, timezone

    today = [date(2026, 11, 20)]
    register.now = lambda: datetime.combine(today[0], datetime.min.time(), timezone.utc).replace(hour=10)
    late = postal_case(register, received=date(2026, 10, 20))  # due Fri 20 Nov
    moved = postal_case(register, name="Anna Schmidt", received=date(2026, 11, 19))  # due Mon 21 Dec
    fine = postal_case(register, name="Karl Weber", received=date(2026, 11, 19), postcode="10117")
    made = [letters.produce_letter(register, v.reference, "acknowledgement") for v in (late, moved, fine)]
    run = letters.build_print_run(register, ids=[m.id for m in made])
    today[0] = date(2026, 11, 21)
    cases.record_event(register, moved.reference, "id-requested", date(2026, 11, 21))
    with pytest.raises(ValidationError, match=f"letter {made[0].id} for {late.reference} is not to be posted: "
                                              "an acknowledgement promises a reply by the due date, 2026-11-20"):
        letters.mark_dispatched(register, [made[0].id])
    history = [len(cases.get_case(register, v.reference).history) for v in (late, moved, fine)]
    done, held = letters.dispatch_run(register, run.id)
    assert [d.id for d in done] == [made[2].id]
    why = dict(held)
    assert sorted(why) == [made[0].id, made[1].id]
    assert "do not post it" in why[made[0].id]
    assert "it promises a reply by 2026-12-21, and the case's clock is now stopped" in why[made[1].id]
    assert f"muse-care letters again {made[1].id}" in why[made[1].id]
    after = [len(cases.get_case(register, v.reference).history) for v in (late, moved, fine)]
    assert after == [history[0], history[1], history[2] + 1]  # only the posted one's entry
    sent = {x.id: x.dispatched_on for x in letters.letters_for_run(register, ids=[m.id for m in made])}
    assert sent == {made[0].id: None, made[1].id: None, made[2].id: date(2026, 11, 21)}


def test_the_acknowledgements_reply_date_reads_as_english_whatever_the_clock(register) -> None:
    """Found by an outside tester: with the clock stopped the acknowledgement said "We will
    reply by one month after we receive the identity we asked for. That is one month from
    the day we received your request..." and "We will reply by once we have your answer";
    an extended case's said it might extend; and the extension sentence promised to write
    "before" the due date, which may itself be the day (docs/letters.md, "The
    acknowledgement's reply date")."""
    def said(ref: str) -> str:
        info = letters.produce_letter(register, ref, "acknowledgement")
        return " ".join(pdf_text(letters.letter_pdf(register, info.id, for_print=False)).split())

    plain = postal_case(register, received=date(2026, 11, 2))  # EU GDPR: due Wed 2 Dec
    text = said(plain.reference)
    assert "We will reply by 2 December 2026. That is one month from the day we received" in text
    assert "Under the General Data Protection Regulation (EU) 2016/679 (GDPR), you have the right:" in text
    assert "If we need to do so, we will write to you by 2 December 2026 and explain why." in text

    waiting = postal_case(register, name="Anna Schmidt", received=date(2026, 11, 23))
    cases.record_event(register, waiting.reference, "id-requested", date(2026, 11, 24))
    text = said(waiting.reference)
    assert "We will reply within one month of receiving the identity we asked for." in text
    assert "We will reply by" not in text and "That is one month from" not in text
    assert "write to you by" not in text and "extend this period" not in text

    uk = cases.add_case(register, CaseDraft(
        name="Ffion Ellis", rights=["access"], channel="post", received=date(2026, 11, 23), regime="uk-gdpr",
        holiday_region="GB-ENG", address_lines=["14 Station Road"], city="Leeds", postcode="LS1 4DY", country="GB"))
    cases.record_event(register, uk.reference, "clarification-requested", date(2026, 11, 24))
    text = said(uk.reference)
    assert ("We will reply once we have your answer to our question, within the time that was left when we "
            "asked it (the time limit is paused until then).") in text
    assert "We will reply by" not in text

    extended = postal_case(register, name="Karl Weber", received=date(2026, 11, 2))
    cases.record_event(register, extended.reference, "extended", date(2026, 11, 24), "complex: three brands")
    # an outside tester: the extension holds once its notice goes out; until then the
    # reply is due on the original day, and that is what the acknowledgement says
    text = said(extended.reference)
    assert "We will reply by 2 December 2026" in text and "We have extended" not in text
    notice = letters.produce_letter(register, extended.reference, "extension",
                                    fields={"extension_reasons": "Three brands' systems to search"})
    letters.record_print(register, notice.id)
    letters.mark_dispatched(register, [notice.id])
    text = said(extended.reference)
    assert "We have extended the time for our reply, as the law allows, and we will reply by 2 February 2027." \
        in text and "As we told you" not in text
    assert "If we need to do so" not in text and "That is one month from" not in text


def test_a_single_print_is_counted_and_shown_in_history(register) -> None:
    view = postal_case(register)
    info = letters.produce_letter(register, view.reference, "acknowledgement")
    printed = letters.record_print(register, info.id)
    assert printed.print_count == 1
    assert any(h.what == "letter printed:acknowledgement" for h in cases.get_case(register, view.reference).history)


def test_four_eyes_a_disclosing_reply_waits_for_a_lead(register) -> None:
    from muse_care.domain.errors import PermissionDenied
    from muse_care.services import team

    view = postal_case(register, four_eyes=True)
    with pytest.raises(PermissionDenied, match="needs a team lead's approval"):
        letters.produce_letter(register, view.reference, "access-response", enclosures=["Your data"])
    assert letters.list_letters(register, view.reference) == []
    letters.produce_letter(register, view.reference, "acknowledgement")  # nothing disclosed: no approval
    request = team.request_approval(register, view.reference, "disclosure", "reply with 14 pages of data")
    lead = Register(register.engine, Actor("marco", "Marco Lead", role="lead"), register.now)
    team.decide_approval(lead, request.id, "approved", "checked the enclosures")
    confirm_identity(register, view)
    info = letters.produce_letter(register, view.reference, "access-response", enclosures=["Your data"])
    assert info.kind == "access-response"
    history = cases.get_case(register, view.reference).history
    assert any(h.what == "approval:disclosure" and "approved by marco" in h.new for h in history)


def test_case_show_counts_one_day_as_one_day(sqlite_url, capsys) -> None:
    """An outside tester: ``case show`` printed "1 days OVERDUE"."""
    assert main(["--db", sqlite_url, "case", "add", "--right", "access", "--channel", "email", "--received",
                 "2026-10-24", "--regime", "uk-gdpr", "--name", "Oliver Smith", "--email", "o@example.org",
                 "--json"]) == 0
    ref = json.loads(capsys.readouterr().out)["reference"]  # due Tue 24 Nov 2026
    shown = {}
    for day in ("2026-11-25", "2026-11-23", "2026-11-27"):
        assert main(["--db", sqlite_url, "case", "show", ref, "--as-of", day]) == 0
        shown[day] = capsys.readouterr().out
    assert "1 day OVERDUE" in shown["2026-11-25"] and "1 day left" in shown["2026-11-23"]
    assert "3 days OVERDUE" in shown["2026-11-27"]


def test_a_ccpa_receipt_is_confirmed_when_the_acknowledgement_is_sent_not_when_it_is_made(register) -> None:
    """Found by an outside tester: a CCPA case showed its receipt "confirmed" as soon as
    an acknowledgement was made, though that letter was then stopped and never printed
    or posted (§ 7021(a) asks for the receipt to be confirmed; docs/rules.md, "CCPA").
    The case header, the queue's Acknowledgement view and the leads' warnings now count
    only an acknowledgement that was sent."""
    from muse_care.services import queue
    from muse_care.services.team_reports import breach_warnings

    ca = postal_case(register, name="Maria Lopez", received=date(2026, 11, 20), regime="ccpa",
                     holiday_region="US-CA", address_lines=["1 Market St"], city="San Francisco", region="CA",
                     postcode="94105", country="US")

    def state() -> tuple[bool, bool, bool]:
        view = cases.get_case(register, ca.reference)
        in_view = ca.id in [r.id for r in queue.first_page(register, queue.QueueQuery(view="acknowledgement"))[1]]
        warned = any(w.case_id == ca.id and w.kind == "acknowledgement"
                     for w in breach_warnings(register, within=30))
        return view.acknowledged, in_view, warned

    assert state() == (False, True, True)
    ack = letters.produce_letter(register, ca.reference, "acknowledgement", layout="us10")
    assert state() == (False, True, True)  # made, not sent: nothing is confirmed yet
    letters.record_print(register, ack.id)
    assert state() == (False, True, True)
    letters.mark_dispatched(register, [ack.id])
    assert state() == (True, False, False)
    # the view take-next hands out (one statement on PostgreSQL) says the same
    from muse_care.services import team

    made_only = postal_case(register, name="Ana Silva", received=date(2026, 11, 19), regime="ccpa",
                            holiday_region="US-CA", address_lines=["2 Market St"], city="San Francisco",
                            region="CA", postcode="94105", country="US")
    letters.record_print(register, letters.produce_letter(register, made_only.reference, "acknowledgement",
                                                          layout="us10").id)
    first, second = team.take_next_case(register), team.take_next_case(register)
    assert (first.id, first.acknowledged, second.id, second.acknowledged) == (made_only.id, False, ca.id, True)


def test_the_cli_print_run_says_how_to_print_the_rest_without_a_past_promise(register, capsys,
                                                                              tmp_path: Path) -> None:
    """An outside tester: one acknowledgement past its case's due date stopped the day's
    whole run on the command line, with no word on how to print the others. The message
    now gives the command that prints the rest; a changed address names `letters again`."""
    from muse_care.cli.main import main as cli_main

    late = postal_case(register, received=date(2026, 9, 30))  # due Fri 30 Oct 2026: past for good
    ack = letters.produce_letter(register, late.reference, "acknowledgement", letter_date=date(2026, 10, 1))
    other = postal_case(register, name="Anna Schmidt", received=date(2026, 11, 20))
    asked = letters.produce_letter(register, other.reference, "identity-request")  # promises no date
    out = tmp_path / "run.pdf"
    base = ["--db", register.url, "letters", "print-run", "--date", "2026-11-25"]
    assert cli_main([*base, "-o", str(out)]) == 2
    said = capsys.readouterr().err
    assert f"letter {ack.id} for {late.reference} was not printed" in said and "do not post it" in said
    assert f"The rest of the run without it: muse-care letters print-run --id {asked.id} -o {out}" in said
    assert not out.exists()
    assert cli_main([*base, "--id", str(asked.id), "-o", str(out)]) == 0
    assert out.exists() and f"letter {asked.id}" in capsys.readouterr().out


def test_breach_warnings_count_a_reply_once_it_is_given_not_when_it_is_made(register) -> None:
    """A lead is warned of an open case due soon with no reply. The warnings counted any
    letter not in a fixed list of non-replies as soon as it was made: a postal reply
    made and never posted hid its case until the deadline had passed, and so did a
    closing letter, which is no reply (letters/kinds.py). They now ask what Responded
    asks (services/respond_gate.py)."""
    from muse_care.services.respond_gate import record_electronic_reply
    from muse_care.services.team_reports import breach_warnings

    def warned(view) -> list:  # noqa: ANN001
        return [w for w in breach_warnings(register, within=30) if w.case_id == view.id and w.kind == "reply"]

    post = postal_case(register, received=date(2026, 10, 28))  # due 30 Nov (EU GDPR, Berlin)
    confirm_identity(register, post)
    assert warned(post)
    reply = letters.produce_letter(register, post.reference, "access-response", enclosures=["Your data"])
    [w] = warned(post)  # made, not posted: still due
    assert f"letter {reply.id} made, not yet posted in a dispatched print run" in w.text
    run = letters.build_print_run(register, ids=[reply.id])
    assert warned(post)  # printed in a run that has not gone out
    letters.dispatch_run(register, run.id)
    assert warned(post) == []

    by_email = postal_case(register, name="Ana Silva", channel="email", email="ana@example.org",
                           received=date(2026, 10, 29))
    confirm_identity(register, by_email)
    letters.produce_letter(register, by_email.reference, "closing",
                           fields={"outcome": "You told us you need nothing further."})
    assert warned(by_email)  # a closing letter answers nothing
    letters.produce_letter(register, by_email.reference, "access-response", enclosures=["Your data"])
    assert warned(by_email) == []  # as Responded counts it for a request that did not come by post

    chat = postal_case(register, name="Li Wei", channel="live-chat", received=date(2026, 10, 30))
    assert warned(chat)
    record_electronic_reply(register, chat.reference, "email", date(2026, 11, 24), "our answer, by email")
    assert warned(chat) == []


def test_a_clarification_request_says_the_clock_stops_only_when_it_does(register) -> None:
    """A lawyer reading the letters: a UK access request asked for clarification after
    its due date was told "the time we have ... stops from the day we ask", though the
    clock records no pause for a round asked after the period ended (docs/rules.md,
    "Clarification"). The letter now asks the clock what a round asked on its date does."""
    from muse_care.letters.law import NO_PAUSE

    def uk(name: str, received: date):  # noqa: ANN202
        return cases.add_case(register, CaseDraft(
            name=name, rights=["access"], channel="post", received=received, regime="uk-gdpr",
            holiday_region="GB-ENG", address_lines=["14 Station Road"], city="Leeds", postcode="LS1 4DY",
            country="GB"))

    def said(view) -> str:  # noqa: ANN001
        info = letters.produce_letter(register, view.reference, "clarification-request",
                                      fields={"clarification_question": "Which orders do you mean?"})
        return " ".join(pdf_text(letters.letter_pdf(register, info.id, for_print=False)).split())

    in_time = said(uk("Ffion Ellis", date(2026, 11, 23)))
    assert "stops from the day we ask" in in_time and NO_PAUSE not in in_time
    late = uk("Gareth Jones", date(2026, 10, 1))  # due Mon 2 Nov 2026; the letter is dated 25 Nov
    text = said(late)
    assert NO_PAUSE in text and "stops from the day we ask" not in text
    assert "after the due date: no pause" in cases.get_case(register, late.reference).due_explained


def test_a_withdrawn_letter_never_prints_or_goes_out_and_leaves_the_print_list(register, capsys, tmp_path: Path,
                                                                             cli_on_fixed_now: None) -> None:
    """The mailroom: an acknowledgement made in time and not printed by its case's due
    date must never go out, yet it stayed in that day's print list for good and stopped
    the command line's run, with no way to set it aside. It can now be withdrawn, with
    the reason: it never prints or goes out, leaves the list, and a reply withdrawn no
    longer answers the request (Responded, the breach warnings)."""
    from datetime import datetime, timezone

    from muse_care.cli.main import main as cli_main
    from muse_care.services.team_reports import breach_warnings

    today = [date(2026, 11, 20)]
    register.now = lambda: datetime.combine(today[0], datetime.min.time(), timezone.utc).replace(hour=10)
    late = postal_case(register, received=date(2026, 10, 20))  # due Fri 20 Nov
    other = postal_case(register, name="Anna Schmidt", received=date(2026, 11, 19))
    ack, fine = (letters.produce_letter(register, v.reference, "acknowledgement") for v in (late, other))
    today[0] = date(2026, 11, 21)  # the same day's list, printed a day late
    day = date(2026, 11, 20)
    out = tmp_path / "run.pdf"
    assert cli_main(["--db", register.url, "letters", "print-run", "--date", day.isoformat(), "-o", str(out)]) == 2
    said = capsys.readouterr().err
    assert f"muse-care letters withdraw {ack.id} --reason" in said and not out.exists()

    with pytest.raises(ValidationError, match="reason"):
        letters.withdraw_letter(register, ack.id, "  ")
    letters.withdraw_letter(register, ack.id, "promises a reply by 20 November, which has passed")
    [info] = letters.list_letters(register, late.reference)
    assert (info.withdrawn_on, info.withdrawn_reason) == (date(2026, 11, 21),
                                                          "promises a reply by 20 November, which has passed")
    entry = cases.get_case(register, late.reference).history[-1]
    assert (entry.what, entry.new) == ("letter withdrawn:acknowledgement",
                                      f"letter {ack.id}: promises a reply by 20 November, which has passed")
    assert [i.id for i in letters.letters_for_run(register, day)] == [fine.id]  # out of the list
    assert cli_main(["--db", register.url, "letters", "print-run", "--date", day.isoformat(), "-o", str(out)]) == 0
    assert out.exists()
    for attempt in (lambda: letters.check_printable(register, ack.id),
                    lambda: letters.record_print(register, ack.id),
                    lambda: letters.build_print_run(register, ids=[ack.id])):
        with pytest.raises(letters.WithdrawnLetter, match="withdrawn on 2026-11-21 .*never printed or sent"):
            attempt()
    with pytest.raises(ValidationError, match="withdrawn on 2026-11-21"):
        letters.mark_dispatched(register, [ack.id])
    with pytest.raises(ValidationError, match="withdrawn already"):
        letters.withdraw_letter(register, ack.id, "again")
    letters.dispatch_run(register, letters.run_for_day(register, day).id)
    with pytest.raises(ValidationError, match="cannot be withdrawn"):  # gone out: too late
        letters.withdraw_letter(register, fine.id, "made in error")

    # a reply made and withdrawn answers nobody: the warnings and Responded say so again
    email = postal_case(register, name="Karl Weber", channel="email", email="karl@example.org",
                        received=date(2026, 11, 2))
    confirm_identity(register, email)
    reply = letters.produce_letter(register, email.reference, "access-response", enclosures=["Your data"])
    assert not [w for w in breach_warnings(register, within=30) if w.case_id == email.id and w.kind == "reply"]
    assert cli_main(["--db", register.url, "letters", "withdraw", str(reply.id), "--reason",
                     "made for the wrong request"]) == 0
    assert f"letter {reply.id}: access-response for {email.reference} withdrawn" in capsys.readouterr().out
    assert cli_main(["--db", register.url, "letters", "list", email.reference]) == 0
    cli_day = Register.open(register.url, Actor("aisha", "Aisha Khan"), migrate=False)  # the command line's day
    try:
        assert f"withdrawn {cli_day.today().isoformat()}: made for the wrong request" in capsys.readouterr().out
    finally:
        cli_day.dispose()
    assert [w for w in breach_warnings(register, within=30) if w.case_id == email.id and w.kind == "reply"]
    with pytest.raises(ValidationError, match="no reply letter has been produced"):
        cases.change_status(register, email.reference, "in-progress")
        cases.change_status(register, email.reference, "responded")


def test_the_cli_print_run_names_every_past_promise_not_only_the_first(register, capsys, tmp_path: Path) -> None:
    """An outside tester: with two past-due acknowledgements in the day's list, the
    refusal offered "print-run --id" of the other one, which was refused in its turn."""
    from muse_care.cli.main import main as cli_main

    late = [postal_case(register, name=n, received=date(2026, 9, 30)) for n in ("Ada Berg", "Bo Lind")]
    acks = [letters.produce_letter(register, v.reference, "acknowledgement", letter_date=date(2026, 10, 1))
            for v in late]
    other = postal_case(register, name="Anna Schmidt", received=date(2026, 11, 20))
    asked = letters.produce_letter(register, other.reference, "identity-request")
    out = tmp_path / "run.pdf"
    assert cli_main(["--db", register.url, "letters", "print-run", "--date", "2026-11-25", "-o", str(out)]) == 2
    said = capsys.readouterr().err
    assert f"Letters {acks[0].id}, {acks[1].id} all promise a day that has passed" in said
    assert all(f"muse-care letters withdraw {a.id} --reason" in said for a in acks)
    assert f"The rest of the run without them: muse-care letters print-run --id {asked.id} -o {out}" in said


def test_a_withdrawn_letter_is_not_produced_again_nor_a_reply_the_case_was_answered_on(register) -> None:
    """An outside tester: `letters again` made a withdrawn letter afresh, and the new one
    was posted; and a reply withdrawn after the case was marked Responded left the case
    Responded on nothing."""
    from responded_support import settle_recipients, settle_tasks

    view = postal_case(register, name="Karl Weber", channel="email", email="karl@example.org",
                       received=date(2026, 11, 2), rights=["access"])
    confirm_identity(register, view)
    reply = letters.produce_letter(register, view.reference, "access-response", enclosures=["Your data"])
    ack = letters.produce_letter(register, view.reference, "acknowledgement")
    letters.withdraw_letter(register, ack.id, "the requester withdrew the request")
    with pytest.raises(ValidationError, match=f"letter {ack.id} was withdrawn on 2026-11-25 .*not produced again"):
        letters.produce_again(register, ack.id)
    settle_recipients(register, view.reference)
    settle_tasks(register, view.reference)
    cases.change_status(register, view.reference, "in-progress")
    cases.change_status(register, view.reference, "responded")
    with pytest.raises(ValidationError, match="is responded, answered on its reply.*move the case back to In "
                                              "progress first"):
        letters.withdraw_letter(register, reply.id, "wrong person's data enclosed")
    cases.change_status(register, view.reference, "in-progress")
    letters.withdraw_letter(register, reply.id, "wrong person's data enclosed")
    with pytest.raises(ValidationError, match="no reply letter has been produced"):
        cases.change_status(register, view.reference, "responded")


def test_a_clarification_request_stops_at_print_once_its_regime_says_otherwise(register) -> None:
    """An outside tester: a UK access request's clarification letter ("the time ... stops
    from the day we ask") printed unchanged after the case moved to the EU GDPR, under
    which the time keeps running. It now stops like a changed address, and made again
    says what the EU GDPR does."""
    from muse_care.letters.law import NO_PAUSE

    view = cases.add_case(register, CaseDraft(
        name="Ffion Ellis", rights=["access"], channel="post", received=date(2026, 11, 23), regime="uk-gdpr",
        holiday_region="GB-ENG", address_lines=["14 Station Road"], city="Leeds", postcode="LS1 4DY", country="GB"))
    asked = letters.produce_letter(register, view.reference, "clarification-request",
                                   fields={"clarification_question": "Which orders do you mean?"})
    letters.check_printable(register, asked.id)
    cases.change_regime(register, view.reference, "eu-gdpr", "IT", "lives in Milan; the UK address is old")
    with pytest.raises(letters.StaleLetter, match="it says the time for our answer stops while we wait for the "
                                                  "requester's answer, and under the case's regime and rights now "
                                                  "it does not"):
        letters.check_printable(register, asked.id)
    again = letters.produce_again(register, asked.id)
    letters.check_printable(register, again.id)
    assert NO_PAUSE in " ".join(pdf_text(letters.letter_pdf(register, again.id)).split())


def test_a_run_whose_letters_were_produced_again_or_withdrawn_is_settled(register) -> None:
    """An outside tester: a run whose one letter was produced again (the new one then
    withdrawn) stayed "waiting" for good, and every later `letters dispatch --date` of
    that day asked which run."""
    view = postal_case(register)
    ack = letters.produce_letter(register, view.reference, "acknowledgement")
    stuck = letters.build_print_run(register, ids=[ack.id])
    again = letters.produce_again(register, ack.id)
    letters.withdraw_letter(register, again.id, "made in error")
    info = letters.get_run(register, stuck.id)
    assert (info.dispatched, info.withdrawn, info.replaced) == (0, 0, 1)
    other = postal_case(register, name="Anna Schmidt")
    fine = letters.produce_letter(register, other.reference, "acknowledgement")
    run = letters.build_print_run(register, ids=[fine.id])
    assert letters.run_for_day(register, register.today()).id == run.id  # the day has one run waiting
