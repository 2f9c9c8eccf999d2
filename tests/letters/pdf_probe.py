"""Read PDFs back the way a person or a printer would: poppler's pdftotext/pdffonts, qpdf."""

from __future__ import annotations

import html
import re
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MM = 72 / 25.4


def _with_file(pdf: bytes, args: list[str]) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.pdf"
        path.write_bytes(pdf)
        done = subprocess.run([*args, str(path), "-"] if args[0] == "pdftotext" else [*args, str(path)],
                              capture_output=True, text=True, check=False)
    if args[0] != "qpdf" and done.returncode != 0:
        raise AssertionError(f"{args[0]} failed: {done.stderr}")
    return done.stdout + (done.stderr if args[0] == "qpdf" else "")


def norm(text: str) -> str:
    """NFKC (Arabic presentation forms back to letters) and collapsed whitespace."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def page_texts(pdf: bytes) -> list[str]:
    """The text of every page (pdftotext -layout), split at form feeds."""
    out = _with_file(pdf, ["pdftotext", "-layout", "-enc", "UTF-8"])
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def all_text(pdf: bytes) -> str:
    return norm(_with_file(pdf, ["pdftotext", "-enc", "UTF-8"]))


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float  # from the top, points
    x1: float
    y1: float


def words(pdf: bytes, page: int = 1) -> list[Word]:
    out = _with_file(pdf, ["pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page)])
    found = []
    for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out
    ):
        found.append(
            Word(page, html.unescape(m.group(5)), float(m.group(1)), float(m.group(2)),
                 float(m.group(3)), float(m.group(4)))
        )
    return found


def fonts(pdf: bytes) -> list[tuple[str, str]]:
    """(font name, emb column) for every font pdffonts lists."""
    out = _with_file(pdf, ["pdffonts"])
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        if len(parts) >= 6:
            rows.append((parts[0], parts[-5]))
    return rows


def qpdf_check(pdf: bytes) -> str:
    return _with_file(pdf, ["qpdf", "--check"])
