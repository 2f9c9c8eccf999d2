"""A print run keeps each font once, and every page is the stored letter's page (issue 16).

One customer's letter in another's envelope is a breach: the run must hold exactly the
stored letters, each page drawing the same content with the same glyphs, while a font
subset that every letter embeds is written once (docs/letters.md, "Fonts")."""

from __future__ import annotations

import hashlib
import io
import subprocess
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from pdf_probe import MM, norm, page_texts, qpdf_check

from muse_care.domain.organisation import DEFAULT_ORGANISATION
from muse_care.letters import fonts
from muse_care.letters.batch import render_letters, render_print_run
from muse_care.letters.errors import UnprintableText
from muse_care.letters.model import Layout, LetterKind
from muse_care.letters.render import render_letter
from muse_care.letters.samples import sample_request

PEOPLE = ["uk", "de", "pk", "cn", "gr", "ru", "tr", "il"]


def _requests(n: int) -> list:
    kinds, layouts = list(LetterKind), [Layout.UK, Layout.DIN5008_B, Layout.DIN5008_A]
    return [sample_request(kinds[i % len(kinds)], layouts[i % 3], PEOPLE[i % len(PEOPLE)], reference=f"MC-S-{i:03d}")
            for i in range(n)]


def _pdffonts(pdf: bytes) -> list[list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "run.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def _font_bytes(font: pikepdf.Object) -> bytes:
    """What a font draws with: glyph program, widths, text mapping, encoding."""
    desc = font.FontDescriptor
    return b"|".join([
        str(font.BaseFont).encode(), font.Widths.unparse(), str(font.FirstChar).encode(),
        str(font.LastChar).encode(), desc.FontFile2.read_bytes(), font.ToUnicode.read_bytes(),
        str(font.get("/Encoding")).encode(),
    ])


def test_a_run_embeds_each_font_subset_once() -> None:
    letters = [render_letter(r) for r in _requests(16)]
    # The seal (Courier) makes the cover number its fonts differently from the letters.
    run = render_print_run(letters, date(2026, 3, 5), DEFAULT_ORGANISATION, seal="16:0123abcd")
    rows = [r for r in _pdffonts(run) if r[0] != "Courier"]
    names = [r[0] for r in rows]
    assert all(r[-5] == "yes" for r in rows), "every font is embedded"
    # One font object per subset: pdffonts lists each name once.
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    # The body faces' first subset is the same in every letter, so it is in the run once.
    assert sum(1 for n in names if n.endswith("+NotoSans-Regular")) <= 1 + sum(
        1 for lt in letters if any(ord(c) > 0xFF for c in lt.recipient_name))
    with pikepdf.open(io.BytesIO(run)) as pdf:
        files = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and "/Length1" in o.stream_dict]
        digests = [hashlib.sha256(o.read_raw_bytes()).digest() for o in files]
        assert len(digests) == len(set(digests)), "a font file is written twice"
    stored = sum(len(lt.pdf) for lt in letters)
    assert len(run) < stored / 4, (len(run), stored)


def test_every_page_of_the_run_is_the_stored_letters_page() -> None:
    letters = [render_letter(r) for r in _requests(12)]
    run = render_print_run(letters, date(2026, 3, 5), DEFAULT_ORGANISATION)
    assert "No syntax or stream encoding errors" in qpdf_check(run)
    run_texts = page_texts(run)
    with pikepdf.open(io.BytesIO(run)) as joined:
        start = 2  # the cover and its blank back
        for lt in letters:
            texts = page_texts(lt.pdf)
            with pikepdf.open(io.BytesIO(lt.pdf)) as alone:
                assert len(alone.pages) == lt.page_count
                for n, page in enumerate(alone.pages):
                    copy = joined.pages[start + n]
                    assert run_texts[start + n] == texts[n], (lt.reference, n)
                    # The same drawing operators ...
                    assert copy.Contents.read_bytes() == page.Contents.read_bytes(), (lt.reference, n)
                    assert [float(v) for v in copy.mediabox] == [float(v) for v in page.mediabox]
                    # ... with, under every resource name, a font drawing the same glyphs.
                    mine, theirs = page.Resources.Font, copy.Resources.Font
                    assert set(mine.keys()) == set(theirs.keys())
                    for name in mine:
                        assert _font_bytes(theirs[name]) == _font_bytes(mine[name]), (lt.reference, name)
            padded = lt.page_count + lt.page_count % 2
            if padded > lt.page_count:
                assert not run_texts[start + lt.page_count].strip()
            start += padded
        assert start == len(joined.pages)


