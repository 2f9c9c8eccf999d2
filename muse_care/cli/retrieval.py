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
    pol = t.add_parser("policy", help="our own retention policy: show it, or change a period")
    pol.add_argument("--case-years", type=_count("case-years"), help="years a case is kept after it ends")
    pol.add_argument("--evidence-months", type=_count("evidence-months"),
                     help="months evidence copies are kept after the reply")
    pol.add_argument("--warn-days", type=_count("warn-days"), help="warn this many days before a source purges")
    pol.add_argument("--auto", choices=("on", "off"), help="run by itself at start (daily on a team)")
    pol.add_argument("--json", action="store_true")
    lg = t.add_parser("log", help="what our own retention removed, when, and by which rule")
    lg.add_argument("--limit", type=_count("limit"), default=1000, help="at most this many lines (default 1000)")
    lg.add_argument("--json", action="store_true")
    rn = t.add_parser("run", help="run our own retention now if it is due today (as the schedule does)")
    rn.add_argument("--json", action="store_true")
    _passphrase_options(rn)
    ho = t.add_parser("hold", help="put one of our cases under a legal hold: it is not anonymised")
    ho.add_argument("ref")
    ho.add_argument("--reason", required=True, help="why (a complaint to the regulator, a legal claim)")
    ho.add_argument("--until", type=date_type("until"), help="the day it ends (default: until released)")
    ho.add_argument("--json", action="store_true")
    rl = t.add_parser("release", help="release a case's legal hold (lead or admin)")
    rl.add_argument("ref")
    hs = t.add_parser("holds", help="the legal holds on our cases")
    hs.add_argument("ref", nargs="?")
    hs.add_argument("--all", action="store_true", help="include released holds")
    hs.add_argument("--json", action="store_true")

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
    rk = e.add_parser("rekey", help="re-encrypt every item with a new key or passphrase (resumable)")
    new = rk.add_mutually_exclusive_group(required=True)
    new.add_argument("--new-passphrase-env", metavar="VAR", help="the new passphrase is in environment variable VAR")
    new.add_argument("--keychain", action="store_true", help="a new random key, kept in the OS keychain")
    new.add_argument("--keep-key", action="store_true",
                     help="keep the key; bind items written before binding existed to their entries")
    rk.add_argument("--json", action="store_true")
    _passphrase_options(rk)

    b = sub.add_parser("bundle", help="export a case's retrieved items with an index PDF and CSV")
    b.add_argument("ref")
    b.add_argument("-o", "--output", required=True, help="a new or empty folder")
    b.add_argument("--password-env", metavar="VAR",
                   help="encrypt the bundle (AES-256 archive and index PDF) with the password in environment "
                        "variable VAR; send the password separately. It is never stored")
    b.add_argument("--json", action="store_true")
    _passphrase_options(b)

    an = sub.add_parser("anonymise", help="anonymise ended cases past our own retention period, or one case now")
    an.add_argument("ref", nargs="?", help="erase this case now, keeping the minimal record (lead or admin)")
    an.add_argument("--reason", default="", help="why this case is erased now (required with a case)")
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
    sa.add_argument("--rule", default="interaction", help="what the period counts from: interaction, "
                    "billing-date, last-interaction, end-of-relationship")
    sa.add_argument("--timezone", default="", help="the zone the source dates its items in (e.g. UTC)")
    sa.add_argument("--json", action="store_true")
    su = s.add_parser("update", help="change a source (a new retention recomputes purge dates)")
    su.add_argument("code", help="the source's code")
    su.add_argument("--name", help="a new name")
    su.add_argument("--retention-months", type=_months, default=_KEEP, help="months, or 'none'")
    su.add_argument("--identifier-kind", help="what it is searched by (phone, email, account)")
    su.add_argument("--rule", help="interaction, billing-date, last-interaction, end-of-relationship")
    su.add_argument("--timezone", help="the zone the source dates its items in (e.g. UTC; '' for ours)")
    su.add_argument("--inactive", action="store_true", help="no longer offered for new searches")
    su.add_argument("--json", action="store_true")


