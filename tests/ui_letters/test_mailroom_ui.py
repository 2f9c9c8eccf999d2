"""The mailroom's window and the Letters tab after issue 11: a stale address is stopped
with an offer to produce the letter again; A4 and US Letter never share a run; the
window refreshes after dispatch and closes with Escape and Ctrl+W; the letter dialog
offers exactly the layouts the setting accepts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from muse_care.domain.case_views import Requester
from muse_care.services import cases, letters
from muse_care.services.settings import set_setting
from muse_care.ui.qt import QtCore, QtWidgets

from test_letters_ui import ctx, idle, open_dialog, open_run, open_tab, postal_case, uk_case  # noqa: F401

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]


def move(register, view, **changes) -> None:  # noqa: ANN001
    now = cases.get_case(register, view.reference)
    rq = now.requester
    fields = dict(name=rq.name, address_lines=rq.address_lines, postcode=rq.postcode, city=rq.city,
                  region=rq.region, country=rq.country)
    fields.update(changes)
    cases.update_requester(register, view.reference, Requester(**fields), expected_version=now.version)


def test_print_run_stops_a_stale_address_and_offers_to_produce_it_again(qtbot, ctx, sqlite_register) -> None:  # noqa: ANN001, F811
    a = postal_case(sqlite_register)
    old = letters.produce_letter(sqlite_register, a.reference, "acknowledgement")
    move(sqlite_register, a, address_lines=("Gartenweg 3",), city="Köln", postcode="50667")
    window = open_run(qtbot, ctx)
    window.build()
    idle(qtbot, ctx)
    assert window.run is None
    assert "address line 1 was 'Schloßallee 12', is now 'Gartenweg 3'" in window.message
    assert "the city was 'Berlin', is now 'Köln'" in window.message
    box = window.again_prompt
    assert box is not None
    again = next(b for b in box.buttons() if "again" in b.text().lower())
    again.click()
    idle(qtbot, ctx)
    idle(qtbot, ctx)
    ids = [window.model.letter_at(r).id for r in range(window.model.rowCount())]
    assert len(ids) == 1 and ids[0] != old.id
    with qtbot.waitSignal(window.run_built, timeout=30000) as built:
        window.build()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(built.args[0].pdf)).pages)
    assert "Gartenweg 3" in text and "Schloßallee" not in text


def test_print_run_offers_every_stopped_letter_at_once(qtbot, ctx, sqlite_register) -> None:  # noqa: ANN001, F811
    """Issue 16: the run stops at its first stale letter, and the offer names every
    ticked letter that would stop, with its case; one click produces them all again
    (worker processes, off the GUI thread) and the run then builds."""
    views = [postal_case(sqlite_register, name=f"Person {i} Müller") for i in range(3)]
    old = [letters.produce_letter(sqlite_register, v.reference, "acknowledgement") for v in views]
    move(sqlite_register, views[0], city="Köln", postcode="50667")
    move(sqlite_register, views[2], address_lines=("Gartenweg 3",))
    window = open_run(qtbot, ctx)
    window.build()
    qtbot.waitUntil(lambda: window.again_prompt is not None, timeout=20000)
    box = window.again_prompt
    assert "2 letters of this run were stopped" in box.text()
    assert f"letter {old[0].id} for {views[0].reference}: the city was 'Berlin', is now 'Köln'" in box.text()
    assert f"letter {old[2].id} for {views[2].reference}" in box.text() and views[1].reference not in box.text()
    again = next(b for b in box.buttons() if "again" in b.text().lower())
    assert "2" in again.text()
    again.click()
    qtbot.waitUntil(lambda: "produced again" in window.message, timeout=30000)
    idle(qtbot, ctx)
    assert "2 letters produced again with the current addresses" in window.message
    ids = {window.model.letter_at(r).id for r in range(window.model.rowCount())}
    assert old[1].id in ids and old[0].id not in ids and old[2].id not in ids and len(ids) == 3
    with qtbot.waitSignal(window.run_built, timeout=30000) as built:
        window.build()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(built.args[0].pdf)).pages)
    assert "Gartenweg 3" in text and "KÖLN" in text.upper()


def test_letters_tab_stops_a_stale_letter_and_produces_it_again(qtbot, ctx, sqlite_register) -> None:  # noqa: ANN001, F811
    a = postal_case(sqlite_register)
    old = letters.produce_letter(sqlite_register, a.reference, "acknowledgement")
    move(sqlite_register, a, postcode="10117")
    tab = open_tab(qtbot, ctx, cases.get_case(sqlite_register, a.reference))
    idle(qtbot, ctx)
    assert "the postcode was '10115', is now '10117'" in tab.message
    assert not tab.ui.print_button.isEnabled()
    assert tab.again_button.isVisibleTo(tab)
    tab.again_button.click()
    idle(qtbot, ctx)
    idle(qtbot, ctx)
    current = tab.current()
    assert current is not None and current.id != old.id
    assert f"Letter {old.id} produced again as letter {current.id}" in tab.message
    assert tab.ui.print_button.isEnabled() and not tab.again_button.isVisibleTo(tab)


def test_an_acknowledgement_past_its_due_date_is_stopped_and_not_offered_again(qtbot, ctx, sqlite_register) -> None:  # noqa: ANN001, F811
    """The register's today is 25 November; the case was due on 30 October. Its
    acknowledgement, made on time, now shows why it must not be posted, cannot be
    printed, and is not offered to be produced again (that would be refused too); the
    print run is not built (docs/letters.md, "A letter never promises a day that has
    passed")."""
    a = postal_case(sqlite_register, received=date(2026, 9, 30))
    ack = letters.produce_letter(sqlite_register, a.reference, "acknowledgement", letter_date=date(2026, 10, 1))
    tab = open_tab(qtbot, ctx, cases.get_case(sqlite_register, a.reference))
    idle(qtbot, ctx)
    assert "promises a reply by the due date, 2026-10-30, which has passed" in tab.message
    assert "do not post it" in tab.message
    assert not tab.ui.print_button.isEnabled() and not tab.ui.reprint_button.isEnabled()
    assert not tab.again_button.isVisibleTo(tab)
    assert tab.ui.save_button.isEnabled()  # it can still be kept as a file, as any letter
    window = open_run(qtbot, ctx)
    window.build()
    idle(qtbot, ctx)
    assert "The print run was not built" in window.message and "do not post it" in window.message
    assert letters.list_letters(sqlite_register, a.reference)[0].print_count == 0 == ack.print_count


def test_a4_and_us_letter_are_separate_runs_in_the_window(qtbot, ctx, sqlite_register) -> None:  # noqa: ANN001, F811
    de = postal_case(sqlite_register)
    us = uk_case(sqlite_register, name="Emily Johnson", address_lines=["1600 Market Street"], city="San Francisco",
                 region="CA", postcode="94103", country="US", regime="ccpa", holiday_region="US-CA")
    letters.produce_letter(sqlite_register, de.reference, "acknowledgement", layout="din5008-b")
    lu = letters.produce_letter(sqlite_register, us.reference, "acknowledgement", layout="us10")
    window = open_run(qtbot, ctx)
    assert window.paper() == "A4" and window.model.rowCount() == 1
    assert "also waiting: 1 letter on US Letter" in window.ui.count_label.text()
    window.set_paper("US Letter")
    idle(qtbot, ctx)
    assert [window.model.letter_at(0).id] == [lu.id]
    assert window.model.data(window.model.index(0, 5)) == "US"  # the country column
    with qtbot.waitSignal(window.run_built, timeout=30000) as built:
        window.build()
    run = built.args[0]
    assert run.paper == "US Letter" and "Load US Letter paper" in window.ui.run_label.text()
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
             for p in PdfReader(io.BytesIO(run.pdf)).pages}
    assert sizes == {(612, 792)}


