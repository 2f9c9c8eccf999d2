"""The case view's "Retrieval log" tab, offscreen, driven through the workbench's worker."""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from muse_care.services import retrieval as rt  # noqa: E402
from tests.retrieval.conftest import items_on_disk, new_case  # noqa: E402

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def keep():  # noqa: ANN201
    """Holds the test's tabs until the worker has stopped. The worker thread keeps its
    callbacks (and so the tab) until it drops the finished job; if that were the last
    reference, a parentless test tab would be destroyed on the worker thread and crash
    Qt. (In the window the tab has a parent, so dropping the reference deletes nothing.)"""
    held: list[object] = []
    yield held
    held.clear()


@pytest.fixture
def ctx(qtbot, keep, sqlite_register, tmp_path: Path):  # noqa: ANN001, ANN201
    from muse_care.services.register import Actor
    from muse_care.ui.context import AppContext
    from muse_care.ui.qt import QtCore

    settings = QtCore.QSettings(str(tmp_path / "layout.ini"), QtCore.QSettings.Format.IniFormat)
    context = AppContext(sqlite_register, Actor("aisha", "Aisha Khan"), settings=settings)
    yield context
    context.worker.shutdown()
    for box in context.open_boxes:
        try:
            box.close()
        except RuntimeError:
            pass


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread(qtbot):  # noqa: ANN001, ANN201
    """Widgets of a finished test that Python still owns must be destroyed here, on the
    GUI thread; left to the cyclic garbage collector they may be freed on whichever thread
    next allocates (the next test's database worker) and crash Qt."""
    yield
    import gc

    from muse_care.ui.qt import QtCore, QtWidgets

    QtWidgets.QApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def store(tmp_path: Path):  # noqa: ANN201
    from muse_care.evidence import EvidenceStore, KeyringKeyProvider

    return EvidenceStore(tmp_path / "evidence", KeyringKeyProvider())  # beside the SQLite file


def wait(qtbot, ctx) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: ctx.worker.idle, timeout=15000)


def make_tab(qtbot, ctx, keep, **kw):  # noqa: ANN001, ANN003, ANN202
    from muse_care.ui.retrieval_tab import RetrievalTab

    tab = RetrievalTab(ctx, **kw)
    keep.append(tab)
    qtbot.addWidget(tab)
    tab.resize(1100, 640)
    tab.show()
    return tab


def test_model_passes_qtmodeltester(qtmodeltester, sqlite_register, store, tmp_path) -> None:
    from muse_care.ui.retrieval_tab import RetrievalTableModel

    case = new_case(sqlite_register)
    f = tmp_path / "call.wav"
    f.write_bytes(b"x" * 2048)
    rt.add_retrieval(sqlite_register, case.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), file=str(f)), store)
    rt.add_retrieval(sqlite_register, case.reference, rt.RetrievalDraft(
        source="live-chat", result="none-found", period_from=date(2026, 1, 1), period_to=date(2026, 6, 30)))
    model = RetrievalTableModel()
    model.set_entries(rt.list_retrievals(sqlite_register, case.reference))
    qtmodeltester.check(model, force_py=True)
    # The tester stays connected and checks every change signal from here on.
    model.set_problems({1: "changed"})
    assert model.index(0, model.COLUMNS.index("File")).data().startswith("PROBLEM")
    model.set_entries([])
    assert model.rowCount() == 0
    model.set_entries(rt.list_retrievals(sqlite_register, case.reference))
    assert model.rowCount() == 2


def test_tab_shows_entries_and_coloured_retention_lines(qtbot, ctx, keep, sqlite_register, store, tmp_path) -> None:
    case = new_case(sqlite_register, name="Łukasz Żółć")
    f = tmp_path / "chat-2026-01-05.txt"
    f.write_text("transcript")
    rt.add_retrieval(sqlite_register, case.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), interaction_time=time(14, 5),
        item_ref="REC-2231"))
    rt.add_retrieval(sqlite_register, case.reference, rt.RetrievalDraft(
        source="live-chat", interaction_date=date(2026, 1, 5), item_ref="LC-88", file=str(f)), store)
    rt.add_retrieval(sqlite_register, case.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 5, 20), result="already-purged"))
    tab = make_tab(qtbot, ctx, keep)
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.show_case(case)
    wait(qtbot, ctx)
    assert tab.model.rowCount() == 3
    texts = [tab.lines.item(i).text() for i in range(tab.lines.count())]
    assert texts[0] == ("RETRIEVE NOW: Recording of Fri 12 Jun 2026 is purged on Sat 12 Dec 2026: 17 days; "
                        "retrieve now")
    assert texts[1].startswith("RETRIEVED: Chat of Mon 5 Jan 2026")
    states = [tab.lines.item(i).data(0x0100) for i in range(tab.lines.count())]
    assert states == ["at-risk", "secured"]
    colours = {tab.lines.item(i).background().color().name() for i in range(tab.lines.count())}
    assert len(colours) == 2  # colour AND text
    assert "are already purged" in tab.coverage.text()
    qtbot.wait(50)  # let the layout take the new texts' sizes
    assert tab.grab().save(str(tmp_path / "retrieval_tab.png"))  # docs/: tools/screenshots.py


