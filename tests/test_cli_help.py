"""``muse-care … --help`` describes every option and argument of every command in one line."""

from __future__ import annotations

import argparse

from muse_care.cli.main import build_parser


def _parsers(parser: argparse.ArgumentParser, path: str = "muse-care"):  # noqa: ANN202
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helped = {choice.dest for choice in action._choices_actions}
            for name, sub in action.choices.items():
                assert name in helped, f"{path} {name}: the command has no help text"
                yield from _parsers(sub, f"{path} {name}")


def test_every_option_of_every_command_has_one_line_of_help() -> None:
    missing, long = [], []
    commands = list(_parsers(build_parser()))
    assert len(commands) > 40  # the walk reaches the command modules' sub-commands too
    for path, parser in commands:
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            if action.help == argparse.SUPPRESS:
                continue
            name = "/".join(action.option_strings) or action.dest
            if not (action.help or "").strip():
                missing.append(f"{path} {name}")
            elif "\n" in action.help:
                long.append(f"{path} {name}")
    assert not missing, "no help text: " + ", ".join(missing)
    assert not long, "help on more than one line: " + ", ".join(long)


def test_help_is_printed_for_every_command(capsys) -> None:
    import pytest

    for path, parser in _parsers(build_parser()):
        with pytest.raises(SystemExit) as done:
            parser.parse_args(["--help"])
        assert done.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith("usage:"), path
