"""The mailroom's print run, and password protection for PDFs.

:func:`render_print_run` joins rendered letters into one PDF for a duplex printer: a
cover sheet listing every letter, then the letters, each padded with blank pages to an
even count so that every letter (and the first letter after the cover) starts on the
front of a sheet. Page numbers stay those printed within each letter.

The letters' pages are copied as they are by qpdf (pikepdf), and a font that several
letters embed byte for byte is kept once (docs/letters.md, "Fonts").
:func:`render_letters` renders many letters with worker processes.

:func:`encrypt_pdf` protects a PDF with AES-256 through pypdf; reportlab's own AES
output cannot be opened by poppler or pypdf (docs/letters.md, "Protected PDFs").

One run is one paper size: A4 and US Letter never share a print job (a printer asked
for both either stops for the other tray or prints one size on the other's paper, and
the address misses the window). :func:`render_print_run` refuses a mix, and the cover
sheet names the paper and each letter's destination country.
"""

from __future__ import annotations

import atexit
import io
import multiprocessing
import os
import re
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any

import pikepdf
from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from muse_care.domain.organisation import OrganisationProfile
from muse_care.letters import fonts, kinds
from muse_care.letters.errors import LetterError
from muse_care.letters.model import LetterRequest, RenderedLetter, paper_of
from muse_care.letters.render import format_date, render_letter


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


_MARGIN_X, _MARGIN_TOP, _MARGIN_BOTTOM = 20 * mm, 18 * mm, 18 * mm
_HEADINGS = ("#", "Reference", "Recipient", "Country", "Paper", "Letter", "Pages")
_ROW_PT, _LEADING, _PAD = 9.0, 11.5, 2.0
_RULE_GREY = colors.Color(0.75, 0.75, 0.75)


def _wrap(text: str, width: float, bold: bool = False,
          sizes: tuple[float, ...] = (_ROW_PT, 8.0, 7.0)) -> tuple[float, list[str]]:
    """``text`` (prepared) in lines no wider than ``width``: first smaller type
    (``sizes``), then broken at spaces, and a word longer than the cell at characters.
    Right-to-left text is in visual order, so its first line is taken from the right."""
    for size in sizes:
        if fonts.text_width(text, size, bold) <= width:
            return size, [text]
    size = sizes[-1]
    rtl = bool(_RTL.search(text))
    words = text.split(" ")
    if rtl:
        words.reverse()
    lines: list[str] = []
    line = ""
    for word in words:
        while fonts.text_width(word, size, bold) > width:  # a word wider than the cell
            cut = max(1, next(i for i in range(len(word), 0, -1) if fonts.text_width(word[:i], size, bold) <= width)
                      if fonts.text_width(word[:1], size, bold) <= width else 1)
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        trial = (f"{word} {line}" if rtl else f"{line} {word}") if line else word
        if fonts.text_width(trial, size, bold) <= width:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return size, lines


