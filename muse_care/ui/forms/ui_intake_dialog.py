# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'intake_dialog.ui'
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
QCheckBox = QtWidgets.QCheckBox
QComboBox = QtWidgets.QComboBox
QDateEdit = QtWidgets.QDateEdit
QDialogButtonBox = QtWidgets.QDialogButtonBox
QFormLayout = QtWidgets.QFormLayout
QFrame = QtWidgets.QFrame
QHBoxLayout = QtWidgets.QHBoxLayout
QLabel = QtWidgets.QLabel
QLineEdit = QtWidgets.QLineEdit
QListWidget = QtWidgets.QListWidget
QPlainTextEdit = QtWidgets.QPlainTextEdit
QScrollArea = QtWidgets.QScrollArea
QSizePolicy = QtWidgets.QSizePolicy
QSpacerItem = QtWidgets.QSpacerItem
QTimeEdit = QtWidgets.QTimeEdit
QVBoxLayout = QtWidgets.QVBoxLayout
QWidget = QtWidgets.QWidget

class Ui_IntakeDialog(object):
    def setupUi(self, IntakeDialog):
        if not IntakeDialog.objectName():
            IntakeDialog.setObjectName(u"IntakeDialog")
        IntakeDialog.resize(620, 820)
        self.intake_layout = QVBoxLayout(IntakeDialog)
        self.intake_layout.setObjectName(u"intake_layout")
        self.intro_label = QLabel(IntakeDialog)
        self.intro_label.setObjectName(u"intro_label")
        self.intro_label.setWordWrap(True)

        self.intake_layout.addWidget(self.intro_label)

        self.scroll = QScrollArea(IntakeDialog)
        self.scroll.setObjectName(u"scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.fields = QWidget()
        self.fields.setObjectName(u"fields")
        self.fields_form = QFormLayout(self.fields)
        self.fields_form.setObjectName(u"fields_form")
        self.fields_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name_label = QLabel(self.fields)
        self.name_label.setObjectName(u"name_label")

        self.fields_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.name_label)

        self.name_edit = QLineEdit(self.fields)
        self.name_edit.setObjectName(u"name_edit")

        self.fields_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.name_edit)

        self.name_error = QLabel(self.fields)
        self.name_error.setObjectName(u"name_error")
        self.name_error.setVisible(False)
        self.name_error.setWordWrap(True)
        self.name_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.name_error)

        self.country_label = QLabel(self.fields)
        self.country_label.setObjectName(u"country_label")

        self.fields_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.country_label)

        self.country_edit = QLineEdit(self.fields)
        self.country_edit.setObjectName(u"country_edit")

        self.fields_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.country_edit)

        self.country_error = QLabel(self.fields)
        self.country_error.setObjectName(u"country_error")
        self.country_error.setVisible(False)
        self.country_error.setWordWrap(True)
        self.country_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.country_error)

        self.phone_label = QLabel(self.fields)
        self.phone_label.setObjectName(u"phone_label")

        self.fields_form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.phone_label)

        self.phone_edit = QLineEdit(self.fields)
        self.phone_edit.setObjectName(u"phone_edit")

        self.fields_form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.phone_edit)

        self.phone_error = QLabel(self.fields)
        self.phone_error.setObjectName(u"phone_error")
        self.phone_error.setVisible(False)
        self.phone_error.setWordWrap(True)
        self.phone_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.phone_error)

        self.email_label = QLabel(self.fields)
        self.email_label.setObjectName(u"email_label")

        self.fields_form.setWidget(6, QFormLayout.ItemRole.LabelRole, self.email_label)

        self.email_edit = QLineEdit(self.fields)
        self.email_edit.setObjectName(u"email_edit")

        self.fields_form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.email_edit)

        self.email_error = QLabel(self.fields)
        self.email_error.setObjectName(u"email_error")
        self.email_error.setVisible(False)
        self.email_error.setWordWrap(True)
        self.email_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(7, QFormLayout.ItemRole.FieldRole, self.email_error)

        self.duplicate_label = QLabel(self.fields)
        self.duplicate_label.setObjectName(u"duplicate_label")
        self.duplicate_label.setVisible(False)
        self.duplicate_label.setWordWrap(True)
        self.duplicate_label.setTextFormat(Qt.TextFormat.RichText)
        self.duplicate_label.setOpenExternalLinks(False)
        self.duplicate_label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByKeyboard|Qt.TextInteractionFlag.LinksAccessibleByMouse)

        self.fields_form.setWidget(8, QFormLayout.ItemRole.FieldRole, self.duplicate_label)

        self.postcode_label = QLabel(self.fields)
        self.postcode_label.setObjectName(u"postcode_label")

        self.fields_form.setWidget(9, QFormLayout.ItemRole.LabelRole, self.postcode_label)

        self.postcode_edit = QLineEdit(self.fields)
        self.postcode_edit.setObjectName(u"postcode_edit")

        self.fields_form.setWidget(9, QFormLayout.ItemRole.FieldRole, self.postcode_edit)

        self.postcode_error = QLabel(self.fields)
        self.postcode_error.setObjectName(u"postcode_error")
        self.postcode_error.setVisible(False)
        self.postcode_error.setWordWrap(True)
        self.postcode_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(10, QFormLayout.ItemRole.FieldRole, self.postcode_error)

        self.address_label = QLabel(self.fields)
        self.address_label.setObjectName(u"address_label")

        self.fields_form.setWidget(11, QFormLayout.ItemRole.LabelRole, self.address_label)

        self.address_edit = QPlainTextEdit(self.fields)
        self.address_edit.setObjectName(u"address_edit")
        self.address_edit.setTabChangesFocus(True)

        self.fields_form.setWidget(11, QFormLayout.ItemRole.FieldRole, self.address_edit)

        self.address_lines_error = QLabel(self.fields)
        self.address_lines_error.setObjectName(u"address_lines_error")
        self.address_lines_error.setVisible(False)
        self.address_lines_error.setWordWrap(True)
        self.address_lines_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(12, QFormLayout.ItemRole.FieldRole, self.address_lines_error)

        self.city_label = QLabel(self.fields)
        self.city_label.setObjectName(u"city_label")

        self.fields_form.setWidget(13, QFormLayout.ItemRole.LabelRole, self.city_label)

        self.city_edit = QLineEdit(self.fields)
        self.city_edit.setObjectName(u"city_edit")

        self.fields_form.setWidget(13, QFormLayout.ItemRole.FieldRole, self.city_edit)

        self.city_error = QLabel(self.fields)
        self.city_error.setObjectName(u"city_error")
        self.city_error.setVisible(False)
        self.city_error.setWordWrap(True)
        self.city_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(14, QFormLayout.ItemRole.FieldRole, self.city_error)

        self.rights_label = QLabel(self.fields)
        self.rights_label.setObjectName(u"rights_label")

        self.fields_form.setWidget(15, QFormLayout.ItemRole.LabelRole, self.rights_label)

        self.rights_list = QListWidget(self.fields)
        self.rights_list.setObjectName(u"rights_list")

        self.fields_form.setWidget(15, QFormLayout.ItemRole.FieldRole, self.rights_list)

        self.rights_error = QLabel(self.fields)
        self.rights_error.setObjectName(u"rights_error")
        self.rights_error.setVisible(False)
        self.rights_error.setWordWrap(True)
        self.rights_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(16, QFormLayout.ItemRole.FieldRole, self.rights_error)

        self.channel_label = QLabel(self.fields)
        self.channel_label.setObjectName(u"channel_label")

        self.fields_form.setWidget(17, QFormLayout.ItemRole.LabelRole, self.channel_label)

        self.channel_combo = QComboBox(self.fields)
        self.channel_combo.setObjectName(u"channel_combo")

        self.fields_form.setWidget(17, QFormLayout.ItemRole.FieldRole, self.channel_combo)

        self.channel_error = QLabel(self.fields)
        self.channel_error.setObjectName(u"channel_error")
        self.channel_error.setVisible(False)
        self.channel_error.setWordWrap(True)
        self.channel_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(18, QFormLayout.ItemRole.FieldRole, self.channel_error)

        self.received_label = QLabel(self.fields)
        self.received_label.setObjectName(u"received_label")

        self.fields_form.setWidget(19, QFormLayout.ItemRole.LabelRole, self.received_label)

        self.received_row = QHBoxLayout()
        self.received_row.setObjectName(u"received_row")
        self.received_row.setContentsMargins(0, 0, 0, 0)
        self.received_date = QDateEdit(self.fields)
        self.received_date.setObjectName(u"received_date")
        self.received_date.setCalendarPopup(True)

        self.received_row.addWidget(self.received_date)

        self.received_time_label = QLabel(self.fields)
        self.received_time_label.setObjectName(u"received_time_label")

        self.received_row.addWidget(self.received_time_label)

        self.received_time = QTimeEdit(self.fields)
        self.received_time.setObjectName(u"received_time")

        self.received_row.addWidget(self.received_time)

        self.spacer_0 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.received_row.addItem(self.spacer_0)


        self.fields_form.setLayout(19, QFormLayout.ItemRole.FieldRole, self.received_row)

        self.received_error = QLabel(self.fields)
        self.received_error.setObjectName(u"received_error")
        self.received_error.setVisible(False)
        self.received_error.setWordWrap(True)
        self.received_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(20, QFormLayout.ItemRole.FieldRole, self.received_error)

        self.regime_label = QLabel(self.fields)
        self.regime_label.setObjectName(u"regime_label")

        self.fields_form.setWidget(21, QFormLayout.ItemRole.LabelRole, self.regime_label)

        self.regime_combo = QComboBox(self.fields)
        self.regime_combo.setObjectName(u"regime_combo")

        self.fields_form.setWidget(21, QFormLayout.ItemRole.FieldRole, self.regime_combo)

        self.regime_error = QLabel(self.fields)
        self.regime_error.setObjectName(u"regime_error")
        self.regime_error.setVisible(False)
        self.regime_error.setWordWrap(True)
        self.regime_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(22, QFormLayout.ItemRole.FieldRole, self.regime_error)

        self.account_label = QLabel(self.fields)
        self.account_label.setObjectName(u"account_label")

        self.fields_form.setWidget(23, QFormLayout.ItemRole.LabelRole, self.account_label)

        self.account_edit = QLineEdit(self.fields)
        self.account_edit.setObjectName(u"account_edit")

        self.fields_form.setWidget(23, QFormLayout.ItemRole.FieldRole, self.account_edit)

        self.account_ref_error = QLabel(self.fields)
        self.account_ref_error.setObjectName(u"account_ref_error")
        self.account_ref_error.setVisible(False)
        self.account_ref_error.setWordWrap(True)
        self.account_ref_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(24, QFormLayout.ItemRole.FieldRole, self.account_ref_error)

        self.representative_check = QCheckBox(self.fields)
        self.representative_check.setObjectName(u"representative_check")

        self.fields_form.setWidget(25, QFormLayout.ItemRole.FieldRole, self.representative_check)

        self.representative_label = QLabel(self.fields)
        self.representative_label.setObjectName(u"representative_label")

        self.fields_form.setWidget(26, QFormLayout.ItemRole.LabelRole, self.representative_label)

        self.representative_edit = QLineEdit(self.fields)
        self.representative_edit.setObjectName(u"representative_edit")

        self.fields_form.setWidget(26, QFormLayout.ItemRole.FieldRole, self.representative_edit)

        self.representative_name_error = QLabel(self.fields)
        self.representative_name_error.setObjectName(u"representative_name_error")
        self.representative_name_error.setVisible(False)
        self.representative_name_error.setWordWrap(True)
        self.representative_name_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(27, QFormLayout.ItemRole.FieldRole, self.representative_name_error)

        self.authority_label = QLabel(self.fields)
        self.authority_label.setObjectName(u"authority_label")

        self.fields_form.setWidget(28, QFormLayout.ItemRole.LabelRole, self.authority_label)

        self.authority_edit = QLineEdit(self.fields)
        self.authority_edit.setObjectName(u"authority_edit")

        self.fields_form.setWidget(28, QFormLayout.ItemRole.FieldRole, self.authority_edit)

        self.representative_authority_error = QLabel(self.fields)
        self.representative_authority_error.setObjectName(u"representative_authority_error")
        self.representative_authority_error.setVisible(False)
        self.representative_authority_error.setWordWrap(True)
        self.representative_authority_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(29, QFormLayout.ItemRole.FieldRole, self.representative_authority_error)

        self.assignee_label = QLabel(self.fields)
        self.assignee_label.setObjectName(u"assignee_label")

        self.fields_form.setWidget(30, QFormLayout.ItemRole.LabelRole, self.assignee_label)

        self.assignee_edit = QLineEdit(self.fields)
        self.assignee_edit.setObjectName(u"assignee_edit")

        self.fields_form.setWidget(30, QFormLayout.ItemRole.FieldRole, self.assignee_edit)

        self.assignee_error = QLabel(self.fields)
        self.assignee_error.setObjectName(u"assignee_error")
        self.assignee_error.setVisible(False)
        self.assignee_error.setWordWrap(True)
        self.assignee_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(31, QFormLayout.ItemRole.FieldRole, self.assignee_error)

        self.note_label = QLabel(self.fields)
        self.note_label.setObjectName(u"note_label")

        self.fields_form.setWidget(32, QFormLayout.ItemRole.LabelRole, self.note_label)

        self.note_edit = QPlainTextEdit(self.fields)
        self.note_edit.setObjectName(u"note_edit")
        self.note_edit.setTabChangesFocus(True)

        self.fields_form.setWidget(32, QFormLayout.ItemRole.FieldRole, self.note_edit)

        self.note_error = QLabel(self.fields)
        self.note_error.setObjectName(u"note_error")
        self.note_error.setVisible(False)
        self.note_error.setWordWrap(True)
        self.note_error.setTextFormat(Qt.TextFormat.PlainText)

        self.fields_form.setWidget(33, QFormLayout.ItemRole.FieldRole, self.note_error)

        self.scroll.setWidget(self.fields)

        self.intake_layout.addWidget(self.scroll)

        self.general_error = QLabel(IntakeDialog)
        self.general_error.setObjectName(u"general_error")
        self.general_error.setVisible(False)
        self.general_error.setWordWrap(True)
        self.general_error.setTextFormat(Qt.TextFormat.PlainText)

        self.intake_layout.addWidget(self.general_error)

        self.button_box = QDialogButtonBox(IntakeDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.intake_layout.addWidget(self.button_box)

#if QT_CONFIG(shortcut)
        self.name_label.setBuddy(self.name_edit)
        self.country_label.setBuddy(self.country_edit)
        self.phone_label.setBuddy(self.phone_edit)
        self.email_label.setBuddy(self.email_edit)
        self.postcode_label.setBuddy(self.postcode_edit)
        self.address_label.setBuddy(self.address_edit)
        self.city_label.setBuddy(self.city_edit)
        self.rights_label.setBuddy(self.rights_list)
        self.channel_label.setBuddy(self.channel_combo)
        self.received_label.setBuddy(self.received_date)
        self.received_time_label.setBuddy(self.received_time)
        self.regime_label.setBuddy(self.regime_combo)
        self.account_label.setBuddy(self.account_edit)
        self.representative_label.setBuddy(self.representative_edit)
        self.authority_label.setBuddy(self.authority_edit)
        self.assignee_label.setBuddy(self.assignee_edit)
        self.note_label.setBuddy(self.note_edit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.name_edit, self.country_edit)
        QWidget.setTabOrder(self.country_edit, self.phone_edit)
        QWidget.setTabOrder(self.phone_edit, self.email_edit)
        QWidget.setTabOrder(self.email_edit, self.duplicate_label)
        QWidget.setTabOrder(self.duplicate_label, self.postcode_edit)
        QWidget.setTabOrder(self.postcode_edit, self.address_edit)
        QWidget.setTabOrder(self.address_edit, self.city_edit)
        QWidget.setTabOrder(self.city_edit, self.rights_list)
        QWidget.setTabOrder(self.rights_list, self.channel_combo)
        QWidget.setTabOrder(self.channel_combo, self.received_date)
        QWidget.setTabOrder(self.received_date, self.received_time)
        QWidget.setTabOrder(self.received_time, self.regime_combo)
        QWidget.setTabOrder(self.regime_combo, self.account_edit)
        QWidget.setTabOrder(self.account_edit, self.representative_check)
        QWidget.setTabOrder(self.representative_check, self.representative_edit)
        QWidget.setTabOrder(self.representative_edit, self.authority_edit)
        QWidget.setTabOrder(self.authority_edit, self.assignee_edit)
        QWidget.setTabOrder(self.assignee_edit, self.note_edit)
        QWidget.setTabOrder(self.note_edit, self.button_box)

        self.retranslateUi(IntakeDialog)

        QMetaObject.connectSlotsByName(IntakeDialog)
    # setupUi

    def retranslateUi(self, IntakeDialog):
        IntakeDialog.setWindowTitle(QCoreApplication.translate("IntakeDialog", u"New case", None))
        self.intro_label.setText(QCoreApplication.translate("IntakeDialog", u"Take the request down as the caller speaks. Fields marked wrong say why; nothing you typed is lost.", None))
        self.name_label.setText(QCoreApplication.translate("IntakeDialog", u"&Name:", None))
#if QT_CONFIG(accessibility)
        self.name_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Requester's name", None))
#endif // QT_CONFIG(accessibility)
        self.name_edit.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"As the caller spells it", None))
        self.name_error.setText("")