def _count(field: str) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValidationError(field, f"'{text}' is not a whole number") from None
        if value < 0:
            raise ValidationError(field, "must not be negative")
        return value
    return parse


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
            "secured": x.secured, "text": x.text, "rule": x.rule, "held_since": _d(x.held_since)}


def source_json(s: Any) -> dict[str, Any]:
    return {"code": s.code, "name": s.name, "retention_months": s.retention_months,
            "identifier_kind": s.identifier_kind, "active": s.active, "rule": s.retention_kind,
            "rule_text": s.rule_text, "timezone": s.timezone or None}


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
        print(f"  [{x.severity.value}{', retrieved' if x.secured else ''}] {x.text}  (rule: {x.rule})")
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
                  f"{'  retrieved' if x.secured else '  NOT RETRIEVED'}  {x.rule}"
                  f"{f'  on hold since {x.held_since.isoformat()}' if x.held_since else ''}")
        print(f"{len(rows)} interaction(s) still held for open cases")
        return EXIT_OK
    if args.retention_command != "hold-list":
        return _run_policy(args, reg)
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
    if args.evidence_command == "rekey":
        return _run_rekey(args, reg)
    if args.evidence_command == "verify" and not es.store_exists(reg):
        store = None  # nothing to unlock; every attached file is then reported missing
    else:
        store = _store(args, reg)
    if args.evidence_command == "export":
        assert store is not None
        path = es.export_item(reg, store, args.id, Path(args.output))
        print(f"checked and written to {path}")
        return EXIT_OK
    if store is not None:
        es.sweep_pending(reg, store)
    report = es.verify_evidence(reg, store, args.ref)
    if args.json:
        print(json.dumps({"checked": report.checked, "ok": report.ok,
                          "problems": [p.__dict__ for p in report.problems],
                          "orphans": list(report.orphans)}, ensure_ascii=False))
    else:
        for p in report.problems:
            print(f"PROBLEM {p.case_reference} #{p.retrieval_id} {p.source_code} {p.file_name}: {p.problem}")
        for o in report.orphans:
            print(f"ORPHAN {o}: a stored item no retrieval entry owns (an attachment cut off, or an entry "
                  "changed by hand)")
        print(f"{report.checked} file(s) checked, {len(report.problems)} problem(s)"
              + (f", {len(report.orphans)} item(s) no entry owns" if report.orphans else ""))
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _run_bundle(args: argparse.Namespace, reg: Any) -> int:
    from muse_care.services.bundle import BundleFailed, export_bundle

    password = None
    if args.password_env:
        password = os.environ.get(args.password_env)
        if not password:
            raise ValidationError("password-env", f"the environment variable {args.password_env} is not set "
                                  "or empty")
        from muse_care.services.bundle import check_password

        check_password(password)
    store = _store(args, reg)
    try:
        report = export_bundle(reg, store, args.ref, Path(args.output), password=password)
    except BundleFailed as exc:
        for p in exc.problems:
            print(f"PROBLEM {p.case_reference} #{p.retrieval_id} {p.source_code} {p.file_name}: {p.problem}",
                  file=sys.stderr)
        print(f"muse-care: the bundle was not made: {len(exc.problems)} file(s) failed their check",
              file=sys.stderr)
        return EXIT_PROBLEMS
    if args.json:
        print(json.dumps({"label": report.label, "directory": str(report.directory),
                          "archive": str(report.archive) if report.archive else None,
                          "items": [{**i.__dict__, "interaction_date": _d(i.interaction_date),
                                     "period_from": _d(i.period_from), "period_to": _d(i.period_to)}
                                    for i in report.items]}, ensure_ascii=False))
    else:
        for i in report.items:
            if i.section == "disclosed":
                print(f"{i.file_name}  {i.size:,} bytes  {i.sha256}")
            else:
                print(f"({i.section}) #{i.retrieval_id} {i.source_name} {_d(i.interaction_date) or ''} {i.result}")
        if report.archive is not None:
            print(f"{len(report.disclosed)} file(s) and the index encrypted (AES-256) into {report.archive}; "
                  f"index.pdf (same password) and README.txt beside it; send the password separately")
        else:
            print(f"{len(report.disclosed)} file(s) and the index written to {report.directory}; "
                  f"marked as disclosed in {report.label}")
    return EXIT_OK


