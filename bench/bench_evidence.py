"""Throughput and peak memory of the evidence store on a 512 MiB generated stream.

    python bench/bench_evidence.py [--mib 512] [--dir DIR]

Prints MB/s for put (encrypt + hash + write + fsync) and verify (read + decrypt +
hash), and peak memory: Python allocations (tracemalloc, measured in a separate pass so
its overhead does not skew the timings) and the process's peak RSS. Uses an in-memory
keychain, never the OS one. No assertions.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from muse_care.evidence import EvidenceStore, KeyringKeyProvider  # noqa: E402

MiB = 2**20


class _MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self._entries[(service, username)]


class _Generated(io.RawIOBase):
    def __init__(self, size: int) -> None:
        self._left = size
        self._block = memoryview(os.urandom(MiB + 4093))
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        target = memoryview(buffer).cast("B")
        n = min(len(target), self._left, len(self._block) - self._pos)
        target[:n] = self._block[self._pos : self._pos + n]
        self._pos = (self._pos + n) % len(self._block)
        self._left -= n
        return n


def _peak_rss_mib() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / MiB if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=512, help="stream size in MiB (default 512)")
    parser.add_argument("--dir", type=Path, default=None, help="where to put the store (default: a temp dir)")
    args = parser.parse_args()
    size = args.mib * MiB
    keyring.set_keyring(_MemoryKeyring())

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        store = EvidenceStore(Path(tmp) / "evidence", KeyringKeyProvider())
        print(f"stream {args.mib} MiB, chunk 1 MiB, {os.cpu_count()} CPUs, "
              f"OpenSSL-backed AES-256-GCM + SHA-256")

        t = time.perf_counter()
        item = store.put(_Generated(size))
        put_s = time.perf_counter() - t
        t = time.perf_counter()
        ok = store.verify(item.item_id, item.sha256).ok
        verify_s = time.perf_counter() - t
        print(f"put     {size / 1e6 / put_s:8.0f} MB/s  ({put_s:.2f} s, incl. fsync)")
        print(f"verify  {size / 1e6 / verify_s:8.0f} MB/s  ({verify_s:.2f} s)  ok={ok}")

        t = time.perf_counter()
        digest = hashlib.sha256()
        source = _Generated(size)
        buf = bytearray(MiB)
        while n := source.readinto(buf):
            digest.update(memoryview(buf)[:n])
        print(f"(SHA-256 alone on the same stream: {size / 1e6 / (time.perf_counter() - t):.0f} MB/s)")
        store.delete(item.item_id)

        tracemalloc.start()
        item = store.put(_Generated(size))
        store.verify(item.item_id, item.sha256)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python allocations during put+verify: {peak / MiB:.1f} MiB")
        rss = _peak_rss_mib()
        if rss is not None:
            print(f"peak RSS of the whole process: {rss:.1f} MiB")


if __name__ == "__main__":
    main()
