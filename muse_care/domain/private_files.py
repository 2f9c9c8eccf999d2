"""Files MUSE Care writes: private to the user, complete or absent.

Every file the application writes (the database and its backups, configuration, logs,
exports, letters, decrypted evidence) holds personal data, so on POSIX it is created
0600 in folders 0700. A file is first written to a temporary file made with
``tempfile.mkstemp`` in the destination's own folder (an unpredictable name, created
with ``O_EXCL``, so a planted symlink is never followed), flushed to disk, and renamed
over the destination only when complete; on any failure the temporary file is removed.
``sweep_partials`` removes temporary files a killed process left behind.

See docs/security.md, "Files on disk".
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from muse_care.domain.errors import ValidationError

PARTIAL_SUFFIX = ".part"
_POSIX = os.name == "posix"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its missing parents) as 0700 folders; tighten it if it exists
    and is ours. Returns the path."""
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True)
    if _POSIX:
        for folder in [path, *missing]:
            try:
                if folder.stat().st_uid == os.getuid():
                    os.chmod(folder, 0o700)
            except OSError:
                pass
    return path


def make_private(path: Path) -> None:
    """Set an existing file to 0600 (POSIX; a no-op elsewhere)."""
    if _POSIX:
        os.chmod(path, 0o600)


def check_destination(dest: Path, field: str = "output") -> Path:
    """A destination a file can be written to: not a folder, in a folder that exists.

    Raises ValidationError naming ``field`` otherwise, before anything is written.
    """
    dest = Path(dest)
    if dest.is_dir():
        raise ValidationError(field, f"{dest.name or dest} is a folder; give a file name")
    if dest.parent.exists() and not dest.parent.is_dir():
        raise ValidationError(field, f"{dest} cannot be written: {dest.parent} is a file, not a folder")
    if not dest.parent.is_dir():
        raise ValidationError(field, f"folder {dest.parent} does not exist")
    try:  # can a file be made there at all? (a read-only folder, /proc, a full disk)
        fd, probe = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=PARTIAL_SUFFIX)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ValidationError(field, f"{dest} cannot be written: {exc.strerror or exc}") from None
    return dest


@contextmanager
def atomic_private_file(dest: Path, field: str = "output") -> Iterator[BinaryIO]:
    """Write ``dest`` atomically and privately.

    Yields a binary file object on a fresh temporary file in ``dest``'s folder; when
    the block ends without an exception the data is flushed to disk and the file
    renamed to ``dest`` (0600). If the block raises, the temporary file is removed and
    ``dest`` is left as it was.
    """
    dest = check_destination(Path(dest), field)
    fd, temp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=PARTIAL_SUFFIX)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        make_private(temp)
        os.replace(temp, dest)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_private(dest: Path, data: bytes, field: str = "output") -> Path:
    """Write ``data`` to ``dest`` atomically and privately; returns ``dest``."""
    with atomic_private_file(dest, field) as handle:
        handle.write(data)
    return Path(dest)


def sweep_partials(folder: Path) -> list[Path]:
    """Remove the temporary files that ``atomic_private_file`` leaves when its process
    is killed mid-write (``.NAME.XXXXXXXX.part`` regular files owned by us) from
    ``folder``; returns what was removed. Symlinks are never followed."""
    removed: list[Path] = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        name = entry.name
        if not (name.startswith(".") and name.endswith(PARTIAL_SUFFIX)):
            continue
        try:
            info = entry.lstat()
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        if _POSIX and info.st_uid != os.getuid():
            continue
        try:
            entry.unlink()
            removed.append(entry)
        except OSError:
            pass
    return removed
