"""One letter as a PDF: :func:`render_letter`.

Page one carries the letterhead, the sender's return line and the recipient's address
in the envelope window (plain ``drawString`` calls, font by font), the reference and
date block, and the text; later pages carry a continuation header (reference,
recipient, page). Every page has fold and hole marks, the organisation's contact line
and "Page x of y". The PDF asks viewers not to scale it when printing, so the address
stays in the window, and is byte-for-byte reproducible for the same request.
"""

from __future__ import annotations

import copy
import hashlib
import io
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
)

from muse_care.domain.organisation import OrganisationProfile
from muse_care.letters import fonts
from muse_care.letters.address import address_lines, country_name, sender_line
from muse_care.letters.errors import AddressDoesNotFit, LetterError
from muse_care.letters.layouts import (
    ADDRESS_PT,
    LATIN_ASCENT,
    LATIN_DESCENT,
    LEADING,
    MIN_ADDRESS_PT,
    TOP_PAD_MM,
    Geometry,
    geometry,
)
from muse_care.letters import kinds
from muse_care.letters.model import (
    Layout,
    LetterRequest,
    PostalAddress,
    RenderedLetter,
    date_style_for,
    field_spec,
)
from muse_care.letters.templates import fill

KIND_TITLES = kinds.TITLES  # declared once, in letters/kinds.py

GREY = colors.Color(0.35, 0.35, 0.35)
MARK_GREY = colors.Color(0.55, 0.55, 0.55)
BODY_PT = 10.0


MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


def format_date(d: date, style: str) -> str:
    """'3 March 2026' (uk) or 'March 3, 2026' (us).

    From a table, not strftime('%B'): the window's QApplication sets the C locale from
    the system, and an English letter must not say 'novembre' on an Italian machine.
    """
    month = MONTH_NAMES[d.month]
    if style == "us":
        return f"{month} {d.day}, {d.year}"
    return f"{d.day} {month} {d.year}"


@dataclass(frozen=True)
class PlacedLine:
    """A prepared line of text and its baseline, both in points from the sheet's bottom-left."""

    text: str
    x: float
    y: float
    size: float
    bold: bool = False


def _ascent_descent(text: str, bold: bool) -> tuple[float, float]:
    """Largest ascent and descent (in em) over the fonts a line uses."""
    asc, desc = 0.0, 0.0
    for font_name, _ in fonts.runs(text, bold):
        face = pdfmetrics.getFont(font_name).face
        scale = fonts.SCALE.get(font_name, 1.0)
        asc = max(asc, scale * face.ascent / 1000.0)
        desc = max(desc, scale * abs(face.descent) / 1000.0)
    return asc, desc


_LATIN_ASCENT = LATIN_ASCENT
_LATIN_DESCENT = LATIN_DESCENT


def layout_address(lines: list[tuple[str, str]], geo: Geometry) -> list[PlacedLine]:
    """Place prepared address lines inside the window, shrinking the type to 8 pt at most.

    Raises :class:`AddressDoesNotFit` if they do not fit even at 8 pt.
    """
    box = geo.address_box
    top = geo.y_pt(box.y)
    bottom = geo.y_pt(box.bottom)
    left = box.x * mm
    width = box.w * mm - 1.5 * mm  # keep clear of the window's edge
    metrics = [_ascent_descent(text, False) for _, text in lines]
    problem = ""
    for size in ADDRESS_PT:
        too_wide = [(label, text) for label, text in lines if fonts.text_width(text, size) > width]
        if too_wide:
            label = too_wide[0][0]
            problem = f"{label} is {fonts.text_width(too_wide[0][1], size) / mm:.0f} mm wide at {size:g} pt"
            continue
        placed: list[PlacedLine] = []
        y = top - metrics[0][0] * size - TOP_PAD_MM * mm
        for i, (_, text) in enumerate(lines):
            if i:
                # Latin lines sit LEADING apart; a line in a font that reaches further
                # (Naskh descenders) gets the difference on top so lines never collide.
                extra = max(0.0, metrics[i - 1][1] - _LATIN_DESCENT) + max(0.0, metrics[i][0] - _LATIN_ASCENT)
                y -= (LEADING + extra) * size
            placed.append(PlacedLine(text, left, y, size))
        if y - metrics[-1][1] * size >= bottom:
            return placed
        problem = f"{len(lines)} lines do not fit in {box.h:g} mm at {size:g} pt"
    raise AddressDoesNotFit(
        "recipient address",
        f"does not fit the {geo.layout} envelope window ({box.w:g} x {box.h:g} mm) even at "
        f"{MIN_ADDRESS_PT:g} pt: {problem}; shorten or combine lines",
    )


