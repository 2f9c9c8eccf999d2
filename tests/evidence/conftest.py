"""Evidence tests run against an in-memory keychain, never the OS keychain."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from keyring.backend import KeyringBackend

from muse_care.evidence import EvidenceStore, KeyringKeyProvider

SMALL_CHUNK = 4096


class MemoryKeyring(KeyringBackend):
    """A keychain that lives in a dict for the length of one test."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.entries[(service, username)]


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    # Leave the process with a keychain that refuses everything, not the OS one.
    keyring.set_keyring(keyring.backends.fail.Keyring())


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    """A keychain-protected store with small chunks, so a few KiB span several chunks."""
    return EvidenceStore(tmp_path / "evidence", KeyringKeyProvider(), chunk_size=SMALL_CHUNK)