def _run_anonymise(args: argparse.Namespace, reg: Any) -> int:
    from muse_care.services import anonymise as an

    if args.ref:
        if args.dry_run or args.as_of:
            raise ValidationError("ref", "a case is erased now; --dry-run and --as-of are for the schedule")
        if not args.reason.strip():
            raise ValidationError("reason", "say why this case is erased now (--reason)")
        with reg.read() as session:
            from muse_care.services.cases import _load

            case = _load(session, args.ref)
            has_files = any(r for r in _case_files(session, case.id))
        store = _store(args, reg) if has_files else None
        report = an.erase_case(reg, store, args.ref, args.reason)
    elif args.dry_run:
        report = an.plan(reg, args.as_of)
        an.record_review(reg, report)
    else:
        preview = an.plan(reg, args.as_of)
        store = _store(args, reg) if any(i.evidence_files for i in preview.cases) else None
        report = an.anonymise(reg, store, args.as_of)
    if args.json:
        print(json.dumps(_anonymise_json(report), ensure_ascii=False))
    else:
        _print_anonymise(report)
    return EXIT_PROBLEMS if report.evidence_problems else EXIT_OK


def _case_files(session: Any, case_id: int) -> list[str]:
    from sqlalchemy import select

    from muse_care.store.models import RetrievalRecord

    return list(session.execute(select(RetrievalRecord.evidence_id).where(
        RetrievalRecord.case_id == case_id, RetrievalRecord.evidence_id != "")).scalars())


def _print_anonymise(report: Any) -> None:
    verb = "would be anonymised" if report.dry_run else "anonymised"
    for i in report.cases:
        if i.action == "anonymise":
            print(f"{i.reference}  {i.status or 'ended'} {i.closed_on.isoformat()}  {i.notes} note(s), "
                  f"{i.retrieval_entries} retrieval entr{'y' if i.retrieval_entries == 1 else 'ies'}, "
                  f"{i.evidence_files} evidence file(s), {i.letters} letter(s)  [{i.rule}]")
        else:
            print(f"{i.reference}  {i.status} {i.closed_on.isoformat()}  {i.evidence_files} evidence cop"
                  f"{'y' if i.evidence_files == 1 else 'ies'} {'would be ' if report.dry_run else ''}deleted"
                  f"  [{i.rule}]")
    print(f"{len(report.anonymised)} case(s) {verb} (ended on or before {report.cutoff.isoformat()}, "
          f"{report.years} years before {report.as_of.isoformat()}); "
          f"{len(report.purged)} case(s) {'would lose' if report.dry_run else 'lost'} their evidence copies; "
          "open cases are never touched")
    for ref in report.held:
        print(f"HELD {ref}: under a legal hold, left alone")
    for ref in report.postponed:
        print(f"POSTPONED {ref}: the evidence store is locked; run muse-care retention run")
    for name in report.safety_copies_removed:
        print(f"REMOVED safety copy {name}: it still held an anonymised case")
    for path in report.backups_holding:
        print(f"BACKUP {path} still holds an anonymised case: replace it with a new backup")
    for p in report.evidence_problems:
        print(f"PROBLEM {p}")