def check_address_fits(address: PostalAddress, layout: str, sender_country: str) -> None:
    """Raise the :class:`LetterError` (naming the address part at fault) that rendering
    a letter to ``address`` in ``layout`` would raise; nothing is drawn."""
    fonts.faces()
    lines = [(label, fonts.prepare(text, label)) for label, text in address_lines(address, sender_country)]
    layout_address(lines, geometry(Layout(layout)))


def _fit_line(text: str, max_width: float, sizes: tuple[float, ...], field: str) -> float:
    for size in sizes:
        if fonts.text_width(text, size) <= max_width:
            return size
    raise LetterError(field, f"is too long to print in {max_width / mm:.0f} mm even at {sizes[-1]:g} pt")


class _Styles:
    def __init__(self) -> None:
        # No line left alone at the top or bottom of a page (docs/letters.md, "Text").
        base = dict(fontName=fonts.BODY_FONT, fontSize=BODY_PT, leading=BODY_PT * 1.35, alignment=TA_LEFT,
                    allowWidows=0, allowOrphans=0)
        self.body = ParagraphStyle("body", spaceAfter=BODY_PT * 0.7, **base)
        self.subject = ParagraphStyle(
            "subject", parent=self.body, fontName=fonts.BODY_FONT_BOLD, fontSize=10.5, spaceAfter=6 * mm
        )
        self.heading = ParagraphStyle(
            "heading", parent=self.body, fontName=fonts.BODY_FONT_BOLD, spaceBefore=3, spaceAfter=3,
            keepWithNext=1,
        )
        self.bullet = ParagraphStyle(
            "bullet",
            parent=self.body,
            leftIndent=5 * mm,
            bulletIndent=1 * mm,
            bulletFontName=fonts.BODY_FONT,
            spaceAfter=2.5,
        )
        self.closing = ParagraphStyle("closing", parent=self.body, spaceAfter=0)


_STYLES: _Styles | None = None

# Parsed paragraph markup, by (markup, style, bullet): most of a letter's paragraphs are
# the template's wording, the same in every letter, and reportlab's parser (an HTML
# parser) took a tenth of a letter's time. Each Paragraph gets its own copies of the
# fragments, so nothing drawn in one letter can reach another. PARSED_ONCE = False
# parses every time (tests compare the two, byte for byte).
PARSED_ONCE = True
_PARSED: dict[tuple[str, str, str | None], tuple[ParagraphStyle, list[Any], tuple[str, ParagraphStyle, Any]]] = {}
_PLAIN = (str, int, float, bool, type(None), tuple, colors.Color)


def _copy_frags(frags: list[Any]) -> list[Any]:
    """Fresh fragments, sharing their lists with one another as the parsed ones do."""
    lists: dict[int, list[Any]] = {}
    out = []
    for frag in frags:
        copy = frag.clone()
        for key, value in copy.__dict__.items():
            if type(value) is list:
                copy.__dict__[key] = lists.setdefault(id(value), list(value))
        out.append(copy)
    return out


