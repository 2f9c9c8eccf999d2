"""The package's public face: lazy imports and where resources are found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from muse_care.letters.resources import resources_dir


def test_data_types_do_not_import_reportlab() -> None:
    code = (
        "import sys, muse_care.letters as L; from muse_care.letters import LetterRequest, Layout; "
        "assert 'reportlab' not in sys.modules and 'pypdf' not in sys.modules; "
        "L.render_letter; assert 'reportlab' in sys.modules"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_resources_found_in_source_checkout() -> None:
    found = resources_dir()
    assert (found / "letters" / "acknowledgement.txt").is_file()
    assert (found / "fonts" / "NotoSans-Regular.ttf").is_file()


def test_resources_found_in_pyinstaller_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources" / "letters").mkdir(parents=True)
    monkeypatch.delenv("MUSE_CARE_RESOURCES", raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"


def test_fonts_are_small_enough_to_ship() -> None:
    total = sum(p.stat().st_size for p in (resources_dir() / "fonts").glob("*.ttf"))
    assert total < 15 * 1024 * 1024
    assert (resources_dir() / "fonts" / "LICENSE-OFL-1.1.txt").is_file()
    assert (resources_dir() / "fonts" / "LICENSE-Apache-2.0.txt").is_file()


def test_a_letters_field_messages_say_a_or_an_as_english_does() -> None:
    """Found by an outside tester: "a acknowledgement letter has no field 'date'", "a
    erasure-done letter needs the field 'outcome'"."""
    from dataclasses import replace

    from muse_care.letters.errors import LetterError
    from muse_care.letters.model import Layout
    from muse_care.letters.samples import sample_request

    ack = sample_request("acknowledgement", Layout.UK)
    with pytest.raises(LetterError, match=": an acknowledgement letter has no field 'date'$"):
        replace(ack, fields={**ack.fields, "date": "x"}).validate()
    done = sample_request("erasure-done", Layout.UK)
    with pytest.raises(LetterError, match=": an erasure-done letter needs the field 'outcome'$"):
        replace(done, fields={k: v for k, v in done.fields.items() if k != "outcome"}).validate()
    access = sample_request("access-response", Layout.UK)
    with pytest.raises(LetterError, match=": an access-response letter must list what is enclosed$"):
        replace(access, enclosures=()).validate()
    closing = sample_request("closing", Layout.UK)
    with pytest.raises(LetterError, match=": a closing letter has no field 'date'$"):
        replace(closing, fields={**closing.fields, "date": "x"}).validate()
