"""The mailroom's print run, and password protection for PDFs.

:func:`render_print_run` joins rendered letters into one PDF for a duplex printer: a
cover sheet listing every letter, then the letters, each padded with blank pages to an
even count so that every letter (and the first letter after the cover) starts on the
front of a sheet. Page numbers stay those printed within each letter.

:func:`encrypt_pdf` protects a PDF with AES-256 through pypdf; reportlab's own AES
output cannot be opened by poppler or pypdf (docs/letters.md, "Protected PDFs").

One run is one paper size: A4 and US Letter never share a print job (a printer asked
for both either stops for the other tray or prints one size on the other's paper, and
the address misses the window). :func:`render_print_run` refuses a mix, and the cover
sheet names the paper and each letter's destination country.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.lib.styles import ParagraphStyle

from muse_care.domain.organisation import OrganisationProfile
from muse_care.letters import fonts
from muse_care.letters.errors import LetterError
from muse_care.letters import kinds
from muse_care.letters.model import RenderedLetter, paper_of
from muse_care.letters.render import format_date


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _cover(letters: Sequence[RenderedLetter], run_date: date, org: OrganisationProfile,
           label: str = "", seal: str = "") -> bytes:
    fonts.faces()
    paper = paper_of(letters[0].layout)
    pagesize = LETTER if paper == "US Letter" else A4
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=pagesize,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"Print run {run_date.isoformat()}",
        subject=f"Print run {run_date.isoformat()}: {_plural(len(letters), 'letter')}",
        author=org.controller_name,
        creator="MUSE Care",
        invariant=1,
        printScaling="None",
        initialFontName=fonts.BODY_FONT,
    )
    h1 = ParagraphStyle("h1", fontName=fonts.BODY_FONT_BOLD, fontSize=14, leading=18, spaceAfter=4)
    body = ParagraphStyle("b", fontName=fonts.BODY_FONT, fontSize=9, leading=11.5)
    bold = ParagraphStyle("bb", parent=body, fontName=fonts.BODY_FONT_BOLD)
    total_pages = sum(lt.page_count + lt.page_count % 2 for lt in letters)
    heading = f"Print run {label} of {format_date(run_date, 'uk')}" if label else \
        f"Print run of {format_date(run_date, 'uk')}"
    story = [
        Paragraph(fonts.markup(fonts.prepare(heading, "run date"), True), h1),
        Paragraph(fonts.markup(fonts.prepare(f"Paper: {paper} only. Load {paper} paper; every letter in this "
                                             "run is on it.", "paper"), True), bold),
        Paragraph(
            fonts.markup(
                fonts.prepare(
                    f"{org.controller_name} · {_plural(len(letters), 'letter')} · "
                    f"{_plural(total_pages, 'page')} after this cover "
                    "· print duplex: every letter starts on the front of a sheet",
                    "organisation controller_name",
                )
            ),
            body,
        ),
        Spacer(1, 6 * mm),
    ]
    if seal:
        story.insert(2, Paragraph(f"History seal before this run: {seal}",
                                  ParagraphStyle("seal", fontName="Courier", fontSize=6.5, leading=9)))
    rows = [[Paragraph(fonts.markup(h, True), bold)
             for h in ("#", "Reference", "Recipient", "Country", "Paper", "Letter", "Pages")]]
    for i, lt in enumerate(letters, start=1):
        rows.append(
            [
                Paragraph(str(i), body),
                Paragraph(fonts.markup(fonts.prepare(lt.reference, f"letter {i} reference")), body),
                Paragraph(fonts.markup(fonts.prepare(lt.recipient_name, f"letter {i} recipient name"), size=9), body),
                Paragraph(fonts.markup(lt.country or "?"), body),
                Paragraph(fonts.markup(paper_of(lt.layout)), body),
                Paragraph(fonts.markup(fonts.prepare(kinds.title(lt.kind), f"letter {i} kind")), body),
                Paragraph(str(lt.page_count), body),
            ]
        )
    width = pagesize[0] - 40 * mm
    table = LongTable(rows, colWidths=[8 * mm, 32 * mm, width - 128 * mm, 17 * mm, 18 * mm, 40 * mm, 13 * mm],
                      repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.Color(0.75, 0.75, 0.75)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ("FONTNAME", (0, 0), (-1, -1), fonts.BODY_FONT),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buf.getvalue()


def _append_padded(writer: PdfWriter, pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        writer.add_page(page)
    if len(reader.pages) % 2:
        last = reader.pages[-1].mediabox
        writer.add_blank_page(width=float(last.width), height=float(last.height))


def render_print_run(
    letters: Sequence[RenderedLetter], run_date: date, organisation: OrganisationProfile, label: str = "",
    seal: str = "",
) -> bytes:
    """One PDF: a cover sheet, then every letter, each padded to an even page count.
    Every letter must be on the same paper size. ``seal``: the history's seal
    (COUNT:HASH), printed on the cover so paper carries it."""
    if not letters:
        raise LetterError("print run", "there are no letters to print")
    papers = sorted({paper_of(lt.layout) for lt in letters})
    if len(papers) > 1:
        raise LetterError("print run", f"the letters are on {' and '.join(papers)}: one run is one paper size")
    writer = PdfWriter()
    _append_padded(writer, _cover(letters, run_date, organisation, label, seal))
    for letter in letters:
        _append_padded(writer, letter.pdf)
    writer.add_metadata(
        {
            "/Title": f"Print run {run_date.isoformat()}",
            "/Subject": f"{_plural(len(letters), 'letter')} on {papers[0]}",
            "/Author": organisation.controller_name,
            "/Creator": "MUSE Care",
        }
    )
    prefs = writer.create_viewer_preferences()
    prefs[NameObject("/PrintScaling")] = NameObject("/None")
    prefs[NameObject("/Duplex")] = NameObject("/DuplexFlipLongEdge")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypt_pdf(pdf: bytes, password: str) -> bytes:
    """``pdf`` protected with AES-256 (pypdf); opening it needs ``password``."""
    if not password:
        raise LetterError("password", "a protected PDF needs a password")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password=None, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
