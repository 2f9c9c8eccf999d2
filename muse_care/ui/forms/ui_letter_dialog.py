# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'letter_dialog.ui'
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
QComboBox = QtWidgets.QComboBox
QDialogButtonBox = QtWidgets.QDialogButtonBox
QFormLayout = QtWidgets.QFormLayout
QFrame = QtWidgets.QFrame
QLabel = QtWidgets.QLabel
QPlainTextEdit = QtWidgets.QPlainTextEdit
QScrollArea = QtWidgets.QScrollArea
QVBoxLayout = QtWidgets.QVBoxLayout
QWidget = QtWidgets.QWidget

class Ui_LetterDialog(object):
    def setupUi(self, LetterDialog):
        if not LetterDialog.objectName():
            LetterDialog.setObjectName(u"LetterDialog")
        LetterDialog.resize(620, 640)
        self.dialog_layout = QVBoxLayout(LetterDialog)
        self.dialog_layout.setObjectName(u"dialog_layout")
        self.header_label = QLabel(LetterDialog)
        self.header_label.setObjectName(u"header_label")
        self.header_label.setWordWrap(True)
        self.header_label.setTextFormat(Qt.TextFormat.PlainText)

        self.dialog_layout.addWidget(self.header_label)

        self.choice_form = QFormLayout()
        self.choice_form.setObjectName(u"choice_form")
        self.kind_label = QLabel(LetterDialog)
        self.kind_label.setObjectName(u"kind_label")

        self.choice_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.kind_label)

        self.kind_combo = QComboBox(LetterDialog)
        self.kind_combo.setObjectName(u"kind_combo")
        self.kind_combo.setMaxVisibleItems(14)

        self.choice_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.kind_combo)

        self.layout_label = QLabel(LetterDialog)
        self.layout_label.setObjectName(u"layout_label")

        self.choice_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.layout_label)

        self.layout_combo = QComboBox(LetterDialog)
        self.layout_combo.setObjectName(u"layout_combo")

        self.choice_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.layout_combo)


        self.dialog_layout.addLayout(self.choice_form)

        self.fields_scroll = QScrollArea(LetterDialog)
        self.fields_scroll.setObjectName(u"fields_scroll")
        self.fields_scroll.setWidgetResizable(True)
        self.fields_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.fields_host = QWidget()
        self.fields_host.setObjectName(u"fields_host")
        self.fields_form = QFormLayout(self.fields_host)
        self.fields_form.setObjectName(u"fields_form")
        self.fields_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.fields_form.setContentsMargins(0, -1, 4, -1)
        self.fields_scroll.setWidget(self.fields_host)

        self.dialog_layout.addWidget(self.fields_scroll)

        self.enclosures_label = QLabel(LetterDialog)
        self.enclosures_label.setObjectName(u"enclosures_label")

        self.dialog_layout.addWidget(self.enclosures_label)

        self.enclosures_edit = QPlainTextEdit(LetterDialog)
        self.enclosures_edit.setObjectName(u"enclosures_edit")
        self.enclosures_edit.setTabChangesFocus(True)

        self.dialog_layout.addWidget(self.enclosures_edit)

        self.enclosures_error = QLabel(LetterDialog)
        self.enclosures_error.setObjectName(u"enclosures_error")
        self.enclosures_error.setWordWrap(True)

        self.dialog_layout.addWidget(self.enclosures_error)

        self.required_note = QLabel(LetterDialog)
        self.required_note.setObjectName(u"required_note")
        self.required_note.setWordWrap(True)

        self.dialog_layout.addWidget(self.required_note)

        self.general_error = QLabel(LetterDialog)
        self.general_error.setObjectName(u"general_error")
        self.general_error.setWordWrap(True)
        self.general_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.dialog_layout.addWidget(self.general_error)

        self.button_box = QDialogButtonBox(LetterDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.dialog_layout.addWidget(self.button_box)

#if QT_CONFIG(shortcut)
        self.kind_label.setBuddy(self.kind_combo)
        self.layout_label.setBuddy(self.layout_combo)
        self.enclosures_label.setBuddy(self.enclosures_edit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.kind_combo, self.layout_combo)
        QWidget.setTabOrder(self.layout_combo, self.fields_scroll)
        QWidget.setTabOrder(self.fields_scroll, self.enclosures_edit)

        self.retranslateUi(LetterDialog)

        QMetaObject.connectSlotsByName(LetterDialog)
    # setupUi

    def retranslateUi(self, LetterDialog):
        LetterDialog.setWindowTitle(QCoreApplication.translate("LetterDialog", u"New letter", None))
        self.header_label.setText("")
        self.kind_label.setText(QCoreApplication.translate("LetterDialog", u"&Kind of letter", None))
#if QT_CONFIG(accessibility)
        self.kind_combo.setAccessibleName(QCoreApplication.translate("LetterDialog", u"Kind of letter", None))
#endif // QT_CONFIG(accessibility)
        self.layout_label.setText(QCoreApplication.translate("LetterDialog", u"&Layout", None))
#if QT_CONFIG(accessibility)
        self.layout_combo.setAccessibleName(QCoreApplication.translate("LetterDialog", u"Paper and envelope layout", None))
#endif // QT_CONFIG(accessibility)
        self.enclosures_label.setText(QCoreApplication.translate("LetterDialog", u"&Enclosures (one per line)", None))
#if QT_CONFIG(accessibility)
        self.enclosures_edit.setAccessibleName(QCoreApplication.translate("LetterDialog", u"Enclosures", None))
#endif // QT_CONFIG(accessibility)
        self.enclosures_edit.setPlaceholderText(QCoreApplication.translate("LetterDialog", u"e.g. Copy of your account data (12 pages)", None))
        self.enclosures_error.setText("")
        self.required_note.setText(QCoreApplication.translate("LetterDialog", u"Fields marked * are required. Dates and rights are filled in from the case; check them before producing.", None))
        self.general_error.setText("")
#if QT_CONFIG(accessibility)
        self.button_box.setAccessibleName(QCoreApplication.translate("LetterDialog", u"Produce the letter or cancel", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