_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _cover(letters: Sequence[RenderedLetter], run_date: date, org: OrganisationProfile,
           label: str = "", seal: str = "") -> bytes:
    """The cover sheet, drawn line by line on one canvas (a table of Paragraphs took
    2.7 ms a letter: docs/performance.md, "Print run")."""
    fonts.faces()
    paper = paper_of(letters[0].layout)
    pagesize = LETTER if paper == "US Letter" else A4
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=pagesize, invariant=1, initialFontName=fonts.BODY_FONT)
    c.setTitle(f"Print run {run_date.isoformat()}")
    c.setSubject(f"Print run {run_date.isoformat()}: {_plural(len(letters), 'letter')}")
    c.setAuthor(org.controller_name)
    c.setCreator("MUSE Care")
    total_pages = sum(lt.page_count + lt.page_count % 2 for lt in letters)
    heading = f"Print run {label} of {format_date(run_date, 'uk')}" if label else \
        f"Print run of {format_date(run_date, 'uk')}"
    width = pagesize[0] - 2 * _MARGIN_X
    cols = [8 * mm, 32 * mm, width - 128 * mm, 17 * mm, 18 * mm, 40 * mm, 13 * mm]
    xs = [_MARGIN_X + sum(cols[:i]) for i in range(len(cols))]
    top = pagesize[1] - _MARGIN_TOP
    y = top

    def line(text: str, size: float, leading: float, bold: bool = False) -> None:
        nonlocal y
        for part in _wrap(text, width, bold, (size,))[1]:
            y -= leading
            fonts.draw_text(c, _MARGIN_X, y, part, size, bold)

    line(fonts.prepare(heading, "run date"), 14, 18, bold=True)
    y -= 4
    line(fonts.prepare(f"Paper: {paper} only. Load {paper} paper; every letter in this run is on it.", "paper"),
         9, 11.5, bold=True)
    if seal:
        y -= 9
        c.setFont("Courier", 6.5)
        c.drawString(_MARGIN_X, y, f"History seal before this run: {seal}")
    line(fonts.prepare(f"{org.controller_name} · {_plural(len(letters), 'letter')} · "
                       f"{_plural(total_pages, 'page')} after this cover "
                       "· print duplex: every letter starts on the front of a sheet",
                       "organisation controller_name"), 9, 11.5)
    y -= 6 * mm

    def row(cells: Sequence[tuple[str, bool]]) -> None:
        nonlocal y
        laid = [_wrap(text, w - 2 * _PAD, bold) for (text, bold), w in zip(cells, cols)]
        height = max(len(lines) for _, lines in laid) * _LEADING + 3
        if y - height < _MARGIN_BOTTOM:
            c.showPage()
            y = top
            header()
        t = c.beginText()  # one text object a row, not one a cell (docs/letters.md, "Print runs")
        for x, (text, bold), (size, lines) in zip(xs, cells, laid):
            for i, part in enumerate(lines):
                fonts.text_out(t, x + _PAD, y - _LEADING * (i + 1) + 2.5, part, size, bold)
        c.drawText(t)
        y -= height
        c.setStrokeColor(_RULE_GREY)
        c.setLineWidth(0.25)
        c.line(_MARGIN_X, y, _MARGIN_X + width, y)

    def header() -> None:
        nonlocal y
        t = c.beginText()
        for x, text in zip(xs, _HEADINGS):
            fonts.text_out(t, x + _PAD, y - _LEADING + 2.5, text, _ROW_PT, bold=True)
        c.drawText(t)
        y -= _LEADING + 3
        c.setStrokeColor(colors.black)
        c.setLineWidth(0.6)
        c.line(_MARGIN_X, y, _MARGIN_X + width, y)

    header()
    for i, lt in enumerate(letters, start=1):
        row([(str(i), False),
             (fonts.prepare(lt.reference, f"letter {i} reference"), False),
             (fonts.prepare(lt.recipient_name, f"letter {i} recipient name"), False),
             (fonts.prepare(lt.country or "?", f"letter {i} country"), False),
             (paper_of(lt.layout), False),
             (fonts.prepare(kinds.title(lt.kind), f"letter {i} kind"), False),
             (str(lt.page_count), False)])
    c.showPage()
    c.save()
    return buf.getvalue()


_CONTAINERS = (pikepdf.ObjectType.dictionary, pikepdf.ObjectType.stream, pikepdf.ObjectType.array)
_FONT_NAME = re.compile(rb"(?<=[\s<])/Name /[^\s/\[\]<>()]+(?=[\s/>])")
_REF = re.compile(rb"(?<![0-9.])([0-9]+) ([0-9]+) R")


def _font_key(src: Any, obj: Any, streams: list[bytes], path: frozenset[tuple[int, int]] = frozenset(),
              font: bool = False) -> bytes:
    """The indirect object ``obj`` of the letter ``src`` and everything it refers to, as
    text in which each reference is replaced by its target (a stream by its dictionary
    and length, its raw bytes appended to ``streams``). Two fonts of two letters draw
    the same glyphs with the same widths and text iff their keys and their ``streams``
    are equal. No stream is hashed: a font file is compared byte for byte, and only
    with a font of the same key (docs/letters.md, "Fonts")."""
    og = obj.objgen
    if og in path or len(path) > 8:
        return b"<%d:%d %d R>" % (id(src), *og)  # a cycle, or too deep: never equal to another letter's
    path = path | {og}
    if obj._type_code == pikepdf.ObjectType.stream:
        raw = obj.read_raw_bytes()
        streams.append(raw)
        text = b"stream %d " % len(raw) + obj.stream_dict.unparse(resolved=True)
    else:
        text = obj.unparse(resolved=True)
        if font:
            # A font's /Name is the resource name the letter that made it used (F1+0,
            # F2+0 ...); obsolete since PDF 1.1 and read by no viewer (ISO 32000-1
            # §9.6.2.1), it is left out so letters that met their fonts in another
            # order share them.
            text = _FONT_NAME.sub(b" ", text, count=1)

    def follow(match: re.Match[bytes]) -> bytes:
        try:
            target = src.get_object((int(match[1]), int(match[2])))
        except (ValueError, KeyError, IndexError):
            return b"<%d:%s>" % (id(src), match[0])
        if target._type_code in _CONTAINERS:
            return b"{" + _font_key(src, target, streams, path) + b"}"
        return b"{" + bytes(target.unparse(resolved=True)) + b"}"

    return _REF.sub(follow, text)


