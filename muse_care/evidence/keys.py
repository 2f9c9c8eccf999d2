"""Where the evidence store's 256-bit key comes from.

Two sources, behind one small protocol:

* :class:`KeyringKeyProvider` keeps a random key in the operating system's keychain
  (Windows Credential Manager, macOS Keychain, a Secret Service on Linux) under service
  ``muse-care`` and account ``evidence-key:<store id>``. It is created when the store is
  created. There is **no plaintext fallback**: if keyring has no real backend (its
  ``fail`` backend, the ``null`` backend, a chainer with nothing to chain, anything
  with priority <= 0) it raises :class:`KeychainUnavailable` saying how to fix that.
* :class:`PassphraseKeyProvider` derives the key from a passphrase the user types
  (scrypt, random salt recorded in the store header).

Either way the store header records a *key-check value*: a one-way HKDF output of the
key and the store id. A wrong passphrase or a replaced keychain entry is reported as
such instead of surfacing later as every item "failing authentication".
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol


from muse_care.domain.errors import ValidationError
from muse_care.evidence.errors import (
    EvidenceKeyMissing,
    EvidenceStoreDamaged,
    KeychainUnavailable,
    WrongKey,
    WrongPassphrase,
)

if TYPE_CHECKING:
    import keyring
    import keyring.backend
    import keyring.backends.chainer
    import keyring.backends.fail
    import keyring.errors
else:
    class _Keyring:
        """The keyring library, imported when first used: its backends' discovery loads
        ~14 MB of modules (importlib.metadata, jaraco, urllib) that a window that never
        opens the evidence store should not hold (docs/performance.md, "Memory")."""

        def __getattr__(self, name: str) -> Any:
            import keyring
            import keyring.backend
            import keyring.backends.chainer
            import keyring.backends.fail
            import keyring.errors

            return getattr(keyring, name)

    keyring = _Keyring()

KEY_BYTES = 32
KEYRING_SERVICE = "muse-care"

#: scrypt cost used for new stores: 2**15 * 8 * 128 bytes = 32 MiB of memory, about
#: 0.1 s on a laptop. Stores record their own parameters, so this can rise later.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
#: Bounds accepted from a header, so an edited header cannot make us allocate gigabytes.
_SCRYPT_N_RANGE = (2**14, 2**20)
_SCRYPT_R_RANGE = (1, 32)
_SCRYPT_P_RANGE = (1, 16)

MIN_PASSPHRASE_LENGTH = 12

_KEY_CHECK_INFO = b"muse-care evidence v1 key-check|"


def keyring_username(store_id: str) -> str:
    """The keychain account that holds the key of store ``store_id``."""
    return f"evidence-key:{store_id}"


def key_check_value(key: bytes, store_id: str) -> bytes:
    """A value that shows whether ``key`` is this store's key without revealing it."""
    from cryptography.hazmat.primitives import hashes  # imported where used: see _Keyring
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=_KEY_CHECK_INFO + store_id.encode("ascii"),
    )
    return hkdf.derive(key)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(record: Mapping[str, Any], field: str) -> bytes:
    value = record.get(field)
    if not isinstance(value, str):
        raise EvidenceStoreDamaged(f"the store header's key record has no valid {field!r}")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise EvidenceStoreDamaged(
            f"the store header's key record has a malformed {field!r}"
        ) from exc


def _matches_check(key: bytes, store_id: str, record: Mapping[str, Any]) -> bool:
    return hmac.compare_digest(key_check_value(key, store_id), _unb64(record, "check"))


class KeyProvider(Protocol):
    """Supplies the store key. ``kind`` is recorded in the store header."""

    kind: str

    def create_key(self, store_id: str) -> tuple[bytes, dict[str, Any]]:
        """A new key for a new store, and the JSON-able record the header keeps for it.

        The record must include ``"check": base64(key_check_value(key, store_id))``.
        """
        ...

    def unlock_key(self, store_id: str, record: Mapping[str, Any]) -> bytes:
        """The key of an existing store; raises a clear error if it cannot be had or is wrong."""
        ...


# --- keychain ---------------------------------------------------------------------------

