# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'case_view.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from muse_care.ui.qt import QtCore
QCoreApplication = QtCore.QCoreApplication
QMetaObject = QtCore.QMetaObject
Qt = QtCore.Qt
from muse_care.ui.qt import QtWidgets
QAbstractItemView = QtWidgets.QAbstractItemView
QComboBox = QtWidgets.QComboBox
QDateEdit = QtWidgets.QDateEdit
QFormLayout = QtWidgets.QFormLayout
QFrame = QtWidgets.QFrame
QHBoxLayout = QtWidgets.QHBoxLayout
QLabel = QtWidgets.QLabel
QLineEdit = QtWidgets.QLineEdit
QListWidget = QtWidgets.QListWidget
QPlainTextEdit = QtWidgets.QPlainTextEdit
QPushButton = QtWidgets.QPushButton
QScrollArea = QtWidgets.QScrollArea
QSizePolicy = QtWidgets.QSizePolicy
QSpacerItem = QtWidgets.QSpacerItem
QTabWidget = QtWidgets.QTabWidget
QToolButton = QtWidgets.QToolButton
QTreeWidget = QtWidgets.QTreeWidget
QVBoxLayout = QtWidgets.QVBoxLayout
QWidget = QtWidgets.QWidget

class Ui_CaseView(object):
    def setupUi(self, CaseView):
        if not CaseView.objectName():
            CaseView.setObjectName(u"CaseView")
        CaseView.resize(900, 560)
        self.case_layout = QVBoxLayout(CaseView)
        self.case_layout.setObjectName(u"case_layout")
        self.case_layout.setContentsMargins(0, 0, 0, 0)
        self.empty_label = QLabel(CaseView)
        self.empty_label.setObjectName(u"empty_label")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)

        self.case_layout.addWidget(self.empty_label)

        self.case_panel = QWidget(CaseView)
        self.case_panel.setObjectName(u"case_panel")
        self.case_panel_layout = QVBoxLayout(self.case_panel)
        self.case_panel_layout.setObjectName(u"case_panel_layout")
        self.case_panel_layout.setContentsMargins(0, 0, 0, 0)
        self.header_layout = QVBoxLayout()
        self.header_layout.setObjectName(u"header_layout")
        self.header_layout.setContentsMargins(0, 0, 0, 0)
        self.header_top = QHBoxLayout()
        self.header_top.setObjectName(u"header_top")
        self.header_top.setContentsMargins(0, 0, 0, 0)
        self.reference_label = QLabel(self.case_panel)
        self.reference_label.setObjectName(u"reference_label")
        self.reference_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.header_top.addWidget(self.reference_label)

        self.status_label = QLabel(self.case_panel)
        self.status_label.setObjectName(u"status_label")

        self.header_top.addWidget(self.status_label)

        self.spacer_1 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.header_top.addItem(self.spacer_1)

        self.due_label = QLabel(self.case_panel)
        self.due_label.setObjectName(u"due_label")

        self.header_top.addWidget(self.due_label)

        self.days_left_label = QLabel(self.case_panel)
        self.days_left_label.setObjectName(u"days_left_label")
        self.days_left_label.setMargin(4)

        self.header_top.addWidget(self.days_left_label)

        self.status_button = QToolButton(self.case_panel)
        self.status_button.setObjectName(u"status_button")
        self.status_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.status_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

        self.header_top.addWidget(self.status_button)


        self.header_layout.addLayout(self.header_top)

        self.explanation_label = QLabel(self.case_panel)
        self.explanation_label.setObjectName(u"explanation_label")
        self.explanation_label.setWordWrap(True)

        self.header_layout.addWidget(self.explanation_label)


        self.case_panel_layout.addLayout(self.header_layout)

        self.tabs = QTabWidget(self.case_panel)
        self.tabs.setObjectName(u"tabs")
        self.requester_page = QWidget()
        self.requester_page.setObjectName(u"requester_page")
        self.requester_layout = QVBoxLayout(self.requester_page)
        self.requester_layout.setObjectName(u"requester_layout")
        self.conflict_frame = QFrame(self.requester_page)
        self.conflict_frame.setObjectName(u"conflict_frame")
        self.conflict_frame.setVisible(False)
        self.conflict_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.conflict_layout = QHBoxLayout(self.conflict_frame)
        self.conflict_layout.setObjectName(u"conflict_layout")
        self.conflict_label = QLabel(self.conflict_frame)
        self.conflict_label.setObjectName(u"conflict_label")
        self.conflict_label.setWordWrap(True)

        self.conflict_layout.addWidget(self.conflict_label)

        self.keep_mine_button = QPushButton(self.conflict_frame)
        self.keep_mine_button.setObjectName(u"keep_mine_button")

        self.conflict_layout.addWidget(self.keep_mine_button)

        self.reload_button = QPushButton(self.conflict_frame)
        self.reload_button.setObjectName(u"reload_button")

        self.conflict_layout.addWidget(self.reload_button)


        self.requester_layout.addWidget(self.conflict_frame)

        self.requester_scroll = QScrollArea(self.requester_page)
        self.requester_scroll.setObjectName(u"requester_scroll")
        self.requester_scroll.setWidgetResizable(True)
        self.requester_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.requester_fields = QWidget()
        self.requester_fields.setObjectName(u"requester_fields")
        self.requester_form = QFormLayout(self.requester_fields)
        self.requester_form.setObjectName(u"requester_form")
        self.requester_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rq_name_label = QLabel(self.requester_fields)
        self.rq_name_label.setObjectName(u"rq_name_label")

        self.requester_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.rq_name_label)

        self.rq_name_edit = QLineEdit(self.requester_fields)
        self.rq_name_edit.setObjectName(u"rq_name_edit")

        self.requester_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.rq_name_edit)

        self.rq_name_error = QLabel(self.requester_fields)
        self.rq_name_error.setObjectName(u"rq_name_error")
        self.rq_name_error.setVisible(False)
        self.rq_name_error.setWordWrap(True)
        self.rq_name_error.setTextFormat(Qt.TextFormat.PlainText)

        self.requester_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.rq_name_error)

        self.rq_email_label = QLabel(self.requester_fields)
        self.rq_email_label.setObjectName(u"rq_email_label")

        self.requester_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.rq_email_label)

        self.rq_email_edit = QLineEdit(self.requester_fields)
        self.rq_email_edit.setObjectName(u"rq_email_edit")

        self.requester_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.rq_email_edit)

        self.rq_email_error = QLabel(self.requester_fields)
        self.rq_email_error.setObjectName(u"rq_email_error")
        self.rq_email_error.setVisible(False)
        self.rq_email_error.setWordWrap(True)
        self.rq_email_error.setTextFormat(Qt.TextFormat.PlainText)

        self.requester_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.rq_email_error)

        self.rq_phone_label = QLabel(self.requester_fields)
        self.rq_phone_label.setObjectName(u"rq_phone_label")

        self.requester_form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.rq_phone_label)

        self.rq_phone_edit = QLineEdit(self.requester_fields)
        self.rq_phone_edit.setObjectName(u"rq_phone_edit")

        self.requester_form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.rq_phone_edit)

        self.rq_phone_error = QLabel(self.requester_fields)
        self.rq_phone_error.setObjectName(u"rq_phone_error")
        self.rq_phone_error.setVisible(False)
        self.rq_phone_error.setWordWrap(True)
        self.rq_phone_error.setTextFormat(Qt.TextFormat.PlainText)

        self.requester_form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.rq_phone_error)

        self.rq_address_label = QLabel(self.requester_fields)
        self.rq_address_label.setObjectName(u"rq_address_label")

        self.requester_form.setWidget(6, QFormLayout.ItemRole.LabelRole, self.rq_address_label)

        self.rq_address_edit = QPlainTextEdit(self.requester_fields)
        self.rq_address_edit.setObjectName(u"rq_address_edit")
        self.rq_address_edit.setTabChangesFocus(True)

        self.requester_form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.rq_address_edit)

        self.rq_address_lines_error = QLabel(self.requester_fields)
        self.rq_address_lines_error.setObjectName(u"rq_address_lines_error")
        self.rq_address_lines_error.setVisible(False)
        self.rq_address_lines_error.setWordWrap(True)
        self.rq_address_lines_error.setTextFormat(Qt.TextFormat.PlainText)

        self.requester_form.setWidget(7, QFormLayout.ItemRole.FieldRole, self.rq_address_lines_error)

        self.rq_postcode_label = QLabel(self.requester_fields)
        self.rq_postcode_label.setObjectName(u"rq_postcode_label")

        self.requester_form.setWidget(8, QFormLayout.ItemRole.LabelRole, self.rq_postcode_label)

        self.rq_postcode_edit = QLineEdit(self.requester_fields)
        self.rq_postcode_edit.setObjectName(u"rq_postcode_edit")

        self.requester_form.setWidget(8, QFormLayout.ItemRole.FieldRole, self.rq_postcode_edit)

        self.rq_postcode_error = QLabel(self.requester_fields)
        self.rq_postcode_error.setObjectName(u"rq_postcode_error")
        self.rq_postcode_error.setVisible(False)
        self.rq_postcode_error.setWordWrap(True)
        self.rq_postcode_error.setTextFormat(Qt.TextFormat.PlainText)

        self.requester_form.setWidget(9, QFormLayout.ItemRole.FieldRole, self.rq_postcode_error)

        self.rq_city_label = QLabel(self.requester_fields)
        self.rq_city_label.setObjectName(u"rq_city_label")

        self.requester_form.setWidget(10, QFormLayout.ItemRole.LabelRole, self.rq_city_label)

        self.rq_city_edit = QLineEdit(self.requester_fields)
        self.rq_city_edit.setObjectName(u"rq_city_edit")

        self.requester_form.setWidget(10, QFormLayout.ItemRole.FieldRole, self.rq_city_edit)

        self.rq_city_error = QLabel(self.requester_fields)
        self.rq_city_error.setObjectName(u"rq_city_error")
        self.rq_city_error.setVisible(False)
        self.rq_city_error.setWordWrap(True)
        self.rq_city_error.setTextFormat(Qt.TextFormat.PlainText)

        self.requester_form.setWidget(11, QFormLayout.ItemRole.FieldRole, self.rq_city_error)

        self.rq_region_label = QLabel(self.requester_fields)
        self.rq_region_label.setObjectName(u"rq_region_label")

        self.requester_form.setWidget(12, QFormLayout.ItemRole.LabelRole, self.rq_region_label)

        self.rq_region_edit = QLineEdit(self.requester_fields)
        self.rq_region_edit.setObjectName(u"rq_region_edit")

        self.requester_form.setWidget(12, QFormLayout.ItemRole.FieldRole, self.rq_region_edit)

        self.rq_region_error = QLabel(self.requester_fields)
        self.rq_region_error.setObjectName(u"rq_region_error")
        self.rq_region_error.setVisible(False)
        self.rq_region_error.setWordWrap(True)
        self.rq_region_error.setTextFormat(Qt.TextFormat.PlainText)

        self.requester_form.setWidget(13, QFormLayout.ItemRole.FieldRole, self.rq_region_error)

        self.rq_country_label = QLabel(self.requester_fields)
        self.rq_country_label.setObjectName(u"rq_country_label")

        self.requester_form.setWidget(14, QFormLayout.ItemRole.LabelRole, self.rq_country_label)

        self.rq_country_edit = QLineEdit(self.requester_fields)
        self.rq_country_edit.setObjectName(u"rq_country_edit")

        self.requester_form.setWidget(14, QFormLayout.ItemRole.FieldRole, self.rq_country_edit)

        self.rq_country_error = QLabel(self.requester_fields)
        self.rq_country_error.setObjectName(u"rq_country_error")
        self.rq_country_error.setVisible(False)
        self.rq_country_error.setWordWrap(True)
        self.rq_country_error.setTextFormat(Qt.TextFormat.PlainText)

        self.requester_form.setWidget(15, QFormLayout.ItemRole.FieldRole, self.rq_country_error)

        self.rq_account_label = QLabel(self.requester_fields)
        self.rq_account_label.setObjectName(u"rq_account_label")

        self.requester_form.setWidget(16, QFormLayout.ItemRole.LabelRole, self.rq_account_label)

        self.rq_account_edit = QLineEdit(self.requester_fields)
        self.rq_account_edit.setObjectName(u"rq_account_edit")

        self.requester_form.setWidget(16, QFormLayout.ItemRole.FieldRole, self.rq_account_edit)

        self.rq_account_ref_error = QLabel(self.requester_fields)
        self.rq_account_ref_error.setObjectName(u"rq_account_ref_error")
        self.rq_account_ref_error.setVisible(False)
        self.rq_account_ref_error.setWordWrap(True)
        self.rq_account_ref_error.setTextFormat(Qt.TextFormat.PlainText)

        self.requester_form.setWidget(17, QFormLayout.ItemRole.FieldRole, self.rq_account_ref_error)

        self.requester_scroll.setWidget(self.requester_fields)

        self.requester_layout.addWidget(self.requester_scroll)

        self.requester_general_error = QLabel(self.requester_page)
        self.requester_general_error.setObjectName(u"requester_general_error")
        self.requester_general_error.setVisible(False)
        self.requester_general_error.setWordWrap(True)
        self.requester_general_error.setTextFormat(Qt.TextFormat.PlainText)

        self.requester_layout.addWidget(self.requester_general_error)

        self.requester_buttons = QHBoxLayout()
        self.requester_buttons.setObjectName(u"requester_buttons")
        self.requester_buttons.setContentsMargins(0, 0, 0, 0)
        self.spacer_2 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.requester_buttons.addItem(self.spacer_2)

        self.unsaved_label = QLabel(self.requester_page)
        self.unsaved_label.setObjectName(u"unsaved_label")
        self.unsaved_label.setVisible(False)

        self.requester_buttons.addWidget(self.unsaved_label)

        self.save_button = QPushButton(self.requester_page)
        self.save_button.setObjectName(u"save_button")

        self.requester_buttons.addWidget(self.save_button)


        self.requester_layout.addLayout(self.requester_buttons)

        self.tabs.addTab(self.requester_page, "")
        self.request_page = QWidget()
        self.request_page.setObjectName(u"request_page")
        self.request_layout = QVBoxLayout(self.request_page)
        self.request_layout.setObjectName(u"request_layout")
        self.request_form = QFormLayout()
        self.request_form.setObjectName(u"request_form")
        self.request_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rights_caption = QLabel(self.request_page)
        self.rights_caption.setObjectName(u"rights_caption")

        self.request_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.rights_caption)

        self.rights_value = QLabel(self.request_page)
        self.rights_value.setObjectName(u"rights_value")
        self.rights_value.setWordWrap(True)

        self.request_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.rights_value)

        self.channel_caption = QLabel(self.request_page)
        self.channel_caption.setObjectName(u"channel_caption")

        self.request_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.channel_caption)

        self.channel_value = QLabel(self.request_page)
        self.channel_value.setObjectName(u"channel_value")

        self.request_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.channel_value)

        self.regime_caption = QLabel(self.request_page)
        self.regime_caption.setObjectName(u"regime_caption")

        self.request_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.regime_caption)

        self.regime_value = QLabel(self.request_page)
        self.regime_value.setObjectName(u"regime_value")

        self.request_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.regime_value)

        self.received_caption = QLabel(self.request_page)
        self.received_caption.setObjectName(u"received_caption")

        self.request_form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.received_caption)

        self.received_value = QLabel(self.request_page)
        self.received_value.setObjectName(u"received_value")

        self.request_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.received_value)

        self.assignee_caption = QLabel(self.request_page)
        self.assignee_caption.setObjectName(u"assignee_caption")

        self.request_form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.assignee_caption)

        self.assign_row = QHBoxLayout()
        self.assign_row.setObjectName(u"assign_row")
        self.assign_row.setContentsMargins(0, 0, 0, 0)
        self.assignee_edit = QLineEdit(self.request_page)
        self.assignee_edit.setObjectName(u"assignee_edit")

        self.assign_row.addWidget(self.assignee_edit)

        self.assign_button = QPushButton(self.request_page)
        self.assign_button.setObjectName(u"assign_button")

        self.assign_row.addWidget(self.assign_button)

        self.assign_me_button = QPushButton(self.request_page)
        self.assign_me_button.setObjectName(u"assign_me_button")

        self.assign_row.addWidget(self.assign_me_button)


        self.request_form.setLayout(4, QFormLayout.ItemRole.FieldRole, self.assign_row)


        self.request_layout.addLayout(self.request_form)

        self.notes_caption = QLabel(self.request_page)
        self.notes_caption.setObjectName(u"notes_caption")

        self.request_layout.addWidget(self.notes_caption)

        self.notes_list = QListWidget(self.request_page)
        self.notes_list.setObjectName(u"notes_list")
        self.notes_list.setWordWrap(True)

        self.request_layout.addWidget(self.notes_list)

        self.new_note_label = QLabel(self.request_page)
        self.new_note_label.setObjectName(u"new_note_label")

        self.request_layout.addWidget(self.new_note_label)

        self.new_note_edit = QPlainTextEdit(self.request_page)
        self.new_note_edit.setObjectName(u"new_note_edit")
        self.new_note_edit.setTabChangesFocus(True)

        self.request_layout.addWidget(self.new_note_edit)

        self.note_buttons = QHBoxLayout()
        self.note_buttons.setObjectName(u"note_buttons")
        self.note_buttons.setContentsMargins(0, 0, 0, 0)
        self.spacer_3 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.note_buttons.addItem(self.spacer_3)

        self.add_note_button = QPushButton(self.request_page)
        self.add_note_button.setObjectName(u"add_note_button")

        self.note_buttons.addWidget(self.add_note_button)


        self.request_layout.addLayout(self.note_buttons)

        self.tabs.addTab(self.request_page, "")
        self.identity_page = QWidget()
        self.identity_page.setObjectName(u"identity_page")
        self.identity_layout = QVBoxLayout(self.identity_page)
        self.identity_layout.setObjectName(u"identity_layout")
        self.identity_summary = QLabel(self.identity_page)
        self.identity_summary.setObjectName(u"identity_summary")
        self.identity_summary.setWordWrap(True)

        self.identity_layout.addWidget(self.identity_summary)

        self.checks_tree = QTreeWidget(self.identity_page)
        self.checks_tree.setObjectName(u"checks_tree")
        self.checks_tree.setRootIsDecorated(False)
        self.checks_tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.identity_layout.addWidget(self.checks_tree)

        self.check_form = QFormLayout()
        self.check_form.setObjectName(u"check_form")
        self.check_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.check_step_label = QLabel(self.identity_page)
        self.check_step_label.setObjectName(u"check_step_label")

        self.check_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.check_step_label)

        self.check_step_combo = QComboBox(self.identity_page)
        self.check_step_combo.setObjectName(u"check_step_combo")

        self.check_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.check_step_combo)

        self.check_result_label = QLabel(self.identity_page)
        self.check_result_label.setObjectName(u"check_result_label")

        self.check_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.check_result_label)

        self.check_result_combo = QComboBox(self.identity_page)
        self.check_result_combo.setObjectName(u"check_result_combo")

        self.check_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.check_result_combo)

        self.check_reason_label = QLabel(self.identity_page)
        self.check_reason_label.setObjectName(u"check_reason_label")

        self.check_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.check_reason_label)

        self.check_reason_edit = QLineEdit(self.identity_page)
        self.check_reason_edit.setObjectName(u"check_reason_edit")

        self.check_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.check_reason_edit)

        self.check_error = QLabel(self.identity_page)
        self.check_error.setObjectName(u"check_error")
        self.check_error.setVisible(False)
        self.check_error.setWordWrap(True)
        self.check_error.setTextFormat(Qt.TextFormat.PlainText)

        self.check_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.check_error)


        self.identity_layout.addLayout(self.check_form)

        self.check_buttons = QHBoxLayout()
        self.check_buttons.setObjectName(u"check_buttons")
        self.check_buttons.setContentsMargins(0, 0, 0, 0)
        self.spacer_4 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.check_buttons.addItem(self.spacer_4)

        self.record_check_button = QPushButton(self.identity_page)
        self.record_check_button.setObjectName(u"record_check_button")

        self.check_buttons.addWidget(self.record_check_button)


        self.identity_layout.addLayout(self.check_buttons)

        self.tabs.addTab(self.identity_page, "")
        self.clock_page = QWidget()
        self.clock_page.setObjectName(u"clock_page")
        self.clock_layout = QVBoxLayout(self.clock_page)
        self.clock_layout.setObjectName(u"clock_layout")
        self.events_tree = QTreeWidget(self.clock_page)
        self.events_tree.setObjectName(u"events_tree")
        self.events_tree.setRootIsDecorated(False)

        self.clock_layout.addWidget(self.events_tree)

        self.event_form = QFormLayout()
        self.event_form.setObjectName(u"event_form")
        self.event_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.event_kind_label = QLabel(self.clock_page)
        self.event_kind_label.setObjectName(u"event_kind_label")

        self.event_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.event_kind_label)

        self.event_kind_combo = QComboBox(self.clock_page)
        self.event_kind_combo.setObjectName(u"event_kind_combo")

        self.event_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.event_kind_combo)

        self.event_date_label = QLabel(self.clock_page)
        self.event_date_label.setObjectName(u"event_date_label")

        self.event_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.event_date_label)

        self.event_date = QDateEdit(self.clock_page)
        self.event_date.setObjectName(u"event_date")
        self.event_date.setCalendarPopup(True)

        self.event_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.event_date)

        self.event_reason_label = QLabel(self.clock_page)
        self.event_reason_label.setObjectName(u"event_reason_label")

        self.event_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.event_reason_label)

        self.event_reason_edit = QLineEdit(self.clock_page)
        self.event_reason_edit.setObjectName(u"event_reason_edit")

        self.event_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.event_reason_edit)

        self.event_error = QLabel(self.clock_page)
        self.event_error.setObjectName(u"event_error")
        self.event_error.setVisible(False)
        self.event_error.setWordWrap(True)
        self.event_error.setTextFormat(Qt.TextFormat.PlainText)

        self.event_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.event_error)


        self.clock_layout.addLayout(self.event_form)

        self.event_buttons = QHBoxLayout()
        self.event_buttons.setObjectName(u"event_buttons")
        self.event_buttons.setContentsMargins(0, 0, 0, 0)
        self.spacer_5 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.event_buttons.addItem(self.spacer_5)

        self.extend_button = QPushButton(self.clock_page)
        self.extend_button.setObjectName(u"extend_button")

        self.event_buttons.addWidget(self.extend_button)

        self.add_event_button = QPushButton(self.clock_page)
        self.add_event_button.setObjectName(u"add_event_button")

        self.event_buttons.addWidget(self.add_event_button)


        self.clock_layout.addLayout(self.event_buttons)

        self.tabs.addTab(self.clock_page, "")
        self.retrieval_page = QWidget()
        self.retrieval_page.setObjectName(u"retrieval_page")
        self.retrieval_page_layout = QVBoxLayout(self.retrieval_page)
        self.retrieval_page_layout.setObjectName(u"retrieval_page_layout")
        self.retrieval_page_placeholder = QLabel(self.retrieval_page)
        self.retrieval_page_placeholder.setObjectName(u"retrieval_page_placeholder")
        self.retrieval_page_placeholder.setWordWrap(True)
        self.retrieval_page_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.retrieval_page_layout.addWidget(self.retrieval_page_placeholder)

        self.tabs.addTab(self.retrieval_page, "")
        self.letters_page = QWidget()
        self.letters_page.setObjectName(u"letters_page")
        self.letters_page_layout = QVBoxLayout(self.letters_page)
        self.letters_page_layout.setObjectName(u"letters_page_layout")
        self.letters_page_placeholder = QLabel(self.letters_page)
        self.letters_page_placeholder.setObjectName(u"letters_page_placeholder")
        self.letters_page_placeholder.setWordWrap(True)
        self.letters_page_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.letters_page_layout.addWidget(self.letters_page_placeholder)

        self.tabs.addTab(self.letters_page, "")
        self.history_page = QWidget()
        self.history_page.setObjectName(u"history_page")
        self.history_layout = QVBoxLayout(self.history_page)
        self.history_layout.setObjectName(u"history_layout")
        self.history_tree = QTreeWidget(self.history_page)
        self.history_tree.setObjectName(u"history_tree")
        self.history_tree.setRootIsDecorated(False)

        self.history_layout.addWidget(self.history_tree)

        self.tabs.addTab(self.history_page, "")

        self.case_panel_layout.addWidget(self.tabs)


        self.case_layout.addWidget(self.case_panel)