def _anonymise_json(report: Any) -> dict[str, Any]:
    return {"dry_run": report.dry_run, "as_of": report.as_of.isoformat(), "years": report.years,
            "closed_on_or_before": report.cutoff.isoformat(), "evidence_months": report.evidence_months,
            "cases": [{**i.__dict__, "closed_on": i.closed_on.isoformat()} for i in report.cases],
            "held": list(report.held), "postponed": list(report.postponed),
            "safety_copies_removed": list(report.safety_copies_removed),
            "backups_holding": list(report.backups_holding),
            "evidence_problems": list(report.evidence_problems)}


def _run_policy(args: argparse.Namespace, reg: Any) -> int:
    from muse_care.services import anonymise as an
    from muse_care.services.settings import get_setting, set_setting

    cmd = args.retention_command
    if cmd == "policy":
        changes = {"anonymise_after_years": args.case_years, "evidence_keep_months": args.evidence_months,
                   "retention_warn_days": args.warn_days,
                   "retention_auto": None if args.auto is None else args.auto == "on"}
        for key, value in changes.items():
            if value is not None:
                set_setting(reg, key, value)
        policy = {key: get_setting(reg, key) for key in changes}
        policy["retention_reviewed"] = get_setting(reg, "retention_reviewed") or None
        from muse_care.domain.retention import MINIMAL_RECORD

        policy["minimal_record"] = list(MINIMAL_RECORD)
        if args.json:
            print(json.dumps(policy, ensure_ascii=False))
            return EXIT_OK
        print(f"a case is kept {policy['anonymise_after_years']} year(s) after it ends (responded, refused, "
              "withdrawn or closed), then anonymised")
        print(f"evidence copies are kept {policy['evidence_keep_months']} month(s) after the reply")
        print(f"warning {policy['retention_warn_days']} day(s) before a source system purges an item")
        print(f"kept after anonymisation: {', '.join(MINIMAL_RECORD)}")
        reviewed = policy["retention_reviewed"]
        auto = "on" if policy["retention_auto"] else "off"
        print(f"runs by itself at start: {auto}" + (f" (dry run seen by {reviewed['by']} on {reviewed['at'][:10]})"
                                                   if reviewed else " once an admin has seen the dry run "
                                                   "(muse-care anonymise --dry-run)"))
        return EXIT_OK
    if cmd == "log":
        entries = an.retention_log(reg, args.limit)
        if args.json:
            print(json.dumps([{**e.__dict__, "at": e.at.isoformat()} for e in entries], ensure_ascii=False))
            return EXIT_OK
        for e in entries:
            print(f"{e.at:%Y-%m-%d %H:%M}Z  {e.action:16} {e.case_reference or '-':12} {e.actor:12} "
                  f"[{e.rule}] {e.detail}")
        print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}")
        return EXIT_OK
    if cmd == "run":
        from muse_care.evidence import EvidenceError

        def opener() -> Any:
            from muse_care.services import evidence_service as es

            if not es.store_exists(reg):
                return None
            try:
                return _store(args, reg)
            except (EvidenceError, ValidationError):
                return None

        result = an.run_scheduled(reg, opener)
        if args.json:
            print(json.dumps({"ran": result.ran, "why": result.why,
                              "report": _anonymise_json(result.report) if result.report else None},
                             ensure_ascii=False))
        else:
            if result.report is not None:
                _print_anonymise(result.report)
            print(f"retention run: {result.why}")
        return EXIT_OK
    if cmd == "hold":
        hold = an.place_hold(reg, args.ref, args.reason, args.until)
        if args.json:
            print(json.dumps(_hold_json(hold), ensure_ascii=False))
        else:
            print(f"{hold.case_reference} is under legal hold #{hold.id}"
                  + (f" until {hold.until.isoformat()}" if hold.until else " until released")
                  + ": it will not be anonymised")
        return EXIT_OK
    if cmd == "release":
        released = an.release_hold(reg, args.ref)
        print(f"{len(released)} legal hold(s) on {released[0].case_reference} released")
        return EXIT_OK
    holds = an.list_holds(reg, args.ref, include_released=args.all)
    if args.json:
        print(json.dumps([_hold_json(h) for h in holds], ensure_ascii=False))
        return EXIT_OK
    for h in holds:
        state = (f"released by {h.released_by} {h.released_at:%Y-%m-%d}" if h.released_at else
                 (f"until {h.until.isoformat()}" if h.until else "until released"))
        print(f"#{h.id:<4} {h.case_reference}  {state:30} by {h.placed_by} {h.placed_at:%Y-%m-%d}: {h.reason}")
    print(f"{len(holds)} legal hold(s)")
    return EXIT_OK


