"""Issue 14: keep nothing longer than allowed, and never let a hold lapse.

One test (or a few) per finding, each written against the code as it was and seen
failing there; the finding's number is in the test's name.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date, datetime, time, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from muse_care.cli.main import main
from muse_care.services import anonymise as an
from muse_care.services import cases
from muse_care.services import retrieval as rt
from muse_care.services.history import verify_chain
from muse_care.store.models import RetrievalRecord
from tests.retrieval.conftest import items_on_disk, new_case


def _wav(tmp_path: Path, name: str = "call.wav", size: int = 500) -> Path:
    p = tmp_path / name
    p.write_bytes(os.urandom(size))
    return p


def _ended(register, store, tmp_path, status: str, name: str, reason: str = ""):  # noqa: ANN001, ANN202
    from muse_care.services.settings import set_setting

    set_setting(register, "four_eyes", False)  # a refusal here is the agent's alone (on a team a lead's)
    view = new_case(register, name=name, note=f"{name} called about order 55512")
    rt.add_retrieval(register, view.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), item_ref="REC-9",
        file=str(_wav(tmp_path, f"{status}.wav"))), store)
    if status in ("responded", "refused"):
        for check in view.checks:
            cases.record_check(register, view.reference, check.step, "passed")
        if status == "responded":
            from muse_care.services.respond_gate import record_electronic_reply

            from tests.responded_support import settle_tasks

            cases.change_status(register, view.reference, "in-progress")
            settle_tasks(register, view.reference)  # the tasks are another condition, tested elsewhere
            record_electronic_reply(register, view.reference, "email", date(2026, 11, 25), "the recordings")
    return cases.change_status(register, view.reference, status, reason)


# --- 1: every final status, and evidence copies sooner ------------------------------------

def test_1_responded_and_refused_cases_are_anonymised_and_lose_evidence_after_the_reply(
        register, store, tmp_path) -> None:
    responded = _ended(register, store, tmp_path, "responded", "Rhea Responded")
    refused = _ended(register, store, tmp_path, "refused", "Rafe Refused", "manifestly excessive: the 40th request")
    assert len(items_on_disk(store.root)) == 2
    # Five months after the reply nothing goes; six months after, the evidence copies go.
    assert an.anonymise(register, store, date(2027, 4, 25)).cases == ()
    six = an.anonymise(register, store, date(2027, 5, 25))
    assert sorted((c.reference, c.action) for c in six.cases) == sorted(
        [(responded.reference, "purge-evidence"), (refused.reference, "purge-evidence")])
    assert items_on_disk(store.root) == []
    assert cases.get_case(register, responded.reference).requester.name == "Rhea Responded"  # the case stays
    (entry,) = rt.list_retrievals(register, responded.reference)
    assert not entry.has_file and entry.sha256  # its hash stays on record
    # Three years after the reply the cases themselves are anonymised.
    done = an.anonymise(register, store, date(2029, 11, 25))
    assert sorted(c.reference for c in done.anonymised) == sorted([responded.reference, refused.reference])
    for ref in (responded.reference, refused.reference):
        view = cases.get_case(register, ref)
        assert view.requester.name == "Anonymised" and view.notes == ()
    record = json.loads(cases.get_case(register, refused.reference).history[-1].new)
    assert record["outcome"] == "refused" and record["refusal basis"].startswith("manifestly excessive")
    assert record["received"] == "2026-11-20" and record["rights"] == "access" and record["answered"]
    with register.read() as s:
        assert verify_chain(s).ok


# --- 2: a preservation hold never lapses while the case is open ---------------------------

def test_2_an_item_on_the_hold_list_stays_on_it_past_its_purge_date_while_the_case_is_open(
        register, tmp_path) -> None:
    from muse_care.services.bundle import write_hold_list

    view = new_case(register)
    rt.add_retrieval(register, view.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), item_ref="REC-1"))
    sent = write_hold_list(register, tmp_path / "hold.csv", date(2026, 11, 25))
    assert [h.item_ref for h in sent] == ["REC-1"]
    # The normal purge date (12 Dec 2026) passes; the case is still open.
    later = rt.hold_list(register, date(2027, 1, 10))
    assert [(h.item_ref, h.held_since) for h in later] == [("REC-1", date(2026, 11, 25))]
    (line,) = rt.retention_lines(register, view.reference, date(2027, 1, 10))
    assert "can no longer be retrieved" not in line.text and "preservation hold" in line.text
    assert line.severity.value == "at-risk"
    assert [x.line.retrieval_id for x in rt.retention_report(register, date(2027, 1, 10))] == [line.retrieval_id]
    # Once the case ends it comes off the list.
    cases.change_status(register, view.reference, "withdrawn")
    assert rt.hold_list(register, date(2027, 1, 10)) == []


# --- 3: a legal hold on our own records -----------------------------------------------------

def test_3_a_case_under_a_legal_hold_is_never_anonymised(register, store, tmp_path) -> None:
    closed = _ended(register, store, tmp_path, "withdrawn", "Holly Held")
    hold = an.place_hold(register, closed.reference, "complaint to the ICO, ref IC-1234", until=date(2031, 1, 1))
    report = an.anonymise(register, store, date(2030, 1, 1))
    assert report.cases == () and report.held == (closed.reference,)
    assert cases.get_case(register, closed.reference).requester.name == "Holly Held"
    assert len(items_on_disk(store.root)) == 1
    assert [h.id for h in an.list_holds(register, closed.reference)] == [hold.id]
    # A hold that has run out no longer stops it.
    assert [c.reference for c in an.plan(register, date(2031, 1, 2)).anonymised] == [closed.reference]
    from muse_care.services.register import Actor, Register

    lead = Register(register.engine, Actor("sam", "Sam Lead", "lead"), register.now)
    admin = Register(register.engine, Actor("ada", "Ada Admin", "admin"), register.now)  # who erases on a team
    with pytest.raises(Exception, match="legal hold"):
        an.erase_case(admin, store, closed.reference, "the requester asked")
    an.release_hold(lead, closed.reference)
    assert [c.reference for c in an.plan(register, date(2030, 1, 1)).anonymised] == [closed.reference]


def test_3_cli_hold_and_release(capsys, sqlite_register) -> None:
    url = sqlite_register.url
    view = new_case(sqlite_register)
    assert main(["--db", url, "retention", "hold", view.reference, "--reason", "legal claim",
                 "--until", "2030-01-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["until"] == "2030-01-01"
    assert main(["--db", url, "retention", "holds"]) == 0
    assert view.reference in capsys.readouterr().out
    assert main(["--db", url, "retention", "release", view.reference]) == 0
    assert "released" in capsys.readouterr().out


# --- 4: erase one case on request ------------------------------------------------------------

def test_4_anonymise_one_case_now_from_the_cli_keeping_the_minimal_record(capsys, sqlite_register, tmp_path) -> None:
    from muse_care.evidence import EvidenceStore, KeyringKeyProvider

    store = EvidenceStore(tmp_path / "evidence", KeyringKeyProvider())
    url = sqlite_register.url
    done = _ended(sqlite_register, store, tmp_path, "withdrawn", "Erin Erased")
    still_open = new_case(sqlite_register, name="Otto Open")
    assert main(["--db", url, "anonymise", still_open.reference, "--reason", "asked"]) == 2
    assert "record the reply" in capsys.readouterr().err
    assert main(["--db", url, "anonymise", done.reference]) == 2  # a reason is required
    capsys.readouterr()
    assert main(["--db", url, "anonymise", done.reference, "--reason", "requester asked for erasure"]) == 0
    view = cases.get_case(sqlite_register, done.reference)
    assert view.requester.name == "Anonymised" and items_on_disk(tmp_path / "evidence") == []
    record = json.loads(view.history[-1].new)
    assert record["reference"] == done.reference and record["outcome"] == "withdrawn"
    assert cases.get_case(sqlite_register, still_open.reference).requester.name == "Otto Open"


def test_4_only_a_lead_or_admin_erases_on_a_team(pg_url, tmp_path) -> None:
    from muse_care.services.register import Actor, Register

    agent = Register.open(pg_url, Actor("aisha", "Aisha", "agent"), migrate=False)
    try:
        view = new_case(agent)
        cases.change_status(agent, view.reference, "withdrawn")
        with pytest.raises(Exception, match="on a team server only an admin erases a case"):
            an.erase_case(agent, None, view.reference, "asked")
    finally:
        agent.dispose()


# --- 5: every copy goes ------------------------------------------------------------------------

UNIQUE = "Zephyrine Quixbottom"


def _grep(folder: Path, needles: list[bytes]) -> list[str]:
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            hits += [f"{path.name}: {n!r}" for n in needles if n.lower() in data]
    return hits


def test_5_anonymisation_leaves_no_copy_in_the_database_file_or_the_data_folder(sqlite_register, store,
                                                                                 tmp_path) -> None:
    from muse_care.services import letters
    from muse_care.store import db

    reg = sqlite_register
    view = new_case(reg, name=UNIQUE, address_lines=["7 Xylo Lane"], city="London", postcode="EC1Y 8SY",
                    note=f"{UNIQUE} rang about a parcel to 7 Xylo Lane")
    letter = letters.produce_letter(reg, view.reference, "acknowledgement")
    letters.reprint(reg, letter.id, f"returned: {UNIQUE} moved from 7 Xylo Lane")
    cases.change_status(reg, view.reference, "withdrawn", f"{UNIQUE} withdrew it")
    path = db.sqlite_file(reg.url)
    assert path is not None
    safety = db.backup_sqlite(reg.url, path.with_name(path.name + ".before-0008-20260101T000000.bak"))
    needles = [UNIQUE.encode(), b"quixbottom", b"zephyrine", b"Xylo Lane"]
    assert _grep(path.parent, needles)  # it is there before
    report = an.anonymise(reg, store, date(2030, 1, 1))
    assert [c.reference for c in report.anonymised] == [view.reference]
    assert report.safety_copies_removed == (safety.name,) and not safety.exists()
    reg.dispose()
    with reg.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    assert _grep(path.parent, needles) == []
    assert [e.action for e in an.retention_log(reg)] == ["copy-removed", "anonymised"] or \
        {"anonymised", "copy-removed"} <= {e.action for e in an.retention_log(reg)}
    assert all(UNIQUE not in e.detail for e in an.retention_log(reg))


def test_5_a_backup_made_with_db_backup_that_still_holds_the_case_is_named(capsys, sqlite_register,
                                                                           tmp_path) -> None:
    reg = sqlite_register
    view = new_case(reg, name=UNIQUE)
    cases.change_status(reg, view.reference, "withdrawn")
    backup = tmp_path / "elsewhere" / "monday.sqlite3"
    assert main(["--db", reg.url, "db", "backup", str(backup)]) == 0
    capsys.readouterr()
    assert main(["--db", reg.url, "anonymise", "--as-of", "2030-01-01"]) == 0
    out = capsys.readouterr().out
    assert f"BACKUP {backup.resolve()} still holds an anonymised case" in out
    assert backup.exists()  # the admin's own file: named, not deleted


# --- 6: the bundle is encrypted ------------------------------------------------------------------

PASSWORD = "correct horse battery staple"


def _bundle_case(register, store, tmp_path):  # noqa: ANN001, ANN202
    view = new_case(register)
    data = os.urandom(70_000)
    f = tmp_path / "call.wav"
    f.write_bytes(data)
    rt.add_retrieval(register, view.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), item_ref="REC-1", file=str(f),
        period_from=date(2026, 6, 1), period_to=date(2026, 6, 30)), store)
    rt.add_retrieval(register, view.reference, rt.RetrievalDraft(
        source="live-chat", result="none-found", period_from=date(2026, 1, 1), period_to=date(2026, 6, 30)))
    return view, data


def test_6_a_bundle_with_a_password_cannot_be_opened_without_it(capsys, sqlite_register, tmp_path,
                                                                monkeypatch) -> None:
    import pyzipper

    from muse_care.evidence import EvidenceStore, KeyringKeyProvider

    store = EvidenceStore(tmp_path / "evidence", KeyringKeyProvider())
    view, data = _bundle_case(sqlite_register, store, tmp_path)
    out = tmp_path / "bundle"
    monkeypatch.setenv("BUNDLE_PW", PASSWORD)
    assert main(["--db", sqlite_register.url, "bundle", view.reference, "-o", str(out),
                 "--password-env", "BUNDLE_PW"]) == 0
    assert "send the password separately" in capsys.readouterr().out
    archive = out / f"{view.reference}-bundle.zip"
    assert sorted(p.name for p in out.iterdir()) == sorted([archive.name, "index.pdf", "README.txt"])
    raw = archive.read_bytes()
    assert data not in raw and data[:64] not in raw  # nothing readable
    # Every member is AES (method 99) with strength 3 (AES-256), never ZipCrypto.
    with pyzipper.AESZipFile(archive) as zf:
        infos = zf.infolist()
        assert {i.compress_type for i in infos} and all(i.flag_bits & 0x1 for i in infos)
        with pytest.raises(RuntimeError, match="password"):
            zf.read(infos[0].filename)
        zf.setpassword(b"wrong password entirely")
        with pytest.raises(RuntimeError):
            zf.read(infos[0].filename)
    assert raw.count(b"\x01\x99") >= len(infos) and b"AE\x03" in raw  # AE-x extra field, AES-256
    with pyzipper.AESZipFile(archive) as zf:
        zf.setpassword(PASSWORD.encode())
        member = next(n for n in zf.namelist() if n.endswith("call.wav"))
        assert zf.read(member) == data
        assert "index.csv" in zf.namelist() and "index.pdf" in zf.namelist()
    locked = subprocess.run(["pdftotext", str(out / "index.pdf"), "-"], capture_output=True, text=True)
    assert locked.returncode != 0
    opened = subprocess.run(["pdftotext", "-upw", PASSWORD, "-layout", str(out / "index.pdf"), "-"],
                            capture_output=True, text=True, check=True).stdout
    assert view.reference in opened and "None found" in opened
    note = (out / "README.txt").read_text()
    assert "7-Zip" in note and "Keka" in note and "separately" in note and PASSWORD not in note
    for path in out.iterdir():
        assert PASSWORD.encode() not in path.read_bytes()
    if os.name == "posix":
        assert all(p.stat().st_mode & 0o077 == 0 for p in out.iterdir())


def test_6_a_short_password_is_refused_before_anything_is_written(capsys, sqlite_register, tmp_path,
                                                                  monkeypatch) -> None:
    monkeypatch.setenv("BUNDLE_PW", "short")
    view = new_case(sqlite_register)
    assert main(["--db", sqlite_register.url, "bundle", view.reference, "-o", str(tmp_path / "b"),
                 "--password-env", "BUNDLE_PW"]) == 2
    assert "password" in capsys.readouterr().err and not (tmp_path / "b").exists()


# --- 7: warning period, and dates in the source's own zone ------------------------------------------

def test_7_the_warning_period_is_settable_from_the_cli(capsys, sqlite_register) -> None:
    url = sqlite_register.url
    assert main(["--db", url, "retention", "policy", "--warn-days", "45", "--evidence-months", "9",
                 "--case-years", "2", "--json"]) == 0
    policy = json.loads(capsys.readouterr().out)
    assert (policy["retention_warn_days"], policy["evidence_keep_months"], policy["anonymise_after_years"]) == (
        45, 9, 2)
    assert "refusal basis" in policy["minimal_record"]
    assert main(["--db", url, "retention", "policy", "--warn-days", "x"]) == 2


@pytest.mark.parametrize(("local", "purged"), [
    (time(0, 30), date(2026, 12, 11)),  # 11 Jun 23:30 UTC: filed on 11 Jun
    (time(0, 59), date(2026, 12, 11)),
    (time(1, 0), date(2026, 12, 12)),  # 12 Jun 00:00 UTC
    (time(1, 30), date(2026, 12, 12)),  # 12 Jun 00:30 UTC
    (time(23, 30), date(2026, 12, 12)),  # 12 Jun 22:30 UTC
])
def test_7_purge_dates_count_from_the_day_in_the_sources_zone(register, local, purged) -> None:
    from muse_care.services.settings import organisation, set_setting

    org = organisation(register).to_dict()
    set_setting(register, "organisation", {**org, "timezone": "Europe/London"})
    rt.update_source(register, "call-recording", timezone="UTC")
    view = new_case(register)
    entry = rt.add_retrieval(register, view.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), interaction_time=local))
    assert entry.purge_on == purged
    # Only the London day known: the earliest UTC day it can be filed under is 11 Jun.
    day_only = rt.add_retrieval(register, view.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12)))
    assert day_only.purge_on == date(2026, 12, 11)


def test_7_changing_a_sources_zone_recomputes_purge_dates(register) -> None:
    from muse_care.services.settings import organisation, set_setting

    org = organisation(register).to_dict()
    set_setting(register, "organisation", {**org, "timezone": "Asia/Karachi"})
    view = new_case(register)
    entry = rt.add_retrieval(register, view.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), interaction_time=time(3, 0)))
    assert entry.purge_on == date(2026, 12, 12)  # the organisation's own day, as before
    rt.update_source(register, "call-recording", timezone="UTC")  # 03:00 Lahore = 22:00 UTC on 11 Jun
    assert rt.get_retrieval(register, entry.id).purge_on == date(2026, 12, 11)


# --- 8: key rotation and passphrase change ---------------------------------------------------------

class Boom(Exception):
    pass


def test_8_rekey_to_a_new_passphrase_is_resumable_after_a_failure_mid_way(register, tmp_path,
                                                                         memory_keyring) -> None:
    from muse_care.evidence import EvidenceStore, KeyringKeyProvider, PassphraseKeyProvider
    from muse_care.evidence import WrongKey
    from muse_care.services import evidence_service as es

    root = tmp_path / "evidence"
    store = EvidenceStore(root, KeyringKeyProvider(), chunk_size=4096)
    view = new_case(register)
    contents = {}
    for i in range(5):
        data = os.urandom(10_000 + i)
        f = tmp_path / f"c{i}.wav"
        f.write_bytes(data)
        e = rt.add_retrieval(register, view.reference, rt.RetrievalDraft(
            source="call-recording", interaction_date=date(2026, 6, 12), file=str(f)), store)
        contents[e.id] = data
    new = PassphraseKeyProvider("a brand new passphrase here", scrypt_n=2**14)
    seen = []

    def fail_after_two(entry_id: int) -> None:
        seen.append(entry_id)
        if len(seen) == 2:
            raise Boom("killed")

    with pytest.raises(Boom):
        es.rekey(register, store, new, on_item=fail_after_two)
    # Cut off: the store still opens (both keys in the header) and every item verifies.
    half = EvidenceStore(root, PassphraseKeyProvider("a brand new passphrase here"),
                         previous_provider=KeyringKeyProvider())
    assert half.rekeying and es.verify_evidence(register, half).ok
    report = es.rekey(register, half)
    assert report.finished and report.rewrapped == 3 and report.already == 2 and not report.problems
    done = EvidenceStore(root, PassphraseKeyProvider("a brand new passphrase here"))
    assert not done.rekeying and es.verify_evidence(register, done).ok
    for entry_id, data in contents.items():
        entry = rt.get_retrieval(register, entry_id)
        with done.open_verified(entry.evidence_id, entry.sha256, (entry.case_id, entry.id)) as r:
            assert r.read() == data
    assert {k for k in memory_keyring.store if k[1].startswith("evidence-key:")} == set()  # old key forgotten
    with pytest.raises(WrongKey):
        EvidenceStore(root, PassphraseKeyProvider("the old passphrase was none"))


def test_8_cli_rekey_with_a_new_keychain_key(capsys, sqlite_register, tmp_path, memory_keyring) -> None:
    from muse_care.evidence import EvidenceStore, KeyringKeyProvider

    store = EvidenceStore(tmp_path / "evidence", KeyringKeyProvider())
    view = new_case(sqlite_register)
    rt.add_retrieval(sqlite_register, view.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), file=str(_wav(tmp_path))), store)
    before = dict(memory_keyring.store)
    assert main(["--db", sqlite_register.url, "evidence", "rekey", "--keychain"]) == 0
    assert "1 item(s) re-encrypted" in capsys.readouterr().out
    keys = {k: v for k, v in memory_keyring.store.items() if k[1].startswith("evidence-key:")}
    assert keys != {k: v for k, v in before.items() if k[1].startswith("evidence-key:")} and len(keys) == 1
    assert main(["--db", sqlite_register.url, "evidence", "verify"]) == 0


# --- 9: rules per data category ---------------------------------------------------------------------

def test_9_sources_carry_the_policys_kinds_of_rule(capsys, register) -> None:
    rt.add_source(register, "billing", "Billing system", 84, "account", retention_kind="billing-date")
    rt.add_source(register, "marketing", "Marketing consent", 60, "email", retention_kind="last-interaction")
    rt.add_source(register, "crm", "Customer-care enquiries", None, "account", retention_kind="end-of-relationship")
    view = new_case(register)
    bill = rt.add_retrieval(register, view.reference, rt.RetrievalDraft(source="billing",
                                                                        interaction_date=date(2020, 3, 31)))
    assert bill.purge_on == date(2027, 3, 31)
    m1 = rt.add_retrieval(register, view.reference, rt.RetrievalDraft(source="marketing",
                                                                      interaction_date=date(2022, 1, 10)))
    assert m1.purge_on == date(2027, 1, 10)
    rt.add_retrieval(register, view.reference, rt.RetrievalDraft(source="marketing",
                                                                 interaction_date=date(2024, 5, 2)))
    # A later interaction moves the purge of every item of that category to five years after it.
    assert rt.get_retrieval(register, m1.id).purge_on == date(2029, 5, 2)
    crm = rt.add_retrieval(register, view.reference, rt.RetrievalDraft(source="crm",
                                                                       interaction_date=date(2025, 1, 1)))
    assert crm.purge_on is None
    rules = {s.code: s.rule_text for s in rt.list_sources(register)}
    assert rules["billing"] == "7 years from the billing date"
    assert rules["marketing"] == "5 years from the last interaction"
    assert rules["crm"] == "kept while the customer is active"
    assert rules["call-recording"] == "6 months from the interaction"
    lines = {x.source_code: x.rule for x in rt.retention_lines(register, view.reference)}
    assert lines["billing"] == "7 years from the billing date"
    report = rt.retention_report(register)
    assert {r.line.rule for r in report} >= {"7 years from the billing date", "5 years from the last interaction"}
    with pytest.raises(Exception, match="retention rule"):
        rt.add_source(register, "bad", "Bad", 6, "email", retention_kind="forever")


# --- 10: a log, and a schedule -----------------------------------------------------------------------

def test_10_retention_runs_by_itself_once_the_dry_run_was_seen_and_logs_it(capsys, tmp_path, sqlite_template,
                                                                          monkeypatch) -> None:
    from tests.conftest import fresh_sqlite_url
    from muse_care.services.register import Actor, Register

    url = fresh_sqlite_url(sqlite_template, tmp_path)
    long_ago = datetime(2022, 1, 5, 10, 0, tzinfo=timezone.utc)
    old = Register.open(url, Actor("aisha", "Aisha"), migrate=False, now=lambda: long_ago)
    view = new_case(old, name="Old Requester", received=date(2022, 1, 3))
    cases.change_status(old, view.reference, "withdrawn")
    old.dispose()
    assert main(["--db", url, "retention", "run"]) == 0
    assert "waiting for an admin to see the dry run" in capsys.readouterr().out
    assert main(["--db", url, "anonymise", "--dry-run"]) == 0
    assert view.reference in capsys.readouterr().out
    assert main(["--db", url, "retention", "run", "--json"]) == 0
    run = json.loads(capsys.readouterr().out)
    assert run["ran"] and [c["reference"] for c in run["report"]["cases"]] == [view.reference]
    assert main(["--db", url, "retention", "run"]) == 0
    assert "already run today" in capsys.readouterr().out
    assert main(["--db", url, "retention", "log"]) == 0
    log = capsys.readouterr().out
    assert "reviewed" in log and "anonymised" in log and view.reference in log and "3 year(s)" in log
    assert main(["--db", url, "retention", "log", "--json"]) == 0
    actions = [e["action"] for e in json.loads(capsys.readouterr().out)]
    assert actions == ["reviewed", "anonymised", "run"]


@pytest.mark.pg
def test_10_on_a_team_only_one_window_runs_it_under_the_advisory_lock(pg_url) -> None:
    from sqlalchemy import create_engine, text

    from muse_care.services.register import Actor, Register
    from muse_care.services.settings import set_setting

    admin = Register.open(pg_url, Actor("root", "Admin", "admin"), migrate=False)
    agent = Register.open(pg_url, Actor("aisha", "Aisha", "agent"), migrate=False)
    other = create_engine(pg_url)
    try:
        set_setting(admin, "retention_reviewed", {"by": "root", "at": "2026-01-01"})
        assert not an.run_scheduled(agent, lambda: None).ran  # agents never run it
        with other.connect() as conn:  # another admin's window holds the lock
            assert conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": an._LOCK_KEY}).scalar()
            busy = an.run_scheduled(admin, lambda: None)
            assert not busy.ran and "another window" in busy.why
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": an._LOCK_KEY})
        assert an.run_scheduled(admin, lambda: None).ran
        assert an.run_scheduled(admin, lambda: None).why == "already run today"
    finally:
        other.dispose()
        admin.dispose()
        agent.dispose()


# --- 11: the period searched in the index ---------------------------------------------------------------

def test_11_the_bundle_index_shows_the_period_searched_and_the_result_for_every_entry(register, store,
                                                                                     tmp_path) -> None:
    from muse_care.services.bundle import export_bundle

    view, _ = _bundle_case(register, store, tmp_path)
    report = export_bundle(register, store, view.reference, tmp_path / "out")
    text = subprocess.run(["pdftotext", "-layout", str(report.index_pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    searched = text[text.index("Searched, nothing to disclose"):]
    assert "Thu 1 Jan 2026 to Tue 30 Jun 2026" in searched and "None found" in searched
    disclosed = text[text.index("Files disclosed"):text.index("Withheld")]
    assert "Mon 1 Jun 2026 to" in disclosed and "Tue 30 Jun 2026" in disclosed and "Found" in disclosed
    csv_text = report.index_csv.read_text(encoding="utf-8-sig")
    assert "period_from,period_to" in csv_text.splitlines()[0] and "2026-01-01,2026-06-30" in csv_text


# --- issue 12: evidence bound to its entry; nothing left behind -------------------------------------------

def test_12_3_a_retrieval_row_pointed_at_another_items_file_fails_verification(register, store, tmp_path) -> None:
    from muse_care.services import evidence_service as es

    a_case, b_case = new_case(register, name="Anna A"), new_case(register, name="Ben B")
    a = rt.add_retrieval(register, a_case.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), file=str(_wav(tmp_path, "a.wav"))), store)
    b = rt.add_retrieval(register, b_case.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), file=str(_wav(tmp_path, "b.wav"))), store)
    assert es.verify_evidence(register, store).ok
    with register.unit_of_work() as s:  # B's row now names A's item and hash
        rec = s.get(RetrievalRecord, b.id)
        rec.evidence_id, rec.sha256 = a.evidence_id, a.sha256
    report = es.verify_evidence(register, store)
    assert [p.retrieval_id for p in report.problems] == [b.id]
    assert "belongs to case" in report.problems[0].problem
    assert report.orphans == (b.evidence_id,)  # B's own item is now owned by nobody
    with pytest.raises(Exception, match="belongs to case"):
        es.export_item(register, store, b.id, tmp_path / "out.wav")
    assert not (tmp_path / "out.wav").exists()


def test_12_4_items_written_before_binding_are_bound_by_rekey_keep_key(capsys, sqlite_register, tmp_path) -> None:
    import uuid

    from muse_care.evidence import EvidenceStore, KeyringKeyProvider, container
    from muse_care.services import evidence_service as es

    store = EvidenceStore(tmp_path / "evidence", KeyringKeyProvider(), chunk_size=4096)
    view = new_case(sqlite_register)
    entry = rt.add_retrieval(sqlite_register, view.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), file=str(_wav(tmp_path, size=9000))), store)
    # Rewrite the item in format 1 (no binding), as the store wrote it before.
    data = (tmp_path / "call.wav").read_bytes()
    item = uuid.UUID(hex=entry.evidence_id)
    header = container.HEADER_V1.pack(container.MAGIC, 1, 0, 4096, item.bytes, os.urandom(32))
    aead = container._file_key(store._key, item, header[-32:])
    chunks = [data[i:i + 4096] for i in range(0, len(data), 4096)]
    body = b"".join(aead.encrypt(container._nonce(i, i == len(chunks) - 1), c,
                                 container._aad(header, i, i == len(chunks) - 1)) for i, c in enumerate(chunks))
    store._path(entry.evidence_id).write_bytes(header + body)
    report = es.verify_evidence(sqlite_register, store)
    assert not report.ok and "not yet bound" in report.problems[0].problem
    assert main(["--db", sqlite_register.url, "evidence", "rekey", "--keep-key"]) == 0
    assert store.info(entry.evidence_id).binding == (entry.case_id, entry.id)
    assert main(["--db", sqlite_register.url, "evidence", "verify"]) == 0


def _wait_for(predicate, seconds: float = 30.0) -> bool:  # noqa: ANN001
    import time as _time

    end = _time.monotonic() + seconds
    while _time.monotonic() < end:
        if predicate():
            return True
        _time.sleep(0.005)
    return False


def _cli(url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    import sys

    full = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "muse_care", "--db", url, *args], env=full,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.skipif(os.name != "posix", reason="kill -9 of a child process")
def test_12_4_a_killed_export_leaves_only_a_private_partial_that_the_next_export_sweeps(tmp_path, sqlite_url) -> None:
    from muse_care.evidence import EvidenceStore, PassphraseKeyProvider
    from muse_care.services.register import Actor, Register

    reg = Register.open(sqlite_url, Actor("aisha", "Aisha"), migrate=False)
    phrase = "the evidence passphrase"
    store = EvidenceStore(Path(sqlite_url.removeprefix("sqlite:///")).parent / "evidence",
                          PassphraseKeyProvider(phrase, scrypt_n=2**14))
    view = new_case(reg)
    big = tmp_path / "big.wav"
    with open(big, "wb") as f:
        for _ in range(400):
            f.write(os.urandom(1 << 20))
    entry = rt.add_retrieval(reg, view.reference, rt.RetrievalDraft(
        source="call-recording", interaction_date=date(2026, 6, 12), file=str(big)), store)
    reg.dispose()
    out = tmp_path / "out"
    out.mkdir()
    proc = _cli(sqlite_url, "evidence", "export", str(entry.id), "-o", str(out / "copy.wav"),
                "--passphrase-env", "PW", env={"PW": phrase})
    try:
        assert _wait_for(lambda: any(p.name.endswith(".part") and p.stat().st_size > 0 for p in out.iterdir()))
    finally:
        proc.kill()
        proc.communicate()
    (partial,) = list(out.iterdir())
    assert partial.name.startswith(".copy.wav.") and partial.stat().st_mode & 0o077 == 0
    proc = _cli(sqlite_url, "evidence", "export", str(entry.id), "-o", str(out / "other.wav"),
                "--passphrase-env", "PW", env={"PW": phrase})
    proc.communicate(timeout=120)
    assert proc.returncode == 0 and sorted(p.name for p in out.iterdir()) == ["other.wav"]


@pytest.mark.skipif(os.name != "posix", reason="kill -9 of a child process")
def test_12_4_a_killed_retrieval_add_leaves_nothing_unseen(tmp_path, sqlite_url) -> None:
    from muse_care.evidence import EvidenceStore, PassphraseKeyProvider
    from muse_care.services import evidence_service as es
    from muse_care.services.register import Actor, Register

    reg = Register.open(sqlite_url, Actor("aisha", "Aisha"), migrate=False)
    phrase = "the evidence passphrase"
    root = Path(sqlite_url.removeprefix("sqlite:///")).parent / "evidence"
    EvidenceStore(root, PassphraseKeyProvider(phrase, scrypt_n=2**14))
    view = new_case(reg)
    big = tmp_path / "big.wav"
    with open(big, "wb") as f:
        for _ in range(400):
            f.write(os.urandom(1 << 20))
    proc = _cli(sqlite_url, "retrieval", "add", view.reference, "--source", "call-recording",
                "--interaction-date", "2026-06-12", "--file", str(big), "--passphrase-env", "PW", env={"PW": phrase})
    try:
        assert _wait_for(lambda: any((root / "tmp").glob("*.part")))
    finally:
        proc.kill()
        proc.communicate()
    assert list((root / "pending").iterdir())  # the mark says an attachment was under way
    assert rt.list_retrievals(reg, view.reference) == []
    # An item stored but never recorded (killed between the two) is reported as an orphan...
    store = EvidenceStore(root, PassphraseKeyProvider(phrase))
    stray = store.put(_wav(tmp_path, "stray.wav"))
    assert es.verify_evidence(reg, store).orphans == (stray.item_id,)
    # ...and the start-up sweep clears what the killed process left (its mark names a dead process).
    removed = es.sweep_pending(reg, store)
    assert len(removed) == 1 and list((root / "pending").iterdir()) == []
    assert es.verify_evidence(reg, store).orphans == (stray.item_id,)  # never deleted without a mark
    reg.dispose()