class _Fonts:
    """The run's fonts: each is a number, given to the first letter that has it; a later
    letter's font is that font if its key is equal and its streams are equal bytes.

    Most letters hold their fonts as the same objects under the same numbers, written
    byte for byte alike, as the letter before: :meth:`_Written.font_key` reads those bytes
    from the stored letter itself, and a letter whose font objects are the bytes of a
    font the run has seen (streams compared byte for byte) has that font without
    :func:`_font_key` walking its objects (docs/letters.md, "Fonts")."""

    def __init__(self) -> None:
        self._seen: dict[bytes, list[tuple[list[bytes], int]]] = {}
        self._written: dict[tuple[bytes, ...], list[tuple[list[bytes], int]]] = {}
        self.count = 0

    def number(self, key: bytes, streams: list[bytes]) -> tuple[int, bool]:
        """(the font's number, whether this is its first letter)."""
        candidates = self._seen.setdefault(key, [])
        for known, number in candidates:
            if known == streams:  # memcmp of the font files
                return number, False
        self.count += 1
        candidates.append((streams, self.count))
        return self.count, True

    def of(self, src: Any, font: Any, written: _Written | None) -> tuple[int, bool]:
        """The number of the letter ``src``'s font ``font`` (an indirect object)."""
        quick = written.font_key(font.objgen) if written is not None and QUICK_FONTS else None
        if quick is not None:
            texts, raw = quick
            for known, number in self._written.get(texts, ()):
                if known == raw:  # memcmp of the objects' streams
                    return number, False
        streams: list[bytes] = []
        found = self.number(_font_key(src, font, streams, font=True), streams)
        if quick is not None:
            self._written.setdefault(quick[0], []).append((quick[1], found[0]))
        return found


# Fonts found by the bytes their letter wrote them as (True), or always by walking
# their objects (False: tests compare the two runs, byte for byte).
QUICK_FONTS = True
_WS = b"\0\t\n\f\r "
_WRITTEN_REF_REVERSED = re.compile(rb"R[%s]+([0-9]+)[%s]+([0-9]+)" % (_WS, _WS))  # "N G R" backwards
_STREAM_KEYWORD = re.compile(rb">>[%s]*stream(?:\r\n|\n)" % _WS)
_LENGTH = re.compile(rb"/Length[%s]+([0-9]+)(?=[%s/>])" % (_WS, _WS))
_INDIRECT_LENGTH = re.compile(rb"/Length[%s]+[0-9]+[%s]+[0-9]+[%s]+R" % (_WS, _WS, _WS))
_STREAM_END = re.compile(rb"[%s]*endstream[%s]*endobj[%s]*\Z" % (_WS, _WS, _WS))


