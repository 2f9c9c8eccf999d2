"""``muse-care letter`` and ``muse-care letters …``: produce, print and dispatch letters."""

from __future__ import annotations

import argparse
import json
import sys
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from muse_care.domain.errors import ValidationError

def kinds_help() -> str:
    """The kinds as the registry declares them (letters/kinds.py): id (title)."""
    from muse_care.letters import kinds

    return "; ".join(f"{k.id} ({k.title})" for k in kinds.all_kinds())


def add_parsers(sub: Any, parser_class: type) -> None:
    from muse_care.letters.model import LAYOUTS

    one = sub.add_parser("letter", help="produce a letter for a case as a PDF")
    one.add_argument("ref")
    one.add_argument("--kind", required=True, metavar="KIND", help="the letter: " + kinds_help())
    one.add_argument("--layout", metavar="LAYOUT", help=", ".join(LAYOUTS) + " (default: the setting)")
    one.add_argument("--field", action="append", default=[], metavar="NAME=TEXT",
                     help="a letter field, e.g. outcome='…' (repeatable; list fields take one item per line)")
    one.add_argument("--enclosure", action="append", default=[], help="an enclosure to list (repeatable)")
    one.add_argument("-o", "--output", required=True, help="the PDF file to write")
    one.add_argument("--password-env", help="protect the PDF (AES-256) with the password in this "
                     "environment variable, for emailed copies")
    one.add_argument("--json", action="store_true")

    many = sub.add_parser("letters", help="letters: list, print run, dispatch, reprint").add_subparsers(
        dest="letters_command", parser_class=parser_class)
    ls = many.add_parser("list", help="a case's letters")
    ls.add_argument("ref")
    ls.add_argument("--json", action="store_true")
    run = many.add_parser("print-run", help="the day's letters not printed yet as one PDF per paper size")
    run.add_argument("--date", help="YYYY-MM-DD (default today)")
    run.add_argument("--id", type=int, action="append", default=[], help="only these letters (repeatable)")
    run.add_argument("--paper", choices=("A4", "US Letter"), help="only letters on this paper")
    run.add_argument("--reprint-reason", default="", help="also reprint letters printed but not dispatched, "
                     "recording this reason")
    run.add_argument("-o", "--output", required=True, help="the PDF; with two paper sizes, NAME-A4.pdf and "
                     "NAME-US-Letter.pdf")
    run.add_argument("--json", action="store_true")
    runs = many.add_parser("runs", help="the recorded print runs (of a day)")
    runs.add_argument("--date", help="YYYY-MM-DD (default: every day)")
    runs.add_argument("--json", action="store_true")
    disp = many.add_parser("dispatch", help="mark the letters of a print run (or single letters) as sent")
    disp.add_argument("--run", type=int, help="the print run: mark exactly its letters")
    disp.add_argument("--id", type=int, action="append", default=[], help="a printed letter (repeatable)")
    disp.add_argument("--date", help="the day's print run, if that day has exactly one waiting")
    disp.add_argument("--method", default="post",
                      help="post (default), email (to the case's address) or my-account (the customer's account)")
    disp.add_argument("--json", action="store_true")
    rep = many.add_parser("reprint", help="print a letter again, with the reason")
    rep.add_argument("id", type=int, help="the letter's number (letters list shows it)")
    rep.add_argument("--reason", required=True, help="why: lost in the post, spoiled…")
    rep.add_argument("-o", "--output", required=True, help="the PDF file to write")
    again = many.add_parser("again", help="produce a letter again from the case as it is now (new address)")
    again.add_argument("id", type=int, help="the letter to replace; it never prints again")
    again.add_argument("-o", "--output", help="also write the new letter's PDF here")
    again.add_argument("--json", action="store_true")
    wd = many.add_parser("withdraw", help="set a letter aside for good: it never prints or goes out")
    wd.add_argument("id", type=int, help="the letter's number (letters list shows it)")
    wd.add_argument("--reason", required=True, help="why: made in error, promises a day that has passed…")
    wd.add_argument("--json", action="store_true")



