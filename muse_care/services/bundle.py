"""Documents made from the retrieval log: the disclosure bundle and the preservation-hold list.

**Disclosure bundle** (:func:`export_bundle`): a case's retrieved files, each checked
against its logged SHA-256 while it is decrypted into the folder, plus ``index.pdf`` and
``index.csv`` (what, from where, interaction dates, file names, sizes, SHA-256). The
entries are then marked as disclosed in that bundle, with a history entry.

What goes in, decided here:

* *found* and *redacted* entries with their file are included;
* *withheld* entries (others' data) are left out of the files and listed in the index
  under "Withheld", so the requester is told something was withheld;
* *none found* and *already purged* searches are listed in the index under "Searched";
* the bundle is **refused** while any entry is *to retrieve*, is *found* or *redacted*
  without its file, or needs redaction that is not done: a bundle must not go out
  incomplete or unredacted without the agent deciding so on the entry first.

If any file fails its check (changed, cut short, missing) nothing is left in the folder,
nothing is marked disclosed, and every problem is reported.

The index shows, for every entry, the period searched and the result, "none found"
included: it is what shows the search was done.

**With a password** (``password=``; CLI ``--password-env VAR``, or typed in the window)
nothing readable is written: the files and ``index.csv`` go into
``<reference>-bundle.zip``, encrypted with AES-256 (WinZip AE-2, pyzipper; never the
weak legacy ZIP encryption), streamed from the evidence store so no plaintext copy
touches the disk; ``index.pdf`` beside it (and in the archive) is encrypted with the
same password (pypdf, AES-256); ``README.txt`` is the covering note telling the
requester which free tool opens the archive on Windows and macOS and that the password
comes separately. The password is never stored or logged.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from muse_care.domain.dates import fmt_day
from muse_care.domain.errors import ValidationError
from muse_care.evidence import EvidenceError, EvidenceStore
from muse_care.services import retrieval as rt
from muse_care.services.evidence_service import EvidenceProblem, safe_file_name
from muse_care.services.history import HistoryWriter
from muse_care.services.register import Register
from muse_care.services.retrieval_docs import csv_cell, table_pdf_bytes, write_csv, write_table_pdf
from muse_care.store.models import CaseRecord, RetrievalRecord

INDEX_PDF = "index.pdf"
INDEX_CSV = "index.csv"
COVER_NOTE = "README.txt"
MIN_PASSWORD = 12

COVER_TEXT = """Your personal data from {organisation}: request {reference}

The files we hold about you are in {archive}, an archive protected with
AES-256 encryption. The index of what it contains (index.pdf) is protected with the same
password. We send you the password separately (never with this {medium}).