# Lines broken once per process, by (markup, style, bullet, width): reportlab's line
# breaking (a string width for every word) took a sixth of a letter's time, and the
# template's paragraphs are the same in every letter. Kept only for a paragraph set in
# one font (words that are plain strings, nothing hyphenated) whose wrap left nothing
# but numbers, strings and those lines; each paragraph gets its own copies of the lists.
# WRAPPED_ONCE = False breaks every paragraph's lines afresh (tests compare the two).
WRAPPED_ONCE = True
_WRAPPED: dict[tuple[Any, ...], tuple[ParagraphStyle, dict[str, Any]]] = {}
_SCALARS = (str, int, float, bool, type(None))


def _plain_lines(bl: Any) -> bool:
    if getattr(bl, "kind", None) != 0 or type(bl.lines) is not list:
        return False
    for line in bl.lines:
        if type(line) is not tuple or len(line) != 2 or type(line[0]) not in (int, float) or \
                type(line[1]) is not list or any(type(w) is not str for w in line[1]):
            return False
    return all(k == "lines" or isinstance(v, _PLAIN) or (type(v) is list and not v) for k, v in bl.__dict__.items())


def _fresh(value: Any) -> Any:
    """A copy of what a wrap left, sharing nothing that can change."""
    if type(value) is list:
        return list(value)
    if hasattr(value, "lines"):  # the broken lines (an ABag)
        bl = value.clone()
        for key, item in bl.__dict__.items():
            if type(item) is list:
                bl.__dict__[key] = list(item)
        bl.lines = [(extra, list(words)) for extra, words in value.lines]
        return bl
    return value


class _OnceParagraph(Paragraph):  # type: ignore[misc]
    """A Paragraph of remembered markup (``_once``: its key), whose lines at a width
    are broken once per process (see WRAPPED_ONCE); pieces split off it at a page end
    are ordinary paragraphs of its class without a key."""

    _once: tuple[str, str, str | None] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        key = self._once
        if key is None or not WRAPPED_ONCE or availWidth < 1e-8:
            return cast("tuple[float, float]", super().wrap(availWidth, availHeight))
        wrap_key = (*key, availWidth)
        known = _WRAPPED.get(wrap_key)
        if known is not None and known[0] is self.style:
            for name, value in known[1].items():
                self.__dict__[name] = _fresh(value)
            return self.width, self.height
        before = dict(self.__dict__)
        result = super().wrap(availWidth, availHeight)
        left = {k: v for k, v in self.__dict__.items() if k not in before or before[k] is not v}
        if "blPara" not in before and self.frags is before.get("frags") and "frags" not in left and all(
                type(v) in _SCALARS or (type(v) is list and all(type(x) in (int, float) for x in v))
                or (k == "blPara" and _plain_lines(v)) for k, v in left.items()):
            if len(_WRAPPED) >= 4096:
                _WRAPPED.clear()
            _WRAPPED[wrap_key] = (self.style, {k: _fresh(v) for k, v in left.items()})
        return cast("tuple[float, float]", result)


