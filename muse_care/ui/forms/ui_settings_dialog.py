# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'settings_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPlainTextEdit, QPushButton, QSizePolicy,
    QTabWidget, QVBoxLayout, QWidget)

class Ui_SettingsDialog(object):
    def setupUi(self, SettingsDialog):
        if not SettingsDialog.objectName():
            SettingsDialog.setObjectName(u"SettingsDialog")
        SettingsDialog.resize(560, 520)
        self.settings_layout = QVBoxLayout(SettingsDialog)
        self.settings_layout.setObjectName(u"settings_layout")
        self.settings_tabs = QTabWidget(SettingsDialog)
        self.settings_tabs.setObjectName(u"settings_tabs")
        self.organisation_page = QWidget()
        self.organisation_page.setObjectName(u"organisation_page")
        self.organisation_form = QFormLayout(self.organisation_page)
        self.organisation_form.setObjectName(u"organisation_form")
        self.organisation_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.org_name_label = QLabel(self.organisation_page)
        self.org_name_label.setObjectName(u"org_name_label")

        self.organisation_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.org_name_label)

        self.org_name_edit = QLineEdit(self.organisation_page)
        self.org_name_edit.setObjectName(u"org_name_edit")

        self.organisation_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.org_name_edit)

        self.org_team_label = QLabel(self.organisation_page)
        self.org_team_label.setObjectName(u"org_team_label")

        self.organisation_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.org_team_label)

        self.org_team_edit = QLineEdit(self.organisation_page)
        self.org_team_edit.setObjectName(u"org_team_edit")

        self.organisation_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.org_team_edit)

        self.org_address_label = QLabel(self.organisation_page)
        self.org_address_label.setObjectName(u"org_address_label")

        self.organisation_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.org_address_label)

        self.org_address_edit = QPlainTextEdit(self.organisation_page)
        self.org_address_edit.setObjectName(u"org_address_edit")
        self.org_address_edit.setTabChangesFocus(True)

        self.organisation_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.org_address_edit)

        self.org_city_label = QLabel(self.organisation_page)
        self.org_city_label.setObjectName(u"org_city_label")

        self.organisation_form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.org_city_label)

        self.org_city_edit = QLineEdit(self.organisation_page)
        self.org_city_edit.setObjectName(u"org_city_edit")

        self.organisation_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.org_city_edit)

        self.org_postcode_label = QLabel(self.organisation_page)
        self.org_postcode_label.setObjectName(u"org_postcode_label")

        self.organisation_form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.org_postcode_label)

        self.org_postcode_edit = QLineEdit(self.organisation_page)
        self.org_postcode_edit.setObjectName(u"org_postcode_edit")

        self.organisation_form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.org_postcode_edit)

        self.org_region_label = QLabel(self.organisation_page)
        self.org_region_label.setObjectName(u"org_region_label")

        self.organisation_form.setWidget(5, QFormLayout.ItemRole.LabelRole, self.org_region_label)

        self.org_region_edit = QLineEdit(self.organisation_page)
        self.org_region_edit.setObjectName(u"org_region_edit")

        self.organisation_form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.org_region_edit)

        self.org_country_label = QLabel(self.organisation_page)
        self.org_country_label.setObjectName(u"org_country_label")

        self.organisation_form.setWidget(6, QFormLayout.ItemRole.LabelRole, self.org_country_label)

        self.org_country_edit = QLineEdit(self.organisation_page)
        self.org_country_edit.setObjectName(u"org_country_edit")

        self.organisation_form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.org_country_edit)

        self.org_email_label = QLabel(self.organisation_page)
        self.org_email_label.setObjectName(u"org_email_label")

        self.organisation_form.setWidget(7, QFormLayout.ItemRole.LabelRole, self.org_email_label)

        self.org_email_edit = QLineEdit(self.organisation_page)
        self.org_email_edit.setObjectName(u"org_email_edit")

        self.organisation_form.setWidget(7, QFormLayout.ItemRole.FieldRole, self.org_email_edit)

        self.org_phone_label = QLabel(self.organisation_page)
        self.org_phone_label.setObjectName(u"org_phone_label")

        self.organisation_form.setWidget(8, QFormLayout.ItemRole.LabelRole, self.org_phone_label)

        self.org_phone_edit = QLineEdit(self.organisation_page)
        self.org_phone_edit.setObjectName(u"org_phone_edit")

        self.organisation_form.setWidget(8, QFormLayout.ItemRole.FieldRole, self.org_phone_edit)

        self.org_website_label = QLabel(self.organisation_page)
        self.org_website_label.setObjectName(u"org_website_label")

        self.organisation_form.setWidget(9, QFormLayout.ItemRole.LabelRole, self.org_website_label)

        self.org_website_edit = QLineEdit(self.organisation_page)
        self.org_website_edit.setObjectName(u"org_website_edit")

        self.organisation_form.setWidget(9, QFormLayout.ItemRole.FieldRole, self.org_website_edit)

        self.org_timezone_label = QLabel(self.organisation_page)
        self.org_timezone_label.setObjectName(u"org_timezone_label")

        self.organisation_form.setWidget(10, QFormLayout.ItemRole.LabelRole, self.org_timezone_label)

        self.org_timezone_edit = QLineEdit(self.organisation_page)
        self.org_timezone_edit.setObjectName(u"org_timezone_edit")

        self.organisation_form.setWidget(10, QFormLayout.ItemRole.FieldRole, self.org_timezone_edit)

        self.settings_tabs.addTab(self.organisation_page, "")
        self.rules_page = QWidget()
        self.rules_page.setObjectName(u"rules_page")
        self.rules_form = QFormLayout(self.rules_page)
        self.rules_form.setObjectName(u"rules_form")
        self.rules_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.default_regime_label = QLabel(self.rules_page)
        self.default_regime_label.setObjectName(u"default_regime_label")

        self.rules_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.default_regime_label)

        self.default_regime_combo = QComboBox(self.rules_page)
        self.default_regime_combo.setObjectName(u"default_regime_combo")

        self.rules_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.default_regime_combo)

        self.holiday_region_label = QLabel(self.rules_page)
        self.holiday_region_label.setObjectName(u"holiday_region_label")

        self.rules_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.holiday_region_label)

        self.holiday_region_combo = QComboBox(self.rules_page)
        self.holiday_region_combo.setObjectName(u"holiday_region_combo")

        self.rules_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.holiday_region_combo)

        self.rules_hint = QLabel(self.rules_page)
        self.rules_hint.setObjectName(u"rules_hint")
        self.rules_hint.setWordWrap(True)

        self.rules_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.rules_hint)

        self.settings_tabs.addTab(self.rules_page, "")
        self.local_page = QWidget()
        self.local_page.setObjectName(u"local_page")
        self.local_form = QFormLayout(self.local_page)
        self.local_form.setObjectName(u"local_form")
        self.local_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.display_name_label = QLabel(self.local_page)
        self.display_name_label.setObjectName(u"display_name_label")

        self.local_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.display_name_label)

        self.display_name_edit = QLineEdit(self.local_page)
        self.display_name_edit.setObjectName(u"display_name_edit")

        self.local_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.display_name_edit)

        self.database_label = QLabel(self.local_page)
        self.database_label.setObjectName(u"database_label")

        self.local_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.database_label)

        self.database_row = QHBoxLayout()
        self.database_row.setObjectName(u"database_row")
        self.database_row.setContentsMargins(0, 0, 0, 0)
        self.database_edit = QLineEdit(self.local_page)
        self.database_edit.setObjectName(u"database_edit")

        self.database_row.addWidget(self.database_edit)

        self.browse_button = QPushButton(self.local_page)
        self.browse_button.setObjectName(u"browse_button")

        self.database_row.addWidget(self.browse_button)


        self.local_form.setLayout(1, QFormLayout.ItemRole.FieldRole, self.database_row)

        self.database_hint = QLabel(self.local_page)
        self.database_hint.setObjectName(u"database_hint")
        self.database_hint.setWordWrap(True)

        self.local_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.database_hint)

        self.settings_tabs.addTab(self.local_page, "")

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

