import sys

if getattr(sys, "frozen", False):
    # A bundled program's letter workers (letters.batch, started with "spawn") run this
    # executable again; freeze_support() makes them workers instead of new windows.
    import multiprocessing

    multiprocessing.freeze_support()

from muse_care.entry import main  # noqa: E402

raise SystemExit(main())
