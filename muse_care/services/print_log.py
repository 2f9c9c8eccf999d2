"""The print log's word on print runs: which letters were printed in which run.

A run's list of letters (``print_run_letters``) has no row entries and no guard; the
print log (``letter_prints``) is guarded and append-only (docs/security.md, "Limits";
docs/letters.md, "Print runs"). Read by the letters, the Responded gate and the audit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select

from muse_care.store.models import LetterPrintRecord, PrintRunLetterRecord, PrintRunRecord


def run_label(run_id: int, run_date: date) -> str:
    """What the print log (``letter_prints.run_label``) says of a letter printed in a run."""
    return f"run {run_id} of {run_date.isoformat()}"


def run_of_label(label: str) -> int | None:
    """The run id a print-log label "run N of DAY" names (``run_label``); None for any
    other label ("single", "reprint", or "run DAY" from before migration 0006)."""
    found = _LABEL.fullmatch(label)
    return int(found.group(1)) if found else None


_LABEL = re.compile(r"run (\d+) of \d{4}-\d{2}-\d{2}")


def runs_of(session: Any, letter_ids: Sequence[int]) -> dict[int, list[int]]:
    """Letter id -> the print runs it was printed in, oldest first.

    A run's list of letters (``print_run_letters``) has no row entries and no guard, so an
    agent's raw SQL could add a letter to a run it was never printed in. A letter counts
    as in a run only where the print log, which the database guards and keeps
    append-only, has the entry that printing it in that run wrote (docs/letters.md,
    "Print runs"; docs/security.md, "Limits")."""
    out: dict[int, list[int]] = {}
    if not letter_ids:
        return out
    ids = list(letter_ids)
    rows = session.execute(select(PrintRunLetterRecord.letter_id, PrintRunLetterRecord.run_id,
                                  PrintRunRecord.run_date)
                           .join(PrintRunRecord, PrintRunRecord.id == PrintRunLetterRecord.run_id)
                           .where(PrintRunLetterRecord.letter_id.in_(ids))
                           .order_by(PrintRunLetterRecord.run_id)).all()
    printed = set(session.execute(select(LetterPrintRecord.letter_id, LetterPrintRecord.run_label)
                                  .where(LetterPrintRecord.letter_id.in_(ids),
                                         LetterPrintRecord.run_label.like("run %"))).all())
    for letter_id, run_id, run_date in rows:
        if (letter_id, run_label(run_id, run_date)) in printed:
            out.setdefault(letter_id, []).append(run_id)
    return out


def printed_in(session: Any, run_id: int, run_date: date) -> list[int]:
    """The letters the print log says were printed in run ``run_id``, in id order.

    MUSE Care never takes a letter off a run's list, so a letter printed in a run that is
    no longer on its list was taken off outside MUSE Care: it is in the mailroom's pile
    but dispatching the run would not mark it sent (docs/letters.md, "Print runs")."""
    return list(session.execute(select(LetterPrintRecord.letter_id)
                                .where(LetterPrintRecord.run_label == run_label(run_id, run_date))
                                .distinct().order_by(LetterPrintRecord.letter_id)).scalars())


def next_run_id(session: Any) -> int:
    """The id for a new print run on SQLite: past every recorded run and every run the
    print log names.

    ``print_runs`` on SQLite has no AUTOINCREMENT, so a run deleted outside MUSE Care
    gave its id, and with the same day its print-log label "run N of DAY", to the next
    run: the deleted run's letters then passed as the new run's (found by an outside
    tester; docs/letters.md, "Print runs"). PostgreSQL's sequence never hands an id out
    twice."""
    from sqlalchemy import func

    highest = session.execute(select(func.max(PrintRunRecord.id))).scalar() or 0
    for (label,) in session.execute(select(LetterPrintRecord.run_label).where(
            LetterPrintRecord.run_label.like("run % of %")).distinct()):
        highest = max(highest, run_of_label(label) or 0)
    return highest + 1
