"""Team mode, seen from three windows on one PostgreSQL server: two agents and a lead.

    QT_QPA_PLATFORM=offscreen python tools/team_screenshots.py [--admin-url URL] [--out docs/team]

Creates a scratch database and three login roles (agent, agent, lead) with unique
names, fills it with demo cases shared among them, and works it through three real
windows: each agent takes the next case; Tom and Sam edit different fields of Tom's case
(both kept) and then the same field (Tom is asked, with both values); Aisha asks for an
extension and it appears in Sam's Approvals window by itself; Sam approves and Aisha's
tab shows it by itself; Sam balances the queues, looks at the dashboard, the team, the
audit trail and a bulk selection. It tries the users table as an agent with raw SQL,
grabs the windows (and one picture of the three side by side), and drops everything it
created.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "team")
    args = parser.parse_args(argv)
    os.environ.setdefault("MUSE_CARE_CONFIG_DIR", tempfile.mkdtemp(prefix="muse-care-team-shots-"))

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from muse_care.services import team
    from muse_care.services.demo import generate
    from muse_care.services.register import Actor, Register
    from muse_care.ui.app import make_application, open_register
    from muse_care.ui.context import AppContext
    from muse_care.ui.main_window import MainWindow
    from muse_care.ui.qt import QtCore

    suffix = secrets.token_hex(3)
    name = f"muse_team_shots_{suffix}"
    logins = {"agent": f"aisha_{suffix}", "agent2": f"tom_{suffix}", "lead": f"sam_{suffix}"}
    admin = create_engine(args.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    base = make_url(args.admin_url).set(database=name)
    admin_url = base.render_as_string(hide_password=False)
    app = make_application(["team-screenshots"])
    windows: list[Any] = []
    registers: list[Any] = []
    try:
        team.init_team_database(admin_url)
        team.add_user(admin_url, logins["agent"], "agent", "Aisha Khan")
        team.add_user(admin_url, logins["agent2"], "agent", "Tom Baker")
        team.add_user(admin_url, logins["lead"], "lead", "Sam Okoro")
        loader = Register.open(admin_url, Actor("postgres", "Demo loader"))
        generate(loader, 400, seed=11)
        loader.dispose()
        # share the demo's assigned cases among the three real logins (Aisha the busiest)
        with create_engine(admin_url, isolation_level="AUTOCOMMIT").connect() as conn:
            conn.execute(text(
                "UPDATE cases SET assignee = CASE WHEN id % 5 IN (0, 1, 2) THEN :a "
                "WHEN id % 5 = 3 THEN :t ELSE :s END WHERE assignee <> ''"),
                {"a": logins["agent"], "t": logins["agent2"], "s": logins["lead"]})
            conn.execute(text("UPDATE cases SET status = 'in-progress' WHERE status = 'awaiting-approval'"))

        def window(login: str, display: str) -> Any:
            url = base.set(username=login).render_as_string(hide_password=False)
            reg = open_register(url, Actor(login, display))
            reg = Register(reg.engine, Actor(reg.actor.login, display, reg.actor.role), reg.now)
            registers.append(reg)
            settings = QtCore.QSettings(str(Path(tempfile.mkdtemp()) / "layout.ini"),
                                        QtCore.QSettings.Format.IniFormat)
            ctx = AppContext(reg, reg.actor, settings=settings)
            win = MainWindow(ctx)
            win.resize(1440, 860)
            win.setWindowTitle(f"MUSE Care — {display} ({reg.actor.role})")
            win.show()
            win.start()
            windows.append(win)
            return win

        def until(cond: Callable[[], bool], timeout: float = 30) -> None:
            end = time.perf_counter() + timeout
            while not cond() or not all(w.ctx.worker.idle for w in windows):
                app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 10)
                if time.perf_counter() > end:
                    raise TimeoutError
            for _ in range(10):
                app.processEvents()

        aisha = window(logins["agent"], "Aisha Khan")
        tom = window(logins["agent2"], "Tom Baker")
        sam = window(logins["lead"], "Sam Okoro")
        until(lambda: all(w.model.rowCount() > 0 for w in windows))
        aisha.take_next_case()
        until(lambda: aisha.case_view.view is not None)
        tom.take_next_case()
        until(lambda: tom.case_view.view is not None)
        a_case, t_case = aisha.case_view.view, tom.case_view.view
        print(f"take next: {aisha.ctx.actor.login} got {a_case.reference}, "
              f"{tom.ctx.actor.login} got {t_case.reference}")
        assert a_case.id != t_case.id
        # Tom and Sam (the lead) on Tom's case: different fields merge, the same field is asked about
        from dataclasses import replace as _replace

        from muse_care.services import cases as case_service

        tom.open_case(t_case.id)
        until(lambda: tom.case_view.view is not None and tom.case_view.view.id == t_case.id)
        tcv = tom.case_view
        tcv.ui.tabs.setCurrentIndex(0)
        tcv.ui.rq_city_edit.setText("York")
        tcv.ui.rq_city_edit.textEdited.emit("York")
        seen = case_service.get_case(sam.ctx.register, t_case.id)
        case_service.update_requester(sam.ctx.register, t_case.id,
                                      _replace(seen.requester, account_ref="ACC-20817"), seen.version,
                                      base=seen.requester)
        tcv.save_requester()
        until(lambda: not tcv.dirty)
        merged = case_service.get_case(sam.ctx.register, t_case.id).requester
        print(f"merge by field: city {merged.city!r} (Tom), account {merged.account_ref!r} (Sam)")
        tcv.ui.rq_city_edit.setText("Harrogate")
        tcv.ui.rq_city_edit.textEdited.emit("Harrogate")
        seen = case_service.get_case(sam.ctx.register, t_case.id)
        case_service.update_requester(sam.ctx.register, t_case.id, _replace(seen.requester, city="Ripon"),
                                      seen.version, base=seen.requester)
        tcv.save_requester()
        until(lambda: tcv.ui.conflict_frame.isVisible())
        tom.grab().save(str(args.out / "agent-tom-conflict.png"))
        tcv.keep_mine()
        until(lambda: not tcv.dirty)
        # Aisha asks for an extension from her case's Approvals tab; Sam's queue fills by itself
        approvals = sam.open_approvals()
        until(lambda: True)
        aisha.open_case(a_case.id)
        until(lambda: aisha.case_view.view is not None and aisha.case_view.view.id == a_case.id)
        atab = aisha.case_view._extra["Approvals"]
        aisha.case_view.ui.tabs.setCurrentWidget(atab.parentWidget())
        atab.reason.setPlainText("Twelve years of orders across three brands; complex request")
        atab.request_button.click()
        started = time.perf_counter()
        until(lambda: any(a.case_id == a_case.id for a in approvals.queue.model.items))
        print(f"the request reached Sam's queue by itself in {1000 * (time.perf_counter() - started):.0f} ms")
        # the demo data asks for approvals of its own: Aisha's is the one for her case
        mine = next(row for row, a in enumerate(approvals.queue.model.items) if a.case_id == a_case.id)
        approvals.queue.table.selectRow(mine)
        until(lambda: True)
        approvals.grab().save(str(args.out / "lead-approvals.png"))
        approvals.queue.approveRequested.emit(approvals.queue.model.items[mine].id, "Agreed: tell her by Friday")
        started = time.perf_counter()
        until(lambda: atab.list.count() > 0 and "approved by" in atab.list.item(0).text())
        print(f"the decision reached Aisha's tab by itself in {1000 * (time.perf_counter() - started):.0f} ms")
        approvals.close()
        # Sam: balance, dashboard, team, audit, a bulk selection
        balance = sam.team_tools.open_balance()
        until(lambda: balance.table.rowCount() > 0 or "balanced" in balance.message.text())
        balance.grab().save(str(args.out / "lead-balance.png"))
        closed: list[int] = []
        balance.finished.connect(closed.append)
        balance.confirm()
        until(lambda: bool(closed))
        dash = sam.open_dashboard()
        until(lambda: dash.dashboard.data is not None)
        until(lambda: True)
        dash.grab().save(str(args.out / "dashboard.png"))
        dash.close()
        members = sam.team_tools.open_members()
        until(lambda: members.table.rowCount() >= 3)
        members.grab().save(str(args.out / "team-members.png"))
        members.close()
        audit = sam.team_tools.open_audit()
        until(lambda: audit.table.rowCount() > 0)
        audit.grab().save(str(args.out / "team-audit.png"))
        audit.close()
        table = sam.ui.queue_table
        flags = (QtCore.QItemSelectionModel.SelectionFlag.Select
                 | QtCore.QItemSelectionModel.SelectionFlag.Rows)
        for row in (2, 3, 5):
            table.selectionModel().select(sam.model.index(row, 0), flags)
        until(lambda: True)
        aisha.grab().save(str(args.out / "agent-aisha.png"))
        tom.grab().save(str(args.out / "agent-tom.png"))
        sam.grab().save(str(args.out / "lead-sam.png"))
        _side_by_side([aisha, tom, sam], args.out / "three-windows.png")
        agent_sql = create_engine(base.set(username=logins["agent"]).render_as_string(hide_password=False))
        with agent_sql.connect() as conn:
            try:
                conn.execute(text("SELECT login, role FROM users"))
                print("an agent read the users table: WRONG")
            except Exception as exc:  # noqa: BLE001
                print("agent raw SQL on users:", str(getattr(exc, "orig", exc)).splitlines()[0])
        agent_sql.dispose()
        for path in ("three-windows.png", "lead-approvals.png", "agent-aisha.png", "agent-tom.png",
                     "agent-tom-conflict.png", "lead-sam.png", "dashboard.png", "lead-balance.png",
                     "team-members.png", "team-audit.png"):
            print(args.out / path)
    finally:
        for win in windows:
            win.case_view._set_dirty(False)
            if win.live is not None:
                win.live.stop()
            win.ctx.worker.shutdown()
            win.close()
        for reg in registers:
            reg.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for login in logins.values():
                conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
        admin.dispose()
    return 0


def _side_by_side(windows: list[Any], path: Path) -> None:
    """One picture of the windows next to each other, each scaled to a third."""
    from muse_care.ui.qt import QtCore, QtGui

    grabs = [w.grab() for w in windows]
    width = 1800
    each = width // len(grabs)
    scaled = [g.scaled(each - 8, 10_000, QtCore.Qt.AspectRatioMode.KeepAspectRatio,
                       QtCore.Qt.TransformationMode.SmoothTransformation) for g in grabs]
    height = max(s.height() for s in scaled) + 8
    canvas = QtGui.QPixmap(width, height)
    canvas.fill(QtGui.QColor("#d9dde3"))
    painter = QtGui.QPainter(canvas)
    for i, s in enumerate(scaled):
        painter.drawPixmap(i * each + 4, 4, s)
    painter.end()
    canvas.save(str(path))


if __name__ == "__main__":
    raise SystemExit(main())