def test_stored_letters_still_open_alone_with_their_fonts() -> None:
    for req in _requests(8):
        pdf = render_letter(req).pdf
        assert "No syntax or stream encoding errors" in qpdf_check(pdf)
        rows = _pdffonts(pdf)
        assert rows and all(r[-5] == "yes" for r in rows)
        assert norm(req.recipient.name.strip()) in norm("".join(page_texts(pdf)))


def test_worker_processes_render_the_same_bytes() -> None:
    requests = _requests(10)
    here = [render_letter(r) for r in requests]
    there = render_letters(requests, workers=2)
    assert [lt.pdf for lt in there] == [lt.pdf for lt in here]
    assert [(lt.reference, lt.page_count, lt.sha256) for lt in there] == \
        [(lt.reference, lt.page_count, lt.sha256) for lt in here]


def test_a_worker_names_the_field_it_cannot_print() -> None:
    requests = _requests(6)
    bad = requests[3]
    requests[3] = replace(bad, recipient=replace(bad.recipient, name="Ada \U0001F600 Lovelace"))
    with pytest.raises(UnprintableText, match="recipient name"):
        render_letters(requests, workers=2)


def test_the_cover_prints_a_long_name_whole_inside_its_column() -> None:
    from pdf_probe import words

    long_name = "Maximiliane Theodora von Hohenzollern-Sigmaringen"
    req = sample_request(LetterKind.ACKNOWLEDGEMENT, Layout.UK, "de", reference="MC-LONG")
    req = replace(req, recipient=replace(req.recipient, name=long_name))
    letters = [render_letter(req)] + [render_letter(r) for r in _requests(3)]
    run = render_print_run(letters, date(2026, 3, 5), DEFAULT_ORGANISATION)
    cover = norm(page_texts(run)[0])
    for part in long_name.split():
        assert part in cover
    width = 210 * MM - 40 * MM
    left = 20 * MM + 40 * MM  # the recipient column: after "#" and "Reference"
    right = left + width - 128 * MM
    placed = [w for w in words(run, 1) if len(w.text) >= 4 and any(w.text in p for p in long_name.split())
              and w.x0 >= left - 1 and w.x0 < right]
    assert {"Maximiliane", "Theodora"} <= {w.text for w in placed}
    assert len({round(w.y0) for w in placed}) >= 2, "wrapped onto a second line"
    assert all(w.x1 <= right + 0.5 for w in placed), [(w.text, w.x1, right) for w in placed]


def test_the_shared_first_subset_holds_the_templates_characters() -> None:
    """Every character of the shipped wording is in the subset all letters share, so
    the run does not carry a second subset per letter for it."""
    from muse_care.letters.resources import letters_dir

    text = "".join(p.read_text(encoding="utf-8") for p in letters_dir().glob("*.txt"))
    body = fonts.faces()[0]
    outside = sorted({c for c in text if ord(c) > 0x7F and ord(c) in body.cmap and c not in fonts.SHARED})
    assert not outside, outside


def _pixels(pdf: bytes, first: int, last: int) -> list[bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "40", "-gray", "-f", str(first), "-l", str(last), str(path),
                        str(Path(tmp) / "p")], check=True, capture_output=True)
        return [p.read_bytes() for p in sorted(Path(tmp).glob("p-*.pgm"))]