#if QT_CONFIG(accessibility)
        self.name_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"name error", None))
#endif // QT_CONFIG(accessibility)
        self.country_label.setText(QCoreApplication.translate("IntakeDialog", u"C&ountry:", None))
#if QT_CONFIG(accessibility)
        self.country_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Country code", None))
#endif // QT_CONFIG(accessibility)
        self.country_edit.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"Two letters, e.g. GB, IT, PK", None))
        self.country_error.setText("")
#if QT_CONFIG(accessibility)
        self.country_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"country error", None))
#endif // QT_CONFIG(accessibility)
        self.phone_label.setText(QCoreApplication.translate("IntakeDialog", u"&Phone:", None))
#if QT_CONFIG(accessibility)
        self.phone_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Phone number", None))
#endif // QT_CONFIG(accessibility)
        self.phone_edit.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"The number to call back", None))
        self.phone_error.setText("")
#if QT_CONFIG(accessibility)
        self.phone_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"phone error", None))
#endif // QT_CONFIG(accessibility)
        self.email_label.setText(QCoreApplication.translate("IntakeDialog", u"&Email:", None))
#if QT_CONFIG(accessibility)
        self.email_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Email address", None))
#endif // QT_CONFIG(accessibility)
        self.email_error.setText("")
#if QT_CONFIG(accessibility)
        self.email_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"email error", None))
