"""Fonts, scripts and safe text for letters.

Every piece of text that reaches a PDF passes through :func:`prepare`, which

1. normalises it (NFC), refuses control characters and drops invisible formatting
   characters (bidi marks, zero-width joiners) once they have done their job;
2. shapes Arabic script (arabic-reshaper: joined presentation forms) and puts
   right-to-left runs into visual order (python-bidi), because reportlab has neither;
3. checks that one of the shipped fonts maps every character, and otherwise raises
   :class:`UnprintableText` naming the character and the field.

The result is drawn either with :func:`draw_text` (plain ``drawString`` calls per font
run: addresses, headers) or turned into Paragraph markup by :func:`markup`, which
escapes every run; no user text is ever markup.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any, cast
from xml.sax.saxutils import escape

import arabic_reshaper
from bidi.algorithm import get_display
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from muse_care.letters.errors import UnprintableText
from muse_care.letters.resources import fonts_dir


@dataclass(frozen=True)
class Face:
    """One shipped typeface: registered font names and the code points it maps."""

    regular: str
    bold: str
    cmap: frozenset[int]
    bold_cmap: frozenset[int]


# Tried in this order for each character: Latin body font first, then Arabic, then
# Hebrew/Armenian/Georgian, then CJK (docs/letters.md, "Fonts").
_FACE_FILES: tuple[tuple[str, str, str], ...] = (
    ("MuseSans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("MuseArabic", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    ("MuseDejaVu", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),  # only the ranges in _ONLY
    ("MuseCJK", "DroidSansFallbackFull.ttf", "DroidSansFallbackFull.ttf"),
)

# Faces used only for some scripts: DejaVu for Hebrew, Armenian and Georgian (its
# emoji and symbols are not wanted: a character no font is meant for stops the letter).
_ONLY: dict[str, tuple[tuple[int, int], ...]] = {
    "MuseDejaVu": ((0x0530, 0x058F), (0x0590, 0x05FF), (0xFB13, 0xFB17), (0xFB1D, 0xFB4F),
                   (0x10A0, 0x10FF), (0x2D00, 0x2D2F)),
}


def _limit(family: str, cmap: frozenset[int]) -> frozenset[int]:
    ranges = _ONLY.get(family)
    if ranges is None:
        return cmap
    return frozenset(c for c in cmap if any(lo <= c <= hi for lo, hi in ranges))


# Naskh at the same point size looks a size smaller than Noto Sans beside it.
SCALE = {"MuseArabic": 1.2, "MuseArabic-Bold": 1.2}

BODY_FONT = "MuseSans"
BODY_FONT_BOLD = "MuseSans-Bold"

_lock = threading.Lock()
_faces: tuple[Face, ...] | None = None
_by_char: dict[int, Face | None] = {}

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_RESHAPER = arabic_reshaper.ArabicReshaper(configuration={"delete_harakat": False})


# --- subset tags -------------------------------------------------------------------------
# reportlab names the n-th subset of every font "AAAAAA+", "AAAAAB+"…, so two letters
# joined into one print run carry different subsets under one name, and a printer that
# caches fonts by name prints the wrong glyphs. ISO 32000-1 §9.6.4 asks for a tag that
# differs for different subsets: ours is six capitals from a SHA-256 of the font's name
# and the subset's characters, so equal subsets share a tag and different ones never do
# (docs/letters.md, "Fonts").
_tag_state = threading.local()
_reportlab_subsetn = ttfonts.SUBSETN


def _subset_tag(n: int, *args: object) -> bytes:
    current = getattr(_tag_state, "font", None)
    if current is None:
        return bytes(_reportlab_subsetn(n, *args))
    name, subsets = current
    digest = hashlib.sha256(name.encode() + b":" + ",".join(map(str, subsets[n])).encode()).digest()
    return bytes(ord("A") + b % 26 for b in digest[:6])


ttfonts.SUBSETN = _subset_tag


# --- one subset per run -------------------------------------------------------------------
# reportlab fills a font's first subset (256 codes) with ASCII and then with the letter's
# other characters in the order they first appear, so two letters whose text differs in
# one "é" carry different first subsets, and a print run of 1,000 letters embedded
# 1,000 copies of nearly the same font. The body faces' first subset is therefore
# always ASCII plus SHARED, in this order, and closed: a character outside it goes into
# a second subset. Every letter carries the same first subset (same bytes, same tag),
# and the print run keeps one copy of it (docs/letters.md, "Fonts").
SHARED = "".join(chr(c) for c in range(0xA1, 0x100)) + bytes(range(0x80, 0xA0)).decode("cp1252", "ignore")
_SUBSET_CODES = 256 - 1 - 96  # code 0 is .notdef, 32-127 are ASCII


class _FlateOnce:
    """reportlab's Flate filter for font files, remembering what it compressed."""

    pdfname = "FlateDecode"

    def __init__(self) -> None:
        self._done: dict[bytes | str, bytes] = {}

    def encode(self, data: bytes | str) -> bytes:
        out = self._done.get(data)
        if out is None:
            out = pdfdoc.PDFZCompress.encode(data)
            if len(self._done) < 256:
                self._done[data] = out
        return out

    def decode(self, encoded: bytes) -> bytes:
        return cast(bytes, pdfdoc.PDFZCompress.decode(encoded))


