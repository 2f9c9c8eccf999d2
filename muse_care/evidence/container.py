"""The encrypted file format of one evidence item (format version 2; version 1 is read).

Layout of ``<item id>.mce``::

    header  84 bytes (version 1: the first 64)
        magic        8  b"MUSE-EV\\0"
        version      2  uint16 big-endian, 2 (1 for files written before binding)
        flags        2  uint16, 0 (reserved)
        chunk size   4  uint32 big-endian: plaintext bytes per chunk (1 MiB by default)
        item id     16  the item's UUID
        file salt   32  random, fresh for every file
        key gen      4  uint32: which of the store's keys sealed it (1 = the first)
        case id      8  uint64: the case the item belongs to   } the binding: 0 and 0
        entry id     8  uint64: its retrieval entry            } for an unbound item
    chunk 0 .. chunk k-1
        AES-256-GCM ciphertext of ``chunk size`` plaintext bytes (the last chunk: 0 to
        ``chunk size`` bytes) followed by its 16-byte tag

There is always at least one chunk; an empty file is one empty final chunk (16 bytes).

Keys and nonces (the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizar):

* file key = HKDF-SHA256(store key, salt = file salt, info = "muse-care evidence v1
  file key|" + item id). Every file has its own key, so a nonce is never reused under
  a key even across millions of files.
* nonce of chunk i = i as 11 bytes big-endian + 1 byte last-chunk flag (1 on the final
  chunk, else 0).
* AAD of chunk i = the header bytes + i as 8 bytes big-endian + the last-chunk flag.

So a changed byte fails that chunk's tag; reordered chunks fail (index in nonce and
AAD); a file cut at a chunk boundary fails (its new final chunk was sealed as not
final); an appended chunk fails (the old final chunk is now read as not final); one
item's file put in place of another's fails (the item id is in the header, the AAD and
the key derivation). Since version 2 the header (and so every chunk's AAD) also carries
the case and retrieval entry the item belongs to: a retrieval entry pointed at another
entry's item (its id and SHA-256 copied over) fails, because the reader asks for its own
case and entry and the file names another, and editing those header bytes fails every
tag.
"""

from __future__ import annotations

import hashlib
import os
import struct
import uuid
from collections.abc import Generator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


from muse_care.evidence.errors import EvidenceTampered

MAGIC = b"MUSE-EV\x00"
VERSION = 2
HEADER_V1 = struct.Struct(">8sHHI16s32s")
HEADER_V1_SIZE = HEADER_V1.size  # 64
HEADER = struct.Struct(">8sHHI16s32sIQQ")
HEADER_SIZE = HEADER.size  # 84
UNBOUND = (0, 0)
TAG_SIZE = 16
DEFAULT_CHUNK_SIZE = 1 << 20
MIN_CHUNK_SIZE = 1 << 12
MAX_CHUNK_SIZE = 1 << 24
_FILE_KEY_INFO = b"muse-care evidence v1 file key|"
_MAX_CHUNKS = 1 << 64


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _file_key(store_key: bytes, item_id: uuid.UUID, salt: bytes) -> AESGCM:
    # cryptography is imported where it is used: the window holds this module from its
    # start, and opens a sealed file only when asked (docs/performance.md, "Memory")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_FILE_KEY_INFO + item_id.bytes)
    return AESGCM(hkdf.derive(store_key))


def _salt(header: bytes) -> bytes:
    return header[HEADER_V1_SIZE - 32 : HEADER_V1_SIZE]


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return header + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def _fill(source: Readable | BinaryIO, buf: memoryview) -> int:
    """Read until ``buf`` is full or the source ends; the number of bytes read.

    Sources may return fewer bytes than asked (pipes, raw files, sockets), so loop.
    """
    filled = 0
    readinto = getattr(source, "readinto", None)
    while filled < len(buf):
        if readinto is not None:
            got = readinto(buf[filled:])
            if got is None:
                raise BlockingIOError("the evidence source is non-blocking and has no data ready")
        else:
            data = source.read(len(buf) - filled)
            got = len(data)
            buf[filled : filled + got] = data
        if got == 0:
            break
        filled += got
    return filled


@dataclass(frozen=True)
class Sealed:
    sha256: str
    size: int


def seal(
    source: Readable | BinaryIO,
    dest: BinaryIO,
    store_key: bytes,
    item_id: uuid.UUID,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    *,
    key_gen: int = 1,
    binding: tuple[int, int] = UNBOUND,
) -> Sealed:
    """Encrypt ``source`` into ``dest`` chunk by chunk, hashing the plaintext on the way.

    Holds two plaintext chunks (the current one and a look-ahead that tells whether the
    current one is the last) and one ciphertext chunk: about 3 MiB at 1 MiB chunks.
    """
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk size must be in [{MIN_CHUNK_SIZE}, {MAX_CHUNK_SIZE}]")
    case_id, entry_id = binding
    header = HEADER.pack(MAGIC, VERSION, 0, chunk_size, item_id.bytes, os.urandom(32), key_gen, case_id, entry_id)
    aead = _file_key(store_key, item_id, _salt(header))
    digest = hashlib.sha256()
    current, ahead = bytearray(chunk_size), bytearray(chunk_size)
    sealed = memoryview(bytearray(chunk_size + TAG_SIZE))
    dest.write(header)
    size = 0
    index = 0
    n_current = _fill(source, memoryview(current))
    while True:
        n_ahead = _fill(source, memoryview(ahead)) if n_current == chunk_size else 0
        last = n_ahead == 0
        plain = memoryview(current)[:n_current]
        digest.update(plain)
        out = sealed[: n_current + TAG_SIZE]
        aead.encrypt_into(_nonce(index, last), plain, _aad(header, index, last), out)
        dest.write(out)
        size += n_current
        if last:
            return Sealed(digest.hexdigest(), size)
        index += 1
        if index >= _MAX_CHUNKS:  # pragma: no cover - 16 zettabytes at 1 MiB chunks
            raise ValueError("evidence file too large for the chunk counter")
        current, ahead, n_current = ahead, current, n_ahead