#endif // QT_CONFIG(accessibility)
        self.duplicate_label.setText("")
#if QT_CONFIG(accessibility)
        self.duplicate_label.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Possible duplicate case", None))
#endif // QT_CONFIG(accessibility)
        self.postcode_label.setText(QCoreApplication.translate("IntakeDialog", u"Post&code:", None))
#if QT_CONFIG(accessibility)
        self.postcode_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Postcode", None))
#endif // QT_CONFIG(accessibility)
        self.postcode_error.setText("")
#if QT_CONFIG(accessibility)
        self.postcode_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"postcode error", None))
#endif // QT_CONFIG(accessibility)
        self.address_label.setText(QCoreApplication.translate("IntakeDialog", u"&Address:", None))
#if QT_CONFIG(accessibility)
        self.address_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Address lines", None))
#endif // QT_CONFIG(accessibility)
        self.address_edit.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"One line per line of the address", None))
        self.address_lines_error.setText("")
#if QT_CONFIG(accessibility)
        self.address_lines_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"address lines error", None))
#endif // QT_CONFIG(accessibility)
        self.city_label.setText(QCoreApplication.translate("IntakeDialog", u"Cit&y:", None))
#if QT_CONFIG(accessibility)
        self.city_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"City", None))
#endif // QT_CONFIG(accessibility)
        self.city_error.setText("")
