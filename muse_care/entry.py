"""``muse-care``: the desktop window with no command, the CLI with one.

This module sits above the layers: the ``cli`` package never imports Qt, and the
window is imported only when it is asked for.

Opening the window is the start path (docs/performance.md, "Start-up"): a command line
of only the window's own options (``--db``, ``--as-user``, ``--smoke-test``) is read
here, without building the whole command-line parser, whose command modules load
SQLAlchemy. Anything else (a command, ``--help``, an abbreviation, an option twice)
goes to ``muse_care.cli.main``, which reads those options the same way
(``tests/test_start_path.py`` checks that they agree).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

WINDOW_OPTIONS = {"--db": "db", "--as-user": "as_user"}
"""The window's options that take a value, and where ``cli.main``'s parser keeps them."""


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def window_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The namespace ``cli.main`` would give for a command line of only the window's
    options, each at most once; None for any other command line."""
    values: dict[str, object] = {"db": None, "as_user": None, "smoke_test": False, "command": None}
    seen: set[str] = set()
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if arg == "--smoke-test":
            key = "smoke_test"
            values[key] = True
        elif name in WINDOW_OPTIONS:
            key = WINDOW_OPTIONS[name]
            if not eq:
                if i + 1 >= len(args) or args[i + 1].startswith("-"):
                    return None
                i += 1
                value = args[i]
            values[key] = value
        else:
            return None
        if key in seen:
            return None
        seen.add(key)
        i += 1
    return argparse.Namespace(**values)


def start_window(args: argparse.Namespace) -> int:
    if args.smoke_test:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not has_display():
        print("muse-care: no display to open the window on; use the commands (muse-care --help), "
              "or run headless with QT_QPA_PLATFORM=offscreen muse-care --smoke-test", file=sys.stderr)
        return 2
    from muse_care.ui.launch import prepare

    launch = prepare(args)  # begins reading the first page before Qt loads
    if launch is None:
        return 2
    from muse_care.ui.app import run_app

    return run_app(args, launch)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    window = window_args(argv)
    if window is not None:
        return start_window(window)
    from muse_care.cli.main import main as cli_main

    return cli_main(argv, open_window=start_window)