@dataclass(frozen=True)
class Layout:
    """What the header and the file size say about a sealed file."""

    header: bytes
    chunk_size: int
    chunks: int
    last_chunk_size: int
    version: int = VERSION
    key_gen: int = 1
    binding: tuple[int, int] | None = None  # None: a version-1 file, bound to nothing

    @property
    def header_size(self) -> int:
        return len(self.header)

    @property
    def plaintext_size(self) -> int:
        return (self.chunks - 1) * self.chunk_size + self.last_chunk_size


def read_layout(f: BinaryIO, item_id: uuid.UUID) -> Layout:
    """Check the header of an open sealed file and work out its chunks from its size."""
    name = item_id.hex
    file_size = os.fstat(f.fileno()).st_size
    header = f.read(HEADER_V1_SIZE)
    if len(header) < HEADER_V1_SIZE:
        raise EvidenceTampered(name, f"the file is only {file_size} bytes, shorter than its header")
    magic, version, flags, chunk_size, stored_id, _salt_bytes = HEADER_V1.unpack(header)
    if magic != MAGIC:
        raise EvidenceTampered(name, "the file is not a MUSE Care evidence file (bad magic)")
    if version not in (1, 2) or flags != 0:
        raise EvidenceTampered(name, f"unknown evidence file version {version} (flags {flags})")
    key_gen, binding = 1, None
    if version == 2:
        rest = f.read(HEADER_SIZE - HEADER_V1_SIZE)
        if len(rest) < HEADER_SIZE - HEADER_V1_SIZE:
            raise EvidenceTampered(name, f"the file is only {file_size} bytes, shorter than its header")
        header += rest
        *_, key_gen, case_id, entry_id = HEADER.unpack(header)
        binding = (case_id, entry_id)
    if stored_id != item_id.bytes:
        other = uuid.UUID(bytes=stored_id).hex
        raise EvidenceTampered(name, f"the file holds item {other}, not this one (files swapped or copied)")
    if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise EvidenceTampered(name, f"the header's chunk size {chunk_size} is impossible")
    body = file_size - len(header)
    whole, tail = divmod(body, chunk_size + TAG_SIZE)
    if body == 0:
        raise EvidenceTampered(name, "the file has a header but no content (cut short)")
    if tail == 0:
        return Layout(header, chunk_size, whole, chunk_size, version, key_gen, binding)
    if tail < TAG_SIZE:
        raise EvidenceTampered(
            name, f"the file ends with a {tail}-byte fragment, too short for a chunk (cut or extended)"
        )
    return Layout(header, chunk_size, whole + 1, tail - TAG_SIZE, version, key_gen, binding)


def open_chunks(
    f: BinaryIO, layout: Layout, store_key: bytes, item_id: uuid.UUID
) -> Generator[memoryview, None, None]:
    """Authenticated plaintext chunks of a sealed file, in order; ``f`` is just past the header
    (``layout.header_size`` bytes in).

    Each yielded view is valid only until the next one is requested (the buffer is
    reused). A chunk is yielded only after its tag has been checked; the first one
    that fails raises :class:`EvidenceTampered`, and nothing of it is yielded.
    """
    name = item_id.hex
    aead = _file_key(store_key, item_id, _salt(layout.header))
    sealed = memoryview(bytearray(layout.chunk_size + TAG_SIZE))
    plain = memoryview(bytearray(layout.chunk_size))
    for index in range(layout.chunks):
        last = index == layout.chunks - 1
        n_plain = layout.last_chunk_size if last else layout.chunk_size
        n_sealed = n_plain + TAG_SIZE
        if _fill(f, sealed[:n_sealed]) != n_sealed:
            raise EvidenceTampered(name, f"the file ended inside chunk {index + 1} of {layout.chunks} "
                                         "(it changed while being read)")
        out = plain[:n_plain]
        try:
            aead.decrypt_into(_nonce(index, last), sealed[:n_sealed], _aad(layout.header, index, last), out)
        except Exception as exc:
            from cryptography.exceptions import InvalidTag

            if not isinstance(exc, InvalidTag):
                raise
            out[:] = bytes(n_plain)  # decrypt_into leaves unauthenticated bytes behind
            where = "final chunk" if last else "chunk"
            raise EvidenceTampered(
                name,
                f"{where} {index + 1} of {layout.chunks} does not authenticate (bytes changed, "
                "chunks reordered, the file cut short or extended, or a different key)",
            ) from None
        yield out
    if f.read(1):
        raise EvidenceTampered(name, "the file grew while being read")