#if QT_CONFIG(accessibility)
        self.city_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"city error", None))
#endif // QT_CONFIG(accessibility)
        self.rights_label.setText(QCoreApplication.translate("IntakeDialog", u"&Rights asked for:", None))
#if QT_CONFIG(accessibility)
        self.rights_list.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Rights asked for", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.rights_list.setAccessibleDescription(QCoreApplication.translate("IntakeDialog", u"Space ticks a right", None))
#endif // QT_CONFIG(accessibility)
        self.rights_error.setText("")
#if QT_CONFIG(accessibility)
        self.rights_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"rights error", None))
#endif // QT_CONFIG(accessibility)
        self.channel_label.setText(QCoreApplication.translate("IntakeDialog", u"C&hannel:", None))
#if QT_CONFIG(accessibility)
        self.channel_combo.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Channel", None))
#endif // QT_CONFIG(accessibility)
        self.channel_error.setText("")
#if QT_CONFIG(accessibility)
        self.channel_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"channel error", None))
#endif // QT_CONFIG(accessibility)
        self.received_label.setText(QCoreApplication.translate("IntakeDialog", u"Recei&ved:", None))
#if QT_CONFIG(accessibility)
        self.received_date.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Date received", None))
#endif // QT_CONFIG(accessibility)
        self.received_date.setDisplayFormat(QCoreApplication.translate("IntakeDialog", u"yyyy-MM-dd", None))
        self.received_time_label.setText(QCoreApplication.translate("IntakeDialog", u"at", None))
