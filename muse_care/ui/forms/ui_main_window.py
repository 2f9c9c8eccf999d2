# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'main_window.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from muse_care.ui.qt import QtCore
QCoreApplication = QtCore.QCoreApplication
QMetaObject = QtCore.QMetaObject
from muse_care.ui.qt import QtGui
QAction = QtGui.QAction
QKeySequence = QtGui.QKeySequence
from muse_care.ui.qt import QtWidgets
QAbstractItemView = QtWidgets.QAbstractItemView
QHBoxLayout = QtWidgets.QHBoxLayout
QLabel = QtWidgets.QLabel
QLineEdit = QtWidgets.QLineEdit
QListWidget = QtWidgets.QListWidget
QMenu = QtWidgets.QMenu
QMenuBar = QtWidgets.QMenuBar
QSplitter = QtWidgets.QSplitter
QStatusBar = QtWidgets.QStatusBar
QTableView = QtWidgets.QTableView
QToolBar = QtWidgets.QToolBar
QVBoxLayout = QtWidgets.QVBoxLayout
QWidget = QtWidgets.QWidget

class Ui_MainWindow(object):
    def setupUi(self, MainWindow):
        if not MainWindow.objectName():
            MainWindow.setObjectName(u"MainWindow")
        MainWindow.resize(1280, 800)
        self.action_new_case = QAction(MainWindow)
        self.action_new_case.setObjectName(u"action_new_case")
        self.action_settings = QAction(MainWindow)
        self.action_settings.setObjectName(u"action_settings")
        self.action_quit = QAction(MainWindow)
        self.action_quit.setObjectName(u"action_quit")
        self.action_find = QAction(MainWindow)
        self.action_find.setObjectName(u"action_find")
        self.action_save = QAction(MainWindow)
        self.action_save.setObjectName(u"action_save")
        self.action_refresh = QAction(MainWindow)
        self.action_refresh.setObjectName(u"action_refresh")
        self.action_next_case = QAction(MainWindow)
        self.action_next_case.setObjectName(u"action_next_case")
        self.action_previous_case = QAction(MainWindow)
        self.action_previous_case.setObjectName(u"action_previous_case")
        self.action_take_next = QAction(MainWindow)
        self.action_take_next.setObjectName(u"action_take_next")
        self.action_print_run = QAction(MainWindow)
        self.action_print_run.setObjectName(u"action_print_run")
        self.action_approvals = QAction(MainWindow)
        self.action_approvals.setObjectName(u"action_approvals")
        self.action_dashboard = QAction(MainWindow)
        self.action_dashboard.setObjectName(u"action_dashboard")
        self.action_getting_started = QAction(MainWindow)
        self.action_getting_started.setObjectName(u"action_getting_started")
        self.action_shortcuts = QAction(MainWindow)
        self.action_shortcuts.setObjectName(u"action_shortcuts")
        self.action_about = QAction(MainWindow)
        self.action_about.setObjectName(u"action_about")
        self.central = QWidget(MainWindow)
        self.central.setObjectName(u"central")
        self.central_layout = QVBoxLayout(self.central)
        self.central_layout.setObjectName(u"central_layout")
        self.central_layout.setContentsMargins(6, 6, 6, 0)
        self.main_splitter = QSplitter(parent=self.central)
        self.main_splitter.setObjectName(u"main_splitter")
        self.main_splitter.setProperty("orientation", 1)  # Qt.Orientation.Horizontal
        self.main_splitter.setChildrenCollapsible(False)
        self.views_panel = QWidget(self.main_splitter)
        self.views_panel.setObjectName(u"views_panel")
        self.views_layout = QVBoxLayout(self.views_panel)
        self.views_layout.setObjectName(u"views_layout")
        self.views_layout.setContentsMargins(0, 0, 0, 0)
        self.views_label = QLabel(self.views_panel)
        self.views_label.setObjectName(u"views_label")

        self.views_layout.addWidget(self.views_label)

        self.views_list = QListWidget(self.views_panel)
        self.views_list.setObjectName(u"views_list")

        self.views_layout.addWidget(self.views_list)

        self.main_splitter.addWidget(self.views_panel)
        self.queue_splitter = QSplitter(parent=self.main_splitter)
        self.queue_splitter.setObjectName(u"queue_splitter")
        self.queue_splitter.setProperty("orientation", 2)  # Qt.Orientation.Vertical
        self.queue_splitter.setChildrenCollapsible(False)
        self.queue_panel = QWidget(self.queue_splitter)
        self.queue_panel.setObjectName(u"queue_panel")
        self.queue_layout = QVBoxLayout(self.queue_panel)
        self.queue_layout.setObjectName(u"queue_layout")
        self.queue_layout.setContentsMargins(0, 0, 0, 0)
        self.search_row = QHBoxLayout()
        self.search_row.setObjectName(u"search_row")
        self.search_label = QLabel(self.queue_panel)
        self.search_label.setObjectName(u"search_label")

        self.search_row.addWidget(self.search_label)

        self.search_edit = QLineEdit(self.queue_panel)
        self.search_edit.setObjectName(u"search_edit")
        self.search_edit.setClearButtonEnabled(True)

        self.search_row.addWidget(self.search_edit)

        self.count_label = QLabel(self.queue_panel)
        self.count_label.setObjectName(u"count_label")

        self.search_row.addWidget(self.count_label)


        self.queue_layout.addLayout(self.search_row)

        self.queue_table = QTableView(self.queue_panel)
        self.queue_table.setObjectName(u"queue_table")
        self.queue_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue_table.setAlternatingRowColors(True)
        self.queue_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_table.setSortingEnabled(False)
        self.queue_table.setWordWrap(False)

        self.queue_layout.addWidget(self.queue_table)

        self.queue_splitter.addWidget(self.queue_panel)
        self.case_host = QWidget(self.queue_splitter)
        self.case_host.setObjectName(u"case_host")
        self.case_host_layout = QVBoxLayout(self.case_host)
        self.case_host_layout.setObjectName(u"case_host_layout")
        self.case_host_layout.setContentsMargins(0, 0, 0, 0)
        self.queue_splitter.addWidget(self.case_host)
        self.main_splitter.addWidget(self.queue_splitter)

        self.central_layout.addWidget(self.main_splitter)

        MainWindow.setCentralWidget(self.central)
        self.menubar = QMenuBar(MainWindow)
        self.menubar.setObjectName(u"menubar")
        self.menu_file = QMenu(self.menubar)
        self.menu_file.setObjectName(u"menu_file")
        self.menu_case = QMenu(self.menubar)
        self.menu_case.setObjectName(u"menu_case")
        self.menu_team = QMenu(self.menubar)
        self.menu_team.setObjectName(u"menu_team")
        self.menu_help = QMenu(self.menubar)
        self.menu_help.setObjectName(u"menu_help")
        MainWindow.setMenuBar(self.menubar)
        self.toolbar = QToolBar(MainWindow)
        self.toolbar.setObjectName(u"toolbar")
        self.toolbar.setProperty("toolButtonStyle", 2)  # Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        MainWindow.addToolBar(self.toolbar)
        self.statusbar = QStatusBar(MainWindow)
        self.statusbar.setObjectName(u"statusbar")
        MainWindow.setStatusBar(self.statusbar)