def test_print_run_window_refreshes_after_dispatch_and_closes(qtbot, ctx, sqlite_register) -> None:  # noqa: ANN001, F811
    a = postal_case(sqlite_register)
    letters.produce_letter(sqlite_register, a.reference, "acknowledgement")
    window = open_run(qtbot, ctx)
    with qtbot.waitSignal(window.run_built, timeout=30000):
        window.build()
    # Produced after the run was built: listed after dispatch, never dispatched with it.
    b = uk_case(sqlite_register)
    lb = letters.produce_letter(sqlite_register, b.reference, "acknowledgement")
    window.ask_dispatch()
    accept = next(btn for btn in window.confirm.buttons() if "dispatched" in btn.text())
    with qtbot.waitSignal(window.dispatched, timeout=20000) as sent:
        accept.click()
    idle(qtbot, ctx)
    assert len(sent.args[0]) == 1
    assert [window.model.letter_at(r).id for r in range(window.model.rowCount())] == [lb.id]
    assert "1 letter of print run" in window.message and "1 letters" not in window.message
    window.show()
    for key, mods in ((QtCore.Qt.Key.Key_Escape, QtCore.Qt.KeyboardModifier.NoModifier),
                      (QtCore.Qt.Key.Key_W, QtCore.Qt.KeyboardModifier.ControlModifier)):
        window.show()
        window.activateWindow()
        qtbot.waitUntil(window.isVisible)
        qtbot.keyClick(window.ui.letters_table, key, mods)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    window.show()
    window.ui.close_button.click()
    assert not window.isVisible()


