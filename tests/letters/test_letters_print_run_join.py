"""The print run's quick join (issue 16, target 4): stored letters opened from mapped
memory files, fonts recognised by the bytes their letter wrote them as, streams written
as stored. Each quick path must give the run the slow path gives, byte for byte, on
every platform's path (Windows and macOS have no memory files), and must never share a
font that differs in one byte (docs/letters.md, "Fonts" and "Print runs")."""

from __future__ import annotations

import io
import os
import random
import re
import sys
from dataclasses import replace
from datetime import date

import pikepdf
import pytest
from pdf_probe import qpdf_check

from muse_care.domain.organisation import DEFAULT_ORGANISATION
from muse_care.letters import batch
from muse_care.letters.batch import render_print_run
from muse_care.letters.model import Layout, LetterKind, RenderedLetter
from muse_care.letters.render import render_letter
from muse_care.letters.samples import sample_request

PEOPLE = ["uk", "de", "pk", "cn", "gr", "ru", "tr", "il"]
DAY = date(2026, 3, 5)


def _letters(n: int) -> list[RenderedLetter]:
    kinds, layouts = list(LetterKind), [Layout.UK, Layout.DIN5008_B, Layout.DIN5008_A]
    return [render_letter(sample_request(kinds[i % len(kinds)], layouts[i % 3], PEOPLE[i % len(PEOPLE)],
                                         reference=f"MC-J-{i:03d}")) for i in range(n)]


def _run(letters: list[RenderedLetter]) -> bytes:
    return render_print_run(letters, DAY, DEFAULT_ORGANISATION, label="#3", seal="9:beef")


def _slowly(letters: list[RenderedLetter], monkeypatch: pytest.MonkeyPatch) -> bytes:
    with monkeypatch.context() as m:
        m.setattr(batch, "QUICK_FONTS", False)
        m.setattr(batch, "QUICK_OPEN", False)
        return _run(letters)


def test_the_quick_join_is_the_slow_join_byte_for_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    letters = _letters(24)
    slow = _slowly(letters, monkeypatch)
    assert _run(letters) == slow
    # Without memory files (Windows, macOS): every letter from BytesIO.
    with monkeypatch.context() as m:
        m.delattr(os, "memfd_create", raising=False)
        assert batch._map_budget(100) == 0
        assert _run(letters) == slow
    # Past the file descriptor budget the rest come from BytesIO.
    with monkeypatch.context() as m:
        m.setattr(batch, "_map_budget", lambda count: 5)
        assert _run(letters) == slow
    # A memory file that cannot be made: the letter is opened from BytesIO.
    with monkeypatch.context() as m:
        def refuse(*args: object) -> int:
            raise OSError(24, "Too many open files")

        m.setattr(os, "memfd_create", refuse, raising=False)
        assert batch._open_mapped(letters[0].pdf) is None
        assert _run(letters) == slow
    assert "No syntax or stream encoding errors" in qpdf_check(slow)


def test_the_quick_paths_are_the_ones_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not a silent fall back to the slow paths: each letter is mapped (on Linux) and
    a font is walked object by object only the first time the run meets its bytes."""
    letters = _letters(24)
    opened, walked = [], []
    open_mapped, font_key = batch._open_mapped, batch._font_key

    def counting_open(data: bytes) -> object:
        pdf = open_mapped(data)
        opened.append(pdf is not None)
        return pdf

    def counting_key(*args: object, **kwargs: object) -> bytes:
        if kwargs.get("font"):
            walked.append(1)
        return font_key(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch, "_open_mapped", counting_open)
    monkeypatch.setattr(batch, "_font_key", counting_key)
    _run(letters + letters)
    if sys.platform.startswith("linux"):
        assert opened and all(opened)
    fonts = sum(len(page.obj.Resources.Font.keys()) for lt in letters
                for page in pikepdf.open(io.BytesIO(lt.pdf)).pages)
    # Every letter written alike carries the shared subsets: at most the letters'
    # other fonts, the cover's and the first letter's are walked, never the second time round.
    assert len(walked) < fonts / 2, (len(walked), fonts)


def _flip_in_written_font(pdf: bytes, what: str) -> tuple[bytes, str]:
    """``pdf`` with one byte of its NotoSans-Regular shared subset changed in the file as
    written, the length kept (so every object stays at its offset): a byte in the middle
    of the font file's stream, or one glyph width. Returns it and the font's name."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        font = max((f for f in doc.pages[0].Resources.Font.values() if str(f.BaseFont).endswith("+NotoSans-Regular")),
                   key=lambda f: len(f.Widths))
        name = str(font.BaseFont)
        target = font.FontDescriptor.FontFile2.objgen if what == "font file" else font.objgen
        offset = doc.get_xref_table()[target].offset
    data = bytearray(pdf)
    if what == "font file":
        start = re.compile(rb"stream\r?\n").search(pdf, offset).end()  # type: ignore[union-attr]
        data[start + 5000] ^= 0x01
    else:
        widths = pdf.index(b"/Widths [ 0 ", offset) + len(b"/Widths [ 0 ")
        digit = data[widths]
        data[widths] = digit + 1 if digit < ord("9") else digit - 1
    return bytes(data), name