#if QT_CONFIG(shortcut)
        self.views_label.setBuddy(self.views_list)
        self.search_label.setBuddy(self.search_edit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.search_edit, self.queue_table)
        QWidget.setTabOrder(self.queue_table, self.views_list)

        self.menubar.addAction(self.menu_file.menuAction())
        self.menubar.addAction(self.menu_case.menuAction())
        self.menubar.addAction(self.menu_team.menuAction())
        self.menubar.addAction(self.menu_help.menuAction())
        self.menu_file.addAction(self.action_new_case)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.action_settings)
        self.menu_file.addSeparator()
        self.menu_file.addAction(self.action_quit)
        self.menu_case.addAction(self.action_find)
        self.menu_case.addAction(self.action_save)
        self.menu_case.addAction(self.action_refresh)
        self.menu_case.addSeparator()
        self.menu_case.addAction(self.action_next_case)
        self.menu_case.addAction(self.action_previous_case)
        self.menu_case.addSeparator()
        self.menu_case.addAction(self.action_take_next)
        self.menu_team.addAction(self.action_print_run)
        self.menu_team.addSeparator()
        self.menu_team.addAction(self.action_approvals)
        self.menu_team.addAction(self.action_dashboard)
        self.menu_help.addAction(self.action_getting_started)
        self.menu_help.addAction(self.action_shortcuts)
        self.menu_help.addSeparator()
        self.menu_help.addAction(self.action_about)
        self.toolbar.addAction(self.action_new_case)
        self.toolbar.addAction(self.action_take_next)
        self.toolbar.addAction(self.action_refresh)
        self.toolbar.addAction(self.action_print_run)
        self.toolbar.addAction(self.action_settings)

        self.retranslateUi(MainWindow)

        QMetaObject.connectSlotsByName(MainWindow)
    # setupUi

    def retranslateUi(self, MainWindow):
        MainWindow.setWindowTitle(QCoreApplication.translate("MainWindow", u"MUSE Care", None))
        self.action_new_case.setText(QCoreApplication.translate("MainWindow", u"&New case\u2026", None))
