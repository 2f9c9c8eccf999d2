"""Where the evidence store lives, how it is unlocked, and checking what it holds.

Location, first match wins:

1. the local config key ``evidence_dir`` (this machine's settings, see
   :mod:`muse_care.services.local_config`);
2. beside a SQLite database file: ``<folder of the .sqlite3 file>/evidence``;
3. the platform's user data folder: ``.../MUSE Care/evidence``.

The key comes from the OS keychain (:class:`KeyringKeyProvider`) or from a passphrase the
user types (:class:`PassphraseKeyProvider`). There is no plaintext fallback: with no
keychain backend, opening fails with :class:`KeychainUnavailable` saying how to fix it
or to use a passphrase. A store made with a passphrase asks for it
(:class:`PassphraseRequired`) instead of trying the keychain.

Every read checks each chunk's authentication and the SHA-256 the retrieval log
recorded, and that the item was sealed for that case and entry; a changed, missing or
misdirected file is reported and never served. ``verify_evidence`` also reports items in
the store that no entry owns (orphans). ``sweep_pending`` (run at start) clears what a
process killed while attaching a file left behind. ``rekey`` re-encrypts every item
with a new key (keychain or passphrase), or binds items written before binding existed
(``--keep-key``), one item at a time, resumable.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from muse_care.domain.errors import NotFound, ValidationError
from muse_care.evidence import (
    EvidenceError, EvidenceStore, KeyProvider, KeyringKeyProvider, PassphraseKeyProvider,
)
from muse_care.evidence.store import HEADER_FILE
from muse_care.services import local_config
from muse_care.services.register import Register
from muse_care.store import db
from muse_care.store.models import CaseRecord, RetrievalRecord, SourceRecord

CONFIG_KEY = "evidence_dir"


class PassphraseRequired(EvidenceError):
    """The store is protected by a passphrase and none was given."""


def evidence_root(register: Register | None = None, url: str | None = None) -> Path:
    configured = local_config.load().get(CONFIG_KEY)
    if isinstance(configured, str) and configured.strip():
        return Path(configured).expanduser()
    if register is not None:
        url = register.url
    path = db.sqlite_file(url) if url else None
    if path is not None:
        return path.parent / "evidence"
    return db.default_data_dir() / "evidence"


def store_kind(root: Path) -> str | None:
    """How an existing store's key is kept ("keyring" or "passphrase"), or None if there
    is no store there yet (or its header cannot be read: opening will say why)."""
    try:
        header = json.loads((root / HEADER_FILE).read_bytes())
        kind = header["key"]["kind"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return kind if isinstance(kind, str) else None


def store_exists(register: Register | None = None, root: Path | None = None) -> bool:
    root = Path(root) if root is not None else evidence_root(register)
    return (root / HEADER_FILE).exists()


def rekey_in_progress(root: Path) -> bool:
    try:
        return bool(json.loads((root / HEADER_FILE).read_bytes()).get("previous_keys"))
    except (OSError, ValueError, AttributeError):
        return False


def open_store(register: Register | None = None, *, passphrase: str | None = None,
               root: Path | None = None) -> EvidenceStore:
    """Open (or create) the evidence store. With ``passphrase`` the key is derived from it;
    otherwise it is read from the OS keychain."""
    root = Path(root) if root is not None else evidence_root(register)
    kind = store_kind(root)
    if passphrase is not None:
        if kind == "keyring":
            raise ValidationError("passphrase", f"the evidence store at {root} keeps its key in the OS "
                                  "keychain; open it without a passphrase")
        return EvidenceStore(root, PassphraseKeyProvider(passphrase))
    if kind == "passphrase":
        raise PassphraseRequired(f"the evidence store at {root} is protected by a passphrase; type it "
                                 "when asked (CLI: --passphrase-env VAR names an environment variable "
                                 "holding it)")
    return EvidenceStore(root, KeyringKeyProvider())


# --- checking ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EvidenceProblem:
    case_reference: str
    retrieval_id: int
    source_code: str
    file_name: str
    problem: str


@dataclass(frozen=True)
class EvidenceReport:
    checked: int
    problems: tuple[EvidenceProblem, ...]
    orphans: tuple[str, ...] = ()  # items in the store that no retrieval entry owns

    @property
    def ok(self) -> bool:
        return not self.problems and not self.orphans


@dataclass(frozen=True)
class _Attached:
    id: int
    evidence_id: str
    sha256: str
    file_name: str
    case_id: int = 0

    @property
    def binding(self) -> tuple[int, int]:
        return (self.case_id, self.id)


def _entries(register: Register, ref: str | int | None) -> Iterator[tuple[_Attached, str, str]]:
    """Attached files in id order, read in batches (the list can be long)."""
    from muse_care.services.cases import _load

    last = 0
    while True:
        with register.read() as session:
            stmt = (select(RetrievalRecord.id, RetrievalRecord.evidence_id, RetrievalRecord.sha256,
                           RetrievalRecord.file_name, CaseRecord.reference, SourceRecord.code,
                           RetrievalRecord.case_id)
                    .join(CaseRecord, CaseRecord.id == RetrievalRecord.case_id)
                    .join(SourceRecord, SourceRecord.id == RetrievalRecord.source_id)
                    .where(RetrievalRecord.evidence_id != "", RetrievalRecord.id > last)
                    .order_by(RetrievalRecord.id).limit(500))
            if ref is not None:
                stmt = stmt.where(RetrievalRecord.case_id == _load(session, ref).id)
            rows = [(_Attached(r[0], r[1], r[2], r[3], r[6]), r[4], r[5]) for r in session.execute(stmt)]
        if not rows:
            return
        for item, reference, code in rows:
            yield item, reference, code
            last = item.id


def verify_evidence(register: Register, store: EvidenceStore | None,
                    ref: str | int | None = None) -> EvidenceReport:
    """Check every attached file (or one case's) end to end against the logged SHA-256
    and its entry (the item must be sealed for that case and entry). With no store (none
    exists where it should be) every attached file is reported. Checking the whole
    store also lists the items no entry owns (``orphans``)."""
    checked = 0
    problems: list[EvidenceProblem] = []
    for rec, reference, code in _entries(register, ref):
        checked += 1
        if store is None:
            problems.append(EvidenceProblem(reference, rec.id, code, rec.file_name,
                                            f"there is no evidence store at {evidence_root(register)}"))
            continue
        try:
            result = store.verify(rec.evidence_id, rec.sha256, rec.binding)
            problem = result.problem if not result.ok else None
        except ValidationError as exc:  # a damaged id or hash in the log itself
            problem = f"the retrieval log's record is damaged ({exc})"
        if problem:
            problems.append(EvidenceProblem(reference, rec.id, code, rec.file_name, problem))
    orphans = tuple(find_orphans(register, store)) if (store is not None and ref is None) else ()
    return EvidenceReport(checked, tuple(problems), orphans)


def _owned_ids(register: Register) -> set[str]:
    with register.read() as session:
        return set(session.execute(select(RetrievalRecord.evidence_id)
                                   .where(RetrievalRecord.evidence_id != "")).scalars())


def find_orphans(register: Register, store: EvidenceStore) -> list[str]:
    """Items in the store that no retrieval entry refers to, in id order."""
    owned = _owned_ids(register)
    return sorted(i for i in store.item_ids() if i not in owned)


def sweep_pending(register: Register, store: EvidenceStore) -> list[str]:
    """Clear what a process killed while attaching a file left: an item marked pending
    whose process is gone is deleted unless an entry owns it (then only the mark goes).
    Returns the items deleted."""
    owned: set[str] | None = None
    removed = []
    for item_id, stale in store.pending():
        if not stale:
            continue
        if owned is None:
            owned = _owned_ids(register)
        if item_id not in owned:
            store.delete(item_id, missing_ok=True)
            removed.append(item_id)
        store.settle(item_id)
    return removed


@dataclass(frozen=True)
class RekeyReport:
    rewrapped: int
    already: int
    problems: tuple[EvidenceProblem, ...]
    finished: bool


def rekey(register: Register, store: EvidenceStore, new_key: KeyProvider | None = None, *,
          on_item: object = None) -> RekeyReport:
    """Re-encrypt every attached item with ``new_key`` (or, with None, the current key:
    binding items written before binding existed). One item at a time, streaming, so
    memory stays bounded; each finished item is durable, so a run that is cut off is
    finished by running it again (then without ``new_key``: the new key is already the
    store's). ``on_item(entry_id)`` is called after each item (progress)."""
    if new_key is not None and not store.rekeying:
        store.begin_rekey(new_key)
    rewrapped = already = 0
    problems: list[EvidenceProblem] = []
    for rec, reference, code in _entries(register, None):
        try:
            if store.rewrap(rec.evidence_id, rec.sha256, rec.binding):
                rewrapped += 1
            else:
                already += 1
        except (EvidenceError, ValidationError) as exc:
            problems.append(EvidenceProblem(reference, rec.id, code, rec.file_name, str(exc)))
        if callable(on_item):
            on_item(rec.id)
    left = store.finish_rekey() if not problems else ["(problems)"]
    return RekeyReport(rewrapped, already, tuple(problems), not left)


def export_item(register: Register, store: EvidenceStore, retrieval_id: int, dest: Path) -> Path:
    """Decrypt one entry's file to ``dest`` (a file, or a folder to put it in under its
    own name); it appears only if it is intact, else EvidenceTampered/EvidenceMissing."""
    with register.read() as session:
        rec = session.get(RetrievalRecord, retrieval_id)
        if rec is None:
            raise NotFound(f"no retrieval entry #{retrieval_id}")
        if not rec.evidence_id:
            raise ValidationError("file", f"entry #{retrieval_id} has no file attached")
        evidence_id, sha256, name, binding = rec.evidence_id, rec.sha256, rec.file_name, (rec.case_id, rec.id)
    dest = Path(dest)
    if dest.is_dir():
        dest = dest / safe_file_name(name)
    from muse_care.domain.private_files import sweep_partials

    sweep_partials(dest.parent)  # what an export killed half-way left here
    store.export(evidence_id, sha256, dest, binding)
    return dest


def safe_file_name(name: str, fallback: str = "item") -> str:
    """A file name that is safe on Windows, macOS and Linux."""
    bad = '<>:"/\\|?*'
    cleaned = "".join("_" if (c in bad or ord(c) < 32) else c for c in name).strip(" .")
    if cleaned.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                                         *(f"LPT{i}" for i in range(10))}:
        cleaned = "_" + cleaned
    return cleaned[:150] or fallback
