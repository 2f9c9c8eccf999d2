"""How long a 1,000-letter print run takes, against bare reportlab pages of the same size.

    .venv/bin/python bench/bench_print_run.py [--letters 1000]

The letters rotate through every kind, every layout and requesters in the UK, Germany,
Pakistan (Urdu) and China. The baseline renders, for each letter, a bare reportlab
document with the same number of pages of the same paper size, each page carrying a
comparable amount of Helvetica text (no embedded fonts, no layout, no shaping). Prints
figures and the ratio; asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import row  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from muse_care.domain.organisation import DEFAULT_ORGANISATION  # noqa: E402
from muse_care.letters.batch import render_print_run  # noqa: E402
from muse_care.letters.layouts import geometry  # noqa: E402
from muse_care.letters.model import Layout, LetterKind, LetterRequest, RenderedLetter  # noqa: E402
from muse_care.letters.render import render_letter  # noqa: E402
from muse_care.letters.samples import sample_request  # noqa: E402

LINE = "Thank you for your request. We have considered it carefully and enclose our reply to you."


def plan(n: int) -> list[LetterRequest]:
    # One run is one paper size (docs/letters.md, "Print runs"): the A4 layouts.
    kinds, layouts, people = list(LetterKind), [Layout.UK, Layout.DIN5008_B, Layout.DIN5008_A], ["uk", "de", "pk", "cn"]
    return [
        sample_request(kinds[i % len(kinds)], layouts[(i // 3) % len(layouts)], people[(i // 7) % 4],
                       reference=f"MC-2026-{i:06d}")
        for i in range(n)
    ]


def bare(pages: int, layout: Layout) -> bytes:
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=geometry(layout).pagesize)
    for _ in range(pages):
        c.setFont("Helvetica", 10)
        for row in range(50):
            c.drawString(72, 760 - row * 13.5, LINE)
        c.showPage()
    c.save()
    return buf.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=1000)
    args = parser.parse_args()
    requests = plan(args.letters)
    render_letter(requests[0])  # font registration is a one-off start-up cost

    t0 = time.perf_counter()
    letters: list[RenderedLetter] = [render_letter(r) for r in requests]
    t1 = time.perf_counter()
    run = render_print_run(letters, date(2026, 3, 5), DEFAULT_ORGANISATION)
    t2 = time.perf_counter()

    t3 = time.perf_counter()
    bare_sizes = [len(bare(letter.page_count, req.layout)) for letter, req in zip(letters, requests)]
    t4 = time.perf_counter()

    pages = sum(lt.page_count for lt in letters)
    ours = t2 - t0
    baseline = t4 - t3
    print(f"letters: {len(letters)}, pages: {pages}, print-run PDF: {len(run) / 1e6:.1f} MB")
    print(f"render letters: {t1 - t0:.2f} s ({(t1 - t0) / len(letters) * 1000:.1f} ms/letter, "
          f"{len(letters) / (t1 - t0):.0f} letters/s)")
    print(f"join print run (cover, padding, pypdf): {t2 - t1:.2f} s")
    print(f"total: {ours:.2f} s ({ours / pages * 1000:.2f} ms/page)")
    print(f"bare reportlab, same pages and sizes: {baseline:.2f} s ({baseline / pages * 1000:.2f} ms/page)")
    print(f"ratio: {ours / baseline:.1f}x")
    n = len(letters)
    row(f"print run: render {n:,} letters (one process)", f"{n / (t1 - t0):.0f} letters/s",
        f"bare reportlab {n / baseline:.0f} letters/s", (t1 - t0) / baseline, ">= 180 letters/s",
        n / (t1 - t0) >= 180)
    row(f"print run: join {n:,} letters", f"{n / (t2 - t1):.0f} letters/s", "", None, ">= 500 letters/s",
        n / (t2 - t1) >= 500)
    row("print run: bytes per letter in the run PDF", f"{len(run) / n / 1000:.0f} KB",
        f"bare reportlab {sum(bare_sizes) / n / 1000:.0f} KB", len(run) / sum(bare_sizes), "<= 15 KB",
        len(run) / n <= 15_000)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
