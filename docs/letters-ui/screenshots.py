"""Screenshots of the Letters tab (inside a case view) and the mailroom's print run
window, on demo-like data in a temporary database, rendered offscreen.

    QT_QPA_PLATFORM=offscreen python docs/letters-ui/screenshots.py [--out docs/letters-ui]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    os.environ.setdefault("MUSE_CARE_CONFIG_DIR", tempfile.mkdtemp(prefix="muse-care-letters-cfg-"))

    from muse_care.services import cases, letters
    from muse_care.services.register import Actor, Register
    from muse_care.ui.app import make_application
    from muse_care.ui.case_view import CaseViewWidget
    from muse_care.ui.context import AppContext
    from muse_care.ui.letters_tab import LettersTab
    from muse_care.ui.print_run import PrintRunWindow
    from muse_care.ui.qt import QtCore, QtWidgets

    app = make_application(["letters-screenshots"])
    folder = Path(tempfile.mkdtemp(prefix="muse-care-letters-"))
    now = datetime(2026, 11, 25, 10, 30, tzinfo=timezone.utc)
    clock = [now]
    reg = Register.open(f"sqlite:///{folder / 'shots.sqlite3'}", Actor("aisha", "Aisha Khan"),
                        now=lambda: clock[0])

    def case(name: str, **kw: object) -> object:
        values: dict[str, object] = dict(name=name, rights=["access"], channel="post", received=date(2026, 11, 3),
                                         regime="uk-gdpr", holiday_region="GB-ENG", assignee="aisha")
        values.update(kw)
        view = cases.add_case(reg, cases.CaseDraft(**values))  # type: ignore[arg-type]
        for check in view.checks:  # a reply may disclose data only once the identity is confirmed
            view = cases.record_check(reg, view.reference, check.step, "passed")
        return view

    ffion = case("Ffion Ellis", rights=["access", "erasure"], address_lines=["14 Station Road"], city="Leeds",
                 postcode="LS1 4DY", country="GB", received=date(2026, 10, 28))
    juergen = case("Jürgen Müller", address_lines=["Schloßallee 12"], city="Berlin", postcode="10115",
                   country="DE", regime="eu-gdpr", holiday_region="DE")
    zainab = case("Zainab Hussain", rights=["erasure"], address_lines=["House 21, Street 4, DHA Phase 5"],
                  city="Lahore", postcode="54792", country="PK")
    wang = case("王小明", address_lines=["朝阳区建国路88号"], city="北京市", postcode="100022", country="CN")

    # Ffion's history: acknowledged and posted last week, the access reply produced today
    early = datetime(2026, 10, 29, 9, 12, tzinfo=timezone.utc)
    clock[0] = early  # the old letter is produced on its own day
    ack = letters.produce_letter(reg, ffion.id, "acknowledgement")
    clock[0] = now
    letters.build_print_run(reg, early.date(), [ack.id])
    letters.mark_dispatched(reg, [ack.id], "post", on=date(2026, 10, 29))
    letters.reprint(reg, ack.id, "Returned: envelope damaged")
    letters.produce_letter(reg, ffion.id, "access-response", enclosures=[
        "Copy of your account and order data (12 pages)", "Transcripts of two live-chat conversations"])
    letters.produce_letter(reg, juergen.id, "acknowledgement", layout="din5008-b")
    letters.produce_letter(reg, zainab.id, "acknowledgement")
    letters.produce_letter(reg, wang.id, "acknowledgement")

    ctx = AppContext(reg, reg.actor, settings=QtCore.QSettings(str(folder / "layout.ini"),
                                                               QtCore.QSettings.Format.IniFormat))

    def until(cond: Callable[[], bool], timeout: float = 30) -> None:
        end = time.perf_counter() + timeout
        while not cond() or not ctx.worker.idle:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 10)
            if time.perf_counter() > end:
                raise TimeoutError
        settle(0.3)

    def settle(seconds: float) -> None:
        """QPdfView renders pages on its own thread: give it time to paint."""
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)

    args.out.mkdir(parents=True, exist_ok=True)
    host = QtWidgets.QWidget()
    host.setWindowTitle("MUSE Care — case")
    QtWidgets.QVBoxLayout(host).setContentsMargins(0, 0, 0, 0)
    view = CaseViewWidget(ctx)
    host.layout().addWidget(view)
    tab = LettersTab(ctx)
    view.set_extra_tab("Letters", tab)
    host.resize(1280, 800)
    host.show()
    view.load(ffion.id)
    until(lambda: view.view is not None and tab.model.rowCount() == 2)
    view.ui.tabs.setCurrentWidget(view.ui.letters_page)
    until(lambda: tab.preview.page_count() > 0)
    settle(1.5)
    save(host, args.out / "letters-tab.png")

    tab.new_letter()
    until(lambda: tab.dialog is not None)
    dialog = tab.dialog
    assert dialog is not None
    dialog.set_kind("erasure-done")
    dialog.set_field("outcome", "We have erased your account, your order history older than 7 years "
                                "and your marketing preferences.")
    dialog.set_field("retained", "Billing records of the last 7 years")
    dialog.resize(680, 640)
    dialog.produce()
    until(lambda: dialog.error_labels["recipients_told"].isVisible())
    save(dialog, args.out / "new-letter.png")
    dialog.reject()

    window = PrintRunWindow(ctx)
    window.resize(1280, 760)
    window.show()
    until(lambda: window.model.rowCount() == 4)
    window.build()
    until(lambda: window.run is not None)
    window.ui.letters_table.setFocus()
    settle(1.0)
    window.preview.go_to(2)
    settle(1.5)
    save(window, args.out / "print-run.png")
    ctx.worker.shutdown()
    reg.dispose()
    return 0


def save(widget: object, path: Path) -> None:
    widget.grab().save(str(path))  # type: ignore[attr-defined]
    print(path.name)


if __name__ == "__main__":
    raise SystemExit(main())
