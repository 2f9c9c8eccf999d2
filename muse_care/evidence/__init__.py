"""Encrypted, tamper-evident storage of call recordings and chat transcripts.

Pure Python (no Qt, no SQLAlchemy). See :mod:`muse_care.evidence.store` for the store,
:mod:`muse_care.evidence.container` for the file format and
:mod:`muse_care.evidence.keys` for where the key lives.
"""

from muse_care.evidence.errors import (
    EvidenceError,
    EvidenceHashMismatch,
    EvidenceKeyMissing,
    EvidenceMissing,
    EvidenceStoreDamaged,
    EvidenceTampered,
    EvidenceWriteFailed,
    KeychainUnavailable,
    WrongKey,
    WrongPassphrase,
)
from muse_care.evidence.keys import KeyProvider, KeyringKeyProvider, PassphraseKeyProvider
from muse_care.evidence.store import EvidenceStore, StoredItem, VerifyResult

__all__ = [
    "EvidenceError",
    "EvidenceHashMismatch",
    "EvidenceKeyMissing",
    "EvidenceMissing",
    "EvidenceStore",
    "EvidenceStoreDamaged",
    "EvidenceTampered",
    "EvidenceWriteFailed",
    "KeyProvider",
    "KeychainUnavailable",
    "KeyringKeyProvider",
    "PassphraseKeyProvider",
    "StoredItem",
    "VerifyResult",
    "WrongKey",
    "WrongPassphrase",
]
