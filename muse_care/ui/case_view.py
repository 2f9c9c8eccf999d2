"""One case: header (reference, status, due date, the clock's explanation, days left)
and tabs for the requester, the request, identity checks, the clock, the retrieval log,
letters and the history. Every write goes through the worker with the case's version;
a failed save keeps what the agent typed.

Other engineers add tabs with :meth:`CaseViewWidget.set_extra_tab`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from muse_care.domain.case import FINAL_STATUSES, OPEN_STATUSES, RIGHT_LABELS, TRANSITIONS, Status
from muse_care.domain.case_views import CaseView, Requester
from muse_care.domain.clock import ClockEventKind, law_day
from muse_care.domain.errors import PermissionDenied, StaleRecord, StorageUnavailable, ValidationError
from muse_care.domain.identity import CheckResult, identity_confirmed
from muse_care.domain.regimes import REGIMES
from muse_care.services import cases
from muse_care.ui.context import AppContext, stale_text
from muse_care.ui.forms.ui_case_view import Ui_CaseView
from muse_care.ui.intake import CHANNEL_LABELS, mark_error, qdate
from muse_care.ui.operations import CaseChanges, CaseOp
from muse_care.ui.qt import QtGui, QtWidgets, Qt, Signal
from muse_care.ui.queue_model import CUE_OVERDUE, CUE_SOON, CUE_TODAY, days_left_text, status_text

REQUESTER_EDITS = {  # Requester field -> line edit
    "name": "rq_name_edit", "email": "rq_email_edit", "phone": "rq_phone_edit",
    "postcode": "rq_postcode_edit", "city": "rq_city_edit", "region": "rq_region_edit",
    "country": "rq_country_edit", "account_ref": "rq_account_edit",
}
EVENT_LABELS = {
    ClockEventKind.ID_REQUESTED: "ID requested", ClockEventKind.ID_RECEIVED: "ID received",
    ClockEventKind.AUTHORITY_REQUESTED: "Authority requested",
    ClockEventKind.AUTHORITY_RECEIVED: "Authority received",
    ClockEventKind.FEE_REQUESTED: "Fee requested", ClockEventKind.FEE_RECEIVED: "Fee received",
    ClockEventKind.CLARIFICATION_REQUESTED: "Clarification requested",
    ClockEventKind.CLARIFICATION_RECEIVED: "Clarification received",
    ClockEventKind.EXTENDED: "Extended",
}


# What the History tab calls the case's fields (the audit trail stores their names).
HISTORY_FIELDS = {
    "waiting_for": "Waiting for", "clock_start": "Clock start", "due_date": "Due date",
    "original_due": "Original due date", "extended": "Extended", "acknowledge_by": "Acknowledge by",
    "due_explained": "Due date explained", "status": "Status", "status reason": "Reason for the status",
    "assignee": "Assignee", "created": "Case created", "note": "Note", "requester_name": "Requester's name",
    "requester_email": "Email", "requester_phone": "Phone", "address_lines": "Address", "postcode": "Postcode",
    "city": "City", "region": "Region", "country": "Country", "account_ref": "Account reference",
}
HISTORY_KINDS = {"event": "Clock", "check": "Identity check", "retrieval": "Retrieval", "letter": "Letter",
                 "source": "Retrieval source"}
WAITING_LABELS = {"id": "ID", "authority": "authority", "fee": "fee", "clarification": "clarification"}


def history_label(what: str) -> str:
    """``waiting_for`` -> "Waiting for", ``event:id-requested`` -> "Clock: ID requested"."""
    if what in HISTORY_FIELDS:
        return HISTORY_FIELDS[what]
    kind, _, rest = what.partition(":")
    if rest:
        head = HISTORY_KINDS.get(kind, kind.replace("_", " ").capitalize())
        if kind == "event" and rest in ClockEventKind._value2member_map_:
            return f"{head}: {EVENT_LABELS.get(ClockEventKind(rest), rest)}"
        return f"{head}: {rest.replace('-', ' ').replace('_', ' ')}"
    return what.replace("_", " ").capitalize()


def history_value(what: str, value: str) -> str:
    if what == "waiting_for":
        return WAITING_LABELS.get(value, value) if value else "nothing"
    if what == "extended":
        return {"True": "yes", "False": "no"}.get(value, value)
    return value


TAB_CONCERNS = {"letters": "letters", "retrieval log": "retrievals", "approvals": "approvals"}


class CaseTab(Protocol):
    """What an extra tab provides: it is told each time the shown case changes."""

    def show_case(self, view: CaseView) -> None: ...


class StatusDialog(QtWidgets.QDialog):
    """Confirms a move that cannot be undone, and takes the reason where one is needed."""

    def __init__(self, view: CaseView, wanted: Status, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{status_text(wanted)}: {view.reference}")
        layout = QtWidgets.QVBoxLayout(self)
        final = wanted in FINAL_STATUSES
        text = (f"Move case {view.reference} from “{status_text(view.status)}” to “{status_text(wanted)}”?")
        if final:
            text += " This cannot be undone in the normal course of work."
        self.message = QtWidgets.QLabel(text, wordWrap=True)
        layout.addWidget(self.message)
        self.reason_label = QtWidgets.QLabel("&Reason" + (" (required: the grounds, e.g. manifestly "
                                                          "unfounded or excessive, and why)" if wanted is Status.REFUSED else "") + ":")
        self.reason = QtWidgets.QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setAccessibleName("Reason for the status change")
        self.reason_label.setBuddy(self.reason)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        self.error = QtWidgets.QLabel(visible=False, wordWrap=True)
        self.error.setAccessibleName("Status change problem")
        layout.addWidget(self.error)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.setAccessibleName("Confirm or cancel")
        buttons.button(QtWidgets.QDialogButtonBox.StandardButton.Ok).setText(f"&{status_text(wanted)}")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.wanted = wanted

    def accept(self) -> None:
        if self.wanted is Status.REFUSED and not self.reason.toPlainText().strip():
            mark_error(self.error, "a refusal needs its reasons: manifestly unfounded or excessive, and why")
            self.reason.setFocus()
            return
        super().accept()


class CaseViewWidget(QtWidgets.QWidget):
    """Shows one case. ``show_case(view)`` fills it; ``load(case_id)`` reads it on the
    worker first. Every write is a :class:`CaseOp`: the pane (and each tab) refreshes
    from the change-set it emits on ``ctx.op_executed``."""

    case_shown = Signal(object)

    def __init__(self, ctx: AppContext, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ui = Ui_CaseView()
        self.ui.setupUi(self)
        self.view: CaseView | None = None
        self._extra: dict[str, QtWidgets.QWidget] = {}
        self._concerns: dict[str, str | None] = {}  # tab -> the change-set flag it refreshes on
        self._form_drafts: dict[int, dict[str, str]] = {}  # typed notes and reasons, per case
        self._drafts: dict[int, Requester] = {}  # unsaved requester edits per case: never lost
        self._draft_bases: dict[int, Requester] = {}
        self._base: Requester | None = None  # the details as they were when editing began
        self._conflicts: tuple[Any, ...] = ()
        self.auto_retry = False  # a team window: a save lost to an outage is retried when back
        self.save_pending = False
        self._dirty = False
        self._loading_id: int | None = None
        self._filling = False
        ui = self.ui
        ui.case_panel.setVisible(False)
        font = ui.reference_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        ui.reference_label.setFont(font)
        ui.days_left_label.setAutoFillBackground(True)
        self._status_menu = QtWidgets.QMenu(self)
        self._status_menu.setAccessibleName("Status moves")
        ui.status_button.setMenu(self._status_menu)
        for status in Status:
            action = self._status_menu.addAction(status_text(status))
            action.setData(status.value)
            action.triggered.connect(lambda _c=False, s=status: self.ask_status(s))
        for result in (CheckResult.PASSED, CheckResult.FAILED, CheckResult.WAIVED):
            ui.check_result_combo.addItem(result.value.capitalize(), result.value)
        for kind, label in EVENT_LABELS.items():
            if kind is not ClockEventKind.EXTENDED:
                ui.event_kind_combo.addItem(label, kind.value)
        for edit in REQUESTER_EDITS.values():
            getattr(ui, edit).textEdited.connect(self._mark_dirty)
        ui.rq_address_edit.textChanged.connect(self._mark_dirty)
        ui.save_button.clicked.connect(self.save_requester)
        ui.keep_mine_button.clicked.connect(self.keep_mine)
        ui.reload_button.clicked.connect(self.reload_theirs)
        ui.add_note_button.clicked.connect(self.add_note)
        ui.record_check_button.clicked.connect(self.record_check)
        ui.add_event_button.clicked.connect(self.add_event)
        ui.extend_button.clicked.connect(self.extend)
        ui.assign_button.clicked.connect(lambda: self.assign(ui.assignee_edit.text()))
        ui.assign_me_button.clicked.connect(lambda: self.assign(ctx.actor.login))
        # Enter in a one-line form submits it
        ui.assignee_edit.returnPressed.connect(ui.assign_button.click)
        ui.check_reason_edit.returnPressed.connect(ui.record_check_button.click)
        ui.event_reason_edit.returnPressed.connect(ui.add_event_button.click)
        # An event recorded late needs the reason (docs/rules.md, "Events recorded late"):
        # the row shows when the service asks for it; focus goes there, so no Alt key.
        self.late_reason_edit = QtWidgets.QLineEdit(placeholderText="Why this event is recorded only now")
        self.late_reason_edit.setAccessibleName("Reason the event is recorded late")
        self.late_reason_label = QtWidgets.QLabel("Late because:")
        self.late_reason_label.setBuddy(self.late_reason_edit)
        ui.event_form.insertRow(3, self.late_reason_label, self.late_reason_edit)
        self.late_reason_edit.returnPressed.connect(ui.add_event_button.click)
        self._show_late_reason(False)
        ui.new_note_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        ui.rq_address_edit.setMaximumHeight(self.fontMetrics().lineSpacing() * 5)
        for tree in (ui.checks_tree, ui.events_tree, ui.history_tree):
            tree.header().setStretchLastSection(True)
            tree.setAlternatingRowColors(True)
            for column in range(tree.columnCount() - 1):
                tree.header().setSectionResizeMode(column, QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        ctx.op_executed.connect(self._on_op_executed)
        ui.checks_tree.currentItemChanged.connect(self._check_clicked)
        ui.checks_tree.itemClicked.connect(self._check_clicked)
        from muse_care.ui.law_tab import LawTab
        from muse_care.ui.recipients_tab import RecipientsTab

        self.set_extra_tab("Recipients", RecipientsTab(ctx))  # Art. 19
        self.set_extra_tab("Regime and links", LawTab(ctx))  # authorities, linked requests

    # --- the hook for other engineers ---------------------------------------------------
    def set_extra_tab(self, name: str, widget: QtWidgets.QWidget) -> None:
        """Put ``widget`` in the tab ``name`` ("Retrieval log", "Letters", or a new one).

        The widget must have ``show_case(view: CaseView)``; it is called now if a case is
        shown, on every other case shown later, and after a write to the shown case when
        the change-set names the tab's concern (``TAB_CONCERNS``: the Letters tab on
        ``letters``, the Retrieval log on ``retrievals``, Approvals on ``approvals``; a
        tab of another name on every write). A tab with ``case_updated(view, changes)``
        is given every write to its case instead and decides for itself. It uses the
        same :class:`AppContext` (``ctx.worker`` for database work)."""
        self._concerns[name] = TAB_CONCERNS.get(name.replace("&", "").lower())
        page = {"retrieval log": self.ui.retrieval_page, "letters": self.ui.letters_page}.get(
            name.replace("&", "").lower())
        if page is None:
            page = QtWidgets.QWidget()
            QtWidgets.QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self.ui.tabs.insertTab(self.ui.tabs.count() - 1, page, name)
        layout = page.layout()
        while layout.count():
            item = layout.takeAt(0)
            if item.widget() is not None:
                item.widget().setParent(None)
        layout.addWidget(widget)
        self._extra[name] = widget
        if hasattr(widget, "unsaved_requester"):  # the Letters tab warns before a letter is made
            widget.unsaved_requester = lambda: self.dirty
        if self.view is not None:
            widget.show_case(self.view)  # type: ignore[attr-defined]

    # --- loading --------------------------------------------------------------------------
    def load(self, case_id: int) -> None:
        if self.ctx.register is None:
            return
        self._loading_id = case_id
        reg = self.ctx.register
        self.ctx.worker.submit(lambda: cases.get_case(reg, case_id),
                               lambda view: self._loaded(case_id, view), owner=self)

    def _loaded(self, case_id: int, view: CaseView) -> None:
        if case_id == self._loading_id:
            self.show_case(view)

    def _on_op_executed(self, changes: CaseChanges, initiator: object) -> None:
        if self.view is None or changes.case_id != self.view.id or not changes.case:
            return
        if changes.view is not None:
            if changes.view is not self.view:
                self.show_case(changes.view, changes, initiator)
        elif not self._dirty:
            self.load(self.view.id)

    def show_case(self, view: CaseView, changes: CaseChanges | None = None, initiator: object = None) -> None:
        """Fill the pane with ``view``. ``changes``: the write that produced it (a case
        already shown), so the tabs it does not concern are left alone, nor the tab that
        made it (``initiator``), which refreshes itself."""
        ui = self.ui
        if self.view is not None and self._dirty and self.view.id != view.id:
            self._drafts[self.view.id] = self.typed_requester()
            if self._base is not None:
                self._draft_bases[self.view.id] = self._base
        same = self.view is not None and self.view.id == view.id
        if not same:
            self._swap_form_drafts(self.view, view)
        self.view = view
        ui.empty_label.setVisible(False)
        ui.case_panel.setVisible(True)
        ui.reference_label.setText(view.reference)
        ui.status_label.setText(f"· {status_text(view.status)}")
        due = (f"Due {view.due_date:%a %d %b %Y}" if view.due_date else
               "Clock stopped" if view.is_open else "")
        if view.acknowledge_by is not None and not view.acknowledged:  # CCPA §7021(a)
            late = " (OVERDUE)" if view.acknowledge_overdue else ""
            due += f" · confirm receipt by {view.acknowledge_by:%a %d %b %Y}{late}"
        ui.due_label.setText(due)
        self._show_days_left(view)
        # "Clock stopped" once: the days-left badge says nothing the due label does not
        ui.days_left_label.setVisible(view.due_date is not None or not view.is_open)
        ui.explanation_label.setText(view.due_explained)
        for action in self._status_menu.actions():
            action.setEnabled(Status(action.data()) in TRANSITIONS[view.status])
        ui.status_button.setEnabled(bool(TRANSITIONS[view.status]))
        # requester: keep what the agent is typing on this case; restore a kept draft
        if not (same and self._dirty):
            draft = self._drafts.pop(view.id, None)
            self._base = self._draft_bases.pop(view.id, view.requester)
            self._fill_requester(draft or view.requester)
            self._set_dirty(draft is not None)
            ui.conflict_frame.setVisible(False)
        # request
        ui.rights_value.setText("; ".join(RIGHT_LABELS[r] for r in view.rights))
        ui.channel_value.setText(CHANNEL_LABELS.get(view.channel, view.channel.value))
        regime = REGIMES.get(view.regime)
        ui.regime_value.setText(f"{regime.name if regime else view.regime} (holidays: {view.holiday_region})")
        zone = ZoneInfo(view.received_zone or "UTC")  # the day received is counted there
        ui.received_value.setText(f"{view.received_at.astimezone(zone):%a %d %b %Y %H:%M} {zone.key}")
        if not ui.assignee_edit.hasFocus():
            ui.assignee_edit.setText(view.assignee)
        ui.notes_list.clear()
        for note in view.notes:
            ui.notes_list.addItem(f"{note.written_at.astimezone():%d %b %Y %H:%M %Z} {note.written_by}: {note.text}")
        # identity
        current_step = ui.check_step_combo.currentData() if same else None
        ui.check_step_combo.clear()
        ui.checks_tree.clear()
        for check in view.checks:
            ui.check_step_combo.addItem(check.label, check.step)
            item = QtWidgets.QTreeWidgetItem([check.label, check.result, check.reason, check.checked_by])
            item.setData(0, Qt.ItemDataRole.UserRole, check.step)
            ui.checks_tree.addTopLevelItem(item)
        self._select_check(self._next_check(view, current_step))
        results = [c.result for c in view.checks]
        ui.identity_summary.setText(
            "No identity checks are needed for this request." if not results else
            "Identity confirmed." if identity_confirmed({c.step: c.result for c in view.checks}) else
            f"{results.count('pending')} pending, {results.count('failed')} failed, "
            f"{results.count('passed') + results.count('waived')} of {len(results)} done.")
        # clock
        ui.events_tree.clear()
        for event in view.events:
            label = EVENT_LABELS.get(ClockEventKind(event.kind), event.kind) if event.kind in ClockEventKind._value2member_map_ else event.kind
            reason = f"{event.reason} — {event.late_note}" if event.late_note else event.reason
            ui.events_tree.addTopLevelItem(QtWidgets.QTreeWidgetItem(
                [event.on.isoformat(), label, reason.strip(" —"), event.recorded_by]))
        # today where the case's law applies, not the organisation's day: the latest day an
        # event can be dated (services/cases.py, event_action; docs/rules.md, "The day received")
        reg = self.ctx.register
        latest = law_day(regime, reg.now(), view.holiday_region, view.requester.country) \
            if regime is not None and reg is not None else view.as_of
        ui.event_date.setMaximumDate(qdate(latest))
        ui.event_date.setDate(qdate(latest))
        ui.extend_button.setEnabled(bool(regime and regime.can_extend and not view.extended and view.is_open))
        for w in (ui.add_event_button, ui.record_check_button):
            w.setEnabled(view.is_open)
        # history
        ui.history_tree.clear()
        for h in reversed(view.history):
            old, new = history_value(h.what, h.old), history_value(h.what, h.new)
            change = f"{old} → {new}" if h.old else new
            ui.history_tree.addTopLevelItem(QtWidgets.QTreeWidgetItem(
                [f"{h.at.astimezone():%Y-%m-%d %H:%M %Z}", h.actor, history_label(h.what), change]))
        self._tell_tabs(view, changes if same else None, initiator)
        self.case_shown.emit(view)

    def _tell_tabs(self, view: CaseView, changes: CaseChanges | None, initiator: object = None) -> None:
        for name, widget in self._extra.items():
            if changes is not None and widget is initiator:
                continue  # it made the write and refreshes itself
            if changes is None:
                widget.show_case(view)  # type: ignore[attr-defined]
            elif hasattr(widget, "case_updated"):
                widget.case_updated(view, changes)
            else:
                concern = self._concerns.get(name)
                if concern is None or getattr(changes, concern):
                    widget.show_case(view)  # type: ignore[attr-defined]

    @staticmethod
    def _next_check(view: CaseView, current: str | None) -> str | None:
        """The check the form should offer: the current one while it is pending, else
        the next pending one after it (then from the top), else the current one."""
        steps = [c.step for c in view.checks]
        pending = [c.step for c in view.checks if c.result == "pending"]
        if current in pending:
            return current
        if current in steps:
            after = steps[steps.index(current) + 1:] + steps[:steps.index(current)]
            return next((st for st in after if st in pending), current)
        return pending[0] if pending else (steps[0] if steps else None)

    def _select_check(self, step: str | None) -> None:
        ui = self.ui
        if step is None:
            return
        ui.check_step_combo.setCurrentIndex(max(0, ui.check_step_combo.findData(step)))
        for i in range(ui.checks_tree.topLevelItemCount()):
            item = ui.checks_tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == step:
                ui.checks_tree.blockSignals(True)
                ui.checks_tree.setCurrentItem(item)
                ui.checks_tree.blockSignals(False)

    def _check_clicked(self, item: QtWidgets.QTreeWidgetItem | None, *_args: object) -> None:
        if item is not None:
            self._select_check(item.data(0, Qt.ItemDataRole.UserRole))

    def _form_edits(self) -> dict[str, QtWidgets.QWidget]:
        ui = self.ui
        return {"note": ui.new_note_edit, "check_reason": ui.check_reason_edit,
                "event_reason": ui.event_reason_edit, "assignee": ui.assignee_edit}

    def _swap_form_drafts(self, old: CaseView | None, new: CaseView) -> None:
        """What was typed into the note, reason and assignee boxes belongs to its case:
        kept for it, never carried to the next one."""
        edits = self._form_edits()
        if old is not None:
            kept = {k: (w.toPlainText() if isinstance(w, QtWidgets.QPlainTextEdit) else w.text())  # type: ignore[attr-defined]
                    for k, w in edits.items() if k != "assignee"}
            if any(kept.values()):
                self._form_drafts[old.id] = kept
        restored = self._form_drafts.pop(new.id, {})
        for key, widget in edits.items():
            text = restored.get(key, new.assignee if key == "assignee" else "")
            if isinstance(widget, QtWidgets.QPlainTextEdit):
                widget.setPlainText(text)
            else:
                widget.setText(text)  # type: ignore[attr-defined]
        self.ui.check_result_combo.setCurrentIndex(0)
        self.ui.event_kind_combo.setCurrentIndex(0)
        for label in (self.ui.check_error, self.ui.event_error):
            mark_error(label, None)
        self.late_reason_edit.clear()
        self._show_late_reason(False)

    def _show_days_left(self, view: CaseView) -> None:
        label = self.ui.days_left_label
        text = days_left_text(view)
        label.setText(f" {text} ")
        cue = None
        if view.is_open and view.days_left is not None:
            cue = CUE_OVERDUE if view.days_left < 0 else CUE_TODAY if view.days_left == 0 else \
                CUE_SOON if view.days_left <= 3 else None
        palette = self.palette()
        if cue:
            palette.setColor(QtGui.QPalette.ColorRole.Window, cue[0])
            palette.setColor(QtGui.QPalette.ColorRole.WindowText, cue[1])
        label.setPalette(palette)

    # --- requester ------------------------------------------------------------------------
    def _fill_requester(self, rq: Requester) -> None:
        self._filling = True
        try:
            for fieldname, edit in REQUESTER_EDITS.items():
                getattr(self.ui, edit).setText(getattr(rq, fieldname))
            self.ui.rq_address_edit.setPlainText("\n".join(rq.address_lines))
        finally:
            self._filling = False
        for label in self._requester_error_labels():
            mark_error(label, None)

    def _requester_error_labels(self) -> list[QtWidgets.QLabel]:
        return [getattr(self.ui, f"rq_{f}_error") for f in (*REQUESTER_EDITS, "address_lines")] + \
            [self.ui.requester_general_error]

    def typed_requester(self) -> Requester:
        assert self.view is not None
        values: dict[str, Any] = {f: getattr(self.ui, e).text() for f, e in REQUESTER_EDITS.items()}
        values["address_lines"] = tuple(x for x in self.ui.rq_address_edit.toPlainText().splitlines() if x.strip())
        return replace(self.view.requester, **values)

    def _mark_dirty(self, *_args: Any) -> None:
        if not self._filling:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self.ui.unsaved_label.setVisible(dirty)

    @property
    def dirty(self) -> bool:
        return self._dirty

    def save_requester(self) -> None:
        if self.view is None or self.ctx.register is None:
            return
        reg, view, typed = self.ctx.register, self.view, self.typed_requester()
        base = self._base or view.requester
        self.ui.save_button.setEnabled(False)
        self.save_pending = False
        # merged by field: only what this person changed since `base` is written
        CaseOp(self.ctx, lambda: cases.update_requester(reg, view.id, typed, view.version, base=base),
               before=view, what="save requester").success(self._requester_saved) \
            .failure(self._requester_failed).run(initiator=self)

    def _requester_saved(self, view: CaseView) -> None:
        self.ui.save_button.setEnabled(True)
        self._set_dirty(False)
        self.ui.conflict_frame.setVisible(False)

    def _requester_failed(self, exc: BaseException) -> None:
        self.ui.save_button.setEnabled(True)
        for label in self._requester_error_labels():
            mark_error(label, None)
        if isinstance(exc, cases.FieldConflict):
            self._show_conflicts(exc)
        elif isinstance(exc, StorageUnavailable) and self.auto_retry:
            self.save_pending = True  # saved by itself when the server is back
            mark_error(self.ui.requester_general_error,
                       "Not saved yet: the server cannot be reached. Your text is kept and is saved "
                       "by itself as soon as the server is back.")
        elif isinstance(exc, StaleRecord):
            self.ui.conflict_label.setText(stale_text(exc) + " Your text is kept below. Keep your text "
                                           "(and save again), or show their version?")
            self.ui.conflict_frame.setVisible(True)
            self.ctx.last_message = self.ui.conflict_label.text()
        elif isinstance(exc, cases.InvalidInput):
            for fieldname, message in exc.problems.items():
                label = getattr(self.ui, f"rq_{fieldname}_error", self.ui.requester_general_error)
                mark_error(label, message)
        elif isinstance(exc, ValidationError):
            mark_error(self.ui.requester_general_error, str(exc))
        else:
            self.ctx.report_error(exc, retry=self.save_requester, parent=self)

    # --- conflicts: both changed the same field --------------------------------------------
    def _show_conflicts(self, exc: Any) -> None:
        self._conflicts = exc.conflicts
        lines = []
        for c in exc.conflicts:
            when = c.changed_at.astimezone().strftime("%H:%M") if c.changed_at else "just now"
            label = CONFLICT_LABELS.get(c.field, c.field)
            lines.append(f"{label}: you typed “{c.mine or '(empty)'}”; {c.changed_by} saved "
                         f"“{c.theirs or '(empty)'}” at {when}.")
        others = "Your other changes are not saved yet either; they go in with your choice."
        self.ui.conflict_label.setText(
            "Someone changed the same field while you were editing:\n" + "\n".join(lines) + "\n" + others)
        self.ui.keep_mine_button.setText("&Keep mine")
        self.ui.reload_button.setText("&Take theirs")
        self.ui.conflict_frame.setVisible(True)
        self.ctx.last_message = self.ui.conflict_label.text()

    def retry_pending_save(self) -> None:
        """The server is back: save what could not be saved during the outage."""
        if self.save_pending and self._dirty:
            self.save_requester()

    def keep_mine(self) -> None:
        """Keep the typed value of each conflicting field (their value becomes the base,
        so it is written over theirs, which stays in the history) and save."""
        if self._conflicts and self._base is not None:
            self._base = replace(self._base, **{c.field: _as_field(c.field, c.theirs)
                                                 for c in self._conflicts})
            self._conflicts = ()
            self.ui.conflict_frame.setVisible(False)
            self.save_requester()
            return
        if self.view is None or self.ctx.register is None:
            return
        reg, case_id = self.ctx.register, self.view.id

        def got(latest: CaseView) -> None:
            self.view = replace(latest)
            self.ui.conflict_frame.setVisible(False)
            self.ui.unsaved_label.setText("Unsaved changes (their newer version loaded behind your text)")

        self.ctx.worker.submit(lambda: cases.get_case(reg, case_id), got, owner=self)

    def reload_theirs(self) -> None:
        if self._conflicts and self._base is not None:
            # take their value in each conflicting field; the rest of what was typed stays
            theirs = {c.field: _as_field(c.field, c.theirs) for c in self._conflicts}
            self._base = replace(self._base, **theirs)
            self._conflicts = ()
            self._filling = True
            try:
                for f, value in theirs.items():
                    if f == "address_lines":
                        self.ui.rq_address_edit.setPlainText("\n".join(value))
                    elif f in REQUESTER_EDITS:
                        getattr(self.ui, REQUESTER_EDITS[f]).setText(value)
            finally:
                self._filling = False
            self.ui.conflict_frame.setVisible(False)
            if self.typed_requester() != self._base:
                self.save_requester()  # the person's other changes go in now
            else:
                self._set_dirty(False)
            return
        if self.view is None:
            return
        self._set_dirty(False)
        self.ui.conflict_frame.setVisible(False)
        self.load(self.view.id)

    # --- other actions ----------------------------------------------------------------------
    def _write(self, fn: Any, error_label: QtWidgets.QLabel | None = None,
               after: Any = None, what: str = "", handle: Any = None) -> None:
        """Run one write to the shown case as a :class:`CaseOp`; the pane shows its
        result when the change-set arrives. ``handle(exc)`` may take a failure first
        (True: handled)."""
        if self.view is None or self.ctx.register is None:
            return

        def ok(_view: CaseView) -> None:
            if error_label is not None:
                mark_error(error_label, None)
            if after:
                after()

        def failed(exc: BaseException) -> None:
            if handle is not None and handle(exc):
                return
            if isinstance(exc, StaleRecord):
                if error_label is not None:
                    mark_error(error_label, stale_text(exc) + " The case has been reloaded; try again.")
                self.load(self.view.id if self.view else 0)
            elif isinstance(exc, ValidationError) and error_label is not None:
                mark_error(error_label, exc.message)
            else:
                self.ctx.report_error(exc, parent=self)

        CaseOp(self.ctx, fn, before=self.view, what=what).success(ok).failure(failed).run(initiator=self)

    def record_check(self) -> None:
        if self.view is None:
            return
        reg, v = self.ctx.register, self.view
        step = self.ui.check_step_combo.currentData()
        result = self.ui.check_result_combo.currentData()
        reason = self.ui.check_reason_edit.text()
        if step is None:
            mark_error(self.ui.check_error, "this case needs no identity checks")
            return
        self._write(lambda: cases.record_check(reg, v.id, step, result, reason, v.version),
                    self.ui.check_error, self.ui.check_reason_edit.clear, "identity check")

    def add_event(self) -> None:
        if self.view is None:
            return
        reg, v = self.ctx.register, self.view
        kind = self.ui.event_kind_combo.currentData()
        on: date = self.ui.event_date.date().toPython()
        reason = self.ui.event_reason_edit.text()
        late = self.late_reason_edit.text() if self._late_asked else ""

        def done() -> None:
            self.ui.event_reason_edit.clear()
            self.late_reason_edit.clear()
            self._show_late_reason(False)

        def late_refused(exc: BaseException) -> bool:
            """Recorded late: ask for the reason, or say a team lead must record it."""
            if isinstance(exc, ValidationError) and exc.field == "late_reason":
                mark_error(self.ui.event_error, exc.message)
                self._show_late_reason(True)
                self.late_reason_edit.setFocus()
                return True
            if isinstance(exc, PermissionDenied):
                mark_error(self.ui.event_error, str(exc))
                return True
            return False

        self._write(lambda: cases.record_event(reg, v.id, kind, on, reason, v.version, late_reason=late),
                    self.ui.event_error, done, "clock event", handle=late_refused)

    def _show_late_reason(self, shown: bool) -> None:
        self._late_asked = shown
        self.late_reason_label.setVisible(shown)
        self.late_reason_edit.setVisible(shown)

    def extend(self) -> None:
        if self.view is None:
            return
        reason = self.ui.event_reason_edit.text().strip()
        if not reason:
            mark_error(self.ui.event_error, "an extension needs its reason (complex request, or several "
                       "requests from one person); write it in Reason first")
            self.ui.event_reason_edit.setFocus()
            return
        reg, v = self.ctx.register, self.view
        on = v.as_of
        self._write(lambda: cases.record_event(reg, v.id, ClockEventKind.EXTENDED.value, on, reason, v.version),
                    self.ui.event_error, self.ui.event_reason_edit.clear, "clock event")

    def add_note(self) -> None:
        if self.view is None:
            return
        text = self.ui.new_note_edit.toPlainText()
        if not text.strip():
            self.ui.new_note_edit.setFocus()
            return
        reg, v = self.ctx.register, self.view
        self._write(lambda: cases.add_note(reg, v.id, text), None, self.ui.new_note_edit.clear, "note")

    def assign(self, login: str) -> None:
        if self.view is None:
            return
        reg, v = self.ctx.register, self.view
        self._write(lambda: cases.assign(reg, v.id, login, v.version), what="assign")

    def ask_status(self, wanted: Status) -> StatusDialog | None:
        """Open the confirmation for a status move (non-modal; returns the dialog)."""
        if self.view is None or wanted not in TRANSITIONS[self.view.status]:
            return None
        dialog = StatusDialog(self.view, wanted, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        v, reg = self.view, self.ctx.register

        def confirmed() -> None:
            reason = dialog.reason.toPlainText()
            self._write(lambda: cases.change_status(reg, v.id, wanted.value, reason, v.version), what="status")

        dialog.accepted.connect(confirmed)
        dialog.open()
        self.status_dialog = dialog
        return dialog


CONFLICT_LABELS = {"name": "Name", "email": "Email", "phone": "Phone", "postcode": "Postcode",
                   "city": "City", "region": "Region", "country": "Country",
                   "account_ref": "Account", "address_lines": "Address"}


def _as_field(fieldname: str, value: str) -> Any:
    return tuple(x for x in value.split("\n") if x) if fieldname == "address_lines" else value


__all__ = ["CaseViewWidget", "CaseTab", "StatusDialog", "OPEN_STATUSES"]
