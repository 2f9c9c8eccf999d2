"""``muse-care letter`` and ``muse-care letters …``: produce, print and dispatch letters."""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from muse_care.domain.errors import ValidationError

KINDS = ("acknowledgement", "identity-request", "clarification-request", "extension", "access-response",
         "rectification-done", "erasure-done", "restriction", "objection-outcome", "marketing-opt-out",
         "portability", "refusal", "closing")


def add_parsers(sub: Any, parser_class: type) -> None:
    one = sub.add_parser("letter", help="produce a letter for a case as a PDF")
    one.add_argument("ref")
    one.add_argument("--kind", required=True, help=", ".join(KINDS))
    one.add_argument("--layout", help="din5008-b, uk or us10 (default: the setting)")
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
    run = many.add_parser("print-run", help="the day's undispatched letters as one PDF for the mailroom")
    run.add_argument("--date", help="YYYY-MM-DD (default today)")
    run.add_argument("--id", type=int, action="append", default=[], help="only these letters (repeatable)")
    run.add_argument("-o", "--output", required=True)
    run.add_argument("--json", action="store_true")
    disp = many.add_parser("dispatch", help="mark letters as sent")
    disp.add_argument("--id", type=int, action="append", default=[], help="letter id (repeatable)")
    disp.add_argument("--date", help="the print run's date: mark all its undispatched letters")
    disp.add_argument("--method", default="post", help="how they were sent (default: post)")
    disp.add_argument("--json", action="store_true")
    rep = many.add_parser("reprint", help="print a letter again, with the reason")
    rep.add_argument("id", type=int, help="the letter's id (letters list shows it)")
    rep.add_argument("--reason", required=True)
    rep.add_argument("-o", "--output", required=True)


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
            print(f"letter {info.id}: {info.kind} for {info.reference}, {info.page_count} page(s), "
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
                print(f"{i.id:6}  {i.kind:22} {i.generated_at:%Y-%m-%d %H:%M} {i.page_count}p  {sent}")
        return 0
    if cmd == "print-run":
        day = parse_iso_date("date", args.date) if args.date else None
        result = letters.build_print_run(reg, day, args.id or None)
        path = _write(args.output, result.pdf)
        if args.json:
            print(json.dumps({"file": str(path), "pages": result.pages, "date": result.run_date.isoformat(),
                              "letters": [_info_json(i) for i in result.letters]}))
        else:
            print(f"{len(result.letters)} letters, {result.pages} pages → {path}")
            for i in result.letters:
                print(f"  {i.reference}  {i.kind:22} {i.page_count}p  letter {i.id}")
        return 0
    if cmd == "dispatch":
        ids = list(args.id)
        if args.date:
            ids += [i.id for i in letters.letters_for_run(reg, parse_iso_date("date", args.date))]
        done = letters.mark_dispatched(reg, ids, args.method)
        if args.json:
            print(json.dumps([_info_json(i) for i in done]))
        else:
            print(f"{len(done)} letters marked dispatched by {args.method}")
        return 0
    if cmd == "reprint":
        pdf = letters.reprint(reg, args.id, args.reason)
        print(f"letter {args.id} reprinted → {_write(args.output, pdf)}")
        return 0
    raise ValidationError("letters", "choose: list, print-run, dispatch, reprint")