#if QT_CONFIG(accessibility)
        self.received_time.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Time received", None))
#endif // QT_CONFIG(accessibility)
        self.received_time.setDisplayFormat(QCoreApplication.translate("IntakeDialog", u"HH:mm", None))
        self.received_error.setText("")
#if QT_CONFIG(accessibility)
        self.received_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"received error", None))
#endif // QT_CONFIG(accessibility)
        self.regime_label.setText(QCoreApplication.translate("IntakeDialog", u"Re&gime:", None))
#if QT_CONFIG(accessibility)
        self.regime_combo.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Regime", None))
#endif // QT_CONFIG(accessibility)
        self.regime_error.setText("")
#if QT_CONFIG(accessibility)
        self.regime_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"regime error", None))
#endif // QT_CONFIG(accessibility)
        self.account_label.setText(QCoreApplication.translate("IntakeDialog", u"Acco&unt:", None))
#if QT_CONFIG(accessibility)
        self.account_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Account reference", None))
#endif // QT_CONFIG(accessibility)
        self.account_edit.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"Customer account, if known", None))
        self.account_ref_error.setText("")
#if QT_CONFIG(accessibility)
        self.account_ref_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"account ref error", None))
#endif // QT_CONFIG(accessibility)
        self.representative_check.setText(QCoreApplication.translate("IntakeDialog", u"Someone is acting for the re&quester", None))