class _Written:
    """A stored letter's objects as written in its file, each one's bytes from its
    offset (qpdf's cross-reference table) to the next object. Only a plain file is
    read so: not encrypted, every object at a file offset (none in object streams)."""

    def __init__(self, data: bytes, src: Any) -> None:
        self.data = data
        self.spans: dict[tuple[int, int], tuple[int, int]] = {}
        if src.is_encrypted:
            return
        table = src.get_xref_table()
        entries = sorted((entry.offset, og) for og, entry in table.items() if entry.type == 1)
        end = data.rfind(b"startxref")
        xref = _STARTXREF.search(data, end) if end >= 0 else None
        limit = int(xref[1]) if xref is not None else len(data)
        for i, (offset, og) in enumerate(entries):
            stop = entries[i + 1][0] if i + 1 < len(entries) else limit
            if not 0 <= offset < stop <= len(data):
                self.spans = {}
                return
            self.spans[og] = (offset, stop)

    def _object(self, og: tuple[int, int]) -> tuple[bytes, bytes, list[tuple[int, int]]] | None:
        """(the object's text, its stream's bytes or b"", the objects its text refers
        to), or None unless the object is plainly written (:func:`_plain_text`) and a
        stream's direct /Length ends exactly at "endstream"."""
        span = self.spans.get(og)
        if span is None:
            return None
        chunk = self.data[span[0]:span[1]]
        head = b"%d %d obj" % og
        if not chunk.startswith(head) or chunk[len(head):len(head) + 1] not in (b"\n", b"\r", b" ", b"<", b"["):
            return None
        found = _STREAM_KEYWORD.search(chunk)
        if found is None:
            text, body = chunk, b""
        else:
            text, body = chunk[:found.end()], chunk[found.end():]
        plain = _plain_text(text)
        if plain is None:
            return None
        length, refs = plain
        if (length < 0) != (found is None):
            return None
        if found is not None and _STREAM_END.match(body, length) is None:
            return None
        return text, body, refs

    def font_key(self, og: tuple[int, int]) -> tuple[tuple[bytes, ...], list[bytes]] | None:
        """The written text of the object ``og`` and of every object it refers to,
        directly or not (each text starts "N G obj"), and their streams' bytes; None if
        one of them is not plainly written. Two letters' fonts whose keys are equal are
        the same objects, byte for byte."""
        texts: list[bytes] = []
        streams: list[bytes] = []
        seen: set[tuple[int, int]] = set()
        todo = [og]
        while todo:
            og = todo.pop()
            if og in seen:
                continue
            seen.add(og)
            if len(seen) > 64:
                return None
            written = self._object(og)
            if written is None:
                return None
            text, body, refs = written
            texts.append(text)
            streams.append(body)
            todo.extend(reversed(refs))
        return tuple(texts), streams


# What _plain_text found in an object's text, by the text: a run's letters write their
# fonts' objects alike.
_PLAIN: dict[bytes, tuple[int, list[tuple[int, int]]] | None] = {}


def _plain_text(text: bytes) -> tuple[int, list[tuple[int, int]]] | None:
    """For the text of an object as written ("N G obj" to "endobj", or to "stream" and
    its end of line): (its stream's direct /Length, or -1 if it has no stream; every
    "N G R" in it), or None if it holds a string or a comment (whose contents could read
    as anything), an indirect /Length, or does not end as an object or a stream's
    dictionary ends."""
    known = _PLAIN.get(text, False)
    if known is not False:
        return known  # type: ignore[return-value]
    found: tuple[int, list[tuple[int, int]]] | None = None
    if not (b"(" in text or b"%" in text or b"<" in text.replace(b"<<", b"")):
        # Read backwards, "R 0 5": a search for a literal R, where forwards every digit
        # of a widths array starts a match (the same references).
        refs = [(int(n[::-1]), int(g[::-1])) for g, n in _WRITTEN_REF_REVERSED.findall(text[::-1])]
        refs.reverse()
        keyword = _STREAM_KEYWORD.search(text)
        if keyword is None:
            if text.rstrip(_WS).endswith(b"endobj"):
                found = (-1, refs)
        elif keyword.end() == len(text):
            lengths = _LENGTH.findall(text)
            if len(lengths) == 1 and _INDIRECT_LENGTH.search(text) is None:
                found = (int(lengths[0]), refs)
    if len(text) <= 16384:  # a dictionary's text, not a whole stream read as text
        if len(_PLAIN) >= 1024:
            _PLAIN.clear()
        _PLAIN[text] = found
    return found


_STARTXREF = re.compile(rb"startxref[%s]+([0-9]+)" % _WS)


def _page_fonts(page: Any) -> Any:
    resources = page.obj.get("/Resources")
    return resources.get("/Font") if resources is not None else None


# Per page of the run: (resource name, font number, whether this page's copy is the one kept).
_PagePlan = list[tuple[Any, int, bool]]


def _append_letter(out: Any, src: Any, run_fonts: _Fonts, written: _Written | None = None) -> list[_PagePlan]:
    """Copy ``src``'s pages to the end of ``out``; a font the run holds already is taken
    off the page before qpdf copies it, and :func:`_point_fonts` points the page at the
    run's copy once every page is in (docs/letters.md, "Fonts")."""
    plans: list[_PagePlan] = []
    numbers: dict[tuple[int, int], tuple[int, bool]] = {}
    pages = list(src.pages)
    font_dicts = []
    for page in pages:
        plan: _PagePlan = []
        font_dict = _page_fonts(page)
        if font_dict is not None:
            for name, font in font_dict.items():
                og = font.objgen
                if og == (0, 0):  # a direct object
                    continue
                known = numbers.get(og)
                if known is None:
                    known = numbers[og] = run_fonts.of(src, font, written)
                plan.append((name, *known))
        plans.append(plan)
        font_dicts.append(font_dict)
    for font_dict, plan in zip(font_dicts, plans):
        for name, _number, kept in plan:
            if not kept and name in font_dict:  # the letter's pages may share one font dictionary
                del font_dict[name]
    out.pages.extend(pages)
    return plans


