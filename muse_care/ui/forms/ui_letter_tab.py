# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'letter_tab.ui'
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
QHBoxLayout = QtWidgets.QHBoxLayout
QLabel = QtWidgets.QLabel
QPushButton = QtWidgets.QPushButton
QSizePolicy = QtWidgets.QSizePolicy
QSpacerItem = QtWidgets.QSpacerItem
QSplitter = QtWidgets.QSplitter
QTableView = QtWidgets.QTableView
QVBoxLayout = QtWidgets.QVBoxLayout
QWidget = QtWidgets.QWidget

class Ui_LetterTab(object):
    def setupUi(self, LetterTab):
        if not LetterTab.objectName():
            LetterTab.setObjectName(u"LetterTab")
        LetterTab.resize(960, 560)
        self.tab_layout = QVBoxLayout(LetterTab)
        self.tab_layout.setObjectName(u"tab_layout")
        self.actions_layout = QHBoxLayout()
        self.actions_layout.setObjectName(u"actions_layout")
        self.new_button = QPushButton(LetterTab)
        self.new_button.setObjectName(u"new_button")

        self.actions_layout.addWidget(self.new_button)

        self.print_button = QPushButton(LetterTab)
        self.print_button.setObjectName(u"print_button")

        self.actions_layout.addWidget(self.print_button)

        self.reprint_button = QPushButton(LetterTab)
        self.reprint_button.setObjectName(u"reprint_button")

        self.actions_layout.addWidget(self.reprint_button)

        self.save_button = QPushButton(LetterTab)
        self.save_button.setObjectName(u"save_button")

        self.actions_layout.addWidget(self.save_button)

        self.actions_spacer = QSpacerItem(20, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.actions_layout.addItem(self.actions_spacer)

        self.count_label = QLabel(LetterTab)
        self.count_label.setObjectName(u"count_label")

        self.actions_layout.addWidget(self.count_label)


        self.tab_layout.addLayout(self.actions_layout)

        self.message_label = QLabel(LetterTab)
        self.message_label.setObjectName(u"message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.tab_layout.addWidget(self.message_label)

        self.splitter = QSplitter(LetterTab)
        self.splitter.setObjectName(u"splitter")
        self.splitter.setOrientation(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.letters_table = QTableView(self.splitter)
        self.letters_table.setObjectName(u"letters_table")
        self.letters_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.letters_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.letters_table.setAlternatingRowColors(True)
        self.letters_table.setWordWrap(False)
        self.splitter.addWidget(self.letters_table)
        self.letters_table.horizontalHeader().setStretchLastSection(True)
        self.letters_table.verticalHeader().setVisible(False)
        self.preview_host = QWidget(self.splitter)
        self.preview_host.setObjectName(u"preview_host")
        self.preview_layout = QVBoxLayout(self.preview_host)
        self.preview_layout.setObjectName(u"preview_layout")
        self.preview_layout.setContentsMargins(0, 0, 0, 0)
        self.splitter.addWidget(self.preview_host)

        self.tab_layout.addWidget(self.splitter)

        self.tab_layout.setStretch(2, 1)
        QWidget.setTabOrder(self.new_button, self.print_button)
        QWidget.setTabOrder(self.print_button, self.reprint_button)
        QWidget.setTabOrder(self.reprint_button, self.save_button)
        QWidget.setTabOrder(self.save_button, self.letters_table)

        self.retranslateUi(LetterTab)

        QMetaObject.connectSlotsByName(LetterTab)
    # setupUi

    def retranslateUi(self, LetterTab):
        LetterTab.setWindowTitle(QCoreApplication.translate("LetterTab", u"Letters", None))
        self.new_button.setText(QCoreApplication.translate("LetterTab", u"&New letter\u2026", None))
#if QT_CONFIG(tooltip)
        self.new_button.setToolTip(QCoreApplication.translate("LetterTab", u"Produce a letter for this case", None))
#endif // QT_CONFIG(tooltip)
        self.print_button.setText(QCoreApplication.translate("LetterTab", u"&Print\u2026", None))
#if QT_CONFIG(tooltip)
        self.print_button.setToolTip(QCoreApplication.translate("LetterTab", u"Print the selected letter at 100 % through the system dialog", None))
#endif // QT_CONFIG(tooltip)
        self.reprint_button.setText(QCoreApplication.translate("LetterTab", u"&Reprint\u2026", None))
#if QT_CONFIG(tooltip)
        self.reprint_button.setToolTip(QCoreApplication.translate("LetterTab", u"Print the same letter again, with the reason recorded", None))
#endif // QT_CONFIG(tooltip)
        self.save_button.setText(QCoreApplication.translate("LetterTab", u"&Save PDF\u2026", None))
#if QT_CONFIG(tooltip)
        self.save_button.setToolTip(QCoreApplication.translate("LetterTab", u"Save the letter as a PDF file, optionally protected with a password", None))
#endif // QT_CONFIG(tooltip)
        self.count_label.setText("")
        self.message_label.setText("")
#if QT_CONFIG(accessibility)
        self.letters_table.setAccessibleName(QCoreApplication.translate("LetterTab", u"Letters of this case", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

