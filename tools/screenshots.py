"""Screenshots for the README: the main window, a case, its letters and tasks, the
records and metrics, and the intake dialog, on demo data in a temporary database,
rendered offscreen.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--cases", type=int, default=1500)
    args = parser.parse_args(argv)
    os.environ.setdefault("MUSE_CARE_CONFIG_DIR", tempfile.mkdtemp(prefix="muse-care-shots-cfg-"))

    from muse_care.services import cases
    from muse_care.services.demo import generate
    from muse_care.services.register import Actor, Register
    from muse_care.ui.app import make_application
    from muse_care.ui.context import AppContext
    from muse_care.ui.main_window import MainWindow
    from muse_care.ui.qt import QtCore

    app = make_application(["screenshots"])
    app.setFont(app.font())
    folder = Path(tempfile.mkdtemp(prefix="muse-care-shots-"))
    now = datetime(2026, 11, 25, 10, 30, tzinfo=timezone.utc)
    reg = Register.open(f"sqlite:///{folder / 'shots.sqlite3'}", Actor("aisha", "Aisha Khan"), now=lambda: now)
    generate(reg, args.cases, seed=7)
    caller = cases.add_case(reg, cases.CaseDraft(
        name="Margaret Jones", rights=["access", "erasure"], channel="phone",
        received=datetime(2026, 11, 16).date(), email="margaret.jones@example.org", phone="020 7946 0958",
        postcode="SW1A 2AA", country="GB", address_lines=["10 Downing Street"], city="London",
        assignee="aisha", note="Wants a copy of her call recordings from March, then her account deleted."))
    cases.record_event(reg, caller.id, "id-requested", datetime(2026, 11, 18).date(),
                       "asked for the last order number by email")
    cases.record_event(reg, caller.id, "id-received", datetime(2026, 11, 20).date(), "order number given")
    cases.record_check(reg, caller.id, "account-email", "passed")
    cases.record_check(reg, caller.id, "order-number", "passed", "order 48121 matches")
    ctx = AppContext(reg, reg.actor, settings=QtCore.QSettings(str(folder / "layout.ini"),
                                                               QtCore.QSettings.Format.IniFormat))

    def until(cond: Callable[[], bool], timeout: float = 30) -> None:
        end = time.perf_counter() + timeout
        while not cond() or not ctx.worker.idle:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 10)
            if time.perf_counter() > end:
                raise TimeoutError
        for _ in range(5):
            app.processEvents()

    args.out.mkdir(parents=True, exist_ok=True)
    win = MainWindow(ctx)
    win.resize(1440, 900)
    win.show()
    win.start()
    until(lambda: win.model.rowCount() > 0 and bool(getattr(win, "counts", None)))
    win.ui.search_edit.setText("SW1A 2AA")  # the caller found by her postcode
    win._apply_search()
    until(lambda: win.model.query.search == "SW1A 2AA" and win.model.rowCount() > 0)
    win.open_case(caller.id)
    until(lambda: win.case_view.view is not None and win.case_view.view.id == caller.id)
    win.case_view.ui.tabs.setCurrentWidget(win.case_view.ui.identity_page)
    until(lambda: True)
    save(win, args.out / "main-window.png")

    win.case_view.ui.tabs.setCurrentWidget(win.case_view.ui.clock_page)
    until(lambda: True)
    save(win.case_view, args.out / "case-view.png")

    from muse_care.services import letters

    from muse_care.ui.operations import announce

    letters.produce_letter(reg, caller.id, "acknowledgement")
    announce(ctx, cases.get_case(reg, caller.id), letters=True)
    tab = win.case_view._extra["Letters"]
    win.case_view.ui.tabs.setCurrentWidget(tab.parentWidget())
    until(lambda: tab.model.rowCount() > 0)
    tab.ui.letters_table.selectRow(0)
    until(lambda: True, timeout=5)
    save(win.case_view, args.out / "letters-tab.png")

    # the Tasks tab: some of the caller's tasks settled, the next open one selected
    from muse_care.services import tasks

    for t in tasks.list_tasks(reg, caller.id)[:3]:
        if t.action.value == "keep-legal-duty":
            tasks.settle_task(reg, t.id, "kept", basis="tax and accounting law: billing records kept 7 years")
        else:
            tasks.settle_task(reg, t.id, "done", notes="searched by phone and email")
    tasks_tab = win.case_view._extra["Tasks"]
    win.case_view.ui.tabs.setCurrentWidget(tasks_tab.parentWidget())
    tasks_tab.refresh()
    until(lambda: tasks_tab.model.rowCount() > 0)
    save(win, args.out / "tasks-tab.png")

    # the Recipients tab (Art. 19): one recipient told, the next still to be told selected
    from muse_care.services import recipients

    names = [r.name for r in recipients.list_recipients(reg, caller.id)]
    if names:
        recipients.mark_told(reg, caller.id, names[0], reg.today(), "partner portal")
    recipients_tab = win.case_view._extra["Recipients"]
    win.case_view.ui.tabs.setCurrentWidget(recipients_tab.parentWidget())
    recipients_tab.show_case(cases.get_case(reg, caller.id))
    until(lambda: recipients_tab.model.rowCount() > 0 or not names)
    save(win.case_view, args.out / "recipients-tab.png")

    # Team > Records and metrics: the year's figures, the open tasks per system
    records = win.open_records()
    records.resize(1000, 760)
    until(lambda: records.table.rowCount() > 0)
    save(records, args.out / "records.png")
    records.close()

    dialog = win.new_case()
    ui = dialog.ui
    ui.name_edit.setText("Zainab Hussain")
    ui.phone_edit.setText("020 7946 0958")
    ui.email_edit.setText("margaret.jones@example.org")
    ui.postcode_edit.setText("SW1A 2A")
    ui.city_edit.setText("London")
    dialog.set_rights(["access"])
    ui.note_edit.setPlainText("Calling for her mother; asked what we hold about her.")
    dialog._check_duplicates()
    until(lambda: ui.duplicate_label.isVisible())
    dialog.save()
    until(lambda: ui.postcode_error.isVisible())
    dialog.resize(640, 900)
    until(lambda: True)
    save(dialog, args.out / "intake.png")
    dialog.reject()
    ctx.worker.shutdown()
    win.case_view._set_dirty(False)
    win.close()
    reg.dispose()
    return 0


def save(widget: Any, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


if __name__ == "__main__":
    raise SystemExit(main())
