"""The layering rules of docs/architecture.md ("Layers", "No import cycles"), checked rather than hoped for."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    """domain imports nothing of ours; only ui imports PySide6; store never imports ui or
    services; no two modules of a package import each other, directly or round a ring
    (pyproject.toml, "No import cycles")."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--no-cache", str(ROOT / "pyproject.toml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cli_does_not_load_qt_or_the_orm_for_help() -> None:
    code = ("import sys; from muse_care.cli import main; "
            "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_domain_has_no_third_party_storage_or_gui_imports() -> None:
    banned = ("sqlalchemy", "PySide6", "alembic", "psycopg", "reportlab")
    for path in (ROOT / "muse_care" / "domain").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(banned), f"{path.name} imports {name}"


def test_types_check() -> None:
    """mypy over the Qt-free packages (strict on domain, letters and evidence)."""
    done = subprocess.run([sys.executable, "-m", "mypy", "muse_care/domain", "muse_care/letters",
                           "muse_care/evidence", "muse_care/services", "muse_care/store"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:]
