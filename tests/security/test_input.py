"""Finding 8: input that slipped through or echoed back raw."""

from __future__ import annotations

import pytest

from muse_care.cli.main import main as cli_main
from muse_care.domain.errors import ValidationError
from muse_care.services import cases
from support import draft

ADD = ["case", "add", "--right", "access", "--channel", "email", "--received", "2026-11-02",
       "--email", "a@example.com"]


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c\u2060", "\ufeff \u200d"])
def test_invisible_only_names_are_refused(sqlite_register, name) -> None:
    with pytest.raises(ValidationError, match="invisible"):
        cases.add_case(sqlite_register, draft(name=name))


def test_a_repeated_single_value_option_is_an_error(sqlite_url, capsys) -> None:
    assert cli_main(["--db", sqlite_url, *ADD, "--name", "Ann", "--name", "Bob"]) == 2
    assert "--name was given twice" in capsys.readouterr().err
    assert cli_main(["--db", sqlite_url, "case", "list"]) == 0
    assert "0 case(s)" in capsys.readouterr().out


def test_messages_escape_control_characters_and_cut_user_text(sqlite_url, capsys) -> None:
    evil = "MC-\x1b]0;pwned\x07\x1b[2J" + "A" * 100_000
    assert cli_main(["--db", sqlite_url, "case", "show", evil]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b" in err
    assert len(err) < 400


def test_output_to_a_folder_is_exit_2_with_nothing_written_or_recorded(sqlite_register, tmp_path, capsys) -> None:
    view = cases.add_case(sqlite_register, draft(channel="post", address_lines=["1 High St"],
                                                 city="London", postcode="EC1Y 8SY", country="GB"))
    folder = tmp_path / "out.pdf"
    folder.mkdir()
    code = cli_main(["--db", sqlite_register.url, "letter", view.reference, "--kind", "acknowledgement",
                     "-o", str(folder)])
    assert code == 2 and "folder" in capsys.readouterr().err
    assert list(folder.iterdir()) == [] and list(tmp_path.glob(".*part*")) == []
    from sqlalchemy import text

    with sqlite_register.read() as s:
        assert s.execute(text("SELECT count(*) FROM letters")).scalar_one() == 0


@pytest.mark.parametrize("backend", ["null", "fail"])
def test_a_null_or_fail_keyring_is_no_keychain(backend, capsys) -> None:
    import keyring
    from keyring.backends import fail, null

    from muse_care.services import team

    keyring.set_keyring(null.Keyring() if backend == "null" else fail.Keyring())
    server = team.ServerSettings("db.example.com", "muse", "aisha")
    with pytest.raises(team.KeychainUnavailable, match="no keychain"):
        team.store_password(server, "s3cret")