#if QT_CONFIG(shortcut)
        self.rq_name_label.setBuddy(self.rq_name_edit)
        self.rq_email_label.setBuddy(self.rq_email_edit)
        self.rq_phone_label.setBuddy(self.rq_phone_edit)
        self.rq_address_label.setBuddy(self.rq_address_edit)
        self.rq_postcode_label.setBuddy(self.rq_postcode_edit)
        self.rq_city_label.setBuddy(self.rq_city_edit)
        self.rq_region_label.setBuddy(self.rq_region_edit)
        self.rq_country_label.setBuddy(self.rq_country_edit)
        self.rq_account_label.setBuddy(self.rq_account_edit)
        self.assignee_caption.setBuddy(self.assignee_edit)
        self.notes_caption.setBuddy(self.notes_list)
        self.new_note_label.setBuddy(self.new_note_edit)
        self.check_step_label.setBuddy(self.check_step_combo)
        self.check_result_label.setBuddy(self.check_result_combo)
        self.check_reason_label.setBuddy(self.check_reason_edit)
        self.event_kind_label.setBuddy(self.event_kind_combo)
        self.event_date_label.setBuddy(self.event_date)
        self.event_reason_label.setBuddy(self.event_reason_edit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.tabs, self.rq_name_edit)
        QWidget.setTabOrder(self.rq_name_edit, self.rq_email_edit)
        QWidget.setTabOrder(self.rq_email_edit, self.rq_phone_edit)
        QWidget.setTabOrder(self.rq_phone_edit, self.rq_address_edit)
        QWidget.setTabOrder(self.rq_address_edit, self.rq_postcode_edit)
        QWidget.setTabOrder(self.rq_postcode_edit, self.rq_city_edit)
        QWidget.setTabOrder(self.rq_city_edit, self.rq_region_edit)
        QWidget.setTabOrder(self.rq_region_edit, self.rq_country_edit)
        QWidget.setTabOrder(self.rq_country_edit, self.rq_account_edit)
        QWidget.setTabOrder(self.rq_account_edit, self.save_button)
        QWidget.setTabOrder(self.save_button, self.keep_mine_button)
        QWidget.setTabOrder(self.keep_mine_button, self.reload_button)

        self.retranslateUi(CaseView)

        QMetaObject.connectSlotsByName(CaseView)
    # setupUi

    def retranslateUi(self, CaseView):
        self.empty_label.setText(QCoreApplication.translate("CaseView", u"Choose a case in the queue, or press Ctrl+N to take in a new one.", None))
        self.reference_label.setText(QCoreApplication.translate("CaseView", u"MC-\u2026", None))
