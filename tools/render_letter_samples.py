"""Write page one of every letter kind in every layout as a small PNG to docs/letters/.

    .venv/bin/python tools/render_letter_samples.py [--out docs/letters] [--dpi 60]

The requester rotates through the UK, Germany, Pakistan (Urdu name) and China, so each
layout shows every script; needs pdftoppm (poppler-utils).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from muse_care.letters.model import Layout, LetterKind  # noqa: E402
from muse_care.letters.render import render_letter  # noqa: E402
from muse_care.letters.samples import sample_request  # noqa: E402

PEOPLE = ("uk", "de", "pk", "cn")


def _shrink(png: Path) -> None:
    """16 grey levels are plenty for a preview and keep the repository small."""
    from PIL import Image

    with Image.open(png) as img:
        small = img.convert("L").quantize(colors=16)
    small.save(png, optimize=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "letters")
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    count = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, kind in enumerate(LetterKind):
            for j, layout in enumerate(Layout):
                who = PEOPLE[(i + j) % len(PEOPLE)]
                letter = render_letter(sample_request(kind, layout, who))
                pdf = Path(tmp) / "letter.pdf"
                pdf.write_bytes(letter.pdf)
                stem = args.out / f"{kind.value}-{layout.value}-{who}"
                subprocess.run(
                    ["pdftoppm", "-png", "-r", str(args.dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                    check=True,
                )
                _shrink(stem.with_suffix(".png"))
                count += 1
    print(f"wrote {count} PNGs to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