#if QT_CONFIG(tooltip)
        self.action_new_case.setToolTip(QCoreApplication.translate("MainWindow", u"Take in a new request (Ctrl+N)", None))
#endif // QT_CONFIG(tooltip)
#if QT_CONFIG(shortcut)
        self.action_new_case.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"Ctrl+N", None))])
#endif // QT_CONFIG(shortcut)
        self.action_settings.setText(QCoreApplication.translate("MainWindow", u"&Settings\u2026", None))
#if QT_CONFIG(shortcut)
        self.action_settings.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"Ctrl+,", None))])
#endif // QT_CONFIG(shortcut)
        self.action_quit.setText(QCoreApplication.translate("MainWindow", u"&Quit", None))
#if QT_CONFIG(shortcut)
        self.action_quit.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"Ctrl+Q", None))])
#endif // QT_CONFIG(shortcut)
        self.action_find.setText(QCoreApplication.translate("MainWindow", u"&Find a case", None))
#if QT_CONFIG(shortcut)
        self.action_find.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"Ctrl+F", None))])
#endif // QT_CONFIG(shortcut)
        self.action_save.setText(QCoreApplication.translate("MainWindow", u"&Save requester details", None))
#if QT_CONFIG(shortcut)
        self.action_save.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"Ctrl+S", None))])
#endif // QT_CONFIG(shortcut)
        self.action_refresh.setText(QCoreApplication.translate("MainWindow", u"&Refresh", None))
#if QT_CONFIG(tooltip)
        self.action_refresh.setToolTip(QCoreApplication.translate("MainWindow", u"Read the queue and the open case again (F5)", None))
#endif // QT_CONFIG(tooltip)
#if QT_CONFIG(shortcut)
        self.action_refresh.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"F5", None))])
#endif // QT_CONFIG(shortcut)
        self.action_next_case.setText(QCoreApplication.translate("MainWindow", u"Ne&xt case", None))
#if QT_CONFIG(shortcut)
        self.action_next_case.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"Ctrl+PgDown", None))])
#endif // QT_CONFIG(shortcut)
        self.action_previous_case.setText(QCoreApplication.translate("MainWindow", u"&Previous case", None))
#if QT_CONFIG(shortcut)
        self.action_previous_case.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"Ctrl+PgUp", None))])
#endif // QT_CONFIG(shortcut)
        self.action_take_next.setText(QCoreApplication.translate("MainWindow", u"&Take next case", None))
#if QT_CONFIG(tooltip)
        self.action_take_next.setToolTip(QCoreApplication.translate("MainWindow", u"Assign yourself the unassigned open case that is due soonest (Ctrl+T)", None))
