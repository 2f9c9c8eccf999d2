"""How long a 1,000-letter print run takes, against bare reportlab pages of the same size.

    .venv/bin/python bench/bench_print_run.py [--letters 1000] [--workers 2]

The letters rotate through every kind, every layout and requesters in the UK, Germany,
Pakistan (Urdu) and China. The baseline renders, for each letter, a bare reportlab
document with the same number of pages of the same paper size, each page carrying a
comparable amount of Helvetica text (no embedded fonts, no layout, no shaping). The
letters are rendered once in this process and by worker processes (spawn): once with
their start-up, and once more by the same workers (the pool is started once per
program), which must give the same bytes. Prints figures and the ratio; asserts nothing
about time.
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

import pikepdf  # noqa: E402
from _table import row  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from muse_care.domain.organisation import DEFAULT_ORGANISATION  # noqa: E402
from muse_care.letters import batch  # noqa: E402
from muse_care.letters.batch import render_letters, render_print_run  # noqa: E402
from muse_care.letters.layouts import geometry  # noqa: E402
from muse_care.letters.model import Layout, LetterKind, LetterRequest  # noqa: E402
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
        for line in range(50):
            c.drawString(72, 760 - line * 13.5, LINE)
        c.showPage()
    c.save()
    return buf.getvalue()


def _echo(item: tuple[LetterRequest, bytes]) -> bytes:
    return item[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="processes rendering letters (issue 16: two cores)")
    args = parser.parse_args()
    requests = plan(args.letters)
    render_letter(requests[0])  # font registration is a one-off start-up cost
    n = len(requests)

    c0 = time.process_time()
    t0 = time.perf_counter()
    one = [render_letter(r) for r in requests]
    t1 = time.perf_counter()
    cpu_one = time.process_time() - c0
    letters = render_letters(requests, workers=args.workers)  # includes starting the workers
    t2 = time.perf_counter()
    assert [lt.pdf for lt in letters] == [lt.pdf for lt in one], "the workers rendered other bytes"
    warm = transport = None
    if hasattr(batch, "_workers"):  # the pool is started once per program: a second batch reuses it
        tw = time.perf_counter()
        again = render_letters(requests, workers=args.workers)
        warm = time.perf_counter() - tw
        assert [lt.pdf for lt in again] == [lt.pdf for lt in one], "the workers rendered other bytes"
        # The pool's own floor: the same requests out and a stored letter's bytes back,
        # nothing rendered.
        pool = batch._workers(args.workers)
        chunk = max(1, min(32, n // (args.workers * 4)))
        tt = time.perf_counter()
        list(pool.map(_echo, [(r, one[i].pdf) for i, r in enumerate(requests)], chunksize=chunk))
        transport = time.perf_counter() - tt
    c3 = time.process_time()
    t3 = time.perf_counter()
    run = render_print_run(letters, date(2026, 3, 5), DEFAULT_ORGANISATION)
    t4 = time.perf_counter()
    cpu_join = time.process_time() - c3

    # The join's floor: qpdf opening the stored letters and copying their pages into one
    # document (not written: unshared, it would write every font again).
    c7 = time.process_time()
    t7 = time.perf_counter()
    floor_pdf, sources = pikepdf.new(), []
    for lt in letters:
        sources.append(pikepdf.open(io.BytesIO(lt.pdf)))
        floor_pdf.pages.extend(sources[-1].pages)
    t8 = time.perf_counter()
    cpu_floor_join = time.process_time() - c7

    c5 = time.process_time()
    t5 = time.perf_counter()
    bare_sizes = [len(bare(letter.page_count, req.layout)) for letter, req in zip(letters, requests)]
    t6 = time.perf_counter()
    cpu_bare = time.process_time() - c5

    pages = sum(lt.page_count for lt in letters)
    stored = sum(len(lt.pdf) for lt in letters)
    render_one, render_pool, join, baseline = t1 - t0, t2 - t1, t4 - t3, t6 - t5
    print(f"letters: {n}, pages: {pages}, print-run PDF: {len(run) / 1e6:.1f} MB "
          f"({len(run) / n / 1000:.1f} KB a letter; stored letters {stored / n / 1000:.1f} KB each)")
    print(f"render, one process: {render_one:.2f} s ({n / render_one:.0f} letters/s; "
          f"CPU {cpu_one / n * 1000:.1f} ms a letter)")
    print(f"render, {args.workers} worker processes (spawn, start-up included): {render_pool:.2f} s "
          f"({n / render_pool:.0f} letters/s)")
    if warm is not None and transport is not None:
        print(f"render, {args.workers} worker processes, started already (the next batch): {warm:.2f} s "
              f"({n / warm:.0f} letters/s)")
        print(f"pool floor, the same workers sending each request and a letter's bytes back, nothing rendered: "
              f"{transport:.2f} s ({n / transport:.0f} letters/s)")
        print(f"two free cores at this CPU a letter would render ~{2 / (cpu_one / n + transport / n * 2):.0f} "
              "letters/s (two workers, each at the one-process CPU time, plus the pool floor)")
    print(f"join print run (cover, padding, shared fonts): {join:.2f} s ({n / join:.0f} letters/s; "
          f"CPU {cpu_join / n * 1000:.2f} ms a letter)")
    print(f"join floor, qpdf copying the same pages (open + copy, no cover, no sharing, not written): {t8 - t7:.2f} s "
          f"({n / (t8 - t7):.0f} letters/s; CPU {cpu_floor_join / n * 1000:.2f} ms a letter)")
    print(f"bare reportlab, same pages and sizes, one process: {baseline:.2f} s ({n / baseline:.0f} letters/s; "
          f"CPU {cpu_bare / n * 1000:.1f} ms a letter)")
    print(f"ratio render (one process) / bare: {render_one / baseline:.1f}x")
    best = min(render_pool, warm) if warm is not None else render_pool
    row(f"print run: render {n:,} letters ({args.workers} worker processes"
        + (", started already)" if warm is not None and warm < render_pool else ")"), f"{n / best:.0f} letters/s",
        f"bare reportlab {n / baseline:.0f} letters/s (one process)", best / baseline, ">= 180 letters/s",
        n / best >= 180)
    row(f"print run: join {n:,} letters", f"{n / join:.0f} letters/s",
        f"qpdf open + page copy {n / (t8 - t7):.0f} letters/s", join / (t8 - t7), ">= 500 letters/s",
        n / join >= 500)
    row("print run: bytes per letter in the run PDF", f"{len(run) / n / 1000:.1f} KB",
        f"bare reportlab {sum(bare_sizes) / n / 1000:.1f} KB", len(run) / sum(bare_sizes), "<= 15 KB",
        len(run) / n <= 15_000)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
