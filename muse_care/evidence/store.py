"""The encrypted evidence store: call recordings and chat transcripts attached to cases.

On disk::

    <root>/evidence-store.json        store header: format, store id, key record
    <root>/items/<id[:2]>/<id>.mce    one sealed file per item (see container.py)
    <root>/tmp/*.part                 writes in progress, renamed into items/ when complete

    <root>/pending/<id>               an item being attached: removed once its entry is saved

An item is written to ``tmp/`` and renamed into place only when complete, so an item
file either does not exist or is whole. Nothing ever reads a whole file into memory:
``put``, ``verify``, ``export`` and ``open_verified`` stream chunk by chunk.

The retrieval log (in the database) records each item's id and SHA-256 from
:class:`StoredItem`; every read checks both the per-chunk authentication and that hash,
and releases content only when both hold. Items are sealed bound to their case and
retrieval entry (``binding``); a read that names a binding refuses an item sealed for
another (container.py).

**Changing the key** (``begin_rekey``, ``rewrap``, ``finish_rekey``): the header keeps
the new key as ``key`` and the old ones under ``previous_keys`` until every item has
been re-encrypted; each item file says which key generation sealed it, so a change cut
off half-way leaves every item readable and is finished by running it again.

Decrypted output (``export``) goes only to a temporary file in the destination's own
folder (``domain/private_files.py``: 0600, an unpredictable name, removed on failure)
and is renamed into place when complete and checked.
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
from muse_care.domain.private_files import atomic_private_file
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
_STALE_PENDING_SECONDS = 3600  # where a process cannot be asked whether it still runs
Binding = tuple[int, int]


class RekeyUnfinished(WrongKey):
    """A change of key was cut off and the old key cannot be had with what was given."""


def key_label(store_id: str, gen: int) -> str:
    """What a key generation is called in the keychain and its check value."""
    return store_id if gen == 1 else f"{store_id}.g{gen}"


@dataclass(frozen=True)
class ItemInfo:
    """What an item file's header says, without decrypting it."""

    item_id: str
    version: int
    key_gen: int
    binding: Binding | None


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
        previous_provider: KeyProvider | None = None,
    ) -> None:
        if not container.MIN_CHUNK_SIZE <= chunk_size <= container.MAX_CHUNK_SIZE:
            raise ValueError(f"chunk_size must be in [{container.MIN_CHUNK_SIZE}, {container.MAX_CHUNK_SIZE}]")
        self.root = Path(root)
        self._chunk_size = chunk_size
        self._items = self.root / "items"
        self._tmp = self.root / "tmp"
        self._pending = self.root / "pending"
        self._header_path = self.root / HEADER_FILE
        self._keys: dict[int, bytes] = {}
        self._gen = 1
        self._header: dict[str, Any] = {}
        if self._header_path.exists():
            self.store_id = self._unlock(self._header_path, key_provider, previous_provider)
        else:
            self.store_id = self._create(self._header_path, key_provider)
        self._tmp.mkdir(exist_ok=True)
        self._pending.mkdir(exist_ok=True)
        self._remove_stale_temps()

    @property
    def _key(self) -> bytes:
        return self._keys[self._gen]

    @property
    def key_kind(self) -> str:
        return str(self._header["key"].get("kind", ""))

    @property
    def rekeying(self) -> bool:
        """Whether a change of key has begun and not finished."""
        return bool(self._header.get("previous_keys"))

    def __repr__(self) -> str:
        return f"EvidenceStore(root={str(self.root)!r}, store_id={self.store_id!r})"

    # --- opening --------------------------------------------------------------------

    def _create(self, header_path: Path, provider: KeyProvider) -> str:
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
        self._write_header(header)
        self._keys, self._gen = {1: key}, 1
        return store_id

    def _write_header(self, header: dict[str, Any]) -> None:
        _write_atomically(self._header_path, json.dumps(header, indent=2).encode("utf-8") + b"\n")
        self._header = header

    def _unlock(self, header_path: Path, provider: KeyProvider,
                previous_provider: KeyProvider | None = None) -> str:
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
        gen = record.get("gen", 1)
        if not isinstance(gen, int) or isinstance(gen, bool) or gen < 1:
            raise EvidenceStoreDamaged(f"{header_path} has an impossible key generation {gen!r}")
        self._keys = {gen: provider.unlock_key(key_label(store_id, gen), record)}
        self._gen = gen
        previous = header.get("previous_keys") or []
        if not isinstance(previous, list):
            raise EvidenceStoreDamaged(f"{header_path} has a damaged list of previous keys")
        for old in previous:
            if not isinstance(old, dict) or not isinstance(old.get("gen"), int):
                raise EvidenceStoreDamaged(f"{header_path} has a damaged previous key record")
            candidates = [p for p in (previous_provider, provider) if p is not None and p.kind == old.get("kind")]
            if not candidates and old.get("kind") == "keyring":
                from muse_care.evidence.keys import KeyringKeyProvider

                candidates = [KeyringKeyProvider()]
            for candidate in candidates:
                try:
                    self._keys[old["gen"]] = candidate.unlock_key(key_label(store_id, old["gen"]), old)
                    break
                except WrongKey:
                    continue
            else:
                raise RekeyUnfinished(
                    f"a change of the evidence store's key was cut off; finish it with `muse-care evidence "
                    f"rekey`, giving the old {old.get('kind')} as well as the new one")
        self._header = header
        return store_id

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

    def reserve(self) -> str:
        """A new item id, marked as being attached (``pending/<id>``) until :meth:`settle`.

        A process killed between storing the item and saving its entry leaves the mark,
        so the next start can tell a half-done attachment from any other item."""
        item_id = uuid.uuid4().hex
        marker = json.dumps({"pid": os.getpid(), "at": time.time()}).encode("ascii")
        _write_atomically(self._pending / item_id, marker)
        return item_id

    def settle(self, item_id: str) -> None:
        """The attachment of ``item_id`` is over (saved, or undone)."""
        _check_item_id(item_id)
        (self._pending / item_id).unlink(missing_ok=True)

    def pending(self) -> list[tuple[str, bool]]:
        """Items marked as being attached, each with whether its process is gone (stale)."""
        out = []
        for marker in sorted(self._pending.glob("*")):
            if not _ITEM_ID.fullmatch(marker.name):
                continue
            try:
                info = json.loads(marker.read_bytes())
                pid, at = int(info["pid"]), float(info["at"])
            except (OSError, ValueError, KeyError, TypeError):
                out.append((marker.name, True))
                continue
            out.append((marker.name, _gone(pid, at)))
        return out

    def put(self, source: BinaryIO | Path, *, binding: Binding = container.UNBOUND,
            item_id: str | None = None) -> StoredItem:
        """Encrypt and store ``source`` (an open binary stream or a file path), sealed for
        ``binding`` (case id, retrieval entry id), under ``item_id`` (from :meth:`reserve`)
        or a new id.

        Returns the new item's id, the SHA-256 of the plaintext and its size: the
        retrieval log keeps all three.
        """
        item = _check_item_id(item_id) if item_id is not None else uuid.uuid4()
        if isinstance(source, (str, os.PathLike)):
            path = Path(source)
            try:
                stream = open(path, "rb")
            except OSError as exc:
                raise ValidationError("source", f"cannot read {path.name}: {exc.strerror}") from exc
            with stream:
                return self._put(stream, item, binding)
        return self._put(source, item, binding)

    def _put(self, source: BinaryIO, item: uuid.UUID, binding: Binding) -> StoredItem:
        final = self._path(item.hex)
        temp = self._tmp / f"{item.hex}.{uuid.uuid4().hex[:8]}.part"
        try:
            with open(temp, "xb") as dest:
                sealed = container.seal(source, dest, self._key, item, self._chunk_size, key_gen=self._gen,
                                        binding=binding)
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

    def item_ids(self) -> Iterator[str]:
        """Every item in the store (by its file name), in no particular order."""
        for path in self._items.glob("??/*" + ITEM_SUFFIX):
            stem = path.name[: -len(ITEM_SUFFIX)]
            if _ITEM_ID.fullmatch(stem) and stem.startswith(path.parent.name):
                yield stem

    def info(self, item_id: str) -> ItemInfo:
        """What the item's header says (version, key generation, binding); not authenticated."""
        with self._open_sealed(item_id) as (_f, layout, item):
            return ItemInfo(item.hex, layout.version, layout.key_gen, layout.binding)

    @contextlib.contextmanager
    def _open_sealed(self, item_id: str, binding: Binding | None = None
                     ) -> Iterator[tuple[BinaryIO, container.Layout, uuid.UUID]]:
        item = _check_item_id(item_id)
        try:
            f = open(self._path(item_id), "rb")
        except FileNotFoundError:
            raise EvidenceMissing(item_id, "its file is not in the store (deleted or never copied)") from None
        with f:
            layout = container.read_layout(f, item)
            if binding is not None and layout.binding != tuple(binding):
                if layout.binding is None:
                    raise EvidenceTampered(item.hex, "the file is not yet bound to its retrieval entry (written "
                                           "before binding existed); run `muse-care evidence rekey --keep-key`")
                raise EvidenceTampered(item.hex, f"the file belongs to case {layout.binding[0]}, entry "
                                       f"#{layout.binding[1]}, not to case {binding[0]}, entry #{binding[1]} "
                                       "(pointed at another entry's file)")
            if layout.key_gen not in self._keys:
                raise EvidenceTampered(item.hex, f"the file was sealed with key generation {layout.key_gen}, "
                                       "which this store does not have")
            yield f, layout, item

    def _authenticate(self, f: BinaryIO, layout: container.Layout, item: uuid.UUID,
                      expected: str, sink: BinaryIO | None = None) -> None:
        """One pass over the whole file: every chunk's tag, then the SHA-256."""
        digest = hashlib.sha256()
        for chunk in container.open_chunks(f, layout, self._keys[layout.key_gen], item):
            digest.update(chunk)
            if sink is not None:
                sink.write(chunk)
        actual = digest.hexdigest()
        if actual != expected:
            raise EvidenceHashMismatch(item.hex, expected, actual)

    def verify(self, item_id: str, expected_sha256: str, binding: Binding | None = None) -> VerifyResult:
        """Check an item end to end without writing its plaintext anywhere (and, given a
        ``binding``, that it was sealed for that case and entry)."""
        expected = _check_sha256(expected_sha256)
        try:
            with self._open_sealed(item_id, binding) as (f, layout, item):
                self._authenticate(f, layout, item, expected)
        except (EvidenceTampered, EvidenceMissing) as exc:
            return VerifyResult(False, str(exc))
        return VerifyResult(True)

    def export(self, item_id: str, expected_sha256: str, dest: Path, binding: Binding | None = None) -> None:
        """Decrypt an item to ``dest``, which appears only if the item is intact.

        The plaintext goes to a private temporary file (0600, unpredictable name) in
        ``dest``'s folder and is renamed onto ``dest`` (replacing it) only after every
        chunk authenticates and the SHA-256 matches; otherwise the temporary file is
        removed and the error raised. A process killed half-way leaves that temporary
        file, readable by nobody else; ``sweep_partials`` removes it.
        """
        expected = _check_sha256(expected_sha256)
        dest = Path(dest)
        with self._open_sealed(item_id, binding) as (f, layout, item):
            try:
                with atomic_private_file(dest, "dest") as out:
                    self._authenticate(f, layout, item, expected, sink=out)
            except PermissionError as exc:
                raise ValidationError("dest", f"cannot write in {dest.parent}: {exc.strerror}") from exc

    @contextlib.contextmanager
    def open_verified(self, item_id: str, expected_sha256: str,
                      binding: Binding | None = None) -> Iterator[io.BufferedIOBase]:
        """A readable stream of an item's plaintext, handed out only once it is proven intact.

        Two passes over the same open file, with no plaintext on disk: the first checks
        every chunk and the SHA-256 and raises if anything is wrong; only then is the
        stream yielded, and it decrypts and authenticates chunk by chunk again as it is
        read (and re-checks the hash at the end), so a file changed between the passes
        raises :class:`EvidenceTampered` instead of serving other bytes.
        """
        expected = _check_sha256(expected_sha256)
        with self._open_sealed(item_id, binding) as (f, layout, item):
            self._authenticate(f, layout, item, expected)
            f.seek(layout.header_size)
            chunks = container.open_chunks(f, layout, self._keys[layout.key_gen], item)
            try:
                with io.BufferedReader(_VerifiedReader(chunks, item.hex, expected)) as reader:
                    yield reader
            finally:
                chunks.close()


    # --- changing the key -------------------------------------------------------------

    def begin_rekey(self, provider: KeyProvider) -> None:
        """Make a new key (from ``provider``: the keychain or a new passphrase) the one new
        items are sealed with; the old one stays in the header until :meth:`finish_rekey`."""
        if self.rekeying:
            raise ValidationError("rekey", "a change of key is already under way; run it again to finish it")
        gen = self._gen + 1
        key, record = provider.create_key(key_label(self.store_id, gen))
        header = dict(self._header)
        header["previous_keys"] = [{**self._header["key"], "gen": self._gen}]
        header["key"] = {"kind": provider.kind, **record, "gen": gen}
        self._write_header(header)
        self._keys[gen] = key
        self._gen = gen

    def needs_rewrap(self, item_id: str, binding: Binding) -> bool:
        """Whether the item is not yet sealed with the current key for ``binding``."""
        info = self.info(item_id)
        return info.version < container.VERSION or info.key_gen != self._gen or info.binding != tuple(binding)

    def rewrap(self, item_id: str, expected_sha256: str, binding: Binding) -> bool:
        """Re-encrypt one item with the current key, sealed for ``binding``; False if it
        already was. Streams chunk by chunk (bounded memory); the new file replaces the
        old one only once it is complete and its SHA-256 matches. A version-2 item
        already bound to another entry is refused, never re-bound."""
        expected = _check_sha256(expected_sha256)
        if not self.needs_rewrap(item_id, binding):
            return False
        info = self.info(item_id)
        if info.binding is not None and info.binding != container.UNBOUND and info.binding != tuple(binding):
            raise EvidenceTampered(item_id, f"the file belongs to case {info.binding[0]}, entry "
                                   f"#{info.binding[1]}; it is not re-bound to another")
        item = _check_item_id(item_id)
        temp = self._tmp / f"{item.hex}.{uuid.uuid4().hex[:8]}.part"
        try:
            with self.open_verified(item_id, expected) as plain, open(temp, "xb") as dest:
                sealed = container.seal(plain, dest, self._key, item, self._chunk_size, key_gen=self._gen,
                                        binding=binding)
                dest.flush()
                os.fsync(dest.fileno())
            if sealed.sha256 != expected:
                raise EvidenceHashMismatch(item.hex, expected, sealed.sha256)
            os.replace(temp, self._path(item_id))
            _fsync_dir(self._path(item_id).parent)
        finally:
            temp.unlink(missing_ok=True)
        return True

    def finish_rekey(self) -> list[str]:
        """Drop the previous keys once no item needs them; returns the items that still do
        (then nothing is dropped)."""
        if not self.rekeying:
            return []
        left = [i for i in self.item_ids() if self.info(i).key_gen != self._gen]
        if left:
            return left
        old = self._header.get("previous_keys") or []
        header = dict(self._header)
        header.pop("previous_keys", None)
        self._write_header(header)
        for record in old:
            self._keys.pop(record["gen"], None)
            if record.get("kind") == "keyring":
                from muse_care.evidence.keys import forget_keychain_key

                forget_keychain_key(key_label(self.store_id, record["gen"]))
        return []


def _gone(pid: int, at: float) -> bool:
    """Whether the process that left a pending mark is no longer running."""
    if pid == os.getpid():
        return False
    if os.name != "posix":  # no harmless way to ask on Windows: go by age
        return time.time() - at > _STALE_PENDING_SECONDS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


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