#if QT_CONFIG(accessibility)
        self.reference_label.setAccessibleName(QCoreApplication.translate("CaseView", u"Case reference", None))
#endif // QT_CONFIG(accessibility)
        self.status_label.setText("")
#if QT_CONFIG(accessibility)
        self.status_label.setAccessibleName(QCoreApplication.translate("CaseView", u"Status", None))
#endif // QT_CONFIG(accessibility)
        self.due_label.setText("")
#if QT_CONFIG(accessibility)
        self.due_label.setAccessibleName(QCoreApplication.translate("CaseView", u"Due date", None))
#endif // QT_CONFIG(accessibility)
        self.days_left_label.setText("")
#if QT_CONFIG(accessibility)
        self.days_left_label.setAccessibleName(QCoreApplication.translate("CaseView", u"Days left", None))
#endif // QT_CONFIG(accessibility)
        self.status_button.setText(QCoreApplication.translate("CaseView", u"Change stat&us", None))
#if QT_CONFIG(accessibility)
        self.status_button.setAccessibleName(QCoreApplication.translate("CaseView", u"Change status", None))
#endif // QT_CONFIG(accessibility)
        self.explanation_label.setText("")
#if QT_CONFIG(accessibility)
        self.explanation_label.setAccessibleName(QCoreApplication.translate("CaseView", u"How the due date was worked out", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.tabs.setAccessibleName(QCoreApplication.translate("CaseView", u"Case details", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.requester_page.setAccessibleName(QCoreApplication.translate("CaseView", u"Requester", None))
#endif // QT_CONFIG(accessibility)
        self.conflict_label.setText("")
#if QT_CONFIG(accessibility)
        self.conflict_label.setAccessibleName(QCoreApplication.translate("CaseView", u"Conflict", None))
#endif // QT_CONFIG(accessibility)
        self.keep_mine_button.setText(QCoreApplication.translate("CaseView", u"Keep my te&xt", None))
#if QT_CONFIG(accessibility)
        self.keep_mine_button.setAccessibleName(QCoreApplication.translate("CaseView", u"Keep my text and save over their change", None))
#endif // QT_CONFIG(accessibility)
        self.reload_button.setText(QCoreApplication.translate("CaseView", u"Show their version", None))
#if QT_CONFIG(accessibility)
        self.reload_button.setAccessibleName(QCoreApplication.translate("CaseView", u"Discard my text and show their version", None))
#endif // QT_CONFIG(accessibility)
        self.rq_name_label.setText(QCoreApplication.translate("CaseView", u"&Name:", None))
#if QT_CONFIG(accessibility)
        self.rq_name_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"Requester's name", None))
#endif // QT_CONFIG(accessibility)
        self.rq_name_error.setText("")
#if QT_CONFIG(accessibility)
        self.rq_name_error.setAccessibleName(QCoreApplication.translate("CaseView", u"rq name error", None))
#endif // QT_CONFIG(accessibility)
        self.rq_email_label.setText(QCoreApplication.translate("CaseView", u"E&mail:", None))
#if QT_CONFIG(accessibility)
        self.rq_email_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"Email address", None))