_FLATE_ONCE = _FlateOnce()


class _FormattedArray(pdfdoc.PDFArray):  # type: ignore[misc]
    """A PDF array of numbers whose bytes are made once."""

    def __init__(self, sequence: tuple[int, ...], data: bytes) -> None:
        super().__init__(sequence)
        self._data = data

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:  # noqa: N803 (reportlab's name)
        return self._data


_ARRAYS: dict[tuple[int, ...], _FormattedArray] = {}


def _formatted_array(numbers: tuple[int, ...]) -> _FormattedArray:
    found = _ARRAYS.get(numbers)
    if found is None:
        found = _FormattedArray(numbers, pdfdoc.PDFArray(list(numbers)).format(None))
        if len(_ARRAYS) < 256:
            _ARRAYS[numbers] = found
    return found


# A font subset's dictionary and descriptor are the same in every letter but for the
# numbers of the objects they refer to: formatted once per process for each set of
# those numbers (QUICK_TEXT; the same bytes, a test compares).
_FORMATTED: dict[tuple[object, ...], bytes] = {}


def _remembered(key: tuple[object, ...], make: Any) -> bytes:
    found = _FORMATTED.get(key)
    if found is None:
        found = make()
        if len(_FORMATTED) >= 4096:
            _FORMATTED.clear()
        _FORMATTED[key] = found
    return cast(bytes, found)


def _ref(value: Any, document: Any) -> bytes:
    return cast(bytes, value.format(document))


class _SubsetDescriptor(pdfdoc.PDFDictionary):  # type: ignore[misc]
    """A subset's FontDescriptor; everything in it but FontFile2 follows from the face
    and the subset's name (``memo``)."""

    memo: tuple[object, ...] = ()

    def format(self, document: Any, IND: bytes = b"\n ") -> bytes:  # noqa: N803 (reportlab's name)
        ref = self.dict["FontFile2"]
        if not self.memo or not isinstance(ref, pdfdoc.PDFObjectReference):
            return cast(bytes, super().format(document, IND))
        return _remembered((*self.memo, _ref(ref, document)), lambda: super(_SubsetDescriptor, self).format(
            document, IND))


class _SubsetFont(pdfdoc.PDFTrueTypeFont):  # type: ignore[misc]
    """A subset's font dictionary: its names, widths and the numbers of its text
    mapping and descriptor make it."""

    def format(self, document: Any) -> bytes:
        refs = (self.ToUnicode, self.FontDescriptor)
        if not all(isinstance(r, pdfdoc.PDFObjectReference) for r in refs) or \
                not isinstance(self.Widths, _FormattedArray) or hasattr(self, "Encoding"):
            return cast(bytes, super().format(document))
        key = ("font", self.BaseFont, self.Name, self.FirstChar, self.LastChar, self.Widths._data,
               *(_ref(r, document) for r in refs))
        return _remembered(key, lambda: super(_SubsetFont, self).format(document))


def _subset0_table(assignments: dict[int, int]) -> dict[int, str]:
    """str.translate table: each character of the closed first subset to its code, and
    every other character below U+0100 to U+FFFF, so that text which is not wholly in
    the subset is recognised (its result has a character above U+00FF)."""
    table = {c: "\uffff" for c in range(0x100)}
    table.update({c: chr(n) for c, n in assignments.items() if n < 256 and c})
    table[0xA0] = table[0x20]  # reportlab prints a no-break space as a space
    return table


