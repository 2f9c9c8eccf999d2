"""``muse-care``: the desktop window with no command, the CLI with one.

This module sits above the layers: the ``cli`` package never imports Qt, and the
window is imported only when it is asked for.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def start_window(args: argparse.Namespace) -> int:
    if args.smoke_test:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not has_display():
        print("muse-care: no display to open the window on; use the commands (muse-care --help), "
              "or run headless with QT_QPA_PLATFORM=offscreen muse-care --smoke-test", file=sys.stderr)
        return 2
    from muse_care.ui.app import run_app

    return run_app(args)


def main(argv: Sequence[str] | None = None) -> int:
    from muse_care.cli.main import main as cli_main

    return cli_main(argv, open_window=start_window)
