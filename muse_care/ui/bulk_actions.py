"""Bulk actions on the queue: select many cases (Shift- and Ctrl-click) and, from the
right-click menu, assign them all to a team member, take them, or release them to the
unassigned pool. One unit of work for the lot (``team.reassign_many``), one history
entry per case; a refusal (an agent touching another agent's case) changes none.

Installed on the main window's queue by ``team_windows.install_team_mode``.
"""

from __future__ import annotations

from typing import Any

from muse_care.domain.grammar import count
from muse_care.ui.qt import QtCore, QtWidgets, Qt


class BulkActions(QtCore.QObject):
    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        self.members: list[Any] = []
        table = window.ui.queue_table
        table.setSelectionMode(QtWidgets.QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self.show_menu)
        self.last_menu: QtWidgets.QMenu | None = None
        self.reload_members()

    def reload_members(self) -> None:
        from muse_care.services import team

        reg = self.ctx.register
        self.ctx.worker.submit(lambda: team.team_members(reg, active_only=True),
                               lambda m: setattr(self, "members", m), owner=self)

    def selected_ids(self) -> list[int]:
        table = self.window.ui.queue_table
        rows = sorted({i.row() for i in table.selectionModel().selectedRows()})
        out = []
        for r in rows:
            row = self.window.model.row_at(r)
            if row is not None:
                out.append(row.id)
        return out

    def build_menu(self) -> QtWidgets.QMenu:
        ids = self.selected_ids()
        n = count(len(ids), "case")
        menu = QtWidgets.QMenu(self.window.ui.queue_table)
        menu.setAccessibleName("Bulk actions")
        assign = menu.addMenu(f"&Assign {n} to")
        me = self.ctx.actor.login
        for m in self.members:
            label = f"{m.display_name} ({m.login})" + (" — me" if m.login == me else "")
            action = assign.addAction(label)
            action.setData(m.login)
            action.triggered.connect(lambda _c=False, who=m.login: self.apply(ids, who))
        # only a lead hands cases to someone else (an agent takes or releases them)
        assign.setEnabled(bool(ids and self.members) and self.ctx.actor.role in ("lead", "admin"))
        take = menu.addAction(f"&Take {n} (assign to me)")
        take.triggered.connect(lambda: self.apply(ids, me))
        release = menu.addAction(f"&Release {n} to the unassigned pool")
        release.triggered.connect(lambda: self.apply(ids, ""))
        for a in (take, release):
            a.setEnabled(bool(ids))
        self.last_menu = menu
        return menu

    def show_menu(self, pos: QtCore.QPoint) -> None:
        menu = self.build_menu()
        menu.popup(self.window.ui.queue_table.viewport().mapToGlobal(pos))

    def apply(self, ids: list[int], assignee: str) -> None:
        from muse_care.services import team

        reg = self.ctx.register
        if not ids or reg is None:
            return

        def done(result: Any) -> None:
            who = "the unassigned pool" if not assignee else assignee
            self.window.statusBar().showMessage(
                f"{count(result.changed, 'case')} moved to {who}"
                + (f"; {result.unchanged} already there" if result.unchanged else ""), 10000)
            self.window.model.reload()
            self.window.refresh_counts()
            shown = self.window.case_view.view
            if shown is not None and shown.id in ids and not self.window.case_view.dirty:
                self.window.case_view.load(shown.id)

        self.ctx.worker.submit(lambda: team.reassign_many(reg, ids, assignee), done, owner=self)


def install_bulk_actions(window: Any) -> BulkActions:
    window.bulk_actions = BulkActions(window)
    return window.bulk_actions
