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
from datetime import date, time
from typing import Any

from muse_care.domain.errors import MuseCareError, NotFound, StorageUnavailable, ValidationError

EXIT_OK, EXIT_BUG, EXIT_INPUT, EXIT_STORAGE = 0, 1, 2, 3


class UsageError(Exception):
    pass


class _Once(argparse._StoreAction):
    """A single-value option given twice is an error, not "the last one wins"."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        seen = namespace.__dict__.setdefault("_given_once", set())
        if self.dest in seen:
            raise UsageError(f"{option_string} was given twice; give it once")
        seen.add(self.dest)
        super().__call__(parser, namespace, values, option_string)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one line, exit 2, no usage dump
        raise UsageError(message)

    def add_argument(self, *args: Any, **kwargs: Any) -> Any:
        if args and str(args[0]).startswith("-") and kwargs.get("action") in (None, "store"):
            kwargs["action"] = _Once
        return super().add_argument(*args, **kwargs)


def _say(message: object) -> str:
    """An error message fit for a terminal: control characters escaped, and user text
    (quoted, or any long run without spaces) cut to 80 characters (docs/security.md,
    "Input")."""
    import re

    from muse_care.domain.safe_text import shown

    text = str(message)
    text = re.sub(r"'([^']{81,})'", lambda m: "'" + shown(m.group(1)) + "'", text)
    text = re.sub(r"\S{81,}", lambda m: shown(m.group(0)), text)
    text = shown(text, 2000)
    return text


def _date(field: str):  # noqa: ANN202
    def parse(text: str) -> date:
        from muse_care.domain.validation import parse_iso_date

        return parse_iso_date(field, text)
    return parse


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError("received-time", f"'{text}' is not a time; write it as HH:MM") from None


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="muse-care", description="MUSE Care: privacy requests as cases with a "
                "statutory clock. With no command, opens the desktop window.")
    p.add_argument("--db", help="database URL or SQLite file (default: MUSE_CARE_DB, else your "
                   "user data folder)")
    p.add_argument("--as-user", dest="as_user", help=argparse.SUPPRESS)
    p.add_argument("--smoke-test", action="store_true",
                   help="start the real window offscreen on a temporary database and exit 0")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    dbp = sub.add_parser("db", help="database administration").add_subparsers(dest="db_command",
                                                                                 parser_class=_Parser)
    dbp.add_parser("upgrade", help="apply migrations (a SQLite file is copied first)")
    b = dbp.add_parser("backup", help="copy the SQLite database to FILE")
    b.add_argument("file")
    r = dbp.add_parser("restore", help="replace the SQLite database with FILE (current one kept)")
    r.add_argument("file")

    d = sub.add_parser("demo", help="fill the database with realistic demo cases")
    d.add_argument("--cases", type=int, default=500)
    d.add_argument("--seed", type=int, default=7)
    d.add_argument("--json", action="store_true")

    cp = sub.add_parser("case", help="cases").add_subparsers(dest="case_command", parser_class=_Parser)
    a = cp.add_parser("add", help="record a new request")
    a.add_argument("--right", action="append", required=True, dest="rights")
    a.add_argument("--channel", required=True)
    a.add_argument("--received", required=True, type=_date("received"))
    a.add_argument("--received-time", type=_time,
                   help="HH:MM in the regime's zone (Europe/London for UK GDPR, …), or with its "
                        "offset: 23:30+00:00")
    a.add_argument("--regime", default="")
    a.add_argument("--holiday-region", default="")
    a.add_argument("--name", required=True)
    a.add_argument("--email", default="")
    a.add_argument("--phone", default="")
    a.add_argument("--address-line", action="append", default=[], dest="address_lines")
    a.add_argument("--postcode", default="")
    a.add_argument("--city", default="")
    a.add_argument("--region", default="")
    a.add_argument("--country", default="")
    a.add_argument("--account", default="")
    a.add_argument("--representative", default="", help="name of the person acting for the requester")
    a.add_argument("--authority", default="", help="the authority the representative showed")
    a.add_argument("--assignee", default="")
    a.add_argument("--note", default="")
    a.add_argument("--json", action="store_true")

    s = cp.add_parser("show", help="one case with its clock, checks and history")
    s.add_argument("ref")
    s.add_argument("--as-of", type=_date("as-of"))
    s.add_argument("--json", action="store_true")

    lp = cp.add_parser("list", help="cases, most urgent first")
    lp.add_argument("--status")
    lp.add_argument("--overdue", action="store_true")
    lp.add_argument("--due-before", type=_date("due-before"))
    lp.add_argument("--as-of", type=_date("as-of"))
    lp.add_argument("--limit", type=int, default=1000)
    lp.add_argument("--json", action="store_true")

    e = cp.add_parser("event", help="record a clock event (id-requested, extended, …)")
    e.add_argument("ref")
    e.add_argument("kind")
    e.add_argument("--on", required=True, type=_date("on"))
    e.add_argument("--reason", default="")
    e.add_argument("--json", action="store_true")

    c = cp.add_parser("check", help="record an identity check result")
    c.add_argument("ref")
    c.add_argument("step")
    c.add_argument("result", help="passed, failed or waived")
    c.add_argument("--reason", default="")
    c.add_argument("--json", action="store_true")

    st = cp.add_parser("status", help="move a case to another status")
    st.add_argument("ref")
    st.add_argument("status")
    st.add_argument("--reason", default="")
    st.add_argument("--json", action="store_true")

    n = cp.add_parser("note", help="add a note to a case")
    n.add_argument("ref")
    n.add_argument("text")
    n.add_argument("--json", action="store_true")

    asg = cp.add_parser("assign", help="assign a case to an agent ('' to unassign)")
    asg.add_argument("ref")
    asg.add_argument("assignee")
    asg.add_argument("--json", action="store_true")

    h = cp.add_parser("history", help="the case's history")
    h.add_argument("ref")
    h.add_argument("--json", action="store_true")

    au = sub.add_parser("audit", help="the history's hash chain").add_subparsers(dest="audit_command",
                                                                                   parser_class=_Parser)
    av = au.add_parser("verify", help="recompute every history hash, check the seal and replay every "
                       "case against its rows; exit 1 if anything was changed or removed")
    av.add_argument("--seal", help="an older seal COUNT:HASH (from a cover sheet or an earlier "
                    "verify) that the history must still begin with")
    av.add_argument("--json", action="store_true")
    for module in command_modules():
        module.add_parsers(sub, _Parser)
    return p


def command_modules() -> list[Any]:
    """Sub-command modules of other features. Each has ``add_parsers(sub, parser_class)``
    and ``run(args) -> int | None`` (None: not one of its commands)."""
    from importlib import import_module

    return [import_module(f"muse_care.cli.{name}") for name in COMMAND_MODULES]


COMMAND_MODULES = ("letters", "team", "retrieval", "tasks")


# --- output ----------------------------------------------------------------------------

def case_json(view: Any) -> dict[str, Any]:
    rq = view.requester
    data: dict[str, Any] = {
        "reference": view.reference,
        "status": view.status.value,
        "regime": view.regime,
        "holiday_region": view.holiday_region,
        "rights": [r.value for r in view.rights],
        "channel": view.channel.value,
        "received": view.received.isoformat(),
        "received_at": view.received_at.isoformat(),
        "clock_start": view.clock_start.isoformat() if view.clock_start else None,
        "due_date": view.due_date.isoformat() if view.due_date else None,
        "original_due": view.original_due.isoformat() if view.original_due else None,
        "extended": view.extended,
        "waiting_for": view.waiting_for,
        "acknowledge_by": view.acknowledge_by.isoformat() if view.acknowledge_by else None,
        "acknowledged": view.acknowledged,
        "acknowledge_overdue": view.acknowledge_overdue,
        "received_zone": view.received_zone,
        "as_of": view.as_of.isoformat(),
        "days_left": view.days_left,
        "overdue": view.overdue,
        "due_explained": view.due_explained,
        "assignee": view.assignee,
        "version": view.version,
        "requester": {
            "name": rq.name, "email": rq.email, "phone": rq.phone,
            "address_lines": list(rq.address_lines), "postcode": rq.postcode, "city": rq.city,
            "region": rq.region, "country": rq.country, "account_ref": rq.account_ref,
            "acting_for": rq.acting_for.value, "representative_name": rq.representative_name,
            "representative_authority": rq.representative_authority,
        },
    }
    if view.events or view.checks or view.history:
        data["events"] = [{"kind": e.kind, "on": e.on.isoformat(), "reason": e.reason,
                           "recorded_by": e.recorded_by} for e in view.events]
        data["identity_checks"] = [{"step": c.step, "result": c.result, "reason": c.reason,
                                    "checked_by": c.checked_by,
                                    "checked_at": c.checked_at.isoformat() if c.checked_at else None}
                                   for c in view.checks]
        data["notes"] = [{"text": n.text, "by": n.written_by, "at": n.written_at.isoformat()}
                         for n in view.notes]
        data["history"] = [history_json(h) for h in view.history]
    return data


def history_json(h: Any) -> dict[str, Any]:
    return {"at": h.at.isoformat(), "actor": h.actor, "what": h.what, "old": h.old, "new": h.new}


def _at(moment: Any, zone: str) -> str:
    """'2025-01-31 23:30 Europe/London': a moment in a named zone, labelled with it."""
    from zoneinfo import ZoneInfo

    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"


def print_case(view: Any) -> None:
    rq = view.requester
    left = ("—" if view.days_left is None else
            f"{-view.days_left} days OVERDUE" if view.overdue else
            "due today" if view.days_left == 0 else f"{view.days_left} days left")
    print(f"{view.reference}  {view.status.value}  {', '.join(r.value for r in view.rights)}  "
          f"by {view.channel.value}  [{view.regime}, {view.holiday_region}]")
    print(f"  requester: {rq.name}" + (f" <{rq.email}>" if rq.email else "") +
          (f" {rq.phone}" if rq.phone else ""))
    address = ", ".join([*rq.address_lines, rq.city, rq.postcode, rq.country])
    if address.strip(", "):
        print(f"  address:   {address}")
    zone = view.received_zone or "UTC"
    print(f"  received:  {view.received.isoformat()} (at {_at(view.received_at, zone)})   due: "
          f"{view.due_date.isoformat() if view.due_date else 'clock stopped'}   ({left} as of "
          f"{view.as_of.isoformat()})")
    print(f"  clock:     {view.due_explained}")
    if view.acknowledge_by is not None:
        state = ("confirmed" if view.acknowledged else "OVERDUE" if view.acknowledge_overdue
                 else "not yet confirmed")
        print(f"  acknowledge receipt by: {view.acknowledge_by.isoformat()} ({state})")
    if view.assignee:
        print(f"  assignee:  {view.assignee}")
    for c in view.checks:
        print(f"  check      {c.step:20} {c.result}{': ' + c.reason if c.reason else ''}")
    for e in view.events:
        print(f"  event      {e.on.isoformat()} {e.kind}{': ' + e.reason if e.reason else ''}")
    for n in view.notes:
        print(f"  note       {_at(n.written_at, 'UTC')} {n.written_by}: {n.text}")


def print_row(view: Any) -> None:
    left = "" if view.days_left is None else (f"{view.days_left:>4}d" + (" OVERDUE" if view.overdue else ""))
    due = view.due_date.isoformat() if view.due_date else "stopped   "
    print(f"{view.reference}  {view.status.value:22} {due}  {left:13} {view.requester.name}")


# --- commands --------------------------------------------------------------------------

def _actor(args: argparse.Namespace) -> Any:
    from muse_care.services.local_config import current_actor

    return current_actor(args.as_user)


_OPENED: list[Any] = []


def _register(args: argparse.Namespace) -> Any:
    """The register the command works on. On a team server the actor (login and role)
    comes from the server itself, not from this machine's config."""
    from muse_care.services.register import Register
    from muse_care.store.db import is_sqlite, resolve_url

    url = resolve_url(args.db)
    reg = Register.open(url, _actor(args))
    if not is_sqlite(url) and not args.as_user:
        from muse_care.services import team

        reg = Register(reg.engine, team.actor_from_database(reg), reg._now)
    _OPENED.append(reg)
    return reg


