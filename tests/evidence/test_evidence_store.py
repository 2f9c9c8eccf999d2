"""Round trips and tamper detection of the encrypted evidence store."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from muse_care.domain.errors import ValidationError
from muse_care.evidence import (
    EvidenceHashMismatch,
    EvidenceMissing,
    EvidenceStore,
    EvidenceStoreDamaged,
    EvidenceTampered,
    EvidenceWriteFailed,
    KeyringKeyProvider,
    StoredItem,
)
from muse_care.evidence.container import HEADER_SIZE, TAG_SIZE

CHUNK = 4096  # the `store` fixture's chunk size
SEALED = CHUNK + TAG_SIZE


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Trickle(io.RawIOBase):
    """A source that hands out at most a few bytes per read, like a pipe or a socket."""

    def __init__(self, data: bytes, step: int) -> None:
        self._data = memoryview(data)
        self._step = step

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = min(len(buffer), self._step, len(self._data))
        buffer[:n] = self._data[:n]
        self._data = self._data[n:]
        return n


def read_all_ways(store: EvidenceStore, item: StoredItem, tmp_path: Path) -> bytes:
    assert store.verify(item.item_id, item.sha256).ok
    with store.open_verified(item.item_id, item.sha256) as stream:
        streamed = stream.read()
    dest = tmp_path / "exported.bin"
    store.export(item.item_id, item.sha256, dest)
    exported = dest.read_bytes()
    assert streamed == exported
    return exported


# --- round trips -------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4 * CHUNK + 100))
@example(data=b"")
@example(data=b"x")
@example(data=bytes(CHUNK - 1))
@example(data=bytes(CHUNK))
@example(data=bytes(CHUNK + 1))
@example(data=bytes(3 * CHUNK))
def test_round_trip_any_size(store: EvidenceStore, tmp_path: Path, data: bytes) -> None:
    item = store.put(io.BytesIO(data))
    assert item.size == len(data)
    assert item.sha256 == sha(data)
    assert read_all_ways(store, item, tmp_path) == data


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(0, 3 * CHUNK + 7), step=st.integers(1, CHUNK + 3))
def test_round_trip_from_a_source_giving_short_reads(store: EvidenceStore, tmp_path: Path, size: int, step: int) -> None:
    data = os.urandom(size)
    item = store.put(Trickle(data, step))
    assert (item.size, item.sha256) == (size, sha(data))
    assert read_all_ways(store, item, tmp_path) == data


@pytest.mark.parametrize("size", [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 2 * (1 << 20) + 12345])
def test_round_trip_default_chunk_size_from_a_path(tmp_path: Path, size: int) -> None:
    store = EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    data = os.urandom(size)
    source = tmp_path / "recording.wav"
    source.write_bytes(data)
    item = store.put(source)
    assert (item.size, item.sha256) == (size, sha(data))
    assert read_all_ways(store, item, tmp_path) == data


def test_same_content_twice_is_two_items_with_different_ciphertext(store: EvidenceStore) -> None:
    a, b = store.put(io.BytesIO(b"same")), store.put(io.BytesIO(b"same"))
    assert a.item_id != b.item_id and a.sha256 == b.sha256
    assert store._path(a.item_id).read_bytes()[HEADER_SIZE:] != store._path(b.item_id).read_bytes()[HEADER_SIZE:]


def test_plaintext_is_not_in_the_stored_file(store: EvidenceStore) -> None:
    secret = b"Customer Aisha Khan, order 88412, card ending 4242. " * 200
    item = store.put(io.BytesIO(secret))
    assert b"Aisha" not in store._path(item.item_id).read_bytes()


def test_store_reopened_reads_earlier_items(tmp_path: Path) -> None:
    item = EvidenceStore(tmp_path / "ev", KeyringKeyProvider()).put(io.BytesIO(b"x" * 5000))
    assert EvidenceStore(tmp_path / "ev", KeyringKeyProvider()).verify(item.item_id, item.sha256).ok


def test_missing_source_path_is_a_validation_error(store: EvidenceStore, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        store.put(tmp_path / "no-such.wav")
    assert caught.value.field == "source"


def test_failed_put_leaves_no_item_and_no_temp(store: EvidenceStore) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[override]
            raise OSError(5, "Input/output error")

    with pytest.raises(EvidenceWriteFailed, match="Input/output error"):
        store.put(Broken())
    assert not any((store.root / "items").rglob("*.mce"))
    assert not any((store.root / "tmp").iterdir())


# --- tampering ---------------------------------------------------------------------------


@pytest.fixture
def item(store: EvidenceStore) -> StoredItem:
    """3.5 chunks of content."""
    return store.put(io.BytesIO(os.urandom(3 * CHUNK + CHUNK // 2)))


def assert_refused(store: EvidenceStore, item: StoredItem, tmp_path: Path, error: type[Exception] = EvidenceTampered) -> str:
    """Every way of reading the item refuses it and nothing is released."""
    result = store.verify(item.item_id, item.sha256)
    assert not result.ok and result.problem and item.item_id in result.problem
    dest = tmp_path / "released.bin"
    with pytest.raises(error) as caught:
        store.export(item.item_id, item.sha256, dest)
    assert not dest.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    with pytest.raises(error):
        with store.open_verified(item.item_id, item.sha256) as stream:
            stream.read()
            pytest.fail("a stream of tampered evidence was handed out")
    assert item.item_id in str(caught.value)
    return str(caught.value)


def rewrite(store: EvidenceStore, item: StoredItem, edit) -> None:
    path = store._path(item.item_id)
    path.write_bytes(edit(bytearray(path.read_bytes())))


def test_intact_item_passes(store: EvidenceStore, item: StoredItem, tmp_path: Path) -> None:
    assert store.verify(item.item_id, item.sha256).ok
    assert len(read_all_ways(store, item, tmp_path)) == item.size


@pytest.mark.parametrize(
    "offset",
    [HEADER_SIZE + SEALED + SEALED // 2, HEADER_SIZE + 3, -1, 0, 9, 15, 20, 40],
    ids=["middle of chunk 2", "start of chunk 1", "last tag byte", "header magic", "header version",
         "header chunk size", "header item id", "header salt"],
)
def test_one_flipped_byte_is_detected(store: EvidenceStore, item: StoredItem, tmp_path: Path, offset: int) -> None:
    def flip(b: bytearray) -> bytearray:
        b[offset] ^= 0x01
        return b

    rewrite(store, item, flip)
    assert_refused(store, item, tmp_path)


def test_flipped_byte_in_the_middle_names_the_chunk(store: EvidenceStore, item: StoredItem, tmp_path: Path) -> None:
    def flip(b: bytearray) -> bytearray:
        b[len(b) // 2] ^= 0x80
        return b

    rewrite(store, item, flip)
    assert "chunk 2 of 4 does not authenticate" in assert_refused(store, item, tmp_path)


@pytest.mark.parametrize(
    "keep",
    [HEADER_SIZE + 3 * SEALED, HEADER_SIZE + SEALED, HEADER_SIZE + 3 * SEALED + 100, HEADER_SIZE + 5, HEADER_SIZE, 10, 0],
    ids=["at a chunk boundary", "after chunk 1", "inside the last chunk", "a fragment", "header only", "inside header", "empty"],
)
def test_truncated_file_is_detected(store: EvidenceStore, item: StoredItem, tmp_path: Path, keep: int) -> None:
    rewrite(store, item, lambda b: b[:keep])
    assert_refused(store, item, tmp_path)


def test_empty_item_cut_to_its_header_is_detected(store: EvidenceStore, tmp_path: Path) -> None:
    empty = store.put(io.BytesIO(b""))
    rewrite(store, empty, lambda b: b[:HEADER_SIZE])
    assert "no content" in assert_refused(store, empty, tmp_path)


@pytest.mark.parametrize("extra", ["copy of chunk 1", "a full random chunk", "a few bytes", "one tag's worth"])
def test_appended_data_is_detected(store: EvidenceStore, item: StoredItem, tmp_path: Path, extra: str) -> None:
    def append(b: bytearray) -> bytearray:
        tail = {
            "copy of chunk 1": bytes(b[HEADER_SIZE : HEADER_SIZE + SEALED]),
            "a full random chunk": os.urandom(SEALED),
            "a few bytes": b"\x00\x01\x02",
            "one tag's worth": os.urandom(TAG_SIZE),
        }[extra]
        return b + tail

    rewrite(store, item, append)
    assert_refused(store, item, tmp_path)


def test_chunk_appended_to_an_exact_multiple_is_detected(store: EvidenceStore, tmp_path: Path) -> None:
    aligned = store.put(io.BytesIO(os.urandom(2 * CHUNK)))
    rewrite(store, aligned, lambda b: b + b[HEADER_SIZE : HEADER_SIZE + SEALED])
    assert_refused(store, aligned, tmp_path)


def test_reordered_chunks_are_detected(store: EvidenceStore, item: StoredItem, tmp_path: Path) -> None:
    def swap(b: bytearray) -> bytearray:
        first = b[HEADER_SIZE : HEADER_SIZE + SEALED]
        second = b[HEADER_SIZE + SEALED : HEADER_SIZE + 2 * SEALED]
        b[HEADER_SIZE : HEADER_SIZE + 2 * SEALED] = second + first
        return b

    rewrite(store, item, swap)
    assert "chunk 1 of 4" in assert_refused(store, item, tmp_path)


def test_two_items_files_swapped_are_both_detected(store: EvidenceStore, tmp_path: Path) -> None:
    a = store.put(io.BytesIO(b"recording A" * 100))
    b = store.put(io.BytesIO(b"recording B" * 100))
    path_a, path_b = store._path(a.item_id), store._path(b.item_id)
    bytes_a, bytes_b = path_a.read_bytes(), path_b.read_bytes()
    path_a.write_bytes(bytes_b)
    path_b.write_bytes(bytes_a)
    assert f"holds item {b.item_id}" in assert_refused(store, a, tmp_path)
    assert f"holds item {a.item_id}" in assert_refused(store, b, tmp_path)


def test_swapped_file_with_its_header_id_rewritten_is_still_detected(store: EvidenceStore, tmp_path: Path) -> None:
    a = store.put(io.BytesIO(b"recording A" * 100))
    b = store.put(io.BytesIO(b"recording B" * 100))
    forged = bytearray(store._path(b.item_id).read_bytes())
    forged[16:32] = bytes.fromhex(a.item_id)  # the item id field of the header
    store._path(a.item_id).write_bytes(bytes(forged))
    assert "does not authenticate" in assert_refused(store, a, tmp_path)


def test_chunk_taken_from_another_item_is_detected(store: EvidenceStore, tmp_path: Path) -> None:
    a = store.put(io.BytesIO(os.urandom(2 * CHUNK)))
    b = store.put(io.BytesIO(os.urandom(2 * CHUNK)))
    donor = store._path(b.item_id).read_bytes()
    rewrite(store, a, lambda buf: buf[: HEADER_SIZE] + donor[HEADER_SIZE : HEADER_SIZE + SEALED] + buf[HEADER_SIZE + SEALED :])
    assert_refused(store, a, tmp_path)


def test_missing_file(store: EvidenceStore, item: StoredItem, tmp_path: Path) -> None:
    store._path(item.item_id).unlink()
    assert "missing" in assert_refused(store, item, tmp_path, EvidenceMissing)


def test_wrong_expected_hash(store: EvidenceStore, item: StoredItem, tmp_path: Path) -> None:
    wrong = StoredItem(item.item_id, sha(b"something else"), item.size)
    message = assert_refused(store, wrong, tmp_path, EvidenceHashMismatch)
    assert item.sha256 in message and wrong.sha256 in message


def test_expected_hash_in_upper_case_is_accepted(store: EvidenceStore, item: StoredItem) -> None:
    assert store.verify(item.item_id, item.sha256.upper()).ok


def test_file_changed_while_being_streamed_raises_instead_of_serving_it(store: EvidenceStore, item: StoredItem) -> None:
    path = store._path(item.item_id)
    with store.open_verified(item.item_id, item.sha256) as stream:
        first = stream.read(10)
        with open(path, "r+b") as f:  # in place, so the open handle sees it
            f.seek(HEADER_SIZE + 2 * SEALED + 7)
            byte = f.read(1)
            f.seek(-1, os.SEEK_CUR)
            f.write(bytes([byte[0] ^ 0xFF]))
        with pytest.raises(EvidenceTampered):
            stream.read()
    assert len(first) == 10


def test_export_refused_keeps_an_existing_destination(store: EvidenceStore, item: StoredItem, tmp_path: Path) -> None:
    dest = tmp_path / "earlier-export.bin"
    dest.write_bytes(b"earlier")
    with pytest.raises(EvidenceHashMismatch):
        store.export(item.item_id, sha(b"other"), dest)
    assert dest.read_bytes() == b"earlier"


# --- ids, deletion, the store header -------------------------------------------------------


@pytest.mark.parametrize("bad", ["../../evidence-store", "ABCDEF" * 5 + "AB", "", "0" * 31, "0" * 32 + "/"])
def test_item_ids_are_checked_before_touching_the_disk(store: EvidenceStore, bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        store.verify(bad, "0" * 64)
    assert caught.value.field == "item_id"


def test_malformed_expected_hash_is_a_validation_error(store: EvidenceStore, item: StoredItem) -> None:
    with pytest.raises(ValidationError) as caught:
        store.verify(item.item_id, "not-a-hash")
    assert caught.value.field == "expected_sha256"


def test_delete(store: EvidenceStore, item: StoredItem) -> None:
    assert store.exists(item.item_id)
    store.delete(item.item_id)
    assert not store.exists(item.item_id)
    with pytest.raises(EvidenceMissing):
        store.delete(item.item_id)
    store.delete(item.item_id, missing_ok=True)
    assert not store.verify(item.item_id, item.sha256).ok


def test_lost_header_with_items_present_is_not_silently_replaced(tmp_path: Path, memory_keyring) -> None:
    store = EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    store.put(io.BytesIO(b"kept"))
    (tmp_path / "ev" / "evidence-store.json").unlink()
    with pytest.raises(EvidenceStoreDamaged, match="header"):
        EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    assert len(memory_keyring.entries) == 1


def test_garbled_header_is_reported(tmp_path: Path) -> None:
    EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    (tmp_path / "ev" / "evidence-store.json").write_text("{not json")
    with pytest.raises(EvidenceStoreDamaged):
        EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
