"""Show a PDF (QtPdf) and print it at 100 % through the system dialog.

:class:`PdfPreview` is the viewer the letters tab and the mailroom's print run share:
a :class:`QPdfView` over a :class:`QPdfDocument` read from bytes through a
:class:`QBuffer`, with page navigation and zoom.

:func:`print_pdf` paints a PDF onto a :class:`QPrinter` page by page at the paper's
own size: each page is rendered with ``QPdfDocument.render`` at the printer's
resolution and drawn from the sheet's top-left corner (``fullPage``), never scaled to
the printable area. A letter shrunk to fit would move the address out of the envelope
window (docs/letters.md, layouts). Qt's ``QPainter`` may paint on a ``QPrinter`` from a non-GUI
thread, so the widgets run it on the worker and the window never freezes.

The Qt add-on modules (QtPdf, QtPdfWidgets, QtPrintSupport) come through the
chokepoint ``muse_care.ui.qt``, which imports them on first use; the letter screens
take the names below from here.
"""

from __future__ import annotations

from collections.abc import Callable

from muse_care.ui.qt import QtCore, QtGui, QtPdf, QtPdfWidgets, QtPrintSupport, QtWidgets, Qt, Signal

QPdfDocument = QtPdf.QPdfDocument
QPdfPageNavigator = QtPdf.QPdfPageNavigator
QPdfView = QtPdfWidgets.QPdfView
QPrintDialog = QtPrintSupport.QPrintDialog
QPrinter = QtPrintSupport.QPrinter

__all__ = ["PdfPreview", "PrintError", "QPdfDocument", "QPrintDialog", "QPrinter", "load_pdf",
           "make_printer", "print_pdf"]

ZOOM_STEPS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)
# A page rendered above this resolution costs memory and no visible quality
# (A4 at 600 dpi is already 139 MB as ARGB); the drawing size stays physical.
MAX_RENDER_DPI = 600


class PrintError(Exception):
    """The printer could not be started or the PDF could not be read."""


