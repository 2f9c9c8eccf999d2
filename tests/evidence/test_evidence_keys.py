"""Where the evidence key lives: the OS keychain (never a plain file) or a passphrase."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import keyring
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.errors
import pytest

from muse_care.domain.errors import MuseCareError, ValidationError
from muse_care.evidence import (
    EvidenceKeyMissing,
    EvidenceStore,
    EvidenceStoreDamaged,
    KeychainUnavailable,
    KeyringKeyProvider,
    PassphraseKeyProvider,
    WrongKey,
    WrongPassphrase,
)
from muse_care.evidence.keys import KEYRING_SERVICE, keyring_username

FAST_N = 2**14  # the smallest scrypt cost a store accepts; keeps these tests quick
PASSPHRASE = "violet linen parcel tuesday"


def test_keyring_key_created_on_first_use_and_found_again(tmp_path: Path, memory_keyring) -> None:
    store = EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    account = keyring_username(store.store_id)
    assert account == f"evidence-key:{store.store_id}"
    assert (KEYRING_SERVICE, account) in memory_keyring.entries
    item = store.put(io.BytesIO(b"call 0412"))

    again = EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    assert again.store_id == store.store_id
    assert again.verify(item.item_id, item.sha256).ok
    assert len(memory_keyring.entries) == 1


def test_key_is_not_in_the_store_header(tmp_path: Path, memory_keyring) -> None:
    EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    (stored_key,) = memory_keyring.entries.values()
    header = (tmp_path / "ev" / "evidence-store.json").read_text()
    assert stored_key not in header
    assert json.loads(header)["key"]["kind"] == "keyring"


@pytest.mark.parametrize(
    "backend",
    [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()],
    ids=["fail", "null"],
)
def test_no_real_keychain_raises_with_advice_and_writes_nothing(tmp_path: Path, backend) -> None:
    keyring.set_keyring(backend)
    with pytest.raises(KeychainUnavailable) as caught:
        EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    message = str(caught.value)
    assert isinstance(caught.value, MuseCareError)
    assert "never in a plain file" in message
    for advice in ("Windows", "Credential Manager", "macOS", "Linux", "GNOME Keyring", "KWallet", "passphrase"):
        assert advice in message
    assert not (tmp_path / "ev" / "evidence-store.json").exists()


def test_chainer_with_nothing_to_chain_is_no_keychain(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(keyring.backends.chainer.ChainerBackend, "backends", [])
    keyring.set_keyring(keyring.backends.chainer.ChainerBackend())
    with pytest.raises(KeychainUnavailable, match="no usable keychain backend"):
        EvidenceStore(tmp_path / "ev", KeyringKeyProvider())


def test_keychain_gone_when_reopening_does_not_suggest_a_passphrase(tmp_path: Path) -> None:
    EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(KeychainUnavailable) as caught:
        EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    assert "passphrase" not in str(caught.value)


def test_locked_keychain_is_reported_as_locked(tmp_path: Path, memory_keyring, monkeypatch) -> None:
    def locked(service: str, username: str) -> None:
        raise keyring.errors.KeyringLocked("locked")

    monkeypatch.setattr(memory_keyring, "get_password", locked)
    monkeypatch.setattr(memory_keyring, "set_password", lambda *a: None)
    with pytest.raises(KeychainUnavailable, match="locked; unlock it"):
        EvidenceStore(tmp_path / "ev", KeyringKeyProvider())


def test_keychain_entry_lost_is_a_clear_error_not_a_new_key(tmp_path: Path, memory_keyring) -> None:
    store = EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    memory_keyring.entries.clear()
    with pytest.raises(EvidenceKeyMissing, match=store.store_id):
        EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    assert memory_keyring.entries == {}  # no replacement key was made


def test_keychain_entry_replaced_is_wrong_key(tmp_path: Path, memory_keyring) -> None:
    EvidenceStore(tmp_path / "ev", KeyringKeyProvider())
    (entry,) = memory_keyring.entries
    memory_keyring.entries[entry] = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="
    with pytest.raises(WrongKey, match="does not hold the key"):
        EvidenceStore(tmp_path / "ev", KeyringKeyProvider())


def test_passphrase_right_and_wrong(tmp_path: Path, memory_keyring) -> None:
    store = EvidenceStore(tmp_path / "ev", PassphraseKeyProvider(PASSPHRASE, scrypt_n=FAST_N))
    item = store.put(io.BytesIO(b"chat transcript"))
    assert memory_keyring.entries == {}

    again = EvidenceStore(tmp_path / "ev", PassphraseKeyProvider(PASSPHRASE))
    with again.open_verified(item.item_id, item.sha256) as stream:
        assert stream.read() == b"chat transcript"

    with pytest.raises(WrongPassphrase, match="not the passphrase"):
        EvidenceStore(tmp_path / "ev", PassphraseKeyProvider(PASSPHRASE.upper()))


def test_passphrase_header_records_salt_and_check_but_no_key(tmp_path: Path) -> None:
    EvidenceStore(tmp_path / "ev", PassphraseKeyProvider(PASSPHRASE, scrypt_n=FAST_N))
    record = json.loads((tmp_path / "ev" / "evidence-store.json").read_text())["key"]
    assert record["kind"] == "passphrase"
    assert record["kdf"] == "scrypt" and record["n"] == FAST_N
    assert set(record) == {"kind", "kdf", "salt", "n", "r", "p", "check"}


def test_two_stores_same_passphrase_get_different_salts(tmp_path: Path) -> None:
    for name in ("a", "b"):
        EvidenceStore(tmp_path / name, PassphraseKeyProvider(PASSPHRASE, scrypt_n=FAST_N))
    salts = {json.loads((tmp_path / n / "evidence-store.json").read_text())["key"]["salt"] for n in "ab"}
    assert len(salts) == 2


def test_passphrase_accents_typed_composed_or_decomposed_open_the_store(tmp_path: Path) -> None:
    composed = unicodedata.normalize("NFC", "Łukasz Żółć café crème")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    EvidenceStore(tmp_path / "ev", PassphraseKeyProvider(composed, scrypt_n=FAST_N))
    EvidenceStore(tmp_path / "ev", PassphraseKeyProvider(decomposed))


def test_short_passphrase_refused_for_a_new_store(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as caught:
        EvidenceStore(tmp_path / "ev", PassphraseKeyProvider("short"))
    assert caught.value.field == "passphrase"


def test_passphrase_store_opened_through_keychain_says_how_it_is_protected(tmp_path: Path) -> None:
    EvidenceStore(tmp_path / "ev", PassphraseKeyProvider(PASSPHRASE, scrypt_n=FAST_N))
    with pytest.raises(WrongKey, match="protected by its passphrase"):
        EvidenceStore(tmp_path / "ev", KeyringKeyProvider())


def test_edited_scrypt_parameters_are_refused_before_deriving(tmp_path: Path) -> None:
    EvidenceStore(tmp_path / "ev", PassphraseKeyProvider(PASSPHRASE, scrypt_n=FAST_N))
    path = tmp_path / "ev" / "evidence-store.json"
    header = json.loads(path.read_text())
    header["key"]["n"] = 2**30  # would need 128 GiB
    path.write_text(json.dumps(header))
    with pytest.raises(EvidenceStoreDamaged, match="out of range"):
        EvidenceStore(tmp_path / "ev", PassphraseKeyProvider(PASSPHRASE))


def test_passphrase_repr_hides_it() -> None:
    assert PASSPHRASE not in repr(PassphraseKeyProvider(PASSPHRASE))
