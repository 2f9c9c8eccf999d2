"""Screenshots of the Recipients (Art. 19) and "Regime and links" tabs, and the first
page of a German refusal and a CCPA acknowledgement, on a temporary database.

    QT_QPA_PLATFORM=offscreen python tools/law_screenshots.py [--out docs/law]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "law")
    args = parser.parse_args(argv)
    os.environ.setdefault("MUSE_CARE_CONFIG_DIR", tempfile.mkdtemp(prefix="muse-care-shots-cfg-"))

    from muse_care.services import cases, letters, recipients
    from muse_care.services.register import Actor, Register
    from muse_care.services.settings import set_setting
    from muse_care.ui.app import make_application
    from muse_care.ui.context import AppContext
    from muse_care.ui.main_window import MainWindow
    from muse_care.ui.qt import QtCore

    app = make_application(["law-screenshots"])
    folder = Path(tempfile.mkdtemp(prefix="muse-care-law-shots-"))
    now = datetime(2026, 11, 25, 10, 30, tzinfo=timezone.utc)
    reg = Register.open(f"sqlite:///{folder / 'shots.sqlite3'}", Actor("aisha", "Aisha Khan"), now=lambda: now)
    set_setting(reg, "four_eyes", False)
    munich = dict(name="Jürgen Müller", channel="post", address_lines=["Marienplatz 8"], city="München",
                  postcode="80331", country="DE", email="j.mueller@example.de", assignee="aisha")
    first = cases.add_case(reg, cases.CaseDraft(rights=["access"], received=date(2026, 10, 20), **munich))
    erasure = cases.add_case(reg, cases.CaseDraft(rights=["erasure"], received=date(2026, 11, 9), **munich))
    for check in erasure.checks:
        cases.record_check(reg, erasure.id, check.step, "passed")
    recipients.mark_told(reg, erasure.id, "DHL", date(2026, 11, 20), "partner portal")
    recipients.mark_told(reg, erasure.id, "FedEx", date(2026, 11, 20), "email")
    recipients.mark_not_possible(reg, erasure.id, "TCS", "TCS only ships within Pakistan: never received this "
                                 "customer's data")
    cases.change_status(reg, first.id, "refused", "repeated request: the same as the one answered on 3 Nov")
    ca = cases.add_case(reg, cases.CaseDraft(
        name="Maria Lopez", rights=["access"], channel="post", received=date(2026, 11, 16),
        address_lines=["1 Market St"], city="San Francisco", region="CA", postcode="94105", country="US"))
    args.out.mkdir(parents=True, exist_ok=True)
    for ref, kind, layout, name in ((first.id, "refusal", "din5008-b", "refusal-de-by"),
                                    (ca.id, "acknowledgement", "us10", "acknowledgement-ccpa")):
        info = letters.produce_letter(reg, ref, kind, layout=layout)
        pdf = folder / f"{name}.pdf"
        pdf.write_bytes(letters.letter_pdf(reg, info.id))
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(args.out / name)], check=True)

    ctx = AppContext(reg, reg.actor, settings=QtCore.QSettings(str(folder / "layout.ini"),
                                                               QtCore.QSettings.Format.IniFormat))

    def until(cond: Callable[[], bool], timeout: float = 30) -> None:
        end = time.perf_counter() + timeout
        while not cond() or not ctx.worker.idle:
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 10)
            if time.perf_counter() > end:
                raise TimeoutError

    win = MainWindow(ctx)
    win.resize(1280, 860)
    win.show()
    win.start()
    until(lambda: True)
    for case_id, tab_name, file in ((erasure.id, "Recipients", "recipients-tab.png"),
                                    (erasure.id, "Regime and links", "regime-tab.png")):
        win.open_case(case_id)
        until(lambda: win.case_view.view is not None and win.case_view.view.id == case_id)
        tabs = win.case_view.ui.tabs
        index = next(i for i in range(tabs.count()) if tabs.tabText(i).replace("&", "") == tab_name)
        tabs.setCurrentIndex(index)
        until(lambda: True)
        win.case_view.grab().save(str(args.out / file))
    ctx.worker.shutdown()
    reg.dispose()
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