#endif // QT_CONFIG(accessibility)
        self.rq_email_error.setText("")
#if QT_CONFIG(accessibility)
        self.rq_email_error.setAccessibleName(QCoreApplication.translate("CaseView", u"rq email error", None))
#endif // QT_CONFIG(accessibility)
        self.rq_phone_label.setText(QCoreApplication.translate("CaseView", u"Ph&one:", None))
#if QT_CONFIG(accessibility)
        self.rq_phone_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"Phone number", None))
#endif // QT_CONFIG(accessibility)
        self.rq_phone_error.setText("")
#if QT_CONFIG(accessibility)
        self.rq_phone_error.setAccessibleName(QCoreApplication.translate("CaseView", u"rq phone error", None))
#endif // QT_CONFIG(accessibility)
        self.rq_address_label.setText(QCoreApplication.translate("CaseView", u"&Address:", None))
#if QT_CONFIG(accessibility)
        self.rq_address_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"Address lines", None))
#endif // QT_CONFIG(accessibility)
        self.rq_address_lines_error.setText("")
#if QT_CONFIG(accessibility)
        self.rq_address_lines_error.setAccessibleName(QCoreApplication.translate("CaseView", u"rq address lines error", None))
#endif // QT_CONFIG(accessibility)
        self.rq_postcode_label.setText(QCoreApplication.translate("CaseView", u"Postco&de:", None))