@pytest.mark.parametrize("what", ["font file", "widths"])
def test_a_font_written_with_one_byte_changed_is_not_shared(what: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two letters written alike object for object, the second with one byte of its
    shared subset's font file (or one width) changed: the quick path must see them as
    two fonts, and each page draws with its own."""
    first, second = _letters(2)
    pdf, name = _flip_in_written_font(second.pdf, what)
    changed = replace(second, pdf=pdf)
    run = _run([first, changed, first])
    assert run == _slowly([first, changed, first], monkeypatch)
    with pikepdf.open(io.BytesIO(run)) as joined, pikepdf.open(io.BytesIO(pdf)) as mine:
        copies = {}
        for page in joined.pages:
            for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
                if str(font.BaseFont) == name:
                    copies[font.objgen] = font
        assert len(copies) == 2, "the changed font was taken for the first letter's"
        start = 2 + first.page_count + first.page_count % 2
        for n, page in enumerate(mine.pages):
            copy = joined.pages[start + n]
            for key, font in page.Resources.Font.items():
                theirs = copy.Resources.Font[key]
                assert theirs.Widths.unparse() == font.Widths.unparse()
                assert theirs.FontDescriptor.FontFile2.read_raw_bytes() == font.FontDescriptor.FontFile2.read_raw_bytes()


def test_the_run_holds_each_letters_streams_as_stored() -> None:
    letters = _letters(6)
    run = _run(letters)
    with pikepdf.open(io.BytesIO(run)) as joined:
        start = 2
        for lt in letters:
            with pikepdf.open(io.BytesIO(lt.pdf)) as alone:
                for n, page in enumerate(alone.pages):
                    copy = joined.pages[start + n]
                    assert copy.Contents.read_raw_bytes() == page.Contents.read_raw_bytes()
                    assert copy.Contents.stream_dict.Filter == page.Contents.stream_dict.Filter
            start += lt.page_count + lt.page_count % 2


_FORWARD = re.compile(rb"(?<![0-9])([0-9]+)[\0\t\n\f\r ]+([0-9]+)[\0\t\n\f\r ]+R")


def test_written_text_finds_every_reference_and_refuses_what_it_cannot_read() -> None:
    plain = batch._plain_text
    assert plain(b"5 0 obj\n<< /A 12 0 R /B [ 1 2 3 4\n0\r\nR 7  3 R ] >>\nendobj\n") == (-1, [(12, 0), (4, 0), (7, 3)])
    assert plain(b"6 0 obj\n<< /Length 10 /Filter /FlateDecode >>\nstream\r\n") == (10, [])
    for refused in (b"5 0 obj\n<< /A (7 0 R) >>\nendobj\n",  # a string
                    b"5 0 obj\n<< /A <07> /B 7 0 R >>\nendobj\n",  # a hex string
                    b"5 0 obj\n<< /A 1 % 7 0 R\n>>\nendobj\n",  # a comment
                    b"6 0 obj\n<< /Length 8 0 R >>\nstream\r\n",  # an indirect length
                    b"6 0 obj\n<< /Length 3 /Length 4 >>\nstream\r\n",
                    b"5 0 obj\n<< /A 7 0 R >>\n"):  # no endobj
        assert plain(refused) is None, refused
    rnd = random.Random(16)
    parts = [b"0", b"1", b"12", b"305", b" ", b"\n", b"\r\n", b"\t", b"R", b"/W", b"[", b"]", b"<<", b">>"]
    for _ in range(2000):
        text = b"9 0 obj\n<<" + b"".join(rnd.choice(parts) for _ in range(rnd.randint(0, 40))) + b">>\nendobj\n"
        found = plain(text)
        assert found is not None
        assert found[1] == [(int(n), int(g)) for n, g in _FORWARD.findall(text)], text


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts open file descriptors through /proc")
def test_a_run_leaves_no_file_open() -> None:
    letters = _letters(8)
    before = len(os.listdir("/proc/self/fd"))
    _run(letters)
    assert len(os.listdir("/proc/self/fd")) == before
    broken = replace(letters[3], pdf=letters[3].pdf[:2000])  # stops the run half-way
    with pytest.raises(pikepdf.PdfError) as stopped:
        _run([*letters[:3], broken, *letters[4:]])
    # Closed by the run, not by the garbage collector: the error's traceback still
    # holds the run's frame and the letters it had opened.
    assert stopped.tb is not None
    assert len(os.listdir("/proc/self/fd")) == before