To open the archive you need a program that reads AES-encrypted ZIP files; these are free:
  - Windows: 7-Zip (https://www.7-zip.org). Right-click the file, choose 7-Zip > Extract
    Here, and type the password. (The ZIP folder built into Windows 10 cannot open it.)
  - macOS: Keka (https://www.keka.io) or The Unarchiver (from the App Store). Open the
    file with it and type the password. (Archive Utility, built into macOS, cannot open it.)
  - Linux: 7-Zip (7z x {archive}).
index.pdf opens in any PDF reader once you type the password.

Each file's SHA-256 is listed in the index, so you can check that your copy is exactly
what we sent (for example: certutil -hashfile FILE SHA256 on Windows, shasum -a 256 FILE
on macOS).
"""


class BundleFailed(EvidenceError):
    """One or more files failed their integrity check; nothing was exported."""

    def __init__(self, problems: list[EvidenceProblem]) -> None:
        lines = "; ".join(f"entry #{p.retrieval_id} ({p.file_name}): {p.problem}" for p in problems)
        super().__init__(f"the bundle was not made: {len(problems)} file(s) failed their check: {lines}")
        self.problems = problems


@dataclass(frozen=True)
class BundleItem:
    number: int
    retrieval_id: int
    source_name: str
    interaction_date: date | None
    interaction_time: str
    item_ref: str
    result: str
    file_name: str  # the name in the bundle folder ("" when no file goes out)
    original_name: str
    size: int | None
    sha256: str
    section: str  # "disclosed", "withheld" or "searched"
    period_from: date | None = None
    period_to: date | None = None
    result_label: str = ""

    @property
    def period(self) -> str:
        """The period searched, as the index shows it."""
        if self.period_from and self.period_to:
            return f"{fmt_day(self.period_from)} to {fmt_day(self.period_to)}"
        if self.interaction_date:
            return f"{fmt_day(self.interaction_date)} (the interaction itself)"
        return "not recorded"


@dataclass(frozen=True)
class BundleReport:
    label: str
    directory: Path
    items: tuple[BundleItem, ...]
    index_pdf: Path
    index_csv: Path
    archive: Path | None = None  # the encrypted archive, when made with a password

    @property
    def disclosed(self) -> tuple[BundleItem, ...]:
        return tuple(i for i in self.items if i.section == "disclosed")


def blockers(entries: list[rt.RetrievalView]) -> list[str]:
    """Why the bundle cannot be made yet, one reason per entry (empty when it can)."""
    out = []
    for e in entries:
        what = f"entry #{e.id} ({e.source_code}, {e.interaction_date.isoformat() if e.interaction_date else 'no date'})"
        if e.result is rt.Result.TO_RETRIEVE:
            out.append(f"{what} is still to retrieve; attach its file or record the result")
        elif e.result in (rt.Result.FOUND, rt.Result.REDACTED) and not e.has_file:
            out.append(f"{what} is {e.result.value} but has no file attached")
        elif e.redaction_needed and not e.redaction_done and e.result is not rt.Result.WITHHELD:
            out.append(f"{what} needs redaction that is not done; redact it (mark it done) or withhold it")
    return out


def _plan(entries: list[rt.RetrievalView]) -> list[BundleItem]:
    items = []
    n = 0
    for e in entries:
        if e.result is rt.Result.WITHHELD:
            section = "withheld"
        elif e.result in (rt.Result.NONE_FOUND, rt.Result.ALREADY_PURGED):
            section = "searched"
        else:
            section = "disclosed"
        name = ""
        if section == "disclosed":
            n += 1
            day = e.interaction_date.isoformat() if e.interaction_date else "undated"
            name = f"{n:02d}-{e.source_code}-{day}-{safe_file_name(e.file_name)}"
        items.append(BundleItem(n if section == "disclosed" else 0, e.id, e.source_name, e.interaction_date,
                                e.interaction_time, e.item_ref, e.result.value, name,
                                e.file_name if section == "disclosed" else "",
                                e.file_size if section == "disclosed" else None,
                                e.sha256 if section == "disclosed" else "", section,
                                e.period_from, e.period_to, e.result_label))
    return items


def _day(item: BundleItem) -> str:
    if item.interaction_date is None:
        return ""
    return fmt_day(item.interaction_date) + (f" {item.interaction_time}" if item.interaction_time else "")


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValidationError("password", f"use at least {MIN_PASSWORD} characters (a few unrelated words); "
                              "the bundle goes by post or on a USB stick")
    return password


def export_bundle(register: Register, store: EvidenceStore, ref: str | int, dest: Path, *,
                  password: str | None = None) -> BundleReport:
    if password is not None:
        check_password(password)
    entries = rt.list_retrievals(register, ref)
    if not entries:
        raise ValidationError("bundle", "the case has no retrieval entries to disclose")
    problems = blockers(entries)
    if problems:
        raise ValidationError("bundle", f"not ready: {'; '.join(problems)}")
    reference = entries[0].case_reference
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ValidationError("output", f"{dest} is not an empty folder; choose a new or empty one")
    created = not dest.exists()
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValidationError("output", f"cannot create {dest}: {exc.strerror}") from None
    now = register.now()
    label = f"bundle {reference} {now:%Y-%m-%d %H:%M:%S}Z"
    items = _plan(entries)
    by_id = {e.id: e for e in entries}
    written: list[Path] = []
    if password is not None:
        try:
            archive = _write_encrypted(register, store, reference, label, items, by_id, dest, password, written)
            _mark_disclosed(register, [i.retrieval_id for i in items if i.section == "disclosed"], label)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            if created:
                try:
                    dest.rmdir()
                except OSError:
                    pass
            raise
        return BundleReport(label, dest, tuple(items), dest / INDEX_PDF, dest / INDEX_CSV, archive)
    try:
        failures: list[EvidenceProblem] = []
        for item in items:
            if item.section != "disclosed":
                continue
            e = by_id[item.retrieval_id]
            target = dest / item.file_name
            try:
                store.export(e.evidence_id, e.sha256, target, (e.case_id, e.id))
                written.append(target)
            except (EvidenceError, ValidationError) as exc:
                failures.append(EvidenceProblem(reference, e.id, e.source_code, e.file_name, str(exc)))
        if failures:
            raise BundleFailed(failures)
        index_csv, index_pdf = dest / INDEX_CSV, dest / INDEX_PDF
        _write_index(index_csv, index_pdf, reference, label, items)
        written += [index_csv, index_pdf]
        _mark_disclosed(register, [i.retrieval_id for i in items if i.section == "disclosed"], label)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        if created:
            try:
                dest.rmdir()
            except OSError:
                pass
        raise
    return BundleReport(label, dest, tuple(items), dest / INDEX_PDF, dest / INDEX_CSV)


def _mark_disclosed(register: Register, ids: list[int], label: str) -> None:
    now = register.now()
    with register.unit_of_work() as session:
        history = HistoryWriter(session, register.actor.login, now)
        for rid in ids:
            rec = session.get(RetrievalRecord, rid)
            assert rec is not None
            old = rec.disclosed_in
            rec.disclosed_in, rec.disclosed_at = label[:200], now
            history.add(rec.case_id, "retrieval:disclosed", old, f"#{rid}: in {label} ({rec.file_name}, "
                        f"SHA-256 {rec.sha256})")
        if ids:
            rec = session.get(RetrievalRecord, ids[0])
            assert rec is not None
            case = session.get(CaseRecord, rec.case_id)
            assert case is not None
            case.updated_at, case.updated_by = now, register.actor.login


_CSV_HEADER = ["no", "section", "file", "source", "interaction", "item_ref", "result", "original_name",
               "size_bytes", "sha256", "period_from", "period_to"]


def _csv_rows(items: list[BundleItem]) -> list[list[object]]:
    return [[i.number or "", i.section, i.file_name, i.source_name,
             (i.interaction_date.isoformat() + (f" {i.interaction_time}" if i.interaction_time else ""))
             if i.interaction_date else "", i.item_ref, i.result, i.original_name,
             "" if i.size is None else i.size, i.sha256,
             i.period_from.isoformat() if i.period_from else "", i.period_to.isoformat() if i.period_to else ""]
            for i in items]


def _write_index(csv_path: Path, pdf_path: Path, reference: str, label: str, items: list[BundleItem]) -> None:
    write_csv(csv_path, _CSV_HEADER, _csv_rows(items))
    title, intro, sections = _index_content(reference, label, items)
    write_table_pdf(pdf_path, title, intro, sections, mono_columns=(7,))


def _index_content(reference: str, label: str, items: list[BundleItem]) -> tuple[str, list[str], list[
        tuple[str, list[str], list[list[str]], list[float]]]]:
    disclosed = [i for i in items if i.section == "disclosed"]
    withheld = [i for i in items if i.section == "withheld"]
    searched = [i for i in items if i.section == "searched"]
    intro = [f"Case {reference}, exported as “{label}”.",
             "Each file below was checked against the SHA-256 recorded when it was retrieved. "
             "To check a copy, compute its SHA-256 (for example: sha256sum FILE, or "
             "certutil -hashfile FILE SHA256) and compare it with the value in this index.",
             f"{len(disclosed)} file(s) disclosed; {len(withheld)} item(s) withheld; "
             f"{len(searched)} search(es) with nothing to disclose."]
    sections: list[tuple[str, list[str], list[list[str]], list[float]]] = [
        ("Files disclosed", ["No.", "File (size)", "Source", "Interaction", "Period searched", "Result",
                             "Item ref", "SHA-256"],
         [[str(i.number), f"{i.file_name}\n{i.size:,} bytes", i.source_name, _day(i), i.period, i.result_label,
           i.item_ref, i.sha256] for i in disclosed], [18, 148, 52, 62, 84, 40, 94, 272]),
        ("Withheld (they contain other people's data)", ["Source", "Interaction", "Period searched", "Result",
                                                         "Item ref"],
         [[i.source_name, _day(i), i.period, i.result_label, i.item_ref] for i in withheld],
         [140, 140, 190, 130, 170]),
        ("Searched, nothing to disclose", ["Source", "Interaction", "Period searched", "Result"],
         [[i.source_name, _day(i), i.period, rt.RESULT_LABELS[rt.Result(i.result)]] for i in searched],
         [160, 140, 250, 220]),
    ]
    return f"Disclosure bundle {reference}: index", intro, sections


def _write_encrypted(register: Register, store: EvidenceStore, reference: str, label: str,
                     items: list[BundleItem], by_id: dict[int, rt.RetrievalView], dest: Path, password: str,
                     written: list[Path]) -> Path:
    """The archive, the encrypted index and the covering note (see the module's docstring)."""
    import csv

    import pyzipper

    from muse_care.domain.private_files import atomic_private_file, write_private
    from muse_care.letters import encrypt_pdf
    from muse_care.services.settings import organisation

    title, intro, sections = _index_content(reference, label, items)
    index_pdf = encrypt_pdf(table_pdf_bytes(title, intro, sections, mono_columns=(7,)), password)
    text = io.StringIO()
    out = csv.writer(text)
    out.writerow(_CSV_HEADER)
    for row in _csv_rows(items):
        out.writerow([csv_cell(c) for c in row])
    archive = dest / f"{safe_file_name(reference)}-bundle.zip"
    failures: list[EvidenceProblem] = []
    with atomic_private_file(archive, "output") as raw:
        with pyzipper.AESZipFile(raw, "w", compression=pyzipper.ZIP_DEFLATED) as zf:
            zf.setpassword(password.encode("utf-8"))
            zf.setencryption(pyzipper.WZ_AES, nbits=256)
            for item in items:
                if item.section != "disclosed":
                    continue
                e = by_id[item.retrieval_id]
                try:
                    with store.open_verified(e.evidence_id, e.sha256, (e.case_id, e.id)) as plain, \
                            zf.open(item.file_name, "w", force_zip64=True) as member:
                        while chunk := plain.read(1 << 20):
                            member.write(chunk)
                except (EvidenceError, ValidationError) as exc:
                    failures.append(EvidenceProblem(reference, e.id, e.source_code, e.file_name, str(exc)))
            if failures:
                raise BundleFailed(failures)
            zf.writestr(INDEX_CSV, text.getvalue().encode("utf-8-sig"))
            zf.writestr(INDEX_PDF, index_pdf)
    written.append(archive)
    written.append(write_private(dest / INDEX_PDF, index_pdf))
    org = organisation(register)
    note = COVER_TEXT.format(organisation=org.controller_name, reference=reference, archive=archive.name,
                             medium="letter or USB stick")
    written.append(write_private(dest / COVER_NOTE, note.encode("utf-8")))
    return archive


# --- preservation hold ------------------------------------------------------------------

def write_hold_list(register: Register, path: Path, as_of: date | None = None) -> list[rt.HoldItem]:
    """The preservation-hold list as CSV or PDF (by the file's suffix)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".pdf"):
        raise ValidationError("output", f"{path.name}: write the hold list as .csv or .pdf")
    if not path.parent.is_dir():
        raise ValidationError("output", f"the folder {path.parent} does not exist")
    as_of = as_of or register.today()
    items = rt.mark_held(register, as_of)
    header = ["case_reference", "source", "identifier", "interaction_date", "interaction_time", "item_ref",
              "purge_date", "result"]
    rows = [[h.case_reference, h.source_code, h.identifier, h.interaction_date.isoformat() if h.interaction_date
             else "", h.interaction_time, h.item_ref, h.purge_on.isoformat() if h.purge_on else "no purge date",
             h.result] for h in items]
    if suffix == ".csv":
        write_csv(path, header, rows)
        return items
    intro = [f"As of {fmt_day(as_of)}: {len(items)} item(s) belong to open privacy requests. "
             "Do not delete them, even when their normal retention period ends, until the case "
             "reference is released: an item stays on this list, past its normal purge date, until "
             "its case ends.",
             "Produced by MUSE Care for the administrators of the source systems."]
    by_source: dict[str, list[rt.HoldItem]] = {}
    for h in items:
        by_source.setdefault(h.source_name, []).append(h)
    sections = [(f"{name}", ["Case", "Identifier", "Interaction", "Item ref", "Normal purge date"],
                 [[h.case_reference, h.identifier,
                   (fmt_day(h.interaction_date) + (f" {h.interaction_time}" if h.interaction_time else ""))
                   if h.interaction_date else "", h.item_ref,
                   fmt_day(h.purge_on) if h.purge_on else "none"] for h in group],
                 [100, 200, 140, 200, 130]) for name, group in by_source.items()]
    if not sections:
        sections = [("Items on hold", ["Case"], [], [770])]
    write_table_pdf(path, "Preservation hold: do not delete", intro, sections)
    return items
