"""``muse-care task|systems|report``: a case's tasks in each system, the systems
themselves, and the records a regulator asks for (the register and the yearly metrics).

Exit status as in :mod:`muse_care.cli.main`.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path
from typing import Any

from muse_care.domain.errors import ValidationError

COMMANDS = ("task", "systems", "report")
EXIT_OK = 0


def add_parsers(sub: Any, parser_class: Any) -> None:
    from muse_care.cli.common import date_arg as date_type

    t = sub.add_parser("task", help="a case's tasks: what each right asks of each system").add_subparsers(
        dest="task_command", parser_class=parser_class)
    ls = t.add_parser("list", help="the tasks of a case, with status, due date and searches")
    ls.add_argument("ref", help="case reference, e.g. MC-7KP-4QX9")
    ls.add_argument("--json", action="store_true", help="print the tasks as JSON")
    mk = t.add_parser("create", help="create the tasks a case is missing (cases made before tasks existed)")
    mk.add_argument("ref", help="case reference")
    mk.add_argument("--json", action="store_true", help="print the tasks as JSON")
    st = t.add_parser("settle", help="record a task's outcome: done, nothing-held, kept, not-applicable, todo")
    st.add_argument("id", type=int, help="task number, from 'task list'")
    st.add_argument("status", help="done, nothing-held, kept, not-applicable, or todo to reopen")
    st.add_argument("--basis", default="", help="for kept: the legal basis the data is kept under")
    st.add_argument("--reason", default="", help="for not-applicable: why the task does not apply")
    st.add_argument("--notes", default=None, help="what was done, where, by whom")
    st.add_argument("--json", action="store_true", help="print the task as JSON")
    asg = t.add_parser("assign", help="give a task to another person ('' to the case's assignee)")
    asg.add_argument("id", type=int, help="task number")
    asg.add_argument("assignee", help="login of the person who does the task")
    mine = t.add_parser("mine", help="open tasks assigned to you (or --login), soonest due first")
    mine.add_argument("--login", default=None, help="whose tasks (default: yours)")
    mine.add_argument("--json", action="store_true", help="print the tasks as JSON")
    summ = t.add_parser("summary", help="open tasks per system and right, oldest first")
    summ.add_argument("--as-of", type=date_type("as-of"), help="count as of this day (default today)")

    s = sub.add_parser("systems", help="the organisation's systems and what each right asks of them"
                       ).add_subparsers(dest="systems_command", parser_class=parser_class)
    sl = s.add_parser("list", help="every system with its owner, retention and actions")
    sl.add_argument("--json", action="store_true", help="print the systems as JSON")
    ss = s.add_parser("set", help="add a system or change one from a JSON file (see 'systems list --json')")
    ss.add_argument("file", help="a JSON file holding one system as 'systems list --json' prints it")

    r = sub.add_parser("report", help="records a regulator asks for").add_subparsers(
        dest="report_command", parser_class=parser_class)
    rg = r.add_parser("register", help="every request received in a period, with its answer and outcome")
    rg.add_argument("--from", dest="date_from", required=True, type=date_type("from"),
                    help="first day received (YYYY-MM-DD)")
    rg.add_argument("--to", dest="date_to", required=True, type=date_type("to"),
                    help="last day received (YYYY-MM-DD)")
    rg.add_argument("--format", choices=("csv", "pdf"), default=None,
                    help="csv or pdf (default: from the file name)")
    rg.add_argument("-o", "--output", required=True, help="file to write")
    mt = r.add_parser("metrics", help="a year's figures per request type (CCPA regs 7102, GDPR)")
    mt.add_argument("--year", type=int, required=True, help="the year the requests were received")
    mt.add_argument("-o", "--output", default=None, help="also write them to this CSV file")
    mt.add_argument("--json", action="store_true", help="print the figures as JSON")


def run(args: argparse.Namespace) -> int | None:
    if args.command not in COMMANDS:
        return None
    from muse_care.cli.common import UsageError, open_register as register_factory

    sub = getattr(args, f"{args.command}_command", None)
    if not sub:
        raise UsageError(f"choose a {args.command} command (see muse-care {args.command} --help)")
    reg = register_factory(args)
    if args.command == "task":
        return _run_task(args, reg, sub)
    if args.command == "systems":
        return _run_systems(args, reg, sub)
    return _run_report(args, reg, sub)


def task_json(t: Any) -> dict[str, Any]:
    return {
        "id": t.id, "reference": t.reference, "system": t.system, "system_name": t.system_name,
        "right": t.right, "action": t.action.value, "status": t.status.value, "basis": t.basis,
        "reason": t.reason, "notes": t.notes, "assignee": t.assignee, "done_by": t.done_by,
        "done_at": t.done_at_text, "due": t.due.isoformat() if t.due else None, "version": t.version,
        "searches": list(t.searches),
    }


def _print_task(t: Any, as_of: date) -> None:
    due = t.due.isoformat() if t.due else "-"
    late = " OVERDUE" if t.is_overdue(as_of) else ""
    extra = f" [{t.basis or t.reason}]" if (t.basis or t.reason) else ""
    who = f" by {t.done_by} {t.done_at_text}" if t.done_by else (f" for {t.assignee}" if t.assignee else "")
    print(f"{t.id:>6}  {t.status_label:<24} {t.system_name} — {t.right}: {t.action_label}; "
          f"due {due}{late}{extra}{who}")
    for search in t.searches:
        print(f"{'':8}searched: {search}")


def _run_task(args: argparse.Namespace, reg: Any, sub: str) -> int:
    from muse_care.services import tasks

    today = reg.today()
    if sub in ("list", "create", "mine"):
        if sub == "list":
            listed = tasks.list_tasks(reg, args.ref)
        elif sub == "create":
            listed = tasks.ensure_tasks(reg, args.ref)
        else:
            listed = tasks.my_tasks(reg, args.login)
        if args.json:
            print(json.dumps([task_json(t) for t in listed], ensure_ascii=False))
        elif not listed:
            print("no tasks" + (" (run 'muse-care task create REF' for a case made before tasks "
                                "existed)" if sub == "list" else ""))
        else:
            for t in listed:
                _print_task(t, today)
        return EXIT_OK
    if sub == "settle":
        t = tasks.settle_task(reg, args.id, args.status, basis=args.basis, reason=args.reason,
                              notes=args.notes)
        if args.json:
            print(json.dumps(task_json(t), ensure_ascii=False))
        else:
            _print_task(t, today)
        return EXIT_OK
    if sub == "assign":
        t = tasks.assign_task(reg, args.id, args.assignee)
        _print_task(t, today)
        return EXIT_OK
    for line in tasks.system_summary(reg, args.as_of):
        print(line.text)
    return EXIT_OK


def _run_systems(args: argparse.Namespace, reg: Any, sub: str) -> int:
    from muse_care.domain.systems import ACTION_LABELS, System
    from muse_care.services import tasks

    if sub == "list":
        systems = tasks.list_systems(reg)
        if args.json:
            print(json.dumps([s.to_dict() for s in systems], ensure_ascii=False, indent=1))
            return EXIT_OK
        for s in systems:
            print(f"{s.code}: {s.name} — owner {s.owner or '-'}; holds {s.holds or '-'}; kept: "
                  f"{s.retention or '-'}; searched by {s.identifier}")
            for right, action in s.actions.items():
                print(f"    {right}: {ACTION_LABELS[action]}")
        return EXIT_OK
    path = Path(args.file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError("file", f"cannot read {path.name}: {exc.strerror}") from None
    except ValueError as exc:
        raise ValidationError("file", f"{path.name} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValidationError("file", "give one system as a JSON object")
    system = tasks.save_system(reg, System.from_dict(data))
    print(f"saved system {system.code}: {system.name}")
    return EXIT_OK


def _run_report(args: argparse.Namespace, reg: Any, sub: str) -> int:
    from muse_care.services import records
    from muse_care.services.team import LEAD_ROLES, require_role

    if reg.dialect == "postgresql":
        require_role(reg, *LEAD_ROLES)
    if sub == "register":
        out = Path(args.output)
        fmt = args.format or ("pdf" if out.suffix.lower() == ".pdf" else "csv")
        count = records.export_register(reg, args.date_from, args.date_to, out, fmt)
        print(f"{count} request{'s' if count != 1 else ''} written to {out.name} ({fmt})")
        return EXIT_OK
    m = records.metrics(reg, args.year)
    if args.output:
        records.export_metrics(m, Path(args.output))
    if args.json:
        print(json.dumps({"year": m.year, "received": m.total_received,
                          "rights": [r.__dict__ for r in m.rows]}, ensure_ascii=False))
        return EXIT_OK
    print(f"Requests received in {m.year}: {m.total_received}")
    print(f"{'request type':<42}{'recv':>6}{'compl':>7}{'denied':>7}{'open':>6}{'on time':>9}"
          f"{'late':>6}{'median d':>10}")
    for r in m.rows:
        med = "-" if r.median_days is None else f"{r.median_days:g}"
        print(f"{r.label:<42}{r.received:>6}{r.complied:>7}{r.denied:>7}{r.open:>6}{r.on_time:>9}"
              f"{r.late:>6}{med:>10}")
    return EXIT_OK
