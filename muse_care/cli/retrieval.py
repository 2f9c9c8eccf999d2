"""``muse-care retrieval|retention|evidence|bundle|anonymise|sources``: the retrieval log,
retention deadlines and the evidence store from the command line.

Exit status as in :mod:`muse_care.cli.main`; ``evidence verify`` and a bundle whose
files fail their check exit 1 listing each problem.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from datetime import date, time
from pathlib import Path
from typing import Any

from muse_care.domain.errors import ValidationError

COMMANDS = ("retrieval", "retention", "evidence", "bundle", "anonymise", "sources")
EXIT_OK, EXIT_PROBLEMS = 0, 1
_KEEP: Any = object()


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError("interaction-time", f"'{text}' is not a time; write it as HH:MM") from None


def _passphrase_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--passphrase-env", metavar="VAR",
                   help="the evidence store's passphrase is in environment variable VAR "
                        "(for a store protected by a passphrase instead of the OS keychain)")
    p.add_argument("--passphrase", action="store_true",
                   help="ask for the evidence store's passphrase (also asked when the store needs one)")


def add_parsers(sub: Any, parser_class: Any) -> None:
    from muse_care.cli.common import date_arg as date_type

    r = sub.add_parser("retrieval", help="the retrieval log of a case").add_subparsers(
        dest="retrieval_command", parser_class=parser_class)
    a = r.add_parser("add", help="log a search or an item (call recording, chat, …) on a case")
    a.add_argument("ref")
    a.add_argument("--source", required=True, help="source code (call-recording, live-chat, …)")
    a.add_argument("--interaction-date", type=date_type("interaction-date"), help="the day of the call or chat")
    a.add_argument("--interaction-time", type=_time, help="its time, HH:MM")
    a.add_argument("--identifier", default="", help="phone number, email or account searched "
                   "(default: the requester's, by the source's kind)")
    a.add_argument("--period-from", type=date_type("period-from"), help="first day searched")
    a.add_argument("--period-to", type=date_type("period-to"), help="last day searched")
    a.add_argument("--item-ref", default="")
    a.add_argument("--file", help="the retrieved file, copied into the encrypted evidence store")
    a.add_argument("--result", default="", help="to-retrieve, found, none-found, already-purged, "
                   "withheld-third-party, redacted (default: found with --file, else to-retrieve)")
    a.add_argument("--redaction-needed", action="store_true")
    a.add_argument("--redaction-done", action="store_true")
    a.add_argument("--notes", default="", help="notes on the search or the item")
    a.add_argument("--json", action="store_true")
    _passphrase_options(a)
    u = r.add_parser("update", help="change an entry: result, redaction, or attach its file")
    u.add_argument("id", type=int, help="the retrieval entry's id")
    u.add_argument("--result", help="the new result (found, none-found, …)")
    u.add_argument("--item-ref")
    u.add_argument("--file", help="the retrieved file, copied into the evidence store")
    u.add_argument("--redaction-needed", action="store_true", default=None)
    u.add_argument("--redaction-done", action="store_true", default=None)
    u.add_argument("--json", action="store_true")
    _passphrase_options(u)
    ls = r.add_parser("list", help="a case's retrieval entries and retention lines")
    ls.add_argument("ref")
    ls.add_argument("--as-of", type=date_type("as-of"))
    ls.add_argument("--json", action="store_true")

    t = sub.add_parser("retention", help="retention deadlines of the retailer's systems").add_subparsers(
        dest="retention_command", parser_class=parser_class)
    rep = t.add_parser("report", help="each interaction still held for an open case, soonest purge first")
    rep.add_argument("--as-of", type=date_type("as-of"))
    rep.add_argument("--json", action="store_true")
    hl = t.add_parser("hold-list", help="the preservation-hold list for the source systems' admins")
    hl.add_argument("-o", "--output", required=True, help="FILE.csv or FILE.pdf")
    hl.add_argument("--as-of", type=date_type("as-of"))

    e = sub.add_parser("evidence", help="the encrypted evidence store").add_subparsers(
        dest="evidence_command", parser_class=parser_class)
    ver = e.add_parser("verify", help="check every attached file (or a case's); exit 1 listing problems")
    ver.add_argument("ref", nargs="?")
    ver.add_argument("--json", action="store_true")
    _passphrase_options(ver)
    ex = e.add_parser("export", help="decrypt one entry's file after checking it")
    ex.add_argument("id", type=int, help="the evidence item's id")
    ex.add_argument("-o", "--output", required=True, help="a file, or a folder to put it in")
    _passphrase_options(ex)
    e.add_parser("where", help="where the evidence store is and how its key is kept")

    b = sub.add_parser("bundle", help="export a case's retrieved items with an index PDF and CSV")
    b.add_argument("ref")
    b.add_argument("-o", "--output", required=True, help="a new or empty folder")
    b.add_argument("--json", action="store_true")
    _passphrase_options(b)

    an = sub.add_parser("anonymise", help="anonymise closed cases past our own retention period")
    an.add_argument("--dry-run", action="store_true", help="list what would change; change nothing")
    an.add_argument("--as-of", type=date_type("as-of"))
    an.add_argument("--json", action="store_true")
    _passphrase_options(an)

    s = sub.add_parser("sources", help="systems interactions are kept in").add_subparsers(
        dest="sources_command", parser_class=parser_class)
    sl = s.add_parser("list", help="the sources and their retention periods")
    sl.add_argument("--all", action="store_true", help="include sources no longer in use")
    sl.add_argument("--json", action="store_true")
    sa = s.add_parser("add", help="add a source (email archive, CRM, …)")
    sa.add_argument("code", help="the source's code, e.g. call-recording")
    sa.add_argument("--name", required=True, help="the source's name as agents see it")
    sa.add_argument("--retention-months", type=_months, default=None, help="months, or 'none'")
    sa.add_argument("--identifier-kind", required=True, help="phone, email or account")
    sa.add_argument("--json", action="store_true")
    su = s.add_parser("update", help="change a source (a new retention recomputes purge dates)")
    su.add_argument("code", help="the source's code")
    su.add_argument("--name", help="a new name")
    su.add_argument("--retention-months", type=_months, default=_KEEP, help="months, or 'none'")
    su.add_argument("--identifier-kind", help="what it is searched by (phone, email, account)")
    su.add_argument("--inactive", action="store_true", help="no longer offered for new searches")
    su.add_argument("--json", action="store_true")


def _months(text: str) -> int | None:
    if text.strip().lower() in ("none", "0", ""):
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError("retention-months", f"'{text}' is not a number of months (or 'none')") from None


# --- output -----------------------------------------------------------------------------

def _d(x: date | None) -> str | None:
    return x.isoformat() if x else None


def retrieval_json(e: Any) -> dict[str, Any]:
    return {
        "id": e.id, "case": e.case_reference, "source": e.source_code, "source_name": e.source_name,
        "identifier_kind": e.identifier_kind, "identifier": e.identifier,
        "period_from": _d(e.period_from), "period_to": _d(e.period_to), "result": e.result.value,
        "item_ref": e.item_ref, "interaction_date": _d(e.interaction_date),
        "interaction_time": e.interaction_time or None, "purge_on": _d(e.purge_on),
        "retrieved_by": e.retrieved_by, "retrieved_at": e.retrieved_at.isoformat(),
        "file": {"name": e.file_name, "size": e.file_size, "sha256": e.sha256, "evidence_id": e.evidence_id}
        if e.has_file else None,
        "redaction_needed": e.redaction_needed, "redaction_done": e.redaction_done,
        "disclosed_in": e.disclosed_in or None,
        "disclosed_at": e.disclosed_at.isoformat() if e.disclosed_at else None,
        "notes": e.notes, "version": e.version,
    }


def line_json(x: Any) -> dict[str, Any]:
    return {"retrieval_id": x.retrieval_id, "case": x.case_reference, "source": x.source_code,
            "identifier": x.identifier, "item_ref": x.item_ref, "interaction_date": _d(x.interaction_date),
            "purge_on": _d(x.purge_on), "days_left": x.days_left, "severity": x.severity.value,
            "secured": x.secured, "text": x.text}


def source_json(s: Any) -> dict[str, Any]:
    return {"code": s.code, "name": s.name, "retention_months": s.retention_months,
            "identifier_kind": s.identifier_kind, "active": s.active}


def _print_entry(e: Any) -> None:
    when = (e.interaction_date.isoformat() + (f" {e.interaction_time}" if e.interaction_time else "")
            if e.interaction_date else "—")
    parts = [f"#{e.id:<4} {e.source_code:15} {when:16} {e.result.value:21}"]
    if e.identifier:
        parts.append(e.identifier)
    if e.item_ref:
        parts.append(f"ref {e.item_ref}")
    if e.has_file:
        parts.append(f"file {e.file_name} ({e.file_size:,} bytes, sha256 {e.sha256[:12]}…)")
    if e.redaction_needed:
        parts.append("redaction " + ("done" if e.redaction_done else "NEEDED"))
    if e.disclosed_in:
        parts.append(f"disclosed in {e.disclosed_in}")
    print("  ".join(parts))


# --- the evidence store -----------------------------------------------------------------

def _passphrase(args: argparse.Namespace, *, ask: bool) -> str | None:
    var = getattr(args, "passphrase_env", None)
    if var:
        value = os.environ.get(var)
        if value is None:
            raise ValidationError("passphrase-env", f"the environment variable {var} is not set")
        return value
    if getattr(args, "passphrase", False) or ask:
        if not sys.stdin.isatty():
            raise ValidationError("passphrase", "the evidence store needs its passphrase; give it with "
                                  "--passphrase-env VAR (there is no terminal to ask on)")
        return getpass.getpass("Evidence store passphrase: ")
    return None


def _store(args: argparse.Namespace, reg: Any) -> Any:
    from muse_care.evidence import KeychainUnavailable
    from muse_care.services.evidence_service import PassphraseRequired, open_store

    try:
        try:
            return open_store(reg, passphrase=_passphrase(args, ask=False))
        except PassphraseRequired:
            return open_store(reg, passphrase=_passphrase(args, ask=True))
    except KeychainUnavailable as exc:
        raise KeychainUnavailable(f"{exc} On the command line: --passphrase (asked for) or "
                                  "--passphrase-env VAR.") from exc


# --- commands ---------------------------------------------------------------------------

def run(args: argparse.Namespace) -> int | None:
    if args.command not in COMMANDS:
        return None
    from muse_care.cli.common import UsageError, open_register as register_factory

    cmd = args.command
    sub = getattr(args, f"{cmd}_command", None) if cmd not in ("bundle", "anonymise") else cmd
    if not sub:
        raise UsageError(f"choose a {cmd} command (see muse-care {cmd} --help)")
    reg = register_factory(args)
    if cmd == "retrieval":
        return _run_retrieval(args, reg)
    if cmd == "retention":
        return _run_retention(args, reg)
    if cmd == "evidence":
        return _run_evidence(args, reg)
    if cmd == "bundle":
        return _run_bundle(args, reg)
    if cmd == "anonymise":
        return _run_anonymise(args, reg)
    return _run_sources(args, reg)


def _run_retrieval(args: argparse.Namespace, reg: Any) -> int:
    from muse_care.services import retrieval as rt

    if args.retrieval_command == "add":
        draft = rt.RetrievalDraft(
            source=args.source, result=args.result, identifier=args.identifier, period_from=args.period_from,
            period_to=args.period_to, interaction_date=args.interaction_date,
            interaction_time=args.interaction_time, item_ref=args.item_ref, file=args.file,
            redaction_needed=args.redaction_needed, redaction_done=args.redaction_done, notes=args.notes)
        store = None
        if args.file:
            rt.check_file(args.file)  # a wrong path is reported before the store is unlocked
            store = _store(args, reg)
        entry = rt.add_retrieval(reg, args.ref, draft, store)
        if args.json:
            print(json.dumps(retrieval_json(entry), ensure_ascii=False))
        else:
            _print_entry(entry)
        return EXIT_OK
    if args.retrieval_command == "update":
        store = _store(args, reg) if args.file else None
        entry = rt.update_retrieval(reg, args.id, result=args.result, item_ref=args.item_ref, file=args.file,
                                    store=store, redaction_needed=args.redaction_needed,
                                    redaction_done=args.redaction_done)
        if args.json:
            print(json.dumps(retrieval_json(entry), ensure_ascii=False))
        else:
            _print_entry(entry)
        return EXIT_OK
    entries = rt.list_retrievals(reg, args.ref)
    lines = rt.retention_lines(reg, args.ref, args.as_of)
    if args.json:
        print(json.dumps({"entries": [retrieval_json(e) for e in entries],
                          "retention": [line_json(x) for x in lines]}, ensure_ascii=False))
        return EXIT_OK
    for e in entries:
        _print_entry(e)
    for x in lines:
        print(f"  [{x.severity.value}{', retrieved' if x.secured else ''}] {x.text}")
    print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")
    return EXIT_OK


def _run_retention(args: argparse.Namespace, reg: Any) -> int:
    from muse_care.services import retrieval as rt

    if args.retention_command == "report":
        rows = rt.retention_report(reg, args.as_of)
        if args.json:
            print(json.dumps([{**line_json(r.line), "case_status": r.case_status,
                               "case_due": _d(r.case_due)} for r in rows], ensure_ascii=False))
            return EXIT_OK
        for r in rows:
            x = r.line
            print(f"{x.purge_on.isoformat()}  {x.days_left:>4}d  {x.severity.value:8} {x.case_reference}  "
                  f"#{x.retrieval_id:<4} {x.source_code:15} {x.interaction_date.isoformat()}"
                  f"{'  retrieved' if x.secured else '  NOT RETRIEVED'}")
        print(f"{len(rows)} interaction(s) still held for open cases")
        return EXIT_OK
    from muse_care.services.bundle import write_hold_list

    items = write_hold_list(reg, Path(args.output), args.as_of)
    print(f"hold list of {len(items)} item(s) written to {args.output}")
    return EXIT_OK


def _run_evidence(args: argparse.Namespace, reg: Any) -> int:
    from muse_care.services import evidence_service as es

    if args.evidence_command == "where":
        root = es.evidence_root(reg)
        kind = es.store_kind(root)
        print(f"{root}  ({'key in the OS keychain' if kind == 'keyring' else 'protected by a passphrase' if kind == 'passphrase' else 'not created yet'})")
        return EXIT_OK
    if args.evidence_command == "verify" and not es.store_exists(reg):
        store = None  # nothing to unlock; every attached file is then reported missing
    else:
        store = _store(args, reg)
    if args.evidence_command == "export":
        assert store is not None
        path = es.export_item(reg, store, args.id, Path(args.output))
        print(f"checked and written to {path}")
        return EXIT_OK
    report = es.verify_evidence(reg, store, args.ref)
    if args.json:
        print(json.dumps({"checked": report.checked, "ok": report.ok,
                          "problems": [p.__dict__ for p in report.problems]}, ensure_ascii=False))
    else:
        for p in report.problems:
            print(f"PROBLEM {p.case_reference} #{p.retrieval_id} {p.source_code} {p.file_name}: {p.problem}")
        print(f"{report.checked} file(s) checked, {len(report.problems)} problem(s)")
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _run_bundle(args: argparse.Namespace, reg: Any) -> int:
    from muse_care.services.bundle import BundleFailed, export_bundle

    store = _store(args, reg)
    try:
        report = export_bundle(reg, store, args.ref, Path(args.output))
    except BundleFailed as exc:
        for p in exc.problems:
            print(f"PROBLEM {p.case_reference} #{p.retrieval_id} {p.source_code} {p.file_name}: {p.problem}",
                  file=sys.stderr)
        print(f"muse-care: the bundle was not made: {len(exc.problems)} file(s) failed their check",
              file=sys.stderr)
        return EXIT_PROBLEMS
    if args.json:
        print(json.dumps({"label": report.label, "directory": str(report.directory),
                          "items": [{**i.__dict__, "interaction_date": _d(i.interaction_date)}
                                    for i in report.items]}, ensure_ascii=False))
    else:
        for i in report.items:
            if i.section == "disclosed":
                print(f"{i.file_name}  {i.size:,} bytes  {i.sha256}")
            else:
                print(f"({i.section}) #{i.retrieval_id} {i.source_name} {_d(i.interaction_date) or ''} {i.result}")
        print(f"{len(report.disclosed)} file(s) and the index written to {report.directory}; "
              f"marked as disclosed in {report.label}")
    return EXIT_OK


def _run_anonymise(args: argparse.Namespace, reg: Any) -> int:
    from muse_care.services import anonymise as an

    if args.dry_run:
        report = an.plan(reg, args.as_of)
    else:
        preview = an.plan(reg, args.as_of)
        store = _store(args, reg) if any(i.evidence_files for i in preview.cases) else None
        report = an.anonymise(reg, store, args.as_of)
    if args.json:
        print(json.dumps({"dry_run": report.dry_run, "as_of": report.as_of.isoformat(), "years": report.years,
                          "closed_on_or_before": report.cutoff.isoformat(),
                          "cases": [{**i.__dict__, "closed_on": i.closed_on.isoformat()} for i in report.cases],
                          "evidence_problems": list(report.evidence_problems)}, ensure_ascii=False))
    else:
        verb = "would be anonymised" if report.dry_run else "anonymised"
        for i in report.cases:
            print(f"{i.reference}  closed {i.closed_on.isoformat()}  {i.notes} note(s), "
                  f"{i.retrieval_entries} retrieval entr{'y' if i.retrieval_entries == 1 else 'ies'}, "
                  f"{i.evidence_files} evidence file(s), {i.letters} letter(s)")
        print(f"{len(report.cases)} closed case(s) {verb} (closed on or before "
              f"{report.cutoff.isoformat()}, {report.years} years before {report.as_of.isoformat()}); "
              "open cases are never touched")
        for p in report.evidence_problems:
            print(f"PROBLEM {p}")
    return EXIT_PROBLEMS if report.evidence_problems else EXIT_OK


def _run_sources(args: argparse.Namespace, reg: Any) -> int:
    from muse_care.services import retrieval as rt

    if args.sources_command == "list":
        rows = rt.list_sources(reg, include_inactive=args.all)
    elif args.sources_command == "add":
        rows = [rt.add_source(reg, args.code, args.name, args.retention_months, args.identifier_kind)]
    else:
        kw: dict[str, Any] = {}
        if args.retention_months is not _KEEP:
            kw["retention_months"] = args.retention_months
        rows = [rt.update_source(reg, args.code, name=args.name, identifier_kind=args.identifier_kind,
                                 active=False if args.inactive else None, **kw)]
    if args.json:
        print(json.dumps([source_json(s) for s in rows], ensure_ascii=False))
    else:
        for s in rows:
            kept = f"{s.retention_months} months" if s.retention_months else "no retention period"
            print(f"{s.code:18} {s.name:28} {kept:20} by {s.identifier_kind}{'' if s.active else '  (inactive)'}")
    return EXIT_OK
