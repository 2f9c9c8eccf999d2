"""Plain tables as CSV and PDF: the preservation-hold list and the disclosure bundle's index.

User text never becomes markup: every cell goes through the letter engine's
:func:`~muse_care.letters.fonts.prepare` (which refuses what no shipped font can print)
and :func:`~muse_care.letters.fonts.markup` (which escapes it). CSV cells that a
spreadsheet would run as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from pathlib import Path

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 ]*")


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _replace_atomically(path: Path, write: object) -> None:
    """``write(temp)`` fills a private temporary file made by ``mkstemp`` beside
    ``path`` (0600, never through a symlink); it is renamed over ``path`` when complete
    and removed on failure (see docs/security.md, "Files on disk")."""
    import tempfile

    from muse_care.domain.private_files import PARTIAL_SUFFIX, check_destination, make_private

    check_destination(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX)
    os.close(fd)
    temp = Path(name)
    try:
        write(temp)  # type: ignore[operator]
        make_private(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    def write(temp: Path) -> None:
        with open(temp, "w", newline="", encoding="utf-8-sig") as f:
            out = csv.writer(f)
            out.writerow(header)
            for row in rows:
                out.writerow([csv_cell(c) for c in row])

    _replace_atomically(Path(path), write)


def write_table_pdf(path: Path, title: str, intro: Sequence[str], sections: Sequence[tuple[str, Sequence[str],
                    Sequence[Sequence[str]], Sequence[float]]], *, mono_columns: Sequence[int] = ()) -> None:
    """A landscape A4 PDF: a title, intro lines, then one plain table per section
    (heading, column headings, rows, column widths in points)."""
    _table_pdf(path, title, intro, sections, mono_columns=mono_columns)


def table_pdf_bytes(title: str, intro: Sequence[str], sections: Sequence[tuple[str, Sequence[str],
                    Sequence[Sequence[str]], Sequence[float]]], *, mono_columns: Sequence[int] = ()) -> bytes:
    """The same PDF in memory (to be encrypted before anything reaches the disk)."""
    import io

    buffer = io.BytesIO()
    _table_pdf(buffer, title, intro, sections, mono_columns=mono_columns)
    return buffer.getvalue()


def _table_pdf(target: Path | object, title: str, intro: Sequence[str], sections: Sequence[tuple[str, Sequence[str],
               Sequence[Sequence[str]], Sequence[float]]], *, mono_columns: Sequence[int] = ()) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from muse_care.letters import fonts

    fonts.faces()
    body = ParagraphStyle("cell", fontName=fonts.BODY_FONT, fontSize=7.5, leading=9.5)
    bold = ParagraphStyle("head", parent=body, fontName=fonts.BODY_FONT_BOLD)
    mono = ParagraphStyle("mono", parent=body, fontName="Courier", fontSize=6.5, leading=9.5)
    h1 = ParagraphStyle("h1", parent=body, fontName=fonts.BODY_FONT_BOLD, fontSize=14, leading=18)
    h2 = ParagraphStyle("h2", parent=body, fontName=fonts.BODY_FONT_BOLD, fontSize=10, leading=14,
                        spaceBefore=8, spaceAfter=4)
    intro_style = ParagraphStyle("intro", parent=body, fontSize=9, leading=12)

    def para(text: str, style: ParagraphStyle, field: str) -> Paragraph:
        if style is mono:
            from xml.sax.saxutils import escape

            return Paragraph(escape(text), style)
        lines = [fonts.markup(fonts.prepare(line, field)) for line in str(text).split("\n")]
        return Paragraph("<br/>".join(lines), style)

    story: list[object] = [para(title, h1, "title"), Spacer(1, 4)]
    story += [para(line, intro_style, "intro") for line in intro]
    for heading, columns, rows, widths in sections:
        story.append(para(heading, h2, "heading"))
        if not rows:
            story.append(para("None.", intro_style, "none"))
            continue
        data = [[para(c, bold, "column") for c in columns]]
        for row in rows:
            data.append([para(str(cell), mono if i in mono_columns else body, columns[i])
                         for i, cell in enumerate(row)])
        table = Table(data, colWidths=list(widths), repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]))
        story.append(table)

    def page_number(canvas: object, doc: object) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont(fonts.BODY_FONT, 7)  # type: ignore[attr-defined]
        canvas.drawRightString(landscape(A4)[0] - 36, 20,  # type: ignore[attr-defined]
                               f"Page {canvas.getPageNumber()}")  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    def write(temp: object) -> None:
        doc = SimpleDocTemplate(temp if not isinstance(temp, Path) else str(temp), pagesize=landscape(A4),
                                leftMargin=36, rightMargin=36, topMargin=36, bottomMargin=36, title=title,
                                author="MUSE Care")
        doc.build(story, onFirstPage=page_number, onLaterPages=page_number)

    if isinstance(target, (str, Path)):
        _replace_atomically(Path(target), write)
    else:
        write(target)
