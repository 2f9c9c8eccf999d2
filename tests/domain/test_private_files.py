"""Files MUSE Care writes are private (0600 in 0700 folders), complete or absent, and
never written through a planted symlink."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from muse_care.domain.errors import ValidationError
from muse_care.domain.private_files import (
    atomic_private_file,
    private_dir,
    sweep_partials,
    write_private,
)

posix = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


@posix
def test_written_file_is_0600_and_folder_0700(tmp_path: Path) -> None:
    folder = private_dir(tmp_path / "a" / "b")
    target = write_private(folder / "x.pdf", b"data")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o700
    assert target.read_bytes() == b"data"


def test_failure_leaves_destination_untouched_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        with atomic_private_file(target) as handle:
            handle.write(b"half")
            raise RuntimeError("killed")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.pdf"]


def test_planted_symlink_at_old_predictable_name_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep")
    (tmp_path / "out.pdf.partial").symlink_to(victim)
    (tmp_path / ".out.pdf.part").symlink_to(victim)
    write_private(tmp_path / "out.pdf", b"new")
    assert victim.read_bytes() == b"keep"
    assert (tmp_path / "out.pdf").read_bytes() == b"new"


def test_folder_as_destination_is_a_validation_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        write_private(tmp_path, b"x")
    assert caught.value.field == "output"
    assert list(tmp_path.iterdir()) == []


def test_sweep_removes_only_our_partials(tmp_path: Path) -> None:
    left = tmp_path / ".report.pdf.abcd1234.part"
    left.write_bytes(b"plaintext")
    keep = tmp_path / "report.pdf"
    keep.write_bytes(b"ok")
    other = tmp_path / "notes.part"
    other.write_bytes(b"not ours")
    link = tmp_path / ".link.x.part"
    link.symlink_to(keep)
    removed = sweep_partials(tmp_path)
    assert removed == [left]
    assert keep.exists() and other.exists() and link.is_symlink()
