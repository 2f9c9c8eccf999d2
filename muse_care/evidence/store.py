"""The encrypted evidence store: call recordings and chat transcripts attached to cases.

On disk::

    <root>/evidence-store.json        store header: format, store id, key record
    <root>/items/<id[:2]>/<id>.mce    one sealed file per item (see container.py)
    <root>/tmp/*.part                 writes in progress, renamed into items/ when complete

An item is written to ``tmp/`` and renamed into place only when complete, so an item
file either does not exist or is whole. Nothing ever reads a whole file into memory:
``put``, ``verify``, ``export`` and ``open_verified`` stream chunk by chunk.

The retrieval log (in the database) records each item's id and SHA-256 from
:class:`StoredItem`; every read checks both the per-chunk authentication and that hash,
and releases content only when both hold.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from muse_care.domain.errors import ValidationError
from muse_care.evidence import container
from muse_care.evidence.errors import (
    EvidenceHashMismatch,
    EvidenceMissing,
    EvidenceStoreDamaged,
    EvidenceTampered,
    EvidenceWriteFailed,
    WrongKey,
)
from muse_care.evidence.keys import KeyProvider

HEADER_FILE = "evidence-store.json"
STORE_FORMAT = "muse-care-evidence-store"
STORE_VERSION = 1
ITEM_SUFFIX = ".mce"
_ITEM_ID = re.compile(r"[0-9a-f]{32}")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_STALE_TEMP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class StoredItem:
    """What the retrieval log records about a stored file."""

    item_id: str
    sha256: str
    size: int


@dataclass(frozen=True)
class VerifyResult:
    """Whether an item is intact; ``problem`` says what is wrong when it is not."""

    ok: bool
    problem: str | None = None


def _check_item_id(item_id: str) -> uuid.UUID:
    if not isinstance(item_id, str) or not _ITEM_ID.fullmatch(item_id):
        raise ValidationError("item_id", f"{item_id!r} is not an evidence item id (32 hex digits)")
    return uuid.UUID(hex=item_id)


def _check_sha256(expected: str) -> str:
    if not isinstance(expected, str) or not _SHA256.fullmatch(expected):
        raise ValidationError("expected_sha256", "must be a SHA-256 written as 64 hex digits")
    return expected.lower()


def _fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX; Windows has no directory handles)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
    try:
        with open(temp, "xb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    _fsync_dir(path.parent)


class EvidenceStore:
    """Encrypted, tamper-evident storage of evidence files under ``root``.

    Opening an existing store unlocks its key (and so may raise
    :class:`~muse_care.evidence.errors.KeychainUnavailable`,
    :class:`~muse_care.evidence.errors.WrongPassphrase` and the like); opening a
    directory with no store creates one, with a new key from ``key_provider``.
    """

    def __init__(
        self,
        root: Path,
        key_provider: KeyProvider,
        *,
        chunk_size: int = container.DEFAULT_CHUNK_SIZE,
    ) -> None:
        if not container.MIN_CHUNK_SIZE <= chunk_size <= container.MAX_CHUNK_SIZE:
            raise ValueError(f"chunk_size must be in [{container.MIN_CHUNK_SIZE}, {container.MAX_CHUNK_SIZE}]")
        self.root = Path(root)
        self._chunk_size = chunk_size
        self._items = self.root / "items"
        self._tmp = self.root / "tmp"
        header_path = self.root / HEADER_FILE
        if header_path.exists():
            self.store_id, self._key = self._unlock(header_path, key_provider)
        else:
            self.store_id, self._key = self._create(header_path, key_provider)
        self._tmp.mkdir(exist_ok=True)
        self._remove_stale_temps()

    def __repr__(self) -> str:
        return f"EvidenceStore(root={str(self.root)!r}, store_id={self.store_id!r})"

    # --- opening --------------------------------------------------------------------

    def _create(self, header_path: Path, provider: KeyProvider) -> tuple[str, bytes]:
        if self._items.is_dir() and any(self._items.rglob("*" + ITEM_SUFFIX)):
            # Making a new key here would orphan every existing item for good.
            raise EvidenceStoreDamaged(
                f"the evidence store at {self.root} has items but its header {HEADER_FILE} is "
                "missing; restore the header from a backup (without it the items cannot be read)"
            )
        self.root.mkdir(parents=True, exist_ok=True)
        self._items.mkdir(exist_ok=True)
        store_id = uuid.uuid4().hex
        key, record = provider.create_key(store_id)
        header = {
            "format": STORE_FORMAT,
            "version": STORE_VERSION,
            "store_id": store_id,
            "key": {"kind": provider.kind, **record},
        }
        _write_atomically(header_path, json.dumps(header, indent=2).encode("utf-8") + b"\n")
        return store_id, key

    def _unlock(self, header_path: Path, provider: KeyProvider) -> tuple[str, bytes]:
        try:
            header: Any = json.loads(header_path.read_bytes())
        except (OSError, ValueError) as exc:
            raise EvidenceStoreDamaged(f"cannot read the evidence store header {header_path}: {exc}") from exc
        if not isinstance(header, dict) or header.get("format") != STORE_FORMAT:
            raise EvidenceStoreDamaged(f"{header_path} is not a MUSE Care evidence store header")
        if header.get("version") != STORE_VERSION:
            raise EvidenceStoreDamaged(
                f"evidence store version {header.get('version')!r} is not supported by this MUSE Care"
            )
        store_id, record = header.get("store_id"), header.get("key")
        if not isinstance(store_id, str) or not _ITEM_ID.fullmatch(store_id) or not isinstance(record, dict):
            raise EvidenceStoreDamaged(f"{header_path} has no valid store id or key record")
        if record.get("kind") != provider.kind:
            raise WrongKey(
                f"evidence store {store_id} is protected by its {record.get('kind')}, "
                f"not by a {provider.kind}; open it that way"
            )
        return store_id, provider.unlock_key(store_id, record)

    def _remove_stale_temps(self) -> None:
        """Leftovers of writes cut off by a crash; recent ones may be another process's."""
        cutoff = time.time() - _STALE_TEMP_SECONDS
        for temp in self._tmp.glob("*.part"):
            with contextlib.suppress(OSError):
                if temp.stat().st_mtime < cutoff:
                    temp.unlink()

    # --- paths ----------------------------------------------------------------------

    def _path(self, item_id: str) -> Path:
        return self._items / item_id[:2] / (item_id + ITEM_SUFFIX)

    def exists(self, item_id: str) -> bool:
        _check_item_id(item_id)
        return self._path(item_id).is_file()

    # --- writing --------------------------------------------------------------------

    def put(self, source: BinaryIO | Path) -> StoredItem:
        """Encrypt and store ``source`` (an open binary stream or a file path).

        Returns the new item's id, the SHA-256 of the plaintext and its size: the
        retrieval log keeps all three.
        """
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            try:
                stream = open(path, "rb")
            except OSError as exc:
                raise ValidationError("source", f"cannot read {path.name}: {exc.strerror}") from exc
            with stream:
                return self._put(stream)
        return self._put(source)

    def _put(self, source: BinaryIO) -> StoredItem:
        item = uuid.uuid4()
        final = self._path(item.hex)
        temp = self._tmp / f"{item.hex}.{uuid.uuid4().hex[:8]}.part"
        try:
            with open(temp, "xb") as dest:
                sealed = container.seal(source, dest, self._key, item, self._chunk_size)
                dest.flush()
                os.fsync(dest.fileno())
            final.parent.mkdir(exist_ok=True)
            os.replace(temp, final)
            _fsync_dir(final.parent)
        except OSError as exc:
            raise EvidenceWriteFailed(f"could not store the evidence file: {exc}") from exc
        finally:
            temp.unlink(missing_ok=True)
        return StoredItem(item.hex, sealed.sha256, sealed.size)

    def delete(self, item_id: str, *, missing_ok: bool = False) -> None:
        """Remove an item for good (for example when its case's retention ends)."""
        _check_item_id(item_id)
        try:
            self._path(item_id).unlink()
        except FileNotFoundError:
            if not missing_ok:
                raise EvidenceMissing(item_id, "nothing to delete") from None

    # --- reading --------------------------------------------------------------------

    @contextlib.contextmanager
    def _open_sealed(self, item_id: str) -> Iterator[tuple[BinaryIO, container.Layout, uuid.UUID]]:
        item = _check_item_id(item_id)
        try:
            f = open(self._path(item_id), "rb")
        except FileNotFoundError:
            raise EvidenceMissing(item_id, "its file is not in the store (deleted or never copied)") from None
        with f:
            yield f, container.read_layout(f, item), item

    def _authenticate(self, f: BinaryIO, layout: container.Layout, item: uuid.UUID,
                      expected: str, sink: BinaryIO | None = None) -> None:
        """One pass over the whole file: every chunk's tag, then the SHA-256."""
        digest = hashlib.sha256()
        for chunk in container.open_chunks(f, layout, self._key, item):
            digest.update(chunk)
            if sink is not None:
                sink.write(chunk)
        actual = digest.hexdigest()
        if actual != expected:
            raise EvidenceHashMismatch(item.hex, expected, actual)

    def verify(self, item_id: str, expected_sha256: str) -> VerifyResult:
        """Check an item end to end without writing its plaintext anywhere."""
        expected = _check_sha256(expected_sha256)
        try:
            with self._open_sealed(item_id) as (f, layout, item):
                self._authenticate(f, layout, item, expected)
        except (EvidenceTampered, EvidenceMissing) as exc:
            return VerifyResult(False, str(exc))
        return VerifyResult(True)

    def export(self, item_id: str, expected_sha256: str, dest: Path) -> None:
        """Decrypt an item to ``dest``, which appears only if the item is intact.

        The plaintext goes to a temporary file beside ``dest`` and is renamed onto
        ``dest`` (replacing it) only after every chunk authenticates and the SHA-256
        matches; otherwise the temporary file is removed and the error raised.
        """
        expected = _check_sha256(expected_sha256)
        dest = Path(dest)
        temp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.part")
        with self._open_sealed(item_id) as (f, layout, item):
            try:
                try:
                    out = open(temp, "xb")
                except OSError as exc:
                    raise ValidationError("dest", f"cannot write in {dest.parent}: {exc.strerror}") from exc
                with out:
                    self._authenticate(f, layout, item, expected, sink=out)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp, dest)
            finally:
                temp.unlink(missing_ok=True)

    @contextlib.contextmanager
    def open_verified(self, item_id: str, expected_sha256: str) -> Iterator[io.BufferedIOBase]:
        """A readable stream of an item's plaintext, handed out only once it is proven intact.

        Two passes over the same open file, with no plaintext on disk: the first checks
        every chunk and the SHA-256 and raises if anything is wrong; only then is the
        stream yielded, and it decrypts and authenticates chunk by chunk again as it is
        read (and re-checks the hash at the end), so a file changed between the passes
        raises :class:`EvidenceTampered` instead of serving other bytes.
        """
        expected = _check_sha256(expected_sha256)
        with self._open_sealed(item_id) as (f, layout, item):
            self._authenticate(f, layout, item, expected)
            f.seek(container.HEADER_SIZE)
            chunks = container.open_chunks(f, layout, self._key, item)
            try:
                with io.BufferedReader(_VerifiedReader(chunks, item.hex, expected)) as reader:
                    yield reader
            finally:
                chunks.close()


class _VerifiedReader(io.RawIOBase):
    """Plaintext from authenticated chunks; checks the SHA-256 again before reporting the end."""

    def __init__(self, chunks: Iterator[memoryview], item_id: str, expected: str) -> None:
        super().__init__()
        self._chunks = chunks
        self._item_id = item_id
        self._expected = expected
        self._digest = hashlib.sha256()
        self._pending = memoryview(b"")
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        target = memoryview(buffer).cast("B")
        while not self._pending:
            if self._done:
                return 0
            chunk = next(self._chunks, None)
            if chunk is None:
                self._done = True
                actual = self._digest.hexdigest()
                if actual != self._expected:
                    raise EvidenceHashMismatch(self._item_id, self._expected, actual)
                return 0
            self._digest.update(chunk)
            self._pending = memoryview(bytes(chunk))
        n = min(len(target), len(self._pending))
        target[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n
