"""Team mode, seen from three windows on one PostgreSQL server: two agents and a lead.

    QT_QPA_PLATFORM=offscreen python tools/team_screenshots.py [--admin-url URL] [--out docs/team]

Creates a scratch database and three login roles (agent, agent, lead) with unique
names, fills it with demo cases, lets each agent take the next case, has one agent ask
for an extension and the lead approve it in the Approvals window, tries the admin table
as an agent with raw SQL, grabs the windows, and drops everything it created.
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
        team.request_approval(aisha.ctx.register, a_case.id, "extension",
                              "Twelve years of orders across three brands; complex request")
        approvals = sam.open_approvals()
        until(lambda: approvals.queue.model.rowCount() > 0)
        approvals.queue.table.selectRow(0)
        until(lambda: True)
        approvals.grab().save(str(args.out / "lead-approvals.png"))
        approvals.queue.approveRequested.emit(approvals.queue.model.items[0].id, "Agreed: tell her by Friday")
        until(lambda: approvals.queue.model.rowCount() == 0)
        # Aisha's window hears about the change from the server (LISTEN/NOTIFY).
        aisha.case_view.ui.tabs.setCurrentWidget(aisha.case_view._extra["Approvals"].parentWidget())
        aisha.case_view.load(a_case.id)
        until(lambda: True)
        aisha.grab().save(str(args.out / "agent-aisha.png"))
        tom.grab().save(str(args.out / "agent-tom.png"))
        sam.grab().save(str(args.out / "lead-sam.png"))
        agent_sql = create_engine(base.set(username=logins["agent"]).render_as_string(hide_password=False))
        with agent_sql.connect() as conn:
            try:
                conn.execute(text("SELECT login, role FROM users"))
                print("an agent read the users table: WRONG")
            except Exception as exc:  # noqa: BLE001
                print("agent raw SQL on users:", str(getattr(exc, "orig", exc)).splitlines()[0])
        agent_sql.dispose()
        for path in ("lead-approvals.png", "agent-aisha.png", "agent-tom.png", "lead-sam.png"):
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


if __name__ == "__main__":
    raise SystemExit(main())