#if QT_CONFIG(shortcut)
        self.org_name_label.setBuddy(self.org_name_edit)
        self.org_team_label.setBuddy(self.org_team_edit)
        self.org_address_label.setBuddy(self.org_address_edit)
        self.org_city_label.setBuddy(self.org_city_edit)
        self.org_postcode_label.setBuddy(self.org_postcode_edit)
        self.org_region_label.setBuddy(self.org_region_edit)
        self.org_country_label.setBuddy(self.org_country_edit)
        self.org_email_label.setBuddy(self.org_email_edit)
        self.org_phone_label.setBuddy(self.org_phone_edit)
        self.org_website_label.setBuddy(self.org_website_edit)
        self.org_timezone_label.setBuddy(self.org_timezone_edit)
        self.default_regime_label.setBuddy(self.default_regime_combo)
        self.holiday_region_label.setBuddy(self.holiday_region_combo)
        self.display_name_label.setBuddy(self.display_name_edit)
        self.database_label.setBuddy(self.database_edit)
#endif // QT_CONFIG(shortcut)

        self.retranslateUi(SettingsDialog)

        QMetaObject.connectSlotsByName(SettingsDialog)
    # setupUi

    def retranslateUi(self, SettingsDialog):
        SettingsDialog.setWindowTitle(QCoreApplication.translate("SettingsDialog", u"Settings", None))
#if QT_CONFIG(accessibility)
        self.settings_tabs.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Settings sections", None))
#endif // QT_CONFIG(accessibility)
        self.org_name_label.setText(QCoreApplication.translate("SettingsDialog", u"&Controller:", None))