def _paragraph(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    if not PARSED_ONCE:
        return Paragraph(text, style, bulletText=bullet)
    key = (text, style.name, bullet)
    known = _PARSED.get(key)
    if known is None or known[0] is not style:
        para = Paragraph(text, style, bulletText=bullet)
        # Only fragments of plain values (and empty lists) are kept: anything else is
        # parsed afresh each time.
        if isinstance(para.bulletText, (str, type(None))) and all(
                all(isinstance(v, _PLAIN) or (type(v) is list and not v) for v in f.__dict__.values())
                for f in para.frags):
            if len(_PARSED) >= 4096:
                _PARSED.clear()
            _PARSED[key] = (style, _copy_frags(para.frags), (para.text, para.style, para.bulletText))
        return para
    _, frags, (clean_text, parsed_style, bullet_text) = known
    para = _OnceParagraph(clean_text, parsed_style, bulletText=bullet_text, frags=_copy_frags(frags))
    para._once = key
    return para


def _styles() -> _Styles:
    global _STYLES
    if _STYLES is None:
        _STYLES = _Styles()
    return _STYLES


@dataclass(frozen=True)
class _Decor:
    """Everything drawn outside the text frame, all text already prepared."""

    geo: Geometry
    letterhead: str
    team: str
    return_line: str
    return_size: float
    address: tuple[PlacedLine, ...]
    info: tuple[tuple[str, str, float], ...]  # (label, prepared value, size)
    footer: tuple[str, ...]
    header: str  # continuation header: reference · recipient


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds pages back until the end so each can say "Page x of y"."""

    decor: _Decor

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._page_numbers(number, total)
            Canvas.showPage(self)
        Canvas.save(self)

    def _page_numbers(self, number: int, total: int) -> None:
        geo = self.decor.geo
        label = f"Page {number} of {total}"
        self.setFillColor(GREY)
        width = pdfmetrics.stringWidth(label, fonts.BODY_FONT, 8)  # drawRightString's width
        fonts.draw_string(self, geo.body_right * mm - width, geo.y_pt(geo.body_bottom + 5), label, fonts.BODY_FONT, 8)


def _canvas_maker(decor: _Decor) -> Any:
    def make(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        canvas = _NumberedCanvas(*args, **kwargs)
        canvas.decor = decor
        return canvas

    return make


def _marks(c: Canvas, geo: Geometry) -> None:
    c.saveState()
    c.setStrokeColor(MARK_GREY)
    c.setLineWidth(0.4)
    for y in geo.fold_marks:
        c.line(4 * mm, geo.y_pt(y), 9 * mm, geo.y_pt(y))
    if geo.hole_mark is not None:
        c.line(4 * mm, geo.y_pt(geo.hole_mark), 12 * mm, geo.y_pt(geo.hole_mark))
    c.restoreState()


def _footer(c: Canvas, d: _Decor) -> None:
    geo = d.geo
    c.saveState()
    c.setStrokeColor(MARK_GREY)
    c.setLineWidth(0.4)
    c.line(geo.body_left * mm, geo.y_pt(geo.body_bottom + 8), geo.body_right * mm, geo.y_pt(geo.body_bottom + 8))
    c.setFillColor(GREY)
    for i, line in enumerate(d.footer):
        fonts.draw_text(c, geo.body_left * mm, geo.y_pt(geo.body_bottom + 11.5 + i * 3.4), line, 7)
    c.restoreState()


def _first_page(c: Canvas, doc: Any) -> None:
    d: _Decor = doc.decor
    geo = d.geo
    c.saveState()
    _marks(c, geo)
    fonts.draw_text(c, geo.body_left * mm, geo.y_pt(17), d.letterhead, 16, bold=True)
    c.setFillColor(GREY)
    fonts.draw_text(c, geo.body_left * mm, geo.y_pt(22.5), d.team, 9)
    # Return line, underlined as DIN 5008 shows it, inside the window above the address.
    x = geo.address_box.x * mm
    width = fonts.draw_text(c, x, geo.y_pt(geo.return_line_y), d.return_line, d.return_size)
    c.setStrokeColor(MARK_GREY)
    c.setLineWidth(0.3)
    c.line(x, geo.y_pt(geo.return_line_y) - 1.2, x + width, geo.y_pt(geo.return_line_y) - 1.2)
    c.setFillColor(colors.black)
    for line in d.address:
        fonts.draw_text(c, line.x, line.y, line.text, line.size)
    y = geo.y_pt(geo.info_y) - 8
    for label, value, size in d.info:
        c.setFillColor(GREY)
        fonts.draw_string(c, geo.info_x * mm, y, label, fonts.BODY_FONT, 7)
        c.setFillColor(colors.black)
        fonts.draw_text(c, geo.info_x * mm, y - size - 1.5, value, size)
        y -= size + 10.5
    c.restoreState()
    _footer(c, d)


def _later_page(c: Canvas, doc: Any) -> None:
    d: _Decor = doc.decor
    geo = d.geo
    c.saveState()
    _marks(c, geo)
    c.setFillColor(GREY)
    fonts.draw_text(c, geo.body_left * mm, geo.y_pt(15), d.header, 8.5)
    c.setStrokeColor(MARK_GREY)
    c.setLineWidth(0.4)
    c.line(geo.body_left * mm, geo.y_pt(18), geo.body_right * mm, geo.y_pt(18))
    c.restoreState()
    _footer(c, d)


class _Frame(Frame):  # type: ignore[misc]
    """A Frame whose deep copy (platypus copies the frame each time it measures the
    signature block, KeepTogether) copies only its lists and dicts: the rest of it is
    numbers and strings."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Frame:
        new = copy.copy(self)
        for key, value in self.__dict__.items():
            if isinstance(value, (list, dict)):
                new.__dict__[key] = copy.deepcopy(value, memo)
        return new


class _LetterDoc(BaseDocTemplate):  # type: ignore[misc]
    def __init__(self, buf: io.BytesIO, decor: _Decor, **kwargs: Any) -> None:
        geo = decor.geo
        self.decor = decor
        super().__init__(
            buf,
            pagesize=geo.pagesize,
            leftMargin=geo.body_left * mm,
            rightMargin=(geo.page_w_mm - geo.body_right) * mm,
            invariant=1,
            printScaling="None",
            displayDocTitle=1,
            initialFontName=fonts.BODY_FONT,
            **kwargs,
        )
        width = (geo.body_right - geo.body_left) * mm
        first = _Frame(
            geo.body_left * mm,
            geo.y_pt(geo.body_bottom),
            width,
            (geo.body_bottom - geo.body_top_first) * mm,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="first",
        )
        later = _Frame(
            geo.body_left * mm,
            geo.y_pt(geo.body_bottom),
            width,
            (geo.body_bottom - geo.body_top_later) * mm,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="later",
        )
        self.addPageTemplates(
            [
                PageTemplate("first", [first], onPage=_first_page, autoNextPageTemplate="later"),
                PageTemplate("later", [later], onPage=_later_page),
            ]
        )


def _org_address_footer(org: OrganisationProfile) -> tuple[str, ...]:
    place = " ".join(p for p in (org.city, org.postcode) if p)
    first = " · ".join([org.controller_name, *org.address_lines, place, country_name(org.country).title()])
    second = " · ".join(p for p in (org.email, org.phone, org.website) if p)
    return (first, second)


def build_story(req: LetterRequest, values: dict[str, str]) -> list[Flowable]:
    spec = field_spec(req.kind)
    letter = fill(req.kind, values, req.organisation, spec.lists, req.law)
    st = _styles()
    story: list[Flowable] = [_paragraph(letter.subject, st.subject), _paragraph(letter.salutation, st.body)]
    for block in letter.blocks:
        if block.kind == "heading":
            story.append(_paragraph(block.items[0], st.heading))  # keepWithNext: never last on a page
        elif block.kind == "paragraph":
            story.append(_paragraph(block.items[0], st.body))
        else:
            story.extend(_paragraph(item, st.bullet, "\u2022") for item in block.items)
            story.append(Spacer(1, BODY_PT * 0.45))
    org = req.organisation
    sign = [
        Spacer(1, 2 * mm),
        _paragraph(letter.sign_off, st.closing),
        Spacer(1, 12 * mm),
    ]
    # Signed by a person when the profile names one (name, then role), else by the team.
    signer = [(org.signatory_name, "organisation signatory_name"), (org.signatory_role, "organisation signatory_role")]
    signer = [(text, label) for text, label in signer if text.strip()] or [(org.team_name, "organisation team_name")]
    if org.signatory_name.strip() and org.team_name.strip():
        signer.append((org.team_name, "organisation team_name"))
    sign += [_paragraph(fonts.markup(fonts.prepare(text.strip(), label)), st.closing) for text, label in signer]
    sign.append(_paragraph(fonts.markup(fonts.prepare(org.controller_name, "organisation controller_name")),
                          st.closing))
    # Enclosures are listed after the signature, whatever the kind.
    if any(e.strip() for e in req.enclosures):
        sign.append(Spacer(1, 6 * mm))
        sign.append(_paragraph(fonts.markup("Enclosures", bold=True), st.heading))
        for i, enclosure in enumerate(e for e in req.enclosures if e.strip()):
            sign.append(
                _paragraph(fonts.markup(fonts.prepare(enclosure, f"enclosure {i + 1}")), st.bullet, "\u2022")
            )
    story.append(KeepTogether(sign))
    return story


def render_letter(req: LetterRequest) -> RenderedLetter:
    """Render ``req`` to a PDF; raise a :class:`LetterError` naming the field at fault."""
    req.validate()
    fonts.faces()
    geo = geometry(req.layout)
    org = req.organisation

    addr = [(label, fonts.prepare(text, label)) for label, text in address_lines(req.recipient, org.country)]
    placed = layout_address(addr, geo)

    ret = fonts.prepare(
        sender_line(
            org.controller_name, org.address_lines, org.city, org.postcode, org.region, org.country,
            req.recipient.country,
        ),
        "organisation address",
    )
    window_text_w = (geo.window.right - geo.address_box.x) * mm - 1.5 * mm
    ret_size = _fit_line(ret, window_text_w, (7.0, 6.5, 6.0, 5.5, 5.0), "organisation address (return line)")

    letter_date = format_date(req.letter_date, date_style_for(req.recipient.country))
    reference = fonts.prepare(req.reference, "reference")
    info_w = (geo.body_right - geo.info_x) * mm
    info = (
        ("Our reference", reference, _fit_line(reference, info_w, (9.0, 8.0, 7.0), "reference")),
        ("Date", fonts.prepare(letter_date, "letter date"), 9.0),
        ("Email", fonts.prepare(org.email, "organisation email"), 9.0),
        ("Telephone", fonts.prepare(org.phone, "organisation phone"), 9.0),
        ("Website", fonts.prepare(org.website, "organisation website"), 9.0),
    )
    name = fonts.prepare(req.recipient.name.strip(), "recipient name")
    header = fonts.prepare(f"Our reference {req.reference}", "reference") + "  ·  " + name
    decor = _Decor(
        geo=geo,
        letterhead=fonts.prepare(org.controller_name, "organisation controller_name"),
        team=fonts.prepare(org.team_name, "organisation team_name"),
        return_line=ret,
        return_size=ret_size,
        address=tuple(placed),
        info=info,
        footer=tuple(fonts.prepare(line, "organisation address") for line in _org_address_footer(org)),
        header=header,
    )

    values = {k: v for k, v in req.fields.items()}
    values["reference"] = req.reference
    values["letter_date"] = letter_date
    values["recipient_name"] = req.recipient.name.strip()
    story = build_story(req, values)

    buf = io.BytesIO()
    doc = _LetterDoc(
        buf,
        decor,
        title=f"{kinds.get(req.kind).title}: {req.reference}",
        subject=req.reference,
        author=org.controller_name,
        creator="MUSE Care",
        producer="MUSE Care (reportlab)",
    )
    doc.build(story, canvasmaker=_canvas_maker(decor))
    pdf = buf.getvalue()
    return RenderedLetter(
        kind=req.kind,
        reference=req.reference,
        recipient_name=req.recipient.name.strip(),
        layout=geo.layout,
        pdf=pdf,
        page_count=doc.page,
        sha256=hashlib.sha256(pdf).hexdigest(),
        country=req.recipient.country.strip().upper(),
    )
