"""Adding a right or a regime touches at most two files (issue 9): shown on a copy of the
package, edited in exactly those files, then used through the intake form, the CLI, the
service, the clock, the identity checklist, the letters and the tasks in a fresh process.

The copy is compared with the original file by file, so the test fails if the new right
or regime needs a third file edited to work anywhere it is checked."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A right the retailer might add: its enum member and its declaration row, in case.py.
RIGHT_MEMBER = ('    LIMIT_SENSITIVE = "limit-sensitive"\n',
                '    LIMIT_SENSITIVE = "limit-sensitive"\n    OPT_OUT_PROFILING = "opt-out-profiling"\n')
RIGHT_ROW = ('RIGHT_SPECS: Mapping', '''RIGHTS = (*RIGHTS, RightSpec(
    Right.OPT_OUT_PROFILING, "Opt-out of profiling", "no longer profiling you for offers",
    ("account-email", "postal-address")))

RIGHT_SPECS: Mapping''')

# A regime: South Africa's POPIA, its row in regimes.py and its regulator in authorities.py.
REGIME_ROW = ('REGIMES: Mapping[str, Regime] =', '''_TABLE = (*_TABLE, Regime(
    code="popia", name="POPIA (South Africa)", period_unit="days", period=30, extension=30,
    roll_to_working_day=False, verification_stops_clock=False, clarification_pauses_clock=False,
    acknowledge_within_business_days=None, default_holiday_region="ZA", holiday_regions=("ZA",),
    supervisory_authority="Information Regulator (South Africa), inforegulator.org.za",
    timezone="Africa/Johannesburg", law_name="the Protection of Personal Information Act (POPIA)",
    period_words="30 days", period_rule="That is 30 days from the day we received your request.",
    extension_words="once by up to a further 30 days", notice_window_words="within 30 days of receiving it",
    verification_words="The 30 days run from the day we received your request.",
    refusal_basis="section 23 of POPIA",
    complaint_route="You have the right to lodge a complaint with the Information Regulator:",
    rights=("To access the personal information we hold about you (section 23).",),
    applies_in=("ZA",), authority="ZA",
))

REGIMES: Mapping[str, Regime] =''')
AUTHORITY_ROW = ('_TABLE: tuple[Authority, ...] = (\n', '''_TABLE: tuple[Authority, ...] = (
    _A("ZA", "Information Regulator (South Africa)",
       ("JD House, 27 Stiemens Street", "Braamfontein, Johannesburg 2001", "South Africa"),
       "inforegulator.org.za"),
''')

def _copy_package(tmp_path: Path) -> Path:
    dest = tmp_path / "pkg"
    shutil.copytree(ROOT / "muse_care", dest / "muse_care",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (dest / "resources").symlink_to(ROOT / "resources", target_is_directory=True)  # read, never edited
    return dest


def _edit(path: Path, *edits: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"{path.name}: {old!r} is not there once"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def _changed_files(copy: Path) -> list[str]:
    """The files of the copy that differ from the repository's (or are new)."""
    changed = []
    for path in sorted((copy / "muse_care").rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(copy)
        original = ROOT / rel
        if not original.exists() or not filecmp.cmp(path, original, shallow=False):
            changed.append(rel.as_posix())
    return changed


def _run(copy: Path, tmp_path: Path, body: str) -> str:
    script = tmp_path / "check.py"
    script.write_text(textwrap.dedent(PRELUDE) + textwrap.dedent(body), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(copy), "QT_QPA_PLATFORM": "offscreen",
           "MUSE_CARE_CONFIG_DIR": str(tmp_path / "config"), "MUSE_CARE_USER": "aisha",
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("MUSE_CARE_DB", None)
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


PRELUDE = '''
import contextlib, io, json, sys
from datetime import date, datetime, timezone
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend


class Memory(KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.store = {}

    def get_password(self, service, user):
        return self.store.get((service, user))

    def set_password(self, service, user, password):
        self.store[(service, user)] = password

    def delete_password(self, service, user):
        self.store.pop((service, user), None)


keyring.set_keyring(Memory())

import muse_care
assert "pkg" in Path(muse_care.__file__).parts, muse_care.__file__  # the edited copy, not the repository

from pypdf import PdfReader

from muse_care.cli.main import main as cli
from muse_care.services import cases, letters
from muse_care.services.register import Actor, Register
from muse_care.services.settings import set_setting

URL = "sqlite:///" + str(Path("register.sqlite3").resolve())
register = Register.open(URL, Actor("aisha", "Aisha Khan"),
                         now=lambda: datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
set_setting(register, "four_eyes", False)


def run_cli(*argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            code = cli(["--db", URL, *argv])
        except SystemExit as done:  # --help
            code = done.code
    return code, out.getvalue()


def pdf_text(info):
    pdf = letters.letter_pdf(register, info.id)
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
'''


RIGHT_CHECKS = '''
from muse_care.domain.case import RIGHT_LABELS
from muse_care.services import tasks

# the service: due date, identity checklist
view = cases.add_case(register, cases.CaseDraft(
    name="Oliver Smith", rights=["opt-out-profiling"], channel="post", received=date(2026, 11, 2),
    address_lines=["1 High Street"], city="Leeds", postcode="LS1 4DY", country="GB", email="o@example.com"))
assert view.due_date == date(2026, 12, 2), view.due_date
assert [c.step for c in view.checks] == ["account-email", "postal-address"], view.checks
# the CLI takes it, and says it back with its label
code, out = run_cli("case", "add", "--right", "opt-out-profiling", "--channel", "email", "--name", "Ana Lima",
                    "--email", "ana@example.com", "--received", "2026-11-03", "--json")
assert code == 0, out
assert json.loads(out)["rights"] == ["opt-out-profiling"], out
# the acknowledgement says what was asked for, in the letter's words
info = letters.produce_letter(register, view.reference, "acknowledgement")
assert "no longer profiling you for offers" in pdf_text(info), pdf_text(info)
# tasks: the systems register is data; give the marketing platform an action for it
from muse_care.domain.systems import Action
from muse_care.services.tasks import list_systems, save_system
import dataclasses
marketing = next(s for s in list_systems(register) if "opt-out-sale" in s.actions or "objection" in s.actions)
save_system(register, dataclasses.replace(
    marketing, actions={**marketing.actions, "opt-out-profiling": Action.STOP_PROCESSING}))
made = tasks.ensure_tasks(register, view.reference)
assert [(t.system, t.right) for t in made] == [(marketing.code, "opt-out-profiling")], made
# the intake form offers it by its label
from muse_care.ui.qt import QtWidgets
app = QtWidgets.QApplication([])
from muse_care.ui.context import AppContext
from muse_care.ui.intake import IntakeDialog
ctx = AppContext(register, register.actor)
dialog = IntakeDialog(ctx)
offered = [dialog.ui.rights_list.item(i).text() for i in range(dialog.ui.rights_list.count())]
assert "Opt-out of profiling" in offered, offered
assert RIGHT_LABELS["opt-out-profiling"] == "Opt-out of profiling"
ctx.worker.shutdown()
print("right: everywhere")
'''

REGIME_CHECKS = '''
from muse_care.domain.regimes import REGIMES

# a requester in Johannesburg falls under it, with its 30 days and its holidays
view = cases.add_case(register, cases.CaseDraft(
    name="Thandi Nkosi", rights=["access"], channel="post", received=date(2026, 11, 2),
    address_lines=["12 Jan Smuts Avenue"], city="Johannesburg", postcode="2001", country="ZA"))
assert (view.regime, view.holiday_region) == ("popia", "ZA"), (view.regime, view.holiday_region)
assert view.due_date == date(2026, 12, 2), view.due_date
# the CLI offers and accepts it
code, out = run_cli("case", "add", "--help")
assert "popia" in out, out
code, out = run_cli("case", "regime", view.reference, "uk-gdpr", "--reason", "lives in London now")
assert code == 0, out
code, out = run_cli("case", "regime", view.reference, "popia", "--reason", "moved back")
assert code == 0, out
# the setting takes it as the default
set_setting(register, "default_regime", "popia")
# the letters speak its law and name its regulator
info = letters.produce_letter(register, view.reference, "acknowledgement")
text = pdf_text(info)
assert "Protection of Personal Information Act" in text and "30 days" in text, text
info = letters.produce_letter(register, view.reference, "closing", fields={"outcome": "We sent you a copy."})
text = pdf_text(info)
assert "Information Regulator" in text and "Braamfontein" in text, text
print("regime: everywhere")
'''


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    return _copy_package(tmp_path)


def test_a_right_is_one_declaration_in_one_file(copy: Path, tmp_path: Path) -> None:
    _edit(copy / "muse_care/domain/case.py", RIGHT_MEMBER, RIGHT_ROW)
    assert _changed_files(copy) == ["muse_care/domain/case.py"]
    assert "right: everywhere" in _run(copy, tmp_path, RIGHT_CHECKS)


def test_a_regime_is_its_row_and_its_authority(copy: Path, tmp_path: Path) -> None:
    _edit(copy / "muse_care/domain/regimes.py", REGIME_ROW)
    _edit(copy / "muse_care/domain/authorities.py", AUTHORITY_ROW)
    assert _changed_files(copy) == ["muse_care/domain/authorities.py", "muse_care/domain/regimes.py"]
    assert "regime: everywhere" in _run(copy, tmp_path, REGIME_CHECKS)


def test_the_checks_fail_on_the_unedited_package(copy: Path, tmp_path: Path) -> None:
    """The scripts are not vacuous: without the declarations they fail."""
    with pytest.raises(AssertionError, match="opt-out-profiling"):
        _run(copy, tmp_path, RIGHT_CHECKS)
    with pytest.raises(AssertionError, match="popia|regime"):
        _run(copy, tmp_path, REGIME_CHECKS)
