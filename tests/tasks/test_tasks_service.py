"""Tasks per system and right: generated at intake, settled one by one, gating the reply,
feeding the letters; on SQLite and the real PostgreSQL server."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from muse_care.domain.errors import StaleRecord, ValidationError
from muse_care.domain.systems import DEFAULT_SYSTEMS, Action, TaskStatus, tasks_for
from muse_care.services import cases, tasks
from muse_care.services.cases import CaseDraft
from muse_care.store.models import CaseTaskRecord, HistoryRecord


def draft(**kw: object) -> CaseDraft:
    base = dict(name="Giulia Rossi", rights=["erasure"], channel="email", received=date(2026, 11, 2),
                regime="uk-gdpr", email="giulia@example.com", country="GB")
    base.update(kw)
    return CaseDraft(**base)  # type: ignore[arg-type]


def confirmed(register, **kw: object):  # noqa: ANN201
    view = cases.add_case(register, draft(**kw))
    for check in view.checks:
        view = cases.record_check(register, view.reference, check.step, "passed")
    assert view.status.value == "in-progress"
    return view


def expected_systems(right: str) -> list[str]:
    return [s.code for s in DEFAULT_SYSTEMS if s.action_for(right) is not None]


def test_generation_follows_the_rights_and_the_systems() -> None:
    specs = tasks_for(["access", "erasure", "access"], DEFAULT_SYSTEMS)
    assert [(t.system, t.right) for t in specs if t.right == "access"] == [
        (c, "access") for c in expected_systems("access")]
    by = {(t.system, t.right): t.action for t in specs}
    assert by[("web-shop", "erasure")] is Action.KEEP_LEGAL_DUTY
    assert by[("ad-audiences", "erasure")] is Action.DELETE
    assert ("ad-audiences", "access") not in by  # nothing of the requester's is searchable there
    assert tasks_for(["complaint"], DEFAULT_SYSTEMS) == []


@pytest.mark.parametrize("right", ["access", "erasure", "rectification", "restriction",
                                   "marketing-opt-out", "objection", "portability"])
def test_intake_creates_one_task_per_system_for_each_right(register, right: str) -> None:
    view = cases.add_case(register, draft(rights=[right]))
    listed = tasks.list_tasks(register, view.reference)
    assert [t.system for t in listed] == expected_systems(right)
    assert {t.status for t in listed} == {TaskStatus.TODO}
    assert all(t.due == view.due_date and t.reference == view.reference for t in listed)


def test_reply_is_gated_until_every_task_is_settled(register) -> None:
    view = confirmed(register)
    open_tasks = tasks.list_tasks(register, view.reference)
    with pytest.raises(ValidationError, match=f"{len(open_tasks)} tasks are still open") as caught:
        cases.change_status(register, view.reference, "responded")
    assert "Call recordings (erasure), Live chat provider (erasure)" in str(caught.value)
    for t in open_tasks:
        if t.action is Action.KEEP_LEGAL_DUTY:
            tasks.settle_task(register, t.id, "kept", basis="tax law: billing records kept 7 years")
        elif t.system == "app-push":
            tasks.settle_task(register, t.id, "nothing-held")
        else:
            tasks.settle_task(register, t.id, "done")
    from tests.responded_support import settle_recipients

    settle_recipients(register, view.reference)
    from muse_care.services.respond_gate import record_electronic_reply

    record_electronic_reply(register, view.reference, "email", date(2026, 11, 24), "deleted as asked")
    view = cases.change_status(register, view.reference, "responded")
    assert view.status.value == "responded"


def test_settling_is_validated_and_written_to_the_history(register) -> None:
    view = confirmed(register, rights=["erasure", "access"])
    listed = {(t.system, t.right): t for t in tasks.list_tasks(register, view.reference)}
    shop = listed[("web-shop", "erasure")]
    with pytest.raises(ValidationError, match="legal basis") as caught:
        tasks.settle_task(register, shop.id, "kept")
    assert caught.value.field == "basis"
    with pytest.raises(ValidationError) as caught:
        tasks.settle_task(register, listed[("analytics", "access")].id, "not-applicable")
    assert caught.value.field == "reason"
    with pytest.raises(ValidationError, match="for erasure tasks"):
        tasks.settle_task(register, listed[("analytics", "access")].id, "kept", basis="x")
    with pytest.raises(ValidationError, match="unknown task status"):
        tasks.settle_task(register, shop.id, "finished")
    done = tasks.settle_task(register, shop.id, "kept", basis="tax law: 7 years", notes="orders 2019-2026 kept")
    assert done.status is TaskStatus.KEPT and done.done_by == "aisha" and done.done_at_text
    with pytest.raises(StaleRecord):
        tasks.settle_task(register, shop.id, "done", expected_version=shop.version)
    again = tasks.settle_task(register, shop.id, "todo", expected_version=done.version)
    assert again.status is TaskStatus.TODO and again.done_by == "" and again.basis == ""
    with register.read() as s:
        entries = s.execute(select(HistoryRecord.what, HistoryRecord.old_value, HistoryRecord.new_value)
                            .where(HistoryRecord.case_id == view.id, HistoryRecord.what.like("task%"))
                            .order_by(HistoryRecord.id)).all()
    assert [e[0] for e in entries] == ["task", "task note", "task"]
    assert entries[0][2] == "web-shop/erasure: kept (basis: tax law: 7 years)"
    assert entries[2][1] == "web-shop/erasure: kept (basis: tax law: 7 years)"


def test_a_failed_settlement_changes_nothing(register) -> None:
    view = confirmed(register)
    t = tasks.list_tasks(register, view.reference)[0]
    with pytest.raises(ValidationError):
        tasks.settle_task(register, t.id, "done", notes="x" * 5000)
    after = tasks.get_task(register, t.id)
    assert after.status is TaskStatus.TODO and after.notes == "" and after.version == t.version


def test_assigning_a_task_to_another_person(register) -> None:
    view = confirmed(register, rights=["marketing-opt-out"])
    t = next(x for x in tasks.list_tasks(register, view.reference) if x.system == "mailing-list")
    tasks.assign_task(register, t.id, "marco")
    mine = tasks.my_tasks(register, "marco")
    assert [(x.id, x.reference) for x in mine] == [(t.id, view.reference)]
    tasks.settle_task(register, t.id, "done")
    assert tasks.my_tasks(register, "marco") == []


def test_letters_say_what_the_tasks_found(register) -> None:
    view = confirmed(register, rights=["erasure", "access"])
    for t in tasks.list_tasks(register, view.reference):
        if t.action is Action.KEEP_LEGAL_DUTY:
            tasks.settle_task(register, t.id, "kept", basis="tax law: billing records kept 7 years")
        elif t.system == "analytics":
            tasks.settle_task(register, t.id, "nothing-held")
        elif t.system == "ad-audiences":
            tasks.settle_task(register, t.id, "not-applicable", reason="never added to an audience")
        else:
            tasks.settle_task(register, t.id, "done")
    fields = tasks.letter_fields(register, view.reference)
    searched = fields["systems_searched"].split("\n")
    assert "Call recordings: data found and enclosed" in searched
    assert "Browsing and analytics data: nothing held about you" in searched
    assert fields["retained"] == "Web shop: orders and billing"
    assert fields["legal_basis"] == "tax law: billing records kept 7 years"
    erased = fields["erased"].split("\n")
    assert "My Account" in erased and "Browsing and analytics data (nothing was held)" in erased
    assert "recipients_told" not in fields  # the Art. 19 recipients: services/recipients.py


def test_task_due_is_earlier_where_the_system_purges_first(register) -> None:
    from muse_care.services import retrieval as rt

    view = confirmed(register, rights=["access"], received=date(2026, 11, 20))
    # A recording of 1 Jun 2026 is purged six months later, before the case is due.
    rt.add_retrieval(register, view.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 1), result="to-retrieve"))
    listed = {t.system: t for t in tasks.list_tasks(register, view.reference)}
    assert view.due_date is not None
    assert listed["call-recording"].due is not None and listed["call-recording"].due < view.due_date
    assert listed["web-shop"].due == view.due_date


def without_systems(register, make):  # noqa: ANN001, ANN201
    """A case taken in while no system was active, as before tasks existed (tasks are
    never deleted, so this is how a case without tasks comes about)."""
    from sqlalchemy import update

    from muse_care.store.models import SourceRecord

    with register.unit_of_work() as s:
        s.execute(update(SourceRecord).values(active=False))
    view = make()
    with register.unit_of_work() as s:
        s.execute(update(SourceRecord).values(active=True))
    return view


def test_older_cases_get_their_tasks_on_request(register) -> None:
    view = without_systems(register, lambda: cases.add_case(register, draft(rights=["erasure"])))
    assert tasks.list_tasks(register, view.reference) == []
    made = tasks.ensure_tasks(register, view.reference)
    assert [t.system for t in made] == expected_systems("erasure")
    assert [t.system for t in tasks.ensure_tasks(register, view.reference)] == expected_systems("erasure")


def test_system_summary_counts_open_tasks(register) -> None:
    for n in range(3):
        cases.add_case(register, draft(name=f"Person {n}", email=f"p{n}@example.com"))
    summary = {(s.system, s.right): s for s in tasks.system_summary(register, date(2026, 11, 25))}
    mailing = summary[("mailing-list", "erasure")]
    assert mailing.open == 3
    assert mailing.text == "erasure tasks in MUSE/LVM News mailing list (marketing platform): 3 open, oldest 23 days"


def test_my_tasks_view_in_the_queue(register) -> None:
    from muse_care.services import queue

    mine = cases.add_case(register, draft(rights=["marketing-opt-out"]))
    cases.add_case(register, draft(name="Someone Else", email="else@example.com"))
    t = next(x for x in tasks.list_tasks(register, mine.reference) if x.system == "mailing-list")
    tasks.assign_task(register, t.id, register.actor.login)
    assert queue.view_counts(register)["my-tasks"] == 1
    rows = queue.fetch_rows(register, queue.QueueQuery(view="my-tasks"), 0, 50)
    assert [r.reference for r in rows] == [mine.reference]
    tasks.settle_task(register, t.id, "done")
    assert queue.count(register, queue.QueueQuery(view="my-tasks")) == 0


def test_tasks_are_never_deleted_and_every_change_is_a_row_entry(register) -> None:
    from sqlalchemy import delete, func

    view = cases.add_case(register, draft(rights=["erasure"]))
    with pytest.raises(Exception, match="cannot be deleted"):
        with register.unit_of_work() as s:
            s.execute(delete(CaseTaskRecord).where(CaseTaskRecord.case_id == view.id))
    assert len(tasks.list_tasks(register, view.reference)) == len(expected_systems("erasure"))
    t = tasks.list_tasks(register, view.reference)[0]
    tasks.settle_task(register, t.id, "done")
    with register.read() as s:
        rows = s.execute(select(func.count()).select_from(HistoryRecord).where(
            HistoryRecord.what == "row:case_tasks:update", HistoryRecord.row_id == t.id)).scalar_one()
    assert rows == 1
