"""How ``muse-care`` prints a case: one JSON object, a block of lines, or a queue row."""

from __future__ import annotations

import argparse
import json
from typing import Any


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
        "extended_to": view.extended_to.isoformat() if view.extended_to else None,
        "extension_told_on": view.extension_told_on.isoformat() if view.extension_told_on else None,
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


def at_in_zone(moment: Any, zone: str) -> str:
    """'2025-01-31 23:30 Europe/London': a moment in a named zone, labelled with it."""
    from zoneinfo import ZoneInfo

    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"


def print_case(view: Any) -> None:
    rq = view.requester
    from muse_care.domain.grammar import count

    left = ("—" if view.days_left is None else
            f"{count(-view.days_left, 'day')} OVERDUE" if view.overdue else
            "due today" if view.days_left == 0 else f"{count(view.days_left, 'day')} left")
    print(f"{view.reference}  {view.status.value}  {', '.join(r.value for r in view.rights)}  "
          f"by {view.channel.value}  [{view.regime}, {view.holiday_region}]")
    print(f"  requester: {rq.name}" + (f" <{rq.email}>" if rq.email else "") +
          (f" {rq.phone}" if rq.phone else ""))
    address = ", ".join([*rq.address_lines, rq.city, rq.postcode, rq.country])
    if address.strip(", "):
        print(f"  address:   {address}")
    zone = view.received_zone or "UTC"
    print(f"  received:  {view.received.isoformat()} (at {at_in_zone(view.received_at, zone)})   due: "
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
        print(f"  note       {at_in_zone(n.written_at, 'UTC')} {n.written_by}: {n.text}")


def print_row(view: Any) -> None:
    left = "" if view.days_left is None else (f"{view.days_left:>4}d" + (" OVERDUE" if view.overdue else ""))
    due = view.due_date.isoformat() if view.due_date else "stopped   "
    print(f"{view.reference}  {view.status.value:22} {due}  {left:13} {view.requester.name}")


def emit(args: argparse.Namespace, view: Any) -> None:
    """The case as JSON with ``--json``, else as lines."""
    if getattr(args, "json", False):
        print(json.dumps(case_json(view), ensure_ascii=False))
    else:
        print_case(view)
