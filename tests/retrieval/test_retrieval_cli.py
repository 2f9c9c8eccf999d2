"""The retrieval, retention, evidence and bundle commands, run as users run them."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from muse_care.cli.main import main
from tests.retrieval.conftest import EMAIL, PHONE


@pytest.fixture(autouse=True)
def _on_the_scenarios_day(cli_on_fixed_now: None) -> None:
    """A call recording of 12 Jun 2026 is kept until 12 Dec 2026; on the real 13 Dec it
    can no longer be retrieved, as it should not be: the command line run in this
    process keeps the day these scenarios are written for (``cli_on_fixed_now``)."""

PASSPHRASE = "correct horse battery staple"


def run(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--db", url, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def new_case(capsys, url: str) -> str:  # noqa: ANN001
    code, out, err = run(capsys, url, "case", "add", "--right", "access", "--channel", "phone",
                         "--received", "2026-11-20", "--name", "Ayesha Qureshi", "--phone", PHONE,
                         "--email", EMAIL, "--json")
    assert code == 0, err
    return json.loads(out)["reference"]


def add(capsys, url: str, ref: str, *extra: str) -> dict:  # noqa: ANN001
    code, out, err = run(capsys, url, "retrieval", "add", ref, *extra, "--json")
    assert code == 0, err
    return json.loads(out)


def evidence_dir(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///")).parent / "evidence"


def sealed_file(url: str, evidence_id: str) -> Path:
    return evidence_dir(url) / "items" / evidence_id[:2] / f"{evidence_id}.mce"


@pytest.fixture
def recordings(tmp_path: Path) -> list[Path]:
    out = []
    for i, size in enumerate((0, 5_000, 123_457)):
        p = tmp_path / f"call-{i}.wav"
        p.write_bytes(os.urandom(size))
        out.append(p)
    return out


def test_add_list_report_and_json(capsys, sqlite_url, recordings) -> None:
    ref = new_case(capsys, sqlite_url)
    entry = add(capsys, sqlite_url, ref, "--source", "call-recording", "--interaction-date", "2026-06-12",
                "--interaction-time", "14:05", "--item-ref", "REC-2231", "--file", str(recordings[1]))
    assert entry["result"] == "found" and entry["purge_on"] == "2026-12-12"
    assert entry["file"]["sha256"] == hashlib.sha256(recordings[1].read_bytes()).hexdigest()
    assert entry["identifier"] == PHONE
    add(capsys, sqlite_url, ref, "--source", "live-chat", "--interaction-date", "2026-01-05")
    code, out, _ = run(capsys, sqlite_url, "retrieval", "list", ref, "--json")
    listed = json.loads(out)
    assert code == 0 and [e["source"] for e in listed["entries"]] == ["call-recording", "live-chat"]
    assert listed["retention"][0]["text"].endswith("retrieved, a copy is in the evidence store")
    code, out, _ = run(capsys, sqlite_url, "retention", "report", "--as-of", "2026-11-25", "--json")
    report = json.loads(out)
    assert [(r["purge_on"], r["days_left"], r["secured"]) for r in report] == [
        ("2026-12-12", 17, True), ("2027-02-05", 72, False)]
    code, out, _ = run(capsys, sqlite_url, "retention", "report", "--as-of", "2026-11-25")
    assert "NOT RETRIEVED" in out and code == 0
    code, out, _ = run(capsys, sqlite_url, "sources", "add", "email-archive", "--name", "Email archive",
                       "--retention-months", "24", "--identifier-kind", "email", "--json")
    assert code == 0 and json.loads(out)[0]["retention_months"] == 24
    code, out, _ = run(capsys, sqlite_url, "sources", "list")
    assert "email-archive" in out and "13 months" in out


@pytest.mark.parametrize(("argv", "field"), [
    (["--source", "call-recording", "--interaction-date", "2027-01-01"], "interaction_date"),
    (["--source", "call-recording", "--interaction-date", "12/06/2026"], "interaction-date"),
    (["--source", "call-recording", "--interaction-date", "2026-06-12", "--interaction-time", "2pm"],
     "interaction-time"),
    (["--source", "call-recording", "--interaction-date", "2026-06-12", "--result", "maybe"], "result"),
    (["--source", "call-recording", "--interaction-date", "2026-06-12", "--file", "/no/such/file.wav"], "file"),
    (["--source", "pager", "--interaction-date", "2026-06-12"], "source"),
    (["--source", "call-recording", "--interaction-date", "2026-06-12", "--period-from", "2026-06-30",
      "--period-to", "2026-06-01"], "period_from"),
])
def test_bad_input_exits_2_with_one_line_naming_the_field(capsys, sqlite_url, argv, field) -> None:
    ref = new_case(capsys, sqlite_url)
    code, out, err = run(capsys, sqlite_url, "retrieval", "add", ref, *argv)
    assert code == 2
    assert err.count("\n") == 1 and f"muse-care: {field}:" in err, err


def test_verify_catches_flipped_truncated_and_missing_files(capsys, sqlite_url, recordings, tmp_path) -> None:
    ref = new_case(capsys, sqlite_url)
    entries = [add(capsys, sqlite_url, ref, "--source", "call-recording", "--interaction-date", "2026-06-12",
                   "--file", str(p)) for p in recordings]
    code, out, _ = run(capsys, sqlite_url, "evidence", "verify", ref)
    assert code == 0 and "3 file(s) checked, 0 problem(s)" in out
    flipped = sealed_file(sqlite_url, entries[1]["file"]["evidence_id"])
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped.write_bytes(bytes(data))
    truncated = sealed_file(sqlite_url, entries[2]["file"]["evidence_id"])
    with open(truncated, "r+b") as f:
        f.truncate(truncated.stat().st_size - 100)
    sealed_file(sqlite_url, entries[0]["file"]["evidence_id"]).unlink()
    code, out, _ = run(capsys, sqlite_url, "evidence", "verify")
    assert code == 1
    problems = [line for line in out.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 3 and "3 problem(s)" in out
    assert "missing" in problems[0] and "integrity" in problems[1] and "integrity" in problems[2]
    # Never served: export leaves nothing, the bundle leaves nothing and marks nothing.
    code, _, err = run(capsys, sqlite_url, "evidence", "export", str(entries[1]["id"]), "-o", str(tmp_path / "x"))
    assert code == 2 and "failed its integrity check" in err and not (tmp_path / "x").exists()
    out_dir = tmp_path / "bundle"
    code, _, err = run(capsys, sqlite_url, "bundle", ref, "-o", str(out_dir))
    assert code == 1 and err.count("PROBLEM") == 3
    assert not out_dir.exists()
    code, out, _ = run(capsys, sqlite_url, "retrieval", "list", ref, "--json")
    assert all(e["disclosed_in"] is None for e in json.loads(out)["entries"])


def test_no_keychain_says_so_and_how_to_fix_it(capsys, sqlite_url, recordings) -> None:
    ref = new_case(capsys, sqlite_url)
    keyring.set_keyring(keyring.backends.fail.Keyring())
    code, _, err = run(capsys, sqlite_url, "retrieval", "add", ref, "--source", "call-recording",
                       "--interaction-date", "2026-06-12", "--file", str(recordings[1]))
    assert code == 2
    assert "no OS keychain was found" in err and "never in a plain file" in err
    assert "Secret Service" in err and "--passphrase-env VAR" in err
    assert not evidence_dir(sqlite_url).exists() or not list(evidence_dir(sqlite_url).rglob("*.mce"))
    code, out, _ = run(capsys, sqlite_url, "retrieval", "list", ref, "--json")
    assert json.loads(out)["entries"] == []


def test_passphrase_store(capsys, sqlite_url, recordings, monkeypatch, tmp_path) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    monkeypatch.setenv("MC_PASS", PASSPHRASE)
    ref = new_case(capsys, sqlite_url)
    entry = add(capsys, sqlite_url, ref, "--source", "call-recording", "--interaction-date", "2026-06-12",
                "--file", str(recordings[2]), "--passphrase-env", "MC_PASS")
    code, out, _ = run(capsys, sqlite_url, "evidence", "verify", "--passphrase-env", "MC_PASS")
    assert code == 0 and "1 file(s) checked" in out
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    code, _, err = run(capsys, sqlite_url, "evidence", "verify")
    assert code == 2 and "passphrase" in err and "--passphrase-env" in err
    monkeypatch.setenv("MC_PASS", "not the passphrase at all")
    code, _, err = run(capsys, sqlite_url, "evidence", "verify", "--passphrase-env", "MC_PASS")
    assert code == 2 and "not the passphrase" in err
    monkeypatch.setenv("MC_PASS", PASSPHRASE)
    out_file = tmp_path / "out.wav"
    code, _, err = run(capsys, sqlite_url, "evidence", "export", str(entry["id"]), "-o", str(out_file),
                       "--passphrase-env", "MC_PASS")
    assert code == 0, err
    assert out_file.read_bytes() == recordings[2].read_bytes()


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_bundle_index_matches_the_files(capsys, sqlite_url, recordings, tmp_path) -> None:
    ref = new_case(capsys, sqlite_url)
    for p in recordings:
        add(capsys, sqlite_url, ref, "--source", "call-recording", "--interaction-date", "2026-06-12",
            "--item-ref", "<b>REC</b> & =1+1", "--file", str(p))
    add(capsys, sqlite_url, ref, "--source", "live-chat", "--result", "none-found",
        "--period-from", "2026-01-01", "--period-to", "2026-06-30")
    withheld = add(capsys, sqlite_url, ref, "--source", "live-chat", "--interaction-date", "2026-03-03",
                   "--result", "withheld-third-party", "--file", str(recordings[1]))
    out_dir = tmp_path / "bundle"
    code, out, err = run(capsys, sqlite_url, "bundle", ref, "-o", str(out_dir), "--json")
    assert code == 0, err
    files = sorted(p for p in out_dir.iterdir() if not p.name.startswith("index."))
    assert [p.name for p in files] == ["01-call-recording-2026-06-12-call-0.wav",
                                       "02-call-recording-2026-06-12-call-1.wav",
                                       "03-call-recording-2026-06-12-call-2.wav"]
    for original, exported in zip(recordings, files):
        assert exported.read_bytes() == original.read_bytes()
    hashes = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    with open(out_dir / "index.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    disclosed = {r["file"]: r for r in rows if r["section"] == "disclosed"}
    assert {k: v["sha256"] for k, v in disclosed.items()} == hashes
    assert {k: int(v["size_bytes"]) for k, v in disclosed.items()} == {p.name: p.stat().st_size for p in files}
    assert [r["section"] for r in rows if r["section"] != "disclosed"] == ["searched", "withheld"]
    assert rows[0]["item_ref"] == "<b>REC</b> & =1+1"
    text = _pdf_text(out_dir / "index.pdf")
    for name, digest in hashes.items():
        assert digest in text and name in text
    assert "<b>REC</b> & =1+1" in text  # user text printed as text, never markup
    assert "Withheld" in text and "None found" in text
    pdftotext = subprocess.run(["pdftotext", "-layout", str(out_dir / "index.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout
    assert all(d in pdftotext for d in hashes.values())
    code, out, _ = run(capsys, sqlite_url, "retrieval", "list", ref, "--json")
    entries = json.loads(out)["entries"]
    assert [bool(e["disclosed_in"]) for e in entries] == [True, True, True, False, False]
    assert entries[0]["disclosed_in"].startswith(f"bundle {ref} ")
    assert withheld["id"] == entries[-1]["id"]
    code, out, _ = run(capsys, sqlite_url, "case", "history", ref, "--json")
    assert sum(h["what"] == "retrieval:disclosed" for h in json.loads(out)) == 3
    code, _, err = run(capsys, sqlite_url, "bundle", ref, "-o", str(out_dir))
    assert code == 2 and "not an empty folder" in err


def test_bundle_refuses_unredacted_and_unretrieved(capsys, sqlite_url, recordings, tmp_path) -> None:
    ref = new_case(capsys, sqlite_url)
    entry = add(capsys, sqlite_url, ref, "--source", "call-recording", "--interaction-date", "2026-06-12",
                "--file", str(recordings[1]), "--redaction-needed")
    code, _, err = run(capsys, sqlite_url, "bundle", ref, "-o", str(tmp_path / "b"))
    assert code == 2 and "needs redaction that is not done" in err and not (tmp_path / "b").exists()
    code, _, err = run(capsys, sqlite_url, "retrieval", "update", str(entry["id"]), "--redaction-done")
    assert code == 0, err
    add(capsys, sqlite_url, ref, "--source", "live-chat", "--interaction-date", "2026-01-05")
    code, _, err = run(capsys, sqlite_url, "bundle", ref, "-o", str(tmp_path / "b"))
    assert code == 2 and "still to retrieve" in err


def test_hold_list_csv_and_pdf(capsys, sqlite_url, tmp_path) -> None:
    ref = new_case(capsys, sqlite_url)
    add(capsys, sqlite_url, ref, "--source", "call-recording", "--interaction-date", "2026-06-12",
        "--interaction-time", "09:30", "--item-ref", "=HYPERLINK(\"http://x\")")
    add(capsys, sqlite_url, ref, "--source", "live-chat", "--interaction-date", "2026-01-05",
        "--item-ref", "Łukasz <img src=x> & co")
    add(capsys, sqlite_url, ref, "--source", "call-recording", "--interaction-date", "2026-05-01",
        "--result", "already-purged")
    code, out, err = run(capsys, sqlite_url, "retention", "hold-list", "-o", str(tmp_path / "hold.csv"))
    assert code == 0, err
    with open(tmp_path / "hold.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["source"], r["interaction_date"], r["purge_date"], r["case_reference"]) for r in rows] == [
        ("call-recording", "2026-06-12", "2026-12-12", ref), ("live-chat", "2026-01-05", "2027-02-05", ref)]
    assert rows[0]["item_ref"].startswith("'=") and rows[0]["identifier"] == PHONE
    code, _, err = run(capsys, sqlite_url, "retention", "hold-list", "-o", str(tmp_path / "hold.pdf"))
    assert code == 0, err
    text = _pdf_text(tmp_path / "hold.pdf")
    assert "Łukasz <img src=x> & co" in text and ref in text and EMAIL in text and "Sat 12 Dec 2026" in text
    code, _, err = run(capsys, sqlite_url, "retention", "hold-list", "-o", str(tmp_path / "hold.xlsx"))
    assert code == 2 and "output" in err


def test_a_sparse_1_2_gib_recording_streams_through_retrieval_add(sqlite_url, tmp_path) -> None:
    """Run in a child process so its peak resident memory can be measured on its own."""
    big = tmp_path / "long-call.wav"
    size = int(1.2 * 2**30) + 12345
    with open(big, "wb") as f:
        f.truncate(size)
    env = {**os.environ, "MC_PASS": PASSPHRASE, "MUSE_CARE_USER": "aisha"}
    cli = [sys.executable, "-m", "muse_care", "--db", sqlite_url]
    from datetime import date, timedelta

    # a child process runs on the real clock: a case and a call of the last few weeks
    received, called = date.today() - timedelta(days=3), date.today() - timedelta(days=30)
    ref = json.loads(subprocess.run(
        [*cli, "case", "add", "--right", "access", "--channel", "phone", "--received", received.isoformat(),
         "--name", "Ayesha Qureshi", "--phone", PHONE, "--json"],
        env=env, capture_output=True, text=True, check=True).stdout)["reference"]
    # VmHWM is this process's own peak. ru_maxrss is not: Linux carries the parent's
    # peak across fork+exec, so under a large pytest process it reports pytest's size.
    script = (
        "import sys, json\n"
        "from muse_care.cli.main import main\n"
        "code = main(sys.argv[1:])\n"
        "hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "print(json.dumps({'code': code, 'maxrss_kib': hwm}), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, "--db", sqlite_url, "retrieval", "add", ref,
                           "--source", "call-recording", "--interaction-date", called.isoformat(),
                           "--file", str(big), "--passphrase-env", "MC_PASS", "--json"],
                          env=env, capture_output=True, text=True, timeout=300)
    stats = json.loads(done.stderr.strip().splitlines()[-1])
    assert stats["code"] == 0, done.stderr
    entry = json.loads(done.stdout)
    assert entry["file"]["size"] == size
    digest = hashlib.sha256()
    zeros = bytes(2**20)
    left = size
    while left:
        n = min(left, len(zeros))
        digest.update(zeros[:n])
        left -= n
    assert entry["file"]["sha256"] == digest.hexdigest()
    assert stats["maxrss_kib"] < 300 * 1024, f"peak RSS {stats['maxrss_kib'] / 1024:.0f} MiB"