def test_run_pages_look_exactly_like_the_stored_letters() -> None:
    """poppler draws each page of the run pixel for pixel as it draws the stored letter
    (Arabic, Chinese, Hebrew and Polish names included)."""
    requests = [r for r in _requests(8) if r.recipient.country in ("PK", "CN", "IL", "DE", "GR")][:5]
    letters = [render_letter(r) for r in requests]
    run = render_print_run(letters, date(2026, 3, 5), DEFAULT_ORGANISATION, seal="5:feed")
    start = 3  # 1-based: after the cover and its back
    for lt in letters:
        alone = _pixels(lt.pdf, 1, lt.page_count)
        joined = _pixels(run, start, start + lt.page_count - 1)
        assert len(alone) == lt.page_count
        assert joined == alone, lt.reference
        start += lt.page_count + lt.page_count % 2


def test_the_shared_subset_encodes_text_as_reportlab_does() -> None:
    """The body faces encode text wholly in the shared subset with one translate();
    the codes must be those reportlab's own splitString gives, for any text."""
    import random

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    class Doc:
        pass

    fonts.faces()
    chars = [chr(c) for c in range(0x20, 0x250)] + list("•–—“”…€™ŁłŻćĞİş\u00a0\u0590\u05d0")
    rnd = random.Random(16)
    for name in (fonts.BODY_FONT, fonts.BODY_FONT_BOLD):
        font = pdfmetrics.getFont(name)
        ours, theirs = Doc(), Doc()
        font.splitString("", ours)
        TTFont.splitString(font, font._shared, theirs)
        font.state[theirs].nextCode = 256
        for _ in range(3000):
            text = "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 12)))
            assert font.splitString(text, ours) == TTFont.splitString(font, text, theirs), text


def _altered(pdf: bytes, change: str) -> tuple[bytes, str]:
    """``pdf`` with its shared NotoSans-Regular subset written afresh (uncompressed) and
    its name kept: as it was ("none"), with one byte of the font file flipped (the same
    length and dictionary), or with one glyph width changed; and that name."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        font = max((f for f in doc.pages[0].Resources.Font.values() if str(f.BaseFont).endswith("+NotoSans-Regular")),
                   key=lambda f: len(f.Widths))
        stream = font.FontDescriptor.FontFile2
        data = bytearray(stream.read_bytes())
        if change == "font file":
            data[len(data) // 2] ^= 0x01
        stream.write(bytes(data))
        if change == "widths":
            font.Widths[66] = int(font.Widths[66]) + 1
        name = str(font.BaseFont)
        out = io.BytesIO()
        doc.save(out, compress_streams=False)
    return out.getvalue(), name


@pytest.mark.parametrize("change", ["font file", "widths"])
def test_a_font_that_differs_in_one_byte_is_not_shared(change: str) -> None:
    """Fonts are shared only when byte for byte equal: a letter whose font has the same
    name but one different byte (an older letter, another version of the font) keeps
    its own, and every page still draws with its own font."""
    first, second = (render_letter(r) for r in _requests(2))
    plain, name = _altered(first.pdf, "none")
    pdf, _ = _altered(second.pdf, change)
    altered = replace(second, pdf=pdf)
    run = render_print_run([replace(first, pdf=plain), altered, first], date(2026, 3, 5), DEFAULT_ORGANISATION)
    with pikepdf.open(io.BytesIO(run)) as joined, pikepdf.open(io.BytesIO(pdf)) as mine:
        copies = {}
        for page in joined.pages:
            for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
                if str(font.BaseFont) == name:
                    copies[font.objgen] = _font_bytes(font)
        # the rewritten original, the altered one, the original as rendered: three fonts
        assert len(copies) == 3 and len(set(copies.values())) == 2
        start = 2 + first.page_count + first.page_count % 2
        for n, page in enumerate(mine.pages):
            copy = joined.pages[start + n]
            for key in page.Resources.Font:
                assert _font_bytes(copy.Resources.Font[key]) == _font_bytes(page.Resources.Font[key])


def _render_plainly(requests: list, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The letters as reportlab renders them by itself: every paragraph parsed, every
    string drawn and every font written by reportlab's own code."""
    from muse_care.letters import render

    with monkeypatch.context() as m:
        m.setattr(render, "PARSED_ONCE", False)
        m.setattr(render, "WRAPPED_ONCE", False)
        m.setattr(fonts, "QUICK_TEXT", False)
        return [render_letter(r).pdf for r in requests]