_FIX_KEYCHAIN = (
    "To fix it: on Windows, sign in with a normal user account so Windows Credential "
    "Manager is available; on macOS, unlock the login keychain (Keychain Access, or "
    "`security unlock-keychain`); on Linux, install and unlock a Secret Service provider "
    "such as GNOME Keyring (gnome-keyring with libsecret) or KWallet in your desktop "
    "session (on a machine without a desktop, run `gnome-keyring-daemon --unlock` "
    "inside `dbus-run-session`)."
)
_OR_PASSPHRASE = " Or create the evidence store with a passphrase instead of the keychain."


def _priority(backend: keyring.backend.KeyringBackend) -> float | str:
    """The backend's priority, or why it has none (keyring signals unsuitability by raising)."""
    try:
        return float(type(backend).priority)
    except Exception as exc:  # noqa: BLE001 - any error here means "not usable"
        return f"{type(exc).__name__}: {exc}"


def _is_real(backend: keyring.backend.KeyringBackend) -> bool:
    priority = _priority(backend)
    return isinstance(priority, float) and priority > 0


def _backend_problem(backend: keyring.backend.KeyringBackend) -> str | None:
    """Why ``backend`` cannot keep a key safely, or None if it can."""
    if isinstance(backend, keyring.backends.fail.Keyring):
        return "no OS keychain was found (the keyring library fell back to its 'fail' backend)"
    if isinstance(backend, keyring.backends.chainer.ChainerBackend):
        try:
            chained = list(backend.backends)
        except Exception as exc:  # noqa: BLE001
            return f"the keyring library could not list keychain backends ({exc})"
        if not any(_is_real(b) for b in chained):
            return "the keyring library found no usable keychain backend to chain"
        return None
    priority = _priority(backend)
    if isinstance(priority, str):
        return f"the keychain backend {backend.name} is not usable here ({priority})"
    if priority <= 0:
        return (
            f"the keyring backend {backend.name} has priority {priority:g}, "
            "so it is not a real keychain and cannot keep a key safely"
        )
    return None


def active_keychain(*, creating: bool) -> keyring.backend.KeyringBackend:
    """The active keyring backend, or :class:`KeychainUnavailable` if it is not a real one."""
    advice = _FIX_KEYCHAIN + (_OR_PASSPHRASE if creating else "")
    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001
        raise KeychainUnavailable(
            f"MUSE Care keeps the evidence store key only in the OS keychain, never in a "
            f"plain file, but the keychain could not be opened ({exc}). {advice}"
        ) from exc
    problem = _backend_problem(backend)
    if problem is not None:
        raise KeychainUnavailable(
            f"MUSE Care keeps the evidence store key only in the OS keychain, never in a "
            f"plain file, but {problem}. {advice}"
        )
    return backend


def _keychain_failed(action: str, exc: Exception, *, creating: bool) -> KeychainUnavailable:
    advice = _FIX_KEYCHAIN + (_OR_PASSPHRASE if creating else "")
    if isinstance(exc, keyring.errors.KeyringLocked):
        why = "the keychain is locked; unlock it and try again"
    else:
        why = f"{type(exc).__name__}: {exc}"
    return KeychainUnavailable(f"could not {action} the evidence store key in the OS keychain ({why}). {advice}")


