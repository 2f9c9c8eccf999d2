"""The retrieval log through its services, on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

import hashlib
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from muse_care.domain.errors import ValidationError
from muse_care.services import cases
from muse_care.services import retrieval as rt
from muse_care.services.history import verify_chain
from muse_care.store.models import RetrievalRecord, SourceRecord
from tests.retrieval.conftest import EMAIL, PHONE, items_on_disk, new_case

AS_OF = date(2026, 11, 25)  # FIXED_NOW's day


def draft(**kw: object) -> rt.RetrievalDraft:
    base: dict[str, object] = dict(source="call-recording", interaction_date=date(2026, 6, 12))
    base.update(kw)
    return rt.RetrievalDraft(**base)  # type: ignore[arg-type]


# --- sources ------------------------------------------------------------------------------

def test_default_sources_are_created_once(register) -> None:
    first = rt.list_sources(register)
    again = rt.list_sources(register)
    rt.ensure_default_sources(register)
    # The retrieval sources are the organisation's systems (migration 0013): the two
    # that purge soonest come first, then the rest of the policy's systems.
    assert [(s.code, s.retention_months, s.identifier_kind) for s in again][:2] == [
        ("call-recording", 6, "phone"), ("live-chat", 13, "email")]
    assert first == again
    from muse_care.domain.systems import DEFAULT_SYSTEMS

    with register.read() as s:
        assert s.execute(select(func.count()).select_from(SourceRecord)).scalar_one() == len(DEFAULT_SYSTEMS)


def test_add_and_update_source_validated_with_history(register, case) -> None:
    crm = rt.add_source(register, "crm", "CRM (Salesforce)", None, "account")
    assert crm.retention_months is None and crm.identifier_kind == "account"
    with pytest.raises(ValidationError) as e:
        rt.add_source(register, "crm", "Again", 3, "email")
    assert e.value.field == "code"
    for bad in [dict(code="X y"), dict(retention_months=0), dict(identifier_kind="fax"), dict(name="a\x07b")]:
        args = dict(code="email-archive", name="Email archive", retention_months=24, identifier_kind="email")
        args.update(bad)
        with pytest.raises(ValidationError) as e:
            rt.add_source(register, **args)  # type: ignore[arg-type]
        assert e.value.field in bad
    entry = rt.add_retrieval(register, case.reference, draft())
    assert entry.purge_on == date(2026, 12, 12)
    rt.update_source(register, "call-recording", retention_months=12)
    assert rt.get_retrieval(register, entry.id).purge_on == date(2027, 6, 12)
    history = cases.get_case(register, case.reference).history
    assert any(h.what == "retrieval:purge-date" and "2027-06-12" in h.new for h in history)
    with register.read() as s:
        assert verify_chain(s).ok


# --- purge dates and retention lines ----------------------------------------------------

@pytest.mark.parametrize(("source", "interaction", "purge"), [
    ("call-recording", date(2026, 6, 12), date(2026, 12, 12)),
    ("call-recording", date(2025, 8, 31), date(2026, 2, 28)),   # no 31 Feb
    ("call-recording", date(2023, 8, 31), date(2024, 2, 29)),   # leap year
    ("call-recording", date(2026, 5, 31), date(2026, 11, 30)),  # no 31 Nov
    ("call-recording", date(2024, 2, 29), date(2024, 8, 29)),   # from a leap day
    ("live-chat", date(2024, 2, 29), date(2025, 3, 29)),        # 13 months from a leap day
    ("live-chat", date(2023, 1, 31), date(2024, 2, 29)),        # 13 months to a leap day
    ("live-chat", date(2025, 10, 31), date(2026, 11, 30)),
])
def test_purge_dates_at_month_ends_and_leap_days(register, case, source, interaction, purge) -> None:
    entry = rt.add_retrieval(register, case.reference, draft(source=source, interaction_date=interaction))
    assert entry.purge_on == purge
    with register.read() as s:
        assert s.execute(select(RetrievalRecord.purge_on)).scalar_one() == purge


def test_retention_line_says_retrieve_now(register, case) -> None:
    rt.add_retrieval(register, case.reference, draft())  # logged, not yet retrieved
    rt.add_retrieval(register, case.reference, draft(source="live-chat", interaction_date=date(2026, 1, 5)))
    rt.add_retrieval(register, case.reference, draft(interaction_date=date(2026, 5, 25),
                                                     result="already-purged"))
    lines = rt.retention_lines(register, case.reference, AS_OF)
    assert [x.text for x in lines] == [
        "Recording of Fri 12 Jun 2026 is purged on Sat 12 Dec 2026: 17 days; retrieve now",
        "Chat of Mon 5 Jan 2026 is purged on Fri 5 Feb 2027: 72 days left",
    ]
    assert [x.severity.value for x in lines] == ["at-risk", "held"]
    assert not any(x.secured for x in lines)
    assert rt.retention_lines(register, case.reference, date(2026, 12, 12))[0].severity.value == "purged"


def test_retrieved_item_line_says_so(register, case, store, tmp_path) -> None:
    f = tmp_path / "call.wav"
    f.write_bytes(b"RIFF" + bytes(1000))
    rt.add_retrieval(register, case.reference, draft(file=str(f)), store)
    (line,) = rt.retention_lines(register, case.reference, AS_OF)
    assert line.secured
    assert line.text == ("Recording of Fri 12 Jun 2026 is purged on Sat 12 Dec 2026: 17 days; "
                         "retrieved, a copy is in the evidence store")


def test_coverage_says_what_is_already_gone(register) -> None:
    lines = {c.source_code: c for c in rt.coverage_lines(register, AS_OF)}
    assert lines["call-recording"].held_from == date(2026, 5, 26)
    assert lines["live-chat"].held_from == date(2025, 10, 26)
    # Month ends: on 30 Nov, recordings of 31 May (purged 30 Nov) are gone; 1 Jun is held.
    assert rt.held_from(date(2026, 11, 30), 6) == date(2026, 6, 1)
    # On 29 Feb 2024 the recordings of 29, 30 and 31 Aug 2023 all reach their purge date.
    assert rt.held_from(date(2024, 2, 29), 6) == date(2023, 9, 1)


def test_report_and_queue_warning_only_for_open_cases(register, case) -> None:
    closed = new_case(register, name="Brian Closed")
    rt.add_retrieval(register, case.reference, draft())
    rt.add_retrieval(register, case.reference, draft(source="live-chat", interaction_date=date(2026, 1, 5)))
    rt.add_retrieval(register, case.reference, draft(interaction_date=date(2026, 5, 1),
                                                     result="already-purged"))
    rt.add_retrieval(register, closed.reference, draft())
    cases.change_status(register, closed.reference, "withdrawn")
    report = rt.retention_report(register, AS_OF)
    assert [(r.line.case_reference, r.line.purge_on, r.line.days_left) for r in report] == [
        (case.reference, date(2026, 12, 12), 17), (case.reference, date(2027, 2, 5), 72)]
    # The queue flags a case from purge_on inside the warning window.
    warn = rt.warn_days(register)
    with register.read() as s:
        at_risk = s.execute(select(RetrievalRecord.case_id).where(
            RetrievalRecord.purge_on >= AS_OF, RetrievalRecord.purge_on <= AS_OF + timedelta(days=warn))
        ).scalars().all()
    assert sorted(at_risk) == sorted([case.id, closed.id])
    from muse_care.services import queue

    rows = {r.reference: r for r in queue.first_page(register, queue.QueueQuery())[1]}
    assert rows[case.reference].retention_at_risk


# --- validation -------------------------------------------------------------------------

@pytest.mark.parametrize(("change", "field"), [
    (dict(interaction_date=date(2026, 11, 26)), "interaction_date"),
    (dict(period_from=date(2026, 6, 1), period_to=date(2026, 5, 1)), "period_from"),
    (dict(period_from=date(2026, 6, 1)), "period_to"),
    (dict(period_from=date(2026, 6, 1), period_to=date(2026, 12, 1)), "period_to"),
    (dict(period_from=date(2026, 7, 1), period_to=date(2026, 8, 1)), "interaction_date"),
    (dict(result="lost"), "result"),
    (dict(source="fax"), "source"),
    (dict(item_ref="x" * 201), "item_ref"),
    (dict(item_ref="CALL\x1b[2J"), "item_ref"),
    (dict(file="/nonexistent/call.wav"), "file"),
    (dict(interaction_date=None), "interaction_date"),
    (dict(result="none-found", interaction_date=None), "period_from"),
    (dict(identifier="not a phone"), "identifier"),
    (dict(interaction_time=time(23, 59), interaction_date=date(2026, 11, 25)), "interaction_time"),
])
def test_bad_input_names_the_field_and_writes_nothing(register, case, store, change, field) -> None:
    with pytest.raises(ValidationError) as e:
        rt.add_retrieval(register, case.reference, draft(**change), store)
    assert e.value.field == field, str(e.value)
    assert rt.list_retrievals(register, case.reference) == []
    assert items_on_disk(store.root) == []


def test_identifier_defaults_to_the_requesters(register, case) -> None:
    call = rt.add_retrieval(register, case.reference, draft())
    chat = rt.add_retrieval(register, case.reference, draft(source="live-chat", identifier="Other@Example.COM"))
    assert call.identifier == PHONE
    assert chat.identifier == "other@example.com"
    history = [h for h in cases.get_case(register, case.reference).history if h.what == "retrieval:add"]
    assert PHONE not in history[0].new and "…3456" in history[0].new  # masked in the history


def test_a_failed_row_write_deletes_the_stored_file(register, case, store, tmp_path, monkeypatch) -> None:
    f = tmp_path / "call.wav"
    f.write_bytes(b"x" * 10_000)
    from muse_care.services import history

    def boom(self, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise RuntimeError("disk full in the middle of the transaction")

    monkeypatch.setattr(history.HistoryWriter, "add", boom)
    with pytest.raises(RuntimeError):
        rt.add_retrieval(register, case.reference, draft(file=str(f)), store)
    monkeypatch.undo()
    assert items_on_disk(store.root) == []
    assert rt.list_retrievals(register, case.reference) == []


def test_file_is_stored_encrypted_with_its_hash_and_history(register, case, store, tmp_path) -> None:
    content = b"chat transcript: hello \xe2\x9c\x93" * 500
    f = tmp_path / "chat 2026-06-12.txt"
    f.write_bytes(content)
    entry = rt.add_retrieval(register, case.reference,
                             draft(source="live-chat", interaction_time=time(14, 5), item_ref="LC-778812",
                                   period_from=date(2026, 6, 1), period_to=date(2026, 6, 30), file=str(f)), store)
    assert entry.result is rt.Result.FOUND and entry.has_file
    assert entry.sha256 == hashlib.sha256(content).hexdigest() and entry.file_size == len(content)
    assert entry.file_name == "chat 2026-06-12.txt" and entry.interaction_time == "14:05"
    assert entry.identifier == EMAIL and entry.purge_on == date(2027, 7, 12)
    (sealed,) = items_on_disk(store.root)
    assert b"chat transcript" not in sealed.read_bytes()
    with store.open_verified(entry.evidence_id, entry.sha256) as r:
        assert r.read() == content
    whats = [h.what for h in cases.get_case(register, case.reference).history]
    assert whats[-2:] == ["retrieval:add", "retrieval:file"]


def test_empty_file(register, case, store, tmp_path) -> None:
    f = tmp_path / "silence.wav"
    f.write_bytes(b"")
    entry = rt.add_retrieval(register, case.reference, draft(file=str(f)), store)
    assert entry.file_size == 0 and entry.sha256 == hashlib.sha256(b"").hexdigest()
    from muse_care.services.evidence_service import export_item, verify_evidence

    assert verify_evidence(register, store).ok
    out = export_item(register, store, entry.id, tmp_path)
    assert out.read_bytes() == b""


def test_update_attaches_the_file_and_redaction(register, case, store, tmp_path) -> None:
    entry = rt.add_retrieval(register, case.reference, draft())
    assert entry.result is rt.Result.TO_RETRIEVE
    f = tmp_path / "call.wav"
    f.write_bytes(b"abc")
    updated = rt.update_retrieval(register, entry.id, file=str(f), store=store, redaction_needed=True,
                                  expected_version=entry.version)
    assert updated.result is rt.Result.FOUND and updated.has_file and updated.redaction_needed
    with pytest.raises(ValidationError):
        rt.update_retrieval(register, entry.id, file=str(f), store=store)
    assert len(items_on_disk(store.root)) == 1
    with pytest.raises(ValidationError):
        rt.update_retrieval(register, entry.id, result="none-found")
    done = rt.update_retrieval(register, entry.id, result="redacted")
    assert done.redaction_needed and done.redaction_done
    from muse_care.domain.errors import StaleRecord

    with pytest.raises(StaleRecord):
        rt.update_retrieval(register, entry.id, item_ref="X", expected_version=entry.version)