def test_quick_paths_write_the_bytes_reportlab_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paragraphs parsed once, text and fonts written by our code (issue 16): each
    letter is byte for byte the letter reportlab writes alone, in any order, and a
    letter never carries words of the letter rendered before it."""
    requests = _requests(16) + [sample_request(LetterKind.ACCESS_RESPONSE, Layout.US10, "us", reference="MC-S-US")]
    plain = _render_plainly(requests, monkeypatch)
    quick = [render_letter(r).pdf for r in requests]
    again = [render_letter(r).pdf for r in reversed(requests)][::-1]
    for req, a, b, c in zip(requests, plain, quick, again):
        assert a == b == c, req.reference
    # Read back: each letter names its own requester and reference, and no other's.
    for req, pdf in zip(requests, quick):
        text = norm("".join(page_texts(pdf)))
        assert norm(req.recipient.name.strip()) in text and req.reference in text
        assert not [o.reference for o in requests if o.reference != req.reference and o.reference in text]


def test_parsed_paragraphs_are_not_shared_between_letters() -> None:
    """A remembered paragraph gives each letter fresh fragments: changing one letter's
    fragments changes nothing in the next letter made from the same words."""
    from muse_care.letters import render

    style = render._styles().body
    first = render._paragraph("Dear <font name=\"MuseSans-Bold\">Zoë</font> Smith,", style)
    second = render._paragraph("Dear <font name=\"MuseSans-Bold\">Zoë</font> Smith,", style)
    assert [f.text for f in first.frags] == [f.text for f in second.frags]
    assert all(a is not b for a, b in zip(first.frags, second.frags))
    second.frags[0].text = "Changed"
    third = render._paragraph("Dear <font name=\"MuseSans-Bold\">Zoë</font> Smith,", style)
    assert third.frags[0].text == "Dear "


def test_lines_broken_once_are_not_shared_between_letters() -> None:
    """A paragraph whose lines were broken before gets its own copies: changing one
    paragraph's lines changes nothing in the next paragraph of the same words."""
    from muse_care.letters import render

    style = render._styles().body
    words = "We have considered your request carefully and enclose our reply to every part of it."
    render._paragraph(words, style)  # parsed: later ones are remembered markup
    first, second, third = (render._paragraph(words, style) for _ in range(3))
    assert isinstance(first, render._OnceParagraph)
    assert first.wrap(120, 800) == second.wrap(120, 800)
    assert (words, style.name, None, 120) in render._WRAPPED
    assert first.blPara.lines == second.blPara.lines and len(first.blPara.lines) > 1
    assert first.blPara is not second.blPara and first.blPara.lines is not second.blPara.lines
    assert all(a[1] is not b[1] for a, b in zip(first.blPara.lines, second.blPara.lines))
    lines, widths = [(e, list(w)) for e, w in first.blPara.lines], list(first._wrapWidths)
    second.blPara.lines[0][1][0] = "Changed"
    second._wrapWidths[0] = 1.0
    third.wrap(120, 800)
    assert third.blPara.lines == lines and third._wrapWidths == widths
    # Another width is broken afresh.
    wide = render._paragraph(words, style)
    wide.wrap(400, 800)
    assert len(wide.blPara.lines) < len(first.blPara.lines)


def test_the_cover_is_the_bytes_reportlab_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cover's quick text (fonts.text_out) writes what reportlab's textOut writes."""
    from muse_care.letters import batch

    letters = [render_letter(r) for r in _requests(9)]
    quick = batch._cover(letters, date(2026, 3, 5), DEFAULT_ORGANISATION, "#4", "9:cafe")
    monkeypatch.setattr(fonts, "QUICK_TEXT", False)
    plain = batch._cover(letters, date(2026, 3, 5), DEFAULT_ORGANISATION, "#4", "9:cafe")
    assert quick == plain
    text = norm(page_texts(quick)[0])
    assert all(lt.reference in text and norm(lt.recipient_name) in text for lt in letters)
