# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'print_run_window.ui'
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
QHBoxLayout = QtWidgets.QHBoxLayout
QLabel = QtWidgets.QLabel
QLineEdit = QtWidgets.QLineEdit
QPushButton = QtWidgets.QPushButton
QSizePolicy = QtWidgets.QSizePolicy
QSpacerItem = QtWidgets.QSpacerItem
QSplitter = QtWidgets.QSplitter
QTableView = QtWidgets.QTableView
QVBoxLayout = QtWidgets.QVBoxLayout
QWidget = QtWidgets.QWidget

class Ui_PrintRunWindow(object):
    def setupUi(self, PrintRunWindow):
        if not PrintRunWindow.objectName():
            PrintRunWindow.setObjectName(u"PrintRunWindow")
        PrintRunWindow.resize(1100, 680)
        self.window_layout = QVBoxLayout(PrintRunWindow)
        self.window_layout.setObjectName(u"window_layout")
        self.date_layout = QHBoxLayout()
        self.date_layout.setObjectName(u"date_layout")
        self.date_label = QLabel(PrintRunWindow)
        self.date_label.setObjectName(u"date_label")

        self.date_layout.addWidget(self.date_label)

        self.date_edit = QDateEdit(PrintRunWindow)
        self.date_edit.setObjectName(u"date_edit")
        self.date_edit.setCalendarPopup(True)

        self.date_layout.addWidget(self.date_edit)

        self.paper_label = QLabel(PrintRunWindow)
        self.paper_label.setObjectName(u"paper_label")

        self.date_layout.addWidget(self.paper_label)

        self.paper_combo = QComboBox(PrintRunWindow)
        self.paper_combo.setObjectName(u"paper_combo")

        self.date_layout.addWidget(self.paper_combo)

        self.reprint_label = QLabel(PrintRunWindow)
        self.reprint_label.setObjectName(u"reprint_label")

        self.date_layout.addWidget(self.reprint_label)

        self.reprint_edit = QLineEdit(PrintRunWindow)
        self.reprint_edit.setObjectName(u"reprint_edit")

        self.date_layout.addWidget(self.reprint_edit)

        self.refresh_button = QPushButton(PrintRunWindow)
        self.refresh_button.setObjectName(u"refresh_button")

        self.date_layout.addWidget(self.refresh_button)

        self.date_spacer = QSpacerItem(20, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.date_layout.addItem(self.date_spacer)

        self.count_label = QLabel(PrintRunWindow)
        self.count_label.setObjectName(u"count_label")

        self.date_layout.addWidget(self.count_label)


        self.window_layout.addLayout(self.date_layout)

        self.message_label = QLabel(PrintRunWindow)
        self.message_label.setObjectName(u"message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.window_layout.addWidget(self.message_label)

        self.splitter = QSplitter(PrintRunWindow)
        self.splitter.setObjectName(u"splitter")
        self.splitter.setOrientation(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.list_host = QWidget(self.splitter)
        self.list_host.setObjectName(u"list_host")
        self.list_layout = QVBoxLayout(self.list_host)
        self.list_layout.setObjectName(u"list_layout")
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.letters_table = QTableView(self.list_host)
        self.letters_table.setObjectName(u"letters_table")
        self.letters_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.letters_table.setAlternatingRowColors(True)
        self.letters_table.setWordWrap(False)
        self.letters_table.horizontalHeader().setStretchLastSection(True)
        self.letters_table.verticalHeader().setVisible(False)

        self.list_layout.addWidget(self.letters_table)

        self.select_layout = QHBoxLayout()
        self.select_layout.setObjectName(u"select_layout")
        self.select_all_button = QPushButton(self.list_host)
        self.select_all_button.setObjectName(u"select_all_button")

        self.select_layout.addWidget(self.select_all_button)

        self.select_none_button = QPushButton(self.list_host)
        self.select_none_button.setObjectName(u"select_none_button")

        self.select_layout.addWidget(self.select_none_button)

        self.select_spacer = QSpacerItem(20, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.select_layout.addItem(self.select_spacer)

        self.build_button = QPushButton(self.list_host)
        self.build_button.setObjectName(u"build_button")

        self.select_layout.addWidget(self.build_button)


        self.list_layout.addLayout(self.select_layout)

        self.splitter.addWidget(self.list_host)
        self.preview_host = QWidget(self.splitter)
        self.preview_host.setObjectName(u"preview_host")
        self.preview_layout = QVBoxLayout(self.preview_host)
        self.preview_layout.setObjectName(u"preview_layout")
        self.preview_layout.setContentsMargins(0, 0, 0, 0)
        self.run_label = QLabel(self.preview_host)
        self.run_label.setObjectName(u"run_label")
        self.run_label.setWordWrap(True)

        self.preview_layout.addWidget(self.run_label)

        self.run_buttons_layout = QHBoxLayout()
        self.run_buttons_layout.setObjectName(u"run_buttons_layout")
        self.print_button = QPushButton(self.preview_host)
        self.print_button.setObjectName(u"print_button")

        self.run_buttons_layout.addWidget(self.print_button)

        self.save_button = QPushButton(self.preview_host)
        self.save_button.setObjectName(u"save_button")

        self.run_buttons_layout.addWidget(self.save_button)

        self.run_spacer = QSpacerItem(20, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.run_buttons_layout.addItem(self.run_spacer)

        self.dispatch_button = QPushButton(self.preview_host)
        self.dispatch_button.setObjectName(u"dispatch_button")

        self.run_buttons_layout.addWidget(self.dispatch_button)

        self.close_button = QPushButton(self.preview_host)
        self.close_button.setObjectName(u"close_button")

        self.run_buttons_layout.addWidget(self.close_button)


        self.preview_layout.addLayout(self.run_buttons_layout)

        self.splitter.addWidget(self.preview_host)

        self.window_layout.addWidget(self.splitter)

        self.window_layout.setStretch(2, 1)
#if QT_CONFIG(shortcut)
        self.date_label.setBuddy(self.date_edit)
        self.paper_label.setBuddy(self.paper_combo)
        self.reprint_label.setBuddy(self.reprint_edit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.date_edit, self.paper_combo)
        QWidget.setTabOrder(self.paper_combo, self.reprint_edit)
        QWidget.setTabOrder(self.reprint_edit, self.refresh_button)
        QWidget.setTabOrder(self.refresh_button, self.letters_table)
        QWidget.setTabOrder(self.letters_table, self.select_all_button)
        QWidget.setTabOrder(self.select_all_button, self.select_none_button)
        QWidget.setTabOrder(self.select_none_button, self.build_button)
        QWidget.setTabOrder(self.build_button, self.print_button)
        QWidget.setTabOrder(self.print_button, self.save_button)
        QWidget.setTabOrder(self.save_button, self.dispatch_button)
        QWidget.setTabOrder(self.dispatch_button, self.close_button)

        self.retranslateUi(PrintRunWindow)

        self.build_button.setDefault(True)


        QMetaObject.connectSlotsByName(PrintRunWindow)
    # setupUi

    def retranslateUi(self, PrintRunWindow):
        PrintRunWindow.setWindowTitle(QCoreApplication.translate("PrintRunWindow", u"Print run \u2014 the mailroom", None))
        self.date_label.setText(QCoreApplication.translate("PrintRunWindow", u"Letters pro&duced on", None))
#if QT_CONFIG(accessibility)
        self.date_edit.setAccessibleName(QCoreApplication.translate("PrintRunWindow", u"Day of the print run", None))
#endif // QT_CONFIG(accessibility)
        self.date_edit.setDisplayFormat(QCoreApplication.translate("PrintRunWindow", u"ddd d MMM yyyy", None))
        self.paper_label.setText(QCoreApplication.translate("PrintRunWindow", u"Pape&r", None))
#if QT_CONFIG(accessibility)
        self.paper_combo.setAccessibleName(QCoreApplication.translate("PrintRunWindow", u"Paper size of the print run", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(tooltip)
        self.paper_combo.setToolTip(QCoreApplication.translate("PrintRunWindow", u"A4 and US Letter are never printed in one job: one run per paper size", None))
#endif // QT_CONFIG(tooltip)
        self.reprint_label.setText(QCoreApplication.translate("PrintRunWindow", u"Reprin&t reason", None))
#if QT_CONFIG(accessibility)
        self.reprint_edit.setAccessibleName(QCoreApplication.translate("PrintRunWindow", u"Reason to reprint letters printed already", None))
#endif // QT_CONFIG(accessibility)
        self.reprint_edit.setPlaceholderText(QCoreApplication.translate("PrintRunWindow", u"only to reprint letters printed already", None))
#if QT_CONFIG(tooltip)
        self.reprint_edit.setToolTip(QCoreApplication.translate("PrintRunWindow", u"Empty: the run holds only letters not printed yet. A reason (paper jam, spoiled) also lists letters printed but not dispatched.", None))
#endif // QT_CONFIG(tooltip)
        self.refresh_button.setText(QCoreApplication.translate("PrintRunWindow", u"&Show letters", None))
        self.count_label.setText("")
        self.message_label.setText("")
#if QT_CONFIG(accessibility)
        self.letters_table.setAccessibleName(QCoreApplication.translate("PrintRunWindow", u"Letters waiting to be printed", None))
#endif // QT_CONFIG(accessibility)
        self.select_all_button.setText(QCoreApplication.translate("PrintRunWindow", u"Select &all", None))
        self.select_none_button.setText(QCoreApplication.translate("PrintRunWindow", u"Select &none", None))
        self.build_button.setText(QCoreApplication.translate("PrintRunWindow", u"&Build print run", None))
        self.run_label.setText(QCoreApplication.translate("PrintRunWindow", u"No print run built yet.", None))
        self.print_button.setText(QCoreApplication.translate("PrintRunWindow", u"&Print\u2026", None))
#if QT_CONFIG(tooltip)
        self.print_button.setToolTip(QCoreApplication.translate("PrintRunWindow", u"Print the whole run at 100 %, double-sided", None))
#endif // QT_CONFIG(tooltip)
        self.save_button.setText(QCoreApplication.translate("PrintRunWindow", u"Sa&ve\u2026", None))
#if QT_CONFIG(tooltip)
        self.save_button.setToolTip(QCoreApplication.translate("PrintRunWindow", u"Save the whole run as one PDF file", None))
#endif // QT_CONFIG(tooltip)
        self.dispatch_button.setText(QCoreApplication.translate("PrintRunWindow", u"&Mark dispatched\u2026", None))
#if QT_CONFIG(tooltip)
        self.dispatch_button.setToolTip(QCoreApplication.translate("PrintRunWindow", u"After printing: mark every letter of this run as sent by post today", None))
#endif // QT_CONFIG(tooltip)
        self.close_button.setText(QCoreApplication.translate("PrintRunWindow", u"&Close", None))
#if QT_CONFIG(tooltip)
        self.close_button.setToolTip(QCoreApplication.translate("PrintRunWindow", u"Close the print run window (Escape, Ctrl+W)", None))
#endif // QT_CONFIG(tooltip)
    # retranslateUi

