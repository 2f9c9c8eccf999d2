"""Sheet geometry of each letter layout, in millimetres from the sheet's top-left corner.

The measurements and their sources are in docs/letters.md, "Layouts": DIN 5008 Form A
and B; the GOV.UK Notify letter specification for the UK address block; a US #10 window
envelope on Letter paper with the US Postal Service's 1/8 inch clearance.

``window`` is the envelope window; ``address_box`` is the part of it the recipient's
address may use (DIN 5008 keeps the top 17.7 mm of the field for the return line and
endorsements; US #10 keeps 3.2 mm clear of every edge of the window). Nothing of the
recipient's address is ever drawn outside ``address_box``: an address that does not fit
at :data:`MIN_ADDRESS_PT` is an error, and :func:`line_capacity` says how many lines fit.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm as _mm

mm: float = float(_mm)

from muse_care.letters.model import Layout

ADDRESS_PT = (10.0, 9.5, 9.0, 8.5, 8.0)
MIN_ADDRESS_PT = ADDRESS_PT[-1]
LEADING = 1.2


@dataclass(frozen=True)
class Box:
    """A rectangle in mm: left, top, width, height (top measured down from the sheet's top)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    def inset(self, d: float) -> Box:
        return Box(self.x + d, self.y + d, self.w - 2 * d, self.h - 2 * d)

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Geometry:
    layout: Layout
    page_w_mm: float
    page_h_mm: float
    window: Box
    address_box: Box
    return_line_y: float  # baseline of the sender's return line
    info_x: float  # reference/date block
    info_y: float
    body_left: float
    body_right: float  # distance of the text's right edge from the sheet's left
    body_top_first: float
    body_top_later: float
    body_bottom: float  # lowest point of the text frame
    fold_marks: tuple[float, ...]
    hole_mark: float | None
    date_style: str  # "uk" = 3 March 2026, "us" = March 3, 2026

    @property
    def pagesize(self) -> tuple[float, float]:
        return (self.page_w_mm * mm, self.page_h_mm * mm)

    def y_pt(self, y_mm: float) -> float:
        """reportlab's y (points from the bottom) for a distance in mm from the top."""
        return (self.page_h_mm - y_mm) * mm


_A4_W = A4[0] / mm
_A4_H = A4[1] / mm
_LT_W = LETTER[0] / mm
_LT_H = LETTER[1] / mm

USPS_CLEARANCE_MM = 3.2  # 1/8 inch between the address and every edge of the window
US10_WINDOW = Box(18.8, 48.8, 95.4, 28.4)

GEOMETRIES: dict[Layout, Geometry] = {
    Layout.DIN5008_B: Geometry(
        layout=Layout.DIN5008_B,
        page_w_mm=_A4_W,
        page_h_mm=_A4_H,
        window=Box(20, 45, 85, 45),
        address_box=Box(25, 62.7, 80, 27.3),
        return_line_y=60.0,
        info_x=125,
        info_y=50,
        body_left=25,
        body_right=190,
        body_top_first=98.5,
        body_top_later=27,
        body_bottom=272,
        fold_marks=(105, 210),
        hole_mark=148.5,
        date_style="uk",
    ),
    Layout.DIN5008_A: Geometry(
        layout=Layout.DIN5008_A,
        page_w_mm=_A4_W,
        page_h_mm=_A4_H,
        window=Box(20, 27, 85, 45),
        address_box=Box(25, 44.7, 80, 27.3),
        return_line_y=42.0,
        info_x=125,
        info_y=32,
        body_left=25,
        body_right=190,
        body_top_first=80.5,
        body_top_later=27,
        body_bottom=272,
        fold_marks=(87, 192),
        hole_mark=148.5,
        date_style="uk",
    ),
    Layout.UK: Geometry(
        layout=Layout.UK,
        page_w_mm=_A4_W,
        page_h_mm=_A4_H,
        window=Box(24.6, 39.5, 95.4, 26.8),
        address_box=Box(24.6, 39.5, 95.4, 26.8),
        return_line_y=36.5,
        info_x=130,
        info_y=39.5,
        body_left=24.6,
        body_right=190,
        body_top_first=95,
        body_top_later=27,
        body_bottom=272,
        fold_marks=(99, 198),
        hole_mark=148.5,
        date_style="uk",
    ),
    Layout.US10: Geometry(
        layout=Layout.US10,
        page_w_mm=_LT_W,
        page_h_mm=_LT_H,
        window=US10_WINDOW,
        address_box=US10_WINDOW.inset(USPS_CLEARANCE_MM),  # x 22, y 52, 89 x 22
        return_line_y=49.5,
        info_x=130,
        info_y=52,
        body_left=25.4,
        body_right=_LT_W - 25.4,
        body_top_first=95,
        body_top_later=27,
        body_bottom=_LT_H - 24,
        fold_marks=(_LT_H / 3, 2 * _LT_H / 3),
        hole_mark=None,
        date_style="us",
    ),
}


def geometry(layout: Layout) -> Geometry:
    return GEOMETRIES[Layout(layout)]


LATIN_ASCENT = 1.069  # Noto Sans, em
LATIN_DESCENT = 0.293
TOP_PAD_MM = 0.5  # the first line's ascenders stay this far below the box's top


def line_capacity(layout: Layout | str, size: float = MIN_ADDRESS_PT) -> int:
    """How many lines of Latin text fit the layout's address box at ``size`` points
    (the same arithmetic as the renderer's placement)."""
    box = geometry(Layout(layout)).address_box
    free = box.h * mm - TOP_PAD_MM * mm - (LATIN_ASCENT + LATIN_DESCENT) * size
    return max(0, int(free // (LEADING * size)) + 1)