def _emit(args: argparse.Namespace, view: Any) -> None:
    if getattr(args, "json", False):
        print(json.dumps(case_json(view), ensure_ascii=False))
    else:
        print_case(view)


def run(args: argparse.Namespace) -> int:
    from muse_care.services import cases

    if args.command == "db" and args.db_command == "migrate-to":
        from muse_care.cli import team as team_cli

        return int(team_cli.run(args) or 0)
    if args.command == "db":
        return run_db(args)
    if args.command == "demo":
        from muse_care.services.demo import generate

        if args.cases < 0 or args.cases > 5_000_000:
            raise ValidationError("cases", "must be between 0 and 5,000,000")
        reg = _register(args)
        report = generate(reg, args.cases, seed=args.seed)
        if args.json:
            print(json.dumps(asdict(report)))
        else:
            print(f"{report.cases} demo cases written in {report.seconds:.1f} s "
                  f"({report.rate:,.0f} cases/s)")
        return EXIT_OK
    if args.command == "audit":
        from muse_care.services.history import Seal, audit

        given = Seal.parse(args.seal) if getattr(args, "seal", None) else None
        reg = _register(args)
        with reg.read() as session:
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
                print(f"  - {_say(problem)}")
        if report.seal is not None:
            print(f"seal: {report.seal}")
        for note in report.notes:
            print(f"note: {note}")
        return EXIT_OK if report.ok else EXIT_BUG
    for module in command_modules():
        code = module.run(args)
        if code is not None:
            return int(code)
    if args.command != "case" or not args.case_command:
        raise UsageError("choose a command: case, demo, db, audit (see muse-care --help)")
    reg = _register(args)
    cc = args.case_command
    if cc == "add":
        draft = cases.CaseDraft(
            name=args.name, rights=args.rights, channel=args.channel, received=args.received,
            received_time=args.received_time, regime=args.regime, holiday_region=args.holiday_region,
            email=args.email, phone=args.phone, address_lines=args.address_lines,
            postcode=args.postcode, city=args.city, region=args.region, country=args.country,
            account_ref=args.account, acting_for="representative" if args.representative else "self",
            representative_name=args.representative, representative_authority=args.authority,
            assignee=args.assignee, note=args.note)
        _emit(args, cases.add_case(reg, draft))
    elif cc == "show":
        _emit(args, cases.get_case(reg, args.ref, args.as_of))
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
        _emit(args, cases.record_event(reg, args.ref, args.kind, args.on, args.reason))
    elif cc == "check":
        _emit(args, cases.record_check(reg, args.ref, args.step, args.result, args.reason))
    elif cc == "status":
        _emit(args, cases.change_status(reg, args.ref, args.status, args.reason))
    elif cc == "note":
        _emit(args, cases.add_note(reg, args.ref, args.text))
    elif cc == "assign":
        _emit(args, cases.assign(reg, args.ref, args.assignee))
    elif cc == "history":
        view = cases.get_case(reg, args.ref)
        if args.json:
            print(json.dumps([history_json(h) for h in view.history], ensure_ascii=False))
        else:
            for h in view.history:
                change = f"{h.old} → {h.new}" if h.old else h.new
                print(f"{_at(h.at, 'UTC')} {h.actor:12} {h.what:22} {change}")
    return EXIT_OK


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
        print(f"muse-care: {_say(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except ValidationError as exc:
        print(f"muse-care: {_say(exc)}", file=sys.stderr)
        return EXIT_INPUT
    if args.command is None:
        if open_window is None:
            print("muse-care: choose a command (muse-care --help)", file=sys.stderr)
            return EXIT_INPUT
        return open_window(args)
    try:
        from muse_care.services.local_config import sweep_at_start

        sweep_at_start()
        return run(args)
    except (ValidationError, NotFound, UsageError) as exc:
        print(f"muse-care: {_say(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except StorageUnavailable as exc:
        print(f"muse-care: {_say(exc)}", file=sys.stderr)
        return EXIT_STORAGE
    except MuseCareError as exc:
        print(f"muse-care: {_say(exc)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): not a bug, nothing to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception:  # a bug: keep the traceback, in the log and on stderr
        from muse_care.services.local_config import log_crash

        path = log_crash()
        print(f"muse-care: internal error; details written to {path}", file=sys.stderr)
        if os.environ.get("MUSE_CARE_DEBUG"):
            raise
        return EXIT_BUG
    finally:
        while _OPENED:
            _OPENED.pop().dispose()