def test_add_form_saves_through_the_worker_and_shows_errors(qtbot, ctx, keep, sqlite_register, store, tmp_path) -> None:
    case = new_case(sqlite_register)
    f = tmp_path / "call.wav"
    f.write_bytes(b"RIFF" * 100)
    tab = make_tab(qtbot, ctx, keep, choose_file=lambda parent: str(f))
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.show_case(case)
    tab.add_button.click()
    qtbot.waitUntil(lambda: tab.dialog is not None and tab.dialog.isVisible(), timeout=15000)
    dialog = tab.dialog
    dialog.source.setCurrentIndex(dialog.source.findData("call-recording"))
    dialog.period.setChecked(True)
    dialog.period_to.setDate(dialog.period_from.date().addDays(-10))  # ends before it starts
    dialog.item_ref.setText("REC-ÄÖ-1")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: bool(dialog.error.text()), timeout=15000)
    assert dialog.isVisible() and dialog.error.text().startswith("period_from:")
    dialog.period.setChecked(False)
    dialog.interaction_date.setDate(dialog.interaction_date.date().addDays(-166))  # 12 Jun 2026
    dialog._browse()
    assert dialog.result_box.currentData() == "found"
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    wait(qtbot, ctx)
    assert not dialog.isVisible()
    (entry,) = rt.list_retrievals(sqlite_register, case.reference)
    assert entry.item_ref == "REC-ÄÖ-1" and entry.has_file and entry.interaction_date == date(2026, 6, 12)
    assert tab.model.rowCount() == 1 and "stored" in tab.status.text()
    assert len(items_on_disk(tmp_path / "evidence")) == 1


def test_verify_marks_a_tampered_file_and_bundle_refuses(qtbot, ctx, keep, sqlite_register, store, tmp_path) -> None:
    case = new_case(sqlite_register)
    f = tmp_path / "call.wav"
    f.write_bytes(os.urandom(10_000))
    entry = rt.add_retrieval(sqlite_register, case.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), file=str(f)), store)
    out = tmp_path / "bundle"
    tab = make_tab(qtbot, ctx, keep, choose_directory=lambda parent: str(out),
                   ask_bundle_password=lambda parent: "")
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.show_case(case)
    tab.verify_button.click()
    wait(qtbot, ctx)
    assert "all intact" in tab.status.text()
    (sealed,) = items_on_disk(tmp_path / "evidence")
    data = bytearray(sealed.read_bytes())
    data[-40] ^= 0xFF
    sealed.write_bytes(bytes(data))
    tab.verify_button.click()
    wait(qtbot, ctx)
    assert "failed their check" in tab.status.text()
    col = tab.model.COLUMNS.index("File")
    assert tab.model.index(0, col).data().startswith("PROBLEM")
    tab.bundle_button.click()
    wait(qtbot, ctx)
    assert "bundle was not made" in tab.status.text() and not out.exists()
    assert rt.get_retrieval(sqlite_register, entry.id).disclosed_in == ""


def test_bundle_from_the_tab_and_passphrase_prompt(qtbot, ctx, keep, sqlite_register, tmp_path) -> None:
    import keyring
    import keyring.backends.fail

    keyring.set_keyring(keyring.backends.fail.Keyring())  # no keychain: the tab asks for a passphrase
    case = new_case(sqlite_register)
    f = tmp_path / "call.wav"
    f.write_bytes(b"hello")
    asked: list[str] = []

    def ask(parent, prompt):  # noqa: ANN001, ANN202
        asked.append(prompt)
        return "correct horse battery staple"

    out = tmp_path / "bundle"
    tab = make_tab(qtbot, ctx, keep, ask_passphrase=ask, choose_directory=lambda parent: str(out),
                   choose_file=lambda parent: str(f), ask_bundle_password=lambda parent: "")
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.show_case(case)
    tab.add_button.click()
    qtbot.waitUntil(lambda: tab.dialog is not None and tab.dialog.isVisible(), timeout=15000)
    tab.dialog.interaction_date.setDate(tab.dialog.interaction_date.date().addDays(-30))
    tab.dialog._browse()
    tab.dialog.buttons.button(tab.dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1, timeout=15000)
    assert len(asked) == 1 and "no OS keychain" in asked[0] and "passphrase" in asked[0]
    changed: list[object] = []
    ctx.op_executed.connect(lambda changes, _initiator: changed.append(changes))
    tab.bundle_button.click()
    qtbot.waitUntil(lambda: "Bundle written" in tab.status.text(), timeout=15000)
    wait(qtbot, ctx)
    assert (out / "index.pdf").exists() and len(asked) == 1
    # one change-set, naming the case and its retrievals (the disclosure is recorded)
    assert len(changed) == 1 and changed[-1].case_id == case.id and changed[-1].retrievals
    assert changed[-1].view.reference == case.reference
    assert tab.model.index(0, tab.model.COLUMNS.index("Disclosed")).data().startswith("bundle ")