#if QT_CONFIG(accessibility)
        self.rq_postcode_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"Postcode", None))
#endif // QT_CONFIG(accessibility)
        self.rq_postcode_error.setText("")
#if QT_CONFIG(accessibility)
        self.rq_postcode_error.setAccessibleName(QCoreApplication.translate("CaseView", u"rq postcode error", None))
#endif // QT_CONFIG(accessibility)
        self.rq_city_label.setText(QCoreApplication.translate("CaseView", u"City:", None))
#if QT_CONFIG(accessibility)
        self.rq_city_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"City", None))
#endif // QT_CONFIG(accessibility)
        self.rq_city_error.setText("")
#if QT_CONFIG(accessibility)
        self.rq_city_error.setAccessibleName(QCoreApplication.translate("CaseView", u"rq city error", None))
#endif // QT_CONFIG(accessibility)
        self.rq_region_label.setText(QCoreApplication.translate("CaseView", u"Re&gion:", None))
#if QT_CONFIG(accessibility)
        self.rq_region_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"Region", None))
#endif // QT_CONFIG(accessibility)
        self.rq_region_error.setText("")
#if QT_CONFIG(accessibility)
        self.rq_region_error.setAccessibleName(QCoreApplication.translate("CaseView", u"rq region error", None))
#endif // QT_CONFIG(accessibility)
        self.rq_country_label.setText(QCoreApplication.translate("CaseView", u"Country:", None))
