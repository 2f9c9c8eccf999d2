"""``muse-care case recipients|recipient|regime|linked``: Art. 19 recipients, the
regime a case is under, and the other requests of the same person."""

from __future__ import annotations

import argparse
import json
from typing import Any

from muse_care.domain.errors import ValidationError
from muse_care.domain.regimes import REGIMES

CASE_COMMANDS = ("recipients", "recipient", "regime", "linked")


def add_case_parsers(cp: Any, date_type: Any) -> None:
    r = cp.add_parser("recipients", help="the recipients an erasure, rectification or restriction "
                      "must be passed on to (Art. 19), and whether each was told")
    r.add_argument("ref")
    r.add_argument("--json", action="store_true")
    one = cp.add_parser("recipient", help="mark a recipient told (--on, --method) or not-possible (--reason)")
    one.add_argument("ref")
    one.add_argument("name", help="as listed by `case recipients` (case does not matter)")
    one.add_argument("state", help="told or not-possible")
    one.add_argument("--on", type=date_type("on"), help="the day it was told (told)")
    one.add_argument("--method", default="", help="how: email, post, portal… (told)")
    one.add_argument("--reason", default="", help="why it is impossible or disproportionate (not-possible)")
    one.add_argument("--json", action="store_true")
    g = cp.add_parser("regime", help="put a case under another regime, with the reason")
    g.add_argument("ref")
    g.add_argument("regime", help="the regime: " + ", ".join(REGIMES))
    g.add_argument("--holiday-region", default="", help="whose public holidays count (default: the address's)")
    g.add_argument("--reason", required=True)
    g.add_argument("--json", action="store_true")
    ln = cp.add_parser("linked", help="other requests from the same person (email, phone, account)")
    ln.add_argument("ref")
    ln.add_argument("--json", action="store_true")


def recipient_json(r: Any) -> dict[str, Any]:
    return {"name": r.name, "state": r.state, "on": r.on.isoformat() if r.on else None, "method": r.method,
            "reason": r.reason, "by": r.by}


def linked_json(v: Any) -> dict[str, Any]:
    return {"reference": v.reference, "status": v.status.value, "received": v.received.isoformat(),
            "rights": [r.value for r in v.rights]}


def print_recipients(rows: list[Any]) -> None:
    if not rows:
        print("no recipients: the case has no erasure, rectification or restriction")
        return
    width = max(len(r.name) for r in rows)
    for r in rows:
        print(f"  {r.name:{width}}  {r.state:12} {r.text if r.state != 'pending' else ''}".rstrip())
    pending = sum(not r.settled for r in rows)
    print(f"{len(rows)} recipient(s), {pending} still to be told" if pending else
          f"{len(rows)} recipient(s), all settled")


def print_linked(rows: list[Any]) -> None:
    for v in rows:
        print(f"  linked     {v.reference}  {v.status.value:22} received {v.received.isoformat()}  "
              f"{', '.join(r.value for r in v.rights)}")


def run_case(args: argparse.Namespace, reg: Any, emit: Any) -> None:
    from muse_care.services import cases, recipients

    cc = args.case_command
    if cc == "recipients":
        rows = recipients.list_recipients(reg, args.ref)
        if args.json:
            print(json.dumps([recipient_json(r) for r in rows], ensure_ascii=False))
        else:
            print_recipients(rows)
    elif cc == "recipient":
        state = args.state.strip().lower()
        if state == "told":
            if args.on is None or not args.method.strip():
                raise ValidationError("on", "a recipient told needs --on YYYY-MM-DD and --method (email, post…)")
            view = recipients.mark_told(reg, args.ref, args.name, args.on, args.method)
        elif state in ("not-possible", "disproportionate"):
            if not args.reason.strip():
                raise ValidationError("reason", "say why telling this recipient is impossible or would "
                                      "involve disproportionate effort (--reason)")
            view = recipients.mark_not_possible(reg, args.ref, args.name, args.reason)
        else:
            raise ValidationError("state", f"unknown state '{args.state}'; use told or not-possible")
        if args.json:
            print(json.dumps([recipient_json(r) for r in recipients.list_recipients(reg, view.id)],
                             ensure_ascii=False))
        else:
            print_recipients(recipients.list_recipients(reg, view.id))
    elif cc == "regime":
        emit(args, cases.change_regime(reg, args.ref, args.regime, args.holiday_region, args.reason))
    elif cc == "linked":
        rows = cases.linked_cases(reg, args.ref)
        if args.json:
            print(json.dumps([linked_json(v) for v in rows], ensure_ascii=False))
        else:
            print_linked(rows)
            print(f"{len(rows)} linked request(s)")