def _point_fonts(out: Any, plans: Sequence[_PagePlan]) -> None:
    """Every page's fonts that were taken off pointed at the run's copy: one pass over
    the run's pages (indexing qpdf's page list copies it)."""
    kept: dict[int, Any] = {}
    for page, plan in zip(out.pages, plans, strict=True):
        if not plan:
            continue
        font_dict = _page_fonts(page)
        for name, number, first in plan:
            if first:
                kept.setdefault(number, font_dict[name])
            else:
                font_dict[name] = kept[number]


# Stored letters opened from memory files qpdf maps (True), or all through BytesIO
# (False, as on Windows and macOS: tests compare the two runs, byte for byte).
QUICK_OPEN = True
_MAPPED_FDS = 0.5  # at most this share of the process's file descriptors, one a letter


def _map_budget(count: int) -> int:
    """How many of a run's ``count`` documents may be opened by :func:`_open_mapped`:
    each holds a file descriptor until the run is written (a run of 1,000 letters would
    hold 1,000), so no more than half the process's limit, and none where there are no
    memory files (Windows, macOS) or no limit can be read."""
    if not QUICK_OPEN or not hasattr(os, "memfd_create"):
        return 0
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        return 0
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 1 << 16
    return max(0, min(count, int(soft * _MAPPED_FDS) - 64))


def _open_mapped(data: bytes) -> Any:
    """``data`` opened by qpdf from a Linux memory file (memfd) it maps: qpdf then reads
    it as memory, where from BytesIO every read is a call into Python (a stored letter
    parsed and copied in ~half the time). None if a memory file cannot be made or
    mapped (the caller opens it from BytesIO). The file's own descriptor is closed at
    once; the map holds one until the document is closed."""
    try:
        fd = os.memfd_create("muse-care-letter", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None
    try:
        with os.fdopen(fd, "r+b", buffering=0) as f:
            view = memoryview(data)
            while view:
                view = view[f.write(view):]
            f.seek(0)
            return pikepdf.open(f, access_mode=pikepdf.AccessMode.mmap_only)
    except (OSError, ValueError, pikepdf.PdfError):
        return None


_PASS_THROUGH: dict[str, Any] = {"stream_decode_level": pikepdf.StreamDecodeLevel.none, "compress_streams": False}


def render_print_run(
    letters: Sequence[RenderedLetter], run_date: date, organisation: OrganisationProfile, label: str = "",
    seal: str = "",
) -> bytes:
    """One PDF: a cover sheet, then every letter, each padded to an even page count.
    Every letter must be on the same paper size. ``seal``: the history's seal
    (COUNT:HASH), printed on the cover so paper carries it.

    The letters' pages are copied as they are (qpdf, through pikepdf); a font that
    several letters embed byte for byte is kept once."""
    if not letters:
        raise LetterError("print run", "there are no letters to print")
    papers = sorted({paper_of(lt.layout) for lt in letters})
    if len(papers) > 1:
        raise LetterError("print run", f"the letters are on {' and '.join(papers)}: one run is one paper size")
    out = pikepdf.new()
    sources: list[Any] = []  # kept open until the run is written: qpdf copies their streams then
    try:
        return _join(out, sources, letters, run_date, organisation, label, seal, papers[0])
    finally:
        for src in sources:  # a mapped letter holds a file descriptor until closed
            src.close()


def _join(out: Any, sources: list[Any], letters: Sequence[RenderedLetter], run_date: date,
          organisation: OrganisationProfile, label: str, seal: str, paper: str) -> bytes:
    run_fonts = _Fonts()
    plans: list[_PagePlan] = []
    mapped = _map_budget(len(letters) + 1)
    for pdf in [_cover(letters, run_date, organisation, label, seal), *(lt.pdf for lt in letters)]:
        src = _open_mapped(pdf) if len(sources) < mapped else None
        if src is None:
            src = pikepdf.open(io.BytesIO(pdf))
        sources.append(src)
        count = len(src.pages)
        plans += _append_letter(out, src, run_fonts, _Written(pdf, src))
        if count % 2:
            box = [float(v) for v in src.pages[-1].mediabox]
            out.add_blank_page(page_size=(box[2] - box[0], box[3] - box[1]))
            plans.append([])
    _point_fonts(out, plans)
    out.docinfo = out.make_indirect(pikepdf.Dictionary({
        "/Title": pikepdf.String(f"Print run {run_date.isoformat()}"),
        "/Subject": pikepdf.String(f"{_plural(len(letters), 'letter')} on {paper}"),
        "/Author": pikepdf.String(organisation.controller_name),
        "/Creator": pikepdf.String("MUSE Care"),
    }))
    out.Root.ViewerPreferences = pikepdf.Dictionary({"/PrintScaling": pikepdf.Name("/None"),
                                                     "/Duplex": pikepdf.Name("/DuplexFlipLongEdge")})
    buf = io.BytesIO()
    # Every stream is written as it is stored (the letters' contents stay ASCII85 and
    # Flate): qpdf by default decodes each letter's page contents and compresses them
    # again, ~0.35 ms a letter, a fifth of a run (docs/letters.md, "Print runs").
    out.save(buf, deterministic_id=True, **_PASS_THROUGH)
    return buf.getvalue()


def _warm_up() -> None:
    fonts.faces()


def _render_in_worker(req: LetterRequest) -> RenderedLetter | tuple[type[LetterError], str, str]:
    # A LetterError's (field, message) does not survive pickling as an exception.
    try:
        return render_letter(req)
    except LetterError as e:
        return type(e), e.field, e.message


# One pool of worker processes for the life of the program: starting a spawned worker
# (Python, reportlab, the fonts) takes about a second, longer than rendering a hundred
# letters, so it is paid once, not once a batch (docs/letters.md, "Print runs").
MAX_WORKERS = 4  # each worker holds reportlab and the fonts (~100 MB)
_pool_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_size = 0


def _workers(count: int) -> ProcessPoolExecutor:
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size != count:
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            _pool = ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_warm_up)
            _pool_size = count
        return _pool