#if QT_CONFIG(accessibility)
        self.representative_check.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Acting for the requester", None))
#endif // QT_CONFIG(accessibility)
        self.representative_label.setText(QCoreApplication.translate("IntakeDialog", u"Represen&tative:", None))
#if QT_CONFIG(accessibility)
        self.representative_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Representative's name", None))
#endif // QT_CONFIG(accessibility)
        self.representative_name_error.setText("")
#if QT_CONFIG(accessibility)
        self.representative_name_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"representative name error", None))
#endif // QT_CONFIG(accessibility)
        self.authority_label.setText(QCoreApplication.translate("IntakeDialog", u"Author&ity shown:", None))
#if QT_CONFIG(accessibility)
        self.authority_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Representative's authority", None))
#endif // QT_CONFIG(accessibility)
        self.authority_edit.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"e.g. signed letter of authority", None))
        self.representative_authority_error.setText("")
#if QT_CONFIG(accessibility)
        self.representative_authority_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"representative authority error", None))
#endif // QT_CONFIG(accessibility)
        self.assignee_label.setText(QCoreApplication.translate("IntakeDialog", u"Assignee:", None))
#if QT_CONFIG(accessibility)
        self.assignee_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Assignee login", None))
#endif // QT_CONFIG(accessibility)
        self.assignee_error.setText("")
#if QT_CONFIG(accessibility)
        self.assignee_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"assignee error", None))
#endif // QT_CONFIG(accessibility)
        self.note_label.setText(QCoreApplication.translate("IntakeDialog", u"Note:", None))
#if QT_CONFIG(accessibility)
        self.note_edit.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"First note", None))
#endif // QT_CONFIG(accessibility)
        self.note_edit.setPlaceholderText(QCoreApplication.translate("IntakeDialog", u"What the caller asked for, in their words", None))
        self.note_error.setText("")
#if QT_CONFIG(accessibility)
        self.note_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"note error", None))
#endif // QT_CONFIG(accessibility)
        self.general_error.setText("")
#if QT_CONFIG(accessibility)
        self.general_error.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"general error", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.button_box.setAccessibleName(QCoreApplication.translate("IntakeDialog", u"Save or cancel", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