class _TaggedTTFont(TTFont):  # type: ignore[misc]
    """A TrueType font whose subsets are named by their content (see above); the body
    faces start each document with the shared first subset."""

    def __init__(self, name: str, filename: str, *, shared: str = "", ascii_readable: bool = True) -> None:
        super().__init__(name, filename, asciiReadable=ascii_readable)
        self._shared = "".join(ch for ch in shared if ord(ch) in self.face.charToGlyph)
        self._codes: dict[int, str] | None = None  # the shared subset's codes, once seeded
        self._objects: dict[tuple[int, ...], tuple[str, _FormattedArray, str]] = {}  # by subset
        if len(self._shared) > _SUBSET_CODES:
            raise RuntimeError(f"{name}: {len(self._shared)} shared characters do not fit one subset")
        # A subset's font file depends only on its characters: make it once per process.
        made: dict[tuple[int, ...], bytes] = {}
        make = self.face.makeSubset

        def make_subset(subset: list[int]) -> bytes:
            key = tuple(subset)
            data = made.get(key)
            if data is None:
                data = made[key] = make(subset)
            return data

        self.face.makeSubset = make_subset
        # ... and compress it once: the first subset's 30 KB are the same in every letter.
        add = self.face.addSubsetObjects

        def add_subset_objects(doc: Any, fontname: str, subset: list[int]) -> Any:
            ref = add(doc, fontname, subset)
            stream = doc.idToObject.get(f"fontFile:{self.face.filename}({fontname})")
            if stream is not None and stream.filters == [pdfdoc.PDFZCompress]:
                stream.filters = [_FLATE_ONCE]
            descriptor = doc.idToObject.get(f"fontDescriptor:{fontname}")
            if QUICK_TEXT and type(descriptor) is pdfdoc.PDFDictionary:
                descriptor.__class__ = _SubsetDescriptor
                descriptor.memo = ("descriptor", self.face.filename, fontname, tuple(sorted(
                    (k, repr(v) if not isinstance(v, pdfdoc.PDFObject) else type(v).__name__)
                    for k, v in descriptor.dict.items() if k not in ("FontBBox", "FontName", "FontFile2"))))
            return ref

        self.face.addSubsetObjects = add_subset_objects

    def splitString(self, text: str, doc: object, encoding: str = "utf-8") -> list[tuple[int, bytes]]:
        if not self._shared:
            return cast("list[tuple[int, bytes]]", super().splitString(text, doc, encoding))
        if doc not in self.state:
            super().splitString(self._shared, doc)
            state = self.state[doc]
            state.nextCode = 256  # subset 0 is closed: later characters start subset 1
            if self._codes is None:
                self._codes = _subset0_table(state.assignments)
        if isinstance(text, str) and self._codes is not None:
            # Text wholly in the shared subset (nearly all of it) is encoded by one
            # translate(); anything else takes reportlab's own path.
            coded = text.translate(self._codes)
            if coded and max(coded) < "\u0100":
                return [(0, coded.encode("latin-1"))]
        return cast("list[tuple[int, bytes]]", super().splitString(text, doc, encoding))

    def addObjects(self, doc: Any) -> None:  # noqa: N802 (reportlab's name)
        if QUICK_TEXT:
            self._add_objects(doc)
            return
        state = self.state[doc]
        _tag_state.font = (self.fontName, [tuple(s) for s in state.subsets])
        names = [f"{state.internalName}+{n}" for n in range(len(state.subsets))]
        try:
            super().addObjects(doc)
        finally:
            _tag_state.font = None
        # The shared subset's widths and text mapping are the same in every letter:
        # written out once per process, not number by number per letter.
        fonts = doc.idToObject["BasicFonts"].dict
        for name in names:
            font = fonts.get(name)
            if font is None:
                continue
            font.Widths = _formatted_array(tuple(font.Widths.sequence))
            cmap = doc.idToObject.get(getattr(font.ToUnicode, "name", ""))
            if cmap is not None and cmap.filters == [pdfdoc.PDFZCompress]:
                cmap.filters = [_FLATE_ONCE]


    def _add_objects(self, doc: Any) -> None:
        """reportlab's TTFont.addObjects (3.6-4.x), with each subset's name, widths and
        text mapping made once per process: the shared subset's are the same in every
        letter. The same objects, byte for byte (a test compares)."""
        state = self.state.get(doc)
        if state is None:
            state = self.state[doc] = ttfonts.TTFont.State(self._asciiReadable)
        state.frozen = 1
        fonts = doc.idToObject["BasicFonts"].dict
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            key = tuple(subset)
            made = self._objects.get(key)
            if made is None:
                digest = hashlib.sha256(self.fontName.encode() + b":" + ",".join(map(str, key)).encode()).digest()
                tag = bytes(ord("A") + b % 26 for b in digest[:6])  # as _subset_tag
                base = b"".join((tag, b"+", self.face.name, self.face.subfontNameX)).decode("pdfdoc")
                made = (base, _formatted_array(tuple(map(self.face.getCharWidth, subset))),
                        ttfonts.makeToUnicodeCMap(base, subset))
                if len(self._objects) < 256:
                    self._objects[key] = made
            base, widths, cmap = made
            font = _SubsetFont()
            font.__Comment__ = f"Font {self.fontName} subset {n}"
            font.Name = internal_name
            font.BaseFont = base
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = widths
            stream = pdfdoc.PDFStream()
            stream.content = cmap
            if doc.compression:
                stream.filters = [_FLATE_ONCE]
            font.ToUnicode = doc.Reference(stream, "toUnicodeCMap:" + base)
            font.FontDescriptor = self.face.addSubsetObjects(doc, base, subset)
            doc.Reference(font, internal_name)
            fonts[internal_name] = font
        del self.state[doc]


