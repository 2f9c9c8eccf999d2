"""``muse-care settings list|get|set``: every declared setting from the command line.

Built from ``muse_care.services.settings.DECLARED``, like the settings dialog: a setting
declared there can be listed, read and set here, with the same checks.

    muse-care settings list
    muse-care settings get letter_layout
    muse-care settings set retention_warn_days 14
    muse-care settings set four_eyes unset
    muse-care settings set organisation.team_name "Privacy Desk"
    muse-care settings set organisation.purposes "Shipping." "Marketing, with consent."
    muse-care settings set holiday_regions.uk-gdpr GB-SCT
"""

from __future__ import annotations

import argparse
import json
from typing import Any

COMMAND = "settings"


def add_parsers(sub: Any, parser_class: Any) -> None:
    from muse_care.services.settings import DECLARED

    keys = ", ".join(DECLARED)
    sp = sub.add_parser(COMMAND, help="organisation and computer settings: list, get, set").add_subparsers(
        dest="settings_command", parser_class=parser_class)
    ls = sp.add_parser("list", help="every setting with its value, bounds and description")
    ls.add_argument("--json", action="store_true")
    g = sp.add_parser("get", help="one setting's value")
    g.add_argument("key", help=f"the setting ({keys}), or KEY.PART of an object setting")
    g.add_argument("--json", action="store_true")
    s = sp.add_parser("set", help="change a setting (checked as in the settings dialog)")
    s.add_argument("key", help=f"the setting ({keys}), or KEY.PART of an object setting")
    s.add_argument("value", nargs="+", help="the new value: text, a number, on/off, unset, JSON for an "
                   "object; several values make a list (organisation.purposes …)")


def _needs_database(keys: list[str]) -> bool:
    from muse_care.services.settings import ORGANISATION, declared

    return any(declared(key).scope == ORGANISATION for key in keys)


def run(args: argparse.Namespace) -> int | None:
    if args.command != COMMAND:
        return None
    from muse_care.cli.common import EXIT_OK, UsageError, open_register
    from muse_care.services import settings

    command = args.settings_command
    if not command:
        raise UsageError("choose: settings list, settings get KEY, settings set KEY VALUE")
    key, _, part = (args.key if command != "list" else "").partition(".")
    keys = list(settings.DECLARED) if command == "list" else [key]
    reg = open_register(args) if _needs_database(keys) else None
    if command == "list":
        _list(args, reg)
    elif command == "get":
        value = settings.get_setting(reg, key)
        decl = settings.declared(key)
        if part:
            value = _part_of(key, value, part)
        if args.json:
            print(json.dumps(value, ensure_ascii=False))
        elif part:
            print("\n".join(value) if isinstance(value, list) else str(value))
        else:
            print(decl.show(value))
    else:
        kept = _set(reg, key, part, args.value)
        decl = settings.declared(key)
        shown = decl.show(kept) if not part else "; ".join(kept) if isinstance(kept, list) else kept
        print(f"{args.key} = {shown}"
              + (" (takes effect when MUSE Care next starts)" if decl.restart else ""))
    return EXIT_OK


def _part_of(key: str, value: Any, part: str) -> Any:
    from muse_care.domain.errors import ValidationError

    if not isinstance(value, dict) or part not in value:
        known = ", ".join(value) if isinstance(value, dict) else "none"
        raise ValidationError(f"{key}.{part}", f"is not a part of {key}; use one of: {known}")
    return value[part]


def _set(reg: Any, key: str, part: str, values: list[str]) -> Any:
    from muse_care.domain.errors import ValidationError
    from muse_care.services import settings

    decl = settings.declared(key)
    if decl.set_by:
        raise ValidationError(key, f"is set with `{decl.set_by}`")
    if part:
        current = settings.get_setting(reg, key)
        wants_list = isinstance(current, dict) and isinstance(current.get(part), list)
        value: Any = list(values) if wants_list else " ".join(values)
        return settings.set_part(reg, key, part, value)
    if len(values) != 1:
        raise ValidationError(key, "takes one value (quote a text with spaces)")
    return settings.set_setting(reg, key, decl.parse(values[0]))


def _list(args: argparse.Namespace, reg: Any) -> None:
    from muse_care.services import settings

    rows = [(decl, settings.get_setting(reg, decl.key)) for decl in settings.DECLARED.values()]
    if args.json:
        print(json.dumps([{"key": d.key, "label": d.label, "scope": d.scope, "value": v,
                           "default": d.default(), "bounds": d.bounds, "restart": d.restart,
                           "description": d.description} for d, v in rows], ensure_ascii=False))
        return
    for decl, value in rows:
        shown = decl.show(value)
        if len(shown) > 60:
            shown = shown[:57] + "…"
        notes = [decl.scope] + ([decl.bounds] if decl.bounds else []) + (["restart"] if decl.restart else [])
        print(f"{decl.key:22} {shown}")
        print(f"{'':22} {decl.description} [{'; '.join(notes)}]")
