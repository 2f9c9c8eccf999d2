"""A recording larger than 2 GiB goes in and is verified in bounded memory.

The source is generated on the fly (no source file on disk); its SHA-256 is computed
independently as it is handed out. Memory is checked two ways: tracemalloc's peak of
Python allocations during put and verify, and the process's resident set size sampled
while they run (Linux only; it also sees OpenSSL's own allocations).
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from muse_care.evidence import EvidenceStore, KeyringKeyProvider

SIZE = int(2.2 * 2**30)  # 2.2 GiB, not a multiple of the 1 MiB chunk
MiB = 2**20
PYTHON_PEAK_LIMIT = 16 * MiB
RSS_GROWTH_LIMIT = 48 * MiB


class GeneratedRecording(io.RawIOBase):
    """``size`` bytes of incompressible content, produced as they are read."""

    def __init__(self, size: int) -> None:
        self._left = size
        # A random block of an odd length, read around cyclically: chunks differ from
        # each other and from the block boundaries.
        self._block = os.urandom(MiB + 4093)
        self._view = memoryview(self._block)
        self._pos = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        target = memoryview(buffer).cast("B")
        n = min(len(target), self._left, len(self._block) - self._pos)
        piece = self._view[self._pos : self._pos + n]
        target[:n] = piece
        self.digest.update(piece)
        self._pos = (self._pos + n) % len(self._block)
        self._left -= n
        return n


class RssSampler:
    """Highest resident set size seen while running (Linux /proc)."""

    def __init__(self) -> None:
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.baseline = self.peak = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * self.page

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())


def test_more_than_two_gib_put_and_verified_in_bounded_memory(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    source = GeneratedRecording(SIZE)
    linux = sys.platform.startswith("linux")

    started = time.perf_counter()
    tracemalloc.start()
    try:
        if linux:
            with RssSampler() as rss:
                item = store.put(source)
                result = store.verify(item.item_id, item.sha256)
        else:
            item = store.put(source)
            result = store.verify(item.item_id, item.sha256)
        _, python_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    elapsed = time.perf_counter() - started

    assert item.size == SIZE
    assert item.sha256 == source.digest.hexdigest()
    assert result.ok, result.problem
    print(f"\n2.2 GiB put+verify {elapsed:.1f} s; python peak {python_peak / MiB:.1f} MiB", end="")
    assert python_peak < PYTHON_PEAK_LIMIT, f"tracemalloc peak {python_peak / MiB:.1f} MiB"
    if linux:
        growth = rss.peak - rss.baseline
        print(f"; RSS growth {growth / MiB:.1f} MiB", end="")
        assert growth < RSS_GROWTH_LIMIT, f"RSS grew by {growth / MiB:.1f} MiB"
    store.delete(item.item_id)


@pytest.mark.parametrize("read_size", [1, 1000, MiB + 1])
def test_open_verified_streams_in_small_reads(tmp_path: Path, read_size: int) -> None:
    store = EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    data = os.urandom(3 * MiB + 5) if read_size > 1 else os.urandom(70_000)
    item = store.put(io.BytesIO(data))
    out = bytearray()
    with store.open_verified(item.item_id, item.sha256) as stream:
        while piece := stream.read(read_size):
            assert len(piece) <= read_size
            out += piece
    assert out == data
