"""The test command (tools/dev.py test, which .ci/run runs) fails when the run changes
the checkout, and says what changed."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _dev():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("dev_tool", ROOT / "tools" / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_file_changed_by_the_run_is_named(tmp_path: Path) -> None:
    dev = _dev()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "shot.png").write_bytes(b"old")
    (tmp_path / "draft.py").write_text("x = 1\n")
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=tmp_path, check=True)
    (tmp_path / "draft.py").write_text("x = 2\n")  # the developer's own change, before the run
    before = dev.worktree_state(tmp_path)
    assert dev.changed_by_tests(before, dev.worktree_state(tmp_path)) == []
    (tmp_path / "shot.png").write_bytes(b"new")  # a test overwrote a tracked screenshot
    (tmp_path / "draft.py").write_text("x = 3\n")  # and rewrote a file that was already changed
    (tmp_path / "left.sqlite").write_bytes(b"")  # and left a file behind
    changed = dev.changed_by_tests(before, dev.worktree_state(tmp_path))
    assert changed == [" M draft.py", " M shot.png", "?? left.sqlite"]
