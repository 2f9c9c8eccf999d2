"""Where the letter templates and fonts live: ``resources/`` beside the package.

Standard library only, and outside the ``letters`` package, so that the window finds
its fonts at start without importing the letter model (docs/performance.md, "Start-up").

In a source checkout that is the repository's ``resources/`` folder; in a PyInstaller
bundle it is ``resources/`` inside the unpacked bundle (``sys._MEIPASS``). Setting
``MUSE_CARE_RESOURCES`` overrides both (used by tests and by organisations that keep
their own letter texts elsewhere).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


_found: dict[tuple[str | None, object], Path] = {}


def resources_dir() -> Path:
    """The ``resources`` directory holding ``letters/`` and ``fonts/`` (looked for once
    per setting of ``MUSE_CARE_RESOURCES``: every letter asks for its templates)."""
    override = os.environ.get("MUSE_CARE_RESOURCES")
    key = (override, getattr(sys, "_MEIPASS", None))
    found = _found.get(key)
    if found is None:
        found = _look(override)
        if not override or found == Path(override):  # an override not there yet is looked for again
            _found[key] = found
    return found


def _look(override: str | None) -> Path:
    candidates: list[Path] = []
    if override:
        candidates.append(Path(override))
    bundle = getattr(sys, "_MEIPASS", None)
    if isinstance(bundle, str):
        candidates.append(Path(bundle) / "resources")
    package_root = Path(__file__).resolve().parent  # muse_care/
    candidates.append(package_root / "resources")  # installed as package data
    candidates.append(package_root.parent / "resources")  # source checkout
    for candidate in candidates:
        if (candidate / "letters").is_dir():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"MUSE Care resources (letters, fonts) not found; looked in {looked}")


def letters_dir() -> Path:
    return resources_dir() / "letters"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"
