"""``muse-care team …`` and ``muse-care db migrate-to``: team administration and the
lead's commands. No Qt here.

Which database: ``--db URL`` (an admin's URL for init/add-user), else the team server
saved with ``team connect`` (password from the keychain), else the usual default.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import asdict
from typing import Any

from muse_care.domain.grammar import a_or_an, count

PASSWORD_ENV = "MUSE_CARE_NEW_PASSWORD"


def add_parsers(sub: Any, parser_class: Any) -> None:
    """Hooked into ``muse_care.cli.main.build_parser`` (``COMMAND_MODULES``); adds
    ``team …`` and ``db migrate-to`` (dispatched by ``main.run`` before ``run_db``)."""
    from muse_care.cli.common import date_arg as _date

    _Parser = parser_class
    dbp = next(a for a in sub.choices["db"]._actions if isinstance(a, argparse._SubParsersAction))
    m = dbp.add_parser("migrate-to", help="move this SQLite register into an empty team server")
    m.add_argument("target", metavar="URL", help="the team server's database (postgresql://…)")
    m.add_argument("--json", action="store_true")

    t = sub.add_parser("team", help="team mode: server, users, approvals, reports")
    tp = t.add_subparsers(dest="team_command", parser_class=_Parser)

    def db_opt(p: Any) -> Any:
        p.add_argument("--db", dest="team_db", help="database URL (default: the saved team server)")
        return p

    db_opt(tp.add_parser("init", help="(admin, superuser URL) migrate and apply roles, grants, "
                         "row-level security and the append-only history"))
    u = db_opt(tp.add_parser("add-user", help="(admin) create a login in a role and its users row"))
    u.add_argument("login", help="the new login name")
    u.add_argument("--role", required=True, choices=("agent", "lead", "admin"), help="agent, lead or admin")
    u.add_argument("--name", required=True, help="display name")
    pw = u.add_mutually_exclusive_group()
    pw.add_argument("--password-env", metavar="VAR",
                    help="read the new password from the environment variable VAR (for scripts); "
                    "without it the password is asked for")
    pw.add_argument("--no-password", action="store_true",
                    help="set no password (the server uses certificates or trust)")
    pw.add_argument("--password", action="store_true", help=argparse.SUPPRESS)  # the default now
    d = db_opt(tp.add_parser("deactivate-user", help="(admin) the login can no longer connect"))
    d.add_argument("login", help="the login to deactivate")
    db_opt(tp.add_parser("users", help="(lead) list the team"))

    c = tp.add_parser("connect", help="save the team server and keep its password in the keychain")
    c.add_argument("--host", required=True, help="the server's host name or address")
    c.add_argument("--port", type=int, default=5432, help="the server's port (default 5432)")
    c.add_argument("--database", required=True, help="the team's database on the server")
    c.add_argument("--user", required=True, help="your login on the server")
    c.add_argument("--sslmode", default="prefer", choices=("disable", "allow", "prefer", "require",
                                                          "verify-ca", "verify-full"),
                   help="TLS to the server (default prefer: TLS when the server offers it, as on a "
                   "LAN server without a certificate; use verify-full across other networks)")
    cpw = c.add_mutually_exclusive_group()
    cpw.add_argument("--password-env", metavar="VAR", help="read the password from the environment "
                     "variable VAR instead of asking")
    cpw.add_argument("--no-password", action="store_true", help="the server uses trust or certificates")
    db_opt(tp.add_parser("whoami", help="who the server says you are"))

    n = db_opt(tp.add_parser("take-next", help="take the oldest-due unassigned case"))
    n.add_argument("--json", action="store_true")

    r = db_opt(tp.add_parser("request-approval", help="ask a lead to approve an extension, refusal "
                             "or disclosure"))
    r.add_argument("ref")
    r.add_argument("kind", choices=("extension", "refusal", "disclosure"), help="extension, refusal or disclosure")
    r.add_argument("--reason", required=True)
    q = db_opt(tp.add_parser("approvals", help="requests waiting for a lead"))
    q.add_argument("--all", action="store_true", help="also the requests already decided")
    q.add_argument("--json", action="store_true")
    for verb in ("approve", "reject"):
        a = db_opt(tp.add_parser(verb, help=f"(lead) {verb} a request"))
        a.add_argument("id", type=int, help="the approval request's id (approvals lists it)")
        a.add_argument("--note", default="", help="a note to the decision (a rejection needs one)")

    s = db_opt(tp.add_parser("dashboard", help="(lead) the dashboard's figures"))
    s.add_argument("--json", action="store_true")
    e = db_opt(tp.add_parser("export", help="(lead) the register as CSV for a date range"))
    e.add_argument("--from", dest="date_from", required=True, type=_date("from"), help="first day received, YYYY-MM-DD")
    e.add_argument("--to", dest="date_to", required=True, type=_date("to"), help="last day received, YYYY-MM-DD")
    e.add_argument("-o", "--output", required=True)


def _url(args: argparse.Namespace) -> str | None:
    return getattr(args, "team_db", None) or args.db


def _admin_url(args: argparse.Namespace) -> str:
    from muse_care.domain.errors import ValidationError
    from muse_care.store.db import is_sqlite, resolve_url

    url = _url(args)
    if not url:
        raise ValidationError("db", "give the team database's admin URL with --db postgresql://…")
    resolved = resolve_url(url)
    if is_sqlite(resolved):
        raise ValidationError("db", "team commands need a PostgreSQL URL")
    return resolved


def _register(args: argparse.Namespace) -> Any:
    """The register for a team command: --db as given, else the saved team server (the
    same choice as every command: ``cli.common.open_register``)."""
    from muse_care.cli.common import open_register

    return open_register(args)


def _approval_json(a: Any) -> dict[str, Any]:
    data = asdict(a)
    for k, val in list(data.items()):
        if hasattr(val, "isoformat"):
            data[k] = val.isoformat()
    return data


def run(args: argparse.Namespace) -> int | None:
    from muse_care.cli.common import EXIT_NOT_DONE, EXIT_OK, UsageError
    from muse_care.cli.output import emit as _emit

    if args.command == "db" and getattr(args, "db_command", None) == "migrate-to":
        return _migrate(args)
    if args.command != "team":
        return None
    from muse_care.services import team

    tc = args.team_command
    if tc == "init":
        report = team.init_team_database(_admin_url(args))
        print(f"team database {report.database} at revision {report.revision}: roles muse_agent, "
              f"muse_lead, muse_admin; grants, row-level security and the append-only history "
              f"applied to {report.tables} tables")
    elif tc == "add-user":
        password = None if args.no_password else _new_password(args)
        user = team.add_user(_admin_url(args), args.login, args.role, args.name, password)
        print(f"{user.login} ({user.display_name}) is {a_or_an(user.role)}"
              + (" with a password" if password else " (no password set)"))
    elif tc == "deactivate-user":
        team.deactivate_user(_admin_url(args), args.login)
        print(f"{args.login} can no longer connect")
    elif tc == "users":
        for u in team.list_users(_register(args)):
            print(f"{u.login:20} {u.role:6} {'active' if u.active else 'inactive':8} {u.display_name}")
    elif tc == "connect":
        server = team.save_server_settings(team.ServerSettings(
            args.host, args.database, args.user, args.port, args.sslmode))
        if args.password_env:
            team.store_password(server, _env_password(args.password_env))
        elif not args.no_password:
            team.store_password(server, getpass.getpass(f"password for {server.keyring_username}: "))
        reg = team.connect(server)
        try:
            print(f"connected to {server.database} on {server.host} (TLS: {server.sslmode}) as "
                  f"{reg.actor.display_name} ({reg.actor.login}, {a_or_an(reg.actor.role)})"
                  + ("; the password is in the system keychain" if not args.no_password else ""))
        finally:
            reg.dispose()
    elif tc == "whoami":
        reg = _register(args)
        print(f"{reg.actor.display_name} ({reg.actor.login}, {a_or_an(reg.actor.role)})")
    elif tc == "take-next":
        view = team.take_next_case(_register(args))
        if view is None:  # nothing taken: a script must be able to tell (README, exit status)
            if args.json:
                print("null")
            print("muse-care: no unassigned open case to take", file=sys.stderr)
            return EXIT_NOT_DONE
        _emit(args, view)
    elif tc == "request-approval":
        a = team.request_approval(_register(args), args.ref, args.kind, args.reason)
        print(f"approval request {a.id}: {a.kind} of {a.case_reference}, waiting for a team lead")
    elif tc == "approvals":
        items = team.approval_queue(_register(args), pending_only=not args.all)
        if args.json:
            print(json.dumps([_approval_json(a) for a in items], ensure_ascii=False))
        else:
            for a in items:
                state = a.decision or "waiting"
                print(f"{a.id:5} {a.case_reference} {a.kind:10} {state:9} by {a.requested_by} "
                      f"{a.requested_at:%Y-%m-%d %H:%M}: {a.reason}")
            print(f"{count(len(items), 'request')}")
    elif tc in ("approve", "reject"):
        a = team.decide_approval(_register(args), args.id, tc, args.note)
        print(f"{a.kind} of {a.case_reference} {a.decision} by {a.decided_by}")
    elif tc == "dashboard":
        from muse_care.services.team_reports import dashboard_data

        data = dashboard_data(_register(args))
        if args.json:
            print(json.dumps(asdict(data), default=str, ensure_ascii=False))
        else:
            print(f"as of {data.as_of}: {data.open_total} open, {data.overdue} overdue, "
                  f"{data.due_this_week} due this week, {count(data.pending_approvals, 'approval')} "
                  f"waiting; on time {data.on_time_text}")
            for agent in data.load_per_agent:
                print(f"  {agent.agent or '(unassigned)':20} {agent.open:6} open {agent.overdue:5} overdue")
    elif tc == "export":
        from muse_care.services.team_reports import export_register_csv

        n = export_register_csv(_register(args), args.date_from, args.date_to, args.output)
        print(f"{n} case(s) received {args.date_from} to {args.date_to} written to {args.output}")
    else:
        raise UsageError("choose a team command (see muse-care team --help)")
    return EXIT_OK


def _new_password(args: argparse.Namespace) -> str:
    if args.password_env:
        return _env_password(args.password_env)
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    first = getpass.getpass(f"new password for {args.login}: ")
    if first != getpass.getpass("the same again: "):
        from muse_care.domain.errors import ValidationError

        raise ValidationError("password", "the two passwords differ; nothing was changed")
    return first


def _env_password(var: str) -> str:
    from muse_care.domain.errors import ValidationError

    value = os.environ.get(var, "")
    if not value:
        raise ValidationError("password-env", f"the environment variable {var} is not set or empty")
    return value


def _migrate(args: argparse.Namespace) -> int:
    from muse_care.cli.common import EXIT_OK
    from muse_care.services import team
    from muse_care.services.team_migrate import migrate_to, require_admin_target
    from muse_care.store import db

    # the source is this machine's SQLite register (never the team server)
    source = db.resolve_url(args.db)
    target = db.resolve_url(args.target)
    require_admin_target(target)
    report = migrate_to(source, target)
    secured = False
    engine = db.make_engine(target)
    try:
        with engine.connect() as conn:
            if team.whoami(conn).superuser:
                team.apply_security(engine)
                secured = True
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps({**asdict(report), "secured": secured}))
    else:
        for table, n in report.tables.items():
            print(f"  {table:16} {n:>9} rows")
        print(f"moved to {db.redact(target)} in {report.seconds:.1f} s; row counts match and the "
              f"history ({report.history_entries} entries) verifies on the server"
              + ("; team roles applied" if secured else "; an admin now runs `team init` there"))
    return EXIT_OK