def load_pdf(data: bytes, parent: QtCore.QObject | None = None) -> tuple[QPdfDocument, QtCore.QBuffer]:
    """A ready :class:`QPdfDocument` over ``data``; keep the buffer alive as long as the document."""
    buffer = QtCore.QBuffer(parent)
    buffer.setData(QtCore.QByteArray(data))
    buffer.open(QtCore.QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument(parent)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise PrintError(f"the PDF cannot be read ({document.error().name})")
    return document, buffer


def make_printer(title: str, *, duplex: bool = False) -> QPrinter:
    """A high-resolution printer set up for letters: whole sheet, no margins, no scaling."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setFullPage(True)
    printer.setDuplex(QPrinter.DuplexMode.DuplexLongSide if duplex else QPrinter.DuplexMode.DuplexNone)
    return printer


def _page_layout(points: QtCore.QSizeF) -> QtGui.QPageLayout:
    landscape = points.width() > points.height()
    portrait = QtCore.QSizeF(min(points.width(), points.height()), max(points.width(), points.height()))
    size = QtGui.QPageSize(portrait, QtGui.QPageSize.Unit.Point, "", QtGui.QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QtGui.QPageLayout.Orientation.Landscape if landscape else QtGui.QPageLayout.Orientation.Portrait
    return QtGui.QPageLayout(size, orientation, QtCore.QMarginsF(0, 0, 0, 0))


def print_pdf(data: bytes, printer: QPrinter, *, max_dpi: int = MAX_RENDER_DPI,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Paint every page of ``data`` (or the printer's chosen page range) at 100 % of its
    physical size; return the number of pages sent. Safe to call off the GUI thread."""
    document, _buffer = load_pdf(data)
    try:
        count = document.pageCount()
        first, last = 1, count
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = max(1, printer.fromPage()), min(count, printer.toPage() or count)
        if first > last:
            raise PrintError(f"the chosen pages {printer.fromPage()}-{printer.toPage()} are not in "
                             f"this {count}-page document")
        printer.setFullPage(True)
        printer.setPageLayout(_page_layout(document.pagePointSize(first - 1)))
        painter = QtGui.QPainter()
        if not painter.begin(printer):
            raise PrintError("the printer could not be started (is it connected and switched on?)")
        try:
            for number in range(first, last + 1):
                points = document.pagePointSize(number - 1)
                if number > first:
                    printer.setPageLayout(_page_layout(points))
                    printer.newPage()
                device_dpi = printer.resolution()
                dpi = min(device_dpi, max_dpi)
                image = _on_white(document.render(number - 1, QtCore.QSize(round(points.width() / 72 * dpi),
                                                                           round(points.height() / 72 * dpi))))
                # The target rectangle is the page's size in device pixels: 100 %,
                # from the sheet's corner, whatever resolution the image has.
                target = QtCore.QRectF(0, 0, points.width() / 72 * device_dpi, points.height() / 72 * device_dpi)
                painter.drawImage(target, image)
                if progress is not None:
                    progress(number - first + 1, last - first + 1)
        finally:
            painter.end()
        return last - first + 1
    finally:
        document.close()


def _on_white(image: QtGui.QImage) -> QtGui.QImage:
    """QtPdf renders on a transparent background: flatten onto paper white."""
    sheet = QtGui.QImage(image.size(), QtGui.QImage.Format.Format_RGB32)
    sheet.fill(Qt.GlobalColor.white)
    painter = QtGui.QPainter(sheet)
    painter.drawImage(0, 0, image)
    painter.end()
    return sheet


class PdfPreview(QtWidgets.QWidget):
    """A PDF on screen: ``set_pdf(bytes)``, page navigation, zoom.

    Signals: ``loaded(int)`` with the page count after ``set_pdf``; ``page_changed(int)``
    with the 0-based page shown.
    """

    loaded = Signal(int)
    page_changed = Signal(int)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self._buffer: QtCore.QBuffer | None = None
        self._data = b""

        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setAccessibleName("Letter preview")

        self.placeholder = QtWidgets.QLabel("No letter to show", self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setMinimumHeight(120)

        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        self.prev_button = self._tool("◀", "Previous page (Page Up)", QtGui.QKeySequence.StandardKey.MoveToPreviousPage)
        self.page_spin = QtWidgets.QSpinBox(self)
        self.page_spin.setAccessibleName("Page")
        self.page_spin.setKeyboardTracking(False)
        self.page_spin.setMinimum(1)
        self.of_label = QtWidgets.QLabel("of 0", self)
        self.next_button = self._tool("▶", "Next page (Page Down)", QtGui.QKeySequence.StandardKey.MoveToNextPage)
        self.zoom_out_button = self._tool("−", "Zoom out (Ctrl+-)", QtGui.QKeySequence.StandardKey.ZoomOut)
        self.zoom_label = QtWidgets.QLabel("", self)  # the factor, when not fitted
        self.zoom_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("400 %") + 8)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = self._tool("+", "Zoom in (Ctrl++)", QtGui.QKeySequence.StandardKey.ZoomIn)
        self.fit_width_button = QtWidgets.QPushButton("Fit width", self)
        self.fit_page_button = QtWidgets.QPushButton("Whole page", self)
        self.actual_size_button = QtWidgets.QPushButton("100 %", self)
        self.zoom_group = QtWidgets.QButtonGroup(self)
        for button in (self.fit_width_button, self.fit_page_button, self.actual_size_button):
            button.setCheckable(True)
            self.zoom_group.addButton(button)
        self.fit_width_button.setChecked(True)
        self.zoom_label.setVisible(False)
        self.page_spin.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000") + 32)
        for w in (self.prev_button, self.page_spin, self.of_label, self.next_button):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_width_button,
                  self.fit_page_button, self.actual_size_button):
            bar.addWidget(w)

        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.placeholder, 1)

        self.prev_button.clicked.connect(lambda: self.go_to(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.current_page() + 1))
        self.page_spin.valueChanged.connect(lambda v: self.go_to(v - 1))
        self.zoom_in_button.clicked.connect(lambda: self.step_zoom(+1))
        self.zoom_out_button.clicked.connect(lambda: self.step_zoom(-1))
        self.fit_width_button.clicked.connect(lambda: self.set_zoom_mode(QPdfView.ZoomMode.FitToWidth))
        self.fit_page_button.clicked.connect(lambda: self.set_zoom_mode(QPdfView.ZoomMode.FitInView))
        self.actual_size_button.clicked.connect(lambda: self.set_zoom(1.0))
        self.navigator.currentPageChanged.connect(self._page_shown)
        self._show_message("No letter to show")

    def _tool(self, text: str, tip: str, key: QtGui.QKeySequence.StandardKey) -> QtWidgets.QToolButton:
        button = QtWidgets.QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setShortcut(QtGui.QKeySequence(key))
        button.setAutoRaise(True)
        return button

    # --- content ------------------------------------------------------------------------
    @property
    def navigator(self) -> QPdfPageNavigator:
        return self.view.pageNavigator()

    @property
    def pdf(self) -> bytes:
        """The bytes shown (for printing and saving exactly what was previewed)."""
        return self._data

    def set_pdf(self, data: bytes) -> int:
        """Show ``data``; return its page count (0 and a message if it cannot be read)."""
        self.document.close()
        old = self._buffer
        self._buffer = QtCore.QBuffer(self)
        self._buffer.setData(QtCore.QByteArray(data))
        self._buffer.open(QtCore.QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        if old is not None:
            old.deleteLater()
        if self.document.status() != QPdfDocument.Status.Ready:
            self._data = b""
            self._show_message(f"This PDF cannot be shown ({self.document.error().name})")
            self.loaded.emit(0)
            return 0
        self._data = data
        count = self.document.pageCount()
        self.view.setVisible(True)
        self.placeholder.setVisible(False)
        self.page_spin.setMaximum(max(1, count))
        self.of_label.setText(f"of {count}")
        self.go_to(0)
        self._update_buttons()
        self.loaded.emit(count)
        return count

    def clear(self, message: str = "No letter to show") -> None:
        self.document.close()
        self._data = b""
        self._show_message(message)

    def _show_message(self, message: str) -> None:
        self.placeholder.setText(message)
        self.placeholder.setVisible(True)
        self.view.setVisible(False)
        self.of_label.setText("of 0")
        self._update_buttons()

    def page_count(self) -> int:
        return self.document.pageCount() if self._data else 0

    # --- navigation and zoom ---------------------------------------------------------------
    def current_page(self) -> int:
        return self.navigator.currentPage()

    def go_to(self, page: int) -> None:
        count = self.page_count()
        if count == 0:
            return
        page = max(0, min(count - 1, page))
        if page != self.navigator.currentPage() or page == 0:
            self.navigator.jump(page, QtCore.QPointF(), self.navigator.currentZoom())
        self._page_shown(page)

    def _page_shown(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self._update_buttons()
        self.page_changed.emit(page)

    def set_zoom_mode(self, mode: QPdfView.ZoomMode) -> None:
        self.view.setZoomMode(mode)
        self.zoom_label.setText("")
        self.zoom_label.setVisible(False)
        (self.fit_width_button if mode == QPdfView.ZoomMode.FitToWidth else self.fit_page_button).setChecked(True)

    def set_zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        self.zoom_label.setText(f"{round(factor * 100)} %")
        self.zoom_label.setVisible(True)
        self.zoom_group.setExclusive(False)
        for button in self.zoom_group.buttons():
            button.setChecked(button is self.actual_size_button and abs(factor - 1.0) < 1e-3)
        self.zoom_group.setExclusive(True)

    def zoom(self) -> float:
        return self.view.zoomFactor()

    def step_zoom(self, direction: int) -> None:
        now = self.view.zoomFactor() if self.view.zoomMode() == QPdfView.ZoomMode.Custom else self._effective_zoom()
        if direction > 0:
            factor = next((z for z in ZOOM_STEPS if z > now + 1e-3), ZOOM_STEPS[-1])
        else:
            factor = next((z for z in reversed(ZOOM_STEPS) if z < now - 1e-3), ZOOM_STEPS[0])
        self.set_zoom(factor)

    def _effective_zoom(self) -> float:
        """The factor a fit mode shows, so + and − step from what is on screen."""
        if self.page_count() == 0:
            return 1.0
        points = self.document.pagePointSize(max(0, self.current_page()))
        dpi = self.logicalDpiX() / 72
        if points.width() <= 0:
            return 1.0
        return self.view.viewport().width() / (points.width() * dpi)

    def _update_buttons(self) -> None:
        count = self.page_count()
        page = self.navigator.currentPage() if count else 0
        self.prev_button.setEnabled(count > 0 and page > 0)
        self.next_button.setEnabled(count > 0 and page < count - 1)
        self.page_spin.setEnabled(count > 1)
        for w in (self.zoom_in_button, self.zoom_out_button, self.fit_width_button, self.fit_page_button,
                  self.actual_size_button):
            w.setEnabled(count > 0)
