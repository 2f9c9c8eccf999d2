# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'settings_dialog.ui'
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
QDialogButtonBox = QtWidgets.QDialogButtonBox
QLabel = QtWidgets.QLabel
QTabWidget = QtWidgets.QTabWidget
QVBoxLayout = QtWidgets.QVBoxLayout

class Ui_SettingsDialog(object):
    def setupUi(self, SettingsDialog):
        if not SettingsDialog.objectName():
            SettingsDialog.setObjectName(u"SettingsDialog")
        SettingsDialog.resize(640, 560)
        self.settings_layout = QVBoxLayout(SettingsDialog)
        self.settings_layout.setObjectName(u"settings_layout")
        self.settings_tabs = QTabWidget(SettingsDialog)
        self.settings_tabs.setObjectName(u"settings_tabs")

        self.settings_layout.addWidget(self.settings_tabs)

        self.settings_error = QLabel(SettingsDialog)
        self.settings_error.setObjectName(u"settings_error")
        self.settings_error.setVisible(False)
        self.settings_error.setWordWrap(True)
        self.settings_error.setTextFormat(Qt.TextFormat.PlainText)

        self.settings_layout.addWidget(self.settings_error)

        self.button_box = QDialogButtonBox(SettingsDialog)
        self.button_box.setObjectName(u"button_box")
        self.button_box.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.settings_layout.addWidget(self.button_box)


        self.retranslateUi(SettingsDialog)

        QMetaObject.connectSlotsByName(SettingsDialog)
    # setupUi

    def retranslateUi(self, SettingsDialog):
        SettingsDialog.setWindowTitle(QCoreApplication.translate("SettingsDialog", u"Settings", None))
#if QT_CONFIG(accessibility)
        self.settings_tabs.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Settings sections", None))
#endif // QT_CONFIG(accessibility)
        self.settings_error.setText("")
#if QT_CONFIG(accessibility)
        self.settings_error.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"settings error", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.button_box.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Save or cancel settings", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