class KeyringKeyProvider:
    """The store key lives in the OS keychain (service ``muse-care``)."""

    kind = "keyring"

    def create_key(self, store_id: str) -> tuple[bytes, dict[str, Any]]:
        backend = active_keychain(creating=True)
        key = os.urandom(KEY_BYTES)
        username = keyring_username(store_id)
        try:
            backend.set_password(KEYRING_SERVICE, username, _b64(key))
            stored = backend.get_password(KEYRING_SERVICE, username)
        except keyring.errors.KeyringError as exc:
            raise _keychain_failed("save", exc, creating=True) from exc
        if stored != _b64(key):
            raise KeychainUnavailable(
                "the OS keychain accepted the evidence store key but did not give it back; "
                "it cannot be trusted to keep it. " + _FIX_KEYCHAIN + _OR_PASSPHRASE
            )
        return key, {"check": _b64(key_check_value(key, store_id))}

    def unlock_key(self, store_id: str, record: Mapping[str, Any]) -> bytes:
        backend = active_keychain(creating=False)
        username = keyring_username(store_id)
        try:
            stored = backend.get_password(KEYRING_SERVICE, username)
        except keyring.errors.KeyringError as exc:
            raise _keychain_failed("read", exc, creating=False) from exc
        if stored is None:
            raise EvidenceKeyMissing(
                f"the OS keychain has no key for evidence store {store_id} (service "
                f"{KEYRING_SERVICE!r}, account {username!r}). Without it the stored evidence "
                "cannot be read: restore that keychain entry (for example from the user "
                "profile's backup) or sign in as the user who created the store."
            )
        try:
            key = base64.b64decode(stored, validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != KEY_BYTES or not _matches_check(key, store_id, record):
            raise WrongKey(
                f"the OS keychain entry {username!r} does not hold the key of evidence store "
                f"{store_id} (was it overwritten?); restore the original entry from a backup"
            )
        return key


# --- passphrase -------------------------------------------------------------------------


def _passphrase_bytes(passphrase: str) -> bytes:
    # The same passphrase typed on macOS (decomposed accents) and Windows (composed)
    # must give the same key.
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def _in(value: object, bounds: tuple[int, int]) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and bounds[0] <= value <= bounds[1]


class PassphraseKeyProvider:
    """The store key is derived with scrypt from a passphrase the user types.

    ``scrypt_n`` applies only to a store being created; an existing store is opened with
    the parameters its header records.
    """

    kind = "passphrase"

    def __init__(self, passphrase: str, *, scrypt_n: int = SCRYPT_N) -> None:
        if not _in(scrypt_n, _SCRYPT_N_RANGE) or scrypt_n & (scrypt_n - 1):
            raise ValueError(f"scrypt_n must be a power of two in {_SCRYPT_N_RANGE}")
        self._passphrase = passphrase
        self._scrypt_n = scrypt_n

    def __repr__(self) -> str:
        return "PassphraseKeyProvider(passphrase=<hidden>)"

    @staticmethod
    def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(_passphrase_bytes(passphrase))

    def create_key(self, store_id: str) -> tuple[bytes, dict[str, Any]]:
        if len(self._passphrase) < MIN_PASSPHRASE_LENGTH:
            raise ValidationError(
                "passphrase",
                f"use at least {MIN_PASSPHRASE_LENGTH} characters; a few unrelated words work well",
            )
        salt = os.urandom(16)
        key = self._derive(self._passphrase, salt, self._scrypt_n, SCRYPT_R, SCRYPT_P)
        record = {
            "kdf": "scrypt",
            "salt": _b64(salt),
            "n": self._scrypt_n,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "check": _b64(key_check_value(key, store_id)),
        }
        return key, record

    def unlock_key(self, store_id: str, record: Mapping[str, Any]) -> bytes:
        n, r, p = record.get("n"), record.get("r"), record.get("p")
        if record.get("kdf") != "scrypt" or not (
            _in(n, _SCRYPT_N_RANGE) and _in(r, _SCRYPT_R_RANGE) and _in(p, _SCRYPT_P_RANGE)
        ):
            raise EvidenceStoreDamaged(
                "the store header's passphrase parameters are missing or out of range"
            )
        assert isinstance(n, int) and isinstance(r, int) and isinstance(p, int)
        salt = _unb64(record, "salt")
        key = self._derive(self._passphrase, salt, n, r, p)
        if not _matches_check(key, store_id, record):
            raise WrongPassphrase(
                f"that is not the passphrase of evidence store {store_id}; check Caps Lock "
                "and the keyboard layout, and try again"
            )
        return key


def forget_keychain_key(label: str) -> None:
    """Remove a key that is no longer used from the keychain (best effort: a leftover
    entry is harmless once no item is sealed with it)."""
    try:
        keyring.get_keyring().delete_password(KEYRING_SERVICE, keyring_username(label))
    except Exception:  # noqa: BLE001 - nothing to remove, or a keychain that refuses
        pass