#if QT_CONFIG(accessibility)
        self.org_name_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Controller name", None))
#endif // QT_CONFIG(accessibility)
        self.org_team_label.setText(QCoreApplication.translate("SettingsDialog", u"&Team:", None))
#if QT_CONFIG(accessibility)
        self.org_team_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Team name", None))
#endif // QT_CONFIG(accessibility)
        self.org_address_label.setText(QCoreApplication.translate("SettingsDialog", u"&Address:", None))
#if QT_CONFIG(accessibility)
        self.org_address_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Controller address lines", None))
#endif // QT_CONFIG(accessibility)
        self.org_city_label.setText(QCoreApplication.translate("SettingsDialog", u"Cit&y:", None))
#if QT_CONFIG(accessibility)
        self.org_city_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Controller city", None))
#endif // QT_CONFIG(accessibility)
        self.org_postcode_label.setText(QCoreApplication.translate("SettingsDialog", u"Post&code:", None))
#if QT_CONFIG(accessibility)
        self.org_postcode_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Controller postcode", None))
#endif // QT_CONFIG(accessibility)
        self.org_region_label.setText(QCoreApplication.translate("SettingsDialog", u"Re&gion:", None))
#if QT_CONFIG(accessibility)
        self.org_region_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Controller region", None))
#endif // QT_CONFIG(accessibility)
        self.org_country_label.setText(QCoreApplication.translate("SettingsDialog", u"C&ountry:", None))
#if QT_CONFIG(accessibility)
        self.org_country_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Controller country code", None))
#endif // QT_CONFIG(accessibility)
        self.org_email_label.setText(QCoreApplication.translate("SettingsDialog", u"&Email:", None))
#if QT_CONFIG(accessibility)
        self.org_email_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Controller email", None))
#endif // QT_CONFIG(accessibility)
        self.org_phone_label.setText(QCoreApplication.translate("SettingsDialog", u"&Phone:", None))
#if QT_CONFIG(accessibility)
        self.org_phone_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Controller phone", None))
#endif // QT_CONFIG(accessibility)
        self.org_website_label.setText(QCoreApplication.translate("SettingsDialog", u"&Website:", None))
#if QT_CONFIG(accessibility)
        self.org_website_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Controller website", None))
#endif // QT_CONFIG(accessibility)
        self.org_timezone_label.setText(QCoreApplication.translate("SettingsDialog", u"Time &zone:", None))
#if QT_CONFIG(accessibility)
        self.org_timezone_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Time zone", None))
#endif // QT_CONFIG(accessibility)
        self.org_timezone_edit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"e.g. Europe/London", None))
        self.settings_tabs.setTabText(self.settings_tabs.indexOf(self.organisation_page), QCoreApplication.translate("SettingsDialog", u"&Organisation", None))
        self.default_regime_label.setText(QCoreApplication.translate("SettingsDialog", u"Default &regime:", None))
#if QT_CONFIG(accessibility)
        self.default_regime_combo.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Default regime", None))
#endif // QT_CONFIG(accessibility)
        self.holiday_region_label.setText(QCoreApplication.translate("SettingsDialog", u"&Holiday region:", None))
#if QT_CONFIG(accessibility)
        self.holiday_region_combo.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Holiday region for the default regime", None))
#endif // QT_CONFIG(accessibility)
        self.rules_hint.setText(QCoreApplication.translate("SettingsDialog", u"Public holidays of this region move a due date that falls on them to the next working day.", None))
        self.settings_tabs.setTabText(self.settings_tabs.indexOf(self.rules_page), QCoreApplication.translate("SettingsDialog", u"Deadline &rules", None))
        self.display_name_label.setText(QCoreApplication.translate("SettingsDialog", u"Your &display name:", None))
#if QT_CONFIG(accessibility)
        self.display_name_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Your display name", None))
#endif // QT_CONFIG(accessibility)
        self.database_label.setText(QCoreApplication.translate("SettingsDialog", u"&Database:", None))
#if QT_CONFIG(accessibility)
        self.database_edit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Database file or URL", None))
#endif // QT_CONFIG(accessibility)
        self.database_edit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"A SQLite file, or postgresql://host/db for a team", None))
        self.browse_button.setText(QCoreApplication.translate("SettingsDialog", u"&Browse\u2026", None))
#if QT_CONFIG(accessibility)
        self.browse_button.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Choose a database file", None))
#endif // QT_CONFIG(accessibility)
        self.database_hint.setText(QCoreApplication.translate("SettingsDialog", u"A new database location takes effect when MUSE Care is next started.", None))
        self.settings_tabs.setTabText(self.settings_tabs.indexOf(self.local_page), QCoreApplication.translate("SettingsDialog", u"This &computer", None))
        self.settings_error.setText("")
#if QT_CONFIG(accessibility)
        self.settings_error.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"settings error", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.button_box.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Save or cancel settings", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