def _hold_json(h: Any) -> dict[str, Any]:
    return {"id": h.id, "case": h.case_reference, "reason": h.reason, "placed_by": h.placed_by,
            "placed_at": h.placed_at.isoformat(), "until": _d(h.until), "released_by": h.released_by or None,
            "released_at": h.released_at.isoformat() if h.released_at else None}


def _run_rekey(args: argparse.Namespace, reg: Any) -> int:
    from muse_care.evidence import KeyringKeyProvider, PassphraseKeyProvider
    from muse_care.services import evidence_service as es

    new: Any = None
    if args.new_passphrase_env:
        value = os.environ.get(args.new_passphrase_env)
        if not value:
            raise ValidationError("new-passphrase-env", f"the environment variable {args.new_passphrase_env} "
                                  "is not set or empty")
        new = PassphraseKeyProvider(value)
    elif args.keychain:
        new = KeyringKeyProvider()
    root = es.evidence_root(reg)
    if not es.store_exists(reg):
        raise ValidationError("evidence", f"there is no evidence store at {root}")
    old_pass = _passphrase(args, ask=False)
    if es.rekey_in_progress(root):
        # The new key is already the store's: open with it, the old one as the previous.
        from muse_care.evidence import EvidenceStore

        current = new if new is not None else (PassphraseKeyProvider(old_pass) if old_pass else KeyringKeyProvider())
        previous = PassphraseKeyProvider(old_pass) if old_pass else KeyringKeyProvider()
        store = EvidenceStore(root, current, previous_provider=previous)
        report = es.rekey(reg, store, None)
    else:
        store = _store(args, reg)
        report = es.rekey(reg, store, new)
    if args.json:
        print(json.dumps({"rewrapped": report.rewrapped, "already": report.already, "finished": report.finished,
                          "problems": [p.__dict__ for p in report.problems]}, ensure_ascii=False))
    else:
        for p in report.problems:
            print(f"PROBLEM {p.case_reference} #{p.retrieval_id} {p.source_code} {p.file_name}: {p.problem}")
        print(f"{report.rewrapped} item(s) re-encrypted, {report.already} already done"
              + ("; the old key is no longer used" if report.finished else "; run it again to finish"))
    return EXIT_OK if report.finished and not report.problems else EXIT_PROBLEMS


def _run_sources(args: argparse.Namespace, reg: Any) -> int:
    from muse_care.services import retrieval as rt

    if args.sources_command == "list":
        rows = rt.list_sources(reg, include_inactive=args.all)
    elif args.sources_command == "add":
        rows = [rt.add_source(reg, args.code, args.name, args.retention_months, args.identifier_kind,
                              retention_kind=args.rule, timezone=args.timezone)]
    else:
        kw: dict[str, Any] = {}
        if args.retention_months is not _KEEP:
            kw["retention_months"] = args.retention_months
        rows = [rt.update_source(reg, args.code, name=args.name, identifier_kind=args.identifier_kind,
                                 active=False if args.inactive else None, retention_kind=args.rule,
                                 timezone=args.timezone, **kw)]
    if args.json:
        print(json.dumps([source_json(s) for s in rows], ensure_ascii=False))
    else:
        for s in rows:
            print(f"{s.code:18} {s.name:28} {s.rule_text:40} by {s.identifier_kind}"
                  f"{'' if s.active else '  (inactive)'}")
    return EXIT_OK
