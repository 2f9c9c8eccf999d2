"""Bringing a case to the point where it may be marked Responded, for tests about one
of the conditions: each helper satisfies one of the others (services/respond_gate.py)."""

from __future__ import annotations

from typing import Any

from muse_care.services import letters, recipients


def settle_recipients(register: Any, ref: str | int, method: str = "email") -> None:
    """Every Art. 19 recipient of the case marked told today."""
    for r in recipients.list_recipients(register, ref):
        if not r.settled:
            recipients.mark_told(register, ref, r.name, register.today(), method)


def send_reply(register: Any, ref: str | int, letter_id: int) -> None:
    """The reply letter gone out: posted in a dispatched print run for a postal case,
    dispatched by email otherwise."""
    from muse_care.services.cases import get_case

    if get_case(register, ref).channel.value == "post":
        run = letters.build_print_run(register, ids=[letter_id])
        letters.dispatch_run(register, run.id)
    else:
        letters.mark_dispatched(register, [letter_id], "email")


def settle_tasks(register: Any, ref: str | int) -> None:
    """Every task of the case settled: done, or kept under the system's declared duty."""
    from muse_care.domain.systems import Action
    from muse_care.services import tasks

    for t in tasks.list_tasks(register, ref):
        if t.settled:
            continue
        if t.action is Action.KEEP_LEGAL_DUTY:
            tasks.settle_task(register, t.id, "kept", basis="tax law: billing records kept 7 years")
        else:
            tasks.settle_task(register, t.id, "done")