def test_legal_hold_erase_now_and_an_encrypted_bundle_from_the_tab(qtbot, ctx, keep, sqlite_register, store,
                                                                   tmp_path) -> None:
    import pyzipper

    from muse_care.services import anonymise as an
    from muse_care.services import cases

    case = new_case(sqlite_register, name="Tabitha Tab")
    f = tmp_path / "call.wav"
    f.write_bytes(os.urandom(5000))
    rt.add_retrieval(sqlite_register, case.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), file=str(f)), store)
    out = tmp_path / "bundle"
    answers = {"Legal hold": "complaint to the ICO", "Erase this case now": "requester asked for erasure"}
    tab = make_tab(qtbot, ctx, keep, choose_directory=lambda parent: str(out),
                   ask_bundle_password=lambda parent: "a long bundle password",
                   ask_text=lambda parent, title, prompt: answers[title], confirm=lambda parent, text: True)
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.show_case(case)
    assert not tab.erase_button.isEnabled()  # the case is still open
    tab.bundle_button.click()
    qtbot.waitUntil(lambda: "Encrypted bundle" in tab.status.text(), timeout=15000)
    wait(qtbot, ctx)
    (archive,) = out.glob("*.zip")
    with pyzipper.AESZipFile(archive) as zf, pytest.raises(RuntimeError):
        zf.read(zf.namelist()[0])
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.hold_button.click()
    assert "complaint to the ICO" in tab.hold_label.text() and tab.hold_button.text() == "Release &hold"
    assert [h.reason for h in an.list_holds(sqlite_register, case.reference)] == ["complaint to the ICO"]
    ended = cases.change_status(sqlite_register, case.reference, "withdrawn")
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.show_case(ended)
    assert not tab.erase_button.isEnabled()  # held
    with qtbot.waitSignal(tab.loaded, timeout=15000):
        tab.hold_button.click()
    assert tab.hold_label.text() == "" and tab.erase_button.isEnabled()
    tab.erase_button.click()
    qtbot.waitUntil(lambda: "is erased" in tab.status.text(), timeout=15000)
    wait(qtbot, ctx)
    assert cases.get_case(sqlite_register, case.reference).requester.name == "Anonymised"
    assert items_on_disk(tmp_path / "evidence") == []


def test_erase_now_is_for_leads_and_admins_on_a_team(qtbot, keep, pg_url, tmp_path) -> None:
    from muse_care.services import cases
    from muse_care.services.register import Actor, Register
    from muse_care.ui.context import AppContext
    from muse_care.ui.qt import QtCore

    reg = Register.open(pg_url, Actor("aisha", "Aisha", "agent"), migrate=False)
    settings = QtCore.QSettings(str(tmp_path / "layout.ini"), QtCore.QSettings.Format.IniFormat)
    context = AppContext(reg, reg.actor, settings=settings)
    try:
        view = new_case(reg)
        ended = cases.change_status(reg, view.reference, "withdrawn")
        tab = make_tab(qtbot, context, keep)
        with qtbot.waitSignal(tab.loaded, timeout=15000):
            tab.show_case(ended)
        assert not tab.erase_button.isEnabled() and tab.hold_button.isEnabled()
    finally:
        context.worker.shutdown()
        reg.dispose()


def test_add_retrieval_form_shows_no_literal_ampersand_and_takes_a_past_day(qtbot) -> None:
    from muse_care.ui.qt import QtCore, QtWidgets
    from muse_care.ui.retrieval_tab import AddRetrievalDialog

    dialog = AddRetrievalDialog([], date(2026, 11, 25))
    qtbot.addWidget(dialog)
    for label in dialog.findChildren(QtWidgets.QLabel):
        if "&" in label.text():
            assert label.buddy() is not None, f"{label.text()!r} would show its '&'"
    dialog.interaction_date.setDate(QtCore.QDate(2026, 6, 12))
    assert dialog.draft().interaction_date == date(2026, 6, 12)
    assert "ddd" not in dialog.interaction_date.displayFormat()