#endif // QT_CONFIG(tooltip)
#if QT_CONFIG(shortcut)
        self.action_take_next.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"Ctrl+T", None))])
#endif // QT_CONFIG(shortcut)
        self.action_print_run.setText(QCoreApplication.translate("MainWindow", u"&Print run\u2026", None))
#if QT_CONFIG(tooltip)
        self.action_print_run.setToolTip(QCoreApplication.translate("MainWindow", u"The day's letters for the mailroom: print them and mark them dispatched (Ctrl+Shift+P)", None))
#endif // QT_CONFIG(tooltip)
#if QT_CONFIG(shortcut)
        self.action_print_run.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"Ctrl+Shift+P", None))])
#endif // QT_CONFIG(shortcut)
        self.action_approvals.setText(QCoreApplication.translate("MainWindow", u"&Approvals\u2026", None))
#if QT_CONFIG(tooltip)
        self.action_approvals.setToolTip(QCoreApplication.translate("MainWindow", u"Extensions, refusals and disclosing replies waiting for a team lead", None))
#endif // QT_CONFIG(tooltip)
        self.action_dashboard.setText(QCoreApplication.translate("MainWindow", u"Lead's &dashboard\u2026", None))
#if QT_CONFIG(tooltip)
        self.action_dashboard.setToolTip(QCoreApplication.translate("MainWindow", u"Open cases, due this week, overdue, on-time rate and load per agent", None))
#endif // QT_CONFIG(tooltip)
        self.action_getting_started.setText(QCoreApplication.translate("MainWindow", u"&Getting started", None))
#if QT_CONFIG(shortcut)
        self.action_getting_started.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"F1", None))])
#endif // QT_CONFIG(shortcut)
        self.action_shortcuts.setText(QCoreApplication.translate("MainWindow", u"&Keyboard shortcuts", None))
#if QT_CONFIG(shortcut)
        self.action_shortcuts.setShortcuts([QKeySequence(QCoreApplication.translate("MainWindow", u"Ctrl+/", None))])
#endif // QT_CONFIG(shortcut)
        self.action_about.setText(QCoreApplication.translate("MainWindow", u"&About MUSE Care", None))
        self.views_label.setText(QCoreApplication.translate("MainWindow", u"Vie&ws", None))
#if QT_CONFIG(accessibility)
        self.views_list.setAccessibleName(QCoreApplication.translate("MainWindow", u"Saved views", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.views_list.setAccessibleDescription(QCoreApplication.translate("MainWindow", u"Saved views of the queue, each with its number of cases", None))
#endif // QT_CONFIG(accessibility)
        self.search_label.setText(QCoreApplication.translate("MainWindow", u"Find:", None))
#if QT_CONFIG(accessibility)
        self.search_edit.setAccessibleName(QCoreApplication.translate("MainWindow", u"Search all cases", None))
#endif // QT_CONFIG(accessibility)
        self.search_edit.setPlaceholderText(QCoreApplication.translate("MainWindow", u"Reference, name, email, phone or postcode (Ctrl+F)", None))
        self.count_label.setText("")
#if QT_CONFIG(accessibility)
        self.count_label.setAccessibleName(QCoreApplication.translate("MainWindow", u"Number of cases shown", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.queue_table.setAccessibleName(QCoreApplication.translate("MainWindow", u"Case queue", None))
#endif // QT_CONFIG(accessibility)
        self.menu_file.setTitle(QCoreApplication.translate("MainWindow", u"&File", None))
        self.menu_case.setTitle(QCoreApplication.translate("MainWindow", u"&Case", None))
        self.menu_team.setTitle(QCoreApplication.translate("MainWindow", u"&Team", None))
        self.menu_help.setTitle(QCoreApplication.translate("MainWindow", u"&Help", None))
        self.toolbar.setWindowTitle(QCoreApplication.translate("MainWindow", u"Main toolbar", None))
#if QT_CONFIG(accessibility)
        self.toolbar.setAccessibleName(QCoreApplication.translate("MainWindow", u"Main toolbar", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