def _fields(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValidationError("field", f"'{item}' is not NAME=TEXT")
        out[name.strip()] = value.replace("\\n", "\n")
    return out


def _check_output(path: str) -> Path:
    """Where -o points, checked before anything is produced or recorded."""
    from muse_care.domain.private_files import check_destination

    target = check_destination(Path(path), "output")
    if target.suffix.lower() != ".pdf":
        raise ValidationError("output", f"{target.name} should end in .pdf")
    return target


def _write(path: str, data: bytes) -> Path:
    from muse_care.domain.private_files import write_private

    # private, through an unpredictable temporary name (never a planted symlink)
    return write_private(_check_output(path), data, "output")


def _info_json(info: Any) -> dict[str, Any]:
    data = asdict(info)
    for key, value in data.items():
        if hasattr(value, "isoformat"):
            data[key] = value.isoformat()
    return data


def run(args: argparse.Namespace) -> int | None:
    if args.command not in ("letter", "letters"):
        return None
    from muse_care.cli.common import open_register as _register
    from muse_care.domain.validation import parse_iso_date
    from muse_care.services import letters

    if getattr(args, "output", None):
        _check_output(args.output)  # a bad -o: exit 2, nothing produced or recorded
    reg = _register(args)
    if args.command == "letter":
        info = letters.produce_letter(reg, args.ref, args.kind, layout=args.layout,
                                      fields=_fields(args.field), enclosures=args.enclosure)
        pdf = letters.letter_pdf(reg, info.id)
        if args.password_env:
            from muse_care.letters.batch import encrypt_pdf

            password = os.environ.get(args.password_env, "")
            if not password:
                raise ValidationError("password-env", f"environment variable {args.password_env} is empty")
            pdf = encrypt_pdf(pdf, password)
        path = _write(args.output, pdf)
        if args.json:
            print(json.dumps({**_info_json(info), "file": str(path)}))
        else:
            print(f"letter {info.id}: {info.kind} for {info.reference}, {_n(info.page_count, 'page')}, "
                  f"{info.layout} → {path}")
        return 0
    cmd = args.letters_command
    if cmd == "list":
        items = letters.list_letters(reg, args.ref)
        if args.json:
            print(json.dumps([_info_json(i) for i in items]))
        else:
            for i in items:
                sent = f"sent {i.dispatched_on.isoformat()} by {i.dispatch_method}" if i.dispatched_on else "not sent"
                if i.superseded_by:
                    sent += f", replaced by letter {i.superseded_by}"
                if i.withdrawn_on:
                    sent += f", withdrawn {i.withdrawn_on.isoformat()}: {i.withdrawn_reason}"
                print(f"{i.id:6}  {i.kind:22} {i.generated_at:%Y-%m-%d %H:%M} {i.page_count}p  {sent}")
        return 0
    if cmd == "print-run":
        day = parse_iso_date("date", args.date) if args.date else None
        papers = [args.paper] if args.paper else sorted(
            {i.paper for i in letters.letters_for_run(reg, day, args.id or None,
                                                      reprints=bool(args.reprint_reason))}) or [None]
        results = []
        for paper in papers:
            try:
                result = letters.build_print_run(reg, day, args.id or None, reprint_reason=args.reprint_reason,
                                                 paper=paper)
            except letters.StaleLetter as exc:
                if letters.NO_AGAIN in exc.message:  # it says what to do instead
                    raise ValidationError("letter", exc.message) from None
                raise ValidationError("letter", f"{exc.message}: muse-care letters again {exc.letter_id}") from None
            except letters.PastPromiseLetter as exc:  # never printed: build the run without it
                waiting = [i.id for i in letters.letters_for_run(reg, day, args.id or None,
                                                                 reprints=bool(args.reprint_reason), paper=paper)]
                past = sorted(i for i in waiting if _past_promise(letters, reg, i)) or [exc.letter_id]
                others = [i for i in waiting if i not in past]
                them = "it" if len(past) == 1 else "them"
                rest = (f" The rest of the run without {them}: muse-care letters print-run "
                        + " ".join(f"--id {i}" for i in others) + f" -o {args.output}") if others else ""
                gone = (f" Take {them} out of the print list for good: "
                        + "; ".join(f"muse-care letters withdraw {i} --reason '…'" for i in past) + ".")
                if len(past) > 1:
                    gone = f" Letters {', '.join(map(str, past))} all promise a day that has passed.{gone}"
                raise ValidationError("letter", f"{exc.message}.{gone}{rest}") from None
            out = args.output if len(papers) == 1 else str(
                Path(args.output).with_name(f"{Path(args.output).stem}-{paper.replace(' ', '-')}.pdf"))
            results.append((result, _write(out, result.pdf)))
        if args.json:
            print(json.dumps({"runs": [{"run": r.id, "file": str(p), "paper": r.paper, "pages": r.pages,
                               "sha256": r.sha256, "date": r.run_date.isoformat(),
                               "letters": [_info_json(i) for i in r.letters]} for r, p in results]}))
        else:
            for r, p in results:
                print(f"print run {r.id} ({r.paper}): {_n(len(r.letters), 'letter')}, {_n(r.pages, 'page')} → {p}")
                for i in r.letters:
                    print(f"  {i.reference}  {i.kind:22} {i.page_count}p  {i.country or '?':2}  letter {i.id}")
            if len(results) > 1:
                print("A4 and US Letter are separate runs: load the paper each cover sheet names.")
        if not args.id:
            earlier = letters.left_over_note(reg, letters.left_over(reg, day))
            if earlier:
                print(earlier, file=sys.stderr)
        return 0
    if cmd == "runs":
        day = parse_iso_date("date", args.date) if args.date else None
        found = letters.print_runs(reg, day)
        if args.json:
            print(json.dumps([_info_json(r) for r in found]))
        else:
            for r in found:
                print(f"run {r.id:4}  {r.run_date.isoformat()}  {r.paper:9}  {_n(len(r.letter_ids), 'letter')}, "
                      f"{r.dispatched} dispatched{f', {r.withdrawn} withdrawn' if r.withdrawn else ''}"
                      f"{f', {r.replaced} produced again' if r.replaced else ''}, "
                      f"{_n(r.pages, 'page')}, by {r.built_by}  sha256 {r.pdf_sha256[:16]}…")
        return 0
    if cmd == "dispatch":
        held: list[tuple[int, str]] = []
        if sum(bool(x) for x in (args.run, args.id, args.date)) != 1:
            raise ValidationError("dispatch", "say what was posted: --run ID (a print run), --id ID… "
                                  "(printed letters) or --date D (the day's one print run)")
        if args.run or args.date:
            run_id = args.run or letters.run_for_day(reg, parse_iso_date("date", args.date)).id
            done, held = letters.dispatch_run(reg, run_id, args.method)
        else:
            done = letters.mark_dispatched(reg, list(args.id), args.method)
        if args.json:
            print(json.dumps({"dispatched": [_info_json(i) for i in done],
                              "held": [{"id": i, "why": why} for i, why in held]}))
        else:
            print(f"{_n(len(done), 'letter')} marked dispatched by {args.method.strip().lower()}")
            for letter_id, why in held:
                print(f"  held back: letter {letter_id}: {why}")
        # a letter held back is a problem found: scripts and the mailroom's checks see it
        return 1 if held else 0
    if cmd == "reprint":
        try:
            pdf = letters.reprint(reg, args.id, args.reason)
        except letters.StaleLetter as exc:
            raise ValidationError("letter", f"{exc.message}: muse-care letters again {exc.letter_id}") from None
        print(f"letter {args.id} reprinted → {_write(args.output, pdf)}")
        return 0
    if cmd == "again":
        info = letters.produce_again(reg, args.id)
        path = _write(args.output, letters.letter_pdf(reg, info.id)) if args.output else None
        if args.json:
            print(json.dumps({**_info_json(info), "replaces": args.id, "file": str(path) if path else None}))
        else:
            print(f"letter {info.id}: {info.kind} for {info.reference} produced again (letter {args.id} "
                  f"will not print)" + (f" → {path}" if path else ""))
        return 0
    if cmd == "withdraw":
        info = letters.withdraw_letter(reg, args.id, args.reason)
        if args.json:
            print(json.dumps(_info_json(info)))
        else:
            print(f"letter {info.id}: {info.kind} for {info.reference} withdrawn; it will never print or be sent")
        return 0
    raise ValidationError("letters", "choose: list, print-run, runs, dispatch, reprint, again, withdraw")


def _past_promise(letters: Any, reg: Any, letter_id: int) -> bool:
    """Whether the letter would stop a print as one promising a day that has passed."""
    try:
        letters.check_printable(reg, letter_id)
    except letters.PastPromiseLetter:
        return True
    except ValidationError:
        return False
    return False


def _n(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