#if QT_CONFIG(accessibility)
        self.rq_country_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"Country code", None))
#endif // QT_CONFIG(accessibility)
        self.rq_country_error.setText("")
#if QT_CONFIG(accessibility)
        self.rq_country_error.setAccessibleName(QCoreApplication.translate("CaseView", u"rq country error", None))
#endif // QT_CONFIG(accessibility)
        self.rq_account_label.setText(QCoreApplication.translate("CaseView", u"Account:", None))
#if QT_CONFIG(accessibility)
        self.rq_account_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"Account reference", None))
#endif // QT_CONFIG(accessibility)
        self.rq_account_ref_error.setText("")
#if QT_CONFIG(accessibility)
        self.rq_account_ref_error.setAccessibleName(QCoreApplication.translate("CaseView", u"rq account ref error", None))
#endif // QT_CONFIG(accessibility)
        self.requester_general_error.setText("")
#if QT_CONFIG(accessibility)
        self.requester_general_error.setAccessibleName(QCoreApplication.translate("CaseView", u"requester general error", None))
#endif // QT_CONFIG(accessibility)
        self.unsaved_label.setText(QCoreApplication.translate("CaseView", u"Unsaved changes", None))
        self.save_button.setText(QCoreApplication.translate("CaseView", u"&Save (Ctrl+S)", None))
