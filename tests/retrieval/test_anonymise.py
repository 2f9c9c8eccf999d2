"""Our own retention: closed cases anonymised after the configured years; open ones never."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from sqlalchemy import func, select

from muse_care.cli.main import main
from muse_care.services import anonymise as an
from muse_care.services import cases
from muse_care.services import retrieval as rt
from muse_care.services.history import verify_chain
from muse_care.store.models import CaseRecord, NoteRecord, RetrievalRecord
from tests.retrieval.conftest import EMAIL, PHONE, items_on_disk, new_case

CLOSED_AT_NOW = date(2026, 11, 25)  # FIXED_NOW: the cases below are closed "today"


def _closed_case(register, store, tmp_path, name: str = "Closed Person"):  # noqa: ANN001, ANN202
    view = new_case(register, name=name, note="called about order 55512; lives at 4 Elm Road")
    f = tmp_path / f"{name}.wav"
    f.write_bytes(b"voice" * 100)
    rt.add_retrieval(register, view.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), item_ref="REC-1", file=str(f)), store)
    cases.change_status(register, view.reference, "withdrawn", "the customer withdrew it")
    return cases.change_status(register, view.reference, "closed")


def test_dry_run_lists_and_changes_nothing_then_real_run_keeps_statistics(register, store, tmp_path) -> None:
    open_case = new_case(register, name="Still Open", note="open case note")
    rt.add_retrieval(register, open_case.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), file=str(_file(tmp_path))), store)
    closed = _closed_case(register, store, tmp_path)
    withdrawn_only = new_case(register, name="Withdrawn Not Closed")
    cases.change_status(register, withdrawn_only.reference, "withdrawn")

    # Three years after it ended, to the day before: only the evidence copy is due
    # (6 months after the reply), not the case.
    early = an.plan(register, date(2029, 11, 24))
    assert [(c.reference, c.action) for c in early.cases] == [(closed.reference, "purge-evidence")]
    report = an.anonymise(register, store, date(2029, 11, 25), dry_run=True)
    assert report.dry_run and report.cutoff == date(2026, 11, 25)
    # a case that ended in any final status goes (finding 1): the withdrawn one too
    assert [(c.reference, c.closed_on, c.notes, c.evidence_files, c.action) for c in report.cases] == [
        (closed.reference, CLOSED_AT_NOW, 1, 1, "anonymise"), (withdrawn_only.reference, CLOSED_AT_NOW, 0, 0,
                                                               "anonymise")]
    assert len(items_on_disk(store.root)) == 2
    assert cases.get_case(register, closed.reference).requester.name == "Closed Person"

    done = an.anonymise(register, store, date(2029, 11, 25))
    assert [c.reference for c in done.cases] == [closed.reference, withdrawn_only.reference]
    assert not done.evidence_problems
    after = cases.get_case(register, closed.reference)
    rq = after.requester
    assert (rq.name, rq.email, rq.phone, rq.address_lines, rq.account_ref) == ("Anonymised", "", "", (), "")
    assert after.notes == ()
    assert (after.status.value, after.rights, after.channel.value, after.regime, after.received) == (
        "closed", closed.rights, "phone", "uk-gdpr", closed.received)
    (entry,) = rt.list_retrievals(register, closed.reference)
    assert (entry.identifier, entry.item_ref, entry.file_name, entry.evidence_id) == ("", "", "", "")
    assert entry.source_code == "call-recording" and entry.interaction_date == date(2026, 6, 12)
    assert len(items_on_disk(store.root)) == 1  # the open case's file is still there
    last = next(h for h in reversed(after.history) if h.what == "anonymised")
    assert after.history[-1].what == "minimal record"
    assert last.what == "anonymised"
    for personal in ("Closed Person", EMAIL, PHONE, "Elm Road", "REC-1"):
        assert personal not in last.new
    # the earlier entries (note text, status reason, retrieval) lost their values too
    for h in after.history:
        for personal in ("Closed Person", "Elm Road", "REC-1", "the customer withdrew it"):
            assert personal not in h.old + h.new, (h.what, personal)
    assert "history entries redacted" in last.new
    assert [h.new for h in after.history if h.what == "status"][-2:] == ["withdrawn", "closed"]
    with register.read() as s:
        assert verify_chain(s).ok
        assert s.execute(select(CaseRecord.anonymised_at).where(CaseRecord.id == closed.id)).scalar_one()

    # The open case and the withdrawn one are untouched.
    still = cases.get_case(register, open_case.reference)
    assert still.requester.name == "Still Open" and [n.text for n in still.notes] == ["open case note"]
    assert rt.list_retrievals(register, open_case.reference)[0].has_file
    assert cases.get_case(register, withdrawn_only.reference).requester.name == "Anonymised"
    # Running again does nothing more.
    assert an.anonymise(register, store, date(2029, 11, 25)).cases == ()


def test_an_open_case_is_never_touched_even_if_very_old(register, store, tmp_path) -> None:
    old = new_case(register, name="Ancient Open", received=date(2019, 1, 2), note="keep me")
    with register.unit_of_work() as s:  # make it look untouched for years
        rec = s.get(CaseRecord, old.id)
        rec.updated_at = datetime(2019, 1, 2, tzinfo=timezone.utc)
    for as_of in (date(2030, 1, 1), date(2099, 1, 1)):
        assert an.anonymise(register, store, as_of, dry_run=True).cases == ()
        assert an.anonymise(register, store, as_of).cases == ()
    view = cases.get_case(register, old.reference)
    assert view.requester.name == "Ancient Open" and view.notes[0].text == "keep me"
    with register.read() as s:
        assert s.execute(select(func.count()).select_from(NoteRecord)).scalar_one() == 1


def test_a_case_reopened_after_the_plan_is_left_alone(register, store, tmp_path, monkeypatch) -> None:
    closed = _closed_case(register, store, tmp_path)
    plan = an.plan(register, date(2029, 12, 1))
    assert [c.reference for c in plan.cases] == [closed.reference]
    assert plan.cases[0].action == "anonymise"
    with register.unit_of_work() as s:  # someone reopens it between the plan and the change
        s.get(CaseRecord, closed.id).status = "in-progress"
    monkeypatch.setattr(an, "plan", lambda register, as_of=None: plan)
    assert an.anonymise(register, store, date(2029, 12, 1)).cases == ()
    assert cases.get_case(register, closed.reference).requester.name == "Closed Person"
    with register.read() as s:
        assert s.execute(select(RetrievalRecord.evidence_id)).scalar_one() != ""


def test_cli_dry_run_then_run(capsys, sqlite_register, tmp_path) -> None:
    from muse_care.evidence import EvidenceStore, KeyringKeyProvider

    url = sqlite_register.url
    store = EvidenceStore(tmp_path / "evidence", KeyringKeyProvider())  # beside the SQLite file
    closed = _closed_case(sqlite_register, store, tmp_path)
    code = main(["--db", url, "anonymise", "--dry-run", "--as-of", "2029-11-25", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["dry_run"] and [c["reference"] for c in out["cases"]] == [closed.reference]
    assert cases.get_case(sqlite_register, closed.reference).requester.name == "Closed Person"
    code = main(["--db", url, "anonymise", "--as-of", "2029-11-25"])
    text = capsys.readouterr().out
    assert code == 0 and "1 case(s) anonymised" in text and "open cases are never touched" in text
    assert cases.get_case(sqlite_register, closed.reference).requester.name == "Anonymised"
    assert items_on_disk(tmp_path / "evidence") == []


def _file(tmp_path):  # noqa: ANN001, ANN202
    p = tmp_path / "open-case.wav"
    p.write_bytes(b"open" * 50)
    return p


def test_anonymisation_blanks_task_notes_and_keeps_what_the_register_needs(register, store, tmp_path) -> None:
    from muse_care.services import records, tasks

    closed = new_case(register, name="Task Person")
    first = tasks.list_tasks(register, closed.reference)[0]
    tasks.settle_task(register, first.id, "not-applicable", reason="Task Person has no recordings",
                      notes="spoke to Task Person at 4 Elm Road")
    cases.change_status(register, closed.reference, "withdrawn", "withdrawn")
    cases.change_status(register, closed.reference, "closed")
    an.anonymise(register, store, date(2029, 11, 25))
    after = tasks.get_task(register, first.id)
    assert (after.notes, after.reason) == ("", "")
    assert (after.system, after.right, after.status.value) == (first.system, first.right, "not-applicable")
    (row,) = [r for r in records.register_rows(register, date(2018, 1, 1), date(2030, 1, 1))
              if r.reference == closed.reference]
    assert row.outcome == "withdrawn" and row.rights == closed.rights
