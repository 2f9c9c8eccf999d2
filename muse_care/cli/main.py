"""``muse-care``: the desktop window with no sub-command; scripting and administration
with one. This module never imports Qt; the window is imported only when asked for.

Exit status: 0 success; 2 bad input (one line naming the field and what is wrong);
3 the database is unavailable; 1 anything else (a bug: the traceback goes to the log).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from muse_care.cli import law, letters, retrieval, settings, tasks, team
from muse_care.cli.common import (
    EXIT_BUG, EXIT_INPUT, EXIT_OK, EXIT_STORAGE, Parser, UsageError, close_registers, date_arg,
    REGISTER_LINES, open_register, say, time_arg,
)
from muse_care.cli.output import at_in_zone, case_json, emit, history_json, print_case, print_row
from muse_care.domain.errors import MuseCareError, NotFound, StorageUnavailable, ValidationError
from muse_care.domain.regimes import REGIMES

COMMAND_MODULES = (letters, team, retrieval, settings, tasks)
"""Sub-command modules of other features, imported here (not by name) so the import
linter sees them. Each has ``add_parsers(sub, parser_class)`` and ``run(args) -> int |
None`` (None: not one of its commands)."""

__all__ = ["COMMAND_MODULES", "EXIT_BUG", "EXIT_INPUT", "EXIT_OK", "EXIT_STORAGE", "UsageError",
           "build_parser", "main", "run"]


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="muse-care", description="MUSE Care: privacy requests as cases with a "
               "statutory clock. With no command, opens the desktop window.")
    p.add_argument("--db", help="database URL or SQLite file (default: MUSE_CARE_DB, else your "
                   "user data folder)")
    p.add_argument("--as-user", dest="as_user", help=argparse.SUPPRESS)
    p.add_argument("--smoke-test", action="store_true",
                   help="start the real window offscreen on a temporary database and exit 0")
    sub = p.add_subparsers(dest="command", parser_class=Parser)
    _add_db_commands(sub)
    _add_demo_command(sub)
    _add_case_commands(sub.add_parser("case", help="cases").add_subparsers(
        dest="case_command", parser_class=Parser))
    audit = sub.add_parser("audit", help="the history's hash chain").add_subparsers(
        dest="audit_command", parser_class=Parser)
    av = audit.add_parser("verify", help="recompute every history hash, check the seal and replay every "
                          "case against its rows; exit 1 if anything was changed or removed")
    av.add_argument("--seal", help="an older seal COUNT:HASH (from a cover sheet or an earlier "
                    "verify) that the history must still begin with")
    av.add_argument("--json", action="store_true")
    for module in COMMAND_MODULES:
        module.add_parsers(sub, Parser)
    return p


def _add_db_commands(sub: Any) -> None:
    dbp = sub.add_parser("db", help="database administration").add_subparsers(
        dest="db_command", parser_class=Parser)
    dbp.add_parser("upgrade", help="apply migrations (a SQLite file is copied first)")
    dbp.add_parser("backup", help="copy the SQLite database to FILE").add_argument(
        "file", help="the backup file to write")
    dbp.add_parser("restore", help="replace the SQLite database with FILE (current one kept)").add_argument(
        "file", help="the backup file to restore from")


def _add_demo_command(sub: Any) -> None:
    d = sub.add_parser("demo", help="fill the database with realistic demo cases")
    d.add_argument("--cases", type=int, default=500, help="how many cases to write (default 500)")
    d.add_argument("--seed", type=int, default=7, help="random seed: the same seed writes the same cases")
    d.add_argument("--json", action="store_true")


def _add_case_commands(cp: Any) -> None:
    _add_case_add(cp.add_parser("add", help="record a new request"))

    s = cp.add_parser("show", help="one case with its clock, checks and history")
    s.add_argument("ref")
    s.add_argument("--as-of", type=date_arg("as-of"))
    s.add_argument("--json", action="store_true")

    lp = cp.add_parser("list", help="cases, most urgent first")
    lp.add_argument("--status", help="only cases in this status (e.g. in-progress)")
    lp.add_argument("--overdue", action="store_true", help="only overdue cases")
    lp.add_argument("--due-before", type=date_arg("due-before"), help="only cases due before this day")
    lp.add_argument("--as-of", type=date_arg("as-of"))
    lp.add_argument("--limit", type=int, default=1000, help="at most this many cases (default 1000)")
    lp.add_argument("--json", action="store_true")

    e = cp.add_parser("event", help="record a clock event (id-requested, extended, …)")
    e.add_argument("ref")
    e.add_argument("kind", help="the event: id-requested, id-received, extended, …")
    e.add_argument("--on", required=True, type=date_arg("on"), help="the day it happened, YYYY-MM-DD")
    e.add_argument("--reason", default="")
    e.add_argument("--late-reason", default="",
                   help="why an event dated back more than the margin (setting late_event_margin_days), "
                   "or one moving a due date that has passed, is recorded now; a team lead's, where "
                   "four eyes is on")
    e.add_argument("--json", action="store_true")

    c = cp.add_parser("check", help="record an identity check result")
    c.add_argument("ref")
    c.add_argument("step", help="the check: account-email, order-number, card-last-four, …")
    c.add_argument("result", help="passed, failed or waived")
    c.add_argument("--reason", default="")
    c.add_argument("--json", action="store_true")

    st = cp.add_parser("status", help="move a case to another status")
    st.add_argument("ref")
    st.add_argument("status", help="the new status (e.g. refused, closed)")
    st.add_argument("--reason", default="")
    st.add_argument("--waive-retrieval-risk", default="", metavar="REASON",
                    help="a lead marks Responded although a recording is purged soon, saying why")
    st.add_argument("--json", action="store_true")

    n = cp.add_parser("note", help="add a note to a case")
    n.add_argument("ref")
    n.add_argument("text", help="the note")
    n.add_argument("--json", action="store_true")

    asg = cp.add_parser("assign", help="assign a case to an agent ('' to unassign)")
    asg.add_argument("ref")
    asg.add_argument("assignee", help="the agent's login ('' to unassign)")
    asg.add_argument("--json", action="store_true")

    rp = cp.add_parser("reply", help="record a reply sent electronically (not by post): how, when, what")
    rp.add_argument("ref")
    rp.add_argument("--method", required=True, help="how it went: email, my-account, chat…")
    rp.add_argument("--on", required=True, type=date_arg("on"), help="the day it was sent, YYYY-MM-DD")
    rp.add_argument("--summary", required=True, help="what the reply gave, in a few words")
    rp.add_argument("--json", action="store_true")

    h = cp.add_parser("history", help="the case's history")
    h.add_argument("ref")
    h.add_argument("--json", action="store_true")
    law.add_case_parsers(cp, date_arg)


def _add_case_add(a: Any) -> None:
    """``case add``: the request as the caller gives it."""
    a.add_argument("--right", action="append", required=True, dest="rights",
                   help="a right asked for: access, erasure, … (repeatable)")
    a.add_argument("--channel", required=True, help="how it came in: phone, email, post, live-chat, …")
    a.add_argument("--received", required=True, type=date_arg("received"), help="the day received, YYYY-MM-DD")
    a.add_argument("--received-time", type=time_arg("received-time"),
                   help="HH:MM in the regime's zone (Europe/London for UK GDPR, …), or with its "
                        "offset: 23:30+00:00")
    a.add_argument("--regime", default="", help=", ".join(REGIMES) + " (default: from the requester's "
                   "address, else the setting)")
    a.add_argument("--regime-reason", default="", help="why another regime than the address gives")
    a.add_argument("--holiday-region", default="", help="whose public holidays count (default: the setting)")
    a.add_argument("--name", required=True, help="the requester's name")
    a.add_argument("--email", default="", help="the requester's email")
    a.add_argument("--phone", default="", help="the requester's phone number")
    a.add_argument("--address-line", action="append", default=[], dest="address_lines",
                   help="a line of the postal address (repeatable)")
    a.add_argument("--postcode", default="", help="the postcode")
    a.add_argument("--city", default="", help="the city or town")
    a.add_argument("--region", default="", help="the state, county or province where the country has one")
    a.add_argument("--country", default="", help="the country, ISO code (GB, DE, PL, …)")
    a.add_argument("--account", default="", help="the customer account number")
    a.add_argument("--representative", default="", help="name of the person acting for the requester")
    a.add_argument("--authority", default="", help="the authority the representative showed")
    a.add_argument("--assignee", default="", help="the agent who takes the case")
    a.add_argument("--note", default="", help="a first note on the case")
    a.add_argument("--json", action="store_true")


def command_modules() -> tuple[Any, ...]:
    return COMMAND_MODULES


# --- commands --------------------------------------------------------------------------

def run(args: argparse.Namespace) -> int:
    for module in COMMAND_MODULES:
        code = module.run(args)
        if code is not None:
            return int(code)
    if args.command == "db":
        return run_db(args)
    if args.command == "demo":
        return _run_demo(args)
    if args.command == "audit":
        return _run_audit(args)
    if args.command != "case" or not args.case_command:
        raise UsageError("choose a command: case, demo, db, audit (see muse-care --help)")
    _run_case(args, open_register(args))
    return EXIT_OK


def _run_demo(args: argparse.Namespace) -> int:
    from muse_care.services.demo import generate

    if args.cases < 0 or args.cases > 5_000_000:
        raise ValidationError("cases", "must be between 0 and 5,000,000")
    report = generate(open_register(args), args.cases, seed=args.seed)
    if args.json:
        print(json.dumps(asdict(report)))
    else:
        print(f"{report.cases} demo cases written in {report.seconds:.1f} s "
              f"({report.rate:,.0f} cases/s)")
    return EXIT_OK


def _run_audit(args: argparse.Namespace) -> int:
    from muse_care.services.history import Seal, audit

    given = Seal.parse(args.seal) if getattr(args, "seal", None) else None
    with open_register(args).read() as session:
        report = audit(session, given)
    if getattr(args, "json", False):
        print(json.dumps({"ok": report.ok, "entries": report.entries, "cases": report.cases,
                          "seal": str(report.seal) if report.seal else None,
                          "problems": list(report.problems), "notes": list(report.notes)},
                         ensure_ascii=False))
        return EXIT_OK if report.ok else EXIT_BUG
    if report.ok:
        print(f"history intact: {report.entries} entries, every hash matches; {report.cases} "
              "case(s) replayed against their rows"
              + (f"; the given seal {given.entries}:{given.head[:12]}… is a prefix" if given else ""))
    else:
        print(f"history BROKEN: {len(report.problems)} problem(s) in {report.entries} entries")
        for problem in report.problems:
            print(f"  - {say(problem)}")
    if report.seal is not None:
        print(f"seal: {report.seal}")
    for note in report.notes:
        print(f"note: {note}")
    return EXIT_OK if report.ok else EXIT_BUG


def _run_case(args: argparse.Namespace, reg: Any) -> None:
    from muse_care.services import cases

    cc = args.case_command
    if cc == "add":
        draft = cases.CaseDraft(
            name=args.name, rights=args.rights, channel=args.channel, received=args.received,
            received_time=args.received_time, regime=args.regime, holiday_region=args.holiday_region,
            email=args.email, phone=args.phone, address_lines=args.address_lines,
            postcode=args.postcode, city=args.city, region=args.region, country=args.country,
            account_ref=args.account, acting_for="representative" if args.representative else "self",
            representative_name=args.representative, representative_authority=args.authority,
            assignee=args.assignee, note=args.note, regime_reason=args.regime_reason)
        emit(args, cases.add_case(reg, draft))
    elif cc == "show":
        view = cases.get_case(reg, args.ref, args.as_of)
        linked = cases.linked_cases(reg, view.id)
        if args.json:
            data = case_json(view)
            data["linked_cases"] = [law.linked_json(v) for v in linked]
            print(json.dumps(data, ensure_ascii=False))
        else:
            print_case(view)
            law.print_linked(linked)
    elif cc in ("recipients", "recipient", "regime", "linked"):
        law.run_case(args, reg, emit)
    elif cc == "list":
        if args.limit < 1 or args.limit > 1_000_000:
            raise ValidationError("limit", "must be between 1 and 1,000,000")
        rows = cases.list_cases(reg, status=args.status, overdue=args.overdue,
                                due_before=args.due_before, as_of=args.as_of, limit=args.limit)
        if args.json:
            print(json.dumps([case_json(r) for r in rows], ensure_ascii=False))
        else:
            for r in rows:
                print_row(r)
            print(f"{len(rows)} case(s)")
    elif cc == "event":
        emit(args, cases.record_event(reg, args.ref, args.kind, args.on, args.reason,
                                      late_reason=args.late_reason))
    elif cc == "check":
        emit(args, cases.record_check(reg, args.ref, args.step, args.result, args.reason))
    elif cc == "status":
        emit(args, cases.change_status(reg, args.ref, args.status, args.reason,
                                       waive_retrieval_risk=args.waive_retrieval_risk))
    elif cc == "reply":
        from muse_care.services.respond_gate import record_electronic_reply

        emit(args, record_electronic_reply(reg, args.ref, args.method, args.on, args.summary))
    elif cc == "note":
        emit(args, cases.add_note(reg, args.ref, args.text))
    elif cc == "assign":
        emit(args, cases.assign(reg, args.ref, args.assignee))
    elif cc == "history":
        view = cases.get_case(reg, args.ref)
        if args.json:
            print(json.dumps([history_json(h) for h in view.history], ensure_ascii=False))
        else:
            for h in view.history:
                change = f"{h.old} → {h.new}" if h.old else h.new
                print(f"{at_in_zone(h.at, 'UTC')} {h.actor:12} {h.what:22} {change}")


def run_db(args: argparse.Namespace) -> int:
    from pathlib import Path

    from muse_care.store import db

    url = db.resolve_url(args.db)
    if args.db_command == "upgrade":
        engine = db.make_engine(url)
        copy = db.upgrade(engine)
        print(f"database at revision {db.current_revision(engine)}" +
              (f" (copy kept at {copy})" if copy else ""))
    elif args.db_command == "backup":
        dest = db.backup_sqlite(url, Path(args.file))
        from muse_care.services.anonymise import record_backup

        record_backup(dest)  # so anonymisation can say whether it still holds a case
        print(f"backed up to {dest}")
    elif args.db_command == "restore":
        if not db.is_sqlite(url):
            raise ValidationError("db", "restore replaces a SQLite register; a team's PostgreSQL "
                                  "database is restored with the server's own tools (pg_restore from "
                                  "a pg_dump, or point-in-time recovery), by its administrator")
        src = Path(args.file)
        if not src.is_file():
            raise ValidationError("file", f"{src} does not exist")
        kept = db.restore_sqlite(url, src)
        print(f"restored from {src}" + (f"; the previous database is kept at {kept}" if kept else ""))
    else:
        raise UsageError("choose: db upgrade, db backup FILE, db restore FILE")
    return EXIT_OK


def main(argv: Sequence[str] | None = None,
         open_window: Callable[[argparse.Namespace], int] | None = None) -> int:
    """Run a command. With no command, ``open_window(args)`` opens the desktop window
    (``muse_care.entry`` passes it in: this package never imports Qt)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(f"muse-care: {say(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except ValidationError as exc:
        print(f"muse-care: {say(exc)}", file=sys.stderr)
        return EXIT_INPUT
    if args.command is None:
        if open_window is None:
            print("muse-care: choose a command (muse-care --help)", file=sys.stderr)
            return EXIT_INPUT
        return open_window(args)
    REGISTER_LINES.clear()
    try:
        from muse_care.services.local_config import sweep_at_start

        sweep_at_start()
        code = run(args)
        for line in REGISTER_LINES:  # which register the command used
            print(line, file=sys.stderr)
        return code
    except (ValidationError, NotFound, UsageError) as exc:
        print(f"muse-care: {say(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except StorageUnavailable as exc:
        print(f"muse-care: {say(exc)}", file=sys.stderr)
        return EXIT_STORAGE
    except MuseCareError as exc:
        print(f"muse-care: {say(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): not a bug, nothing to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception as exc:  # a bug: keep the traceback, in the log and on stderr
        from muse_care.services.local_config import log_crash
        from muse_care.store.db import classify

        storage = classify(exc)  # a driver error the user can act on (not a SQLite file…)
        if isinstance(storage, StorageUnavailable):
            print(f"muse-care: {say(storage)}", file=sys.stderr)
            return EXIT_STORAGE

        path = log_crash()
        print(f"muse-care: internal error; details written to {path}", file=sys.stderr)
        if os.environ.get("MUSE_CARE_DEBUG"):
            raise
        return EXIT_BUG
    finally:
        close_registers()