def shutdown_workers() -> None:
    """Stop the worker processes (at exit; the next batch starts them again)."""
    global _pool, _pool_size
    with _pool_lock:
        pool, _pool, _pool_size = _pool, None, 0
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


atexit.register(shutdown_workers)


def render_each(requests: Sequence[LetterRequest], workers: int | None = None) -> list[RenderedLetter | LetterError]:
    """Every letter of ``requests``, in order, rendered by ``workers`` processes (None:
    one per core, at most MAX_WORKERS; 1: in this process), or the :class:`LetterError` that stopped it: one
    letter that cannot be printed does not stop the others. The workers are started
    with "spawn", as on Windows and macOS, once per program, and each renders exactly
    what :func:`render_letter` renders here (the same bytes: documents are invariant)."""
    count = min(os.cpu_count() or 1, MAX_WORKERS) if workers is None else workers
    count = max(1, min(count, len(requests)))
    if count == 1 or len(requests) < 2 * count:
        out: list[RenderedLetter | LetterError] = []
        for r in requests:
            try:
                out.append(render_letter(r))
            except LetterError as e:
                out.append(e)
        return out
    chunk = max(1, min(32, len(requests) // (count * 4)))
    try:
        done = list(_workers(count).map(_render_in_worker, requests, chunksize=chunk))
    except BrokenProcessPool:
        shutdown_workers()  # a worker died (killed, out of memory): the next batch starts afresh
        raise
    out = []
    for item in done:
        if isinstance(item, tuple):
            kind, field, message = item
            out.append(kind(field, message))
        else:
            out.append(item)
    return out


def render_letters(requests: Sequence[LetterRequest], workers: int | None = None) -> list[RenderedLetter]:
    """Every letter of ``requests`` rendered, in order, as :func:`render_each` does. A
    :class:`LetterError` in one letter is raised here, naming its field and the letter's
    reference."""
    done = render_each(requests, workers)
    for req, item in zip(requests, done):
        if isinstance(item, LetterError):
            raise type(item)(item.field, f"{item.message} (the letter for {req.reference})")
    return done  # type: ignore[return-value]


def encrypt_pdf(pdf: bytes, password: str) -> bytes:
    """``pdf`` protected with AES-256 (pypdf); opening it needs ``password``."""
    if not password:
        raise LetterError("password", "a protected PDF needs a password")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password=None, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