def test_letter_dialog_offers_only_layouts_the_setting_accepts(qtbot, ctx, sqlite_register) -> None:  # noqa: ANN001, F811
    a = postal_case(sqlite_register)
    tab = open_tab(qtbot, ctx, a)
    dialog = open_dialog(qtbot, ctx, tab, "acknowledgement")
    offered = [dialog.ui.layout_combo.itemData(i) for i in range(dialog.ui.layout_combo.count())]
    assert "din5008-a" in offered
    for layout in offered:
        set_setting(sqlite_register, "letter_layout", layout)  # every one offered is accepted
    titles = {dialog.ui.kind_combo.itemData(i): dialog.ui.kind_combo.itemText(i)
              for i in range(dialog.ui.kind_combo.count())}
    assert titles["portability"] == "Data portability" if "portability" in titles else True
    assert "rectification-done" not in titles  # the case asks for access and erasure only
    assert {"access-response", "erasure-done", "acknowledgement"} <= set(titles)
    dialog.reject()


def test_a_letter_that_must_never_go_out_is_withdrawn_from_the_letters_tab(qtbot, ctx, sqlite_register,  # noqa: ANN001, F811
                                                                          monkeypatch) -> None:
    """The mailroom: the acknowledgement past its case's due date above stayed in the
    day's print list for good. Withdraw… on the Letters tab asks why, sets it aside (the
    reason on the case) and it leaves the print list; it cannot be printed or withdrawn
    again."""
    from muse_care.ui import letters_tab

    a = postal_case(sqlite_register, received=date(2026, 9, 30))
    ack = letters.produce_letter(sqlite_register, a.reference, "acknowledgement", letter_date=date(2026, 10, 1))
    tab = open_tab(qtbot, ctx, cases.get_case(sqlite_register, a.reference))
    idle(qtbot, ctx)
    assert tab.withdraw_button.isEnabled()
    dialog = letters_tab.WithdrawDialog(tab.current(), tab)
    dialog._accept()  # no reason: it says so and stays open
    assert "say why the letter is withdrawn" in dialog.error.text() and dialog.result() == 0
    dialog.close()
    monkeypatch.setattr(letters_tab.WithdrawDialog, "exec", lambda self: QtWidgets.QDialog.DialogCode.Accepted)
    monkeypatch.setattr(letters_tab.WithdrawDialog, "text", lambda self: "It promises a reply by a day that has passed")
    tab.withdraw_button.click()
    qtbot.waitUntil(lambda: "withdrawn" in tab.message, timeout=20000)
    idle(qtbot, ctx)
    assert f"Letter {ack.id} withdrawn: it will never print or be sent" in tab.message
    row = next(r for r in range(tab.model.rowCount()) if tab.model.letter_at(r).id == ack.id)
    sent = tab.model.index(row, [c.key for c in letters_tab.LETTER_COLUMNS].index("sent"))
    assert sent.data().startswith("withdrawn ")
    assert "It promises a reply by a day that has passed" in sent.data(QtCore.Qt.ItemDataRole.ToolTipRole)
    assert not tab.withdraw_button.isEnabled() and not tab.ui.print_button.isEnabled()
    assert not tab.again_button.isVisibleTo(tab)
    history = cases.get_case(sqlite_register, a.reference).history
    assert history[-1].what == "letter withdrawn:acknowledgement"
    window = open_run(qtbot, ctx)
    idle(qtbot, ctx)
    assert ack.id not in {window.model.letter_at(r).id for r in range(window.model.rowCount())}