def faces() -> tuple[Face, ...]:
    """The shipped faces, registered with reportlab on first use (thread-safe)."""
    global _faces
    if _faces is not None:
        return _faces
    with _lock:
        if _faces is None:
            loaded = []
            for family, regular_file, bold_file in _FACE_FILES:
                # Only the body face draws ASCII (runs() takes the first face that maps a
                # character), so the others embed only the glyphs a letter uses.
                body = family == BODY_FONT
                kw = {"shared": SHARED} if body else {"ascii_readable": False}
                regular = _TaggedTTFont(family, str(fonts_dir() / regular_file), **kw)
                pdfmetrics.registerFont(regular)
                bold_name = family if bold_file == regular_file else f"{family}-Bold"
                bold = regular
                if bold_name != family:
                    bold = _TaggedTTFont(bold_name, str(fonts_dir() / bold_file), **kw)
                    pdfmetrics.registerFont(bold)
                loaded.append(
                    Face(
                        family,
                        bold_name,
                        _limit(family, frozenset(regular.face.charToGlyph)),
                        _limit(family, frozenset(bold.face.charToGlyph)),
                    )
                )
            missing = [c for c in range(0x20, 0x7F) if c not in loaded[0].cmap or c not in loaded[0].bold_cmap]
            if missing:  # the fast paths below rely on it
                raise RuntimeError(f"the body font lacks printable ASCII: {missing}")
            _faces = tuple(loaded)
    return _faces


def face_for(ch: str) -> Face | None:
    """The first shipped face that maps ``ch``, or None."""
    code = ord(ch)
    try:
        return _by_char[code]
    except KeyError:
        pass
    found = next((f for f in faces() if code in f.cmap), None)
    _by_char[code] = found
    return found


def _describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    shown = ch if unicodedata.category(ch)[0] not in "CZ" else ""
    parts = [f"U+{ord(ch):04X}"]
    if shown:
        parts.append(shown)
    if name:
        parts.append(f"({name})")
    return " ".join(parts)


def prepare(text: str, field: str) -> str:
    """Normalise, shape and order ``text`` for printing; raise if a character cannot print.

    ``text`` must be a single line. The result is in visual (left-to-right drawing)
    order and contains only characters a shipped font maps.
    """
    if text.isascii() and text.isprintable():
        return text  # the body font maps all of printable ASCII (checked in faces())
    text = unicodedata.normalize("NFC", text)
    for ch in text:
        if unicodedata.category(ch) == "Cc":
            raise UnprintableText(field, f"contains the control character {_describe(ch)}; remove it")
    if _RTL.search(text):
        if _ARABIC.search(text):
            text = _RESHAPER.reshape(text)
        text = get_display(text)
    # Invisible formatting characters (LRM, RLM, ZWJ, ...) have done their work now.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    for ch in text:
        if face_for(ch) is None:
            raise UnprintableText(field, f"cannot print {_describe(ch)} in any shipped font")
    return text


def runs(text: str, bold: bool = False) -> list[tuple[str, str]]:
    """Split prepared ``text`` into (font name, chunk) runs; spaces stay with their run."""
    if text.isascii():
        faces()  # registered before anything is drawn
        return [(BODY_FONT_BOLD if bold else BODY_FONT, text)] if text else []
    faces()
    return list(_runs(text, bold))


@functools.lru_cache(maxsize=8192)
def _runs(text: str, bold: bool) -> tuple[tuple[str, str], ...]:
    """runs() of text that is not ASCII, remembered (the faces are fixed once loaded):
    the templates' "·" and "’" make most of a letter's lines take this path."""
    out: list[tuple[str, str]] = []
    current: Face | None = None
    chunk: list[str] = []
    for ch in text:
        face: Face | None
        if ch.isspace() and current is not None and ord(ch) in current.cmap:
            face = current
        else:
            face = face_for(ch)
        if face is None:  # prepare() guarantees this cannot happen
            raise UnprintableText("text", f"cannot print {_describe(ch)} in any shipped font")
        if face is not current and chunk:
            out.append((_font_name(current, chunk, bold), "".join(chunk)))
            chunk = []
        current = face
        chunk.append(ch)
    if chunk and current is not None:
        out.append((_font_name(current, chunk, bold), "".join(chunk)))
    return tuple(out)