#if QT_CONFIG(accessibility)
        self.save_button.setAccessibleName(QCoreApplication.translate("CaseView", u"Save requester details", None))
#endif // QT_CONFIG(accessibility)
        self.tabs.setTabText(self.tabs.indexOf(self.requester_page), QCoreApplication.translate("CaseView", u"Re&quester", None))
        self.rights_caption.setText(QCoreApplication.translate("CaseView", u"Rights:", None))
        self.rights_value.setText("")
#if QT_CONFIG(accessibility)
        self.rights_value.setAccessibleName(QCoreApplication.translate("CaseView", u"Rights asked for", None))
#endif // QT_CONFIG(accessibility)
        self.channel_caption.setText(QCoreApplication.translate("CaseView", u"Channel:", None))
        self.channel_value.setText("")
#if QT_CONFIG(accessibility)
        self.channel_value.setAccessibleName(QCoreApplication.translate("CaseView", u"Channel", None))
#endif // QT_CONFIG(accessibility)
        self.regime_caption.setText(QCoreApplication.translate("CaseView", u"Regime:", None))
        self.regime_value.setText("")
#if QT_CONFIG(accessibility)
        self.regime_value.setAccessibleName(QCoreApplication.translate("CaseView", u"Regime and holiday region", None))
#endif // QT_CONFIG(accessibility)
        self.received_caption.setText(QCoreApplication.translate("CaseView", u"Received:", None))
        self.received_value.setText("")
#if QT_CONFIG(accessibility)
        self.received_value.setAccessibleName(QCoreApplication.translate("CaseView", u"Received", None))
#endif // QT_CONFIG(accessibility)
        self.assignee_caption.setText(QCoreApplication.translate("CaseView", u"Assi&gnee:", None))
#if QT_CONFIG(accessibility)
        self.assignee_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"Assignee login", None))
#endif // QT_CONFIG(accessibility)
        self.assign_button.setText(QCoreApplication.translate("CaseView", u"&Assign", None))
#if QT_CONFIG(accessibility)
        self.assign_button.setAccessibleName(QCoreApplication.translate("CaseView", u"Assign the case", None))
#endif // QT_CONFIG(accessibility)
        self.assign_me_button.setText(QCoreApplication.translate("CaseView", u"Assign to &me", None))
#if QT_CONFIG(accessibility)
        self.assign_me_button.setAccessibleName(QCoreApplication.translate("CaseView", u"Assign the case to me", None))
#endif // QT_CONFIG(accessibility)
        self.notes_caption.setText(QCoreApplication.translate("CaseView", u"Notes:", None))
#if QT_CONFIG(accessibility)
        self.notes_list.setAccessibleName(QCoreApplication.translate("CaseView", u"Notes", None))
#endif // QT_CONFIG(accessibility)
        self.new_note_label.setText(QCoreApplication.translate("CaseView", u"New &note:", None))
#if QT_CONFIG(accessibility)
        self.new_note_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"New note", None))
#endif // QT_CONFIG(accessibility)
        self.add_note_button.setText(QCoreApplication.translate("CaseView", u"A&dd note", None))
#if QT_CONFIG(accessibility)
        self.add_note_button.setAccessibleName(QCoreApplication.translate("CaseView", u"Add note", None))
#endif // QT_CONFIG(accessibility)
        self.tabs.setTabText(self.tabs.indexOf(self.request_page), QCoreApplication.translate("CaseView", u"R&equest", None))
        self.identity_summary.setText("")
#if QT_CONFIG(accessibility)
        self.identity_summary.setAccessibleName(QCoreApplication.translate("CaseView", u"Identity summary", None))
#endif // QT_CONFIG(accessibility)
        ___qtreewidgetitem = self.checks_tree.headerItem()
        ___qtreewidgetitem.setText(3, QCoreApplication.translate("CaseView", u"By", None))
        ___qtreewidgetitem.setText(2, QCoreApplication.translate("CaseView", u"Reason", None))
        ___qtreewidgetitem.setText(1, QCoreApplication.translate("CaseView", u"Result", None))
        ___qtreewidgetitem.setText(0, QCoreApplication.translate("CaseView", u"Check", None))
#if QT_CONFIG(accessibility)
        self.checks_tree.setAccessibleName(QCoreApplication.translate("CaseView", u"Identity checks", None))
#endif // QT_CONFIG(accessibility)
        self.check_step_label.setText(QCoreApplication.translate("CaseView", u"Check:", None))