def test_a_withdrawn_identity_request_starts_the_clock_again_from_the_letters_tab(qtbot, ctx, sqlite_register,  # noqa: ANN001, F811
                                                                                 monkeypatch) -> None:
    """An outside tester: withdrawing the identity request left the clock stopped for a
    request never sent. From the tab, the clock runs again, the tab says so and the
    case leaves Awaiting identity (docs/letters.md, "A request letter and its clock event")."""
    from muse_care.ui import letters_tab

    a = postal_case(sqlite_register)  # received Mon 2 Nov 2026, identity confirmed
    asked = letters.produce_letter(sqlite_register, a.reference, "identity-request",
                                   fields={"identity_steps": "a recent utility bill"})
    stopped = cases.get_case(sqlite_register, a.reference)  # awaiting it; due as before until it goes out
    assert (stopped.due_date, stopped.status.value) == (date(2026, 12, 2), "awaiting-identity")
    tab = open_tab(qtbot, ctx, stopped)
    idle(qtbot, ctx)
    monkeypatch.setattr(letters_tab.WithdrawDialog, "exec", lambda self: QtWidgets.QDialog.DialogCode.Accepted)
    monkeypatch.setattr(letters_tab.WithdrawDialog, "text", lambda self: "The customer came to the shop with ID")
    tab.withdraw_button.click()
    qtbot.waitUntil(lambda: "withdrawn" in tab.message, timeout=20000)
    idle(qtbot, ctx)
    assert (f"Letter {asked.id} withdrawn: it will never print or be sent (The customer came to the shop with "
            "ID). It asked for identity, a request never sent: the clock runs again, due Wed 2 Dec 2026.") \
        == tab.message
    back = cases.get_case(sqlite_register, a.reference)
    assert (back.due_date, back.status.value, tab.view.due_date) == (date(2026, 12, 2), "in-progress",
                                                                     date(2026, 12, 2))


def test_the_print_run_window_offers_to_withdraw_a_letter_past_its_promise(qtbot, ctx, sqlite_register,  # noqa: ANN001, F811
                                                                          monkeypatch) -> None:
    """The mailroom meets the stopped letter in the print-run window, not on the case:
    the window offers to withdraw it there, asks why, and lists the day again without
    it, so the run builds."""
    from muse_care.ui import letters_tab

    a = postal_case(sqlite_register, received=date(2026, 9, 30))
    ack = letters.produce_letter(sqlite_register, a.reference, "acknowledgement", letter_date=date(2026, 10, 1))
    b = postal_case(sqlite_register, name="Anna Schmidt")
    fine = letters.produce_letter(sqlite_register, b.reference, "acknowledgement")
    window = open_run(qtbot, ctx)
    window.build()
    qtbot.waitUntil(lambda: window.again_prompt is not None, timeout=20000)
    box = window.again_prompt
    assert f"Withdraw letter {ack.id}?" in box.text() and "do not post it" in box.text()
    monkeypatch.setattr(letters_tab.WithdrawDialog, "exec", lambda self: QtWidgets.QDialog.DialogCode.Accepted)
    monkeypatch.setattr(letters_tab.WithdrawDialog, "text", lambda self: "It promises a reply by a day that has passed")
    next(b for b in box.buttons() if "draw" in b.text()).click()
    qtbot.waitUntil(lambda: "withdrawn" in window.message, timeout=20000)
    idle(qtbot, ctx)
    assert f"Letter {ack.id} withdrawn" in window.message
    assert [window.model.letter_at(r).id for r in range(window.model.rowCount())] == [fine.id]
    assert letters.list_letters(sqlite_register, a.reference)[0].withdrawn_reason == \
        "It promises a reply by a day that has passed"
    with qtbot.waitSignal(window.run_built, timeout=30000):
        window.build()


def test_a_letter_left_from_an_earlier_day_is_named_by_the_print_run(qtbot, ctx, sqlite_register) -> None:  # noqa: ANN001, F811
    """An outside tester: a letter made on 3 Dec and not printed that day was in no run of
    4 or 7 Dec, in the window or on the command line, and nothing said so. The day's run
    still takes the day's letters; the letters of earlier days that never printed are
    named, with the day to choose."""
    from datetime import timedelta

    from muse_care.services.register import Actor, Register
    from tests.conftest import FIXED_NOW

    a = postal_case(sqlite_register)
    before = Register.open(sqlite_register.url, Actor("aisha", "Aisha Khan"), migrate=False,
                           now=lambda: FIXED_NOW - timedelta(days=1))
    try:
        old = letters.produce_letter(before, a.reference, "acknowledgement")
    finally:
        before.dispose()
    note = (f"1 letter made on an earlier day never printed: {old.id} ({a.reference}, 2026-11-24). A day's run "
            "takes that day's letters: build the run for 2026-11-24, or withdraw those that must not go out")
    with pytest.raises(letters.ValidationError, match="no letters waiting to be printed for 2026-11-25; 1 letter"):
        letters.build_print_run(sqlite_register)
    window = open_run(qtbot, ctx)
    assert window.model.rowCount() == 0
    assert window.message == f"No letters on A4 waiting to be printed for Wed 25 Nov 2026. {note}."
    window.set_day(date(2026, 11, 24))
    idle(qtbot, ctx)
    assert [window.model.letter_at(0).id] == [old.id] and window.message == ""
