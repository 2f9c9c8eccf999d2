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
"""

from __future__ import annotations

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
from muse_care.services.retrieval_docs import write_csv, write_table_pdf
from muse_care.store.models import CaseRecord, RetrievalRecord

INDEX_PDF = "index.pdf"
INDEX_CSV = "index.csv"


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


@dataclass(frozen=True)
class BundleReport:
    label: str
    directory: Path
    items: tuple[BundleItem, ...]
    index_pdf: Path
    index_csv: Path

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
                                e.sha256 if section == "disclosed" else "", section))
    return items


def _day(item: BundleItem) -> str:
    if item.interaction_date is None:
        return ""
    return fmt_day(item.interaction_date) + (f" {item.interaction_time}" if item.interaction_time else "")


def export_bundle(register: Register, store: EvidenceStore, ref: str | int, dest: Path) -> BundleReport:
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
    try:
        failures: list[EvidenceProblem] = []
        for item in items:
            if item.section != "disclosed":
                continue
            e = by_id[item.retrieval_id]
            target = dest / item.file_name
            try:
                store.export(e.evidence_id, e.sha256, target)
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


def _write_index(csv_path: Path, pdf_path: Path, reference: str, label: str, items: list[BundleItem]) -> None:
    header = ["no", "section", "file", "source", "interaction", "item_ref", "result", "original_name",
              "size_bytes", "sha256"]
    rows = [[i.number or "", i.section, i.file_name, i.source_name,
             (i.interaction_date.isoformat() + (f" {i.interaction_time}" if i.interaction_time else ""))
             if i.interaction_date else "", i.item_ref, i.result, i.original_name,
             "" if i.size is None else i.size, i.sha256] for i in items]
    write_csv(csv_path, header, rows)
    disclosed = [i for i in items if i.section == "disclosed"]
    withheld = [i for i in items if i.section == "withheld"]
    searched = [i for i in items if i.section == "searched"]
    intro = [f"Case {reference}, exported as “{label}”.",
             "Each file below was checked against the SHA-256 recorded when it was retrieved. "
             "To check a copy, compute its SHA-256 (for example: sha256sum FILE, or "
             "certutil -hashfile FILE SHA256) and compare it with the value in this index.",
             f"{len(disclosed)} file(s) disclosed; {len(withheld)} item(s) withheld; "
             f"{len(searched)} search(es) with nothing to disclose."]
    sections = [
        ("Files disclosed", ["No.", "File", "Source", "Interaction", "Item ref", "Size (bytes)", "SHA-256"],
         [[str(i.number), i.file_name, i.source_name, _day(i), i.item_ref, f"{i.size:,}", i.sha256]
          for i in disclosed], [24, 170, 80, 85, 80, 55, 276]),
        ("Withheld (they contain other people's data)", ["Source", "Interaction", "Item ref"],
         [[i.source_name, _day(i), i.item_ref] for i in withheld], [160, 160, 450]),
        ("Searched, nothing to disclose", ["Source", "Interaction", "Result"],
         [[i.source_name, _day(i), rt.RESULT_LABELS[rt.Result(i.result)]] for i in searched], [160, 160, 450]),
    ]
    write_table_pdf(pdf_path, f"Disclosure bundle {reference}: index", intro, sections, mono_columns=(6,))


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
    items = rt.hold_list(register, as_of)
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
             "reference is released.",
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