#if QT_CONFIG(accessibility)
        self.check_step_combo.setAccessibleName(QCoreApplication.translate("CaseView", u"Identity check", None))
#endif // QT_CONFIG(accessibility)
        self.check_result_label.setText(QCoreApplication.translate("CaseView", u"Result:", None))
#if QT_CONFIG(accessibility)
        self.check_result_combo.setAccessibleName(QCoreApplication.translate("CaseView", u"Result", None))
#endif // QT_CONFIG(accessibility)
        self.check_reason_label.setText(QCoreApplication.translate("CaseView", u"Re&ason:", None))
#if QT_CONFIG(accessibility)
        self.check_reason_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"Reason for the result", None))
#endif // QT_CONFIG(accessibility)
        self.check_reason_edit.setPlaceholderText(QCoreApplication.translate("CaseView", u"Needed for waived; say what you saw for failed", None))
        self.check_error.setText("")
#if QT_CONFIG(accessibility)
        self.check_error.setAccessibleName(QCoreApplication.translate("CaseView", u"check error", None))
#endif // QT_CONFIG(accessibility)
        self.record_check_button.setText(QCoreApplication.translate("CaseView", u"Recor&d result", None))
#if QT_CONFIG(accessibility)
        self.record_check_button.setAccessibleName(QCoreApplication.translate("CaseView", u"Record identity check result", None))
#endif // QT_CONFIG(accessibility)
        self.tabs.setTabText(self.tabs.indexOf(self.identity_page), QCoreApplication.translate("CaseView", u"&Identity checks", None))
        ___qtreewidgetitem1 = self.events_tree.headerItem()
        ___qtreewidgetitem1.setText(3, QCoreApplication.translate("CaseView", u"Recorded by", None))
        ___qtreewidgetitem1.setText(2, QCoreApplication.translate("CaseView", u"Reason", None))
        ___qtreewidgetitem1.setText(1, QCoreApplication.translate("CaseView", u"Event", None))
        ___qtreewidgetitem1.setText(0, QCoreApplication.translate("CaseView", u"Date", None))
#if QT_CONFIG(accessibility)
        self.events_tree.setAccessibleName(QCoreApplication.translate("CaseView", u"Clock events", None))
#endif // QT_CONFIG(accessibility)
        self.event_kind_label.setText(QCoreApplication.translate("CaseView", u"Eve&nt:", None))
#if QT_CONFIG(accessibility)
        self.event_kind_combo.setAccessibleName(QCoreApplication.translate("CaseView", u"Clock event", None))
#endif // QT_CONFIG(accessibility)
        self.event_date_label.setText(QCoreApplication.translate("CaseView", u"&On:", None))
#if QT_CONFIG(accessibility)
        self.event_date.setAccessibleName(QCoreApplication.translate("CaseView", u"Event date", None))
#endif // QT_CONFIG(accessibility)
        self.event_date.setDisplayFormat(QCoreApplication.translate("CaseView", u"yyyy-MM-dd", None))
        self.event_reason_label.setText(QCoreApplication.translate("CaseView", u"Re&ason:", None))
#if QT_CONFIG(accessibility)
        self.event_reason_edit.setAccessibleName(QCoreApplication.translate("CaseView", u"Event reason", None))
#endif // QT_CONFIG(accessibility)
        self.event_error.setText("")
#if QT_CONFIG(accessibility)
        self.event_error.setAccessibleName(QCoreApplication.translate("CaseView", u"event error", None))
#endif // QT_CONFIG(accessibility)
        self.extend_button.setText(QCoreApplication.translate("CaseView", u"E&xtend by the regime's extension\u2026", None))
#if QT_CONFIG(accessibility)
        self.extend_button.setAccessibleName(QCoreApplication.translate("CaseView", u"Extend the deadline", None))
#endif // QT_CONFIG(accessibility)
        self.add_event_button.setText(QCoreApplication.translate("CaseView", u"A&dd event", None))
#if QT_CONFIG(accessibility)
        self.add_event_button.setAccessibleName(QCoreApplication.translate("CaseView", u"Add clock event", None))
#endif // QT_CONFIG(accessibility)
        self.tabs.setTabText(self.tabs.indexOf(self.clock_page), QCoreApplication.translate("CaseView", u"Cloc&k", None))
        self.retrieval_page_placeholder.setText(QCoreApplication.translate("CaseView", u"The retrieval log is not available in this version.", None))
        self.tabs.setTabText(self.tabs.indexOf(self.retrieval_page), QCoreApplication.translate("CaseView", u"Retrie&val log", None))
        self.letters_page_placeholder.setText(QCoreApplication.translate("CaseView", u"Letters are not available in this version.", None))
        self.tabs.setTabText(self.tabs.indexOf(self.letters_page), QCoreApplication.translate("CaseView", u"Letters", None))
        ___qtreewidgetitem2 = self.history_tree.headerItem()
        ___qtreewidgetitem2.setText(3, QCoreApplication.translate("CaseView", u"Change", None))
        ___qtreewidgetitem2.setText(2, QCoreApplication.translate("CaseView", u"What", None))
        ___qtreewidgetitem2.setText(1, QCoreApplication.translate("CaseView", u"Who", None))
        ___qtreewidgetitem2.setText(0, QCoreApplication.translate("CaseView", u"When", None))
#if QT_CONFIG(accessibility)
        self.history_tree.setAccessibleName(QCoreApplication.translate("CaseView", u"Case history", None))
#endif // QT_CONFIG(accessibility)
        self.tabs.setTabText(self.tabs.indexOf(self.history_page), QCoreApplication.translate("CaseView", u"Histor&y", None))
        pass
    # retranslateUi

