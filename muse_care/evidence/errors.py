"""What can go wrong with the evidence store, in words an agent or an admin can act on.

Every error here is a :class:`~muse_care.domain.errors.MuseCareError`: the window shows
its message; none of them is a bug.
"""

from __future__ import annotations

from muse_care.domain.errors import MuseCareError


class EvidenceError(MuseCareError):
    """Base of the evidence store's errors."""


class KeychainUnavailable(EvidenceError):
    """No usable OS keychain to hold the store's key; the key is never put in a plain file."""


class EvidenceKeyMissing(EvidenceError):
    """The store exists but the keychain no longer holds its key."""


class WrongKey(EvidenceError):
    """The key that was found does not open this store."""


class WrongPassphrase(WrongKey):
    """The passphrase typed is not the one that protects this store."""


class EvidenceStoreDamaged(EvidenceError):
    """The store's header file is missing, unreadable or not ours."""


class EvidenceWriteFailed(EvidenceError):
    """A file could not be stored (disk full, no permission, the source could not be read)."""


class EvidenceMissing(EvidenceError):
    """No stored file for this item."""

    def __init__(self, item_id: str, detail: str = "") -> None:
        message = f"evidence item {item_id} is missing from the evidence store"
        super().__init__(f"{message}: {detail}" if detail else message)
        self.item_id = item_id


class EvidenceTampered(EvidenceError):
    """The stored file is not exactly what was put: changed, cut short, extended or swapped.

    Nothing of its content is served.
    """

    def __init__(self, item_id: str, reason: str) -> None:
        super().__init__(
            f"evidence item {item_id} failed its integrity check and was not released: {reason}"
        )
        self.item_id = item_id
        self.reason = reason


class EvidenceHashMismatch(EvidenceTampered):
    """Every chunk authenticates, but the content's SHA-256 is not the one on record."""

    def __init__(self, item_id: str, expected: str, actual: str) -> None:
        super().__init__(
            item_id, f"its SHA-256 is {actual} but the retrieval log records {expected}"
        )
        self.expected = expected
        self.actual = actual
