"""The assignee picker: on a team server a case is assigned to an active team member
chosen from a list (or released to the unassigned pool), never to a typed name.

Installed on the case view by ``team_windows.install_team_mode``: the free-text field is
hidden and a combo box takes its place in the same row; the members come from
``team.team_members`` on the worker.
"""

from __future__ import annotations

from typing import Any

from muse_care.ui.context import AppContext
from muse_care.ui.qt import QtWidgets

UNASSIGNED = "(unassigned)"


def member_label(login: str, name: str, role: str) -> str:
    return f"{name} ({login})" + (f", {role}" if role != "agent" else "")


class MemberPicker(QtWidgets.QComboBox):
    """Active members, with "(unassigned)" first; ``login()`` is the choice."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Assign to")
        self.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.members: list[Any] = []
        self.set_members([])

    def set_members(self, members: list[Any]) -> None:
        current = self.login()
        self.members = [m for m in members if m.active]
        self.blockSignals(True)
        self.clear()
        self.addItem(UNASSIGNED, "")
        for m in self.members:
            self.addItem(member_label(m.login, m.display_name, m.role), m.login)
        self.blockSignals(False)
        self.set_login(current)

    def set_login(self, login: str) -> None:
        i = self.findData(login or "")
        if i < 0 and login:  # a former member still holds the case: show them, greyed
            self.addItem(f"{login} (not active)", login)
            i = self.count() - 1
        self.setCurrentIndex(max(i, 0))

    def login(self) -> str:
        data = self.currentData()
        return data if isinstance(data, str) else ""


def install_member_picker(case_view: Any, ctx: AppContext) -> MemberPicker:
    ui = case_view.ui
    picker = MemberPicker(ui.assignee_edit.parentWidget())
    row = ui.assign_row
    row.insertWidget(row.indexOf(ui.assignee_edit), picker)
    ui.assignee_edit.hide()
    ui.assignee_caption.setBuddy(picker)
    ui.assign_button.clicked.disconnect()
    ui.assign_button.clicked.connect(lambda: case_view.assign(picker.login()))
    case_view.case_shown.connect(lambda view: picker.set_login(view.assignee))
    case_view.member_picker = picker
    if case_view.view is not None:
        picker.set_login(case_view.view.assignee)
    reload_members(ctx, picker)
    return picker


def reload_members(ctx: AppContext, picker: MemberPicker) -> None:
    from muse_care.services import team

    reg = ctx.register
    if reg is None:
        return
    ctx.worker.submit(lambda: team.team_members(reg), picker.set_members, owner=picker)