def _font_name(face: Face | None, chunk: list[str], bold: bool) -> str:
    assert face is not None
    if bold and all(ord(c) in face.bold_cmap for c in chunk):
        return face.bold
    return face.regular


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of prepared ``text``."""
    return float(
        sum(pdfmetrics.stringWidth(chunk, font, size * SCALE.get(font, 1.0)) for font, chunk in runs(text, bold))
    )


# draw_string() writes the operators itself when it can (True), or always leaves them to
# reportlab (False: tests compare the two, byte for byte).
QUICK_TEXT = True


def draw_string(canvas: Any, x: float, y: float, text: str, font_name: str, size: float) -> None:
    """``canvas.setFont(font_name, size)`` and ``canvas.drawString(x, y, text)``, the same
    bytes. Text wholly in a body face's shared subset (nearly all the letterhead, the
    footer, the labels) is written as the one text object reportlab writes for it,
    without building a text object: reportlab's drawString costs ~30 us a call, and a
    letter makes ~20 of them outside its paragraphs."""
    canvas.setFont(font_name, size)
    font = pdfmetrics.getFont(font_name)
    if QUICK_TEXT and text and canvas.bottomup and isinstance(font, _TaggedTTFont) and font._codes is not None:
        doc = canvas._doc
        parts = font.splitString(text, doc)
        if len(parts) == 1 and parts[0][0] == 0:
            name = font.getSubsetInternalName(0, doc)
            canvas._code.append(f"BT 1 0 0 1 {fp_str(x, y)} Tm {name} {fp_str(size)} Tf "
                                f"{fp_str(canvas._leading)} TL ({canvas._escape(parts[0][1])}) Tj T* ET")
            return
    canvas.drawString(x, y, text)


def draw_text(canvas: object, x: float, y: float, text: str, size: float, bold: bool = False) -> float:
    """Draw prepared ``text`` at (x, y) with one ``drawString`` per font run; returns its width."""
    start = x
    for font, chunk in runs(text, bold):
        scaled = size * SCALE.get(font, 1.0)
        draw_string(canvas, x, y, chunk, font, scaled)
        x += pdfmetrics.stringWidth(chunk, font, scaled)
    return x - start


def text_out(text_object: object, x: float, y: float, text: str, size: float, bold: bool = False) -> float:
    """As :func:`draw_text`, into an open reportlab text object (one BT ... ET for many
    pieces of text: the print run's cover); each font run is placed at the same point
    :func:`draw_text` places it. Returns the width."""
    start = x
    t: Any = text_object
    for font, chunk in runs(text, bold):
        scaled = size * SCALE.get(font, 1.0)
        t.setFont(font, scaled)
        t.setTextOrigin(x, y)
        face = pdfmetrics.getFont(font)
        width = pdfmetrics.stringWidth(chunk, font, scaled)
        parts = face.splitString(chunk, t._doc) if (
            QUICK_TEXT and chunk and isinstance(face, _TaggedTTFont) and face._codes is not None) else ()
        if len(parts) == 1 and parts[0][0] == 0:
            # What textOut writes after setFont (as in draw_string).
            t._code.append(f"{face.getSubsetInternalName(0, t._doc)} {fp_str(scaled)} Tf {fp_str(t._leading)} TL "
                           f"({t._canvas._escape(parts[0][1])}) Tj")
            t._curSubset = 0
            t._x += width
        else:
            t.textOut(chunk)
        x += width
    return x - start


def markup(text: str, bold: bool = False, size: float = 10.0) -> str:
    """Paragraph markup for prepared ``text``: each run escaped, non-body runs in <font>.

    Right-to-left runs get non-breaking spaces so a wrapped line cannot split a name
    that is already in visual order.
    """
    default = BODY_FONT_BOLD if bold else BODY_FONT
    parts: list[str] = []
    for font, chunk in runs(text, bold):
        if _RTL_VISUAL.search(chunk):
            chunk = chunk.replace(" ", "\u00a0")
        safe = escape(chunk)
        if font == default:
            parts.append(safe)
        elif font in SCALE:
            parts.append(f'<font name="{font}" size="{size * SCALE[font]:g}">{safe}</font>')
        else:
            parts.append(f'<font name="{font}">{safe}</font>')
    return "".join(parts)


_RTL_VISUAL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
